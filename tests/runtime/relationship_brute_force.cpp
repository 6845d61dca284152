// Every relationship KPI of every record kind against the brute force of relationship_test_support.hpp,
// on random histories (several seeds, windows, with and without thread ids), sequential and par(2, 1).
#include "relationship_test_support.hpp"

#include <catch2/catch.hpp>

#include <salesmetrics/relationship/panel.hpp>
#include <salesmetrics/synthetic/generate.hpp>

#include <string>
#include <vector>

namespace relationship_brute_force_test {

using namespace salesmetrics;
using namespace salesmetrics::relationship;
using reltest::close;
namespace rel_detail = salesmetrics::relationship::detail;

namespace {

constexpr double half_life = 30.0;

struct scenario {
  std::string name;
  relationship_options options;
  reltest::windows_ref w;
};

std::vector<scenario> scenarios(const crm_data& d) {
  using reltest::day_s;
  using reltest::t_ref;
  std::vector<scenario> out;
  {  // the default: 60 days ending at an explicit as_of
    relationship_options o;
    o.as_of = from_unix(t_ref);
    out.push_back({"default 60 days", o, {t_ref - 60 * day_s, t_ref, t_ref, true, t_ref - 120 * day_s, t_ref - 60 * day_s, t_ref - 60 * day_s}});
  }
  {  // as_of derived from the data: 1 s after the latest completed activity
    std::int64_t latest = INT64_MIN;
    const auto& a = d.activities;
    for (std::size_t i = 0; i < a.ts.size(); ++i)
      if (a.status[i] == activity_status::completed) latest = std::max(latest, to_unix(a.ts[i]));
    const std::int64_t as_of = latest + 1;
    relationship_options o;
    o.email_written_minutes = 3.5;
    o.email_read_minutes = 0.75;
    out.push_back({"derived as_of", o, {as_of - 60 * day_s, as_of, as_of, true, as_of - 120 * day_s, as_of - 60 * day_s, as_of - 60 * day_s}});
  }
  {  // an explicit 40-day window; as_of = its end; custom health settings
    relationship_options o;
    const std::int64_t from = t_ref - 45 * day_s, to = t_ref - 5 * day_s;
    o.window = {from_unix(from), from_unix(to)};
    o.frequency_target = 4;
    o.weights = {0.1, 0.2, 0.3, 0.4};
    o.top_n = 2;
    out.push_back({"explicit window", o, {from, to, to, true, from - 40 * day_s, from, to - 40 * day_s}});
  }
  {  // unbounded below: the whole history before as_of, no previous window
    relationship_options o;
    o.window = {time_window{}.from, from_unix(t_ref)};
    out.push_back({"history", o, {time_window{}.from.time_since_epoch().count(), t_ref, t_ref, false, 0, 0, 0}});
  }
  return out;
}

std::vector<person_activity> brute_rank(const std::map<std::int64_t, reltest::person>& m, std::size_t n, bool by_weight) {
  std::vector<person_activity> v;
  for (const auto& [id, p] : m) v.push_back({static_cast<dense_id>(id), "", p.n, from_unix(p.last), p.w});
  std::sort(v.begin(), v.end(), by_weight ? relationship::detail::knows_better : relationship::detail::more_active);
  if (v.size() > n) v.resize(n);
  return v;
}

void check_people(const std::vector<person_activity>& got, const std::vector<person_activity>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    CHECK(got[k].interactions == want[k].interactions);
    CHECK(got[k].last == want[k].last);
    CHECK(close(got[k].weighted, want[k].weighted));
    if (got[k].id != want[k].id) {  // only a tie within rounding may reorder
      bool tie = false;
      for (const auto& w : want)
        tie = tie || (w.id == got[k].id && w.interactions == want[k].interactions && w.last == want[k].last && close(w.weighted, want[k].weighted));
      CHECK(tie);
    }
  }
}

void check_report(const crm_view& v, const relationship_report& r, const scenario& s, record_kind kind) {
  const auto ref = reltest::brute_panels(v, kind, s.w, s.options, half_life);
  // panels: records with an interaction in either window or a scheduled one at or after as_of
  std::map<std::vector<std::int64_t>, const relationship_panel*> got;
  for (const auto& p : r.panels) got[std::vector<std::int64_t>(p.key.begin(), p.key.end())] = &p;
  REQUIRE(got.size() == ref.size());
  const relationship_options& o = s.options;
  const double wr = o.email_written_minutes, rd = o.email_read_minutes;
  for (const auto& [key, b] : ref) {
    INFO(s.name << " kind " << to_string(kind) << " record " << key[0] << (key.size() > 1 ? " / " + std::to_string(key[1]) : ""));
    REQUIRE(got.count(key) == 1);
    const relationship_panel& p = *got.at(key);
    // 1. interaction summary
    CHECK(p.emails.by_us == b.counts[0]);
    CHECK(p.emails.by_them == b.counts[1]);
    CHECK(p.meetings.by_us == b.counts[2]);
    CHECK(p.meetings.by_them == b.counts[3]);
    CHECK(p.calls.by_us == b.counts[4]);
    CHECK(p.calls.by_them == b.counts[5]);
    CHECK(p.interactions == b.cur.n);
    CHECK(p.previous_interactions == b.prev.n);
    CHECK(close(p.meetings.minutes_by_us, b.minutes[0]));
    CHECK(close(p.meetings.minutes_by_them, b.minutes[1]));
    CHECK(close(p.calls.minutes_by_us, b.minutes[2]));
    CHECK(close(p.calls.minutes_by_them, b.minutes[3]));
    CHECK(close(p.emails.minutes_by_us, wr * static_cast<double>(b.counts[0])));
    CHECK(close(p.emails.minutes_by_them, rd * static_cast<double>(b.counts[1])));
    // 2. ratios
    CHECK(close(p.email_ratio_by_them, b.counts[0] == 0 ? std::nan("") : double(b.counts[1]) / double(b.counts[0])));
    CHECK(close(p.email_ratio_by_us, b.counts[1] == 0 ? std::nan("") : double(b.counts[0]) / double(b.counts[1])));
    // 3. replies
    const reply_summary* side[2] = {&p.our_replies, &p.their_replies};
    for (int k = 0; k < 2; ++k) {
      CHECK(side[k]->emails == b.emails[k]);
      CHECK(side[k]->replied == b.replied[k]);
      CHECK(close(side[k]->rate, b.emails[k] == 0 ? std::nan("") : double(b.replied[k]) / double(b.emails[k])));
      CHECK(close(side[k]->mean_hours, b.replied[k] == 0 ? std::nan("") : double(b.delay_sum[k]) / double(b.replied[k]) / 3600.0));
      CHECK(close(side[k]->median_hours, reltest::median(b.delays[k]) / 3600.0));
    }
    // 4. time invested, last and next
    CHECK(close(p.time_invested_hours_ours,
                (b.meeting_attendee_minutes + b.minutes[2] + b.minutes[3] + wr * double(b.counts[0]) + rd * double(b.counts[1])) / 60.0));
    CHECK(close(p.time_invested_hours_theirs,
                (b.minutes[0] + b.minutes[1] + b.minutes[2] + b.minutes[3] + wr * double(b.counts[1]) + rd * double(b.counts[0])) / 60.0));
    CHECK(p.last_interaction == (b.cur.n == 0 ? no_time : from_unix(b.cur.last)));
    CHECK(close(p.days_since_last_interaction, b.cur.n == 0 ? std::nan("") : double(s.w.as_of - b.cur.last) / 86400.0));
    CHECK(p.next_scheduled_interaction == (b.next == INT64_MAX ? no_time : from_unix(b.next)));
    // 5. timeline and gaps
    std::vector<timeline_day> tl;
    for (const auto& [day, counts] : b.timeline) tl.push_back({day, counts});
    CHECK(p.timeline == tl);
    const bool bounded = s.w.has_prev;  // the scenarios without a previous window are unbounded below
    const std::int64_t d0 = bounded ? s.w.from / 86400 : (b.timeline.empty() ? 0 : b.timeline.begin()->first);
    const std::int64_t d1 = (s.w.to - 1) / 86400;
    std::int64_t silence = 0, run = 0, gap_between = 0, prev_active = INT64_MIN;
    if (bounded || !b.timeline.empty())
      for (std::int64_t d = d0; d <= d1; ++d) {
        if (b.timeline.count(d)) {
          if (prev_active != INT64_MIN) gap_between = std::max(gap_between, d - prev_active - 1);
          prev_active = d;
          run = 0;
        } else {
          silence = std::max(silence, ++run);
        }
      }
    CHECK(p.gaps.active_days == static_cast<std::int64_t>(b.timeline.size()));
    CHECK(p.gaps.longest_silence_days == silence);
    CHECK(p.gaps.longest_gap_between_days == gap_between);
    if (bounded) {
      CHECK(p.first_day == d0);
      CHECK(p.last_day == d1);
    }
    // 7. health, grade and trend
    const health_components hc = reltest::brute_health(b.cur, s.w.as_of, o, half_life);
    CHECK(close(p.health.current.recency, hc.recency));
    CHECK(close(p.health.current.frequency, hc.frequency));
    CHECK(close(p.health.current.reciprocity, hc.reciprocity));
    CHECK(close(p.health.current.responsiveness, hc.responsiveness));
    CHECK(close(p.health.current.score, hc.score));
    const health_grade g = hc.score >= o.good_from ? health_grade::good : hc.score >= o.fair_from ? health_grade::fair : health_grade::poor;
    CHECK(p.health.grade == g);
    if (s.w.has_prev) {
      const health_components hp = reltest::brute_health(b.prev, s.w.pas_of, o, half_life);
      CHECK(close(p.health.previous.recency, hp.recency));
      CHECK(close(p.health.previous.frequency, hp.frequency));
      CHECK(close(p.health.previous.reciprocity, hp.reciprocity));
      CHECK(close(p.health.previous.responsiveness, hp.responsiveness));
      CHECK(close(p.health.previous.score, hp.score));
      const double delta = hc.score - hp.score;
      if (std::abs(std::abs(delta) - o.trend_threshold) > 1e-6)  // away from the cut-off (rounding)
        CHECK(p.health.trend == (delta > o.trend_threshold    ? health_trend::improving
                                 : delta < -o.trend_threshold ? health_trend::declining
                                                              : health_trend::steady));
    } else {
      CHECK(std::isnan(p.health.previous.score));
      CHECK(p.health.trend == health_trend::unavailable);
    }
    // 6. who knows whom
    if (kind == record_kind::rep_contact) {
      CHECK(p.top_contacts.empty());
      CHECK(p.top_reps.empty());
    } else if (o.top_n > 0) {
      check_people(p.top_reps, brute_rank(b.reps, o.top_n, false));
      std::vector<person_activity> contacts;
      if (kind == record_kind::contact) {
        if (b.cur.n > 0 || true) contacts.push_back({static_cast<dense_id>(key[0]), "", b.cur.n, b.cur.n ? from_unix(b.cur.last) : no_time, b.cur.w_us + b.cur.w_them});
      } else {
        contacts = brute_rank(b.contacts, o.top_n, false);
      }
      REQUIRE(p.top_contacts.size() == contacts.size());
      for (std::size_t c = 0; c < contacts.size(); ++c) {
        check_people({p.top_contacts[c].contact}, {contacts[c]});
        std::map<std::int64_t, reltest::person> reps;
        for (const auto& [cr, person] : b.contact_reps)
          if (cr.first == p.top_contacts[c].contact.id) reps[cr.second] = person;
        check_people(p.top_contacts[c].best_reps, brute_rank(reps, o.top_n, true));
      }
    }
  }
}

void check_same(const relationship_report& a, const relationship_report& b) {
  REQUIRE(a.panels.size() == b.panels.size());
  for (std::size_t i = 0; i < a.panels.size(); ++i) {
    const relationship_panel &x = a.panels[i], &y = b.panels[i];
    CHECK(x.key == y.key);
    CHECK(x.label == y.label);
    CHECK(x.interactions == y.interactions);
    CHECK(x.our_replies.replied == y.our_replies.replied);
    CHECK(close(x.our_replies.median_hours, y.our_replies.median_hours));
    CHECK(close(x.health.current.score, y.health.current.score));
    CHECK(x.timeline == y.timeline);
    CHECK(x.top_reps.size() == y.top_reps.size());
  }
}

template <class Key>
void run_kind(const crm_view& v, const scenario& s, const Key& key, record_kind kind) {
  const relationship_report r = analyse(v, key, s.options);
  CHECK(r.kind == kind);
  check_report(v, r, s, kind);
  const relationship_report rp = analyse(v, key, s.options, par(2, 1));
  check_same(r, rp);
}

/// Both sweeps: pair_replies picks one by the size of its states (the compact one on data this small).
constexpr rel_detail::sweep_states both_sweeps[] = {rel_detail::sweep_states::compact, rel_detail::sweep_states::two_instant};
const char* name_of(rel_detail::sweep_states s) { return s == rel_detail::sweep_states::compact ? "compact" : "two_instant"; }

}  // namespace

