// salesmetrics/forecast/exponential_smoothing.hpp: simple, Holt and Holt-Winters exponential smoothing.
//
// Model (the component form of Hyndman & Athanasopoulos, "Forecasting: principles and practice",
// and of statsmodels' ExponentialSmoothing). For observations y_0..y_{n-1}, level l, trend b,
// seasonal states s (period m), damping phi (phi = 1 without damping, b = 0 without trend):
//   base_t = l_{t-1} + phi b_{t-1};   s = s_{t-m} (the state of the same season one cycle ago)
//   yhat_t = base_t (+ s | * s)                                         one-step forecast
//   l_t = alpha (y_t - s | y_t / s | y_t) + (1 - alpha) base_t
//   b_t = beta (l_t - l_{t-1}) + (1 - beta) phi b_{t-1}                  (beta is "beta*": the
//         error-correction ETS trend gain is alpha * beta)
//   s_t = gamma (y_t - base_t | y_t / base_t) + (1 - gamma) s_{t-m}     (additive | multiplicative)
//   forecast h steps after y_{n-1}: l_{n-1} + (phi + ... + phi^h) b_{n-1}, (+ | *) the latest state
//   of that season. initial_seasons[j] is the seasonal state used for y_j (j < m).
// Fitting minimises SSE = sum_t (y_t - yhat_t)^2 over the free parameters, within statsmodels'
// region: sqrt(eps) <= alpha <= 1 - sqrt(eps), 0 <= beta <= alpha, 0 <= gamma <= 1 - alpha,
// 0.8 <= phi <= 0.995 (parameters passed as fixed in the options are not estimated). Parameters
// are searched as statsmodels does it, through alpha = lo + u_a (hi - lo), beta = u_b alpha,
// gamma = u_g (1 - alpha) with u in [0, 1].
// Initial states (`initialization`):
//   estimated (default, as statsmodels' default): the initial states are free parameters too.
//     Additive models (no or additive seasonality): the one-step errors are affine in the
//     initial states, so for each smoothing vector the states are the exact least-squares
//     solution (variable projection; the level/season shift that leaves every forecast unchanged
//     is fixed by sum(initial_seasons) = 0). Multiplicative seasonality: the states are optimised
//     jointly with the smoothing parameters (level >= 0, seasons >= 0), from the 3 best grid
//     points with the heuristic states and, when n > 5m, also with the same heuristic over all
//     complete cycles (on the airline data that start reaches a 19 % lower SSE than statsmodels);
//     the scale that leaves every forecast unchanged is fixed by mean(initial_seasons) = 1 at the end.
//   heuristic: statsmodels' `_initialization_heuristic` (Hyndman et al. 2008, section 2.6.1),
//     held fixed: for seasonal models a centred moving average of order m (2 x m for even m) over
//     the first k = max(min(5, n / m), ceil((10 + 2 (m / 2)) / m)) cycles, the detrended
//     (difference | ratio) averaged per season and normalised (sum 0 | mean 1); then level and
//     trend are the intercept and slope of a regression of the first 10 values of the moving
//     average (of y itself without seasonality) on 1..10. Needs n >= 10 + 2 (m / 2) and n >= 2m.
//   simple: statsmodels' `_initialization_simple`, held fixed: without seasonality l0 = y_0,
//     b0 = y_1 - y_0; with it l0 = mean(y_0..y_{m-1}), b0 = mean_j (y_{m+j} - y_j) / m,
//     s_j = y_j - l0 (or y_j / l0).
//   known: the states given in the options, held fixed.
// The optimiser is detail::bounded_minimize (projected BFGS with finite-difference gradients)
// from the best points of a grid over (u_a, u_b, u_g, phi). Tests compare with statsmodels 0.13.5:
// the SSE reached is never worse than statsmodels' (see tests/runtime/forecast_exponential_smoothing.cpp).
// Information criteria as statsmodels: k = m [seasonal] + 2 [trend] + 2 + [damped],
//   aic = n log(SSE / n) + 2k, aicc = aic + 2 (k + 2)(k + 3) / (n - k - 3) (+inf if n <= k + 3),
//   bic = n log(SSE / n) + k log n.
// Prediction intervals (forecast_intervals): sigma^2 = SSE / n (the MLE, as statsmodels' ETSModel).
//   Without multiplicative seasonality the model is the linear ETS(A, A|Ad|N, A|N) (class 1 of
//   Hyndman et al. 2008, "Forecasting with exponential smoothing", ch. 6):
//   Var(h) = sigma^2 (1 + sum_{j=1}^{h-1} c_j^2), c_j = alpha + alpha beta (phi + ... + phi^j)
//   + gamma [j mod m = 0], and the interval is mean +- z_{(1+level)/2} sqrt(Var(h)).
//   With multiplicative seasonality no closed form is exact: `simulation_paths` sample paths of the
//   model with N(0, sigma^2) errors (seeded xoshiro256** and the inverse normal cdf), and the
//   bounds are the type-1 sample quantiles (1 -+ level) / 2 of each step; mean is the point forecast.
// Errors (std::invalid_argument): non-finite y; y <= 0 with multiplicative seasonality; a seasonal
// model with m < 2 or n < 2m; too few observations for the free parameters or the heuristic;
// fixed parameters outside the region above; known states missing or of the wrong size.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/forecast/detail/bounded_minimize.hpp>
#include <salesmetrics/forecast/interval_forecast.hpp>
#include <salesmetrics/core/random.hpp>
#include <salesmetrics/core/special_functions.hpp>

