// Hot states (metric.hpp, metrics/hot_state.hpp): leaves whose narrow working state overflows
// after a few rows must still give exact totals on every path of the engine (dense slots, hash,
// partitioned blocks, accumulation in pieces), sequential and parallel, because the engine
// folds them into the full states before they can overflow. Checked against a brute force.
// par(n, 1): n threads even on these few rows (par(n) would take one thread per 2^17 rows).
#include <salesmetrics/metrics/catalog.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <utility>
#include <vector>

namespace metrics_hot_state_test {

using namespace salesmetrics;
using namespace salesmetrics::metrics;

namespace {

bool is_completed(const activity_view& v, std::size_t i) { return v.status.empty() || v.status[i] == activity_status::completed; }

/// Completed rows per type, counted in uint8 while the pass runs: at most 255 rows per fold.
struct byte_type_counts {
  static constexpr std::string_view name = "byte_type_counts";
  using table = activities_table;
  using state = std::array<std::int64_t, 8>;
  using hot_state = std::array<std::uint8_t, 8>;
  static constexpr std::uint64_t hot_rows = 255;
  using result_type = state;
  template <class S>
  static void update(S& s, const activity_view& v, std::size_t i, const eval_context&) noexcept {
    s[static_cast<std::size_t>(v.type[i]) & 7] += is_completed(v, i);
  }
  static void fold(state& s, const hot_state& h) noexcept {
    for (std::size_t k = 0; k < s.size(); ++k) s[k] += h[k];
  }
  static void merge(state& a, const state& b) noexcept {
    for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
  }
  static result_type result(const state& s, const eval_context&) noexcept { return s; }
};
struct byte_meetings : depends_on<byte_type_counts> {
  static constexpr std::string_view name = "byte_meetings";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const eval_context&) {
    return r.template get<byte_type_counts>()[static_cast<std::size_t>(activity_type::meeting)];
  }
};

/// Sum of contact_id % 37 (0..36 a row) in a uint8: at most 6 rows per fold (6 x 36 = 216), so
/// a set with it folds every 6 rows.
struct byte_contact_sum {
  static constexpr std::string_view name = "byte_contact_sum";
  using table = activities_table;
  using state = std::int64_t;
  using hot_state = std::uint8_t;
  static constexpr std::uint64_t hot_rows = 6;
  using result_type = std::int64_t;
  template <class S>
  static void update(S& s, const activity_view& v, std::size_t i, const eval_context&) noexcept {
    s = static_cast<S>(s + (v.contact_id[i] >= 0 ? v.contact_id[i] % 37 : 0));
  }
  static void fold(state& s, const hot_state& h) noexcept { s += h; }
  static void merge(state& a, const state& b) noexcept { a += b; }
  static result_type result(const state& s, const eval_context&) noexcept { return s; }
};

struct expected_group {
  std::int64_t meetings = 0, contact_sum = 0, emails_sent = 0;
  std::set<std::int64_t> days;
};
// (rep, contact), in the engine's order: no contact sorts last; contact -1 when grouping by rep.
using key = std::pair<std::int64_t, std::int64_t>;
constexpr std::int64_t no_contact = std::numeric_limits<std::int64_t>::max();

/// Few reps and contacts, so that every group gets far more rows than its hot states take.
crm_data make_data(std::uint32_t seed, std::size_t n, std::size_t rep_dictionary, std::size_t contact_dictionary) {
  std::mt19937 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  crm_data d;
  d.dictionaries.reps = dictionary::integers(rep_dictionary);
  d.dictionaries.contacts = dictionary::integers(contact_dictionary);
  auto& a = d.activities;
  for (std::size_t i = 0; i < n; ++i) {
    a.ts.push_back(from_unix(1700000000 + static_cast<std::int64_t>(i) * 600));  // in ts order
    a.type.push_back(static_cast<activity_type>(uni(0, 2)));
    a.direction.push_back(static_cast<direction>(uni(0, 1)));
    a.rep_id.push_back(uni(0, 4));
    a.contact_id.push_back(uni(0, 19) == 0 ? no_id : uni(0, 5) * 31 + 3);
    a.status.push_back(uni(0, 9) == 0 ? activity_status::scheduled : activity_status::completed);
  }
  return d;
}

std::map<key, expected_group> brute_force(const crm_data& d, bool by_contact, time_window w = {}) {
  std::map<key, expected_group> out;
  const auto& a = d.activities;
  for (std::size_t i = 0; i < a.ts.size(); ++i) {
    if (!w.contains(a.ts[i])) continue;
    auto& e = out[{a.rep_id[i], !by_contact ? -1 : a.contact_id[i] < 0 ? no_contact : a.contact_id[i]}];
    const bool done = a.status[i] == activity_status::completed;
    e.meetings += done && a.type[i] == activity_type::meeting;
    e.contact_sum += a.contact_id[i] >= 0 ? a.contact_id[i] % 37 : 0;
    e.emails_sent += done && a.type[i] == activity_type::email && a.direction[i] == direction::outbound;
    if (done) e.days.insert(unix_day(a.ts[i]));
  }
  return out;
}

template <class Table>
void check_table(const Table& r, const std::map<key, expected_group>& expected, bool by_contact) {
  REQUIRE(r.rows() == expected.size());
  std::size_t row = 0;
  for (const auto& [k, e] : expected) {
    INFO("rep " << k.first << " contact " << k.second);
    CHECK(r.key_values[0][row] == k.first);
    if (by_contact) CHECK(r.key_values[1][row] == (k.second == no_contact ? -1 : k.second));
    CHECK(r.template column<byte_meetings>()[row] == e.meetings);
    CHECK(r.template column<byte_contact_sum>()[row] == e.contact_sum);
    CHECK(r.template column<emails_sent>()[row] == e.emails_sent);
    CHECK(r.template column<active_days>()[row] == static_cast<std::int64_t>(e.days.size()));
    ++row;
  }
}

}  // namespace