TEST_CASE("relationship panels match brute force for every record kind", "[relationship][brute]") {
  namespace group = metrics::group;
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    const crm_data d = reltest::random_history(seed, 700, seed % 3 != 0);
    const crm_view v = d.view();
    for (const scenario& s : scenarios(d)) {
      INFO("seed " << seed << " scenario " << s.name);
      run_kind(v, s, group::contact, record_kind::contact);
      run_kind(v, s, group::account, record_kind::account);
      run_kind(v, s, group::opportunity, record_kind::opportunity);
      run_kind(v, s, group::lead, record_kind::lead);
      run_kind(v, s, group::by(group::rep, group::contact), record_kind::rep_contact);
    }
  }
}

TEST_CASE("the reply annotation matches the quadratic reply search, sequential and parallel", "[relationship][brute]") {
  for (std::uint32_t seed = 11; seed <= 16; ++seed) {
    const crm_data d = reltest::random_history(seed, 900, seed % 2 == 0);
    const crm_view v = d.view();
    const dictionary* subjects = &d.dictionaries.subjects;
    const auto want = reltest::brute_replies(v);
    for (const rel_detail::sweep_states sweep : both_sweeps)
    for (unsigned threads : {1u, 2u, 3u}) {
      const reply_annotation r = rel_detail::pair_replies_with(sweep, v.activities, subjects, par(threads, 1), no_time);
      std::size_t threaded = 0, replied = 0;
      for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("seed " << seed << " " << name_of(sweep) << " threads " << threads << " row " << i);
        const std::int64_t expected = want[i] ? *want[i] : not_threaded;
        CHECK(r.reply_ts[i] == expected);
        threaded += want[i].has_value();
        replied += want[i].has_value() && *want[i] != no_reply;
      }
      CHECK(r.threaded_emails == threaded);
      CHECK(r.replied_emails == replied);
      // paired from an instant on: the same pairs for the e-mails from then on, nothing before
      const timestamp from = from_unix(reltest::t_ref - 50 * reltest::day_s);
      const reply_annotation late = rel_detail::pair_replies_with(sweep, v.activities, subjects, par(threads, 1), from);
      CHECK(late.paired_from == from);
      for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("seed " << seed << " " << name_of(sweep) << " threads " << threads << " row " << i << " paired from t_ref - 50 d");
        CHECK(late.reply_ts[i] == (v.activities.ts[i] < from ? not_threaded : r.reply_ts[i]));
      }
    }
  }
}

