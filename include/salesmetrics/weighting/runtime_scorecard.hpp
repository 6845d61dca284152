// salesmetrics/weighting/runtime_scorecard.hpp: scorecards built at run time (from configuration), by metric name.
//
// A runtime_scorecard holds the same information as scorecard<...> (kpi.hpp): per KPI a display
// name, the metric column name, target, weight (percent), direction, cap and floor; plus optional
// weight profiles (segment code c >= 1 picks profiles[c - 1]; code 0 = the KPI weights).
// validate() applies the compile-time checks at run time and reports each violation naming the
// offending entry (1-based KPI numbers):
//   scorecard 'steady': has no KPIs
//   scorecard 'steady': kpi #3 'calls': target must be > 0            (also for NaN)
//   scorecard 'steady': kpi #3 'calls': target must be finite
//   scorecard 'steady': kpi #3 'calls': weight must be >= 0           (also for NaN or infinite)
//   scorecard 'steady': kpi #3 'calls': floor 1.2 is above cap 1
//   scorecard 'steady': kpi #3 'calls': metric name is empty
//   scorecard 'steady': kpi #4 'calls': duplicate KPI name (also kpi #3)
//   scorecard 'steady': weights total 95%, expected 100%             (tolerance 1e-9)
//   scorecard 'steady': profile 'new_hire': 6 weights for 7 KPIs
//   scorecard 'steady': profile 'new_hire': weight #2 must be >= 0
//   scorecard 'steady': profile 'new_hire': weights total 90%, expected 100%
//   scorecard 'steady': duplicate profile name 'new_hire'
// Numbers print with up to 10 significant digits ("95", "99.5").
// score(card, results, segments, options) validates, checks that every KPI's metric is a column
// of `results` ("scorecard 'steady': kpi #3 'calls': result table has no column 'calls'") and
// throws input_error on the first problem; then it scores exactly like the compile-time form
// (score_table.hpp). Scoring the same definitions both ways gives identical tables.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/weighting/attainment.hpp>
#include <salesmetrics/weighting/named_result_source.hpp>
#include <salesmetrics/weighting/score_table.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

struct kpi_spec {
  std::string name;    // display name (unique within the scorecard)
  std::string metric;  // column name in the result table
  double target = 0.0;
  double weight = 0.0;  // percent
  kpi_direction direction = higher_is_better;
  double cap = no_cap;
  double floor = no_floor;
};

struct profile_spec {
  std::string name;
  std::vector<double> weights;  // percent, one per KPI in KPI order
};

namespace detail {
[[nodiscard]] inline std::string format_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}
[[nodiscard]] inline bool weights_total_100(double total) noexcept {
  return total >= 100.0 - 1e-9 && total <= 100.0 + 1e-9;
}
}  // namespace detail

struct runtime_scorecard {
  std::string name;
  std::vector<kpi_spec> kpis;
  std::vector<profile_spec> profiles;

  [[nodiscard]] std::size_t profile_count() const noexcept { return 1 + profiles.size(); }

