// salesmetrics/weighting/student_t.hpp: the regularized incomplete beta function and Student's t distribution.
//
//   incomplete_beta(a, b, x)   I_x(a, b) = B(x; a, b) / B(a, b) for a, b > 0, x in [0, 1]
//                              (0 at x <= 0, 1 at x >= 1, NaN for NaN or a, b <= 0). Evaluated by
//                              the continued fraction for I_x(a, b) when x < (a + 1) / (a + b + 2),
//                              else as 1 - I_{1-x}(b, a), with the modified Lentz algorithm (stops at
//                              relative change < 1e-16, at most 10000 terms); the prefactor
//                              x^a (1-x)^b / (a B(a, b)) comes from lgamma.
//   student_t_cdf(t, df)       P(T <= t), T ~ Student t with df > 0 (real) degrees of freedom:
//                              with x = df / (df + t^2), the tail 0.5 I_x(df/2, 1/2) is returned for
//                              t < 0 and 1 minus it for t > 0. NaN for NaN t or df <= 0; t = +-inf
//                              gives 1 or 0.
//   student_t_two_sided(t, df) P(|T| >= |t|) = I_x(df/2, 1/2), computed directly (no 1 - cdf
//                              cancellation), with 1 - x = t^2 / (df + t^2) passed exactly.
// Accuracy, measured against 40-50 digit mpmath values (tests/runtime/weighting_compare.cpp keeps
// a sample): over 364 random (t, df) pairs, relative error of the two-sided p at most 3.5e-14 for
// df <= 100 and 2.5e-12 for df <= 1000 (p down to 1e-63 in the tests); beyond that the lgamma
// prefactor loses about log10(lgamma(df)) digits (about 1e-10 at df = 1e6).
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cmath>
#include <limits>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

namespace detail {
/// Continued fraction of I_x(a, b) divided by its prefactor (valid for x < (a+1)/(a+b+2)).
[[nodiscard]] inline double beta_continued_fraction(double a, double b, double x) noexcept {
  constexpr double tiny = 1e-300;
  constexpr double eps = 1e-16;
  double f = 1.0, c = 1.0, d = 0.0;
  for (int i = 1; i <= 10000; ++i) {
    const int m = i / 2;
    double num;
    if (i % 2 == 1) num = -((a + m) * (a + b + m) * x) / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
    else num = (m * (b - m) * x) / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
    d = 1.0 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = c * d;
    f *= delta;
    if (std::fabs(delta - 1.0) < eps) break;
  }
  return 1.0 / f;
}

/// I_x(a, b) given both x and y = 1 - x (so callers can pass a precise y).
[[nodiscard]] inline double incomplete_beta_xy(double a, double b, double x, double y) noexcept {
  if (std::isnan(a) || std::isnan(b) || std::isnan(x) || std::isnan(y) || !(a > 0.0) || !(b > 0.0))
    return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  const double log_beta = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  const double log_front = a * std::log(x) + b * std::log(y) - log_beta;
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) / a * beta_continued_fraction(a, b, x);
  return 1.0 - std::exp(log_front) / b * beta_continued_fraction(b, a, y);
}
}  // namespace detail

[[nodiscard]] inline double incomplete_beta(double a, double b, double x) noexcept {
  return detail::incomplete_beta_xy(a, b, x, 1.0 - x);
}

[[nodiscard]] inline double student_t_two_sided(double t, double df) noexcept {
  if (std::isnan(t) || std::isnan(df) || !(df > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return 0.0;
  const double t2 = t * t;
  if (std::isinf(df)) return std::erfc(std::fabs(t) / std::sqrt(2.0));  // the normal limit
  return detail::incomplete_beta_xy(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2));
}

[[nodiscard]] inline double student_t_cdf(double t, double df) noexcept {
  if (std::isnan(t) || std::isnan(df) || !(df > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = 0.5 * student_t_two_sided(t, df);
  return t < 0.0 ? tail : 1.0 - tail;
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
