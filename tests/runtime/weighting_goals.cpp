// Goals: attainment, gap and pace (hand-computed), elapsed fractions from calendar periods, and
// the team roll-up against a brute-force walk of every ancestor chain.
#include <salesmetrics/weighting/goals.hpp>

#include "weighting_mock.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace weighting_goals_test {

namespace w = salesmetrics::weighting;
using namespace weighting_test;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

TEST_CASE("goal status: attainment, gap and run-rate pace", "[weighting][goals]") {
  // Target 100, 30 done with 25% of the period elapsed.
  const w::goal_status g = w::evaluate_goal(100.0, 30.0, 0.25);
  CHECK(g.attainment == Approx(0.3));
  CHECK(g.gap == Approx(70.0));
  CHECK(g.expected_to_date == Approx(25.0));
  CHECK(g.ahead == Approx(5.0));
  CHECK(g.projected == Approx(120.0));
  CHECK(g.projected_attainment == Approx(1.2));
  CHECK(g.on_pace);

  const w::goal_status behind = w::evaluate_goal(100.0, 40.0, 0.5);
  CHECK(behind.projected == Approx(80.0));
  CHECK_FALSE(behind.on_pace);
  CHECK(behind.ahead == Approx(-10.0));

  const w::goal_status done = w::evaluate_goal(100.0, 130.0, 1.7);  // elapsed clamped to 1
  CHECK(done.elapsed == 1.0);
  CHECK(done.projected == 130.0);
  CHECK(done.gap == Approx(-30.0));

  const w::goal_status start = w::evaluate_goal(100.0, 0.0, 0.0);
  CHECK(std::isnan(start.projected));
  CHECK_FALSE(start.on_pace);
  CHECK(start.expected_to_date == 0.0);

  const w::goal_status no_target = w::evaluate_goal(0.0, 5.0, 0.5);
  CHECK(std::isnan(no_target.attainment));
  CHECK(std::isnan(no_target.projected_attainment));
  CHECK(no_target.gap == -5.0);
  CHECK(std::isnan(w::evaluate_goal(100.0, kNaN, 0.5).attainment));
  CHECK(std::isnan(w::evaluate_goal(100.0, 10.0, kNaN).projected));
}

TEST_CASE("elapsed fraction of a calendar period", "[weighting][goals]") {
  const auto month = salesmetrics::calendar_period::months();
  const std::int64_t march = 2024 * 12 + 2;  // 31 days
  const auto start = month.start(march);
  CHECK(w::elapsed_fraction(month, march, start) == 0.0);
  CHECK(w::elapsed_fraction(month, march, start + std::chrono::hours(24 * 31) / 2) == Approx(0.5));
  CHECK(w::elapsed_fraction(month, march, start + std::chrono::hours(24 * 10)) == Approx(10.0 / 31.0));
  CHECK(w::elapsed_fraction(month, march, month.end(march) + std::chrono::hours(5)) == 1.0);
  CHECK(w::elapsed_fraction(month, march, start - std::chrono::hours(5)) == 0.0);
  CHECK(std::isnan(w::elapsed_fraction(start, start, start)));
}

TEST_CASE("goals against a metric column", "[weighting][goals]") {
  mock_result r;
  r.labels = {"a", "b"};
  r.columns["revenue"] = {50.0, kNaN};
  const std::vector<double> targets{200.0, 100.0};
  const auto g = w::evaluate_goals<revenue>(r, targets, 0.5);
  REQUIRE(g.size() == 2);
  CHECK(g[0].projected_attainment == Approx(0.5));
  CHECK(std::isnan(g[1].attainment));
  const std::vector<double> one{1.0};
  CHECK_THROWS_WITH(w::evaluate_goals<revenue>(r, one, 0.5), Catch::Contains("1 targets for 2 result rows"));
}

