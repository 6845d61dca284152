// salesmetrics/metrics/activity_metrics.hpp: the activity catalog.
//
// Rows: activities in the window. Only *completed* rows count (status column absent = all
// completed), except next_scheduled_interaction, which looks at scheduled rows at or after
// as_of regardless of the window. Outbound = initiated by our side.
//
// | metric                      | definition                                                        | empty group      |
// |-----------------------------|-------------------------------------------------------------------|------------------|
// | activity_count              | completed rows                                                    | (group absent)   |
// | emails_sent / _received     | completed e-mails outbound / inbound                              | 0                |
// | meetings, calls             | completed meetings / phone calls, either direction                | 0                |
// | meetings_ours / _theirs     | meetings we / the customer initiated                              | 0                |
// | calls_made / _received      | phone calls outbound / inbound                                    | 0                |
// | meeting_minutes, call_minutes, total_duration_minutes | sum of duration_min (exact: summed in integer ms) | 0      |
// | time_invested_hours<S, R>   | (sum over meetings and calls of duration x max(1, our_attendees) + S min per e-mail sent + R min per e-mail received) / 60 | 0 |
// | active_days                 | distinct UTC days with a completed activity                       | 0                |
// | activities_per_working_day  | activity_count / Mon-Fri days in the window (unbounded window: in [first, last interaction]) | NaN if 0 days |
// | unique_contacts             | distinct contact_id (missing contact not counted)                 | 0                |
// | first_interaction / last_interaction | min / max ts of completed rows                           | no_time          |
// | next_scheduled_interaction  | min ts of scheduled rows with ts >= as_of                         | no_time          |
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/detail/metric_states.hpp>
#include <salesmetrics/metrics/metric.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

namespace detail {
inline bool completed(const activity_view& v, std::size_t i) noexcept {
  return v.status.empty() || v.status[i] == activity_status::completed;
}
inline constexpr std::size_t td(activity_type t, salesmetrics::direction d) noexcept {
  return static_cast<std::size_t>(t) * 2 + static_cast<std::size_t>(d);
}
/// Row i's cell of type_direction_counts: td(type, direction), or 10 for an invalid code.
inline std::size_t td_cell(const activity_view& v, std::size_t i) noexcept {
  const auto t = static_cast<std::size_t>(v.type[i]), d = static_cast<std::size_t>(v.direction[i]);
  const bool valid = (t < enum_count<activity_type>) & (d < 2);
  return valid ? t * 2 + d : 10;
}
}  // namespace detail

/// Building block: completed rows per (type, direction), 5 x 2 counters; cell 10 counts the rows
/// of invalid codes in unvalidated data (validate() reports them), which no metric reads.
/// Its hot state (metric.hpp) is the same cells in uint32: 44 bytes instead of 88, so that a
/// rep's whole Q1 working state fits one 64-byte cache line.
struct type_direction_counts {
  static constexpr std::string_view name = "type_direction_counts";
  using table = activities_table;
  using state = std::array<std::int64_t, 11>;
  using hot_state = std::array<std::uint32_t, 11>;
  static constexpr std::uint64_t hot_rows = std::numeric_limits<std::uint32_t>::max();
  using result_type = state;
  template <class S>
  static void update(S& s, const activity_view& v, std::size_t i, const eval_context&) noexcept {
    s[detail::td_cell(v, i)] += detail::completed(v, i);
  }
  static void fold(state& s, const hot_state& h) noexcept {
    for (std::size_t k = 0; k < s.size(); ++k) s[k] += h[k];
  }
  static void merge(state& a, const state& b) noexcept {
    for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
  }
  static result_type result(const state& s, const eval_context&) noexcept { return s; }
};

