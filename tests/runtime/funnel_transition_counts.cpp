// Tests of funnel/transition_counts.hpp: a hand-computed history, a brute-force recount on random
// histories (several seeds), grouped fits against filtered fits, input errors, and the snapshot
// fit (hand example and agreement with the equivalent synthetic history).
#include <salesmetrics/funnel/funnel_view.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>

#include "funnel_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace funnel_transition_counts_test {

namespace fn = salesmetrics::funnel;
using salesmetrics::deal_status;
using salesmetrics::from_unix;
using salesmetrics::timestamp;

namespace {

constexpr std::int64_t day = 86400;

struct brute_fit {
  std::map<std::pair<int, int>, std::int64_t> counts;
  std::vector<std::int64_t> starts, censored, entered;
  std::vector<std::vector<std::int64_t>> samples;
  std::int64_t rows = 0, opportunities = 0, creations = 0, transitions = 0, skips = 0, backward = 0, self = 0, reopened = 0;
};

int brute_position(const fn::stage_layout& L, int s) {
  int p = 0;
  for (int k = 0; k < static_cast<int>(L.size()); ++k) {
    if (k == L.won() || k == L.lost()) continue;
    if (k == s) return p;
    ++p;
  }
  return -1;
}

// Groups the rows by opportunity with a map, then walks each opportunity's rows.
brute_fit brute(const funnel_test::history_store& h, const fn::stage_layout& L, int only_group = -2) {
  const auto S = L.size();
  brute_fit b;
  b.starts.assign(S, 0);
  b.censored.assign(S, 0);
  b.entered.assign(S, 0);
  b.samples.assign(S, {});
  std::map<int, std::vector<std::size_t>> by_opp;
  for (std::size_t i = 0; i < h.opportunity_id.size(); ++i) by_opp[h.opportunity_id[i]].push_back(i);
  for (const auto& [o, rows] : by_opp) {
    if (only_group != -2 && h.group_of[static_cast<std::size_t>(o)] != only_group) continue;
    ++b.opportunities;
    for (std::size_t j = 0; j < rows.size(); ++j) {
      const std::size_t r = rows[j];
      const int f = h.from_stage[r], t = h.to_stage[r];
      ++b.rows;
      if (j == 0) {
        if (f < 0) {
          ++b.starts[static_cast<std::size_t>(t)];
          ++b.creations;
        } else {
          ++b.starts[static_cast<std::size_t>(f)];
        }
      }
      if (f < 0) continue;
      ++b.counts[{f, t}];
      ++b.transitions;
      const int pf = brute_position(L, f), pt = brute_position(L, t);
      if (pf < 0) ++b.reopened;
      else if (f == t) ++b.self;
      else if (pt >= 0 && pt > pf + 1) ++b.skips;
      else if (pt >= 0 && pt < pf) ++b.backward;
      if (j > 0) b.samples[static_cast<std::size_t>(f)].push_back(salesmetrics::to_unix(h.ts[r]) - salesmetrics::to_unix(h.ts[rows[j - 1]]));
    }
    const int last = h.to_stage[rows.back()];
    if (!L.is_absorbing(last)) ++b.censored[static_cast<std::size_t>(last)];
    std::vector<bool> in(S, false);
    if (h.from_stage[rows.front()] >= 0) in[static_cast<std::size_t>(h.from_stage[rows.front()])] = true;
    for (std::size_t r : rows) in[static_cast<std::size_t>(h.to_stage[r])] = true;
    for (std::size_t k = 0; k < S; ++k) b.entered[k] += in[k];
  }
  return b;
}

double brute_median_days(std::vector<std::int64_t> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size();
  const double med = m % 2 ? static_cast<double>(v[m / 2]) : (static_cast<double>(v[m / 2 - 1]) + static_cast<double>(v[m / 2])) / 2;
  return med / day;
}

void compare(const fn::transition_fit& f, const brute_fit& b, const fn::stage_layout& L, bool medians) {
  const int S = static_cast<int>(L.size());
  for (int i = 0; i < S; ++i)
    for (int j = 0; j < S; ++j) {
      const auto it = b.counts.find({i, j});
      CHECK(f.counts(i, j) == (it == b.counts.end() ? 0 : it->second));
    }
  for (int k = 0; k < S; ++k) {
    CHECK(f.starts(k) == b.starts[static_cast<std::size_t>(k)]);
    CHECK(f.censored(k) == b.censored[static_cast<std::size_t>(k)]);
    CHECK(f.entered(k) == b.entered[static_cast<std::size_t>(k)]);
    const auto& smp = b.samples[static_cast<std::size_t>(k)];
    CHECK(f.dwell_count(k) == static_cast<std::int64_t>(smp.size()));
    if (smp.empty()) {
      CHECK(std::isnan(f.dwell_mean_days(k)));
      CHECK(std::isnan(f.dwell_median_days(k)));
    } else {
      double s = 0;
      for (auto x : smp) s += static_cast<double>(x);
      CHECK(f.dwell_mean_days(k) == Approx(s / static_cast<double>(smp.size()) / day).epsilon(1e-12));
      if (medians) CHECK(f.dwell_median_days(k) == brute_median_days(smp));
      else CHECK(std::isnan(f.dwell_median_days(k)));
    }
    // Probability rows: data rows normalised; conventions for absorbing and exit-less rows.
    std::int64_t exits = 0;
    for (int j = 0; j < S; ++j) {
      const auto it = b.counts.find({k, j});
      exits += it == b.counts.end() ? 0 : it->second;
    }
    CHECK(f.exits(k) == exits);
    for (int j = 0; j < S; ++j) {
      const auto it = b.counts.find({k, j});
      const double c = it == b.counts.end() ? 0.0 : static_cast<double>(it->second);
      const double expect = (L.is_absorbing(k) || exits == 0) ? (j == k ? 1.0 : 0.0) : c / static_cast<double>(exits);
      CHECK(f.probabilities(k, j) == Approx(expect).epsilon(1e-15));
    }
  }
  CHECK(f.rows == b.rows);
  CHECK(f.opportunities == b.opportunities);
  CHECK(f.creations == b.creations);
  CHECK(f.transitions == b.transitions);
  CHECK(f.skips == b.skips);
  CHECK(f.backward_moves == b.backward);
  CHECK(f.self_loops == b.self);
  CHECK(f.reopened == b.reopened);
}

}  // namespace

