// salesmetrics/weighting/goals.hpp: goals per rep/team/period, pace to goal, and roll-up along a team hierarchy.
//
// evaluate_goal(target T, actual A, elapsed fraction e) gives (e is clamped to [0, 1]):
//   attainment            A / T                     NaN if T <= 0 or T, A NaN (no cap: 1.3 = 130%)
//   gap                   T - A                     > 0 still to go, < 0 exceeded; NaN if T or A is NaN
//   expected_to_date      T * e                     where a straight-line pace would be by now
//   ahead                 A - T * e                 > 0 ahead of the straight line
//   projected             A / e                     run-rate projection to the end of the period;
//                                                   NaN when e = 0 (nothing to extrapolate from)
//   projected_attainment  projected / T             NaN as for attainment or projected
//   on_pace               projected >= T            false when anything above is NaN
// An elapsed fraction that is NaN makes every pace field NaN (on_pace false).
// elapsed_fraction(start, end, now) = clamp((now - start) / (end - start), 0, 1); NaN if end <= start.
// elapsed_fraction(calendar, period index, now) uses the period's [start, end).
//
// rollup(parent, own_target, own_actual): node i's parent is parent[i] (-1 = a root). For every
// node, rolled(i) = the sum over i and all its descendants of the defined (non-NaN) own values;
// NaN when none is defined (so a manager with no own quota passes NaN or 0, and a team where no
// one has a value stays undefined). Throws input_error ("team hierarchy") for mismatched sizes,
// a parent index outside 0..n-1, or a cycle (naming a node on it). O(n).
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/weighting/result_source.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

struct goal_status {
  double target = 0.0;
  double actual = 0.0;
  double attainment = 0.0;
  double gap = 0.0;
  double elapsed = 0.0;
  double expected_to_date = 0.0;
  double ahead = 0.0;
  double projected = 0.0;
  double projected_attainment = 0.0;
  bool on_pace = false;
};

[[nodiscard]] inline goal_status evaluate_goal(double target, double actual, double elapsed_fraction) noexcept {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  goal_status g;
  g.target = target;
  g.actual = actual;
  const bool target_ok = target > 0.0 && std::isfinite(target);
  g.attainment = target_ok && !std::isnan(actual) ? actual / target : nan;
  g.gap = target - actual;  // NaN propagates
  const double e = std::isnan(elapsed_fraction) ? nan : std::clamp(elapsed_fraction, 0.0, 1.0);
  g.elapsed = e;
  g.expected_to_date = target * e;
  g.ahead = actual - g.expected_to_date;
  g.projected = e > 0.0 ? actual / e : nan;
  g.projected_attainment = target_ok ? g.projected / target : nan;
  g.on_pace = target_ok && g.projected >= target;  // false when projected is NaN
  return g;
}

[[nodiscard]] inline double elapsed_fraction(timestamp start, timestamp end, timestamp now) noexcept {
  // In double: the difference of two extreme instants would overflow int64.
  const double s = static_cast<double>(to_unix(start)), e = static_cast<double>(to_unix(end));
  if (!(e > s)) return std::numeric_limits<double>::quiet_NaN();
  return std::clamp((static_cast<double>(to_unix(now)) - s) / (e - s), 0.0, 1.0);
}

[[nodiscard]] inline double elapsed_fraction(const calendar_period& cal, std::int64_t period, timestamp now) noexcept {
  return elapsed_fraction(cal.start(period), cal.end(period), now);
}

/// evaluate_goal for each row (targets and actuals of equal length, else input_error).
[[nodiscard]] inline std::vector<goal_status> evaluate_goals(std::span<const double> targets,
                                                             std::span<const double> actuals, double elapsed) {
  if (targets.size() != actuals.size())
    throw input_error(problem{"goals", -1, {}, std::to_string(targets.size()) + " targets for " +
                                                   std::to_string(actuals.size()) + " actuals"});
  std::vector<goal_status> out(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) out[i] = evaluate_goal(targets[i], actuals[i], elapsed);
  return out;
}

/// Goals against the metric Tag of a result table: targets[row] vs results.column<Tag>()[row].
template <class Tag, class R>
  requires ResultSource<R, Tag>
