// salesmetrics/funnel/absorbing_chain.hpp: the absorbing Markov chain of a sales funnel.
//
// States: T transient (open) stages in transient-position order, plus the absorbing won and lost.
// With the row-stochastic transition matrix in canonical form [[Q, R], [0, I]]:
//   Q (T x T)   Q(i, j) = P(next stage is open stage j | now at open stage i)
//   R (T x 2)   R(i, 0) = P(next is won | i), R(i, 1) = P(next is lost | i)
//   N = (I - Q)^-1        fundamental matrix: N(i, j) = expected number of visits to j (counting
//                         the start) before absorption, starting at i. Computed by a PartialPivLU
//                         solve with the identity as right-hand side, never by .inverse().
//   B = N R               B(i, 0) = P(win | start at i), B(i, 1) = P(lost | start at i); rows sum
//                         to 1. Computed by solving (I - Q) B = R with the same factorisation.
//   t = N 1               expected number of steps (transitions) until absorption from i.
//   var = (2N - I) t - t o t   variance of that number of steps (o = element-wise product).
//   days = N d            expected days until absorption from i, where d(j) is the mean dwell
//                         (days per visit) of open stage j: each visit to j lasts d(j) on average.
//                         A NaN d(j) makes days NaN exactly for the stages i with N(i, j) > 0
//                         (those that can visit j); without d the vector is NaN.
// Singularity: I - Q is singular exactly when some open stage cannot reach won or lost through
// transitions of positive probability (e.g. a stage that is never left, Q(i, i) = 1, or a closed
// loop of stages). This is checked structurally first (`never_absorbed` lists those stages);
// then the reciprocal condition estimate rcond of I - Q (PartialPivLU::rcond, L1 norm) is
// compared with chain_options::rcond_threshold (default 1e-12: below it, N loses more than
// about 12 of the 16 significant digits of a double). Either failure throws
// std::invalid_argument (default) or, with singular_policy::flag, returns singular = true and
// N, B, t, var, days all NaN.
// Input checks (std::invalid_argument): shapes, finite entries in [0, 1] (within the tolerance),
// each row of [Q R] summing to 1 within chain_options::stochastic_tolerance (default 1e-9).
// From a full S x S matrix P over a stage_layout the won and lost rows are ignored (absorbing by
// definition).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>

#include <Eigen/Core>
#include <Eigen/LU>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

enum class singular_policy : unsigned char { throw_error, flag };

struct chain_options {
  double rcond_threshold = 1e-12;
  double stochastic_tolerance = 1e-9;
  singular_policy on_singular = singular_policy::throw_error;
};

// The Scalar parameter (only double is used) makes the chain and the solvers templates: they are
// instantiated when used, so a translation unit that includes this header without solving a
// chain does not instantiate the Eigen LU code. absorbing_chain is the double chain.
template <class Scalar = double>
struct basic_absorbing_chain {
  std::vector<int> stages;  // stage index of each transient position (empty for the (Q, R) overload)
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> Q;
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> R;
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> N;
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> B;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> expected_steps;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> steps_variance;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> expected_days;
  double rcond = std::numeric_limits<double>::quiet_NaN();
  bool singular = false;
  std::vector<int> never_absorbed;  // transient positions that cannot reach won or lost

  [[nodiscard]] Eigen::Index size() const noexcept { return Q.rows(); }
  /// P(win | transient position i); B(i, 0).
  [[nodiscard]] double win_probability(Eigen::Index i) const { return B(i, 0); }
  [[nodiscard]] double loss_probability(Eigen::Index i) const { return B(i, 1); }
};
using absorbing_chain = basic_absorbing_chain<>;