TEST_CASE("transition counts of a hand-built history", "[funnel][transitions]") {
  // Stages 0,1,2 open; 3 won; 4 lost.
  const fn::stage_layout L = fn::stage_layout::numbered(3);
  funnel_test::history_store h;
  h.add(1, 0 * day, -1, 0);
  h.add(1, 2 * day, 0, 1);
  h.add(1, 5 * day, 1, 3);
  h.add(2, 1 * day, -1, 0);
  h.add(2, 2 * day, 0, 2);   // skip
  h.add(2, 4 * day, 2, 1);   // backward
  h.add(2, 10 * day, 1, 4);  // lost
  h.add(4, 0 * day, 0, 1);   // no creation row
  h.add(4, 1 * day, 1, 1);   // self-move, then still open in 1
  const fn::transition_fit f = fn::fit_transitions(h.view(), L);
  fn::count_matrix expect = fn::count_matrix::Zero(5, 5);
  expect(0, 1) = 2;
  expect(1, 3) = 1;
  expect(0, 2) = 1;
  expect(2, 1) = 1;
  expect(1, 4) = 1;
  expect(1, 1) = 1;
  CHECK(f.counts == expect);
  CHECK(f.starts(0) == 3);
  CHECK(f.starts.sum() == 3);
  CHECK(f.censored(1) == 1);
  CHECK(f.censored.sum() == 1);
  CHECK(f.probabilities(0, 1) == Approx(2.0 / 3));
  CHECK(f.probabilities(0, 2) == Approx(1.0 / 3));
  CHECK(f.probabilities(1, 1) == Approx(1.0 / 3));
  CHECK(f.probabilities(1, 3) == Approx(1.0 / 3));
  CHECK(f.probabilities(2, 1) == 1.0);
  CHECK(f.probabilities(3, 3) == 1.0);  // absorbing
  CHECK(f.probabilities(4, 4) == 1.0);
  CHECK(f.dwell_mean_days(0) == Approx(1.5));
  CHECK(f.dwell_median_days(0) == Approx(1.5));
  CHECK(f.dwell_mean_days(1) == Approx(10.0 / 3));
  CHECK(f.dwell_median_days(1) == Approx(3.0));
  CHECK(f.dwell_mean_days(2) == Approx(2.0));
  CHECK(f.dwell_count(1) == 3);
  CHECK(f.opportunities == 3);
  CHECK(f.rows == 9);
  CHECK(f.transitions == 7);
  CHECK(f.creations == 2);
  CHECK(f.skips == 1);
  CHECK(f.backward_moves == 1);
  CHECK(f.self_loops == 1);
  CHECK(f.reopened == 0);
  CHECK(f.has_exits(2));
}

