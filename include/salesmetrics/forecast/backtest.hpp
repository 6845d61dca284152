// salesmetrics/forecast/backtest.hpp: rolling-origin backtests of any forecaster.
//
// Definitions. Series y_0..y_{n-1}; options w = initial_window, H = horizon, s = step.
//   Origins (0-based index of the first forecast period): t = w, w + s, w + 2s, ... while t + H <= n
//   (only full horizons are scored). Training window: y[b, t) with b = 0 (expanding window) or
//   b = t - w (sliding window, always w points). The forecaster gets the training window and H and
//   returns exactly H forecasts of y_t..y_{t+H-1}.
//   Summaries pool the (origin, h) pairs, all of them (overall) or those with one h (by_horizon[h-1]),
//   with the accuracy.hpp definitions; except MASE, which scales each error by its own origin's
//   training window: mase = mean over pairs of |e| / Q_origin, Q_origin = in-sample MAE of the
//   seasonal-naive forecast with period m = options.season on y[b, t) (Hyndman's cross-validation
//   form). MASE is NaN when a training window has <= m points; a pair whose Q_origin is 0 counts
//   +inf (|e| > 0) or NaN (|e| = 0), as the standalone mase does.
// Errors (std::invalid_argument): horizon, step, initial_window or season 0; no origin fits
// (n < w + H); a forecaster returning a number of values other than H or a non-finite value
// (the message names the origin).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/forecast/accuracy.hpp>

#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

/// f(history, horizon) returns the `horizon` forecasts following `history`.
template <class F>
concept Forecaster = requires(F& f, std::span<const double> history, std::size_t horizon) {
  { f(history, horizon) } -> std::convertible_to<std::vector<double>>;
};

enum class window_kind { expanding, sliding };

struct backtest_options {
  std::size_t initial_window = 12;
  std::size_t horizon = 1;
  std::size_t step = 1;
  window_kind window = window_kind::expanding;
  std::size_t season = 1;  // m of the MASE scale
};

struct backtest_origin {
  std::size_t origin = 0;       // index of the first forecast period
  std::size_t train_begin = 0;  // training window is y[train_begin, origin)
  std::vector<double> forecast;
  std::vector<double> actual;
  double scale = 0.0;  // Q_origin of the MASE
};

struct backtest_result {
  std::vector<backtest_origin> origins;
  accuracy_summary overall;
  std::vector<accuracy_summary> by_horizon;  // [h - 1]
};

namespace detail {
inline accuracy_summary pooled_summary(const std::vector<double>& a, const std::vector<double>& f,
                                       const std::vector<double>& scaled_errors) {
  accuracy_summary s = accuracy(a, f);
  double total = 0.0;
  for (double x : scaled_errors) total += x;
  s.mase = scaled_errors.empty() ? std::numeric_limits<double>::quiet_NaN()
                                 : total / static_cast<double>(scaled_errors.size());
  return s;
}
}  // namespace detail

template <class F>
[[nodiscard]] backtest_result rolling_origin_backtest(std::span<const double> y, F&& forecaster,
                                                      const backtest_options& options) {
  if constexpr (!Forecaster<F>) {
    static_assert(Forecaster<F>,
                  "salesmetrics::forecast::rolling_origin_backtest(y, f, options): f must be callable as "
                  "f(std::span<const double> history, std::size_t horizon) and return std::vector<double>");
    return {};
  } else {
    const std::size_t n = y.size(), w = options.initial_window, H = options.horizon, s = options.step,
                      m = options.season;
    if (H == 0) throw std::invalid_argument("rolling_origin_backtest: options.horizon must be >= 1");
    if (s == 0) throw std::invalid_argument("rolling_origin_backtest: options.step must be >= 1");
    if (w == 0) throw std::invalid_argument("rolling_origin_backtest: options.initial_window must be >= 1");
    if (m == 0) throw std::invalid_argument("rolling_origin_backtest: options.season must be >= 1");
    detail::check_finite(y, "rolling_origin_backtest", "series value");
    if (n < w + H)
      throw std::invalid_argument("rolling_origin_backtest: series of length " + std::to_string(n) +
                                  " is shorter than initial_window + horizon = " + std::to_string(w + H));
    backtest_result r;
    std::vector<double> all_a, all_f, all_q;
    std::vector<std::vector<double>> ha(H), hf(H), hq(H);
    for (std::size_t t = w; t + H <= n; t += s) {
      backtest_origin o;
      o.origin = t;
      o.train_begin = options.window == window_kind::expanding ? 0 : t - w;
      const auto train = y.subspan(o.train_begin, t - o.train_begin);
      o.forecast = static_cast<std::vector<double>>(forecaster(train, H));
      if (o.forecast.size() != H)
        throw std::invalid_argument("rolling_origin_backtest: the forecaster returned " +
                                    std::to_string(o.forecast.size()) + " values instead of " + std::to_string(H) +
                                    " at origin " + std::to_string(t));
      for (std::size_t h = 0; h < H; ++h)
        if (!std::isfinite(o.forecast[h]))
          throw std::invalid_argument("rolling_origin_backtest: non-finite forecast at origin " + std::to_string(t) +
                                      ", step " + std::to_string(h + 1));
      o.actual.assign(y.begin() + static_cast<std::ptrdiff_t>(t), y.begin() + static_cast<std::ptrdiff_t>(t + H));
      o.scale = naive_scale(train, m);
      for (std::size_t h = 0; h < H; ++h) {
        const double se = detail::scaled(std::fabs(o.forecast[h] - o.actual[h]), o.scale);
        all_a.push_back(o.actual[h]);
        all_f.push_back(o.forecast[h]);
        all_q.push_back(se);
        ha[h].push_back(o.actual[h]);
        hf[h].push_back(o.forecast[h]);
        hq[h].push_back(se);
      }
      r.origins.push_back(std::move(o));
    }
    r.overall = detail::pooled_summary(all_a, all_f, all_q);
    for (std::size_t h = 0; h < H; ++h) r.by_horizon.push_back(detail::pooled_summary(ha[h], hf[h], hq[h]));
    return r;
  }
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
