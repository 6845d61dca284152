// salesmetrics/forecast/outcome_distribution.hpp: revenue distribution of a set of open deals.
//
// Definitions. Deal i brings amount a_i if won, 0 otherwise, and is won independently with
// probability p_i in [0, 1]. Revenue R = sum_i a_i X_i, X_i ~ Bernoulli(p_i). For revenue per
// period, call these functions once per period with that period's deals (per-period spans).
//   Exact moments (revenue_moments): E[R] = sum a_i p_i, Var[R] = sum a_i^2 p_i (1 - p_i).
//   Quantile of any law (sampled, lattice or normal): Q(q) = the smallest r with P(R <= r) >= q
//     (the inverse of the cdf; for a sample, the type-1 sample quantile X_(ceil(N q)), X_(1) at q = 0).
//
// simulate_revenue (Monte Carlo): N draws of R. Draw j uses a fresh xoshiro256** seeded with
//   splitmix64-mixed (seed, j), and deal i is won in draw j when the 53-bit integer u = x >> 11 of
//   the i-th 64-bit output satisfies u < ceil(p_i 2^53) (exactly "uniform01(x) < p_i"). Amounts are
//   summed in deal order in double. Integer and IEEE-754 operations only: the same seed gives the
//   same draws, bit for bit, on every conforming platform (no std:: distributions involved).
//   Standard errors (method stated, both distribution-free):
//     mean: s / sqrt(N), s the sample standard deviation (N - 1 denominator).
//     quantile q: the binomial order-statistic interval [X_(l), X_(u)] with
//       l = floor(N q - z sqrt(N q (1-q))), u = ceil(N q + z sqrt(N q (1-q))) (clamped to 1..N),
//       z = normal_quantile((1 + confidence) / 2); it covers the true quantile with probability
//       ~confidence (at least that for laws with atoms). standard_error = (X_(u) - X_(l)) / (2 z).
//
// exact_revenue_distribution (integer amounts, e.g. cents): R lives on the lattice
//   origin + step * k, with step = gcd(|a_i|) and origin = sum of the negative a_i (a deal of
//   amount a < 0 is rewritten a + |a| (1 - X_i)). The pmf over k is the convolution DP
//   f_i[k] = (1 - p_i) f_{i-1}[k] + p_i f_{i-1}[k - |a_i| / step], exact up to rounding (convex
//   combinations, no cancellation). It needs (sum |a_i|) / step + 1 cells; more than max_cells
//   throws std::invalid_argument (round the amounts to a coarser unit, e.g. whole thousands, to
//   shrink the lattice: the gcd is detected). An amount equal to money::missing() (INT64_MIN) is rejected.
//
// normal_revenue_approximation: R ~ N(E[R], Var[R]) with its Berry-Esseen bound
//   sup_r |P(R <= r) - Phi((r - E R) / sd)| <= 0.5600 * sum E|Y_i|^3 / sd^3,   Y_i = a_i (X_i - p_i),
//   E|Y_i|^3 = |a_i|^3 p_i (1 - p_i) (p_i^2 + (1 - p_i)^2)  (constant 0.5600: Shevtsova 2010, for
//   independent non-identically distributed summands). The bound is returned with the
//   approximation: it is the stated accuracy of every cdf value and quantile level.
//
// Invalid input (probability outside [0, 1] or NaN, non-finite amount, size mismatch, zero draws)
// throws std::invalid_argument naming the argument and index.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/random.hpp>
#include <salesmetrics/core/special_functions.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

/// An estimate of a quantile with its uncertainty (see the header comment for the method).
struct quantile_estimate {
  double q = 0.0;
  double value = 0.0;
  double lower = 0.0;           // order-statistic confidence interval
  double upper = 0.0;
  double standard_error = 0.0;  // (upper - lower) / (2 z)
};

struct revenue_moments_result {
  double mean = 0.0;
  double variance = 0.0;
};

