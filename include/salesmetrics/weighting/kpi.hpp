// salesmetrics/weighting/kpi.hpp: one KPI of a compile-time scorecard.
//
// kpi<Metric, Target, Weight, Direction = higher_is_better, Cap = no_cap, Floor = no_floor>
//   Metric     the metric's tag type; the score reads results.column<Metric>()
//   Target     the value that counts as 100% attainment; must be finite and > 0
//   Weight     percent of the weighted total (the scorecard checks that the weights total 100);
//              must be finite and >= 0
//   Direction  higher_is_better (attainment = actual / target) or lower_is_better
//              (target / actual); see attainment.hpp for the zero and NaN cases
//   Cap, Floor bounds on the attainment ratio (1.5 = 150%); Floor <= Cap
// Each check is a static_assert naming kpi<...> and the fix. The KPI's display name is
// Metric::name when the tag has one (a static string), otherwise "kpi".
// Floating-point template arguments need g++ >= 11 or clang >= 18.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/weighting/attainment.hpp>

#include <concepts>
#include <limits>
#include <string_view>
#include <type_traits>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

template <class Metric, double Target, double Weight, kpi_direction Direction = higher_is_better, double Cap = no_cap,
          double Floor = no_floor>
struct kpi {
  static_assert(std::is_class_v<Metric>, "salesmetrics::weighting::kpi<Metric, ...>: Metric must be a metric tag type");
  static_assert(Target > 0.0 && Target < std::numeric_limits<double>::infinity(),
                "salesmetrics::weighting::kpi<Metric, Target, ...>: Target must be finite and > 0 (it is the divisor of "
                "higher-is-better attainment)");
  static_assert(Weight >= 0.0 && Weight < std::numeric_limits<double>::infinity(),
                "salesmetrics::weighting::kpi<Metric, Target, Weight, ...>: Weight is a percentage and must be >= 0");
  static_assert(Floor <= Cap, "salesmetrics::weighting::kpi<..., Cap, Floor>: Floor must not exceed Cap (both are "
                              "attainment ratios, 1.0 = 100%)");
  using metric = Metric;
  static constexpr double target = Target;
  static constexpr double weight = Weight;
  static constexpr kpi_direction direction = Direction;
  static constexpr double cap = Cap;
  static constexpr double floor = Floor;

  [[nodiscard]] static constexpr std::string_view name() noexcept {
    if constexpr (requires { std::string_view(Metric::name); }) return std::string_view(Metric::name);
    else return "kpi";
  }
};

/// A kpi<...> (or any type exposing the same static members).
template <class K>
concept Kpi = requires {
  typename K::metric;
  { K::target } -> std::convertible_to<double>;
  { K::weight } -> std::convertible_to<double>;
  { K::direction } -> std::convertible_to<kpi_direction>;
  { K::cap } -> std::convertible_to<double>;
  { K::floor } -> std::convertible_to<double>;
};

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
