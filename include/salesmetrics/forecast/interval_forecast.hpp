// salesmetrics/forecast/interval_forecast.hpp: point forecasts with prediction intervals.
//
// Definitions. For steps h = 1..H after the end of a series, mean[h-1] is the point forecast and
// [lower[h-1], upper[h-1]] the prediction interval at `level` (e.g. 0.95): the method that built
// it states how (analytic variance with normal or t quantiles, or simulation quantiles).
#pragma once
#include <salesmetrics/core/config.hpp>

#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

struct interval_forecast {
  double level = 0.95;
  std::vector<double> mean;
  std::vector<double> lower;
  std::vector<double> upper;
};

namespace detail {
inline void check_level(double level, const char* who) {
  if (!(level > 0.0 && level < 1.0))
    throw std::invalid_argument(std::string(who) + ": interval level must be in (0, 1), got " + std::to_string(level));
}
}  // namespace detail

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
