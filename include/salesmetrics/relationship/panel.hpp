// salesmetrics/relationship/panel.hpp: the relationship panel of every contact, account, opportunity, lead or seller-contact pair.
//
//   auto report = relationship::analyse(data.view(), metrics::group::account, {}, par(2));
//   const relationship_panel* p = report.find("account-0042");
//
// analyse() pairs replies (reply_pairing.hpp: one sweep, over the e-mails from the previous window's
// start on; or give it a pair_replies() result to share), then makes ONE fused metric-engine pass
// over the activities for every per-record aggregate of the panel (the metrics of
// interaction_metrics.hpp, reply_metrics.hpp, timeline_metrics.hpp and health.hpp, for the
// current window, the previous window and the next scheduled interaction at once), plus one small
// pass per who-knows-whom key (who_knows_whom.hpp; none for seller-contact pairs). Every field of
// a panel is defined in the header of the metric it comes from; the windows in options.hpp.
// Panels: one per record with at least one interaction in the current or previous window or a
// scheduled interaction at or after as_of, ordered by record id (pairs: by rep, then contact).
// Records whose id is missing are not reported. to_json() gives the panel as JSON (NaN -> null,
// instants as "YYYY-MM-DDTHH:MM:SSZ", keys in a fixed order: nlohmann::ordered_json).
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/execution.hpp>
#include <salesmetrics/metrics/evaluate.hpp>
#include <salesmetrics/metrics/group_by.hpp>
#include <salesmetrics/metrics/metric_set.hpp>
#include <salesmetrics/relationship/annotated_view.hpp>
#include <salesmetrics/relationship/decay_policy.hpp>
#include <salesmetrics/relationship/health.hpp>
#include <salesmetrics/relationship/interaction_metrics.hpp>
#include <salesmetrics/relationship/options.hpp>
#include <salesmetrics/relationship/record_key.hpp>
#include <salesmetrics/relationship/reply_metrics.hpp>
#include <salesmetrics/relationship/reply_pairing.hpp>
#include <salesmetrics/relationship/timeline_metrics.hpp>
#include <salesmetrics/relationship/who_knows_whom.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

/// Counts and minutes of one interaction type by who initiated it.
struct interaction_kind {
  std::int64_t by_us = 0, by_them = 0;
  double minutes_by_us = 0, minutes_by_them = 0;
};

struct reply_summary {
  std::int64_t emails = 0;   // threaded e-mails of the answered side
  std::int64_t replied = 0;  // answered before the window's end
  double rate = std::numeric_limits<double>::quiet_NaN();
  double mean_hours = std::numeric_limits<double>::quiet_NaN();
  double median_hours = std::numeric_limits<double>::quiet_NaN();
};

struct health_summary {
  health_components current{};
  health_components previous{};
  health_grade grade = health_grade::poor;
  health_trend trend = health_trend::unavailable;
};

struct relationship_panel {
  std::vector<dense_id> key;  // the record's id (pairs: rep id, contact id)
  std::string label;          // the record's name (pairs: "rep / contact")
  // 1. interaction summary (e-mail minutes are the estimates: ours writing, ours reading)
  interaction_kind emails, meetings, calls;
  std::int64_t interactions = 0;
  std::int64_t previous_interactions = 0;
  // 2. e-mail ratios
  double email_ratio_by_them = 0, email_ratio_by_us = 0;
  // 3. replies: ours = we answering their e-mails, theirs = they answering ours
  reply_summary our_replies, their_replies;
  // 4. time invested, last and next interaction
  double time_invested_hours_ours = 0, time_invested_hours_theirs = 0;
  timestamp last_interaction = no_time, next_scheduled_interaction = no_time;
  double days_since_last_interaction = std::numeric_limits<double>::quiet_NaN();
  // 5. timeline over the window days first_day..last_day (days since 1970-01-01), sparse
  std::int64_t first_day = 0, last_day = -1;
  std::vector<timeline_day> timeline;
  timeline_gaps gaps{};
  // 6. who knows whom
  std::vector<contact_relations> top_contacts;
  std::vector<person_activity> top_reps;
  // 7. health
  health_summary health{};
};

