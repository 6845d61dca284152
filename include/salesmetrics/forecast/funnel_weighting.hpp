// salesmetrics/forecast/funnel_weighting.hpp: stage probabilities learned from the funnel model.
//
// funnel_stage_weighting(chain, stages) is the stage_weighting (forecast/forecast_weighting.hpp)
// with, for every stage index k of the stage layout,
//   p[k] = B(position(k), 0)   the absorbing chain's probability of ending in won from open stage k
//                              (funnel/absorbing_chain.hpp: B = (I - Q)^-1 R, by an LU solve)
//   p[won] = 1, p[lost] = 0.
// A chain flagged singular (some open stage can never reach won or lost) has no win probability:
// std::invalid_argument names the stages. The chain must have been built over this layout (its
// `stages` list equals the layout's transient stages, or is empty with as many positions).
// The overloads taking a transition_fit (funnel/transition_counts.hpp: fit_transitions over the
// stage history, or fit_from_snapshots(...).transitions) solve the chain first.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/forecast/forecast_weighting.hpp>
#include <salesmetrics/funnel/absorbing_chain.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

// These are templates over the chain's Scalar (only double is used) so that they are instantiated
// when used: a translation unit that includes this header without calling them does not
// instantiate the Eigen chain solver.

/// Win probability per stage index from a solved absorbing chain (header comment).
template <class Scalar>
[[nodiscard]] std::vector<double> funnel_win_probabilities(const funnel::basic_absorbing_chain<Scalar>& chain,
                                                           const funnel::stage_layout& stages) {
  const char* who = "salesmetrics::forecast::funnel_win_probabilities";
  const auto& tr = stages.transient_stages();
  if (static_cast<std::size_t>(chain.size()) != tr.size() || (!chain.stages.empty() && chain.stages != tr))
    throw std::invalid_argument(std::string(who) + ": the chain has " + std::to_string(chain.size()) +
                                " open positions, not those of this stage layout (" + std::to_string(tr.size()) + " open stages)");
  if (chain.singular) {
    std::string which;
    for (int i : chain.never_absorbed) which += " " + std::to_string(tr[static_cast<std::size_t>(i)]);
    throw std::invalid_argument(std::string(who) + ": the chain is singular (open stage(s)" + which +
                                " never reach won or lost), so it gives no win probability");
  }
  std::vector<double> p(stages.size(), 0.0);
  for (std::size_t i = 0; i < tr.size(); ++i) {
    const double b = chain.B(static_cast<Eigen::Index>(i), 0);
    // B is a probability up to rounding of the solve: clamp the last-ulp excursions only.
    if (!(b > -1e-9 && b < 1.0 + 1e-9))
      throw std::invalid_argument(std::string(who) + ": win probability of stage " + std::to_string(tr[i]) + " is " +
                                  std::to_string(b) + ", not a probability");
    p[static_cast<std::size_t>(tr[i])] = b < 0.0 ? 0.0 : (b > 1.0 ? 1.0 : b);
  }
  p[static_cast<std::size_t>(stages.won())] = 1.0;
  p[static_cast<std::size_t>(stages.lost())] = 0.0;
  return p;
}

template <class Scalar>
[[nodiscard]] stage_weighting funnel_stage_weighting(const funnel::basic_absorbing_chain<Scalar>& chain, const funnel::stage_layout& stages) {
  return make_stage_weighting(funnel_win_probabilities(chain, stages));
}

template <class Scalar>
[[nodiscard]] stage_weighting funnel_stage_weighting(const funnel::basic_transition_fit<Scalar>& fit, const funnel::stage_layout& stages) {
  funnel::chain_options opt;
  opt.on_singular = funnel::singular_policy::flag;
  return funnel_stage_weighting(funnel::solve_absorbing_chain(fit, stages, opt), stages);
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
