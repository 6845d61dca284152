// Every catalog metric against an independent brute-force computation on random tables:
// many seeds, every group key, windows, filters, sequential and parallel, merged partials.
// par(n, 1): n threads even on these few rows (par(n) would take one thread per 2^17 rows).
#include <salesmetrics/metrics/catalog.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <tuple>
#include <vector>

namespace metrics_brute_force_test {

using namespace salesmetrics;
using namespace salesmetrics::metrics;

namespace {

crm_data make_random_crm(std::uint32_t seed, std::size_t n_act, std::size_t n_opp) {
  std::mt19937 rng(seed);  // the test's own generator (the library's is tested separately)
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  crm_data d;
  d.stages = schema_stages::runtime();
  for (int r = 0; r < 7; ++r) d.dictionaries.reps.encode("rep" + std::to_string(r));
  for (int c = 0; c < 40; ++c) d.dictionaries.contacts.encode("c" + std::to_string(c));
  auto& a = d.activities;
  const std::int64_t t0 = 1700000000;
  for (std::size_t i = 0; i < n_act; ++i) {
    a.ts.push_back(from_unix(t0 + uni(0, 200 * 86400)));
    a.type.push_back(static_cast<activity_type>(uni(0, 2)));
    a.direction.push_back(static_cast<direction>(uni(0, 1)));
    a.rep_id.push_back(uni(0, 6));
    a.contact_id.push_back(uni(0, 9) == 0 ? no_id : uni(0, 39));
    a.duration_min.push_back(uni(0, 10) == 0 ? std::nanf("") : static_cast<float>(uni(0, 480)) * 0.25f);
    a.status.push_back(uni(0, 9) == 0 ? activity_status::scheduled : activity_status::completed);
    a.our_attendees.push_back(static_cast<std::uint8_t>(uni(0, 3)));
  }
  auto& o = d.opportunities;
  for (std::size_t i = 0; i < n_opp; ++i) {
    o.opportunity_id.push_back(static_cast<dense_id>(i));
    const std::int64_t created = t0 + uni(0, 150 * 86400);
    o.created_ts.push_back(from_unix(created));
    const auto st = static_cast<deal_status>(uni(0, 2));
    o.status.push_back(st);
    o.stage.push_back(static_cast<stage_index>(uni(0, 4)));
    o.closed_ts.push_back(st == deal_status::open ? no_time : from_unix(created + uni(0, 90 * 86400)));
    o.expected_close_ts.push_back(from_unix(created + uni(0, 120 * 86400)));
    o.amount.push_back(uni(0, 7) == 0 ? money::missing() : money{std::int64_t{uni(0, 5000000)}});
    o.owner_rep_id.push_back(uni(0, 8) == 0 ? no_id : uni(0, 6));
    o.account_id.push_back(uni(0, 11));
  }
  return d;
}

bool completed(const activity_view& v, std::size_t i) { return v.status.empty() || v.status[i] == activity_status::completed; }

/// The same data with the activities in ts order (the engine then reads only a window's rows).
crm_data sorted_by_ts(const crm_data& d) {
  crm_data s = d;
  const auto& a = d.activities;
  std::vector<std::size_t> order(a.ts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return a.ts[x] < a.ts[y]; });
  auto permute = [&](auto& out, const auto& in) {
    if (in.empty()) return;  // an optional column the data has not
    for (std::size_t i = 0; i < order.size(); ++i) out[i] = in[order[i]];
  };
  permute(s.activities.ts, a.ts);
  permute(s.activities.type, a.type);
  permute(s.activities.direction, a.direction);
  permute(s.activities.rep_id, a.rep_id);
  permute(s.activities.contact_id, a.contact_id);
  permute(s.activities.duration_min, a.duration_min);
  permute(s.activities.status, a.status);
  permute(s.activities.our_attendees, a.our_attendees);
  return s;
}

}  // namespace