TEST_CASE("hot states that overflow every few rows give exact totals on the dense, hash and partitioned paths", "[metrics]") {
  for (const std::uint32_t seed : {1u, 2u}) {
    // Dense slots: 5 reps, about 1,200 rows each (byte_type_counts alone would overflow 4 times).
    {
      const crm_data d = make_data(seed, 6000, 5, 200);
      const auto expected = brute_force(d, false);
      REQUIRE(expected.begin()->second.meetings > 255);
      for (const unsigned threads : {1u, 2u, 3u}) {
        INFO("dense, seed " << seed << ", threads " << threads);
        check_table(evaluate<byte_meetings, byte_contact_sum, emails_sent, active_days>(d.view(), group::rep, {}, par(threads, 1)),
                    expected, false);
      }
      // A bounded window: its rows only (the window test sits inside the folded pieces).
      const time_window w{from_unix(1700000000 + 600 * 1001), from_unix(1700000000 + 600 * 4999)};
      INFO("dense, windowed, seed " << seed);
      check_table(evaluate<byte_meetings, byte_contact_sum, emails_sent, active_days>(d.view(), group::rep, {.window = w}),
                  brute_force(d, false, w), false);
    }
    // Partitioned blocks: 200,000 x 200,000 codes, 30 (rep, contact) groups of ~200 rows.
    {
      const crm_data d = make_data(seed, 6000, 200000, 200000);
      const auto expected = brute_force(d, true);
      const auto g = group::by(group::rep, group::contact);
      for (const unsigned threads : {1u, 2u}) {
        INFO("partitioned, seed " << seed << ", threads " << threads);
        check_table(evaluate<byte_meetings, byte_contact_sum, emails_sent, active_days>(d.view(), g, {}, par(threads, 1)), expected, true);
        // The partial path (run_partitioned) and then finish.
        const auto p = evaluate_partial<byte_meetings, byte_contact_sum, emails_sent, active_days>(d.view(), g, {}, par(threads, 1));
        check_table(finish<byte_meetings, byte_contact_sum, emails_sent, active_days>(d.view(), g, p), expected, true);
      }
    }
    // Hash slots: a key space of a million reps and leaves of two tables (so not partitioned).
    {
      crm_data d = make_data(seed, 6000, 1000000, 200);
      d.opportunities.opportunity_id = {0};
      d.opportunities.owner_rep_id = {2};
      d.opportunities.status = {deal_status::won};
      d.opportunities.created_ts = {from_unix(1700000000)};
      d.opportunities.closed_ts = {from_unix(1700086400)};
      d.opportunities.stage = {0};
      d.opportunities.amount = {money{100}};
      const auto expected = brute_force(d, false);
      for (const unsigned threads : {1u, 2u}) {
        INFO("hash, seed " << seed << ", threads " << threads);
        const auto r = evaluate<byte_meetings, byte_contact_sum, emails_sent, active_days, won_count>(d.view(), group::rep, {}, par(threads, 1));
        check_table(r, expected, false);
        CHECK(r.column<won_count>()[2] == 1);
      }
    }
  }
}