namespace detail {
inline void check_deals(std::size_t n_amounts, std::span<const double> p, const char* who) {
  if (n_amounts != p.size())
    throw std::invalid_argument(std::string(who) + ": amounts and probabilities differ in size (" +
                                std::to_string(n_amounts) + " vs " + std::to_string(p.size()) + ")");
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!(p[i] >= 0.0 && p[i] <= 1.0))
      throw std::invalid_argument(std::string(who) + ": probability at index " + std::to_string(i) +
                                  " must be in [0, 1], got " + std::to_string(p[i]));
}
inline void check_amounts(std::span<const double> a, const char* who) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!std::isfinite(a[i]))
      throw std::invalid_argument(std::string(who) + ": amount at index " + std::to_string(i) + " is not finite");
}
}  // namespace detail

/// Exact E[R] and Var[R].
[[nodiscard]] inline revenue_moments_result revenue_moments(std::span<const double> amounts, std::span<const double> p) {
  detail::check_deals(amounts.size(), p, "revenue_moments");
  detail::check_amounts(amounts, "revenue_moments");
  revenue_moments_result r;
  for (std::size_t i = 0; i < p.size(); ++i) {
    r.mean += amounts[i] * p[i];
    r.variance += amounts[i] * amounts[i] * p[i] * (1.0 - p[i]);
  }
  return r;
}

struct monte_carlo_options {
  std::size_t draws = 10000;
  std::uint64_t seed = 20240601;
  double confidence = 0.95;  // level of the order-statistic intervals of quantiles
};

/// Sorted Monte Carlo draws of R with their summaries.
class revenue_samples {
 public:
  revenue_samples(std::vector<double> draws, double confidence) : sorted_(std::move(draws)), confidence_(confidence) {
    const double n = static_cast<double>(sorted_.size());
    // Two-pass mean and variance (draw order), then sort.
    double s = 0.0;
    for (double x : sorted_) s += x;
    mean_ = s / n;
    double ss = 0.0;
    for (double x : sorted_) ss += (x - mean_) * (x - mean_);
    sd_ = sorted_.size() > 1 ? std::sqrt(ss / (n - 1.0)) : std::numeric_limits<double>::quiet_NaN();
    std::sort(sorted_.begin(), sorted_.end());
  }

  [[nodiscard]] std::size_t draws() const noexcept { return sorted_.size(); }
  [[nodiscard]] const std::vector<double>& sorted_draws() const noexcept { return sorted_; }
  [[nodiscard]] double mean() const noexcept { return mean_; }
  [[nodiscard]] double standard_deviation() const noexcept { return sd_; }
  /// Monte Carlo standard error of the mean: s / sqrt(N).
  [[nodiscard]] double mean_standard_error() const noexcept { return sd_ / std::sqrt(static_cast<double>(sorted_.size())); }
  /// Empirical cdf: the share of draws <= r.
  [[nodiscard]] double cdf(double r) const noexcept {
    return static_cast<double>(std::upper_bound(sorted_.begin(), sorted_.end(), r) - sorted_.begin()) /
           static_cast<double>(sorted_.size());
  }
  /// Type-1 sample quantile with its order-statistic interval. Throws unless 0 <= q <= 1.
  [[nodiscard]] quantile_estimate quantile(double q) const {
    if (!(q >= 0.0 && q <= 1.0))
      throw std::invalid_argument("revenue_samples::quantile: q must be in [0, 1], got " + std::to_string(q));
    const double n = static_cast<double>(sorted_.size());
    const auto at = [&](double rank1) {  // 1-based rank, clamped
      const double r = std::clamp(rank1, 1.0, n);
      return sorted_[static_cast<std::size_t>(r) - 1];
    };
    const double z = normal_quantile(0.5 + 0.5 * confidence_);
    const double half = z * std::sqrt(n * q * (1.0 - q));
    quantile_estimate e;
    e.q = q;
    e.value = at(std::max(1.0, std::ceil(n * q)));
    e.lower = at(std::floor(n * q - half));
    e.upper = at(std::ceil(n * q + half));
    e.standard_error = (e.upper - e.lower) / (2.0 * z);
    return e;
  }
  [[nodiscard]] quantile_estimate p10() const { return quantile(0.10); }
  [[nodiscard]] quantile_estimate p50() const { return quantile(0.50); }
  [[nodiscard]] quantile_estimate p90() const { return quantile(0.90); }

 private:
  std::vector<double> sorted_;
  double confidence_;
  double mean_ = 0.0;
  double sd_ = 0.0;
};