TEST_CASE("activity metrics by rep, by contact, by rep x contact and by rep x month match brute force", "[metrics][brute]") {
  // Seeds 2, 3, 6, 7, 10 and 11 drop the status column (every row completed), with and without
  // a window: the engine has a loop of its own for that case.
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    crm_data data = make_random_crm(seed, 3000, 10);
    if (seed % 4 >= 2) data.activities.status.clear();
    const crm_data& d = data;
    const crm_view v = d.view();
    const auto& a = v.activities;
    const time_window window = seed % 2 ? time_window{} : time_window{from_unix(1700000000 + 30 * 86400), from_unix(1700000000 + 120 * 86400)};
    const evaluate_options opts{window, {}, {}, {}};

    // brute force by rep
    struct agg { std::int64_t n = 0, es = 0, er = 0, mo = 0, mi = 0, cm = 0, cr = 0, dur_ms = 0, inv_ms = 0; std::int64_t first = INT64_MAX, last = INT64_MIN; std::set<int> contacts; std::set<std::int64_t> days; };
    std::map<int, agg> by_rep;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!window.contains(a.ts[i]) || !completed(a, i)) continue;
      agg& g = by_rep[a.rep_id[i]];
      ++g.n;
      const bool out = a.direction[i] == direction::outbound;
      switch (a.type[i]) {
        case activity_type::email: (out ? g.es : g.er)++; break;
        case activity_type::meeting: (out ? g.mo : g.mi)++; break;
        default: (out ? g.cm : g.cr)++; break;
      }
      const float dm = a.duration_min[i];
      if (!std::isnan(dm)) {
        g.dur_ms += static_cast<std::int64_t>(std::llround(double(dm) * 60000.0));
        if (a.type[i] != activity_type::email)
          g.inv_ms += static_cast<std::int64_t>(std::llround(double(dm) * 60000.0)) * std::max<int>(1, a.our_attendees[i]);
      }
      g.first = std::min(g.first, to_unix(a.ts[i]));
      g.last = std::max(g.last, to_unix(a.ts[i]));
      if (a.contact_id[i] >= 0) g.contacts.insert(a.contact_id[i]);
      g.days.insert(unix_day(a.ts[i]));
    }
    auto check = [&](const auto& r) {
      REQUIRE(r.rows() == by_rep.size());
      std::size_t row = 0;
      for (const auto& [rep, g] : by_rep) {
        CHECK(r.key_values[0][row] == rep);
        CHECK(r.template column<activity_count>()[row] == g.n);
        CHECK(r.template column<emails_sent>()[row] == g.es);
        CHECK(r.template column<emails_received>()[row] == g.er);
        CHECK(r.template column<meetings_ours>()[row] == g.mo);
        CHECK(r.template column<meetings_theirs>()[row] == g.mi);
        CHECK(r.template column<meetings>()[row] == g.mo + g.mi);
        CHECK(r.template column<calls_made>()[row] == g.cm);
        CHECK(r.template column<calls_received>()[row] == g.cr);
        CHECK(r.template column<total_duration_minutes>()[row] == double(g.dur_ms) / 60000.0);
        CHECK(r.template column<time_invested_hours<>>()[row] == double(g.inv_ms) / 3600000.0);
        CHECK(to_unix(r.template column<first_interaction>()[row]) == g.first);
        CHECK(to_unix(r.template column<last_interaction>()[row]) == g.last);
        CHECK(r.template column<unique_contacts>()[row] == static_cast<std::int64_t>(g.contacts.size()));
        CHECK(r.template column<active_days>()[row] == static_cast<std::int64_t>(g.days.size()));
        ++row;
      }
    };
    using scorecard = std::tuple<activity_count, emails_sent, emails_received, meetings_ours, meetings_theirs, meetings, calls_made,
                                 calls_received, total_duration_minutes, time_invested_hours<>, first_interaction, last_interaction,
                                 unique_contacts, active_days>;
    auto run_on = [&]<class... M>(std::tuple<M...>*, const crm_view& view, const auto& policy) {
      return evaluate<M...>(view, group::rep, opts, policy);
    };
    auto run = [&](scorecard* s, const auto& policy) { return run_on(s, v, policy); };
    const auto seq_result = run(static_cast<scorecard*>(nullptr), seq);
    check(seq_result);
    const auto par_result = run(static_cast<scorecard*>(nullptr), par(3, 1));
    check(par_result);
    // Rows in ts order: a bounded window is found by binary search; same results.
    const crm_data sorted = sorted_by_ts(d);
    check(run_on(static_cast<scorecard*>(nullptr), sorted.view(), seq));
    check(run_on(static_cast<scorecard*>(nullptr), sorted.view(), par(3, 1)));
    crm_view promised = sorted.view();  // the order promised (as after validate at ingest), not checked
    promised.activities.ts_sorted = true;
    check(run_on(static_cast<scorecard*>(nullptr), promised, seq));
    std::ostringstream a1, a2;
    seq_result.write_csv(a1);
    par_result.write_csv(a2);
    CHECK(a1.str() == a2.str());  // sequential and parallel results are identical

    // rep x contact (hashed key space) and rep x month (dense composite)
    std::map<std::pair<int, int>, std::int64_t> pair_counts;
    std::map<std::pair<int, std::int64_t>, std::int64_t> month_counts;
    const calendar_period months = calendar_period::months();
    for (std::size_t i = 0; i < a.size(); ++i) {
      // A group exists when a row in the window reaches it; only completed rows are counted.
      if (!window.contains(a.ts[i])) continue;
      pair_counts[{a.rep_id[i], a.contact_id[i] < 0 ? INT32_MAX : a.contact_id[i]}] += completed(a, i);
      month_counts[{a.rep_id[i], months.index(a.ts[i])}] += completed(a, i);
    }
    // The same key space dense (40 contacts) and hashed (a 100,000-name contact dictionary).
    crm_dictionaries big = d.dictionaries;
    for (int c = 40; c < 100000; ++c) big.contacts.encode("c" + std::to_string(c));
    crm_view v_big = v;
    v_big.dictionaries = &big;
    for (const crm_view* view : std::array<const crm_view*, 2>{&v, &v_big}) {
      const auto rc = evaluate<activity_count>(*view, group::by(group::rep, group::contact), opts, par(2, 1));
      REQUIRE(rc.rows() == pair_counts.size());
      std::size_t row = 0;
      for (const auto& [k, n] : pair_counts) {
        CHECK(rc.key_values[0][row] == k.first);
        CHECK(rc.key_values[1][row] == (k.second == INT32_MAX ? -1 : k.second));
        CHECK(rc.key_labels[1][row] == (k.second == INT32_MAX ? "(none)" : "c" + std::to_string(k.second)));
        CHECK(rc.column<activity_count>()[row] == n);
        ++row;
      }
    }
    const auto rm = evaluate<activity_count>(v, group::by(group::rep, group::period(months)), opts);
    REQUIRE(rm.rows() == month_counts.size());
    std::size_t row = 0;
    for (const auto& [k, n] : month_counts) {
      CHECK(rm.key_values[1][row] == k.second);
      CHECK(rm.key_labels[1][row] == months.label(k.second));
      CHECK(rm.column<activity_count>()[row] == n);
      ++row;
    }
  }
}

