// salesmetrics/forecast/croston.hpp: Croston's method for intermittent demand, with the SBA correction.
//
// Definitions (Croston 1972; Syntetos & Boylan 2005). Series y_0..y_{n-1} >= 0 (e.g. deals closed
// per week, many zeros). Smoothing alpha in (0, 1].
//   Initialisation at the first non-zero demand y_f: z = y_f (demand size), p = f + 1 (periods
//   from the start up to and including it).
//   For each later non-zero y_t with q periods since the previous non-zero demand:
//     z <- z + alpha (y_t - z),   p <- p + alpha (q - p);   zero periods change nothing.
//   Forecast (flat over all horizons): croston = z / p; sba = (1 - alpha / 2) z / p (the
//   Syntetos-Boylan approximation, which removes Croston's positive bias).
//   A series with no non-zero demand forecasts 0.
// Errors (std::invalid_argument): alpha outside (0, 1], a negative or non-finite value (by index).
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

enum class croston_variant { classic, sba };

struct croston_result {
  double demand_size = 0.0;   // smoothed z
  double interval = 0.0;      // smoothed p (0 when no demand was seen)
  std::size_t demands = 0;    // number of non-zero periods
  double rate = 0.0;          // the per-period forecast of the chosen variant
  [[nodiscard]] std::vector<double> forecast(std::size_t h) const { return std::vector<double>(h, rate); }
};

[[nodiscard]] inline croston_result croston(std::span<const double> y, double alpha = 0.1,
                                            croston_variant variant = croston_variant::sba) {
  if (!(alpha > 0.0 && alpha <= 1.0))
    throw std::invalid_argument("croston: alpha must be in (0, 1], got " + std::to_string(alpha));
  croston_result r;
  std::size_t last = 0;
  for (std::size_t t = 0; t < y.size(); ++t) {
    if (!std::isfinite(y[t]) || y[t] < 0.0)
      throw std::invalid_argument("croston: y at index " + std::to_string(t) + " must be finite and >= 0");
    if (y[t] == 0.0) continue;
    if (r.demands == 0) {
      r.demand_size = y[t];
      r.interval = static_cast<double>(t + 1);
    } else {
      r.demand_size += alpha * (y[t] - r.demand_size);
      r.interval += alpha * (static_cast<double>(t - last) - r.interval);
    }
    last = t;
    ++r.demands;
  }
  if (r.demands > 0) {
    r.rate = r.demand_size / r.interval;
    if (variant == croston_variant::sba) r.rate *= 1.0 - alpha / 2.0;
  }
  return r;
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
