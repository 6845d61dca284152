// salesmetrics/relationship/interaction_metrics.hpp: who started how many e-mails, meetings and calls, for how long, and what comes next.
//
// Definitions (metric-engine metrics over an annotated_view, annotated_view.hpp)
//   interaction      a completed (no status column = completed) e-mail, meeting or phone call
//                    with ts in the current window [from, to). Tasks and notes are not
//                    interactions. "By us" = outbound (our side initiated), "by them" = inbound.
// | metric                       | definition                                                       | empty group |
// |------------------------------|------------------------------------------------------------------|-------------|
// | emails_by_us / _by_them      | interactions of type e-mail by us / by them                      | 0           |
// | meetings_by_us / _by_them    | the same for meetings                                            | 0           |
// | calls_by_us / _by_them       | the same for phone calls                                         | 0           |
// | meeting_minutes_by_us/_them  | sum of duration_min of those meetings (missing or NaN = 0; each  | 0           |
// | call_minutes_by_us/_them     | row rounded to the millisecond, summed exactly in integers)      | 0           |
// | email_minutes_by_us          | emails_by_us x email_written_minutes (our time writing)          | 0           |
// | email_minutes_by_them        | emails_by_them x email_read_minutes (our time reading theirs)    | 0           |
// | email_ratio_by_them          | emails_by_them / emails_by_us                                    | NaN when emails_by_us = 0 |
// | email_ratio_by_us            | emails_by_us / emails_by_them                                    | NaN when emails_by_them = 0 |
// | time_invested_hours_ours     | (sum over meetings of duration x max(1, our_attendees) + sum of  | 0           |
// |                              | call durations + email_written_minutes x emails_by_us +          |             |
// |                              | email_read_minutes x emails_by_them) / 60                        |             |
// | time_invested_hours_theirs   | (sum of meeting durations (once: one customer person) + sum of   | 0           |
// |                              | call durations + email_written_minutes x emails_by_them +        |             |
// |                              | email_read_minutes x emails_by_us) / 60                          |             |
// | next_scheduled_interaction   | min ts of scheduled e-mails, meetings and calls with ts >= as_of | no_time     |
// |                              | (any window; only rows the engine's window admits are seen, and  |             |
// |                              | the relationship entry points extend it to every row >= as_of)   |             |
// our_attendees 0 (unknown) or an absent column counts as 1 attendee.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/detail/metric_states.hpp>
#include <salesmetrics/metrics/metric.hpp>
#include <salesmetrics/relationship/annotated_view.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

/// Leaf: interactions per cell (e-mail/meeting/call x by us/by them), see interaction_cell.
struct interaction_counts {
  static constexpr std::string_view name = "interaction_counts";
  using table = metrics::activities_table;
  using state = std::array<std::int64_t, 6>;
  using result_type = state;
  static void update(state& s, const activity_view& v, std::size_t i, const metrics::eval_context& c) noexcept {
    const int cell = detail::interaction_cell(v, i);
    if (cell < 0 || !detail::completed(v, i) || !detail::annotated(c).windows.current.contains(v.ts[i])) return;
    ++s[static_cast<std::size_t>(cell)];
  }
  static void merge(state& a, const state& b) noexcept {
    for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
  }
  static result_type result(const state& s, const metrics::eval_context&) noexcept { return s; }
};

/// Leaf: interaction durations in integer milliseconds: [meetings by us, meetings by them, calls
/// by us, calls by them, meetings by us x our attendees, meetings by them x our attendees].
struct interaction_durations {
  static constexpr std::string_view name = "interaction_durations";
  using table = metrics::activities_table;
  using state = std::array<std::int64_t, 6>;
  using result_type = state;
  static void update(state& s, const activity_view& v, std::size_t i, const metrics::eval_context& c) noexcept {
    const int cell = detail::interaction_cell(v, i);
    if (cell < 2 || v.duration_min.empty() || !detail::completed(v, i) ||
        !detail::annotated(c).windows.current.contains(v.ts[i]))
      return;
    const std::int64_t ms = metrics::detail::minutes_to_ms(v.duration_min[i]);
    s[static_cast<std::size_t>(cell - 2)] += ms;
    if (cell < 4) {
      const std::int64_t people = v.our_attendees.empty() || v.our_attendees[i] == 0 ? 1 : v.our_attendees[i];
      s[static_cast<std::size_t>(cell + 2)] += ms * people;
    }
  }
  static void merge(state& a, const state& b) noexcept {
    for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
  }
  static result_type result(const state& s, const metrics::eval_context&) noexcept { return s; }
};

