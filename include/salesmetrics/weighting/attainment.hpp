// salesmetrics/weighting/attainment.hpp: attainment of one KPI value against its target.
//
// Attainment is a ratio (1.0 = 100% = on target). With target t > 0 and actual a:
//   higher_is_better   raw = a / t                 (a < 0 gives a negative raw attainment)
//   lower_is_better    raw = t / a   when a > 0
//                      raw = +inf    when a <= 0   (none of a bad thing, e.g. 0 days of cycle
//                                                   time: the best possible, so only the cap limits it)
// then attainment = max(min(raw, cap), floor). cap defaults to +inf (no cap) and floor to -inf
// (no floor); cap 1.5 means "at most 150%". Undefined cases give NaN, with no cap/floor applied:
//   a is NaN (the metric is undefined for this rep), t <= 0, t NaN or t infinite.
// Scorecards reject t <= 0 and floor > cap before scoring (static_assert or a load error), so
// those NaNs only reach users who call attainment() directly.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

enum class kpi_direction : std::uint8_t { higher_is_better = 0, lower_is_better = 1 };
inline constexpr kpi_direction higher_is_better = kpi_direction::higher_is_better;
inline constexpr kpi_direction lower_is_better = kpi_direction::lower_is_better;

inline constexpr double no_cap = std::numeric_limits<double>::infinity();
inline constexpr double no_floor = -std::numeric_limits<double>::infinity();

[[nodiscard]] constexpr std::string_view to_string(kpi_direction d) noexcept {
  return d == kpi_direction::higher_is_better ? "higher_is_better" : "lower_is_better";
}

/// Attainment as defined in the header comment.
[[nodiscard]] inline double attainment(double actual, double target, kpi_direction dir, double cap = no_cap,
                                       double floor = no_floor) noexcept {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if (std::isnan(actual) || !(target > 0.0) || !std::isfinite(target)) return nan;
  double raw;
  if (dir == kpi_direction::higher_is_better) raw = actual / target;
  else raw = actual > 0.0 ? target / actual : std::numeric_limits<double>::infinity();
  if (raw > cap) raw = cap;
  if (raw < floor) raw = floor;
  return raw;
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