/// Seeded Monte Carlo of R (see the header comment for the exact sampling rule).
[[nodiscard]] inline revenue_samples simulate_revenue(std::span<const double> amounts, std::span<const double> p,
                                                      const monte_carlo_options& options = {}) {
  detail::check_deals(amounts.size(), p, "simulate_revenue");
  detail::check_amounts(amounts, "simulate_revenue");
  if (options.draws == 0) throw std::invalid_argument("simulate_revenue: options.draws must be > 0");
  if (!(options.confidence > 0.0 && options.confidence < 1.0))
    throw std::invalid_argument("simulate_revenue: options.confidence must be in (0, 1), got " +
                                std::to_string(options.confidence));
  // u < p  <=>  u < ceil(p 2^53) for integer u; p 2^53 is exact (power-of-two scaling).
  std::vector<std::uint64_t> threshold(p.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    threshold[i] = static_cast<std::uint64_t>(std::ceil(p[i] * 0x1.0p53));
  std::vector<double> draws(options.draws);
  splitmix64 seeder(options.seed);
  const std::uint64_t base = seeder();
  for (std::size_t j = 0; j < options.draws; ++j) {
    // Each draw has its own stream, so a draw does not depend on how many draws precede it.
    splitmix64 mix(base ^ (0xD1B54A32D192ED03ull * (static_cast<std::uint64_t>(j) + 1)));
    xoshiro256ss rng(mix());
    double r = 0.0;
    for (std::size_t i = 0; i < threshold.size(); ++i) r += (rng() >> 11) < threshold[i] ? amounts[i] : 0.0;
    draws[j] = r;
  }
  return revenue_samples(std::move(draws), options.confidence);
}

/// Exact law of R on the lattice origin + step * k (amounts are integers, e.g. cents).
class lattice_distribution {
 public:
  lattice_distribution(std::int64_t origin, std::int64_t step, std::vector<double> pmf, revenue_moments_result m)
      : origin_(origin), step_(step), pmf_(std::move(pmf)), moments_(m) {
    cdf_.resize(pmf_.size());
    double s = 0.0;
    for (std::size_t k = 0; k < pmf_.size(); ++k) cdf_[k] = std::min(1.0, s += pmf_[k]);
  }
  [[nodiscard]] std::int64_t origin() const noexcept { return origin_; }
  [[nodiscard]] std::int64_t step() const noexcept { return step_; }
  [[nodiscard]] std::size_t size() const noexcept { return pmf_.size(); }
  [[nodiscard]] std::int64_t value(std::size_t k) const noexcept { return origin_ + step_ * static_cast<std::int64_t>(k); }
  [[nodiscard]] const std::vector<double>& pmf() const noexcept { return pmf_; }
  /// P(R = r); 0 off the lattice.
  [[nodiscard]] double pmf_at(std::int64_t r) const noexcept {
    if (r < origin_ || (r - origin_) % step_ != 0) return 0.0;
    const auto k = static_cast<std::uint64_t>((r - origin_) / step_);
    return k < pmf_.size() ? pmf_[k] : 0.0;
  }
  /// P(R <= r).
  [[nodiscard]] double cdf(std::int64_t r) const noexcept {
    if (r < origin_) return 0.0;
    const auto k = static_cast<std::uint64_t>((r - origin_) / step_);
    return k < cdf_.size() ? cdf_[k] : 1.0;
  }
  /// Exact moments from the amounts and probabilities.
  [[nodiscard]] double mean() const noexcept { return moments_.mean; }
  [[nodiscard]] double variance() const noexcept { return moments_.variance; }
  /// Smallest lattice value r with P(R <= r) >= q. Throws unless 0 <= q <= 1.
  [[nodiscard]] std::int64_t quantile(double q) const {
    if (!(q >= 0.0 && q <= 1.0))
      throw std::invalid_argument("lattice_distribution::quantile: q must be in [0, 1], got " + std::to_string(q));
    std::size_t k = 0;
    if (q == 0.0) {
      while (k + 1 < pmf_.size() && pmf_[k] == 0.0) ++k;
    } else {
      k = static_cast<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), q) - cdf_.begin());
      if (k == cdf_.size())  // rounding left the last cdf entry just below q: take the top of the support
        for (k = pmf_.size() - 1; k > 0 && pmf_[k] == 0.0;) --k;
    }
    return value(k);
  }

 private:
  std::int64_t origin_, step_;
  std::vector<double> pmf_, cdf_;
  revenue_moments_result moments_;
};