#include <Eigen/Core>
#include <Eigen/QR>  // CompleteOrthogonalDecomposition

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

enum class trend_type { none, additive };
enum class seasonal_type { none, additive, multiplicative };
enum class initialization_method { estimated, heuristic, simple, known };

struct exponential_smoothing_spec {
  trend_type trend = trend_type::none;
  bool damped = false;  // only with an additive trend
  seasonal_type seasonal = seasonal_type::none;
  std::size_t period = 0;  // m, >= 2 when seasonal
  initialization_method initialization = initialization_method::estimated;
};

struct exponential_smoothing_params {
  double alpha = 0.0;
  double beta = 0.0;   // beta* (0 without trend)
  double gamma = 0.0;  // 0 without seasonality
  double phi = 1.0;    // 1 without damping
  double initial_level = 0.0;
  double initial_trend = 0.0;
  std::vector<double> initial_seasons;  // m values; [j] is used for y_j
};

struct exponential_smoothing_options {
  std::optional<double> alpha, beta, gamma, phi;  // fixed values (not estimated)
  std::optional<double> initial_level, initial_trend;  // for initialization_method::known
  std::vector<double> initial_seasons;                 // for initialization_method::known
  std::size_t max_iterations = 500;
};

struct simulation_options {
  std::size_t paths = 10000;
  std::uint64_t seed = 20240601;
};

class exponential_smoothing_fit;
namespace detail {
inline exponential_smoothing_fit es_make_fit(std::span<const double> y, const exponential_smoothing_spec& spec,
                                      exponential_smoothing_params params, std::size_t evaluations, bool converged);
}

/// A fitted (or evaluated) exponential smoothing model: parameters, fit and forecasts.
class exponential_smoothing_fit {
 public:
  [[nodiscard]] const exponential_smoothing_spec& spec() const noexcept { return spec_; }
  [[nodiscard]] const exponential_smoothing_params& params() const noexcept { return params_; }
  [[nodiscard]] std::size_t nobs() const noexcept { return fitted_.size(); }
  /// One-step forecasts yhat_t and residuals y_t - yhat_t.
  [[nodiscard]] const std::vector<double>& fitted() const noexcept { return fitted_; }
  [[nodiscard]] const std::vector<double>& residuals() const noexcept { return residuals_; }
  [[nodiscard]] double sse() const noexcept { return sse_; }
  [[nodiscard]] double sigma2() const noexcept { return sse_ / static_cast<double>(fitted_.size()); }
  [[nodiscard]] std::size_t k() const noexcept { return k_; }
  [[nodiscard]] double aic() const noexcept { return aic_; }
  [[nodiscard]] double aicc() const noexcept { return aicc_; }
  [[nodiscard]] double bic() const noexcept { return bic_; }
  /// States after the last observation; next_seasons()[j] is used for the forecast j + 1 (mod m).
  [[nodiscard]] double final_level() const noexcept { return level_; }
  [[nodiscard]] double final_trend() const noexcept { return trend_; }
  [[nodiscard]] const std::vector<double>& next_seasons() const noexcept { return seasons_; }
  [[nodiscard]] std::size_t evaluations() const noexcept { return evaluations_; }
  [[nodiscard]] bool converged() const noexcept { return converged_; }

  /// Point forecasts for steps 1..h.
  [[nodiscard]] std::vector<double> forecast(std::size_t h) const {
    std::vector<double> out(h);
    double damp = 0.0, power = 1.0;
    for (std::size_t i = 0; i < h; ++i) {
      power *= params_.phi;
      damp += power;  // phi + ... + phi^(i+1)
      const double base = level_ + (spec_.trend == trend_type::additive ? damp * trend_ : 0.0);
      out[i] = base;
      if (spec_.seasonal == seasonal_type::additive) out[i] += seasons_[i % seasons_.size()];
      if (spec_.seasonal == seasonal_type::multiplicative) out[i] *= seasons_[i % seasons_.size()];
    }
    return out;
  }