struct relationship_report {
  record_kind kind = record_kind::contact;
  std::vector<std::string> key_names;
  analysis_windows windows{};
  relationship_options options{};
  std::size_t threaded_emails = 0, replied_emails = 0, threads = 0;  // from the reply pairing
  std::vector<relationship_panel> panels;

  /// The panel with this label ("account-0042", or "rep-0001 / contact-00042"), or null.
  [[nodiscard]] const relationship_panel* find(std::string_view label) const {
    for (const auto& p : panels)
      if (p.label == label) return &p;
    return nullptr;
  }
  /// The panel of this record id (pairs: of this rep and contact), or null.
  [[nodiscard]] const relationship_panel* find(dense_id id, dense_id contact = no_id) const {
    auto it = std::lower_bound(panels.begin(), panels.end(), std::pair{id, contact}, [&](const relationship_panel& p, auto k) {
      return p.key.size() == 1 ? p.key[0] < k.first : std::pair{p.key[0], p.key[1]} < k;
    });
    if (it == panels.end() || it->key[0] != id || (it->key.size() == 2 && it->key[1] != contact)) return nullptr;
    return &*it;
  }
};

namespace detail {

template <class D>
using panel_metrics = metrics::type_list<
    emails_by_us, emails_by_them, meetings_by_us, meetings_by_them, calls_by_us, calls_by_them, meeting_minutes_by_us,
    meeting_minutes_by_them, call_minutes_by_us, call_minutes_by_them, email_minutes_by_us, email_minutes_by_them,
    email_ratio_by_them, email_ratio_by_us, their_threaded_emails, our_replies, our_reply_rate, our_mean_reply_hours,
    our_median_reply_hours, our_threaded_emails, their_replies, their_reply_rate, their_mean_reply_hours,
    their_median_reply_hours, time_invested_hours_ours, time_invested_hours_theirs, interactions<D>, previous_interactions<D>,
    last_interaction<D>, days_since_last_interaction<D>, weighted_interactions<D>, next_scheduled_interaction, active_days,
    longest_silence_days, longest_gap_between_days, health_recency<D>, health_frequency<D>, health_reciprocity<D>,
    health_responsiveness<D>, health_score<D>, previous_health_recency<D>, previous_health_frequency<D>,
    previous_health_reciprocity<D>, previous_health_responsiveness<D>, previous_health_score<D>>;

template <class T, class List> struct position;
template <class T, class... Ts> struct position<T, metrics::type_list<Ts...>> {
  static constexpr std::size_t value = [] {
    constexpr bool same[] = {std::is_same_v<T, Ts>..., false};
    std::size_t i = 0;
    while (i < sizeof...(Ts) && !same[i]) ++i;
    return i;
  }();
};

/// evaluate_partial and finish over a type_list of metrics.
template <class List> struct panel_pass;
template <class... Ms> struct panel_pass<metrics::type_list<Ms...>> {
  using set = metrics::metric_set<Ms...>;
  template <class Key, class Policy>
  static auto partial(const annotated_view& av, const Key& key, const metrics::evaluate_options& eo, const Policy& p) {
    return metrics::evaluate_partial<Ms...>(av, key, eo, p);
  }
  template <class Key, class Partial>
  static auto finish(const annotated_view& av, const Key& key, const Partial& partial, const metrics::evaluate_options& eo) {
    return metrics::finish<Ms...>(av, key, partial, eo);
  }
};

/// The first instant an analysis reads: the previous window's start (else the current one's), or
/// as_of when earlier (scheduled rows from as_of on give the next interaction).
[[nodiscard]] inline timestamp analysis_start(const analysis_windows& w) noexcept {
  return std::min(w.has_previous ? w.previous.from : w.current.from, w.as_of);
}

template <class D, class Table>
[[nodiscard]] health_components health_row(const Table& t, std::size_t g, bool previous) {
  if (previous)
    return {t.template column<previous_health_recency<D>>()[g], t.template column<previous_health_frequency<D>>()[g],
            t.template column<previous_health_reciprocity<D>>()[g], t.template column<previous_health_responsiveness<D>>()[g],
            t.template column<previous_health_score<D>>()[g]};
  return {t.template column<health_recency<D>>()[g], t.template column<health_frequency<D>>()[g],
          t.template column<health_reciprocity<D>>()[g], t.template column<health_responsiveness<D>>()[g],
          t.template column<health_score<D>>()[g]};
}

}  // namespace detail