/// Building block: completed duration per type in integer milliseconds (cells 5..7: invalid codes).
struct duration_ms_by_type {
  static constexpr std::string_view name = "duration_ms_by_type";
  using table = activities_table;
  using state = std::array<std::int64_t, 8>;
  using result_type = state;
  static void update(state& s, const activity_view& v, std::size_t i, const eval_context&) noexcept {
    if (v.duration_min.empty() || !detail::completed(v, i)) return;
    s[static_cast<std::size_t>(v.type[i]) & 7] += detail::minutes_to_ms(v.duration_min[i]);
  }
  static void merge(state& a, const state& b) noexcept {
    for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
  }
  static result_type result(const state& s, const eval_context&) noexcept { return s; }
};

/// Building block: completed duration of every valid type in integer milliseconds (one counter:
/// total_duration_minutes alone need not carry the 8 per-type cells through the pass).
struct duration_ms_total {
  static constexpr std::string_view name = "duration_ms_total";
  using table = activities_table;
  using state = std::int64_t;
  using result_type = state;
  static void update(state& s, const activity_view& v, std::size_t i, const eval_context&) noexcept {
    if (v.duration_min.empty() || !detail::completed(v, i)) return;
    s += static_cast<std::size_t>(v.type[i]) < enum_count<activity_type> ? detail::minutes_to_ms(v.duration_min[i]) : 0;
  }
  static void merge(state& a, const state& b) noexcept { a += b; }
  static result_type result(const state& s, const eval_context&) noexcept { return s; }
};

namespace detail {
/// The earliest (Latest = false) or the latest ts (unix seconds) of completed rows; the int64
/// limit on the other side when there is none.
template <bool Latest>
struct completed_ts_bound {
  using table = activities_table;
  struct state {
    std::int64_t t = Latest ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
  };
  using result_type = std::int64_t;
  static void update(state& s, const activity_view& v, std::size_t i, const eval_context&) noexcept {
    if (!completed(v, i)) return;
    const std::int64_t t = to_unix(v.ts[i]);
    s.t = (Latest ? t > s.t : t < s.t) ? t : s.t;
  }
  static void merge(state& a, const state& b) noexcept { a.t = Latest ? std::max(a.t, b.t) : std::min(a.t, b.t); }
  static result_type result(const state& s, const eval_context&) noexcept { return s.t; }
};
}  // namespace detail

/// Building blocks: the earliest and the latest ts of completed rows. Two leaves, so that a
/// metric needing one carries one.
struct earliest_completed_ts : detail::completed_ts_bound<false> {
  static constexpr std::string_view name = "earliest_completed_ts";
};
struct latest_completed_ts : detail::completed_ts_bound<true> {
  static constexpr std::string_view name = "latest_completed_ts";
};

/// Building block: [first, last] ts of completed rows ({max, min} of int64 when none).
struct interaction_range : depends_on<earliest_completed_ts, latest_completed_ts> {
  static constexpr std::string_view name = "interaction_range";
  using result_type = std::array<std::int64_t, 2>;
  template <class R> static result_type result(const R& r, const eval_context&) {
    return {r.template get<earliest_completed_ts>(), r.template get<latest_completed_ts>()};
  }
};

namespace detail {
/// A count read from type_direction_counts: sum over the (type, direction) cells in Cells.
template <std::size_t... Cells>
struct td_count : depends_on<type_direction_counts> {
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const eval_context&) {
    const auto& c = r.template get<type_direction_counts>();
    return (c[Cells] + ... + 0);
  }
};
template <activity_type... Types>
struct duration_minutes : depends_on<duration_ms_by_type> {
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    const auto& d = r.template get<duration_ms_by_type>();
    return static_cast<double>((d[static_cast<std::size_t>(Types)] + ... + 0)) / 60000.0;
  }
};
using at = activity_type;
using dir = salesmetrics::direction;
}  // namespace detail

