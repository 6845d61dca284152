// Gamification: points tables, levels, badges (compile-time predicates and runtime rules),
// leaderboards with standard competition ranking (checked against a brute-force count), challenges.
#include <salesmetrics/weighting/badges.hpp>
#include <salesmetrics/weighting/challenges.hpp>
#include <salesmetrics/weighting/points.hpp>
#include <salesmetrics/weighting/ranking.hpp>

#include "weighting_mock.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace weighting_gamification_test {

namespace w = salesmetrics::weighting;
using namespace weighting_test;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

mock_result team() {
  mock_result r;
  r.labels = {"ann", "bob", "cat", "dan"};
  r.columns["calls"] = {40, 10, kNaN, 25};
  r.columns["meetings"] = {4, 6, 2, 0};
  r.columns["deals_won"] = {2, 0, 1, 3};
  return r;
}
}  // namespace

TEST_CASE("leaderboard ties use standard competition ranking (1224)", "[weighting][ranking]") {
  const std::vector<double> v{10, 8, 8, 5};
  const auto b = w::leaderboard(v);
  REQUIRE(b.size() == 4);
  CHECK(b[0].rank == 1);
  CHECK(b[1].rank == 2);
  CHECK(b[2].rank == 2);
  CHECK(b[3].rank == 4);
  CHECK(w::competition_ranks(v) == std::vector<std::size_t>{1, 2, 2, 4});
  // Order of rows does not matter; ties list by row; NaN ranks last and ties with NaN.
  const std::vector<double> mixed{5, kNaN, 8, 10, 8, kNaN};
  CHECK(w::competition_ranks(mixed) == std::vector<std::size_t>{4, 5, 2, 1, 2, 5});
  const auto mb = w::leaderboard(mixed);
  CHECK(mb[1].row == 2);
  CHECK(mb[2].row == 4);
  // Ascending (lower is better).
  CHECK(w::competition_ranks(mixed, w::rank_order::ascending) == std::vector<std::size_t>{1, 5, 2, 4, 2, 5});
  CHECK(w::leaderboard({}).empty());
  // -0.0 ties 0.0; infinities are ordinary extremes.
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> special{-0.0, 0.0, inf, -inf, kNaN, -1e-300};
  CHECK(w::competition_ranks(special) == std::vector<std::size_t>{2, 2, 1, 5, 6, 4});
  CHECK(w::competition_ranks(special, w::rank_order::ascending) == std::vector<std::size_t>{3, 3, 5, 1, 6, 2});
}

TEST_CASE("brute force: rank = 1 + number of strictly better rows", "[weighting][ranking][random]") {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<double> v(rng() % 50);
    const std::vector<double> specials{kNaN, -0.0, 0.0, std::numeric_limits<double>::infinity(),
                                       -std::numeric_limits<double>::infinity(), 1e300, -2.5e-310};
    for (double& x : v)
      x = rng() % 5 == 0 ? specials[rng() % specials.size()] : static_cast<double>(static_cast<int>(rng() % 20) - 10) / 4.0;
    for (auto order : {w::rank_order::descending, w::rank_order::ascending}) {
      const auto ranks = w::competition_ranks(v, order);
      for (std::size_t i = 0; i < v.size(); ++i) {
        std::size_t better = 0;
        for (double y : v) {
          if (std::isnan(v[i])) better += std::isnan(y) ? 0 : 1;
          else if (!std::isnan(y)) better += order == w::rank_order::descending ? (y > v[i]) : (y < v[i]);
        }
        CHECK(ranks[i] == better + 1);
      }
      const auto board = w::leaderboard(v, order);
      for (std::size_t k = 1; k < board.size(); ++k) CHECK(board[k - 1].rank <= board[k].rank);
    }
  }
}