TEST_CASE("a stage never left gets the 'stays' row; empty history gives zeros and NaN dwell", "[funnel][transitions]") {
  const fn::stage_layout L = fn::stage_layout::numbered(2);
  funnel_test::history_store h;
  h.add(0, 0, -1, 0);
  h.add(0, day, 0, 1);  // 1 is never left
  const fn::transition_fit f = fn::fit_transitions(h.view(), L);
  CHECK_FALSE(f.has_exits(1));
  CHECK(f.probabilities(1, 1) == 1.0);
  CHECK(f.probabilities.row(1).sum() == 1.0);
  const fn::transition_fit e = fn::fit_transitions(funnel_test::history_store{}.view(), L);
  CHECK(e.counts.sum() == 0);
  CHECK(e.opportunities == 0);
  CHECK(std::isnan(e.dwell_mean_days(0)));
  CHECK(e.probabilities == Eigen::MatrixXd::Identity(4, 4));
}

TEST_CASE("transition counts agree with a brute-force recount on random histories", "[funnel][transitions]") {
  // numbered(15): 17 stages, more than the per-id visited sets hold, so the fit keeps one
  // record per opportunity instead.
  const std::vector<fn::stage_layout> layouts{fn::stage_layout::numbered(5), fn::stage_layout({"a", "won", "b", "c", "lost", "d"}, 1, 4),
                                              fn::stage_layout::numbered(1), fn::stage_layout::numbered(15)};
  for (std::size_t li = 0; li < layouts.size(); ++li)
    for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
      const fn::stage_layout& L = layouts[li];
      const auto h = funnel_test::random_history(L, seed * 31 + li, {800, 1, 0.85, 0.1, 0.08, true});
      INFO("layout " << li << " seed " << seed);
      const fn::transition_fit fit = fn::fit_transitions(h.view(), L);
      compare(fit, brute(h, L), L, true);
      fn::transition_options no_median;
      no_median.median = false;
      compare(fn::fit_transitions(h.view(), L, no_median), brute(h, L), L, false);
      // entered is the funnel's per-stage count of count_funnel, from the fit's own pass
      const fn::funnel_counts funnel = fn::count_funnel(h.view(), L);
      for (std::size_t k = 0; k < L.size(); ++k) CHECK(fit.entered(static_cast<Eigen::Index>(k)) == funnel.entered[k]);
    }
}

TEST_CASE("sparse opportunity ids give the same fit as dense ones", "[funnel][transitions]") {
  // Ids far apart leave the per-id visited sets for the per-opportunity records: same results.
  const fn::stage_layout L = fn::stage_layout::numbered(4);
  for (std::uint64_t seed : {11u, 12u}) {
    const auto h = funnel_test::random_history(L, seed, {700, 3, 0.8, 0.1, 0.08, true});
    auto sparse = h;
    for (auto& id : sparse.opportunity_id) id *= 5000;
    std::vector<salesmetrics::dense_id> sparse_groups(h.group_of.size() * 5000, salesmetrics::no_id);
    for (std::size_t id = 0; id < h.group_of.size(); ++id) sparse_groups[id * 5000] = h.group_of[id];
    INFO("seed " << seed);
    compare(fn::fit_transitions(sparse.view(), L), brute(h, L), L, true);
    const auto fits = fn::fit_transitions_by_group(sparse.view(), L, sparse_groups, 3);
    for (std::size_t g = 0; g < 3; ++g) compare(fits[g], brute(h, L, static_cast<int>(g)), L, true);
  }
}

TEST_CASE("counts-only fits read no ts: the same counts, no dwell", "[funnel][transitions]") {
  const fn::stage_layout L = fn::stage_layout::numbered(5);
  auto h = funnel_test::random_history(L, 21, {900, 4, 0.85, 0.1, 0.08, true});
  fn::transition_options counts_only;
  counts_only.dwell = false;
  const fn::transition_fit full = fn::fit_transitions(h.view(), L), counts = fn::fit_transitions(h.view(), L, counts_only);
  CHECK(counts.counts == full.counts);
  CHECK(counts.starts == full.starts);
  CHECK(counts.censored == full.censored);
  CHECK(counts.entered == full.entered);
  CHECK(counts.dwell_count == full.dwell_count);
  CHECK(counts.opportunities == full.opportunities);
  for (Eigen::Index k = 0; k < counts.dwell_mean_days.size(); ++k) {
    CHECK(std::isnan(counts.dwell_mean_days(k)));
    CHECK(std::isnan(counts.dwell_median_days(k)));
  }
  // ts is not read: a history whose ts go backwards still fits (and is rejected with dwell).
  std::reverse(h.ts.begin(), h.ts.end());
  CHECK(fn::fit_transitions(h.view(), L, counts_only).counts == full.counts);
  CHECK_THROWS_WITH(fn::fit_transitions(h.view(), L), Catch::Contains("ts goes backwards"));
}