/// The panels of every record of kind `key`, with the replies already paired (reuse one
/// pair_replies() result across analyses of the same data).
template <DecayPolicy D = default_decay, class Key, ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] relationship_report analyse(const crm_view& data, const Key& key, const relationship_options& options,
                                          const reply_annotation& replies, const Policy& policy = seq) {
  if constexpr (!RecordKey<Key>) {
    static_assert(RecordKey<Key>, "salesmetrics::relationship::analyse(data, key, ...): the key must be metrics::group::contact, "
                                  "group::account, group::opportunity, group::lead or group::by(group::rep, group::contact)");
    return {};
  } else {
    if (replies.reply_ts.size() != data.activities.size())
      throw std::invalid_argument("salesmetrics::relationship::analyse: the reply annotation has " +
                                  std::to_string(replies.reply_ts.size()) + " rows, the activity table " +
                                  std::to_string(data.activities.size()) + " (pair_replies() of this data set is needed)");
    relationship_report report;
    report.kind = record_key_traits<Key>::kind;
    report.options = options;
    report.windows = resolve_windows(data.activities, options);
    const timestamp start = detail::analysis_start(report.windows);
    if (!is_missing(replies.paired_from) && replies.paired_from > start)
      throw std::invalid_argument("salesmetrics::relationship::analyse: the replies were paired from " +
                                  std::to_string(to_unix(replies.paired_from)) + " on, the analysis starts at " +
                                  std::to_string(to_unix(start)) + " (pair_replies with an earlier `from`)");
    report.threaded_emails = replies.threaded_emails;
    report.replied_emails = replies.replied_emails;
    report.threads = replies.threads;
    annotated_view av;
    static_cast<crm_view&>(av) = data;
    av.reply_ts = replies.reply_ts;
    av.windows = report.windows;
    av.options = &report.options;
    const analysis_windows& w = report.windows;

    // One pass: everything from the previous window's start on (scheduled rows included).
    const metrics::evaluate_options eo{time_window{start, time_window{}.to}, w.as_of, {}, {}};
    using list = detail::panel_metrics<D>;
    using pass = detail::panel_pass<list>;
    const auto partial = pass::partial(av, key, eo, policy);
    const auto t = pass::finish(av, key, partial, eo);
    constexpr std::size_t timeline_leaf = detail::position<daily_timeline, typename pass::set::leaves>::value;

    const who_knows_whom<D, Key> people(av, key, options.top_n, policy);
    report.key_names = t.key_names;
    report.panels.reserve(t.rows());
    const std::size_t arity = t.key_values.size();
    for (std::size_t g = 0; g < t.rows(); ++g) {
      bool missing = false;
      for (std::size_t k = 0; k < arity; ++k) missing = missing || t.key_values[k][g] < 0;
      const std::int64_t n = t.template column<interactions<D>>()[g];
      const std::int64_t prev = t.template column<previous_interactions<D>>()[g];
      const timestamp next = t.template column<next_scheduled_interaction>()[g];
      if (missing || (n == 0 && prev == 0 && is_missing(next))) continue;
      relationship_panel p;
      for (std::size_t k = 0; k < arity; ++k) p.key.push_back(static_cast<dense_id>(t.key_values[k][g]));
      p.label = t.key_label(g);
      p.emails = {t.template column<emails_by_us>()[g], t.template column<emails_by_them>()[g],
                  t.template column<email_minutes_by_us>()[g], t.template column<email_minutes_by_them>()[g]};
      p.meetings = {t.template column<meetings_by_us>()[g], t.template column<meetings_by_them>()[g],
                    t.template column<meeting_minutes_by_us>()[g], t.template column<meeting_minutes_by_them>()[g]};
      p.calls = {t.template column<calls_by_us>()[g], t.template column<calls_by_them>()[g],
                 t.template column<call_minutes_by_us>()[g], t.template column<call_minutes_by_them>()[g]};
      p.interactions = n;
      p.previous_interactions = prev;
      p.email_ratio_by_them = t.template column<email_ratio_by_them>()[g];
      p.email_ratio_by_us = t.template column<email_ratio_by_us>()[g];
      p.our_replies = {t.template column<their_threaded_emails>()[g], t.template column<our_replies>()[g],
                       t.template column<our_reply_rate>()[g], t.template column<our_mean_reply_hours>()[g],
                       t.template column<our_median_reply_hours>()[g]};
      p.their_replies = {t.template column<our_threaded_emails>()[g], t.template column<their_replies>()[g],
                         t.template column<their_reply_rate>()[g], t.template column<their_mean_reply_hours>()[g],
                         t.template column<their_median_reply_hours>()[g]};
      p.time_invested_hours_ours = t.template column<time_invested_hours_ours>()[g];
      p.time_invested_hours_theirs = t.template column<time_invested_hours_theirs>()[g];
      p.last_interaction = t.template column<last_interaction<D>>()[g];
      p.next_scheduled_interaction = next;
      p.days_since_last_interaction = t.template column<days_since_last_interaction<D>>()[g];
      p.timeline = daily_timeline::days(std::get<timeline_leaf>(partial.states[g]));
      p.gaps = {t.template column<active_days>()[g], t.template column<longest_silence_days>()[g],
                t.template column<longest_gap_between_days>()[g]};
      const bool from_bounded = w.current.from != time_window{}.from, to_bounded = w.current.to != time_window{}.to;
      p.first_day = from_bounded ? unix_day(w.current.from) : p.timeline.empty() ? 0 : p.timeline.front().day;
      p.last_day = to_bounded ? unix_day(w.current.to - seconds{1}) : p.timeline.empty() ? -1 : p.timeline.back().day;
      p.health.current = detail::health_row<D>(t, g, false);
      p.health.previous = detail::health_row<D>(t, g, true);
      p.health.grade = grade_of(p.health.current.score, report.options);
      p.health.trend = trend_of(p.health.current.score, p.health.previous.score, w.has_previous, report.options);
      const person_activity self{p.key[0], p.label, n, p.last_interaction, t.template column<weighted_interactions<D>>()[g]};
      people.fill(p.key[0], self, p.top_contacts, p.top_reps);
      report.panels.push_back(std::move(p));
    }
    return report;
  }
}

