// salesmetrics/weighting/score_table.hpp: the output of scoring a team on a scorecard, and the shared scoring loop.
//
// For row i (a rep) scored with weight profile p = segment[i] (weights w_k in percent, total 100)
// and attainments a_k (attainment.hpp), the weighted total is a ratio (1.0 = on target):
//   KPIs with w_k = 0 in the row's profile are ignored (their NaN cannot poison the total).
//   missing_policy::zero         total = sum_k (w_k / 100) * a_k, an undefined (NaN) a_k counting
//                                as 0 ("no result, no credit"); the default
//   missing_policy::renormalize  total = sum_{k defined} w_k * a_k / sum_{k defined} w_k, i.e. the
//                                undefined KPIs are dropped and the remaining weights rescaled to
//                                100%; NaN when no weighted KPI is defined
//   missing_policy::propagate    NaN if any weighted a_k is NaN, else the plain weighted sum
// An infinite attainment (an uncapped lower-is-better KPI at 0) makes the total infinite: cap
// such KPIs. Terms are added in KPI order, so results do not depend on anything else.
// score_table stores every attainment (KPI-major), the totals and the profile used per row.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/weighting/attainment.hpp>
#include <salesmetrics/weighting/result_source.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

enum class missing_policy : std::uint8_t { zero = 0, renormalize = 1, propagate = 2 };

struct score_options {
  missing_policy missing = missing_policy::zero;
};

class score_table {
 public:
  score_table() = default;

  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t kpis() const noexcept { return kpi_names_.size(); }
  [[nodiscard]] const std::string& scorecard_name() const noexcept { return scorecard_name_; }
  [[nodiscard]] const std::string& kpi_name(std::size_t k) const { return kpi_names_.at(k); }
  [[nodiscard]] const std::string& profile_name(std::size_t p) const { return profile_names_.at(p); }
  [[nodiscard]] std::size_t profiles() const noexcept { return profile_names_.size(); }

  /// Capped/floored attainment of KPI k for row `row` (ratio, NaN = undefined).
  [[nodiscard]] double attainment(std::size_t row, std::size_t k) const noexcept { return attainment_[k * rows_ + row]; }
  /// Attainment of KPI k for every row.
  [[nodiscard]] std::span<const double> kpi_attainment(std::size_t k) const noexcept {
    return std::span<const double>(attainment_).subspan(k * rows_, rows_);
  }
  [[nodiscard]] double total(std::size_t row) const noexcept { return total_[row]; }
  [[nodiscard]] std::span<const double> totals() const noexcept { return total_; }
  /// Index of the weight profile used for the row (0 = the scorecard's own weights).
  [[nodiscard]] std::int32_t profile(std::size_t row) const noexcept { return profile_[row]; }
  /// Weight (percent) of KPI k in the profile used for `row`.
  [[nodiscard]] double weight(std::size_t row, std::size_t k) const noexcept {
    return weights_[static_cast<std::size_t>(profile_[row]) * kpis() + k];
  }

  // Filled by the scoring functions (scorecard.hpp, runtime_scorecard.hpp).
  struct access;

 private:
  friend struct access;
  std::size_t rows_ = 0;
  std::string scorecard_name_;
  std::vector<std::string> kpi_names_;
  std::vector<std::string> profile_names_;
  std::vector<double> weights_;  // profile-major: weights_[p * kpis + k]
  std::vector<double> attainment_;
  std::vector<double> total_;
  std::vector<double> weight_sum_;  // renormalize only
  std::vector<std::int32_t> profile_;
};

/// Internal: the scoring loop shared by compile-time and run-time scorecards.
struct score_table::access {
  /// Sizes the table and validates the segment codes (empty = everyone uses profile 0).
  static void begin(score_table& t, std::size_t rows, std::string_view card, std::vector<std::string> kpi_names,
                    std::vector<std::string> profile_names, std::span<const double> weights,
                    std::span<const std::int32_t> segments) {
    const std::size_t profiles = profile_names.size();
    if (!segments.empty() && segments.size() != rows)
      throw input_error(problem{"scorecard '" + std::string(card) + "'", -1, "segment",
                                std::to_string(segments.size()) + " segment codes for " + std::to_string(rows) +
                                    " result rows"});
    for (std::size_t i = 0; i < segments.size(); ++i)
      if (segments[i] < 0 || static_cast<std::size_t>(segments[i]) >= profiles)
        throw input_error(problem{"scorecard '" + std::string(card) + "'", static_cast<std::int64_t>(i), "segment",
                                  "segment code " + std::to_string(segments[i]) + " has no weight profile (codes 0.." +
                                      std::to_string(profiles - 1) + " are defined)"});
    t.rows_ = rows;
    t.scorecard_name_.assign(card);
    t.kpi_names_ = std::move(kpi_names);
    t.profile_names_ = std::move(profile_names);
    t.weights_.assign(weights.begin(), weights.end());
    t.attainment_.assign(rows * t.kpi_names_.size(), 0.0);
    t.total_.assign(rows, 0.0);
    t.weight_sum_.assign(rows, 0.0);
    t.profile_.assign(rows, 0);
    for (std::size_t i = 0; i < segments.size(); ++i) t.profile_[i] = segments[i];
  }

  /// Scores KPI k from its column (size already checked by the caller).
  template <class Column>
  static void add_kpi(score_table& t, std::size_t k, const Column& col, double target, kpi_direction dir, double cap,
                      double floor, missing_policy missing) {
    const std::size_t n = t.rows_;
    const std::size_t nk = t.kpi_names_.size();
    double* att = t.attainment_.data() + k * n;
    double* total = t.total_.data();
    double* wsum = t.weight_sum_.data();
    const std::int32_t* prof = t.profile_.data();
    const double* w = t.weights_.data();
    for (std::size_t i = 0; i < n; ++i) {
      const double a = weighting::attainment(detail::column_value(col, i), target, dir, cap, floor);
      att[i] = a;
      const double wi = w[static_cast<std::size_t>(prof[i]) * nk + k];
      if (wi == 0.0) continue;
      if (std::isnan(a)) {
        if (missing == missing_policy::propagate) total[i] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      total[i] += wi * a;
      wsum[i] += wi;
    }
  }

  static void finish(score_table& t, missing_policy missing) {
    for (std::size_t i = 0; i < t.rows_; ++i) {
      if (missing == missing_policy::renormalize)
        t.total_[i] = t.weight_sum_[i] > 0.0 ? t.total_[i] / t.weight_sum_[i] : std::numeric_limits<double>::quiet_NaN();
      else t.total_[i] /= 100.0;
    }
  }

  static void check_column_size(std::string_view card, std::string_view kpi, std::size_t got, std::size_t rows) {
    if (got != rows)
      throw input_error(problem{"scorecard '" + std::string(card) + "'", -1, std::string(kpi),
                                "column '" + std::string(kpi) + "' has " + std::to_string(got) + " values for " +
                                    std::to_string(rows) + " result rows"});
  }
};

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