  /// Forecasts with prediction intervals (method in the header comment).
  [[nodiscard]] interval_forecast forecast_intervals(std::size_t h, double level = 0.95,
                                                     const simulation_options& sim = {}) const {
    detail::check_level(level, "exponential_smoothing_fit::forecast_intervals");
    interval_forecast r;
    r.level = level;
    r.mean = forecast(h);
    r.lower.resize(h);
    r.upper.resize(h);
    const double sigma = std::sqrt(sigma2());
    if (spec_.seasonal != seasonal_type::multiplicative) {
      const double z = normal_quantile(0.5 + 0.5 * level);
      const std::size_t m = spec_.seasonal == seasonal_type::none ? 0 : spec_.period;
      const double a = params_.alpha, bstar = spec_.trend == trend_type::additive ? params_.beta : 0.0;
      double sum_c2 = 0.0, damp = 0.0, power = 1.0;
      for (std::size_t i = 0; i < h; ++i) {
        const double var = sigma * sigma * (1.0 + sum_c2);
        r.lower[i] = r.mean[i] - z * std::sqrt(var);
        r.upper[i] = r.mean[i] + z * std::sqrt(var);
        const std::size_t j = i + 1;  // c_j for the next step
        power *= params_.phi;
        damp += power;
        double c = a + a * bstar * damp;
        if (m != 0 && j % m == 0) c += params_.gamma;
        sum_c2 += c * c;
      }
      return r;
    }
    if (sim.paths == 0) throw std::invalid_argument("exponential_smoothing_fit::forecast_intervals: sim.paths must be > 0");
    std::vector<double> draws(sim.paths * h);
    std::vector<double> ring(seasons_.size());
    const std::size_t m = seasons_.size();
    const double a = params_.alpha, bs = params_.beta, g = params_.gamma, phi = params_.phi;
    const bool trend = spec_.trend == trend_type::additive;
    xoshiro256ss rng(sim.seed);
    for (std::size_t p = 0; p < sim.paths; ++p) {
      double l = level_, b = trend ? trend_ : 0.0;
      std::copy(seasons_.begin(), seasons_.end(), ring.begin());
      for (std::size_t i = 0; i < h; ++i) {
        const double base = l + phi * b, s = ring[i % m];
        const double yv = base * s + sigma * normal_quantile(uniform01_open(rng()));
        const double lprev = l;
        l = a * yv / s + (1.0 - a) * base;
        if (trend) b = bs * (l - lprev) + (1.0 - bs) * phi * b;
        ring[i % m] = g * yv / base + (1.0 - g) * s;
        draws[i * sim.paths + p] = yv;
      }
    }
    const double n = static_cast<double>(sim.paths);
    for (std::size_t i = 0; i < h; ++i) {
      auto first = draws.begin() + static_cast<std::ptrdiff_t>(i * sim.paths);
      std::sort(first, first + static_cast<std::ptrdiff_t>(sim.paths));
      const auto pick = [&](double q) {
        const double rank = std::clamp(std::ceil(n * q), 1.0, n);
        return *(first + static_cast<std::ptrdiff_t>(rank) - 1);
      };
      r.lower[i] = pick(0.5 - 0.5 * level);
      r.upper[i] = pick(0.5 + 0.5 * level);
    }
    return r;
  }

 private:
  friend exponential_smoothing_fit detail::es_make_fit(std::span<const double>, const exponential_smoothing_spec&,
                                                       exponential_smoothing_params, std::size_t, bool);
  exponential_smoothing_spec spec_;
  exponential_smoothing_params params_;
  std::vector<double> fitted_, residuals_, seasons_;
  double sse_ = 0.0, aic_ = 0.0, aicc_ = 0.0, bic_ = 0.0, level_ = 0.0, trend_ = 0.0;
  std::size_t k_ = 0, evaluations_ = 0;
  bool converged_ = true;
};

