// salesmetrics/forecast/accuracy.hpp: forecast accuracy measures.
//
// Definitions, for actuals A_t and forecasts F_t, t = 1..n (same length), error e_t = F_t - A_t:
//   mae   = (1/n) sum |e_t|
//   rmse  = sqrt((1/n) sum e_t^2)
//   mape  = (1/n') sum_{t: A_t != 0} |e_t| / |A_t|, a fraction (0.1 = 10 %). Periods with A_t = 0
//           are skipped (the ratio is undefined) and n' counts the others; NaN when n' = 0.
//   smape = (1/n) sum s_t with s_t = 2 |e_t| / (|A_t| + |F_t|) and s_t = 0 when A_t = F_t = 0
//           (range [0, 2], a fraction; the "mean of 2|F-A|/(|A|+|F|)" convention of Makridakis).
//   wape  = sum |e_t| / sum |A_t|; NaN when sum |A_t| = 0.
//   mase  = mae / Q with Q = (1/(T-m)) sum_{t=m+1..T} |y_t - y_{t-m}|, the in-sample MAE of the
//           seasonal naive forecast with period m (m = 1: the naive forecast) on the training series
//           y_1..y_T (Hyndman & Koehler 2006). NaN when T <= m; +inf when Q = 0 and mae > 0, NaN when
//           both are 0.
//   bias  = (1/n) sum e_t (positive: over-forecast);
//   bias_ratio = sum e_t / sum |A_t| ("bias as % of actuals", a fraction); NaN when sum |A_t| = 0.
// Every measure over empty inputs is NaN. Non-finite actuals or forecasts, a length mismatch or
// m = 0 throw std::invalid_argument naming the argument and index.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

namespace detail {
inline constexpr double acc_nan = std::numeric_limits<double>::quiet_NaN();
inline void check_finite(std::span<const double> x, const char* who, const char* what) {
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]))
      throw std::invalid_argument(std::string(who) + ": " + what + " at index " + std::to_string(i) + " is not finite");
}
inline void check_pair(std::span<const double> actual, std::span<const double> forecast, const char* who) {
  if (actual.size() != forecast.size())
    throw std::invalid_argument(std::string(who) + ": actual and forecast differ in length (" +
                                std::to_string(actual.size()) + " vs " + std::to_string(forecast.size()) + ")");
  check_finite(actual, who, "actual");
  check_finite(forecast, who, "forecast");
}
}  // namespace detail

[[nodiscard]] inline double mae(std::span<const double> actual, std::span<const double> forecast) {
  detail::check_pair(actual, forecast, "mae");
  if (actual.empty()) return detail::acc_nan;
  double s = 0.0;
  for (std::size_t t = 0; t < actual.size(); ++t) s += std::fabs(forecast[t] - actual[t]);
  return s / static_cast<double>(actual.size());
}

[[nodiscard]] inline double rmse(std::span<const double> actual, std::span<const double> forecast) {
  detail::check_pair(actual, forecast, "rmse");
  if (actual.empty()) return detail::acc_nan;
  double s = 0.0;
  for (std::size_t t = 0; t < actual.size(); ++t) s += (forecast[t] - actual[t]) * (forecast[t] - actual[t]);
  return std::sqrt(s / static_cast<double>(actual.size()));
}

[[nodiscard]] inline double mape(std::span<const double> actual, std::span<const double> forecast) {
  detail::check_pair(actual, forecast, "mape");
  double s = 0.0;
  std::size_t n = 0;
  for (std::size_t t = 0; t < actual.size(); ++t) {
    if (actual[t] == 0.0) continue;
    s += std::fabs(forecast[t] - actual[t]) / std::fabs(actual[t]);
    ++n;
  }
  return n == 0 ? detail::acc_nan : s / static_cast<double>(n);
}