TEST_CASE("grouped fits equal the brute force of each group's opportunities, in one pass", "[funnel][transitions]") {
  // 7 groups x 6 stages use the radix median selection, 60 groups the sort-based one.
  const fn::stage_layout L = fn::stage_layout::numbered(4);
  for (const std::size_t G : {std::size_t{7}, std::size_t{60}})
    for (std::uint64_t seed : {5u, 6u, 7u}) {
      const auto h = funnel_test::random_history(L, seed, {1500, G, 0.9, 0.05, 0.08, true});
      const auto fits = fn::fit_transitions_by_group(h.view(), L, h.group_of, G);
      REQUIRE(fits.size() == G);
      for (std::size_t g = 0; g < G; ++g) {
        INFO("seed " << seed << " groups " << G << " group " << g);
        compare(fits[g], brute(h, L, static_cast<int>(g)), L, true);
      }
    }
}

TEST_CASE("median dwell is exact for long, tied and extreme dwell times", "[funnel][transitions]") {
  const fn::stage_layout L = fn::stage_layout::numbered(2);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    funnel_test::rng g(seed);
    funnel_test::history_store h;
    for (int o = 0; o < 2001 + static_cast<int>(seed); ++o) {
      std::int64_t t = 0;
      h.add(o, t, -1, 0);
      // Dwell of stage 0: heavy ties (whole days) or wide range up to ~100 years.
      const std::int64_t d = seed == 1 ? static_cast<std::int64_t>(g.below(5)) * day
                                       : static_cast<std::int64_t>(std::exp(g.uniform() * 21.8));
      h.add(o, t += d, 0, 1);
      h.add(o, t += static_cast<std::int64_t>(g.below(3)), 1, 2);
    }
    INFO("seed " << seed);
    compare(fn::fit_transitions(h.view(), L), brute(h, L), L, true);
  }
}

TEST_CASE("long histories: counts and rule checks hold across the check's blocks of rows", "[funnel][transitions]") {
  // The rules are checked a few thousand rows at a time (rule_check, in blocks of 4,096), each
  // range of 16,384 rows just before the pass counts it: a history of several such ranges, with
  // cut starts (no creation row), counts as the brute force does, and a broken row is found,
  // and named, wherever it lies, including either side of a block or range edge.
  const fn::stage_layout L = fn::stage_layout::numbered(5);
  const auto h = funnel_test::random_history(L, 77, {8000, 1, 0.8, 0.05, 0.08, true});
  REQUIRE(h.opportunity_id.size() > 16384 + 2);
  const fn::transition_options counts_only{.dwell = false, .median = false};
  const fn::transition_fit full = fn::fit_transitions(h.view(), L), counts = fn::fit_transitions(h.view(), L, counts_only);
  compare(full, brute(h, L), L, true);
  CHECK(counts.counts == full.counts);
  CHECK(counts.starts == full.starts);
  CHECK(counts.entered == full.entered);
  CHECK(counts.censored == full.censored);
  CHECK(counts.starts.sum() > full.creations);  // some histories are cut
  const std::size_t n = h.opportunity_id.size();
  for (const std::size_t row : {std::size_t{1}, std::size_t{4095}, std::size_t{4096}, std::size_t{4097}, std::size_t{8193},
                                std::size_t{16383}, std::size_t{16384}, std::size_t{16385}, n - 1}) {
    INFO("row " << row);
    const std::string named = "row " + std::to_string(row);
    auto broken = h;
    broken.to_stage[row] = 9;
    CHECK_THROWS_WITH(fn::fit_transitions(broken.view(), L, counts_only), Catch::Contains(named) && Catch::Contains("to_stage 9"));
    broken = h;
    broken.from_stage[row] = -2;
    CHECK_THROWS_WITH(fn::fit_transitions(broken.view(), L, counts_only), Catch::Contains(named) && Catch::Contains("from_stage -2"));
    broken = h;
    broken.opportunity_id[row] = broken.opportunity_id[row - 1] - 1;
    CHECK_THROWS_WITH(fn::fit_transitions(broken.view(), L, counts_only), Catch::Contains(named) && Catch::Contains("not sorted"));
    // A row that continues its opportunity but starts from another stage than the row before ends in.
    std::size_t cont = row;
    while (cont < n && broken.opportunity_id[cont] != broken.opportunity_id[cont - 1]) ++cont;
    if (cont == n) continue;
    broken = h;
    broken.from_stage[cont] = static_cast<std::int8_t>((h.to_stage[cont - 1] + 1) % 5);
    CHECK_THROWS_WITH(fn::fit_transitions(broken.view(), L, counts_only),
                      Catch::Contains("row " + std::to_string(cont)) && Catch::Contains("does not chain"));
  }
  // An id above the last row's, on the first range's last row: the order breaks only at the
  // next row, in the next range, but the pass must not count the row before (its visited sets
  // are sized by the last id: the sanitizer build would report the write past their end).
  auto broken = h;
  broken.opportunity_id[16383] = h.opportunity_id[n - 1] + 1000;
  CHECK_THROWS_WITH(fn::fit_transitions(broken.view(), L, counts_only), Catch::Contains("row 16384") && Catch::Contains("not sorted"));
}

