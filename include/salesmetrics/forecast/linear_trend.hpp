// salesmetrics/forecast/linear_trend.hpp: straight-line trend by least squares, with t intervals.
//
// Definitions. Series y_0..y_{n-1} at times t = 0..n-1. Model y_t = a + b t + e_t, e_t iid
// N(0, sigma^2). (a, b) minimise sum (y_t - a - b t)^2, solved by Householder QR of X = [1, t]
// (Eigen; no normal equations). s^2 = SSE / (n - 2).
// Forecast at t0 = n - 1 + h: yhat = a + b t0. Prediction interval at `level`:
//   yhat -+ t_{n-2, (1+level)/2} s sqrt(1 + x0' (X'X)^{-1} x0),  x0 = (1, t0),
// with x0' (X'X)^{-1} x0 = |R^{-T} x0|^2 from the QR factor R, and the t quantile of
// special_functions.hpp (checked against SciPy in tests/data/statsmodels_linear_trend.json; the
// intervals match statsmodels OLS get_prediction obs_ci to 1e-9 relative).
// Errors (std::invalid_argument): fewer than 3 points (no residual degree of freedom), a
// non-finite value (by index), a level outside (0, 1).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/forecast/interval_forecast.hpp>
#include <salesmetrics/core/special_functions.hpp>

#include <Eigen/Core>
#include <Eigen/QR>

#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

// The Scalar parameter (only double is used) makes the fit a class template: its members are
// instantiated when used, so a translation unit that includes this header without fitting does
// not instantiate the Eigen QR code. linear_trend_fit is the double fit.
template <class Scalar = double>
class basic_linear_trend_fit {
  using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using vector2 = Eigen::Matrix<Scalar, 2, 1>;

 public:
  explicit basic_linear_trend_fit(std::span<const double> y) : n_(y.size()) {
    if (n_ < 3)
      throw std::invalid_argument("linear_trend_fit: needs at least 3 observations, got " + std::to_string(n_));
    const auto n = static_cast<Eigen::Index>(n_);
    matrix X(n, 2);
    vector v(n);
    for (Eigen::Index t = 0; t < n; ++t) {
      const double yt = y[static_cast<std::size_t>(t)];
      if (!std::isfinite(yt))
        throw std::invalid_argument("linear_trend_fit: y at index " + std::to_string(t) + " is not finite");
      X(t, 0) = 1.0;
      X(t, 1) = static_cast<double>(t);
      v[t] = yt;
    }
    const Eigen::HouseholderQR<matrix> qr(X);
    const vector2 coef = qr.solve(v);
    intercept_ = coef[0];
    slope_ = coef[1];
    R_ = qr.matrixQR().template topLeftCorner<2, 2>().template triangularView<Eigen::Upper>();
    sse_ = (v - X * coef).squaredNorm();
    sigma_ = std::sqrt(sse_ / static_cast<double>(n_ - 2));
  }

  [[nodiscard]] double intercept() const noexcept { return intercept_; }
  [[nodiscard]] double slope() const noexcept { return slope_; }
  [[nodiscard]] double sse() const noexcept { return sse_; }
  /// s = sqrt(SSE / (n - 2)).
  [[nodiscard]] double sigma() const noexcept { return sigma_; }
  [[nodiscard]] double predict(double t) const noexcept { return intercept_ + slope_ * t; }

  [[nodiscard]] std::vector<double> forecast(std::size_t h) const {
    std::vector<double> out(h);
    for (std::size_t i = 0; i < h; ++i) out[i] = predict(static_cast<double>(n_ + i));
    return out;
  }

  [[nodiscard]] interval_forecast forecast_intervals(std::size_t h, double level = 0.95) const {
    detail::check_level(level, "linear_trend_fit::forecast_intervals");
    interval_forecast r;
    r.level = level;
    r.mean = forecast(h);
    r.lower.resize(h);
    r.upper.resize(h);
    const double tq = student_t_quantile(0.5 + 0.5 * level, static_cast<double>(n_ - 2));
    for (std::size_t i = 0; i < h; ++i) {
      const vector2 x0(1.0, static_cast<double>(n_ + i));
      const vector2 w = R_.transpose().template triangularView<Eigen::Lower>().solve(x0);
      const double half = tq * sigma_ * std::sqrt(1.0 + w.squaredNorm());
      r.lower[i] = r.mean[i] - half;
      r.upper[i] = r.mean[i] + half;
    }
    return r;
  }

 private:
  std::size_t n_;
  double intercept_ = 0.0, slope_ = 0.0, sse_ = 0.0, sigma_ = 0.0;
  Eigen::Matrix<Scalar, 2, 2> R_;
};
using linear_trend_fit = basic_linear_trend_fit<>;

template <class Scalar = double>
[[nodiscard]] basic_linear_trend_fit<Scalar> fit_linear_trend(std::span<const double> y) { return basic_linear_trend_fit<Scalar>(y); }

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