[[nodiscard]] std::vector<goal_status> evaluate_goals(const R& results, std::span<const double> targets, double elapsed) {
  auto&& col = results.template column<Tag>();
  const std::size_t n = detail::column_size(col);
  if (targets.size() != n)
    throw input_error(problem{"goals", -1, {}, std::to_string(targets.size()) + " targets for " + std::to_string(n) +
                                                   " result rows"});
  std::vector<goal_status> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = evaluate_goal(targets[i], detail::column_value(col, i), elapsed);
  return out;
}

struct team_rollup {
  std::vector<double> target;  // rolled-up target per node
  std::vector<double> actual;  // rolled-up actual per node
};

namespace detail {
/// Depth of every node (roots 0); throws on bad parents and cycles.
[[nodiscard]] inline std::vector<std::int32_t> hierarchy_depths(std::span<const std::int32_t> parent) {
  const std::size_t n = parent.size();
  for (std::size_t i = 0; i < n; ++i)
    if (parent[i] < -1 || (parent[i] >= 0 && static_cast<std::size_t>(parent[i]) >= n))
      throw input_error(problem{"team hierarchy", static_cast<std::int64_t>(i), "parent",
                                "node " + std::to_string(i) + " has parent " + std::to_string(parent[i]) +
                                    ", expected -1 (root) or 0.." + std::to_string(n == 0 ? 0 : n - 1)});
  constexpr std::int32_t unknown = -1, visiting = -2;
  std::vector<std::int32_t> depth(n, unknown);
  std::vector<std::int32_t> path;
  for (std::size_t start = 0; start < n; ++start) {
    if (depth[start] >= 0) continue;
    path.clear();
    auto v = static_cast<std::int32_t>(start);
    while (v >= 0 && depth[static_cast<std::size_t>(v)] == unknown) {
      depth[static_cast<std::size_t>(v)] = visiting;
      path.push_back(v);
      v = parent[static_cast<std::size_t>(v)];
    }
    if (v >= 0 && depth[static_cast<std::size_t>(v)] == visiting)
      throw input_error(problem{"team hierarchy", v, "parent",
                                "node " + std::to_string(v) + " is its own ancestor (the parent links form a cycle)"});
    std::int32_t d = v < 0 ? -1 : depth[static_cast<std::size_t>(v)];
    for (auto it = path.rbegin(); it != path.rend(); ++it) depth[static_cast<std::size_t>(*it)] = ++d;
  }
  return depth;
}
}  // namespace detail

[[nodiscard]] inline team_rollup rollup(std::span<const std::int32_t> parent, std::span<const double> own_target,
                                        std::span<const double> own_actual) {
  const std::size_t n = parent.size();
  if (own_target.size() != n || own_actual.size() != n)
    throw input_error(problem{"team hierarchy", -1, {}, std::to_string(n) + " nodes but " +
                                                            std::to_string(own_target.size()) + " targets and " +
                                                            std::to_string(own_actual.size()) + " actuals"});
  const std::vector<std::int32_t> depth = detail::hierarchy_depths(parent);
  // Deepest nodes first, so each node is complete before it is added to its parent.
  std::int32_t max_depth = -1;
  for (std::int32_t d : depth) max_depth = std::max(max_depth, d);
  std::vector<std::size_t> start(static_cast<std::size_t>(max_depth + 2), 0);
  for (std::int32_t d : depth) ++start[static_cast<std::size_t>(d) + 1];
  for (std::size_t d = 1; d < start.size(); ++d) start[d] += start[d - 1];
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[start[static_cast<std::size_t>(depth[i])]++] = i;

  team_rollup out;
  out.target.assign(n, 0.0);
  out.actual.assign(n, 0.0);
  std::vector<std::uint8_t> has_target(n, 0), has_actual(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isnan(own_target[i])) out.target[i] = own_target[i], has_target[i] = 1;
    if (!std::isnan(own_actual[i])) out.actual[i] = own_actual[i], has_actual[i] = 1;
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const std::size_t i = *it;
    if (parent[i] < 0) continue;
    const auto p = static_cast<std::size_t>(parent[i]);
    if (has_target[i]) out.target[p] += out.target[i], has_target[p] = 1;
    if (has_actual[i]) out.actual[p] += out.actual[i], has_actual[p] = 1;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!has_target[i]) out.target[i] = std::numeric_limits<double>::quiet_NaN();
    if (!has_actual[i]) out.actual[i] = std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
