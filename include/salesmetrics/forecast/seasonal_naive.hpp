// salesmetrics/forecast/seasonal_naive.hpp: the seasonal naive forecast (naive for m = 1).
//
// Definitions. Series y_0..y_{n-1}, period m >= 1, n >= m.
//   forecast h steps ahead: yhat_{n-1+h} = y_{n - m + ((h - 1) mod m)} (the last observed value of
//   the same season; m = 1 repeats the last value).
//   Residuals e_t = y_t - y_{t-m}, t = m..n-1; sigma^2 = mean of e_t^2 (no mean correction: the
//   method has no estimated parameter); NaN when n = m (no residual).
//   Prediction interval (Hyndman & Athanasopoulos, FPP 5.5, random walk with seasonal lag):
//   yhat -+ z_{(1+level)/2} sigma sqrt(k + 1), k = floor((h - 1) / m) (the number of complete
//   cycles in the forecast horizon before step h).
// Errors (std::invalid_argument): m = 0, n < m, a non-finite value (named by index).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/forecast/interval_forecast.hpp>
#include <salesmetrics/core/special_functions.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

namespace detail {
inline void check_seasonal_naive(std::span<const double> y, std::size_t m, const char* who) {
  if (m == 0) throw std::invalid_argument(std::string(who) + ": period m must be >= 1");
  if (y.size() < m || y.empty())
    throw std::invalid_argument(std::string(who) + ": the series needs at least m = " + std::to_string(m) +
                                " values, got " + std::to_string(y.size()));
  for (std::size_t i = 0; i < y.size(); ++i)
    if (!std::isfinite(y[i]))
      throw std::invalid_argument(std::string(who) + ": y at index " + std::to_string(i) + " is not finite");
}
}  // namespace detail

[[nodiscard]] inline std::vector<double> seasonal_naive_forecast(std::span<const double> y, std::size_t h,
                                                                 std::size_t m = 1) {
  detail::check_seasonal_naive(y, m, "seasonal_naive_forecast");
  std::vector<double> out(h);
  const std::size_t first = y.size() - m;  // >= 0 after the check
  for (std::size_t i = 0; i < h; ++i) out[i] = y.size() >= m ? y[first + i % m] : 0.0;
  return out;
}

[[nodiscard]] inline interval_forecast seasonal_naive_intervals(std::span<const double> y, std::size_t h,
                                                                std::size_t m = 1, double level = 0.95) {
  detail::check_seasonal_naive(y, m, "seasonal_naive_intervals");
  detail::check_level(level, "seasonal_naive_intervals");
  interval_forecast r;
  r.level = level;
  r.mean = seasonal_naive_forecast(y, h, m);
  double ss = 0.0;
  for (std::size_t t = m; t < y.size(); ++t) ss += (y[t] - y[t - m]) * (y[t] - y[t - m]);
  const double sigma = y.size() > m ? std::sqrt(ss / static_cast<double>(y.size() - m))
                                    : std::numeric_limits<double>::quiet_NaN();
  const double z = normal_quantile(0.5 + 0.5 * level);
  r.lower.resize(h);
  r.upper.resize(h);
  for (std::size_t i = 0; i < h; ++i) {
    const double k = static_cast<double>(i / m);
    const double half = z * sigma * std::sqrt(k + 1.0);
    r.lower[i] = r.mean[i] - half;
    r.upper[i] = r.mean[i] + half;
  }
  return r;
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
