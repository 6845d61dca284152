// Tests of funnel/funnel_view.hpp: hand example, brute-force per-opportunity recount on random
// histories, the reach identity, rates of the funnel table, cohorts and groups.
#include <salesmetrics/funnel/funnel_view.hpp>

#include "funnel_test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>
#include <vector>

namespace funnel_view_test {

namespace fn = salesmetrics::funnel;
using salesmetrics::calendar_period;

namespace {

constexpr std::int64_t day = 86400;

struct brute_funnel {
  std::vector<std::int64_t> entered, reached, lost_at, open_at;
  std::int64_t opportunities = 0, won = 0, lost = 0, open = 0, lost_none = 0;
};

// key(opportunity, first ts) -> bucket; -1 skips.
template <class Key>
std::map<std::int64_t, brute_funnel> brute(const funnel_test::history_store& h, const fn::stage_layout& L, Key key) {
  std::map<int, std::vector<std::size_t>> by_opp;
  for (std::size_t i = 0; i < h.opportunity_id.size(); ++i) by_opp[h.opportunity_id[i]].push_back(i);
  const auto& tr = L.transient_stages();
  const std::size_t T = tr.size();
  std::map<std::int64_t, brute_funnel> out;
  for (const auto& [o, rows] : by_opp) {
    const std::int64_t k = key(o, h.ts[rows.front()]);
    if (k == -1) continue;
    auto [it, added] = out.try_emplace(k);
    brute_funnel& b = it->second;
    if (added) {
      b.entered.assign(L.size(), 0);
      b.reached.assign(T + 1, 0);
      b.lost_at.assign(T, 0);
      b.open_at.assign(T, 0);
    }
    std::set<int> visited;
    if (h.from_stage[rows.front()] >= 0) visited.insert(h.from_stage[rows.front()]);
    for (std::size_t r : rows) visited.insert(h.to_stage[r]);
    const int outcome = h.to_stage[rows.back()];
    int furthest = -1;
    for (std::size_t p = 0; p < T; ++p)
      if (visited.count(tr[p])) furthest = static_cast<int>(p);
    ++b.opportunities;
    for (int s : visited) ++b.entered[static_cast<std::size_t>(s)];
    if (outcome == L.won()) ++b.won;
    else if (outcome == L.lost()) {
      ++b.lost;
      if (furthest < 0) ++b.lost_none;
      else ++b.lost_at[static_cast<std::size_t>(furthest)];
    } else {
      ++b.open;
      ++b.open_at[static_cast<std::size_t>(furthest)];
    }
    for (std::size_t l = 0; l < T; ++l)
      if (outcome == L.won() || furthest >= static_cast<int>(l)) ++b.reached[l];
    if (outcome == L.won()) ++b.reached[T];
  }
  return out;
}

double ratio(std::int64_t a, std::int64_t b) { return b == 0 ? std::nan("") : static_cast<double>(a) / static_cast<double>(b); }

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == Approx(b).epsilon(1e-14); }

void compare(const fn::funnel_counts& c, const brute_funnel& b) {
  CHECK(c.entered == b.entered);
  CHECK(c.reached == b.reached);
  CHECK(c.lost_at == b.lost_at);
  CHECK(c.open_at == b.open_at);
  CHECK(c.opportunities == b.opportunities);
  CHECK(c.won == b.won);
  CHECK(c.lost == b.lost);
  CHECK(c.open == b.open);
  CHECK(c.lost_without_open_stage == b.lost_none);
  // Rates, recomputed from the brute counts.
  const fn::funnel_table t = fn::make_funnel_table(c);
  const std::size_t T = b.lost_at.size();
  int worst = -1, worst_rate = -1;
  std::int64_t most = 0;
  double most_rate = -1;
  for (std::size_t l = 0; l <= T; ++l) CHECK(same(t.cumulative[l], ratio(b.reached[l], b.reached[0])));
  for (std::size_t l = 0; l < T; ++l) {
    CHECK(same(t.conversion[l], ratio(b.reached[l + 1], b.reached[l])));
    CHECK(same(t.drop_off_rate[l], ratio(b.lost_at[l], b.reached[l])));
    CHECK(t.drop_off[l] == b.lost_at[l]);
    if (b.lost_at[l] > most) most = b.lost_at[l], worst = c.level_stage[l];
    const double r = ratio(b.lost_at[l], b.reached[l]);
    if (b.lost_at[l] > 0 && r > most_rate) most_rate = r, worst_rate = c.level_stage[l];
    // The reach identity.
    CHECK(b.reached[l] == b.reached[l + 1] + b.lost_at[l] + b.open_at[l]);
  }
  CHECK(t.worst_stage == worst);
  CHECK(t.worst_stage_by_rate == worst_rate);
}

}  // namespace