struct activity_count : detail::td_count<0, 1, 2, 3, 4, 5, 6, 7, 8, 9> { static constexpr std::string_view name = "activity_count"; };
struct emails_sent : detail::td_count<detail::td(detail::at::email, detail::dir::outbound)> { static constexpr std::string_view name = "emails_sent"; };
struct emails_received : detail::td_count<detail::td(detail::at::email, detail::dir::inbound)> { static constexpr std::string_view name = "emails_received"; };
struct meetings_ours : detail::td_count<detail::td(detail::at::meeting, detail::dir::outbound)> { static constexpr std::string_view name = "meetings_ours"; };
struct meetings_theirs : detail::td_count<detail::td(detail::at::meeting, detail::dir::inbound)> { static constexpr std::string_view name = "meetings_theirs"; };
struct meetings : detail::td_count<detail::td(detail::at::meeting, detail::dir::outbound), detail::td(detail::at::meeting, detail::dir::inbound)> {
  static constexpr std::string_view name = "meetings";
};
struct calls_made : detail::td_count<detail::td(detail::at::phone_call, detail::dir::outbound)> { static constexpr std::string_view name = "calls_made"; };
struct calls_received : detail::td_count<detail::td(detail::at::phone_call, detail::dir::inbound)> { static constexpr std::string_view name = "calls_received"; };
struct calls : detail::td_count<detail::td(detail::at::phone_call, detail::dir::outbound), detail::td(detail::at::phone_call, detail::dir::inbound)> {
  static constexpr std::string_view name = "calls";
};
struct meeting_minutes : detail::duration_minutes<activity_type::meeting> { static constexpr std::string_view name = "meeting_minutes"; };
struct call_minutes : detail::duration_minutes<activity_type::phone_call> { static constexpr std::string_view name = "call_minutes"; };
struct total_duration_minutes : depends_on<duration_ms_total> {
  static constexpr std::string_view name = "total_duration_minutes";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    return static_cast<double>(r.template get<duration_ms_total>()) / 60000.0;
  }
};

struct first_interaction : depends_on<earliest_completed_ts> {
  static constexpr std::string_view name = "first_interaction";
  using result_type = timestamp;
  template <class R> static timestamp result(const R& r, const eval_context&) {
    const auto v = r.template get<earliest_completed_ts>();
    return v == std::numeric_limits<std::int64_t>::max() ? no_time : from_unix(v);
  }
};
struct last_interaction : depends_on<latest_completed_ts> {
  static constexpr std::string_view name = "last_interaction";
  using result_type = timestamp;
  template <class R> static timestamp result(const R& r, const eval_context&) {
    const auto v = r.template get<latest_completed_ts>();
    return v == std::numeric_limits<std::int64_t>::min() ? no_time : from_unix(v);
  }
};

/// Minutes of our time: meetings and calls by duration x max(1, our_attendees); e-mails at
/// SentMinutes per e-mail we sent and ReceivedMinutes per e-mail we received (defaults 0).
template <double SentMinutes = 0.0, double ReceivedMinutes = 0.0>
struct time_invested_ms {
  static constexpr std::string_view name = "time_invested_ms";
  using table = activities_table;
  using state = std::int64_t;
  using result_type = std::int64_t;
  static void update(state& s, const activity_view& v, std::size_t i, const eval_context&) noexcept {
    if (!detail::completed(v, i)) return;
    const activity_type t = v.type[i];
    if (t == activity_type::meeting || t == activity_type::phone_call) {
      if (v.duration_min.empty()) return;
      const std::int64_t people = v.our_attendees.empty() || v.our_attendees[i] == 0 ? 1 : v.our_attendees[i];
      s += detail::minutes_to_ms(v.duration_min[i]) * people;
    } else if (t == activity_type::email) {
      s += v.direction[i] == salesmetrics::direction::outbound ? detail::minutes_to_ms(static_cast<float>(SentMinutes))
                                                               : detail::minutes_to_ms(static_cast<float>(ReceivedMinutes));
    }
  }
  static void merge(state& a, const state& b) noexcept { a += b; }
  static result_type result(const state& s, const eval_context&) noexcept { return s; }
};
template <double SentMinutes = 0.0, double ReceivedMinutes = 0.0>
struct time_invested_hours : depends_on<time_invested_ms<SentMinutes, ReceivedMinutes>> {
  static constexpr std::string_view name = "time_invested_hours";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    return static_cast<double>(r.template get<time_invested_ms<SentMinutes, ReceivedMinutes>>()) / 3600000.0;
  }
};