TEST_CASE("team roll-up: hand-computed hierarchy", "[weighting][goals]") {
  //        0 (VP)
  //      /        \.
  //   1 (mgr)    2 (mgr, no own quota)
  //   /   \        \.
  //  3     4        5 (actual undefined)
  const std::vector<std::int32_t> parent{-1, 0, 0, 1, 1, 2};
  const std::vector<double> target{kNaN, 10.0, kNaN, 100.0, 200.0, 50.0};
  const std::vector<double> actual{kNaN, 5.0, 0.0, 120.0, 150.0, kNaN};
  const w::team_rollup t = w::rollup(parent, target, actual);
  CHECK(t.target[3] == 100.0);
  CHECK(t.target[1] == 310.0);
  CHECK(t.target[2] == 50.0);
  CHECK(t.target[0] == 360.0);
  CHECK(t.actual[1] == 275.0);
  CHECK(t.actual[2] == 0.0);
  CHECK(std::isnan(t.actual[5]));
  CHECK(t.actual[0] == 275.0);
  const auto team_goals = w::evaluate_goals(t.target, t.actual, 0.5);
  CHECK(team_goals[1].attainment == Approx(275.0 / 310.0));
}

TEST_CASE("team roll-up: bad hierarchies are reported", "[weighting][goals]") {
  const std::vector<double> v3{1, 2, 3};
  const std::vector<std::int32_t> out_of_range{-1, 7, 0};
  CHECK_THROWS_WITH(w::rollup(out_of_range, v3, v3), Catch::Contains("node 1 has parent 7, expected -1 (root) or 0..2"));
  const std::vector<std::int32_t> cycle{-1, 2, 1};
  CHECK_THROWS_WITH(w::rollup(cycle, v3, v3), Catch::Contains("is its own ancestor"));
  const std::vector<std::int32_t> self{0, -1, -1};
  CHECK_THROWS_WITH(w::rollup(self, v3, v3), Catch::Contains("node 0 is its own ancestor"));
  const std::vector<double> v2{1, 2};
  const std::vector<std::int32_t> ok{-1, 0, 0};
  CHECK_THROWS_WITH(w::rollup(ok, v2, v3), Catch::Contains("3 nodes but 2 targets and 3 actuals"));
  CHECK(w::rollup({}, {}, {}).target.empty());
}

TEST_CASE("brute force: roll-up of random forests", "[weighting][goals][random]") {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(0.0, 100.0);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = rng() % 60;
    // Random forest: parents from a random permutation so that indices are not ordered.
    std::vector<std::size_t> perm(n);
    for (std::size_t i = 0; i < n; ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<std::int32_t> parent(n, -1);
    for (std::size_t k = 1; k < n; ++k)
      if (rng() % 5 != 0) parent[perm[k]] = static_cast<std::int32_t>(perm[rng() % k]);
    std::vector<double> target(n), actual(n);
    for (std::size_t i = 0; i < n; ++i) {
      target[i] = rng() % 4 == 0 ? kNaN : u(rng);
      actual[i] = rng() % 4 == 0 ? kNaN : u(rng);
    }
    const w::team_rollup t = w::rollup(parent, target, actual);
    std::vector<double> st(n, 0.0), sa(n, 0.0);
    std::vector<int> ct(n, 0), ca(n, 0);
    for (std::size_t i = 0; i < n; ++i)  // add node i's own values to itself and every ancestor
      for (std::int32_t v = static_cast<std::int32_t>(i); v >= 0; v = parent[static_cast<std::size_t>(v)]) {
        const auto a = static_cast<std::size_t>(v);
        if (!std::isnan(target[i])) st[a] += target[i], ++ct[a];
        if (!std::isnan(actual[i])) sa[a] += actual[i], ++ca[a];
      }
    for (std::size_t i = 0; i < n; ++i) {
      if (ct[i] == 0) CHECK(std::isnan(t.target[i]));
      else CHECK(t.target[i] == Approx(st[i]).epsilon(1e-12));
      if (ca[i] == 0) CHECK(std::isnan(t.actual[i]));
      else CHECK(t.actual[i] == Approx(sa[i]).epsilon(1e-12));
    }
  }
}

}  // namespace weighting_goals_test
