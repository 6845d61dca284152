// salesmetrics/funnel/score_evaluation.hpp: how good are predicted win probabilities.
//
// Inputs: predicted p_i in [0, 1] and labels y_i (1 = won, 0 = lost), n rows.
//   log_loss    = -(1/n) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)]; no clipping, so a confident
//                 miss (p = 0 with y = 1) gives +infinity, as it should.
//   brier_score = (1/n) sum_i (p_i - y_i)^2
//   auc         = P(p of a random won deal > p of a random lost deal) + P(tie) / 2, computed by the
//                 rank (Mann-Whitney) formula: with average ranks r_i over ties (1-based),
//                 auc = (sum_{y_i = 1} r_i - n1 (n1 + 1) / 2) / (n1 n0); NaN when n1 or n0 is 0.
//   calibration_table(p, y, bins = 10): rows sorted by p (stable, ties keep input order) are cut
//                 into `bins` groups of consecutive ranks, group b holding ranks
//                 [floor(b n / bins), floor((b + 1) n / bins)) (equal counts up to one; deciles by
//                 default). Per group: count, mean predicted, observed won share, min and max p;
//                 NaN means for an empty group (n < bins).
// Empty input: NaN for log_loss, brier_score and auc. Errors (std::invalid_argument): lengths
// differ, a p outside [0, 1] or NaN, a label other than 0/1, bins == 0.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/funnel/feature_columns.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

namespace detail {
inline void check_predictions(const char* who, std::span<const double> p, std::span<const std::uint8_t> y) {
  check_rows(who, "labels", y.size(), p.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!(p[i] >= 0.0 && p[i] <= 1.0)) bad_feature(who, std::string("prediction of row ") + std::to_string(i) + " is " + std::to_string(p[i]) + ", not in [0, 1]");
  check_labels(who, y);
}
}  // namespace detail

[[nodiscard]] inline double log_loss(std::span<const double> p, std::span<const std::uint8_t> y) {
  detail::check_predictions("funnel::log_loss", p, y);
  if (p.empty()) return std::numeric_limits<double>::quiet_NaN();
  double s = 0;
  for (std::size_t i = 0; i < p.size(); ++i) s -= y[i] ? std::log(p[i]) : std::log1p(-p[i]);
  return s / static_cast<double>(p.size());
}

[[nodiscard]] inline double brier_score(std::span<const double> p, std::span<const std::uint8_t> y) {
  detail::check_predictions("funnel::brier_score", p, y);
  if (p.empty()) return std::numeric_limits<double>::quiet_NaN();
  double s = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double e = p[i] - static_cast<double>(y[i]);
    s += e * e;
  }
  return s / static_cast<double>(p.size());
}

[[nodiscard]] inline double auc(std::span<const double> p, std::span<const std::uint8_t> y) {
  detail::check_predictions("funnel::auc", p, y);
  const std::size_t n = p.size();
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  double rank_sum = 0;
  std::size_t n1 = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    std::size_t pos = 0;
    while (j < n && p[idx[j]] == p[idx[i]]) pos += y[idx[j++]];
    const double avg_rank = 0.5 * (static_cast<double>(i + 1) + static_cast<double>(j));  // ranks i+1..j
    rank_sum += avg_rank * static_cast<double>(pos);
    n1 += pos;
    i = j;
  }
  const std::size_t n0 = n - n1;
  if (n1 == 0 || n0 == 0) return std::numeric_limits<double>::quiet_NaN();
  const double d1 = static_cast<double>(n1);
  return (rank_sum - d1 * (d1 + 1) / 2) / (d1 * static_cast<double>(n0));
}

struct calibration_bin {
  std::size_t count = 0;
  double mean_predicted = std::numeric_limits<double>::quiet_NaN();
  double observed_rate = std::numeric_limits<double>::quiet_NaN();
  double min_predicted = std::numeric_limits<double>::quiet_NaN();
  double max_predicted = std::numeric_limits<double>::quiet_NaN();
};

[[nodiscard]] inline std::vector<calibration_bin> calibration_table(std::span<const double> p, std::span<const std::uint8_t> y,
                                                                    std::size_t bins = 10) {
  detail::check_predictions("funnel::calibration_table", p, y);
  if (bins == 0) detail::bad_feature("funnel::calibration_table", "bins must be > 0");
  const std::size_t n = p.size();
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<calibration_bin> out(bins);
  for (std::size_t b = 0; b < bins; ++b) {
    const std::size_t lo = b * n / bins, hi = (b + 1) * n / bins;
    calibration_bin& c = out[b];
    c.count = hi - lo;
    if (c.count == 0) continue;
    double sp = 0, sy = 0;
    for (std::size_t r = lo; r < hi; ++r) {
      sp += p[idx[r]];
      sy += y[idx[r]];
    }
    c.mean_predicted = sp / static_cast<double>(c.count);
    c.observed_rate = sy / static_cast<double>(c.count);
    c.min_predicted = p[idx[lo]];
    c.max_predicted = p[idx[hi - 1]];
  }
  return out;
}

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