TEST_CASE("points: a weight table over metric columns", "[weighting][points]") {
  const mock_result r = team();
  using table = w::point_table<w::points_for<calls, 1.0>, w::points_for<meetings, 5.0>, w::points_for<deals_won, 50.0>>;
  const auto pts = table{}.compute(r);
  CHECK(pts == std::vector<double>{40 + 20 + 100, 10 + 30, 0 + 10 + 50, 25 + 0 + 150});  // NaN calls earn 0
  const w::runtime_point_table rt{{{"calls", 1.0}, {"meetings", 5.0}, {"deals_won", 50.0}}};
  CHECK(rt.compute(r) == pts);
  const w::runtime_point_table bad{{{"emails", 1.0}}};
  CHECK_THROWS_WITH(bad.compute(r), Catch::Contains("rule #1: result table has no column 'emails'"));

  const w::level_scale levels{{"rookie", 0}, {"pro", 100}, {"legend", 170}};
  CHECK(levels.level_of(-1) == -1);
  CHECK(levels.level_of(0) == 0);
  CHECK(levels.level_of(160) == 1);
  CHECK(levels.level_of(175) == 2);
  CHECK(levels.level_of(kNaN) == -1);
  CHECK(levels.points_to_next(160) == Approx(10));
  CHECK(std::isnan(levels.points_to_next(175)));
  CHECK(levels[1].name == "pro");
  CHECK_THROWS_WITH((w::level_scale{{"a", 10}, {"b", 10}}), Catch::Contains("level 'b' must need more points than level 'a'"));
}

namespace {
struct closer {
  template <class Row> bool operator()(const Row& row) const { return row.template value<deals_won>() >= 2; }
};
}  // namespace

TEST_CASE("badges: compile-time predicates and runtime rules", "[weighting][badges]") {
  const mock_result r = team();
  using badges = w::badge_set<w::badge<"closer", closer>,
                              w::badge<"busy", decltype([](const auto& row) {
                                         return row.template value<calls>() + row.template value<meetings>() > 20;
                                       })>>;
  const auto masks = badges{}.award(r);
  CHECK(masks == std::vector<std::uint64_t>{0b11, 0b00, 0b00, 0b11});
  CHECK(badges::names()[1] == "busy");

  const std::vector<w::badge_rule> rules{
      {"closer", {{"deals_won", w::compare_op::greater_equal, 2}}},
      {"balanced", {{"calls", w::compare_op::greater, 5}, {"meetings", w::compare_op::greater_equal, 4}}},
      {"quiet", {{"calls", w::compare_op::not_equal, 40}}},  // NaN satisfies nothing
  };
  CHECK(w::award_badges(rules, r) == std::vector<std::uint64_t>{0b011, 0b110, 0b000, 0b101});
  const std::vector<w::badge_rule> bad{{"x", {{"nope", w::compare_op::less, 1}}}};
  CHECK_THROWS_WITH(w::award_badges(bad, r), Catch::Contains("badge #1 'x': result table has no column 'nope'"));
  const std::vector<w::badge_rule> empty_rule{{"x", {}}};
  CHECK_THROWS_WITH(w::award_badges(empty_rule, r), Catch::Contains("has no conditions"));
}

TEST_CASE("challenges over a time window", "[weighting][challenges]") {
  const mock_result r = team();
  const auto day = [](std::int64_t d) { return salesmetrics::from_unix(d * 86400); };
  w::challenge c{"meeting sprint", {day(100), day(110)}, 4.0, w::challenge_scope::individual};
  const auto res = w::evaluate_challenge<meetings>(c, r, day(105));
  CHECK(res.state == w::challenge_state::active);
  CHECK(res.elapsed == Approx(0.5));
  CHECK(res.completed == 2);
  CHECK(res.rows[1].projected == Approx(12.0));
  CHECK(res.standings[0].row == 1);
  CHECK(res.standings[1].rank == 2);
  CHECK(w::evaluate_challenge<meetings>(c, r, day(99)).state == w::challenge_state::upcoming);
  CHECK(w::evaluate_challenge<meetings>(c, r, day(110)).state == w::challenge_state::ended);

  w::challenge t{"team calls", {day(0), day(30)}, 100.0, w::challenge_scope::team};
  const auto tr = w::evaluate_challenge(t, "calls", r, day(15));
  CHECK(tr.team.actual == 75.0);  // NaN skipped
  CHECK(tr.team.projected_attainment == Approx(1.5));
  CHECK(tr.team.on_pace);

  w::challenge bad{"bad", {day(5), day(5)}, 1.0, w::challenge_scope::team};
  CHECK_THROWS_WITH(w::evaluate_challenge<calls>(bad, r, day(5)), Catch::Contains("the window is empty"));
  bad.window = {day(0), day(1)};
  bad.goal = 0;
  CHECK_THROWS_WITH(w::evaluate_challenge<calls>(bad, r, day(5)), Catch::Contains("goal must be finite and > 0"));
  CHECK_THROWS_WITH(w::evaluate_challenge(c, "emails", r, day(5)), Catch::Contains("no column 'emails'"));
}

}  // namespace weighting_gamification_test
