// salesmetrics/weighting/points.hpp: gamification points (a weight table over metric results) and levels.
//
// Points: each rule gives points per unit of one metric column, typically a count of an activity
// type with an outcome ("calls_connected" 2, "meetings_held" 5, "deals_won" 50). For row i:
//   points(i) = sum over rules k of points_k * value_k(i), in rule order; a NaN value counts 0
//   (an undefined count earns nothing). Negative points per unit are allowed (penalties).
//   point_table<points_for<calls, 2.0>, points_for<deals_won, 50.0>>   compile time, by tag
//   runtime_point_table{{{"calls", 2.0}, {"deals_won", 50.0}}}        run time, by column name;
//                      compute_points throws input_error for a missing column or a NaN/infinite rule
// Levels: level_scale{{{"bronze", 0}, {"silver", 100}, {"gold", 500}}} with strictly increasing,
// finite thresholds (else std::invalid_argument naming the level). level_of(p) = index of the
// last level whose threshold <= p; -1 below the first threshold or for NaN. points_to_next(p) =
// next threshold - p (NaN at the top level or for NaN p).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/weighting/named_result_source.hpp>
#include <salesmetrics/weighting/result_source.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

template <class Metric, double Points>
struct points_for {
  static_assert(Points == Points && Points < std::numeric_limits<double>::infinity() &&
                    Points > -std::numeric_limits<double>::infinity(),
                "salesmetrics::weighting::points_for<Metric, Points>: Points must be a finite number");
  using metric = Metric;
  static constexpr double points = Points;
};

namespace detail {
template <class Column>
void add_points(std::vector<double>& out, const Column& col, double per_unit) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double v = column_value(col, i);
    if (!std::isnan(v)) out[i] += per_unit * v;
  }
}
inline void check_points_column(std::size_t got, std::size_t rows, const std::string& metric) {
  if (got != rows)
    throw input_error(problem{"points", -1, metric, "column '" + metric + "' has " + std::to_string(got) +
                                                        " values for " + std::to_string(rows) + " result rows"});
}
}  // namespace detail

template <class... Rules>
struct point_table {
  static_assert(sizeof...(Rules) > 0, "salesmetrics::weighting::point_table<Rules...>: list at least one points_for<Metric, Points>");

  template <class R>
  [[nodiscard]] std::vector<double> compute(const R& results) const {
    static_assert(ResultSource<R, typename Rules::metric...>,
                  "salesmetrics::weighting::point_table::compute(results): results lacks column<Metric>() for a rule's "
                  "metric; add it to the metric set");
    std::vector<double> out(static_cast<std::size_t>(results.rows()), 0.0);
    (add<Rules>(out, results), ...);
    return out;
  }

 private:
  template <class Rule, class R>
  static void add(std::vector<double>& out, const R& results) {
    auto&& col = results.template column<typename Rule::metric>();
    detail::check_points_column(detail::column_size(col), out.size(), "points_for<Metric>");
    detail::add_points(out, col, Rule::points);
  }
};

struct point_rule {
  std::string metric;
  double points = 0.0;
};

struct runtime_point_table {
  std::vector<point_rule> rules;

  template <NamedResultSource R>
  [[nodiscard]] std::vector<double> compute(const R& results) const {
    for (std::size_t k = 0; k < rules.size(); ++k) {
      if (!std::isfinite(rules[k].points))
        throw input_error(problem{"points", -1, rules[k].metric,
                                  "rule #" + std::to_string(k + 1) + " '" + rules[k].metric + "': points must be finite"});
      if (!detail::has_named_column(results, rules[k].metric))
        throw input_error(problem{"points", -1, rules[k].metric,
                                  "rule #" + std::to_string(k + 1) + ": result table has no column '" + rules[k].metric + "'"});
    }
    std::vector<double> out(static_cast<std::size_t>(results.rows()), 0.0);
    for (const point_rule& rule : rules) {
      auto&& col = results.column(rule.metric);
      detail::check_points_column(detail::column_size(col), out.size(), rule.metric);
      detail::add_points(out, col, rule.points);
    }
    return out;
  }
};

struct level {
  std::string name;
  double min_points = 0.0;
};

class level_scale {
 public:
  level_scale() = default;
  explicit level_scale(std::vector<level> levels) : levels_(std::move(levels)) {
    for (std::size_t i = 0; i < levels_.size(); ++i) {
      if (!std::isfinite(levels_[i].min_points))
        throw std::invalid_argument("salesmetrics::weighting::level_scale: level '" + levels_[i].name +
                                    "' needs a finite point threshold");
      if (i > 0 && !(levels_[i].min_points > levels_[i - 1].min_points))
        throw std::invalid_argument("salesmetrics::weighting::level_scale: level '" + levels_[i].name +
                                    "' must need more points than level '" + levels_[i - 1].name + "'");
    }
  }
  level_scale(std::initializer_list<level> levels) : level_scale(std::vector<level>(levels)) {}

  [[nodiscard]] std::int32_t level_of(double points) const noexcept {
    std::int32_t l = -1;
    for (std::size_t i = 0; i < levels_.size() && levels_[i].min_points <= points; ++i) l = static_cast<std::int32_t>(i);
    return l;
  }
  [[nodiscard]] double points_to_next(double points) const noexcept {
    const std::int32_t l = level_of(points);
    const auto next = static_cast<std::size_t>(l + 1);
    if (std::isnan(points) || next >= levels_.size()) return std::numeric_limits<double>::quiet_NaN();
    return levels_[next].min_points - points;
  }
  [[nodiscard]] const level& operator[](std::size_t i) const { return levels_.at(i); }
  [[nodiscard]] std::size_t size() const noexcept { return levels_.size(); }

 private:
  std::vector<level> levels_;
};

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
