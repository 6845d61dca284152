// salesmetrics/funnel/fit_funnel.hpp: the one-call funnel model of a stage history.
//
// fit_funnel(history, stages) = fit_transitions (one pass: counts, probabilities, dwell; see
// transition_counts.hpp) followed by solve_absorbing_chain on the fitted probabilities and mean
// dwell (absorbing_chain.hpp): win probability, expected steps and their variance, and expected
// days to close per open stage. By default a singular chain (an open stage never left in the
// data) is flagged in chain.singular rather than thrown, so a sparse history still gives its
// counts; pass chain_options to throw instead.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/funnel/absorbing_chain.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

struct funnel_model {
  transition_fit fit;
  absorbing_chain chain;
};

namespace detail {
[[nodiscard]] inline chain_options flag_singular() {
  chain_options o;
  o.on_singular = singular_policy::flag;
  return o;
}
}  // namespace detail

template <class History>
[[nodiscard]] funnel_model fit_funnel(const History& history, const stage_layout& stages, const transition_options& fit_options = {},
                                      const chain_options& solve_options = detail::flag_singular()) {
  funnel_model m;
  m.fit = fit_transitions(history, stages, fit_options);
  m.chain = solve_absorbing_chain(m.fit, stages, solve_options);
  return m;
}

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
