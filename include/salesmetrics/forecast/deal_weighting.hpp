// salesmetrics/forecast/deal_weighting.hpp: the DealWeighting concept of pipeline forecasts.
//
// A deal weighting W gives the probability that an open deal is won:
//   const W& w;  w.probability(view, row, context) -> convertible to double, expected in [0, 1]
// where `view` is the opportunity table, `row` the deal's row in it and `context` the forecast's
// run-time facts (the as-of instant for policies that age deals). W is copyable so forecasts
// hold it by value, and is called once per open deal inside the forecast pass (a template
// parameter: inlined, no virtual dispatch per row).
// Optionally W has `check(view, context)`, called once before the pass; it throws
// std::invalid_argument when the policy cannot weigh this table (a per-deal score span of the
// wrong length, a missing as-of instant, ...). A probability outside [0, 1] or NaN returned for
// some deal is reported by the forecast itself (std::invalid_argument naming the row).
// The policies shipped with the library are in forecast/forecast_weighting.hpp and
// forecast/funnel_weighting.hpp.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/opportunity.hpp>

#include <concepts>
#include <cstddef>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

/// What a weighting may know besides the deal's row.
struct deal_context {
  timestamp as_of = no_time;  // "now" of the forecast (the date a past pipeline is reconstructed at)
};

template <class W>
concept DealWeighting = std::copy_constructible<W> &&
                        requires(const W& w, const opportunity_view& v, std::size_t row, const deal_context& c) {
                          { w.probability(v, row, c) } -> std::convertible_to<double>;
                        };

namespace detail {
/// Calls w.check(view, context) when W has one.
template <class W>
void check_weighting(const W& w, const opportunity_view& v, const deal_context& c) {
  if constexpr (requires { w.check(v, c); }) w.check(v, c);
}

/// One readable diagnostic for a type that is not a DealWeighting; true when it is.
template <class W>
consteval bool weighting_ok() {
  static_assert(DealWeighting<W>,
                "salesmetrics::forecast: the weighting is not a DealWeighting: it needs a member "
                "`double probability(const opportunity_view&, std::size_t row, const deal_context&) const` "
                "and must be copyable (see forecast/forecast_weighting.hpp for ready-made policies)");
  return DealWeighting<W>;
}
}  // namespace detail

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
