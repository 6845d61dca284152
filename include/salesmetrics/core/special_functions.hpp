// salesmetrics/core/special_functions.hpp: normal and Student t distribution functions, shared by
// the forecast intervals and the weighting module's significance tests.
//
// Definitions and accuracy (checked in tests/runtime/forecast_special_functions.cpp against
// closed forms, against Eigen's betainc and against SciPy values committed in tests/data, and in
// tests/runtime/weighting_compare.cpp against 50-digit mpmath values):
//   normal_cdf(x)      = 0.5 erfc(-x / sqrt 2)                         (std::erfc, ~1 ulp)
//   normal_quantile(p) = x with normal_cdf(x) = p, p in (0, 1); +-inf at p = 1 / 0.
//       Acklam's rational approximation (relative error < 1.2e-9) polished by two Halley steps
//       on the lower-tail probability: relative error < 1e-14 for p in [1e-300, 1 - 1e-16].
//   incomplete_beta(a, b, x) = I_x(a, b), the regularised incomplete beta function, a, b > 0,
//       x in [0, 1]: continued fraction (modified Lentz), evaluated on the side x < (a+1)/(a+b+2)
//       and reflected with I_x(a, b) = 1 - I_{1-x}(b, a); relative error ~1e-14 for a, b < 1e4.
//   student_t_cdf(t, nu) = P(T <= t) for T ~ t(nu), nu > 0 (real), via
//       P(T > |t|) = I_{nu / (nu + t^2)}(nu / 2, 1 / 2) / 2 (no cancellation in either tail).
//   student_t_quantile(p, nu) = t with student_t_cdf(t, nu) = p: Newton steps on the tail
//       probability from a Cornish-Fisher start, safeguarded by bisection on a bracket;
//       |student_t_cdf(t) - p| <= 1e-13 * min(p, 1 - p) (relative tail accuracy) for nu >= 1.
//   student_t_two_sided(t, nu) = P(|T| >= |t|) = 2 P(T > |t|); NaN when t is NaN.
// Arguments outside the domains throw std::invalid_argument naming the argument.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

SALESMETRICS_BEGIN_NAMESPACE

[[nodiscard]] inline double normal_cdf(double x) noexcept { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

[[nodiscard]] inline double normal_pdf(double x) noexcept {
  return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi);
}

[[nodiscard]] inline double normal_quantile(double p) {
  if (!(p >= 0.0 && p <= 1.0))
    throw std::invalid_argument("normal_quantile: p must be in [0, 1], got " + std::to_string(p));
  if (p == 0.0) return -std::numeric_limits<double>::infinity();
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  if (p > 0.5) return -normal_quantile(1.0 - p);  // lower tail only: 1 - p is exact for p > 0.5
  // Acklam's approximation of the lower half.
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                          6.680131188771972e+01,  -1.328068155288572e+01};
  constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                          -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                          3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  for (int it = 0; it < 2; ++it) {  // Halley on F(x) - p
    const double e = normal_cdf(x) - p;
    const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
    x -= u / (1.0 + 0.5 * x * u);
  }
  return x;
}

namespace detail::special {
/// Continued fraction of I_x(a, b) (without the prefactor), modified Lentz.
inline double incomplete_beta_cf(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-16;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double f = d;
  for (int m = 1; m <= 10000; ++m) {
    const double dm = static_cast<double>(m);
    // even term d_{2m}
    double num = dm * (b - dm) * x / ((a + 2 * dm - 1.0) * (a + 2 * dm));
    d = 1.0 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    f *= d * c;
    // odd term d_{2m+1}
    num = -(a + dm) * (a + b + dm) * x / ((a + 2 * dm) * (a + 2 * dm + 1.0));
    d = 1.0 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    f *= delta;
    if (std::fabs(delta - 1.0) < eps) break;
  }
  return f;
}
}  // namespace detail

