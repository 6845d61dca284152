#include <salesmetrics/metrics/catalog.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <random>

namespace metrics_smoke_test {

using namespace salesmetrics;
using namespace salesmetrics::metrics;

TEST_CASE("hand-computed activity scorecard by rep", "[metrics]") {
  crm_data d;
  auto& a = d.activities;
  // rep 0: email out (t=100), email in (t=200), meeting out 30 min (t=300); rep 1: call in 4.5 min (t=50)
  a.ts = {from_unix(100), from_unix(200), from_unix(300), from_unix(50)};
  a.type = {activity_type::email, activity_type::email, activity_type::meeting, activity_type::phone_call};
  a.direction = {direction::outbound, direction::inbound, direction::outbound, direction::inbound};
  a.rep_id = {0, 0, 0, 1};
  a.duration_min = {0.f, 0.f, 30.f, 4.5f};
  d.dictionaries.reps.encode("Ann");
  d.dictionaries.reps.encode("Bob");
  const auto r = evaluate<activity_count, emails_sent, emails_received, meetings, calls_received, total_duration_minutes,
                          last_interaction>(d.view(), group::rep);
  REQUIRE(r.rows() == 2);
  CHECK(r.key_label(0) == "Ann");
  CHECK(r.column<activity_count>()[0] == 3);
  CHECK(r.column<emails_sent>()[0] == 1);
  CHECK(r.column<emails_received>()[0] == 1);
  CHECK(r.column<meetings>()[0] == 1);
  CHECK(r.column<calls_received>()[1] == 1);
  CHECK(r.column<total_duration_minutes>()[1] == 4.5);
  CHECK(r.column<last_interaction>()[0] == from_unix(300));
  CHECK(r.column("emails_sent")[0] == 1.0);
}

TEST_CASE("win rate, deal size and cycle by rep", "[metrics]") {
  crm_data d;
  d.stages = maven_stages::runtime();
  auto& o = d.opportunities;
  o.opportunity_id = {0, 1, 2, 3};
  o.created_ts = {from_unix(0), from_unix(0), from_unix(0), from_unix(0)};
  o.closed_ts = {from_unix(86400 * 10), from_unix(86400 * 20), from_unix(86400 * 5), no_time};
  o.status = {deal_status::won, deal_status::won, deal_status::lost, deal_status::open};
  o.stage = {2, 2, 3, 1};
  o.amount = {money{100000}, money{300000}, money{0}, money{50000}};
  o.owner_rep_id = {0, 0, 0, 0};
  const auto r = evaluate<win_rate, average_deal_size, median_deal_size, cycle_days_mean, open_amount, won_count>(d.view(), group::rep);
  REQUIRE(r.rows() == 1);
  CHECK(r.column<win_rate>()[0] == Approx(2.0 / 3.0));
  CHECK(r.column<average_deal_size>()[0] == money{200000});
  CHECK(r.column<median_deal_size>()[0] == money{200000});
  CHECK(r.column<cycle_days_mean>()[0] == 15.0);
  CHECK(r.column<open_amount>()[0] == money{50000});
}

TEST_CASE("key labels: each distinct label stored once, from a small or a huge key space", "[metrics]") {
  // Few groups in a 100,000-contact dictionary take the sorted labelling path (the key space is far
  // larger than the groups); the 3 reps take the marked path. Missing contacts label "(none)".
  crm_data d;
  auto& a = d.activities;
  a.ts = {from_unix(10), from_unix(20), from_unix(30), from_unix(40), from_unix(50)};
  a.type = {activity_type::email, activity_type::email, activity_type::meeting, activity_type::phone_call, activity_type::email};
  a.direction = {direction::outbound, direction::inbound, direction::outbound, direction::inbound, direction::outbound};
  a.rep_id = {2, 0, 2, 1, 2};
  a.contact_id = {99'999, 7, 7, no_id, 99'999};
  a.duration_min = {0.f, 0.f, 30.f, 4.f, 0.f};
  d.dictionaries.reps = dictionary({"Ann", "Bob", "Cy"});
  for (int c = 0; c < 100'000; ++c) d.dictionaries.contacts.encode("contact-" + std::to_string(c));
  for (const bool parallel : {false, true}) {
    const auto r = parallel ? evaluate<activity_count>(d.view(), group::by(group::rep, group::contact), {}, par(2, 1))
                            : evaluate<activity_count>(d.view(), group::by(group::rep, group::contact));
    REQUIRE(r.rows() == 4);  // (Ann, 7), (Bob, none), (Cy, 7), (Cy, 99999), in key order
    CHECK(r.key_label(0) == "Ann / contact-7");
    CHECK(r.key_label(1) == "Bob / (none)");
    CHECK(r.key_label(2) == "Cy / contact-7");
    CHECK(r.key_label(3) == "Cy / contact-99999");
    CHECK(r.key_values[1][1] == -1);
    CHECK(r.column<activity_count>()[3] == 2);
    CHECK(r.key_labels[0].distinct() == 3);
    CHECK(r.key_labels[1].distinct() == 3);  // contact-7 once for two groups
    CHECK(r.key_labels[1].size() == 4);
  }
}

TEST_CASE("row filters: a group appears when a row reaches it that one of its metrics reads", "[metrics]") {
  // Four deals expected to close in January (open), February (won), February (open), March (lost).
  crm_data d;
  d.stages = maven_stages::runtime();
  auto& o = d.opportunities;
  const std::int64_t jan = 1704067200, feb = 1706745600, mar = 1709251200;  // 2024-01-01, 02-01, 03-01
  o.opportunity_id = {0, 1, 2, 3};
  o.created_ts = {from_unix(0), from_unix(0), from_unix(0), from_unix(0)};
  o.expected_close_ts = {from_unix(jan + 86400), from_unix(feb + 86400), from_unix(feb + 2 * 86400), from_unix(mar + 86400)};
  o.closed_ts = {no_time, from_unix(feb), no_time, from_unix(mar)};
  o.status = {deal_status::open, deal_status::won, deal_status::open, deal_status::lost};
  o.stage = {1, 2, 1, 3};
  o.amount = {money{100}, money{200}, money{300}, money{400}};
  o.owner_rep_id = {0, 1, 1, 2};
  const auto months = group::period(calendar_period::months());
  // Open pipeline by month: every leaf reads only open deals, so March (a lost deal) is absent.
  const auto open = evaluate<open_count, open_amount, weighted_pipeline<>>(d.view(), months);
  REQUIRE(open.rows() == 2);
  CHECK(open.key_label(0) == "2024-01");
  CHECK(open.key_label(1) == "2024-02");
  CHECK(open.column<open_count>()[1] == 1);
  CHECK(open.column<open_amount>()[1] == money{300});
  // Won deals by rep (closed anchor): only rep 1 won; rep 2's lost deal is read by no leaf here.
  const auto won = evaluate<won_count, won_amount>(d.view(), group::rep);
  REQUIRE(won.rows() == 1);
  CHECK(won.key_values[0][0] == 1);
  // win_rate reads won and lost deals: reps 1 and 2.
  const auto rate = evaluate<win_rate>(d.view(), group::rep);
  REQUIRE(rate.rows() == 2);
  CHECK(rate.column<win_rate>()[0] == 1.0);
  CHECK(rate.column<win_rate>()[1] == 0.0);
  // A leaf without a row filter (created_cohort reads every deal created in the window) keeps
  // every group its rows reach, with zero counts where the filtered leaves read nothing.
  const auto mixed = evaluate<open_count, created_count>(d.view(), group::rep);
  REQUIRE(mixed.rows() == 3);
  CHECK(mixed.column<open_count>()[2] == 0);
}

TEST_CASE("period keys cover every row that counts: snapshot and windowed leaves, half-open windows", "[metrics]") {
  // The engine sizes a period key from the instants' range, clamped to the window for leaves
  // that respect it (not filtered by row: the range may be wider than the rows that count).
  // Recounted by brute force: open deals by month of expected close (snapshot: any window),
  // won deals by month of close, inside the window.
  std::mt19937_64 g(5);
  crm_data d;
  d.stages = maven_stages::runtime();
  auto& o = d.opportunities;
  const std::int64_t t0 = 1600000000, span = 3 * 365 * 86400;
  for (int i = 0; i < 3000; ++i) {
    const auto status = static_cast<deal_status>(g() % 3);
    o.opportunity_id.push_back(i);
    o.created_ts.push_back(from_unix(t0));
    o.expected_close_ts.push_back(from_unix(t0 + static_cast<std::int64_t>(g() % span)));
    o.closed_ts.push_back(status == deal_status::open ? no_time : from_unix(t0 + static_cast<std::int64_t>(g() % span)));
    o.status.push_back(status);
    o.stage.push_back(static_cast<std::int8_t>(status == deal_status::open ? 1 : status == deal_status::won ? 2 : 3));
    o.amount.push_back(money{100});
    o.owner_rep_id.push_back(0);
  }
  const calendar_period months = calendar_period::months();
  const timestamp from = from_unix(t0 + span / 3), to = from_unix(t0 + 2 * span / 3);
  for (const time_window w : {time_window{}, time_window{from, time_window{}.to}, time_window{time_window{}.from, to}, time_window{from, to}}) {
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> brute;  // month -> (open, won)
    for (std::size_t i = 0; i < o.status.size(); ++i) {
      if (o.status[i] == deal_status::open) ++brute[months.index(o.expected_close_ts[i])].first;
      if (o.status[i] == deal_status::won && w.contains(o.closed_ts[i])) ++brute[months.index(o.closed_ts[i])].second;
    }
    evaluate_options opt;
    opt.window = w;
    const auto r = evaluate<open_count, won_count>(d.view(), group::period(months), opt);
    REQUIRE(r.rows() == brute.size());
    std::size_t row = 0;
    for (const auto& [month, n] : brute) {
      CHECK(r.key_values[0][row] == month);
      CHECK(r.column<open_count>()[row] == n.first);
      CHECK(r.column<won_count>()[row] == n.second);
      ++row;
    }
    // Windowed leaves alone: the months of the window's won deals only.
    const auto won = evaluate<won_count>(d.view(), group::period(months), opt);
    row = 0;
    for (const auto& [month, n] : brute) {
      if (n.second == 0) continue;
      REQUIRE(row < won.rows());
      CHECK(won.key_values[0][row] == month);
      CHECK(won.column<won_count>()[row] == n.second);
      ++row;
    }
    CHECK(won.rows() == row);
  }
}

TEST_CASE("a rep x contact key space of 4e10 codes: partitioned in wider blocks, seq and par", "[metrics]") {
  // 200,000 reps x 200,000 contacts: more codes than 2^22 cache-sized blocks cover, so the
  // partitioned path widens its blocks; the groups must still be exact and in key order.
  crm_data d;
  d.dictionaries.reps = dictionary::integers(200000);
  d.dictionaries.contacts = dictionary::integers(200000);
  auto& a = d.activities;
  std::uint64_t x = 12345;
  auto next = [&x] { x = x * 6364136223846793005ULL + 1442695040888963407ULL; return x >> 33; };
  std::map<std::pair<dense_id, dense_id>, std::pair<std::int64_t, std::int64_t>> expected;  // count, e-mails sent
  for (int i = 0; i < 5000; ++i) {
    const auto rep = static_cast<dense_id>(next() % (i % 3 == 0 ? 20 : 200000));  // some pairs repeat
    const auto contact = static_cast<dense_id>(next() % (i % 3 == 0 ? 20 : 200000));
    const bool email_out = next() % 2 == 0;
    a.ts.push_back(from_unix(1000 + i));
    a.type.push_back(email_out ? activity_type::email : activity_type::meeting);
    a.direction.push_back(direction::outbound);
    a.rep_id.push_back(rep);
    a.contact_id.push_back(contact);
    auto& e = expected[{rep, contact}];
    ++e.first;
    e.second += email_out;
  }
  for (const unsigned threads : {1u, 3u}) {
    const auto r = evaluate<activity_count, emails_sent>(d.view(), group::by(group::rep, group::contact), {}, par(threads, 1));
    REQUIRE(r.rows() == expected.size());
    std::size_t row = 0;
    for (const auto& [key, e] : expected) {
      CHECK(r.key_values[0][row] == key.first);
      CHECK(r.key_values[1][row] == key.second);
      CHECK(r.column<activity_count>()[row] == e.first);
      CHECK(r.column<emails_sent>()[row] == e.second);
      ++row;
    }
  }
}

}  // namespace metrics_smoke_test
