// salesmetrics/weighting/challenges.hpp: challenges: a metric goal over a time window.
//
// A challenge {name, window [from, to), goal > 0, scope} is scored on a result table that the
// metric engine computed over the challenge's window (the caller passes `window` to the engine;
// nothing here re-scans the tables). With now and e = elapsed_fraction(from, to, now):
//   state          upcoming (now < from), active, ended (now >= to)
//   individual     every row's value v_i vs goal: evaluate_goal(goal, v_i, e) (goals.hpp);
//                  completed = number of rows with v_i >= goal; standings = leaderboard of v
//                  (standard competition ranking, NaN last)
//   team           the sum of the defined values vs goal: evaluate_goal(goal, sum, e); the sum is
//                  NaN when no value is defined
// evaluate_challenge throws input_error for a goal that is not finite and > 0, an empty window
// (to <= from) or a missing column.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/weighting/goals.hpp>
#include <salesmetrics/weighting/named_result_source.hpp>
#include <salesmetrics/weighting/ranking.hpp>
#include <salesmetrics/weighting/result_source.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

enum class challenge_scope : std::uint8_t { individual = 0, team = 1 };
enum class challenge_state : std::uint8_t { upcoming = 0, active = 1, ended = 2 };

struct challenge {
  std::string name;
  time_window window;
  double goal = 0.0;
  challenge_scope scope = challenge_scope::individual;
};

struct challenge_result {
  challenge_state state = challenge_state::upcoming;
  double elapsed = 0.0;
  std::vector<goal_status> rows;              // individual scope
  std::size_t completed = 0;                  // individual scope
  std::vector<leaderboard_entry> standings;   // individual scope
  goal_status team;                           // team scope
};

namespace detail {
inline void check_challenge(const challenge& c) {
  if (!(c.goal > 0.0) || !std::isfinite(c.goal))
    throw input_error(problem{"challenge '" + c.name + "'", -1, "goal", "goal must be finite and > 0"});
  if (!(c.window.from < c.window.to))
    throw input_error(problem{"challenge '" + c.name + "'", -1, "window", "the window is empty (to <= from)"});
}
template <class Column>
challenge_result evaluate_challenge_column(const challenge& c, const Column& col, timestamp now) {
  challenge_result out;
  out.state = now < c.window.from ? challenge_state::upcoming : now >= c.window.to ? challenge_state::ended
                                                                                     : challenge_state::active;
  out.elapsed = elapsed_fraction(c.window.from, c.window.to, now);
  const std::size_t n = detail::column_size(col);
  if (c.scope == challenge_scope::team) {
    double sum = 0.0;
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = column_value(col, i);
      if (!std::isnan(v)) sum += v, any = true;
    }
    out.team = evaluate_goal(c.goal, any ? sum : std::numeric_limits<double>::quiet_NaN(), out.elapsed);
    return out;
  }
  std::vector<double> values(n);
  out.rows.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    values[i] = column_value(col, i);
    out.rows[i] = evaluate_goal(c.goal, values[i], out.elapsed);
    if (values[i] >= c.goal) ++out.completed;
  }
  leaderboard_into(out.standings, values);
  return out;
}
}  // namespace detail

/// Challenge on metric Tag of `results` (computed over c.window).
template <class Tag, class R>
  requires ResultSource<R, Tag>
[[nodiscard]] challenge_result evaluate_challenge(const challenge& c, const R& results, timestamp now) {
  detail::check_challenge(c);
  return detail::evaluate_challenge_column(c, results.template column<Tag>(), now);
}

/// Challenge on the column called `metric` of `results` (computed over c.window).
template <NamedResultSource R>
[[nodiscard]] challenge_result evaluate_challenge(const challenge& c, std::string_view metric, const R& results,
                                                  timestamp now) {
  detail::check_challenge(c);
  if (!detail::has_named_column(results, metric))
    throw input_error(problem{"challenge '" + c.name + "'", -1, std::string(metric),
                              "result table has no column '" + std::string(metric) + "'"});
  return detail::evaluate_challenge_column(c, results.column(metric), now);
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