/// Leaf: the earliest scheduled interaction at or after as_of.
struct next_scheduled {
  static constexpr std::string_view name = "next_scheduled";
  using table = metrics::activities_table;
  struct state {
    std::int64_t t = std::numeric_limits<std::int64_t>::max();
  };
  using result_type = timestamp;
  static void update(state& s, const activity_view& v, std::size_t i, const metrics::eval_context& c) noexcept {
    if (v.status.empty() || v.status[i] != activity_status::scheduled || detail::interaction_cell(v, i) < 0 ||
        v.ts[i] < detail::annotated(c).windows.as_of)
      return;
    const std::int64_t t = to_unix(v.ts[i]);
    s.t = t < s.t ? t : s.t;
  }
  static void merge(state& a, const state& b) noexcept { a.t = b.t < a.t ? b.t : a.t; }
  static result_type result(const state& s, const metrics::eval_context&) noexcept {
    return s.t == std::numeric_limits<std::int64_t>::max() ? no_time : from_unix(s.t);
  }
};

namespace detail {
template <std::size_t Cell>
struct cell_count : metrics::depends_on<interaction_counts> {
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const metrics::eval_context&) {
    return r.template get<interaction_counts>()[Cell];
  }
};
template <std::size_t Slot>
struct duration_minutes : metrics::depends_on<interaction_durations> {
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context&) {
    return static_cast<double>(r.template get<interaction_durations>()[Slot]) / 60000.0;
  }
};
}  // namespace detail

struct emails_by_us : detail::cell_count<0> { static constexpr std::string_view name = "emails_by_us"; };
struct emails_by_them : detail::cell_count<1> { static constexpr std::string_view name = "emails_by_them"; };
struct meetings_by_us : detail::cell_count<2> { static constexpr std::string_view name = "meetings_by_us"; };
struct meetings_by_them : detail::cell_count<3> { static constexpr std::string_view name = "meetings_by_them"; };
struct calls_by_us : detail::cell_count<4> { static constexpr std::string_view name = "calls_by_us"; };
struct calls_by_them : detail::cell_count<5> { static constexpr std::string_view name = "calls_by_them"; };

struct meeting_minutes_by_us : detail::duration_minutes<0> { static constexpr std::string_view name = "meeting_minutes_by_us"; };
struct meeting_minutes_by_them : detail::duration_minutes<1> { static constexpr std::string_view name = "meeting_minutes_by_them"; };
struct call_minutes_by_us : detail::duration_minutes<2> { static constexpr std::string_view name = "call_minutes_by_us"; };
struct call_minutes_by_them : detail::duration_minutes<3> { static constexpr std::string_view name = "call_minutes_by_them"; };

struct email_minutes_by_us : metrics::depends_on<interaction_counts> {
  static constexpr std::string_view name = "email_minutes_by_us";
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context& c) {
    return static_cast<double>(r.template get<interaction_counts>()[0]) * detail::annotated(c).options->email_written_minutes;
  }
};
struct email_minutes_by_them : metrics::depends_on<interaction_counts> {
  static constexpr std::string_view name = "email_minutes_by_them";
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context& c) {
    return static_cast<double>(r.template get<interaction_counts>()[1]) * detail::annotated(c).options->email_read_minutes;
  }
};

struct email_ratio_by_them : metrics::depends_on<interaction_counts> {
  static constexpr std::string_view name = "email_ratio_by_them";
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context&) {
    const auto& n = r.template get<interaction_counts>();
    return metrics::detail::ratio(static_cast<double>(n[1]), static_cast<double>(n[0]));
  }
};
struct email_ratio_by_us : metrics::depends_on<interaction_counts> {
  static constexpr std::string_view name = "email_ratio_by_us";
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context&) {
    const auto& n = r.template get<interaction_counts>();
    return metrics::detail::ratio(static_cast<double>(n[0]), static_cast<double>(n[1]));
  }
};

struct time_invested_hours_ours : metrics::depends_on<interaction_counts, interaction_durations> {
  static constexpr std::string_view name = "time_invested_hours_ours";
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context& c) {
    const auto& n = r.template get<interaction_counts>();
    const auto& d = r.template get<interaction_durations>();
    const relationship_options& o = *detail::annotated(c).options;
    const double email_min = o.email_written_minutes * static_cast<double>(n[0]) + o.email_read_minutes * static_cast<double>(n[1]);
    return static_cast<double>(d[4] + d[5] + d[2] + d[3]) / 3600000.0 + email_min / 60.0;
  }
};
struct time_invested_hours_theirs : metrics::depends_on<interaction_counts, interaction_durations> {
  static constexpr std::string_view name = "time_invested_hours_theirs";
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context& c) {
    const auto& n = r.template get<interaction_counts>();
    const auto& d = r.template get<interaction_durations>();
    const relationship_options& o = *detail::annotated(c).options;
    const double email_min = o.email_written_minutes * static_cast<double>(n[1]) + o.email_read_minutes * static_cast<double>(n[0]);
    return static_cast<double>(d[0] + d[1] + d[2] + d[3]) / 3600000.0 + email_min / 60.0;
  }
};

struct next_scheduled_interaction : metrics::depends_on<next_scheduled> {
  static constexpr std::string_view name = "next_scheduled_interaction";
  using result_type = timestamp;
  template <class R> static timestamp result(const R& r, const metrics::eval_context&) { return r.template get<next_scheduled>(); }
};

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