TEST_CASE("hot states accumulated in many small pieces fold across the pieces", "[metrics]") {
  const crm_data d = make_data(7, 5000, 5, 200);
  using set = metric_set<byte_meetings, byte_contact_sum, emails_sent, active_days>;
  using engine_type = metrics::detail::engine_for<set, group::composite<group::rep_key>>::type;
  const crm_view v = d.view();
  engine_type e(v, metrics::detail::as_composite<group::rep_key>::make(group::rep), {});
  auto acc = e.start(v);
  // Pieces of 4 rows (fewer than byte_contact_sum's 6): the row count must carry across calls.
  for (std::size_t b = 0; b < 5000; b += 4) e.accumulate_activity_rows(acc, b, std::min<std::size_t>(b + 4, 5000), engine_type::every_row{});
  const auto p = e.take(acc);
  const auto expected = brute_force(d, false);
  REQUIRE(p.keys.size() == expected.size());
  std::size_t g = 0;
  for (const auto& [k, x] : expected) {
    CHECK(p.keys[g][0] == k.first);
    CHECK(std::get<0>(p.states[g])[static_cast<std::size_t>(activity_type::meeting)] == x.meetings);
    ++g;
  }
  check_table(e.template finish<byte_meetings, byte_contact_sum, emails_sent, active_days>(p), expected, false);
}

TEST_CASE("type and direction counts: rows of invalid codes count in no valid cell", "[metrics]") {
  crm_data d;
  auto& a = d.activities;
  // rep 0: e-mail out, e-mail with direction code 2, type code 7 inbound, meeting out
  a.ts = {from_unix(10), from_unix(20), from_unix(30), from_unix(40)};
  a.type = {activity_type::email, activity_type::email, static_cast<activity_type>(7), activity_type::meeting};
  a.direction = {direction::outbound, static_cast<direction>(2), direction::inbound, direction::outbound};
  a.rep_id = {0, 0, 0, 0};
  const auto r = evaluate<activity_count, emails_sent, emails_received, meetings_ours, meetings_theirs, calls>(d.view(), group::rep);
  REQUIRE(r.rows() == 1);
  CHECK(r.column<activity_count>()[0] == 2);  // the two valid rows
  CHECK(r.column<emails_sent>()[0] == 1);
  CHECK(r.column<emails_received>()[0] == 0);
  CHECK(r.column<meetings_ours>()[0] == 1);   // (email, 2) would be cell 2 = meeting outbound
  CHECK(r.column<meetings_theirs>()[0] == 0);
  CHECK(r.column<calls>()[0] == 0);
  const auto p = evaluate_partial<type_direction_counts>(d.view(), group::rep);
  CHECK(std::get<0>(p.states[0])[10] == 2);   // the invalid rows' own cell
}

}  // namespace metrics_hot_state_test