struct active_days {
  static constexpr std::string_view name = "active_days";
  using table = activities_table;
  using state = detail::day_set;
  using result_type = std::int64_t;
  static void update(state& s, const activity_view& v, std::size_t i, const eval_context&) {
    if (detail::completed(v, i)) s.add(unix_day(v.ts[i]));
  }
  static void merge(state& a, const state& b) { a.merge(b); }
  static result_type result(const state& s, const eval_context&) { return s.count(); }
};

/// Working days (Mon-Fri) in [first_day, last_day].
inline std::int64_t working_days(std::int64_t first_day, std::int64_t last_day) noexcept {
  if (last_day < first_day) return 0;
  std::int64_t n = 0;
  const std::int64_t full_weeks = (last_day - first_day + 1) / 7;
  n += full_weeks * 5;
  for (std::int64_t d = first_day + full_weeks * 7; d <= last_day; ++d) n += iso_weekday(d) <= 5;
  return n;
}

struct activities_per_working_day : depends_on<activity_count, interaction_range> {
  static constexpr std::string_view name = "activities_per_working_day";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context& c) {
    std::int64_t first, last;
    if (c.window.from != time_window{}.from && c.window.to != time_window{}.to) {
      first = unix_day(c.window.from);
      last = unix_day(c.window.to - seconds{1});
    } else {
      const auto range = r.template get<interaction_range>();
      if (range[0] > range[1]) return detail::nan;
      first = unix_day(from_unix(range[0]));
      last = unix_day(from_unix(range[1]));
    }
    return detail::ratio(static_cast<double>(r.template get<activity_count>()), static_cast<double>(working_days(first, last)));
  }
};

struct unique_contacts {
  static constexpr std::string_view name = "unique_contacts";
  using table = activities_table;
  using state = detail::id_set;
  using result_type = std::int64_t;
  static void update(state& s, const activity_view& v, std::size_t i, const eval_context&) {
    if (!v.contact_id.empty() && detail::completed(v, i)) s.add(v.contact_id[i]);
  }
  static void merge(state& a, const state& b) { a.merge(b); }
  static result_type result(const state& s, const eval_context&) { return s.count(); }
};

namespace anchor {
/// Activities regardless of the window (scheduled future interactions).
struct activity_snapshot {
  static constexpr bool ignores_window = true;
  static timestamp of(const activity_view& v, std::size_t i) noexcept { return v.ts[i]; }
};
}  // namespace anchor

struct next_scheduled_interaction {
  static constexpr std::string_view name = "next_scheduled_interaction";
  static constexpr unsigned needs = metrics::needs::as_of;
  using table = activities_table;
  using anchor = metrics::anchor::activity_snapshot;
  using state = std::int64_t;
  using result_type = timestamp;
  static void update(state& s, const activity_view& v, std::size_t i, const eval_context& c) noexcept {
    if (v.status.empty() || v.status[i] != activity_status::scheduled || v.ts[i] < c.as_of) return;
    // s holds max - t so that value-initialised 0 means "none" and merge is a max.
    const std::int64_t enc = std::numeric_limits<std::int64_t>::max() - to_unix(v.ts[i]);
    s = enc > s ? enc : s;
  }
  static void merge(state& a, const state& b) noexcept { a = std::max(a, b); }
  static result_type result(const state& s, const eval_context&) noexcept {
    return s == 0 ? no_time : from_unix(std::numeric_limits<std::int64_t>::max() - s);
  }
};

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
