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

struct step_model {
  std::vector<int> stages;  // stage index of each open position (empty for the (Q, R) overload)
  double step_days = 1.0;
  Eigen::VectorXd stay;     // per open position
  Eigen::MatrixXd Qs;       // T x T
  Eigen::MatrixXd Rs;       // T x 2 (won, lost)
};

struct absorption_curves {
  double step_days = 1.0;
  Eigen::MatrixXd won_by;   // T x horizon
  Eigen::MatrixXd lost_by;  // T x horizon
};

/// The per-step chain from the jump chain (Q, R) and dwell days per open position.
[[nodiscard]] inline step_model make_step_model(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& R, const Eigen::VectorXd& dwell_days,
                                                double step_days = 1.0) {
  const char* who = "funnel::make_step_model";
  detail::check_chain_inputs(Q, R, 1e-9);
  if (!(std::isfinite(step_days) && step_days > 0))
    throw std::invalid_argument(std::string(who) + ": step_days must be finite and > 0, got " + std::to_string(step_days));
  const Eigen::Index T = Q.rows();
  if (dwell_days.size() != T)
    throw std::invalid_argument(std::string(who) + ": dwell_days has " + std::to_string(dwell_days.size()) + " entries, expected " +
                                std::to_string(T));
  step_model m;
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
  const Eigen::VectorXd leave = Eigen::VectorXd::Ones(T) - m.stay;
  m.Qs = leave.asDiagonal() * Q;
  m.Qs.diagonal() += m.stay;
  m.Rs = leave.asDiagonal() * R;
  return m;
}

/// From a full transition matrix over `stages` and dwell days by stage index.
[[nodiscard]] inline step_model make_step_model(const Eigen::MatrixXd& P, const stage_layout& stages, const Eigen::VectorXd& dwell_days_by_stage,
                                                double step_days = 1.0) {
  const auto S = static_cast<Eigen::Index>(stages.size());
  if (P.rows() != S || P.cols() != S || dwell_days_by_stage.size() != S)
    throw std::invalid_argument(std::string("funnel::make_step_model: P must be ") + std::to_string(S) + "x" + std::to_string(S) +
                                std::string(" and dwell_days_by_stage of size ") + std::to_string(S) + " for this stage list");
  const auto& tr = stages.transient_stages();
  const auto T = static_cast<Eigen::Index>(tr.size());
  Eigen::MatrixXd Q(T, T), R(T, 2);
  Eigen::VectorXd d(T);
  for (Eigen::Index i = 0; i < T; ++i) {
    const int si = tr[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < T; ++j) Q(i, j) = P(si, tr[static_cast<std::size_t>(j)]);
    R(i, 0) = P(si, stages.won());
    R(i, 1) = P(si, stages.lost());
    d(i) = dwell_days_by_stage(si);
  }
  step_model m = make_step_model(Q, R, d, step_days);
  m.stages = tr;
  return m;
}

/// From a fitted history (probabilities and mean dwell).
[[nodiscard]] inline step_model make_step_model(const transition_fit& fit, const stage_layout& stages, double step_days = 1.0) {
  return make_step_model(fit.probabilities, stages, fit.dwell_mean_days, step_days);
}

/// P(won by step s + 1 | open position k) and the same for lost, s = 0..horizon-1.
[[nodiscard]] inline absorption_curves absorption_by_step(const step_model& m, std::size_t horizon) {
  const Eigen::Index T = m.Qs.rows();
  const auto H = static_cast<Eigen::Index>(horizon);
  absorption_curves c;
  c.step_days = m.step_days;
  c.won_by.resize(T, H);
  c.lost_by.resize(T, H);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(T), l = Eigen::VectorXd::Zero(T), tmp(T);
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