namespace detail {

[[nodiscard]] inline std::string fmt_double(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

template <class Scalar>
void check_chain_inputs(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& Q,
                        const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& R, double tol) {
  const char* who = "funnel::solve_absorbing_chain";
  if (Q.rows() == 0) throw std::invalid_argument(std::string(who) + ": Q is empty (need at least one open stage)");
  if (Q.rows() != Q.cols())
    throw std::invalid_argument(std::string(who) + ": Q must be square, got " + std::to_string(Q.rows()) + "x" + std::to_string(Q.cols()));
  if (R.rows() != Q.rows() || R.cols() != 2)
    throw std::invalid_argument(std::string(who) + ": R must be " + std::to_string(Q.rows()) + "x2 (won, lost), got " +
                                std::to_string(R.rows()) + "x" + std::to_string(R.cols()));
  for (Eigen::Index i = 0; i < Q.rows(); ++i) {
    double sum = 0;
    for (Eigen::Index j = 0; j < Q.cols() + 2; ++j) {
      const double v = j < Q.cols() ? Q(i, j) : R(i, j - Q.cols());
      if (!std::isfinite(v) || v < -tol || v > 1 + tol)
        throw std::invalid_argument(std::string(who) + ": row " + std::to_string(i) + ", column " + std::to_string(j) +
                                    " of [Q R] is " + fmt_double(v) + ", not a probability");
      sum += v;
    }
    if (std::abs(sum - 1.0) > tol)
      throw std::invalid_argument(std::string(who) + ": row " + std::to_string(i) + " of [Q R] sums to " + fmt_double(sum) +
                                  ", not 1 (the transition matrix must be row-stochastic)");
  }
}

/// Transient positions from which won/lost cannot be reached through positive entries.
template <class Scalar>
[[nodiscard]] std::vector<int> unabsorbed_states(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& Q,
                                                 const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& R) {
  const Eigen::Index T = Q.rows();
  std::vector<char> reach(static_cast<std::size_t>(T), 0);
  for (Eigen::Index i = 0; i < T; ++i) reach[static_cast<std::size_t>(i)] = (R(i, 0) > 0 || R(i, 1) > 0) ? 1 : 0;
  for (bool changed = true; changed;) {
    changed = false;
    for (Eigen::Index i = 0; i < T; ++i) {
      if (reach[static_cast<std::size_t>(i)]) continue;
      for (Eigen::Index j = 0; j < T; ++j)
        if (Q(i, j) > 0 && reach[static_cast<std::size_t>(j)]) {
          reach[static_cast<std::size_t>(i)] = 1;
          changed = true;
          break;
        }
    }
  }
  std::vector<int> out;
  for (Eigen::Index i = 0; i < T; ++i)
    if (!reach[static_cast<std::size_t>(i)]) out.push_back(static_cast<int>(i));
  return out;
}

}  // namespace detail

namespace detail {
/// `stages` (may be empty) names the stage index of each position in error messages.
template <class Scalar>
[[nodiscard]] basic_absorbing_chain<Scalar> solve_chain(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& Q,
                                                        const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& R,
                                                        const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& dwell_days, const chain_options& opt,
                                                        const std::vector<int>& stages) {
  using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  detail::check_chain_inputs(Q, R, opt.stochastic_tolerance);
  const Eigen::Index T = Q.rows();
  if (dwell_days.size() != 0 && dwell_days.size() != T)
    throw std::invalid_argument(std::string("funnel::solve_absorbing_chain: dwell_days has ") + std::to_string(dwell_days.size()) +
                                std::string(" entries, expected one per open stage (") + std::to_string(T) + ") or none");
  basic_absorbing_chain<Scalar> c;
  c.Q = Q;
  c.R = R;
  c.never_absorbed = detail::unabsorbed_states(Q, R);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::string why;
  matrix A = matrix::Identity(T, T) - Q;
  Eigen::PartialPivLU<matrix> lu;
  if (!c.never_absorbed.empty()) {
    why = stages.empty() ? "open stage(s) at transient position" : "stage(s)";
    for (int i : c.never_absorbed) {
      why += ' ';
      why += std::to_string(stages.empty() ? i : stages[static_cast<std::size_t>(i)]);
    }
    why += " can never reach won or lost (e.g. a stage that is never left), so I - Q is singular";
  } else {
    lu.compute(A);
    c.rcond = lu.rcond();
    if (!(c.rcond >= opt.rcond_threshold))
      why = "I - Q is numerically singular (reciprocal condition estimate " + detail::fmt_double(c.rcond) + " < threshold " +
            detail::fmt_double(opt.rcond_threshold) + ")";
  }
  if (!why.empty()) {
    if (opt.on_singular == singular_policy::throw_error) throw std::invalid_argument("funnel::solve_absorbing_chain: " + why);
    c.singular = true;
    c.N = matrix::Constant(T, T, nan);
    c.B = matrix::Constant(T, 2, nan);
    c.expected_steps = c.steps_variance = c.expected_days = vector::Constant(T, nan);
    c.stages = stages;
    return c;
  }
  c.N = lu.solve(matrix::Identity(T, T));
  c.B = lu.solve(R);
  c.expected_steps = lu.solve(vector::Ones(T));
  c.steps_variance = 2.0 * (c.N * c.expected_steps) - c.expected_steps - c.expected_steps.cwiseProduct(c.expected_steps);
  c.expected_days = vector::Constant(T, nan);
  if (dwell_days.size() == T)
    for (Eigen::Index i = 0; i < T; ++i) {
      double s = 0;  // terms with N(i, j) = 0 are skipped: an unknown dwell of a stage never visited is harmless
      for (Eigen::Index j = 0; j < T; ++j)
        if (c.N(i, j) != 0) s += c.N(i, j) * dwell_days(j);
      c.expected_days(i) = s;
    }
  c.stages = stages;
  return c;
}
}  // namespace detail

/// The chain from Q (T x T) and R (T x 2: won, lost); dwell_days (size T, or size 0 for none)
/// gives expected_days. Definitions and failure modes in the header comment.
template <class Scalar = double>
[[nodiscard]] basic_absorbing_chain<Scalar> solve_absorbing_chain(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& R,
                                                                  const Eigen::VectorXd& dwell_days = Eigen::VectorXd(),
                                                                  const chain_options& opt = {}) {
  return detail::solve_chain<Scalar>(Q, R, dwell_days, opt, {});
}

/// The chain from a full S x S transition matrix over `stages` (won/lost rows ignored);
/// dwell_days_by_stage has S entries indexed by stage (won/lost entries ignored) or none.
template <class Scalar = double>
[[nodiscard]] basic_absorbing_chain<Scalar> solve_absorbing_chain(const Eigen::MatrixXd& P, const stage_layout& stages,
                                                                  const Eigen::VectorXd& dwell_days_by_stage = Eigen::VectorXd(),
                                                                  const chain_options& opt = {}) {
  using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  const auto S = static_cast<Eigen::Index>(stages.size());
  if (P.rows() != S || P.cols() != S)
    throw std::invalid_argument(std::string("funnel::solve_absorbing_chain: P is ") + std::to_string(P.rows()) + "x" + std::to_string(P.cols()) +
                                std::string(" but the stage list has ") + std::to_string(S) + " stages");
  if (dwell_days_by_stage.size() != 0 && dwell_days_by_stage.size() != S)
    throw std::invalid_argument(std::string("funnel::solve_absorbing_chain: dwell_days_by_stage has ") + std::to_string(dwell_days_by_stage.size()) +
                                std::string(" entries, expected one per stage (") + std::to_string(S) + ") or none");
  const auto& tr = stages.transient_stages();
  const auto T = static_cast<Eigen::Index>(tr.size());
  matrix Q(T, T), R(T, 2);
  vector d(dwell_days_by_stage.size() == 0 ? 0 : T);
  for (Eigen::Index i = 0; i < T; ++i) {
    const int si = tr[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < T; ++j) Q(i, j) = P(si, tr[static_cast<std::size_t>(j)]);
    R(i, 0) = P(si, stages.won());
    R(i, 1) = P(si, stages.lost());
    if (d.size() != 0) d(i) = dwell_days_by_stage(si);
  }
  return detail::solve_chain(Q, R, d, opt, tr);
}

/// The chain of a fitted history: fit.probabilities and fit.dwell_mean_days.
template <class Scalar>
[[nodiscard]] basic_absorbing_chain<Scalar> solve_absorbing_chain(const basic_transition_fit<Scalar>& fit, const stage_layout& stages,
                                                                  const chain_options& opt = {}) {
  return solve_absorbing_chain<Scalar>(fit.probabilities, stages, fit.dwell_mean_days, opt);
}

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