TEST_CASE("an annotation paired from too late an instant is refused", "[relationship][brute]") {
  const crm_data d = reltest::random_history(3, 200);
  relationship_options o;
  o.as_of = from_unix(reltest::t_ref);
  const reply_annotation late = pair_replies(d.view(), seq, from_unix(reltest::t_ref - 100 * reltest::day_s));
  CHECK_THROWS_WITH(analyse(d.view(), metrics::group::contact, o, late), Catch::Contains("pair_replies with an earlier"));
  const reply_annotation ok = pair_replies(d.view(), seq, from_unix(reltest::t_ref - 120 * reltest::day_s));
  CHECK(analyse(d.view(), metrics::group::contact, o, ok).panels.size() == analyse(d.view(), metrics::group::contact, o).panels.size());
}

TEST_CASE("reply pairing of rows already in ts order, with dense, sparse and missing thread ids", "[relationship][brute]") {
  // The generator's rows are in ts order with dense thread ids: the sweep runs over the rows
  // themselves. Spreading the ids out forces the numbered path; dropping some ids mixes in
  // subject threads. Every variant must agree with the quadratic search, for 1 to 3 threads.
  for (std::uint64_t seed : {5u, 6u}) {
    synthetic::config c = synthetic::config::for_activities(6000, seed);
    crm_data d = synthetic::generate(c);
    for (int variant = 0; variant < 3; ++variant) {
      crm_data v = d;
      auto& tid = v.activities.thread_id;
      for (std::size_t i = 0; i < tid.size(); ++i) {
        if (tid[i] < 0) continue;
        if (variant == 1) tid[i] = tid[i] * 100'003 + 17;  // sparse ids
        if (variant == 2 && i % 7 == 0) tid[i] = no_id;  // subject threads too
      }
      crm_view view = v.view();
      const auto want = reltest::brute_replies(view);
      // 1-3 threads with the order checked, and 2 with it promised (as after validation at ingest).
      for (const rel_detail::sweep_states sweep : both_sweeps)
      for (const auto& [threads, promised] : {std::pair{1u, false}, {2u, false}, {3u, false}, {2u, true}}) {
        view.activities.ts_sorted = promised;
        for (const timestamp from : {no_time, view.activities.ts[view.activities.size() / 2]}) {
          INFO("seed " << seed << " variant " << variant << " " << name_of(sweep) << " threads " << threads << " ts_sorted "
                       << view.activities.ts_sorted << " from " << to_unix(from));
          const reply_annotation r = rel_detail::pair_replies_with(sweep, view.activities, &v.dictionaries.subjects, par(threads, 1), from);
          std::size_t threaded = 0, replied = 0, mismatches = 0;
          for (std::size_t i = 0; i < want.size(); ++i) {
            const bool paired = want[i].has_value() && view.activities.ts[i] >= from;
            const std::int64_t expected = paired ? *want[i] : not_threaded;
            mismatches += r.reply_ts[i] != expected;
            threaded += paired;
            replied += paired && *want[i] != no_reply;
          }
          CHECK(mismatches == 0);
          CHECK(r.threaded_emails == threaded);
          CHECK(r.replied_emails == replied);
          CHECK(replied > 0);
        }
      }
    }
  }
}

}  // namespace relationship_brute_force_test