namespace detail {

inline constexpr double es_inf = std::numeric_limits<double>::infinity();

struct es_shape {
  bool trend = false;
  seasonal_type seasonal = seasonal_type::none;
  std::size_t m = 0;  // 0 without seasonality
};

/// The recursion: updates l, b and ring (m seasonal states, ring[t % m] used for y_t) in place,
/// writes one-step forecasts when `fitted` is given, returns the SSE (+inf if not finite).
inline double es_run(const es_shape& sh, double alpha, double beta, double gamma, double phi, double& l, double& b,
                     double* ring, std::span<const double> y, double* fitted) {
  double sse = 0.0;
  const std::size_t m = sh.m;
  std::size_t slot = 0;
  for (std::size_t t = 0; t < y.size(); ++t) {
    const double base = l + phi * b;
    const double yt = y[t];
    const double lprev = l;
    double yhat;
    switch (sh.seasonal) {
      case seasonal_type::additive: {
        const double s = ring[slot];
        yhat = base + s;
        l = alpha * (yt - s) + (1.0 - alpha) * base;
        ring[slot] = gamma * (yt - base) + (1.0 - gamma) * s;
        break;
      }
      case seasonal_type::multiplicative: {
        const double s = ring[slot];
        yhat = base * s;
        l = alpha * yt / s + (1.0 - alpha) * base;
        ring[slot] = gamma * yt / base + (1.0 - gamma) * s;
        break;
      }
      default:
        yhat = base;
        l = alpha * yt + (1.0 - alpha) * base;
    }
    if (sh.trend) b = beta * (l - lprev) + (1.0 - beta) * phi * b;
    const double e = yt - yhat;
    sse += e * e;
    if (fitted) fitted[t] = yhat;
    if (m != 0 && ++slot == m) slot = 0;
  }
  return std::isfinite(sse) ? sse : es_inf;
}

/// statsmodels' `_initialization_simple`.
inline exponential_smoothing_params es_initial_simple(std::span<const double> y, const es_shape& sh) {
  exponential_smoothing_params p;
  const std::size_t m = sh.m;
  if (m == 0) {
    p.initial_level = y[0];
    if (sh.trend) p.initial_trend = y[1] - y[0];
    return p;
  }
  double s = 0.0;
  for (std::size_t j = 0; j < m; ++j) s += y[j];
  p.initial_level = s / static_cast<double>(m);
  if (sh.trend) {
    double d = 0.0;
    for (std::size_t j = 0; j < m; ++j) d += (y[m + j] - y[j]) / static_cast<double>(m);
    p.initial_trend = d / static_cast<double>(m);
  }
  p.initial_seasons.resize(m);
  for (std::size_t j = 0; j < m; ++j)
    p.initial_seasons[j] = sh.seasonal == seasonal_type::additive ? y[j] - p.initial_level : y[j] / p.initial_level;
  return p;
}

inline std::size_t es_heuristic_min_obs(const es_shape& sh) { return sh.m == 0 ? 10 : 10 + 2 * (sh.m / 2); }

/// statsmodels' `_initialization_heuristic`.
/// max_cycles = 5 is statsmodels' choice; the fit also tries all cycles as a starting point.
inline exponential_smoothing_params es_initial_heuristic(std::span<const double> y, const es_shape& sh,
                                                         std::size_t max_cycles = 5) {
  exponential_smoothing_params p;
  const std::size_t n = y.size(), m = sh.m;
  std::vector<double> base(y.begin(), y.end());
  if (m != 0) {
    const std::size_t min_obs = es_heuristic_min_obs(sh);
    std::size_t cycles = std::min<std::size_t>(max_cycles, n / m);
    cycles = std::max(cycles, (min_obs + m - 1) / m);
    const std::size_t len = std::min(n, cycles * m);
    // Centred moving average: order m for odd m, 2 x m for even m; NaN where undefined.
    std::vector<double> ma(len, std::numeric_limits<double>::quiet_NaN());
    const std::size_t half = m / 2;
    for (std::size_t i = half; i + half < len; ++i) {
      double s = 0.0;
      if (m % 2 == 1) {
        for (std::size_t j = i - half; j <= i + half; ++j) s += y[j];
      } else {
        s = 0.5 * y[i - half] + 0.5 * y[i + half];
        for (std::size_t j = i - half + 1; j < i + half; ++j) s += y[j];
      }
      ma[i] = s / static_cast<double>(m);
    }
    std::vector<double> sum(m, 0.0);
    std::vector<std::size_t> count(m, 0);
    for (std::size_t i = 0; i < len; ++i) {
      if (std::isnan(ma[i])) continue;
      sum[i % m] += sh.seasonal == seasonal_type::additive ? y[i] - ma[i] : y[i] / ma[i];
      ++count[i % m];
    }
    p.initial_seasons.resize(m);
    double mean = 0.0;
    for (std::size_t j = 0; j < m; ++j) {
      p.initial_seasons[j] = sum[j] / static_cast<double>(count[j]);
      mean += p.initial_seasons[j] / static_cast<double>(m);
    }
    for (double& s : p.initial_seasons) s = sh.seasonal == seasonal_type::additive ? s - mean : s / mean;
    base.clear();
    for (double v : ma)
      if (!std::isnan(v)) base.push_back(v);
  }
  // Intercept and slope of base[0..9] on x = 1..10 (least squares, closed form).
  double sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0;
  for (std::size_t i = 0; i < 10; ++i) {
    const double x = static_cast<double>(i + 1);
    sx += x;
    sy += base[i];
    sxx += x * x;
    sxy += x * base[i];
  }
  const double slope = (10.0 * sxy - sx * sy) / (10.0 * sxx - sx * sx);
  p.initial_level = (sy - slope * sx) / 10.0;
  if (sh.trend) p.initial_trend = slope;
  return p;
}

/// Maps free unit-interval coordinates to (alpha, beta, gamma, phi) inside statsmodels' region.
struct es_mapping {
  es_shape sh;
  bool damped = false;
  std::optional<double> fa, fb, fg, fphi;
  bool free_a = false, free_b = false, free_g = false, free_phi = false;
  double a_lo = 0.0, a_hi = 1.0;

