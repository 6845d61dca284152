// salesmetrics/funnel/reverse_funnel.hpp: how much has to enter the funnel to expect a target.
//
// From a solved absorbing chain (absorbing_chain.hpp) with B(k, 0) = P(win | open stage k),
// fundamental matrix N, and an entry distribution e over the open stages (where new leads start;
// default: all at the first open stage; entry_distribution(fit) takes it from a history):
//   p = sum_k e(k) B(k, 0)                 win probability of one new lead
//   wins W = target wins, or target revenue / average won-deal size (both money, exact cents,
//            so W = target.cents / average.cents; fractional: an expectation)
//   leads_needed = W / p                   expected wins of L leads are L p, so L = W / p
//   deals_needed_at_stage(k) = W / B(k, 0) deals sitting in stage k now that together expect W wins
//   reach(k) = sum_i e(i) H(i, k), H(i, k) = N(i, k) / N(k, k) for i != k, H(k, k) = 1:
//            the probability that a new lead ever reaches open stage k (a standard identity:
//            N(i, k) = H(i, k) N(k, k));
//   expected_reaching(k) = leads_needed * reach(k)   distinct deals that reach stage k
//   expected_visits(k) = leads_needed * (e' N)(k)     entries into stage k, repeats included
// Edge cases: W = 0 gives 0 everywhere (nothing needed, even when p = 0). p = 0 (or B(k, 0) = 0)
// with W > 0 gives +infinity; then expected_reaching/visits are +infinity where reach/visits > 0
// and 0 where the stage is never reached (0 * infinity is taken as 0: a stage nobody reaches
// needs nobody). A singular chain (NaN B, N) gives NaN throughout. average won-deal size 0 with
// a positive revenue target gives W = +infinity (and so +infinity leads).
// Bad arguments throw std::invalid_argument: negative or NaN targets, a missing or negative
// money amount, an entry distribution of the wrong size, with a negative entry or not summing to
// 1 (tolerance 1e-9).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/funnel/absorbing_chain.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>

#include <Eigen/Core>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

// The Scalar parameter (only double is used) makes the result and the functions templates: they
// are instantiated when used, so a translation unit that includes this header without calling
// them does not instantiate the Eigen code. reverse_funnel is the double result.
template <class Scalar = double>
struct basic_reverse_funnel {
  std::vector<int> stages;  // stage index of each open position (as in the chain)
  double win_probability_per_lead = std::numeric_limits<double>::quiet_NaN();
  double wins_needed = 0;
  double leads_needed = 0;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> deals_needed_at_stage;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> reach_probability;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> expected_reaching;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> expected_visits;
};
using reverse_funnel = basic_reverse_funnel<>;

/// Where new opportunities start: fit.starts over the open stages, normalised. Starts in won or
/// lost are ignored. Throws std::invalid_argument when no opportunity starts in an open stage.
template <class Scalar>
[[nodiscard]] Eigen::Matrix<Scalar, Eigen::Dynamic, 1> entry_distribution(const basic_transition_fit<Scalar>& fit, const stage_layout& stages) {
  const auto& tr = stages.transient_stages();
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> e(static_cast<Eigen::Index>(tr.size()));
  double total = 0;
  for (std::size_t i = 0; i < tr.size(); ++i) {
    e(static_cast<Eigen::Index>(i)) = static_cast<double>(fit.starts(tr[i]));
    total += e(static_cast<Eigen::Index>(i));
  }
  if (total <= 0) throw std::invalid_argument("funnel::entry_distribution: no opportunity starts in an open stage");
  return e / total;
}

namespace detail {
/// x * y with 0 * infinity taken as 0.
[[nodiscard]] inline double times_or_zero(double x, double y) { return (x == 0 || y == 0) ? 0.0 : x * y; }

/// W / p with W = 0 giving 0; W > 0, p = 0 giving +infinity.
[[nodiscard]] inline double needed(double w, double p) {
  if (std::isnan(w) || std::isnan(p)) return std::numeric_limits<double>::quiet_NaN();
  if (w == 0) return 0;
  return p == 0 ? std::numeric_limits<double>::infinity() : w / p;
}
}  // namespace detail

/// Leads and deals needed to expect `target_wins` wins (definitions in the header comment).
template <class Scalar>
[[nodiscard]] basic_reverse_funnel<Scalar> reverse_funnel_for_wins(const basic_absorbing_chain<Scalar>& c, double target_wins,
                                                                   const Eigen::VectorXd& entry = Eigen::VectorXd()) {
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  const char* who = "funnel::reverse_funnel_for_wins";
  if (!(target_wins >= 0)) throw std::invalid_argument(std::string(who) + ": target wins must be >= 0, got " + std::to_string(target_wins));
  const Eigen::Index T = c.size();
  vector e = entry;
  if (e.size() == 0) {
    e = vector::Zero(T);
    if (T > 0) e(0) = 1;
  }
  if (e.size() != T)
    throw std::invalid_argument(std::string(who) + ": entry distribution has " + std::to_string(e.size()) + " entries, the chain has " +
                                std::to_string(T) + " open stages");
  if (!e.allFinite() || (e.array() < 0).any() || std::abs(e.sum() - 1.0) > 1e-9)
    throw std::invalid_argument(std::string(who) + ": entry distribution must be non-negative and sum to 1");
  basic_reverse_funnel<Scalar> r;
  r.stages = c.stages;
  r.wins_needed = target_wins;
  r.win_probability_per_lead = e.dot(c.B.col(0));
  r.leads_needed = detail::needed(target_wins, r.win_probability_per_lead);
  r.deals_needed_at_stage.resize(T);
  for (Eigen::Index k = 0; k < T; ++k) r.deals_needed_at_stage(k) = detail::needed(target_wins, c.B(k, 0));
  const vector visits = (e.transpose() * c.N).transpose();
  r.reach_probability.resize(T);
  for (Eigen::Index k = 0; k < T; ++k) {
    double s = 0;
    for (Eigen::Index i = 0; i < T; ++i) s += e(i) * (i == k ? 1.0 : c.N(i, k) / c.N(k, k));
    r.reach_probability(k) = s;
  }
  r.expected_reaching.resize(T);
  r.expected_visits.resize(T);
  for (Eigen::Index k = 0; k < T; ++k) {
    r.expected_reaching(k) = detail::times_or_zero(r.leads_needed, r.reach_probability(k));
    r.expected_visits(k) = detail::times_or_zero(r.leads_needed, visits(k));
  }
  return r;
}

/// Leads and deals needed to expect `target` revenue when a won deal brings `average_won_deal`.
template <class Scalar>
[[nodiscard]] basic_reverse_funnel<Scalar> reverse_funnel_for_revenue(const basic_absorbing_chain<Scalar>& c, money target,
                                                                      money average_won_deal,
                                                                      const Eigen::VectorXd& entry = Eigen::VectorXd()) {
  const char* who = "funnel::reverse_funnel_for_revenue";
  if (target.is_missing() || target.cents < 0)
    throw std::invalid_argument(std::string(who) + ": target revenue must be present and >= 0");
  if (average_won_deal.is_missing() || average_won_deal.cents < 0)
    throw std::invalid_argument(std::string(who) + ": average won-deal size must be present and >= 0");
  double w = 0;
  if (target.cents > 0)
    w = average_won_deal.cents == 0 ? std::numeric_limits<double>::infinity()
                                    : static_cast<double>(target.cents) / static_cast<double>(average_won_deal.cents);
  return reverse_funnel_for_wins(c, w, entry);
}

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