TEST_CASE("bad histories are rejected with the row and the reason", "[funnel][transitions]") {
  const fn::stage_layout L = fn::stage_layout::numbered(3);
  auto base = [] {
    funnel_test::history_store h;
    h.add(1, 0, -1, 0);
    h.add(1, day, 0, 1);
    h.add(2, 0, -1, 0);
    return h;
  };
  auto fit = [&](const funnel_test::history_store& h) { return fn::fit_transitions(h.view(), L); };
  CHECK_NOTHROW(fit(base()));
  auto h = base();
  h.opportunity_id[2] = 0;
  CHECK_THROWS_WITH(fit(h), Catch::Contains("row 2") && Catch::Contains("not sorted by opportunity_id"));
  h = base();
  h.ts[1] = from_unix(-5);
  CHECK_THROWS_WITH(fit(h), Catch::Contains("row 1") && Catch::Contains("ts goes backwards"));
  h = base();
  h.from_stage[1] = -1;
  CHECK_THROWS_WITH(fit(h), Catch::Contains("row 1") && Catch::Contains("creation row"));
  h = base();
  h.from_stage[1] = 2;
  CHECK_THROWS_WITH(fit(h), Catch::Contains("row 1") && Catch::Contains("does not chain"));
  h = base();
  h.to_stage[2] = 5;
  CHECK_THROWS_WITH(fit(h), Catch::Contains("row 2") && Catch::Contains("to_stage 5 is outside 0..4"));
  h = base();
  h.from_stage[1] = -3;
  CHECK_THROWS_WITH(fit(h), Catch::Contains("from_stage -3"));
  h = base();
  h.opportunity_id[0] = h.opportunity_id[1] = -1;
  CHECK_THROWS_WITH(fit(h), Catch::Contains("row 0") && Catch::Contains("negative"));
  h = base();
  h.ts.pop_back();
  CHECK_THROWS_WITH(fit(h), Catch::Contains("differ in length"));
  h = base();
  std::vector<salesmetrics::dense_id> groups{0, 0};  // opportunity 2 has no entry
  CHECK_THROWS_WITH(fn::fit_transitions_by_group(h.view(), L, groups, 1), Catch::Contains("no entry in group_of"));
  groups = {0, 0, 3};
  CHECK_THROWS_WITH(fn::fit_transitions_by_group(h.view(), L, groups, 2), Catch::Contains("not below group_count 2"));
}