  [[nodiscard]] std::size_t count() const { return std::size_t(free_a) + free_b + free_g + free_phi; }
  /// w holds the free values in the order u_a, u_b, u_g, phi.
  void map(const double* w, double& a, double& b, double& g, double& phi) const {
    std::size_t i = 0;
    a = free_a ? a_lo + w[i++] * (a_hi - a_lo) : *fa;
    b = !sh.trend ? 0.0 : free_b ? w[i++] * std::min(a, 1.0) : *fb;
    g = sh.seasonal == seasonal_type::none ? 0.0 : free_g ? w[i++] * (1.0 - a) : *fg;
    phi = !damped ? 1.0 : free_phi ? w[i++] : *fphi;
  }
};

inline exponential_smoothing_fit es_make_fit(std::span<const double> y, const exponential_smoothing_spec& spec,
                                             exponential_smoothing_params params, std::size_t evaluations,
                                             bool converged) {
  exponential_smoothing_fit f;
  f.spec_ = spec;
  es_shape sh{spec.trend == trend_type::additive, spec.seasonal,
              spec.seasonal == seasonal_type::none ? std::size_t{0} : spec.period};
  if (!sh.trend) {
    params.initial_trend = 0.0;
    params.beta = 0.0;
  }
  if (!spec.damped) params.phi = 1.0;
  if (sh.m == 0) {
    params.initial_seasons.clear();
    params.gamma = 0.0;
  }
  f.params_ = params;
  const std::size_t n = y.size();
  f.fitted_.resize(n);
  f.residuals_.resize(n);
  double l = params.initial_level, b = params.initial_trend;
  f.seasons_ = params.initial_seasons;
  f.sse_ = es_run(sh, params.alpha, params.beta, params.gamma, params.phi, l, b, f.seasons_.data(), y,
                  f.fitted_.data());
  for (std::size_t t = 0; t < n; ++t) f.residuals_[t] = y[t] - f.fitted_[t];
  f.level_ = l;
  f.trend_ = b;
  // Rotate the ring so that next_seasons()[0] belongs to the first forecast (time n).
  if (sh.m != 0) std::rotate(f.seasons_.begin(), f.seasons_.begin() + static_cast<std::ptrdiff_t>(n % sh.m), f.seasons_.end());
  f.k_ = sh.m + (sh.trend ? 2 : 0) + 2 + (spec.damped ? 1 : 0);
  const double nd = static_cast<double>(n), kd = static_cast<double>(f.k_);
  const double ll = nd * std::log(f.sse_ / nd);
  f.aic_ = ll + 2.0 * kd;
  f.aicc_ = nd - kd - 3.0 > 0.0 ? f.aic_ + 2.0 * (kd + 2.0) * (kd + 3.0) / (nd - kd - 3.0) : es_inf;
  f.bic_ = ll + kd * std::log(nd);
  f.evaluations_ = evaluations;
  f.converged_ = converged;
  return f;
}

inline void es_validate(std::span<const double> y, const exponential_smoothing_spec& spec, const char* who) {
  const std::string w(who);
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) throw std::invalid_argument(w + ": y at index " + std::to_string(i) + " is not finite");
    if (spec.seasonal == seasonal_type::multiplicative && !(y[i] > 0.0))
      throw std::invalid_argument(w + ": multiplicative seasonality needs y > 0, y at index " + std::to_string(i) +
                                  " is " + std::to_string(y[i]));
  }
  if (spec.damped && spec.trend != trend_type::additive)
    throw std::invalid_argument(w + ": damped = true needs trend = trend_type::additive");
  if (spec.seasonal != seasonal_type::none) {
    if (spec.period < 2) throw std::invalid_argument(w + ": a seasonal model needs period >= 2");
    if (y.size() < 2 * spec.period)
      throw std::invalid_argument(w + ": a seasonal model needs at least two full cycles (" +
                                  std::to_string(2 * spec.period) + " observations), got " + std::to_string(y.size()));
  }
  if (y.size() < (spec.trend == trend_type::additive ? 3u : 2u))
    throw std::invalid_argument(w + ": too few observations (" + std::to_string(y.size()) + ")");
}

inline void es_validate_params(const exponential_smoothing_params& p, const exponential_smoothing_spec& spec,
                               const char* who) {
  const std::string w(who);
  if (!(p.alpha > 0.0 && p.alpha <= 1.0)) throw std::invalid_argument(w + ": alpha must be in (0, 1], got " + std::to_string(p.alpha));
  if (spec.trend == trend_type::additive && !(p.beta >= 0.0 && p.beta <= p.alpha))
    throw std::invalid_argument(w + ": beta must be in [0, alpha], got " + std::to_string(p.beta));
  if (spec.seasonal != seasonal_type::none && !(p.gamma >= 0.0 && p.gamma <= 1.0 - p.alpha))
    throw std::invalid_argument(w + ": gamma must be in [0, 1 - alpha], got " + std::to_string(p.gamma));
  if (spec.damped && !(p.phi > 0.0 && p.phi <= 1.0))
    throw std::invalid_argument(w + ": phi must be in (0, 1], got " + std::to_string(p.phi));
  if (spec.seasonal != seasonal_type::none && p.initial_seasons.size() != spec.period)
    throw std::invalid_argument(w + ": initial_seasons must have period = " + std::to_string(spec.period) + " values, got " +
                                std::to_string(p.initial_seasons.size()));
  if (!std::isfinite(p.initial_level) || !std::isfinite(p.initial_trend))
    throw std::invalid_argument(w + ": initial states must be finite");
}

}  // namespace detail

/// Evaluates the model at given parameters and initial states (no fitting).
[[nodiscard]] inline exponential_smoothing_fit smooth_exponential_smoothing(std::span<const double> y,
                                                                            const exponential_smoothing_spec& spec,
                                                                            const exponential_smoothing_params& params) {
  detail::es_validate(y, spec, "smooth_exponential_smoothing");
  detail::es_validate_params(params, spec, "smooth_exponential_smoothing");
  return detail::es_make_fit(y, spec, params, 1, true);
}