[[nodiscard]] inline double smape(std::span<const double> actual, std::span<const double> forecast) {
  detail::check_pair(actual, forecast, "smape");
  if (actual.empty()) return detail::acc_nan;
  double s = 0.0;
  for (std::size_t t = 0; t < actual.size(); ++t) {
    const double den = std::fabs(actual[t]) + std::fabs(forecast[t]);
    if (den > 0.0) s += 2.0 * std::fabs(forecast[t] - actual[t]) / den;
  }
  return s / static_cast<double>(actual.size());
}

[[nodiscard]] inline double wape(std::span<const double> actual, std::span<const double> forecast) {
  detail::check_pair(actual, forecast, "wape");
  double num = 0.0, den = 0.0;
  for (std::size_t t = 0; t < actual.size(); ++t) {
    num += std::fabs(forecast[t] - actual[t]);
    den += std::fabs(actual[t]);
  }
  return den == 0.0 ? detail::acc_nan : num / den;
}

[[nodiscard]] inline double bias(std::span<const double> actual, std::span<const double> forecast) {
  detail::check_pair(actual, forecast, "bias");
  if (actual.empty()) return detail::acc_nan;
  double s = 0.0;
  for (std::size_t t = 0; t < actual.size(); ++t) s += forecast[t] - actual[t];
  return s / static_cast<double>(actual.size());
}

[[nodiscard]] inline double bias_ratio(std::span<const double> actual, std::span<const double> forecast) {
  detail::check_pair(actual, forecast, "bias_ratio");
  double num = 0.0, den = 0.0;
  for (std::size_t t = 0; t < actual.size(); ++t) {
    num += forecast[t] - actual[t];
    den += std::fabs(actual[t]);
  }
  return den == 0.0 ? detail::acc_nan : num / den;
}

/// Q = in-sample MAE of the seasonal naive forecast y_{t-m} on the training series; NaN if T <= m.
[[nodiscard]] inline double naive_scale(std::span<const double> training, std::size_t m = 1) {
  if (m == 0) throw std::invalid_argument("naive_scale: season length m must be >= 1");
  detail::check_finite(training, "naive_scale", "training value");
  if (training.size() <= m) return detail::acc_nan;
  double s = 0.0;
  for (std::size_t t = m; t < training.size(); ++t) s += std::fabs(training[t] - training[t - m]);
  return s / static_cast<double>(training.size() - m);
}

namespace detail {
inline double scaled(double num, double q) {
  if (std::isnan(num) || std::isnan(q)) return acc_nan;
  if (q == 0.0) return num == 0.0 ? acc_nan : std::numeric_limits<double>::infinity();
  return num / q;
}
}  // namespace detail

[[nodiscard]] inline double mase(std::span<const double> actual, std::span<const double> forecast,
                                 std::span<const double> training, std::size_t m = 1) {
  const double q = naive_scale(training, m);
  return detail::scaled(mae(actual, forecast), q);
}

/// All measures at once (mase is NaN when no training series is given).
struct accuracy_summary {
  std::size_t n = 0;
  double mae = detail::acc_nan, rmse = detail::acc_nan, mape = detail::acc_nan, smape = detail::acc_nan;
  double wape = detail::acc_nan, mase = detail::acc_nan, bias = detail::acc_nan, bias_ratio = detail::acc_nan;
};

[[nodiscard]] inline accuracy_summary accuracy(std::span<const double> actual, std::span<const double> forecast,
                                               std::span<const double> training = {}, std::size_t m = 1) {
  accuracy_summary s;
  s.n = actual.size();
  s.mae = forecast::mae(actual, forecast);
  s.rmse = forecast::rmse(actual, forecast);
  s.mape = forecast::mape(actual, forecast);
  s.smape = forecast::smape(actual, forecast);
  s.wape = forecast::wape(actual, forecast);
  s.bias = forecast::bias(actual, forecast);
  s.bias_ratio = forecast::bias_ratio(actual, forecast);
  s.mase = forecast::mase(actual, forecast, training, m);
  return s;
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