  /// Every violation of the rules in the header comment; `source` fills problem::table.
  [[nodiscard]] problem_report validate(std::string_view source = "scorecard") const {
    problem_report report;
    const std::string card = "scorecard '" + name + "': ";
    auto add = [&](std::string reason) { report.add(problem{std::string(source), -1, {}, card + std::move(reason)}); };
    if (kpis.empty()) add("has no KPIs");
    double total = 0.0;
    for (std::size_t k = 0; k < kpis.size(); ++k) {
      const kpi_spec& s = kpis[k];
      const std::string who = "kpi #" + std::to_string(k + 1) + " '" + s.name + "': ";
      if (s.metric.empty()) add(who + "metric name is empty");
      if (!(s.target > 0.0)) add(who + "target must be > 0");
      else if (!std::isfinite(s.target)) add(who + "target must be finite");
      if (!(s.weight >= 0.0) || !std::isfinite(s.weight)) add(who + "weight must be >= 0");
      if (std::isnan(s.cap) || std::isnan(s.floor)) add(who + "cap and floor must be numbers");
      else if (s.floor > s.cap)
        add(who + "floor " + detail::format_number(s.floor) + " is above cap " + detail::format_number(s.cap));
      for (std::size_t j = 0; j < k; ++j)
        if (kpis[j].name == s.name) {
          add(who + "duplicate KPI name (also kpi #" + std::to_string(j + 1) + ")");
          break;
        }
      total += s.weight;
    }
    if (!kpis.empty() && !detail::weights_total_100(total))
      add("weights total " + detail::format_number(total) + "%, expected 100%");
    for (std::size_t p = 0; p < profiles.size(); ++p) {
      const profile_spec& pr = profiles[p];
      const std::string who = "profile '" + pr.name + "': ";
      for (std::size_t j = 0; j < p; ++j)
        if (profiles[j].name == pr.name) {
          add("duplicate profile name '" + pr.name + "'");
          break;
        }
      if (pr.weights.size() != kpis.size()) {
        add(who + std::to_string(pr.weights.size()) + " weights for " + std::to_string(kpis.size()) + " KPIs");
        continue;
      }
      double ptotal = 0.0;
      bool bad = false;
      for (std::size_t k = 0; k < pr.weights.size(); ++k) {
        if (!(pr.weights[k] >= 0.0) || !std::isfinite(pr.weights[k])) {
          add(who + "weight #" + std::to_string(k + 1) + " must be >= 0");
          bad = true;
        }
        ptotal += pr.weights[k];
      }
      if (!bad && !detail::weights_total_100(ptotal))
        add(who + "weights total " + detail::format_number(ptotal) + "%, expected 100%");
    }
    return report;
  }

  /// Index of the profile called `profile` (0 = the scorecard's own weights, named like the
  /// scorecard); -1 when there is none.
  [[nodiscard]] std::int32_t profile_index(std::string_view profile) const noexcept {
    if (profile == name) return 0;
    for (std::size_t p = 0; p < profiles.size(); ++p)
      if (profiles[p].name == profile) return static_cast<std::int32_t>(p + 1);
    return -1;
  }
};

/// Scores every row of `results` into `out` (reusing its memory). See the header comment.
template <NamedResultSource R>
void score_into(score_table& out, const runtime_scorecard& card, const R& results,
                std::span<const std::int32_t> segments = {}, score_options options = {}) {
  problem_report report = card.validate();
  for (std::size_t k = 0; k < card.kpis.size(); ++k)
    if (!card.kpis[k].metric.empty() && !detail::has_named_column(results, card.kpis[k].metric))
      report.add(problem{"scorecard", -1, {},
                         "scorecard '" + card.name + "': kpi #" + std::to_string(k + 1) + " '" + card.kpis[k].name +
                             "': result table has no column '" + card.kpis[k].metric + "'"});
  if (!report.ok()) throw input_error(report.problems.front());

  const std::size_t nk = card.kpis.size();
  std::vector<std::string> kpi_names;
  std::vector<std::string> profile_names{card.name};
  std::vector<double> weights;
  kpi_names.reserve(nk);
  weights.reserve(nk * card.profile_count());
  for (const kpi_spec& s : card.kpis) {
    kpi_names.push_back(s.name);
    weights.push_back(s.weight);
  }
  for (const profile_spec& p : card.profiles) {
    profile_names.push_back(p.name);
    weights.insert(weights.end(), p.weights.begin(), p.weights.end());
  }
  const auto rows = static_cast<std::size_t>(results.rows());
  score_table::access::begin(out, rows, card.name, std::move(kpi_names), std::move(profile_names), weights, segments);
  for (std::size_t k = 0; k < nk; ++k) {
    const kpi_spec& s = card.kpis[k];
    auto&& col = results.column(s.metric);
    score_table::access::check_column_size(card.name, s.name, detail::column_size(col), rows);
    score_table::access::add_kpi(out, k, col, s.target, s.direction, s.cap, s.floor, options.missing);
  }
  score_table::access::finish(out, options.missing);
}

template <NamedResultSource R>
[[nodiscard]] score_table score(const runtime_scorecard& card, const R& results,
                                std::span<const std::int32_t> segments = {}, score_options options = {}) {
  score_table t;
  score_into(t, card, results, segments, options);
  return t;
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