/// The panels of every record of kind `key` (pairs the replies first).
template <DecayPolicy D = default_decay, class Key, ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] relationship_report analyse(const crm_view& data, const Key& key, const relationship_options& options = {},
                                          const Policy& policy = seq) {
  if constexpr (!RecordKey<Key>) {
    static_assert(RecordKey<Key>, "salesmetrics::relationship::analyse(data, key, ...): the key must be metrics::group::contact, "
                                  "group::account, group::opportunity, group::lead or group::by(group::rep, group::contact)");
    return {};
  } else {
    const timestamp start = detail::analysis_start(resolve_windows(data.activities, options));
    return analyse<D>(data, key, options, pair_replies(data, policy, start), policy);
  }
}

// ---- JSON ---------------------------------------------------------------------------------------

/// "2024-03-15" for a day number (days since 1970-01-01, UTC).
[[nodiscard]] inline std::string day_label(std::int64_t day) { return calendar_period::days().label(day); }
/// "2024-03-15T09:30:00Z" (UTC); "" for a missing instant.
[[nodiscard]] inline std::string instant_label(timestamp t) {
  if (is_missing(t)) return {};
  const std::int64_t day = unix_day(t), rem = to_unix(t) - day * seconds_per_day;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", day_label(day).c_str(), static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

// The JSON functions are templates on the JSON type (always nlohmann::ordered_json) only so that
// nlohmann's templates are instantiated in the translation units that call to_json, not in every
// one that includes this header.
namespace detail {
template <class Json = nlohmann::ordered_json>
[[nodiscard]] Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }
[[nodiscard]] inline std::string day_text(std::int64_t day) { return day_label(day); }
template <class Json = nlohmann::ordered_json>
[[nodiscard]] Json instant(timestamp t) {
  return is_missing(t) ? Json(nullptr) : Json(instant_label(t));
}
template <class Json = nlohmann::ordered_json>
[[nodiscard]] Json kind_json(const interaction_kind& k) {
  return {{"by_us", k.by_us}, {"by_them", k.by_them}, {"minutes_by_us", number<Json>(k.minutes_by_us)},
          {"minutes_by_them", number<Json>(k.minutes_by_them)}};
}
template <class Json = nlohmann::ordered_json>
[[nodiscard]] Json reply_json(const reply_summary& r) {
  return {{"emails", r.emails}, {"replied", r.replied}, {"rate", number<Json>(r.rate)},
          {"mean_hours", number<Json>(r.mean_hours)}, {"median_hours", number<Json>(r.median_hours)}};
}
template <class Json = nlohmann::ordered_json>
[[nodiscard]] Json person_json(const person_activity& p) {
  return {{"id", p.label}, {"interactions", p.interactions}, {"last_interaction", instant<Json>(p.last)},
          {"weighted", number<Json>(p.weighted)}};
}
template <class Json = nlohmann::ordered_json>
[[nodiscard]] Json health_json(const health_components& h) {
  return {{"recency", number<Json>(h.recency)}, {"frequency", number<Json>(h.frequency)},
          {"reciprocity", number<Json>(h.reciprocity)}, {"responsiveness", number<Json>(h.responsiveness)},
          {"score", number<Json>(h.score)}};
}
}  // namespace detail