[[nodiscard]] inline double incomplete_beta(double a, double b, double x) {
  if (!(a > 0.0) || !std::isfinite(a)) throw std::invalid_argument("incomplete_beta: a must be > 0, got " + std::to_string(a));
  if (!(b > 0.0) || !std::isfinite(b)) throw std::invalid_argument("incomplete_beta: b must be > 0, got " + std::to_string(b));
  if (!(x >= 0.0 && x <= 1.0)) throw std::invalid_argument("incomplete_beta: x must be in [0, 1], got " + std::to_string(x));
  if (x == 0.0) return 0.0;
  if (x == 1.0) return 1.0;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) * detail::special::incomplete_beta_cf(a, b, x) / a;
  return 1.0 - std::exp(log_front) * detail::special::incomplete_beta_cf(b, a, 1.0 - x) / b;
}

namespace detail::special {
/// P(T > t) for t >= 0.
inline double student_t_upper(double t, double nu) {
  const double x = nu / (nu + t * t);
  // For tiny t, x rounds to 1; use the other argument form to keep accuracy near the centre.
  if (x > 0.9) return 0.5 - 0.5 * incomplete_beta(0.5, 0.5 * nu, t * t / (nu + t * t));
  return 0.5 * incomplete_beta(0.5 * nu, 0.5, x);
}
inline double student_t_pdf(double t, double nu) {
  return std::exp(std::lgamma(0.5 * (nu + 1.0)) - std::lgamma(0.5 * nu) - 0.5 * std::log(nu * std::numbers::pi) -
                  0.5 * (nu + 1.0) * std::log1p(t * t / nu));
}
inline void check_nu(double nu, const char* who) {
  if (!(nu > 0.0) || std::isnan(nu))
    throw std::invalid_argument(std::string(who) + ": degrees of freedom nu must be > 0, got " + std::to_string(nu));
}
}  // namespace detail

[[nodiscard]] inline double student_t_cdf(double t, double nu) {
  detail::special::check_nu(nu, "student_t_cdf");
  if (std::isnan(t)) return t;
  if (std::isinf(nu)) return normal_cdf(t);
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double up = detail::special::student_t_upper(std::fabs(t), nu);
  return t >= 0 ? 1.0 - up : up;
}

[[nodiscard]] inline double student_t_two_sided(double t, double nu) {
  detail::special::check_nu(nu, "student_t_two_sided");
  if (std::isnan(t)) return t;
  if (std::isinf(nu)) return std::erfc(std::fabs(t) / std::numbers::sqrt2);
  if (std::isinf(t)) return 0.0;
  return std::min(1.0, 2.0 * detail::special::student_t_upper(std::fabs(t), nu));
}

[[nodiscard]] inline double student_t_quantile(double p, double nu) {
  detail::special::check_nu(nu, "student_t_quantile");
  if (!(p >= 0.0 && p <= 1.0))
    throw std::invalid_argument("student_t_quantile: p must be in [0, 1], got " + std::to_string(p));
  if (std::isinf(nu)) return normal_quantile(p);
  if (p == 0.0) return -std::numeric_limits<double>::infinity();
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  if (p == 0.5) return 0.0;
  const double tail = p < 0.5 ? p : 1.0 - p;  // solve P(T > t) = tail for t > 0
  const double sign = p < 0.5 ? -1.0 : 1.0;
  // Cornish-Fisher start (Abramowitz & Stegun 26.7.5).
  const double z = -normal_quantile(tail);
  const double z2 = z * z;
  double t = z + z * (z2 + 1.0) / (4.0 * nu) + z * ((5.0 * z2 + 16.0) * z2 + 3.0) / (96.0 * nu * nu);
  if (!(t > 0.0) || !std::isfinite(t)) t = z > 0 ? z : 1.0;
  // Bracket [lo, hi] with upper(lo) >= tail >= upper(hi).
  double lo = 0.0, hi = t;
  while (detail::special::student_t_upper(hi, nu) > tail) {
    lo = hi;
    hi *= 2.0;
    if (!std::isfinite(hi)) return sign * hi;
  }
  for (int it = 0; it < 200; ++it) {
    const double f = detail::special::student_t_upper(t, nu) - tail;  // decreasing in t
    if (f > 0) lo = std::max(lo, t); else hi = std::min(hi, t);
    if (std::fabs(f) <= 1e-15 * tail || hi - lo <= 4 * std::numeric_limits<double>::epsilon() * hi) break;
    double next = t + f / detail::special::student_t_pdf(t, nu);  // Newton: d upper / dt = -pdf
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    t = next;
  }
  return sign * t;
}

SALESMETRICS_END_NAMESPACE