/// The heuristic (or simple) initial states of statsmodels for this series and spec.
[[nodiscard]] inline exponential_smoothing_params exponential_smoothing_initial_states(
    std::span<const double> y, const exponential_smoothing_spec& spec) {
  detail::es_validate(y, spec, "exponential_smoothing_initial_states");
  const detail::es_shape sh{spec.trend == trend_type::additive, spec.seasonal,
                            spec.seasonal == seasonal_type::none ? std::size_t{0} : spec.period};
  switch (spec.initialization) {
    case initialization_method::simple: return detail::es_initial_simple(y, sh);
    case initialization_method::heuristic:
      if (y.size() < detail::es_heuristic_min_obs(sh))
        throw std::invalid_argument("exponential_smoothing: the heuristic initialisation needs at least " +
                                    std::to_string(detail::es_heuristic_min_obs(sh)) + " observations");
      return detail::es_initial_heuristic(y, sh);
    default:  // estimated starts as statsmodels does: heuristic when there are enough observations
      return y.size() >= detail::es_heuristic_min_obs(sh) ? detail::es_initial_heuristic(y, sh)
                                                          : detail::es_initial_simple(y, sh);
  }
}

/// Fits the model by minimising the SSE (see the header comment).
/// The fitting functions are templates over Scalar (only double is used) so that they are
/// instantiated when used: a translation unit that includes this header without fitting does not
/// instantiate the Eigen least-squares code or the optimiser.
template <class Scalar = double>
[[nodiscard]] exponential_smoothing_fit fit_exponential_smoothing(std::span<const double> y, const exponential_smoothing_spec& spec,
                                                                  const exponential_smoothing_options& opt = {}) {
  using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using detail::es_inf;
  detail::es_validate(y, spec, "fit_exponential_smoothing");
  const std::size_t n = y.size();
  detail::es_mapping mp;
  mp.sh = {spec.trend == trend_type::additive, spec.seasonal,
           spec.seasonal == seasonal_type::none ? std::size_t{0} : spec.period};
  mp.damped = spec.damped;
  mp.fa = opt.alpha;
  mp.fb = opt.beta;
  mp.fg = opt.gamma;
  mp.fphi = opt.phi;
  const auto& sh = mp.sh;
  const bool seasonal = sh.m != 0;
  mp.free_a = !opt.alpha;
  mp.free_b = sh.trend && !opt.beta;
  mp.free_g = seasonal && !opt.gamma;
  mp.free_phi = spec.damped && !opt.phi;
  const double root_eps = std::sqrt(std::numeric_limits<double>::epsilon());
  mp.a_lo = std::max(root_eps, opt.beta && sh.trend ? *opt.beta : 0.0);
  mp.a_hi = std::min(1.0 - root_eps, opt.gamma && seasonal ? 1.0 - *opt.gamma : 1.0);
  {
    const std::string w = "fit_exponential_smoothing";
    if (opt.alpha && !(*opt.alpha > 0.0 && *opt.alpha <= 1.0))
      throw std::invalid_argument(w + ": fixed alpha must be in (0, 1], got " + std::to_string(*opt.alpha));
    const double amax = opt.alpha ? *opt.alpha : 1.0;
    if (sh.trend && opt.beta && !(*opt.beta >= 0.0 && *opt.beta <= amax))
      throw std::invalid_argument(w + ": fixed beta must be in [0, alpha], got " + std::to_string(*opt.beta));
    if (seasonal && opt.gamma && !(*opt.gamma >= 0.0 && *opt.gamma <= 1.0 - (opt.alpha ? *opt.alpha : 0.0)))
      throw std::invalid_argument(w + ": fixed gamma must be in [0, 1 - alpha], got " + std::to_string(*opt.gamma));
    if (spec.damped && opt.phi && !(*opt.phi > 0.0 && *opt.phi <= 1.0))
      throw std::invalid_argument(w + ": fixed phi must be in (0, 1], got " + std::to_string(*opt.phi));
    if (mp.free_a && mp.a_lo > mp.a_hi) throw std::invalid_argument(w + ": fixed beta > 1 - fixed gamma leaves no alpha");
  }

  // Starting / fixed initial states.
  exponential_smoothing_params start;
  if (spec.initialization == initialization_method::known) {
    if (!opt.initial_level || (sh.trend && !opt.initial_trend) || (seasonal && opt.initial_seasons.size() != sh.m))
      throw std::invalid_argument(
          "fit_exponential_smoothing: initialization_method::known needs options.initial_level, initial_trend (with "
          "a trend) and period initial_seasons (with seasonality)");
    start.initial_level = *opt.initial_level;
    start.initial_trend = sh.trend ? *opt.initial_trend : 0.0;
    start.initial_seasons = seasonal ? opt.initial_seasons : std::vector<double>{};
  } else {
    start = exponential_smoothing_initial_states(y, spec);
  }
  const bool estimate_states = spec.initialization == initialization_method::estimated;
  const bool projected = estimate_states && spec.seasonal != seasonal_type::multiplicative;
  const std::size_t n_states = 1 + (sh.trend ? 1 : 0) + sh.m;
  const std::size_t n_smooth = mp.count();
  const std::size_t n_free = n_smooth + (estimate_states ? n_states : 0);
  if (n < n_free + 1)
    throw std::invalid_argument("fit_exponential_smoothing: " + std::to_string(n) + " observations cannot determine " +
                                std::to_string(n_free) + " free parameters");

  // Workspace (allocated once per fit).
  std::vector<double> ring(sh.m), zeros(n, 0.0), yhat(n);
  matrix J(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n_states));
  vector r(static_cast<Eigen::Index>(n));
  std::size_t evaluations = 0;

  // Additive models with estimated states: exact least-squares states for given smoothing values.
  const auto solve_states = [&](double a, double b, double g, double phi, exponential_smoothing_params& st) -> double {
    double l = 0.0, bb = 0.0;
    std::fill(ring.begin(), ring.end(), 0.0);
    detail::es_run(sh, a, b, g, phi, l, bb, ring.data(), y, yhat.data());
    for (std::size_t t = 0; t < n; ++t) r[static_cast<Eigen::Index>(t)] = y[t] - yhat[t];
    for (std::size_t j = 0; j < n_states; ++j) {
      l = j == 0 ? 1.0 : 0.0;
      bb = (sh.trend && j == 1) ? 1.0 : 0.0;
      std::fill(ring.begin(), ring.end(), 0.0);
      const std::size_t first_season = 1 + (sh.trend ? 1 : 0);
      if (j >= first_season) ring[j - first_season] = 1.0;
      detail::es_run(sh, a, b, g, phi, l, bb, ring.data(), zeros, yhat.data());
      for (std::size_t t = 0; t < n; ++t) J(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(j)) = yhat[t];
    }
    const vector x = J.completeOrthogonalDecomposition().solve(r);
    st.initial_level = x[0];
    st.initial_trend = sh.trend ? x[1] : 0.0;
    st.initial_seasons.assign(x.data() + 1 + (sh.trend ? 1 : 0), x.data() + x.size());
    if (seasonal) {  // the shift l0 + c, s - c changes no forecast: pick sum(s) = 0
      double c = 0.0;
      for (double s : st.initial_seasons) c += s / static_cast<double>(sh.m);
      for (double& s : st.initial_seasons) s -= c;
      st.initial_level += c;
    }
    const double sse = (r - J * x).squaredNorm();
    return std::isfinite(sse) ? sse : es_inf;
  };
  const auto sse_at = [&](double a, double b, double g, double phi, const exponential_smoothing_params& st) {
    double l = st.initial_level, bb = st.initial_trend;
    std::copy(st.initial_seasons.begin(), st.initial_seasons.end(), ring.begin());
    return detail::es_run(sh, a, b, g, phi, l, bb, ring.data(), y, nullptr);
  };
  // Objective over the smoothing coordinates only (states projected out or held fixed).
  exponential_smoothing_params scratch = start;
  // Starting states: one set, or for the joint (multiplicative) search also the seasonal indices
  // of all complete cycles, whose basin the 5-cycle heuristic can miss (airline data).
  std::vector<exponential_smoothing_params> state_starts{start};
  if (estimate_states && !projected && n / sh.m > 5 && n >= detail::es_heuristic_min_obs(sh))
    state_starts.push_back(detail::es_initial_heuristic(y, sh, n / sh.m));
  const exponential_smoothing_params* current_start = &state_starts.front();
  const auto smooth_objective = [&](const std::vector<double>& w) {
    ++evaluations;
    double a, b, g, phi;
    mp.map(w.data(), a, b, g, phi);
    return projected ? solve_states(a, b, g, phi, scratch) : sse_at(a, b, g, phi, *current_start);
  };

  // Grid of starting points over the free smoothing coordinates.
  std::vector<std::vector<double>> grid{{}};
  const auto extend = [&grid](std::initializer_list<double> values) {
    std::vector<std::vector<double>> next;
    for (const auto& g : grid)
      for (double v : values) {
        next.push_back(g);
        next.back().push_back(v);
      }
    grid.swap(next);
  };
  if (mp.free_a) extend({0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99});
  if (mp.free_b) extend({0.0, 0.1, 0.4, 0.9});
  if (mp.free_g) extend({0.0, 0.1, 0.4, 0.9});
  if (mp.free_phi) extend({0.85, 0.95, 0.99});
  std::vector<double> lb(n_smooth, 0.0), ub(n_smooth, 1.0), typ(n_smooth, 1.0);
  if (mp.free_phi) {
    lb.back() = 0.8;
    ub.back() = 0.995;
  }
  detail::minimize_options mo;
  mo.max_iterations = opt.max_iterations;

  exponential_smoothing_params best = start;
  double best_sse = es_inf;
  bool converged = true;
  const auto finish_params = [&](const std::vector<double>& w, exponential_smoothing_params& st) {
    mp.map(w.data(), st.alpha, st.beta, st.gamma, st.phi);
  };

  if (n_smooth == 0 && !estimate_states) {
    finish_params({}, best);
  } else if (n_smooth == 0 && projected) {
    finish_params({}, best);
    solve_states(best.alpha, best.beta, best.gamma, best.phi, best);
  } else {
    for (const auto& state_start : state_starts) {
    current_start = &state_start;
    std::vector<std::pair<double, std::size_t>> ranked;
    for (std::size_t i = 0; i < grid.size(); ++i) ranked.emplace_back(smooth_objective(grid[i]), i);
    std::sort(ranked.begin(), ranked.end());
    const std::size_t starts = std::min<std::size_t>(3, ranked.size());
    for (std::size_t s = 0; s < starts; ++s) {
      std::vector<double> w = grid[ranked[s].second];
      exponential_smoothing_params cand = state_start;
      double f = ranked[s].first;
      if (n_smooth > 0 && (projected || !estimate_states)) {
        const auto res = detail::bounded_minimize(smooth_objective, w, lb, ub, typ, mo);
        w = res.x;
        f = res.f;
        converged = converged && res.converged;
      }
      finish_params(w, cand);
      if (projected) f = solve_states(cand.alpha, cand.beta, cand.gamma, cand.phi, cand);
      if (estimate_states && !projected) {
        // Multiplicative seasonality: joint search over smoothing coordinates and states.
        std::vector<double> x = w, jl = lb, ju = ub, jt = typ;
        const double scale = std::max(std::fabs(state_start.initial_level), 1e-8);
        x.push_back(cand.initial_level);
        jl.push_back(0.0);
        ju.push_back(es_inf);
        jt.push_back(scale);
        if (sh.trend) {
          x.push_back(cand.initial_trend);
          jl.push_back(-es_inf);
          ju.push_back(es_inf);
          jt.push_back(scale / static_cast<double>(n));
        }
        for (double v : cand.initial_seasons) {
          x.push_back(v);
          jl.push_back(0.0);
          ju.push_back(es_inf);
          jt.push_back(1.0);
        }
        exponential_smoothing_params st = cand;
        const auto joint = [&](const std::vector<double>& v) {
          ++evaluations;
          double a, b, g, phi;
          mp.map(v.data(), a, b, g, phi);
          std::size_t i = n_smooth;
          st.initial_level = v[i++];
          if (sh.trend) st.initial_trend = v[i++];
          for (double& sv : st.initial_seasons) sv = v[i++];
          return sse_at(a, b, g, phi, st);
        };
        const auto res = detail::bounded_minimize(joint, x, jl, ju, jt, mo);
        converged = converged && res.converged;
        if (res.f <= f) {
          f = res.f;
          finish_params(res.x, cand);
          std::size_t i = n_smooth;
          cand.initial_level = res.x[i++];
          if (sh.trend) cand.initial_trend = res.x[i++];
          for (double& sv : cand.initial_seasons) sv = res.x[i++];
        }
      }
      if (f < best_sse) {
        best_sse = f;
        best = cand;
      }
    }
    }
    if (estimate_states && spec.seasonal == seasonal_type::multiplicative) {
      // Scale invariance (l0, b0) / c, s * c: report mean(s) = 1.
      double c = 0.0;
      for (double s : best.initial_seasons) c += s / static_cast<double>(sh.m);
      if (c > 0.0) {
        for (double& s : best.initial_seasons) s /= c;
        best.initial_level *= c;
        best.initial_trend *= c;
      }
    }
  }
  return detail::es_make_fit(y, spec, best, evaluations, converged);
}