inline constexpr std::size_t default_max_lattice_cells = std::size_t{1} << 24;

/// Exact law of R for integer amounts (see the header comment).
[[nodiscard]] inline lattice_distribution exact_revenue_distribution(std::span<const std::int64_t> amounts,
                                                                     std::span<const double> p,
                                                                     std::size_t max_cells = default_max_lattice_cells) {
  detail::check_deals(amounts.size(), p, "exact_revenue_distribution");
  constexpr std::int64_t limit = std::int64_t{1} << 62;
  std::int64_t step = 0, origin = 0;
  revenue_moments_result m;
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    const std::int64_t a = amounts[i];
    if (a == std::numeric_limits<std::int64_t>::min() || a > limit || a < -limit)
      throw std::invalid_argument("exact_revenue_distribution: amount at index " + std::to_string(i) +
                                  " is missing or out of range");
    step = std::gcd(step, a < 0 ? -a : a);
    if (a < 0) origin += a;
    const double ad = static_cast<double>(a);
    m.mean += ad * p[i];
    m.variance += ad * ad * p[i] * (1.0 - p[i]);
  }
  if (step == 0) step = 1;  // all amounts zero: the point mass at 0
  std::uint64_t cells = 1;
  for (std::int64_t a : amounts) {
    cells += static_cast<std::uint64_t>((a < 0 ? -a : a) / step);
    if (cells > max_cells)
      throw std::invalid_argument("exact_revenue_distribution: the lattice needs more than max_cells = " +
                                  std::to_string(max_cells) + " cells (sum |amount| / gcd " + std::to_string(step) +
                                  "); round amounts to a coarser unit or use simulate_revenue / normal_revenue_approximation");
  }
  std::vector<double> f(static_cast<std::size_t>(cells), 0.0);
  f[0] = 1.0;
  std::size_t hi = 0;  // f is zero above hi
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    const std::int64_t a = amounts[i];
    if (a == 0) continue;
    const auto d = static_cast<std::size_t>((a < 0 ? -a : a) / step);
    const double pw = a > 0 ? p[i] : 1.0 - p[i];  // probability of adding |a|
    const double pl = 1.0 - pw;
    // In place from the top: f[k] reads the old f[k - d], not yet overwritten.
    for (std::size_t k = hi + d; k >= d; --k) {
      f[k] = pl * f[k] + pw * f[k - d];
      if (k == d) break;
    }
    for (std::size_t k = std::min(d, hi + 1); k-- > 0;) f[k] *= pl;
    hi += d;
  }
  return lattice_distribution(origin, step, std::move(f), m);
}

/// Normal approximation of R with its Berry-Esseen accuracy bound.
struct normal_revenue_approximation_result {
  double mean = 0.0;
  double standard_deviation = 0.0;
  double berry_esseen_bound = 0.0;  // sup over r of |P(R <= r) - cdf(r)|; may exceed 1 (uninformative)
  [[nodiscard]] double cdf(double r) const noexcept {
    if (standard_deviation == 0.0) return r >= mean ? 1.0 : 0.0;
    return normal_cdf((r - mean) / standard_deviation);
  }
  [[nodiscard]] double quantile(double q) const { return mean + standard_deviation * normal_quantile(q); }
};

[[nodiscard]] inline normal_revenue_approximation_result normal_revenue_approximation(std::span<const double> amounts,
                                                                                      std::span<const double> p) {
  const revenue_moments_result m = revenue_moments(amounts, p);
  normal_revenue_approximation_result r;
  r.mean = m.mean;
  r.standard_deviation = std::sqrt(m.variance);
  double third = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double a = std::fabs(amounts[i]);
    third += a * a * a * p[i] * (1.0 - p[i]) * (p[i] * p[i] + (1.0 - p[i]) * (1.0 - p[i]));
  }
  r.berry_esseen_bound = m.variance > 0.0 ? 0.5600 * third / (m.variance * r.standard_deviation) : 0.0;
  return r;
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
