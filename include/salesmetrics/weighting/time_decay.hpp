// salesmetrics/weighting/time_decay.hpp: exponential time decay with a half-life, as a weighting policy.
//
// Definition: weight(age) = 0.5^(age / half_life), age and half_life in days (computed as
// exp2(-age / half_life), which is exact at whole multiples of the half-life: 1, 0.5, 0.25, ...).
//   age < 0 (an event after `now`)   weight 1: a future event is never up-weighted
//   age NaN                          NaN
//   age = +inf                       0
// Two forms with identical results:
//   exponential_decay<30.0>          half-life fixed at compile time (must be > 0 and finite:
//                                    static_assert)
//   half_life_decay{30.0}            half-life chosen at run time (throws std::invalid_argument
//                                    unless > 0 and finite)
// Both take an age in days (double), a std::chrono duration, or (event, now) timestamps, where
// the age is now - event. Depends on core only.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/time.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

namespace detail {
[[nodiscard]] inline double decay_weight(double age_days, double half_life_days) noexcept {
  if (std::isnan(age_days)) return std::numeric_limits<double>::quiet_NaN();
  if (age_days <= 0.0) return 1.0;
  return std::exp2(-age_days / half_life_days);
}
template <class Rep, class Period>
[[nodiscard]] constexpr double to_days(std::chrono::duration<Rep, Period> d) noexcept {
  return std::chrono::duration<double, std::ratio<86400>>(d).count();
}
}  // namespace detail

/// Exponential decay with the half-life (in days) fixed at compile time.
template <double HalfLifeDays>
struct exponential_decay {
  static_assert(HalfLifeDays > 0.0 && HalfLifeDays < std::numeric_limits<double>::infinity(),
                "salesmetrics::weighting::exponential_decay<HalfLifeDays>: the half-life must be a positive, finite "
                "number of days");
  static constexpr double half_life_days = HalfLifeDays;

  [[nodiscard]] double operator()(double age_days) const noexcept { return detail::decay_weight(age_days, HalfLifeDays); }
  template <class Rep, class Period>
  [[nodiscard]] double operator()(std::chrono::duration<Rep, Period> age) const noexcept {
    return detail::decay_weight(detail::to_days(age), HalfLifeDays);
  }
  [[nodiscard]] double operator()(timestamp event, timestamp now) const noexcept {
    return detail::decay_weight(days_between(event, now), HalfLifeDays);
  }
};

/// Exponential decay with the half-life (in days) chosen at run time.
class half_life_decay {
 public:
  explicit half_life_decay(double half_life_days) : half_life_(half_life_days) {
    if (!(half_life_days > 0.0) || !std::isfinite(half_life_days))
      throw std::invalid_argument("salesmetrics::weighting::half_life_decay: the half-life must be a positive, finite "
                                  "number of days");
  }
  [[nodiscard]] double half_life_days() const noexcept { return half_life_; }

  [[nodiscard]] double operator()(double age_days) const noexcept { return detail::decay_weight(age_days, half_life_); }
  template <class Rep, class Period>
  [[nodiscard]] double operator()(std::chrono::duration<Rep, Period> age) const noexcept {
    return detail::decay_weight(detail::to_days(age), half_life_);
  }
  [[nodiscard]] double operator()(timestamp event, timestamp now) const noexcept {
    return detail::decay_weight(days_between(event, now), half_life_);
  }

 private:
  double half_life_;
};

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