TEST_CASE("funnel of a hand-built history", "[funnel][view]") {
  const fn::stage_layout L = fn::stage_layout::numbered(3);  // 0,1,2 open; 3 won; 4 lost
  funnel_test::history_store h;
  h.add(1, 0 * day, -1, 0);
  h.add(1, 2 * day, 0, 1);
  h.add(1, 5 * day, 1, 3);  // won, skipped stage 2
  h.add(2, 1 * day, -1, 0);
  h.add(2, 2 * day, 0, 2);
  h.add(2, 4 * day, 2, 1);
  h.add(2, 10 * day, 1, 4);  // lost, furthest stage 2
  h.add(4, 0 * day, 0, 1);
  h.add(4, 1 * day, 1, 1);   // open in 1
  const fn::funnel_counts c = fn::count_funnel(h.view(), L);
  CHECK(c.entered == std::vector<std::int64_t>{3, 3, 1, 1, 1});
  CHECK(c.reached == std::vector<std::int64_t>{3, 3, 2, 1});
  CHECK(c.lost_at == std::vector<std::int64_t>{0, 0, 1});
  CHECK(c.open_at == std::vector<std::int64_t>{0, 1, 0});
  CHECK(c.level_stage == std::vector<int>{0, 1, 2, 3});
  const fn::funnel_table t = fn::make_funnel_table(c);
  CHECK(t.conversion[0] == 1.0);
  CHECK(t.conversion[1] == Approx(2.0 / 3));
  CHECK(t.conversion[2] == 0.5);
  CHECK(t.cumulative[3] == Approx(1.0 / 3));
  CHECK(t.drop_off_rate[2] == 0.5);
  CHECK(t.worst_stage == 2);
  CHECK(t.worst_stage_by_rate == 2);
  CHECK(t.conversion_ci[0].lower == Approx(fn::wilson_interval(3, 3).lower));
}

TEST_CASE("an empty funnel has NaN rates and no worst stage", "[funnel][view]") {
  const fn::stage_layout L = fn::stage_layout::numbered(2);
  const fn::funnel_counts c = fn::count_funnel(funnel_test::history_store{}.view(), L);
  const fn::funnel_table t = fn::make_funnel_table(c);
  CHECK(c.opportunities == 0);
  CHECK(std::isnan(t.conversion[0]));
  CHECK(std::isnan(t.cumulative[0]));
  CHECK(std::isnan(t.conversion_ci[1].upper));
  CHECK(t.worst_stage == -1);
  CHECK(t.worst_stage_by_rate == -1);
}

TEST_CASE("funnel counts agree with a brute-force recount on random histories", "[funnel][view]") {
  const std::vector<fn::stage_layout> layouts{fn::stage_layout::numbered(5), fn::stage_layout({"a", "won", "b", "c", "lost", "d"}, 1, 4)};
  for (std::size_t li = 0; li < layouts.size(); ++li)
    for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
      const auto& L = layouts[li];
      const auto h = funnel_test::random_history(L, seed + 100 * li, {900, 1, 0.85, 0.1, 0.1, true});
      INFO("layout " << li << " seed " << seed);
      const auto b = brute(h, L, [](int, salesmetrics::timestamp) { return std::int64_t{0}; });
      compare(fn::count_funnel(h.view(), L), b.at(0));
    }
}

TEST_CASE("per-group funnels in one pass equal each group's brute-force funnel", "[funnel][view]") {
  const fn::stage_layout L = fn::stage_layout::numbered(4);
  for (std::uint64_t seed : {5u, 6u}) {
    const auto h = funnel_test::random_history(L, seed, {1200, 6, 0.9, 0.05, 0.1, true});
    const auto groups = fn::funnel_by_group(h.view(), L, h.group_of, 6);
    const auto b = brute(h, L, [&](int o, salesmetrics::timestamp) { return std::int64_t{h.group_of[static_cast<std::size_t>(o)]}; });
    for (std::int64_t g = 0; g < 6; ++g) {
      INFO("seed " << seed << " group " << g);
      if (b.count(g)) compare(groups[static_cast<std::size_t>(g)], b.at(g));
      else CHECK(groups[static_cast<std::size_t>(g)].opportunities == 0);
    }
    std::vector<salesmetrics::dense_id> short_groups(3, 0);
    CHECK_THROWS_WITH(fn::funnel_by_group(h.view(), L, short_groups, 6), Catch::Contains("no entry in group_of"));
    CHECK_THROWS_WITH(fn::funnel_by_group(h.view(), L, h.group_of, 2), Catch::Contains("not below group_count 2"));
  }
}