/// Simple exponential smoothing (level only).
template <class Scalar = double>
[[nodiscard]] exponential_smoothing_fit fit_simple_exponential_smoothing(std::span<const double> y,
                                                                         initialization_method init = initialization_method::estimated,
                                                                         const exponential_smoothing_options& opt = {}) {
  exponential_smoothing_spec s;
  s.initialization = init;
  return fit_exponential_smoothing<Scalar>(y, s, opt);
}

/// Holt's linear trend method, optionally damped.
template <class Scalar = double>
[[nodiscard]] exponential_smoothing_fit fit_holt(std::span<const double> y, bool damped = false,
                                                 initialization_method init = initialization_method::estimated,
                                                 const exponential_smoothing_options& opt = {}) {
  exponential_smoothing_spec s;
  s.trend = trend_type::additive;
  s.damped = damped;
  s.initialization = init;
  return fit_exponential_smoothing<Scalar>(y, s, opt);
}

/// Holt-Winters: additive trend (optionally damped, or none) with additive or multiplicative seasonality.
template <class Scalar = double>
[[nodiscard]] exponential_smoothing_fit fit_holt_winters(std::span<const double> y, std::size_t period,
                                                         seasonal_type seasonal = seasonal_type::additive,
                                                         trend_type trend = trend_type::additive, bool damped = false,
                                                         initialization_method init = initialization_method::estimated,
                                                         const exponential_smoothing_options& opt = {}) {
  if (seasonal == seasonal_type::none)
    throw std::invalid_argument("fit_holt_winters: seasonal must be additive or multiplicative (use fit_holt otherwise)");
  exponential_smoothing_spec s;
  s.trend = trend;
  s.damped = damped;
  s.seasonal = seasonal;
  s.period = period;
  s.initialization = init;
  return fit_exponential_smoothing<Scalar>(y, s, opt);
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