TEST_CASE("filters compose and restrict any metric", "[metrics][brute]") {
  const crm_data d = make_random_crm(77, 2000, 10);
  const auto& a = d.activities;
  constexpr auto inbound_meeting_or_call = (type_is<activity_type::meeting> || type_is<activity_type::phone_call>) &&
                                           direction_is<direction::inbound>;
  const auto r = evaluate<where<inbound_meeting_or_call, activity_count>, where<!type_is<activity_type::email>, total_duration_minutes>>(
      d.view(), group::everything);
  std::int64_t n = 0, ms = 0;
  for (std::size_t i = 0; i < a.ts.size(); ++i) {
    if (a.status[i] != activity_status::completed) continue;
    n += (a.type[i] == activity_type::meeting || a.type[i] == activity_type::phone_call) && a.direction[i] == direction::inbound;
    if (a.type[i] != activity_type::email && !std::isnan(a.duration_min[i])) ms += std::llround(double(a.duration_min[i]) * 60000.0);
  }
  REQUIRE(r.rows() == 1);
  CHECK(r.column<where<inbound_meeting_or_call, activity_count>>()[0] == n);
  CHECK(r.column<where<!type_is<activity_type::email>, total_duration_minutes>>()[0] == double(ms) / 60000.0);
}

TEST_CASE("opportunity metrics by rep and by account match brute force", "[metrics][brute]") {
  for (std::uint32_t seed = 100; seed < 110; ++seed) {
    const crm_data d = make_random_crm(seed, 10, 400);
    const auto& o = d.opportunities;
    const time_window window = seed % 2 ? time_window{} : time_window{from_unix(1700000000 + 40 * 86400), from_unix(1700000000 + 160 * 86400)};
    struct agg { std::int64_t won = 0, lost = 0, open = 0, won_c = 0, open_c = 0, won_n_amt = 0, created = 0, created_won = 0, weighted = 0; std::vector<std::int64_t> amts, cyc; bool any = false; };
    std::map<std::int64_t, agg> by_rep;
    const double p[] = {0.1, 0.2, 0.4, 0.6, 0.8};
    for (std::size_t i = 0; i < o.opportunity_id.size(); ++i) {
      const std::int64_t rep = o.owner_rep_id[i] < 0 ? INT64_MAX : o.owner_rep_id[i];
      const bool has_amt = !o.amount[i].is_missing();
      if (o.status[i] == deal_status::open) {  // snapshot: window ignored
        agg& g = by_rep[rep];
        g.any = true;
        ++g.open;
        if (has_amt) {
          g.open_c += o.amount[i].cents;
          g.weighted += std::llround(double(o.amount[i].cents) * p[o.stage[i]]);
        }
      } else if (window.contains(o.closed_ts[i])) {
        agg& g = by_rep[rep];
        g.any = true;
        if (o.status[i] == deal_status::won) {
          ++g.won;
          if (has_amt) { g.won_c += o.amount[i].cents; ++g.won_n_amt; g.amts.push_back(o.amount[i].cents); }
          g.cyc.push_back(to_unix(o.closed_ts[i]) - to_unix(o.created_ts[i]));
        } else {
          ++g.lost;
        }
      }
      if (window.contains(o.created_ts[i])) {
        agg& g = by_rep[rep];
        g.any = true;
        ++g.created;
        g.created_won += o.status[i] == deal_status::won;
      }
    }
    auto median = [](std::vector<std::int64_t> x, double q) {
      std::sort(x.begin(), x.end());
      const double h = (double(x.size()) - 1) * q;
      const auto lo = static_cast<std::size_t>(h);
      const std::size_t hi = std::min(lo + 1, x.size() - 1);
      return double(x[lo]) + (h - double(lo)) * double(x[hi] - x[lo]);
    };
    const auto r = evaluate<won_count, lost_count, open_count, win_rate, won_amount, open_amount, average_deal_size, median_deal_size,
                            cycle_days_mean, cycle_days_median, cycle_days_p90, created_count, close_rate, weighted_pipeline<>>(
        d.view(), group::rep, {window, {}, {}, {}}, par(2, 1));
    REQUIRE(r.rows() == by_rep.size());
    std::size_t row = 0;
    for (const auto& [rep, g] : by_rep) {
      INFO("seed " << seed << " rep " << rep);
      CHECK(r.key_values[0][row] == (rep == INT64_MAX ? -1 : rep));
      CHECK(r.column<won_count>()[row] == g.won);
      CHECK(r.column<lost_count>()[row] == g.lost);
      CHECK(r.column<open_count>()[row] == g.open);
      if (g.won + g.lost == 0) CHECK(std::isnan(r.column<win_rate>()[row]));
      else CHECK(r.column<win_rate>()[row] == double(g.won) / double(g.won + g.lost));
      CHECK(r.column<won_amount>()[row] == money{g.won_c});
      CHECK(r.column<open_amount>()[row] == money{g.open_c});
      CHECK(r.column<weighted_pipeline<>>()[row] == money{g.weighted});
      if (g.won_n_amt == 0) {
        CHECK(r.column<average_deal_size>()[row].is_missing());
        CHECK(r.column<median_deal_size>()[row].is_missing());
      } else {
        CHECK(r.column<average_deal_size>()[row] == money{std::llround(double(g.won_c) / double(g.won_n_amt))});
        CHECK(r.column<median_deal_size>()[row] == money{std::llround(median(g.amts, 0.5))});
      }
      if (g.cyc.empty()) {
        CHECK(std::isnan(r.column<cycle_days_mean>()[row]));
      } else {
        std::int64_t tot = 0;
        for (auto c : g.cyc) tot += c;
        CHECK(r.column<cycle_days_mean>()[row] == Approx(double(tot) / double(g.cyc.size()) / 86400.0));
        CHECK(r.column<cycle_days_median>()[row] == Approx(median(g.cyc, 0.5) / 86400.0));
        CHECK(r.column<cycle_days_p90>()[row] == Approx(median(g.cyc, 0.9) / 86400.0));
      }
      CHECK(r.column<created_count>()[row] == g.created);
      if (g.created == 0) CHECK(std::isnan(r.column<close_rate>()[row]));
      else CHECK(r.column<close_rate>()[row] == double(g.created_won) / double(g.created));
      ++row;
    }
  }
}