TEST_CASE("cohort funnels by created month and ISO week equal the brute force", "[funnel][view]") {
  const fn::stage_layout L = fn::stage_layout::numbered(3);
  const auto h = funnel_test::random_history(L, 77, {1500, 1, 0.9, 0.05, 0.1, true});
  for (const calendar_period per : {calendar_period::months(), calendar_period::iso_weeks(), calendar_period::fiscal_quarters(4)}) {
    const auto cohorts = fn::funnel_by_cohort(h.view(), L, per);
    const auto b = brute(h, L, [&](int, salesmetrics::timestamp t) { return per.index(t); });
    REQUIRE(cohorts.size() == b.size());
    std::size_t i = 0;
    for (const auto& [k, bf] : b) {
      CHECK(cohorts[i].period == k);  // ascending
      compare(cohorts[i].counts, bf);
      ++i;
    }
  }
}

TEST_CASE("funnel passes reject bad histories", "[funnel][view]") {
  const fn::stage_layout L = fn::stage_layout::numbered(2);
  funnel_test::history_store h;
  h.add(3, 0, -1, 0);
  h.add(3, day, 1, 2);  // does not chain (previous went to 0)
  CHECK_THROWS_WITH(fn::count_funnel(h.view(), L), Catch::Contains("row 1") && Catch::Contains("does not chain"));
  h.from_stage[1] = 0;
  h.add(2, 0, -1, 0);
  CHECK_THROWS_WITH(fn::count_funnel(h.view(), L), Catch::Contains("row 2") && Catch::Contains("not sorted"));
}

TEST_CASE("snapshot funnel equals the funnel of the history the assumption implies", "[funnel][view][snapshots]") {
  const fn::stage_layout L = fn::stage_layout::numbered(4);  // open 0..3, won 4, lost 5
  for (std::uint64_t seed : {8u, 9u, 10u}) {
    funnel_test::rng r(seed);
    std::vector<std::int8_t> stage;
    std::vector<salesmetrics::deal_status> status;
    funnel_test::history_store h;
    for (int i = 0; i < 700; ++i) {
      const auto st = static_cast<salesmetrics::deal_status>(r.below(3));
      int s = static_cast<int>(r.below(4));
      if (st != salesmetrics::deal_status::open && r.uniform() < 0.5) s = st == salesmetrics::deal_status::won ? 4 : 5;
      stage.push_back(static_cast<std::int8_t>(s));
      status.push_back(st);
      const int last = s >= 4 ? 2 : s;  // closed_last_stage = 2 below
      std::int64_t t = 0;
      h.add(i, t, -1, 0);
      for (int k = 0; k < last; ++k) h.add(i, ++t, k, k + 1);
      if (st != salesmetrics::deal_status::open) h.add(i, ++t, last, st == salesmetrics::deal_status::won ? 4 : 5);
    }
    fn::snapshot_options o;
    o.closed_last_stage = 2;
    const fn::funnel_counts a = fn::count_funnel_from_snapshots({stage, status, {}, {}}, L, o);
    const fn::funnel_counts b = fn::count_funnel(h.view(), L);
    CHECK(a.entered == b.entered);
    CHECK(a.reached == b.reached);
    CHECK(a.lost_at == b.lost_at);
    CHECK(a.open_at == b.open_at);
    CHECK(a.won == b.won);
    CHECK(a.opportunities == b.opportunities);
  }
  std::vector<std::int8_t> st{5};
  std::vector<salesmetrics::deal_status> ss{salesmetrics::deal_status::won};
  CHECK_THROWS_WITH(fn::count_funnel_from_snapshots({st, ss, {}, {}}, L), Catch::Contains("status won but stage is the lost stage"));
}

}  // namespace funnel_view_test
