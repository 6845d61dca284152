// salesmetrics/relationship/options.hpp: the settings of a relationship analysis and the windows they resolve to.
//
// Definitions
//   as_of            "now": the instant of recency, time decay and the next scheduled interaction.
//                    Default: window.to when the window is bounded above, else one second after
//                    the latest completed activity (the end of the known history; with no
//                    completed activity, one second after the latest activity; empty table: 0).
//   window           the analysis window [from, to). Left at its default (unbounded on both
//                    sides) it is the `default_days` days ending at as_of: [as_of - 60 d, as_of).
//                    Any other window is used as given (from < to is required).
//   previous window  the window of the same length L = to - from just before it: [from - L, from),
//                    seen from previous as_of = as_of - L. It exists only when the window is bounded
//                    on both sides; it feeds the health trend and nothing else.
//   email_written_minutes / email_read_minutes   the time one e-mail costs its writer / its reader
//                    (time invested, e-mail minutes of the interaction summary); >= 0, default 5 / 2.
//   frequency_target decay-weighted interactions that give a full frequency component (> 0, default 10).
//   weights          of the health components (>= 0, positive sum); default 0.3 recency,
//                    0.3 frequency, 0.2 reciprocity, 0.2 responsiveness.
//   good_from / fair_from   grade cut-offs on the 0..100 score: good if score >= good_from, fair
//                    if score >= fair_from, else poor (0 <= fair_from <= good_from <= 100; default 70 / 40).
//   trend_threshold  points: improving if score - previous score > threshold, declining if
//                    < -threshold, else steady (>= 0, default 5).
//   top_n            how many contacts, reps and best reps per contact "who knows whom" lists (default 3; 0 = none).
// check() throws std::invalid_argument naming the first bad field.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/activity.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

struct health_weights {
  double recency = 0.3;
  double frequency = 0.3;
  double reciprocity = 0.2;
  double responsiveness = 0.2;
};

struct relationship_options {
  time_window window{};
  timestamp as_of = no_time;
  std::int64_t default_days = 60;
  double email_written_minutes = 5.0;
  double email_read_minutes = 2.0;
  double frequency_target = 10.0;
  health_weights weights{};
  double good_from = 70.0;
  double fair_from = 40.0;
  double trend_threshold = 5.0;
  std::size_t top_n = 3;

  /// Throws std::invalid_argument naming the first field out of range.
  void check() const {
    auto fail = [](const std::string& what) {
      throw std::invalid_argument("salesmetrics::relationship::relationship_options: " + what);
    };
    auto finite_nonneg = [](double v) { return std::isfinite(v) && v >= 0.0; };
    if (default_days < 1 || default_days > 36500) fail("default_days must be in 1..36500");
    if (!(window.from < window.to)) fail("window.from must be before window.to");
    if (!finite_nonneg(email_written_minutes)) fail("email_written_minutes must be a finite number >= 0");
    if (!finite_nonneg(email_read_minutes)) fail("email_read_minutes must be a finite number >= 0");
    if (!(std::isfinite(frequency_target) && frequency_target > 0.0)) fail("frequency_target must be a finite number > 0");
    const double w[] = {weights.recency, weights.frequency, weights.reciprocity, weights.responsiveness};
    for (double x : w)
      if (!finite_nonneg(x)) fail("health weights must be finite numbers >= 0");
    if (!(w[0] + w[1] + w[2] + w[3] > 0.0)) fail("health weights must not all be 0");
    if (!(fair_from >= 0.0 && fair_from <= good_from && good_from <= 100.0))
      fail("grade cut-offs must satisfy 0 <= fair_from <= good_from <= 100");
    if (!finite_nonneg(trend_threshold)) fail("trend_threshold must be a finite number >= 0");
  }
};

/// The windows an analysis runs on (see the definitions above).
struct analysis_windows {
  time_window current{};
  time_window previous{};  // from == to when there is none
  bool has_previous = false;
  timestamp as_of{};
  timestamp previous_as_of{};
};

namespace detail {
[[nodiscard]] inline bool unbounded_below(const time_window& w) noexcept { return w.from == time_window{}.from; }
[[nodiscard]] inline bool unbounded_above(const time_window& w) noexcept { return w.to == time_window{}.to; }
}  // namespace detail

/// Resolves the options' window, as_of and previous window against an activity table.
/// as_of as defined above: `as_of` when given, else the window's end when it is bounded above,
/// else one second after the latest completed activity (the latest activity; empty table: 0).
[[nodiscard]] inline timestamp resolve_as_of(const activity_view& activities, const time_window& window, timestamp as_of) {
  if (!is_missing(as_of)) return as_of;
  if (!detail::unbounded_above(window)) return window.to;
  std::int64_t latest_completed = std::numeric_limits<std::int64_t>::min();
  std::int64_t latest = std::numeric_limits<std::int64_t>::min();
  const std::size_t n = activities.size();
  std::size_t scan = n;
  if (activities.ts_sorted && n > 0) {  // promised in ts order: the latest rows are at the end
    latest = to_unix(activities.ts[n - 1]);
    for (std::size_t i = n; i-- > 0 && latest_completed == std::numeric_limits<std::int64_t>::min();)
      if (activities.status.empty() || activities.status[i] == activity_status::completed) latest_completed = to_unix(activities.ts[i]);
    scan = 0;
  }
  for (std::size_t i = 0; i < scan; ++i) {
    const std::int64_t t = to_unix(activities.ts[i]);
    latest = t > latest ? t : latest;
    if ((activities.status.empty() || activities.status[i] == activity_status::completed) && t > latest_completed)
      latest_completed = t;
  }
  const std::int64_t end = latest_completed != std::numeric_limits<std::int64_t>::min() ? latest_completed : latest;
  return end == std::numeric_limits<std::int64_t>::min() ? from_unix(0) : from_unix(end + 1);
}

[[nodiscard]] inline analysis_windows resolve_windows(const activity_view& activities, const relationship_options& o) {
  o.check();
  analysis_windows w;
  const timestamp as_of = resolve_as_of(activities, o.window, o.as_of);
  w.as_of = as_of;
  if (detail::unbounded_below(o.window) && detail::unbounded_above(o.window)) {
    w.current = time_window::last_days(as_of, o.default_days);
  } else {
    w.current = o.window;
  }
  // The previous window needs finite arithmetic: instants within +-2^61 s (far beyond any calendar).
  constexpr std::int64_t limit = std::int64_t{1} << 61;
  auto ordinary = [&](timestamp t) { return to_unix(t) > -limit && to_unix(t) < limit; };
  if (ordinary(w.current.from) && ordinary(w.current.to) && ordinary(as_of)) {
    const std::int64_t length = to_unix(w.current.to) - to_unix(w.current.from);
    w.has_previous = true;
    w.previous = {w.current.from - seconds{length}, w.current.from};
    w.previous_as_of = as_of - seconds{length};
  }
  if (!w.has_previous) w.previous = {w.current.from, w.current.from};
  return w;
}

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
