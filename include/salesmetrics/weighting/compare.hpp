// salesmetrics/weighting/compare.hpp: comparing two schemes (e.g. payouts or scores under plan A vs plan B).
//
// Inputs are two independent samples; NaN values are dropped first (undefined, not zero).
// welch_t_test(a, b):
//   mean_a, mean_b, diff = mean_a - mean_b; var_* = sample variances (divisor n - 1, two-pass);
//   s2 = var_a / n_a + var_b / n_b;  t = diff / sqrt(s2);
//   df = s2^2 / ((var_a / n_a)^2 / (n_a - 1) + (var_b / n_b)^2 / (n_b - 1))   (Welch-Satterthwaite);
//   p  = P(|T_df| >= |t|), two-sided, from student_t.hpp.
//   Undefined cases: a sample with fewer than 2 values, or s2 = 0 (both samples constant), give
//   NaN t, df and p (the means are still reported when a sample has >= 1 value, else NaN).
// bootstrap_mean_difference(a, b, {resamples B, level, seed}): percentile bootstrap confidence
//   interval for mean_a - mean_b. Replicate r draws n_a indices of a, then n_b indices of b,
//   uniformly with replacement from one splitmix64 stream seeded with `seed`, and records
//   mean(a*) - mean(b*) (sums in draw order). The B replicates are sorted; the bounds are the
//   (1 - level)/2 and (1 + level)/2 quantiles with linear interpolation between order statistics
//   (h = (B - 1) q, "type 7"). Same seed => same interval on every platform. Throws
//   std::invalid_argument for an empty sample, B < 1 or level outside (0, 1).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/random.hpp>
#include <salesmetrics/core/special_functions.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

struct welch_result {
  std::size_t n_a = 0, n_b = 0;
  double mean_a = 0.0, mean_b = 0.0, diff = 0.0;
  double var_a = 0.0, var_b = 0.0;
  double t = 0.0, df = 0.0, p_two_sided = 0.0;
};

namespace detail {
struct sample_moments {
  std::size_t n = 0;
  double mean = std::numeric_limits<double>::quiet_NaN();
  double var = std::numeric_limits<double>::quiet_NaN();
};
[[nodiscard]] inline sample_moments moments(std::span<const double> x) noexcept {
  sample_moments m;
  double sum = 0.0;
  for (double v : x)
    if (!std::isnan(v)) sum += v, ++m.n;
  if (m.n == 0) return m;
  m.mean = sum / static_cast<double>(m.n);
  if (m.n < 2) return m;
  double ss = 0.0;
  for (double v : x)
    if (!std::isnan(v)) ss += (v - m.mean) * (v - m.mean);
  m.var = ss / static_cast<double>(m.n - 1);
  return m;
}
[[nodiscard]] inline std::vector<double> defined_values(std::span<const double> x) {
  std::vector<double> out;
  out.reserve(x.size());
  for (double v : x)
    if (!std::isnan(v)) out.push_back(v);
  return out;
}
}  // namespace detail

[[nodiscard]] inline welch_result welch_t_test(std::span<const double> a, std::span<const double> b) noexcept {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const detail::sample_moments ma = detail::moments(a), mb = detail::moments(b);
  welch_result r;
  r.n_a = ma.n;
  r.n_b = mb.n;
  r.mean_a = ma.mean;
  r.mean_b = mb.mean;
  r.diff = ma.mean - mb.mean;
  r.var_a = ma.var;
  r.var_b = mb.var;
  r.t = r.df = r.p_two_sided = nan;
  if (ma.n < 2 || mb.n < 2) return r;
  const double qa = ma.var / static_cast<double>(ma.n), qb = mb.var / static_cast<double>(mb.n);
  const double s2 = qa + qb;
  if (!(s2 > 0.0)) return r;
  r.t = r.diff / std::sqrt(s2);
  r.df = s2 * s2 / (qa * qa / static_cast<double>(ma.n - 1) + qb * qb / static_cast<double>(mb.n - 1));
  r.p_two_sided = student_t_two_sided(r.t, r.df);
  return r;
}

struct bootstrap_options {
  std::size_t resamples = 10000;
  double level = 0.95;
  std::uint64_t seed = 0x5eed;
};

struct bootstrap_interval {
  double estimate = 0.0;  // mean(a) - mean(b) on the samples themselves
  double lower = 0.0;
  double upper = 0.0;
  double level = 0.0;
  std::size_t resamples = 0;
};

namespace detail {
[[nodiscard]] inline double sorted_quantile(const std::vector<double>& s, double q) noexcept {
  const double h = static_cast<double>(s.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= s.size()) return s.back();
  return s[lo] + (h - static_cast<double>(lo)) * (s[lo + 1] - s[lo]);
}
}  // namespace detail

[[nodiscard]] inline bootstrap_interval bootstrap_mean_difference(std::span<const double> a, std::span<const double> b,
                                                                  bootstrap_options opt = {}) {
  const std::vector<double> xa = detail::defined_values(a), xb = detail::defined_values(b);
  if (xa.empty() || xb.empty())
    throw std::invalid_argument("salesmetrics::weighting::bootstrap_mean_difference: each sample needs at least one "
                                "non-NaN value");
  if (opt.resamples < 1)
    throw std::invalid_argument("salesmetrics::weighting::bootstrap_mean_difference: resamples must be >= 1");
  if (!(opt.level > 0.0 && opt.level < 1.0))
    throw std::invalid_argument("salesmetrics::weighting::bootstrap_mean_difference: level must lie in (0, 1)");
  splitmix64 rng(opt.seed);
  std::vector<double> diffs(opt.resamples);
  const auto na = static_cast<std::uint64_t>(xa.size()), nb = static_cast<std::uint64_t>(xb.size());
  for (std::size_t r = 0; r < opt.resamples; ++r) {
    double sa = 0.0, sb = 0.0;
    for (std::uint64_t i = 0; i < na; ++i) sa += xa[static_cast<std::size_t>(rng.below(na))];
    for (std::uint64_t i = 0; i < nb; ++i) sb += xb[static_cast<std::size_t>(rng.below(nb))];
    diffs[r] = sa / static_cast<double>(na) - sb / static_cast<double>(nb);
  }
  std::sort(diffs.begin(), diffs.end());
  bootstrap_interval out;
  out.estimate = detail::moments(xa).mean - detail::moments(xb).mean;
  out.lower = detail::sorted_quantile(diffs, (1.0 - opt.level) / 2.0);
  out.upper = detail::sorted_quantile(diffs, (1.0 + opt.level) / 2.0);
  out.level = opt.level;
  out.resamples = opt.resamples;
  return out;
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