template <class Json = nlohmann::ordered_json>
[[nodiscard]] Json to_json(const relationship_panel& p) {
  using detail::number;
  Json timeline = Json::array();
  for (const timeline_day& d : p.timeline)
    timeline.push_back({{"day", detail::day_text(d.day)},
                        {"emails_by_us", d.counts[0]}, {"emails_by_them", d.counts[1]}, {"meetings_by_us", d.counts[2]},
                        {"meetings_by_them", d.counts[3]}, {"calls_by_us", d.counts[4]}, {"calls_by_them", d.counts[5]}});
  Json contacts = Json::array();
  for (const contact_relations& c : p.top_contacts) {
    Json j = detail::person_json<Json>(c.contact);
    Json best = Json::array();
    for (const person_activity& r : c.best_reps) best.push_back(detail::person_json<Json>(r));
    j["best_reps"] = std::move(best);
    contacts.push_back(std::move(j));
  }
  Json reps = Json::array();
  for (const person_activity& r : p.top_reps) reps.push_back(detail::person_json<Json>(r));
  return {{"record", p.label},
          {"interactions",
           {{"total", p.interactions}, {"emails", detail::kind_json<Json>(p.emails)},
            {"meetings", detail::kind_json<Json>(p.meetings)}, {"calls", detail::kind_json<Json>(p.calls)}}},
          {"email_ratio", {{"by_them", number<Json>(p.email_ratio_by_them)}, {"by_us", number<Json>(p.email_ratio_by_us)}}},
          {"replies", {{"ours", detail::reply_json<Json>(p.our_replies)}, {"theirs", detail::reply_json<Json>(p.their_replies)}}},
          {"time_invested_hours",
           {{"ours", number<Json>(p.time_invested_hours_ours)}, {"theirs", number<Json>(p.time_invested_hours_theirs)}}},
          {"last_interaction", detail::instant<Json>(p.last_interaction)},
          {"days_since_last_interaction", number<Json>(p.days_since_last_interaction)},
          {"next_scheduled_interaction", detail::instant<Json>(p.next_scheduled_interaction)},
          {"timeline",
           {{"first_day", p.last_day >= p.first_day ? Json(detail::day_text(p.first_day)) : Json(nullptr)},
            {"last_day", p.last_day >= p.first_day ? Json(detail::day_text(p.last_day)) : Json(nullptr)},
            {"active_days", p.gaps.active_days},
            {"longest_silence_days", p.gaps.longest_silence_days},
            {"longest_gap_between_days", p.gaps.longest_gap_between_days},
            {"days", std::move(timeline)}}},
          {"who_knows_whom", {{"top_contacts", std::move(contacts)}, {"top_reps", std::move(reps)}}},
          {"health",
           {{"current", detail::health_json<Json>(p.health.current)},
            {"previous", detail::health_json<Json>(p.health.previous)},
            {"grade", std::string(to_string(p.health.grade))}, {"trend", std::string(to_string(p.health.trend))}}}};
}

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
