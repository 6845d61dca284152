// salesmetrics/funnel/time_stepped.hpp: P(won by day t | open stage) from a per-step chain.
//
// The absorbing chain (absorbing_chain.hpp) says where a deal goes, not when. The step model adds
// time: with step length h days (1 = daily, 7 = weekly) and mean dwell d(k) days per visit of
// open stage k, m(k) = d(k) / h is the dwell in steps and, per step,
//   stay(k) = 1 - 1 / m(k)   when m(k) > 1, else 0 (a stage left faster than one step is left
//                            at the next step: timing is then rounded up to one step),
//   M(k, j) = stay(k) [j == k] + (1 - stay(k)) P(k, j)   over all stages j (P the jump chain).
// So each visit of k lasts a geometric number of steps with mean max(m(k), 1), and when it ends
// the deal moves as the jump chain says (a self-move Q(k, k) > 0 starts another visit). Hence
// the expected number of steps to absorption is N max(m, 1), i.e. N d / h when every m >= 1:
// the step model keeps the chain's expected days to close.
//   Qs = diag(stay) + diag(1 - stay) Q,  Rs = diag(1 - stay) R
//   won_by(., 0) = Rs(., 0) and won_by(., s) = Qs won_by(., s - 1) + Rs(., 0)  (matrix-vector
//   products), so won_by(k, s) = P(won within s + 1 steps | at stage k at step 0); lost_by alike.
// Output: open stages x horizon matrices; column s is the time (s + 1) h days.
// Dwell: NaN, infinite or negative d(k) throws std::invalid_argument, except for a stage that is
// never left (Q(k, k) = 1, stay irrelevant). Also throws for step_days <= 0 or not finite, and for
// Q/R that are not row-stochastic (checked as in absorbing_chain.hpp).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/funnel/absorbing_chain.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

// The Scalar parameter (only double is used) makes the models and the functions templates: they
// are instantiated when used, so a translation unit that includes this header without building a
// step model does not instantiate the Eigen code. step_model and absorption_curves are the double ones.
template <class Scalar = double>
struct basic_step_model {
  std::vector<int> stages;  // stage index of each open position (empty for the (Q, R) overload)
  double step_days = 1.0;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> stay;             // per open position
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> Qs;  // T x T
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> Rs;  // T x 2 (won, lost)
};
using step_model = basic_step_model<>;

template <class Scalar = double>
struct basic_absorption_curves {
  double step_days = 1.0;
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> won_by;   // T x horizon
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> lost_by;  // T x horizon
};
using absorption_curves = basic_absorption_curves<>;

/// The per-step chain from the jump chain (Q, R) and dwell days per open position.
template <class Scalar = double>
[[nodiscard]] basic_step_model<Scalar> make_step_model(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& R, const Eigen::VectorXd& dwell_days,
                                                       double step_days = 1.0) {
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  const char* who = "funnel::make_step_model";
  detail::check_chain_inputs<Scalar>(Q, R, 1e-9);
  if (!(std::isfinite(step_days) && step_days > 0))
    throw std::invalid_argument(std::string(who) + ": step_days must be finite and > 0, got " + std::to_string(step_days));
  const Eigen::Index T = Q.rows();
  if (dwell_days.size() != T)
    throw std::invalid_argument(std::string(who) + ": dwell_days has " + std::to_string(dwell_days.size()) + " entries, expected " +
                                std::to_string(T));
  basic_step_model<Scalar> m;
  m.step_days = step_days;
  m.stay.resize(T);
  for (Eigen::Index k = 0; k < T; ++k) {
    const double d = dwell_days(k);
    if (Q(k, k) >= 1.0) {
      m.stay(k) = 1.0;  // never left: stays whatever its dwell
      continue;
    }
    if (!(std::isfinite(d) && d >= 0))
      throw std::invalid_argument(std::string(who) + ": open position " + std::to_string(k) + " has dwell " + detail::fmt_double(d) +
                                  " days; a stage that is left needs a finite mean dwell >= 0");
    const double steps = d / step_days;
    m.stay(k) = steps > 1.0 ? 1.0 - 1.0 / steps : 0.0;
  }
  const vector leave = vector::Ones(T) - m.stay;
  m.Qs = leave.asDiagonal() * Q;
  m.Qs.diagonal() += m.stay;
  m.Rs = leave.asDiagonal() * R;
  return m;
}

/// From a full transition matrix over `stages` and dwell days by stage index.
template <class Scalar = double>
[[nodiscard]] basic_step_model<Scalar> make_step_model(const Eigen::MatrixXd& P, const stage_layout& stages,
                                                       const Eigen::VectorXd& dwell_days_by_stage, double step_days = 1.0) {
  using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  const auto S = static_cast<Eigen::Index>(stages.size());
  if (P.rows() != S || P.cols() != S || dwell_days_by_stage.size() != S)
    throw std::invalid_argument(std::string("funnel::make_step_model: P must be ") + std::to_string(S) + "x" + std::to_string(S) +
                                std::string(" and dwell_days_by_stage of size ") + std::to_string(S) + " for this stage list");
  const auto& tr = stages.transient_stages();
  const auto T = static_cast<Eigen::Index>(tr.size());
  matrix Q(T, T), R(T, 2);
  vector d(T);
  for (Eigen::Index i = 0; i < T; ++i) {
    const int si = tr[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < T; ++j) Q(i, j) = P(si, tr[static_cast<std::size_t>(j)]);
    R(i, 0) = P(si, stages.won());
    R(i, 1) = P(si, stages.lost());
    d(i) = dwell_days_by_stage(si);
  }
  basic_step_model<Scalar> m = make_step_model<Scalar>(Q, R, d, step_days);
  m.stages = tr;
  return m;
}

/// From a fitted history (probabilities and mean dwell).
template <class Scalar>
[[nodiscard]] basic_step_model<Scalar> make_step_model(const basic_transition_fit<Scalar>& fit, const stage_layout& stages, double step_days = 1.0) {
  return make_step_model<Scalar>(fit.probabilities, stages, fit.dwell_mean_days, step_days);
}

/// P(won by step s + 1 | open position k) and the same for lost, s = 0..horizon-1.
template <class Scalar>
[[nodiscard]] basic_absorption_curves<Scalar> absorption_by_step(const basic_step_model<Scalar>& m, std::size_t horizon) {
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  const Eigen::Index T = m.Qs.rows();
  const auto H = static_cast<Eigen::Index>(horizon);
  basic_absorption_curves<Scalar> c;
  c.step_days = m.step_days;
  c.won_by.resize(T, H);
  c.lost_by.resize(T, H);
  vector w = vector::Zero(T), l = vector::Zero(T), tmp(T);
  for (Eigen::Index s = 0; s < H; ++s) {
    tmp.noalias() = m.Qs * w;
    w = tmp + m.Rs.col(0);
    tmp.noalias() = m.Qs * l;
    l = tmp + m.Rs.col(1);
    c.won_by.col(s) = w;
    c.lost_by.col(s) = l;
  }
  return c;
}

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
