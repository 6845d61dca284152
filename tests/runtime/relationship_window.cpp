// The 60-day window's boundaries: the first second is in, the last instant (as_of) is out and
// belongs to "next scheduled" only; the previous window [as_of - 120 d, as_of - 60 d) the same;
// the timeline spans the window's days; a custom window and as_of behave the same way.
#include <catch2/catch.hpp>

#include <salesmetrics/relationship/panel.hpp>

#include <cmath>
#include <vector>

namespace relationship_window_test {

using namespace salesmetrics;
using namespace salesmetrics::relationship;

namespace {
constexpr std::int64_t day = 86400;
constexpr std::int64_t t0 = 1'700'006'400;  // 2023-11-15T00:00:00Z

crm_data calls_at(const std::vector<std::pair<std::int64_t, activity_status>>& rows) {
  crm_data d;
  d.dictionaries.reps.encode("ann");
  d.dictionaries.contacts.encode("carl");
  auto& a = d.activities;
  for (auto [t, s] : rows) {
    a.ts.push_back(from_unix(t));
    a.type.push_back(activity_type::phone_call);
    a.direction.push_back(direction::outbound);
    a.rep_id.push_back(0);
    a.contact_id.push_back(0);
    a.status.push_back(s);
  }
  return d;
}
constexpr auto done = activity_status::completed;
constexpr auto planned = activity_status::scheduled;
}  // namespace

TEST_CASE("the default window is the 60 days before as_of, as_of excluded", "[relationship][window]") {
  const crm_data d = calls_at({{t0 - 60 * day, done},      // first second: in
                               {t0 - 60 * day - 1, done},  // one second earlier: previous window
                               {t0 - 1, done},             // last second: in
                               {t0, done},                 // as_of itself: out (completed rows at as_of are not history yet)
                               {t0 - 120 * day, done},     // previous window's first second
                               {t0 - 120 * day - 1, done}, // before everything
                               {t0, planned},              // scheduled at as_of: the next interaction
                               {t0 + 3600, planned}});
  relationship_options o;
  o.as_of = from_unix(t0);
  const relationship_report r = analyse(d.view(), metrics::group::contact, o);
  CHECK(r.windows.current.from == from_unix(t0 - 60 * day));
  CHECK(r.windows.current.to == from_unix(t0));
  CHECK(r.windows.previous.from == from_unix(t0 - 120 * day));
  CHECK(r.windows.previous.to == from_unix(t0 - 60 * day));
  CHECK(r.windows.previous_as_of == from_unix(t0 - 60 * day));
  REQUIRE(r.panels.size() == 1);
  const relationship_panel& p = r.panels[0];
  CHECK(p.calls.by_us == 2);
  CHECK(p.interactions == 2);
  CHECK(p.previous_interactions == 2);
  CHECK(p.last_interaction == from_unix(t0 - 1));
  CHECK(p.next_scheduled_interaction == from_unix(t0));
  CHECK(p.first_day == (t0 - 60 * day) / day);
  CHECK(p.last_day == (t0 - 1) / day);
  CHECK(p.last_day - p.first_day + 1 == 60);
  REQUIRE(p.timeline.size() == 2);
  CHECK(p.timeline.front().day == p.first_day);
  CHECK(p.timeline.back().day == p.last_day);
  CHECK(p.gaps.longest_silence_days == 58);
  CHECK(p.gaps.longest_gap_between_days == 58);
  CHECK(p.days_since_last_interaction == Approx(1.0 / 86400.0));
}

TEST_CASE("as_of defaults to one second after the latest completed activity", "[relationship][window]") {
  const crm_data d = calls_at({{t0 - 10 * day, done}, {t0 - 5 * day, done}, {t0 + 40 * day, planned}});
  const relationship_report r = analyse(d.view(), metrics::group::contact);
  CHECK(r.windows.as_of == from_unix(t0 - 5 * day + 1));
  CHECK(r.windows.current.from == from_unix(t0 - 65 * day + 1));
  REQUIRE(r.panels.size() == 1);
  CHECK(r.panels[0].interactions == 2);
  CHECK(r.panels[0].next_scheduled_interaction == from_unix(t0 + 40 * day));
  CHECK(r.panels[0].gaps.longest_silence_days == 55);  // from the window's first day to the first call
}

TEST_CASE("a record active only in the previous window is reported with an empty current window", "[relationship][window]") {
  const crm_data d = calls_at({{t0 - 90 * day, done}});
  relationship_options o;
  o.as_of = from_unix(t0);
  const relationship_report r = analyse(d.view(), metrics::group::contact, o);
  REQUIRE(r.panels.size() == 1);
  const relationship_panel& p = r.panels[0];
  CHECK(p.interactions == 0);
  CHECK(p.previous_interactions == 1);
  CHECK(p.last_interaction == no_time);
  CHECK(std::isnan(p.days_since_last_interaction));
  CHECK(p.gaps.longest_silence_days == 60);
  CHECK(p.gaps.active_days == 0);
  CHECK(p.health.current.score == 0.0);
  CHECK(p.health.previous.score > 0.0);
  CHECK(p.health.trend == health_trend::declining);
  // and nothing in either window nor scheduled: no panel
  const crm_data none = calls_at({{t0 - 200 * day, done}});
  CHECK(analyse(none.view(), metrics::group::contact, o).panels.empty());
}

TEST_CASE("an explicit window and as_of", "[relationship][window]") {
  const crm_data d = calls_at({{t0 - 30 * day, done}, {t0 - 20 * day, done}, {t0 - 20 * day - 1, done}, {t0 - 9 * day, done}});
  relationship_options o;
  o.window = {from_unix(t0 - 20 * day), from_unix(t0 - 10 * day)};
  const relationship_report r = analyse(d.view(), metrics::group::contact, o);
  CHECK(r.windows.as_of == from_unix(t0 - 10 * day));
  CHECK(r.windows.previous.from == from_unix(t0 - 30 * day));
  REQUIRE(r.panels.size() == 1);
  CHECK(r.panels[0].interactions == 1);
  CHECK(r.panels[0].previous_interactions == 2);
  CHECK(r.panels[0].last_day - r.panels[0].first_day + 1 == 10);
  relationship_options bad;
  bad.window = {from_unix(t0), from_unix(t0)};
  CHECK_THROWS_AS(analyse(d.view(), metrics::group::contact, bad), std::invalid_argument);
}

TEST_CASE("minimal tables: only the required columns and a contact; an empty table", "[relationship][window]") {
  crm_data d;  // no status (all completed), no thread ids, no subjects, no durations, no dictionaries
  auto& a = d.activities;
  for (int i = 0; i < 6; ++i) {
    a.ts.push_back(from_unix(t0 - (i + 1) * day));
    a.type.push_back(i % 2 ? activity_type::email : activity_type::meeting);
    a.direction.push_back(i % 3 ? direction::outbound : direction::inbound);
    a.rep_id.push_back(i % 2);
    a.contact_id.push_back(7);
  }
  relationship_options o;
  o.as_of = from_unix(t0);
  const relationship_report r = analyse(d.view(), metrics::group::contact, o);
  REQUIRE(r.panels.size() == 1);
  CHECK(r.panels[0].key == std::vector<dense_id>{7});
  CHECK(r.panels[0].label == "7");
  CHECK(r.panels[0].interactions == 6);
  CHECK(r.panels[0].meetings.minutes_by_us == 0.0);
  CHECK(r.panels[0].our_replies.emails == 0);  // nothing threaded
  CHECK(r.threaded_emails == 0);
  CHECK(r.panels[0].top_reps.size() == 2);
  CHECK(analyse(d.view(), metrics::group::account, o).panels.empty());  // no account column: no record
  CHECK(analyse(d.view(), metrics::group::by(metrics::group::rep, metrics::group::contact), o).panels.size() == 2);
  const crm_data empty;
  const relationship_report e = analyse(empty.view(), metrics::group::lead);
  CHECK(e.panels.empty());
  CHECK(e.windows.as_of == from_unix(0));
}

}  // namespace relationship_window_test