TEST_CASE("partial states merge associatively, with an identity, and survive serialisation", "[metrics][merge]") {
  const crm_data d = make_random_crm(5, 4000, 300);
  const crm_view full = d.view();
  // Three shards of the activity table, sharing dictionaries.
  auto shard = [&](std::size_t b, std::size_t e) {
    crm_view v = full;
    v.activities = {};
    salesmetrics::detail::for_each_column(v.activities, [&](std::string_view name, auto& col) {
      salesmetrics::detail::for_each_column(full.activities, [&](std::string_view n2, const auto& src) {
        if constexpr (std::is_same_v<std::decay_t<decltype(col)>, std::decay_t<decltype(src)>>)
          if (name == n2) col = src.subspan(b, e - b);
      });
    });
    return v;
  };
  const crm_view s1 = shard(0, 1000), s2 = shard(1000, 2500), s3 = shard(2500, 4000);
  using set = std::tuple<activity_count, unique_contacts, active_days, total_duration_minutes, last_interaction>;
  auto partial = [&]<class... M>(std::tuple<M...>*, const crm_view& v) { return evaluate_partial<M...>(v, group::rep); };
  auto p1 = partial(static_cast<set*>(nullptr), s1), p2 = partial(static_cast<set*>(nullptr), s2), p3 = partial(static_cast<set*>(nullptr), s3);
  auto left = p1;   // (p1 + p2) + p3
  left.merge(p2);
  left.merge(p3);
  auto right = p2;  // p1 + (p2 + p3), through bytes
  right.merge(p3);
  std::string bytes;
  right.save(bytes);
  decltype(right) loaded;
  loaded.load(bytes);
  auto right2 = p1;
  right2.merge(loaded);
  decltype(right) identity;
  right2.merge(identity);
  const auto whole = evaluate<activity_count, unique_contacts, active_days, total_duration_minutes, last_interaction>(full, group::rep);
  const auto a = finish<activity_count, unique_contacts, active_days, total_duration_minutes, last_interaction>(full, group::rep, left);
  const auto b = finish<activity_count, unique_contacts, active_days, total_duration_minutes, last_interaction>(full, group::rep, right2);
  std::ostringstream w, x, y;
  whole.write_csv(w);
  a.write_csv(x);
  b.write_csv(y);
  CHECK(w.str() == x.str());
  CHECK(w.str() == y.str());
  CHECK_THROWS_AS(loaded.load(std::string_view(bytes).substr(0, bytes.size() - 3)), std::invalid_argument);
}

TEST_CASE("results by name, CSV and JSON", "[metrics]") {
  const crm_data d = make_random_crm(9, 300, 40);
  const auto r = evaluate<win_rate, won_amount>(d.view(), group::rep);
  CHECK(r.column("win_rate").size() == r.rows());
  CHECK_THROWS_WITH(r.column("nope"), "result_table: no metric named 'nope' (this result has: win_rate, won_amount)");
  const auto j = r.to_json();
  CHECK(j["keys"][0] == "rep");
  CHECK(j["rows"].size() == r.rows());
  std::ostringstream os;
  r.write_csv(os);
  CHECK(os.str().rfind("rep,win_rate,won_amount\n", 0) == 0);
}

}  // namespace metrics_brute_force_test