TEST_CASE("snapshot fit: hand example on the Maven stages", "[funnel][transitions][snapshots]") {
  const fn::stage_layout L{salesmetrics::maven_stages{}};  // Prospecting 0, Engaging 1, Won 2, Lost 3
  const std::vector<std::int8_t> stage{0, 1, 2, 3, 0};
  const std::vector<deal_status> status{deal_status::open, deal_status::open, deal_status::won, deal_status::lost, deal_status::lost};
  const std::vector<timestamp> created{from_unix(0), from_unix(0), from_unix(0), from_unix(day), salesmetrics::no_time};
  const std::vector<timestamp> closed{salesmetrics::no_time, salesmetrics::no_time, from_unix(10 * day), from_unix(21 * day),
                                      from_unix(3 * day)};
  const fn::snapshot_fit s = fn::fit_from_snapshots({stage, status, created, closed}, L);
  const fn::transition_fit& f = s.transitions;
  CHECK(f.counts(0, 1) == 3);
  CHECK(f.counts(1, 2) == 1);
  CHECK(f.counts(1, 3) == 1);
  CHECK(f.counts(0, 3) == 1);
  CHECK(f.counts.sum() == 6);
  CHECK(f.starts(0) == 5);
  CHECK(f.censored(0) == 1);
  CHECK(f.censored(1) == 1);
  CHECK(f.probabilities(0, 1) == 0.75);
  CHECK(f.probabilities(1, 2) == 0.5);
  CHECK(std::isnan(f.dwell_mean_days(0)));
  CHECK(s.won_cycle_mean_days == 10.0);
  CHECK(s.lost_cycle_mean_days == 20.0);
  CHECK(s.won_cycles == 1);
  CHECK(s.lost_cycles == 1);
  CHECK(s.cycles_excluded == 1);

  // Lost deals recorded at the lost index are assumed lost from closed_last_stage.
  fn::snapshot_options o;
  o.closed_last_stage = 0;
  const fn::snapshot_fit s0 = fn::fit_from_snapshots({stage, status, {}, {}}, L, o);
  CHECK(s0.transitions.counts(0, 3) == 2);
  CHECK(s0.transitions.counts(1, 3) == 0);
  CHECK(s0.cycles_excluded == 3);

  const std::vector<deal_status> bad_status{deal_status::won, deal_status::open, deal_status::won, deal_status::lost, deal_status::lost};
  const std::vector<std::int8_t> bad_stage{3, 1, 2, 3, 0};
  CHECK_THROWS_WITH(fn::fit_from_snapshots({bad_stage, bad_status, {}, {}}, L), Catch::Contains("row 0") && Catch::Contains("status won but stage is the lost stage"));
  const std::vector<std::int8_t> open_at_won{2, 1, 2, 3, 0};
  CHECK_THROWS_WITH(fn::fit_from_snapshots({open_at_won, status, {}, {}}, L), Catch::Contains("status open but stage 2"));
  CHECK_NOTHROW(fn::fit_from_snapshots({stage, status, created, {}}, L));  // closed may be absent
  CHECK_THROWS_WITH(fn::fit_from_snapshots({stage, status, std::span(created).first(3), {}}, L), Catch::Contains("created 3"));
  o.closed_last_stage = 2;
  CHECK_THROWS_WITH(fn::fit_from_snapshots({stage, status, {}, {}}, L, o), Catch::Contains("not an open stage"));
}

TEST_CASE("snapshot fit equals the fit of the history the assumption implies", "[funnel][transitions][snapshots]") {
  const fn::stage_layout L = fn::stage_layout::numbered(4);
  for (std::uint64_t seed : {8u, 9u, 10u}) {
    funnel_test::rng r(seed);
    std::vector<std::int8_t> stage;
    std::vector<deal_status> status;
    funnel_test::history_store h;
    for (int i = 0; i < 600; ++i) {
      const auto st = static_cast<deal_status>(r.below(3));
      int s = static_cast<int>(r.below(4));
      if (st != deal_status::open && r.uniform() < 0.5) s = st == deal_status::won ? 4 : 5;  // recorded at won/lost
      stage.push_back(static_cast<std::int8_t>(s));
      status.push_back(st);
      const int last = s >= 4 ? 3 : s;  // default closed_last_stage: the last open stage
      std::int64_t t = 0;
      h.add(i, t, -1, 0);
      for (int k = 0; k < last; ++k) h.add(i, ++t, k, k + 1);
      if (st != deal_status::open) h.add(i, ++t, last, st == deal_status::won ? 4 : 5);
    }
    const fn::snapshot_fit s = fn::fit_from_snapshots({stage, status, {}, {}}, L);
    const fn::transition_fit f = fn::fit_transitions(h.view(), L);
    CHECK(s.transitions.counts == f.counts);
    CHECK(s.transitions.starts == f.starts);
    CHECK(s.transitions.censored == f.censored);
    CHECK(s.transitions.probabilities == f.probabilities);
    CHECK(s.transitions.opportunities == f.opportunities);
  }
}

}  // namespace funnel_transition_counts_test
