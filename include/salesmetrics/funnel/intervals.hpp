// salesmetrics/funnel/intervals.hpp: uncertainty of a conversion rate k / n.
//
// wilson_interval(k, n, z): the Wilson score interval for a binomial proportion, with p = k / n:
//     centre = (p + z^2 / (2n)) / (1 + z^2 / n)
//     half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))
//     [centre - half, centre + half], clipped to [0, 1] (only rounding can leave it); the bound is
//     exactly 0 when k = 0 and exactly 1 when k = n.
//   z defaults to z95 = 1.959963984540054 (two-sided 95%); z_for_confidence(level) gives others.
//   n = 0: {NaN, NaN} (no data, no interval).
// beta_smoothed_rate(k, n, alpha, beta): posterior mean of the rate under a Beta(alpha, beta)
//   prior, (k + alpha) / (n + alpha + beta) ("additive smoothing"; alpha = beta = 1 is Laplace).
//   NaN when n + alpha + beta == 0.
// estimate_rate(k, n, options): all of it at once plus `too_few`, true when n < min_observations
//   (default 30: with fewer trials a 95% interval around a rate near 0.5 is wider than +-0.17,
//   too wide to rank stages or reps on).
// Bad arguments (k < 0, n < 0, k > n, z <= 0 or not finite, alpha/beta negative or not finite,
// level outside (0, 1)) throw std::invalid_argument.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

inline constexpr double z95 = 1.959963984540054;
inline constexpr std::int64_t default_min_observations = 30;

struct interval {
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
};

namespace detail {
inline void check_counts(std::int64_t k, std::int64_t n, const char* who) {
  if (n < 0 || k < 0 || k > n)
    throw std::invalid_argument(std::string(who) + ": need 0 <= successes <= trials, got successes " + std::to_string(k) + ", trials " +
                                std::to_string(n));
}
}  // namespace detail

/// Two-sided standard normal quantile for a confidence level in (0, 1): Phi(z) = (1 + level) / 2.
[[nodiscard]] inline double z_for_confidence(double level) {
  if (!(level > 0.0 && level < 1.0))
    throw std::invalid_argument(std::string("funnel::z_for_confidence: level must be in (0, 1), got ") + std::to_string(level));
  const double q = 0.5 * (1.0 + level);
  // Bisection on the monotone normal CDF, then Newton steps polish to full precision.
  auto cdf = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  double lo = 0.0, hi = 40.0;
  for (int i = 0; i < 80; ++i) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) < q ? lo : hi) = mid;
  }
  double z = 0.5 * (lo + hi);
  constexpr double inv_sqrt_2pi = 0.3989422804014327;
  for (int i = 0; i < 3; ++i) {
    const double pdf = inv_sqrt_2pi * std::exp(-0.5 * z * z);
    if (pdf <= 0) break;
    z -= (cdf(z) - q) / pdf;
  }
  return z;
}

/// Wilson score interval of k successes in n trials (definition in the header comment).
[[nodiscard]] inline interval wilson_interval(std::int64_t successes, std::int64_t trials, double z = z95) {
  detail::check_counts(successes, trials, "funnel::wilson_interval");
  if (!(std::isfinite(z) && z > 0)) throw std::invalid_argument(std::string("funnel::wilson_interval: z must be finite and > 0, got ") + std::to_string(z));
  if (trials == 0) return {};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denom;
  const double half = z / denom * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  // At k = 0 (k = n) the lower (upper) bound is exactly 0 (1); rounding would miss it.
  return {successes == 0 ? 0.0 : std::max(0.0, centre - half), successes == trials ? 1.0 : std::min(1.0, centre + half)};
}

/// (k + alpha) / (n + alpha + beta); NaN when the denominator is 0.
[[nodiscard]] inline double beta_smoothed_rate(std::int64_t successes, std::int64_t trials, double alpha, double beta) {
  detail::check_counts(successes, trials, "funnel::beta_smoothed_rate");
  if (!(std::isfinite(alpha) && alpha >= 0 && std::isfinite(beta) && beta >= 0))
    throw std::invalid_argument(std::string("funnel::beta_smoothed_rate: alpha and beta must be finite and >= 0, got ") + std::to_string(alpha) + ", " +
                                std::to_string(beta));
  const double d = static_cast<double>(trials) + alpha + beta;
  return d == 0 ? std::numeric_limits<double>::quiet_NaN() : (static_cast<double>(successes) + alpha) / d;
}

struct rate_options {
  double z = z95;
  double alpha = 1.0;  // Beta prior of `smoothed`
  double beta = 1.0;
  std::int64_t min_observations = default_min_observations;
};

struct rate_estimate {
  std::int64_t successes = 0;
  std::int64_t trials = 0;
  double rate = std::numeric_limits<double>::quiet_NaN();  // k / n, NaN when n = 0
  interval wilson;
  double smoothed = std::numeric_limits<double>::quiet_NaN();
  bool too_few = true;  // n < min_observations
};

[[nodiscard]] inline rate_estimate estimate_rate(std::int64_t successes, std::int64_t trials, const rate_options& o = {}) {
  rate_estimate r;
  r.successes = successes;
  r.trials = trials;
  r.wilson = wilson_interval(successes, trials, o.z);
  r.smoothed = beta_smoothed_rate(successes, trials, o.alpha, o.beta);
  r.rate = trials == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(successes) / static_cast<double>(trials);
  r.too_few = trials < o.min_observations;
  return r;
}

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
