// Runtime scorecards from JSON: a good file loads and scores like the compile-time form; every
// kind of bad entry is reported with an exact message naming it.
#include <salesmetrics/weighting/scorecard.hpp>
#include <salesmetrics/weighting/scorecard_config.hpp>

#include "weighting_mock.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace weighting_scorecard_config_test {

namespace w = salesmetrics::weighting;
using namespace weighting_test;

namespace {
std::vector<std::string> reasons(const salesmetrics::problem_report& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems) out.push_back(p.reason);
  return out;
}

constexpr const char* good = R"({
  "scorecards": [
    { "name": "steady",
      "kpis": [
        { "metric": "revenue", "target": 1000000, "weight": 60, "cap": 1.5 },
        { "name": "calls made", "metric": "calls", "target": 100, "weight": 25, "floor": 0, "cap": null },
        { "metric": "cycle_days", "target": 30, "weight": 15, "direction": "lower_is_better", "cap": 2 }
      ],
      "profiles": [
        { "name": "new_hire", "weights": { "revenue": 20, "calls made": 60, "cycle_days": 20 } },
        { "name": "star", "weights": [80, 10, 10] }
      ] },
    { "name": "simple", "kpis": [ { "metric": "revenue", "target": 5, "weight": 100 } ] }
  ] })";
}  // namespace

TEST_CASE("a valid configuration loads every field", "[weighting][config]") {
  salesmetrics::problem_report problems;
  const w::scorecard_config cfg = w::parse_scorecard_config(std::string_view(good), problems);
  REQUIRE(problems.ok());
  REQUIRE(cfg.scorecards.size() == 2);
  const w::runtime_scorecard& c = cfg.at("steady");
  REQUIRE(c.kpis.size() == 3);
  CHECK(c.kpis[0].name == "revenue");
  CHECK(c.kpis[0].cap == 1.5);
  CHECK(c.kpis[0].floor == w::no_floor);
  CHECK(c.kpis[1].name == "calls made");
  CHECK(c.kpis[1].metric == "calls");
  CHECK(c.kpis[1].cap == w::no_cap);
  CHECK(c.kpis[1].floor == 0.0);
  CHECK(c.kpis[2].direction == w::lower_is_better);
  REQUIRE(c.profiles.size() == 2);
  CHECK(c.profiles[0].weights == std::vector<double>{20, 60, 20});
  CHECK(c.profiles[1].weights == std::vector<double>{80, 10, 10});
  CHECK(cfg.find("nope") == nullptr);
  CHECK_THROWS_WITH(cfg.at("nope"), Catch::Contains("no scorecard named 'nope'"));

  // It scores exactly like the same scorecard written as types.
  using steady = w::scorecard<"steady", w::kpi<revenue, 1e6, 60.0, w::higher_is_better, 1.5>,
                              w::kpi<calls, 100.0, 25.0, w::higher_is_better, w::no_cap, 0.0>,
                              w::kpi<cycle_days, 30.0, 15.0, w::lower_is_better, 2.0>>;
  using team = w::segmented_scorecard<steady, w::weight_profile<"new_hire", 20.0, 60.0, 20.0>,
                                      w::weight_profile<"star", 80.0, 10.0, 10.0>>;
  mock_result r;
  r.labels = {"a", "b", "c"};
  r.columns["revenue"] = {2e6, 9e5, 0};
  r.columns["calls"] = {10, -5, 300};
  r.columns["cycle_days"] = {10, 0, 90};
  const std::vector<std::int32_t> seg{0, 1, 2};
  const auto s1 = w::score(c, r, seg);
  const auto s2 = w::score(team{}, r, seg);
  for (std::size_t i = 0; i < 3; ++i) CHECK(s1.total(i) == s2.total(i));
  CHECK(s1.kpi_name(1) == "calls made");
  CHECK(s1.total(0) == Approx(0.6 * 1.5 + 0.25 * 0.1 + 0.15 * 2.0));
  CHECK(s1.total(1) == Approx(0.2 * 0.9 + 0.6 * 0.0 + 0.2 * 2.0));  // floor 0 lifts -0.05 to 0
}

TEST_CASE("weights not totalling 100% are rejected with the scorecard's name", "[weighting][config]") {
  salesmetrics::problem_report problems;
  const auto cfg = w::parse_scorecard_config(std::string_view(R"({"scorecards": [
      {"name": "steady", "kpis": [{"metric": "revenue", "target": 1, "weight": 60},
                                  {"metric": "calls", "target": 100, "weight": 35}]},
      {"name": "ok", "kpis": [{"metric": "revenue", "target": 1, "weight": 100}]}]})"),
                                             problems, "cards.json");
  REQUIRE(problems.size() == 1);
  CHECK(problems.problems[0].reason == "scorecard 'steady': weights total 95%, expected 100%");
  CHECK(problems.problems[0].table == "cards.json");
  CHECK(problems.problems[0].to_string() == "cards.json: scorecard 'steady': weights total 95%, expected 100%");
  REQUIRE(cfg.scorecards.size() == 1);  // the good one is still returned
  CHECK(cfg.scorecards[0].name == "ok");
}

TEST_CASE("bad KPI entries are named by number and name", "[weighting][config]") {
  salesmetrics::problem_report problems;
  (void)w::parse_scorecard_config(std::string_view(R"({"name": "steady", "kpis": [
      {"metric": "revenue", "target": 1000000, "weight": 50},
      {"metric": "meetings", "target": 20, "weight": 20},
      {"metric": "calls", "target": 0, "weight": 30}]})"),
                                  problems);
  CHECK(reasons(problems) == std::vector<std::string>{"scorecard 'steady': kpi #3 'calls': target must be > 0"});
}

TEST_CASE("structural problems: types, missing and unknown keys, directions, profiles", "[weighting][config]") {
  salesmetrics::problem_report problems;
  const auto cfg = w::parse_scorecard_config(std::string_view(R"({"scorecards": [
      {"name": "a", "kpis": [
         {"metric": "revenue", "target": "big", "wieght": 50},
         {"target": 3, "weight": 50, "direction": "up"}]},
      {"name": "b", "kpis": [{"metric": "x", "target": 1, "weight": 100}],
       "profiles": [{"name": "p", "weights": {"y": 100}}, {"weights": 5}]},
      {"name": "b", "kpis": [{"metric": "x", "target": 1, "weight": 100}]},
      {"kpis": {}},
      7]})"),
                                             problems);
  const std::vector<std::string> expected{
      "scorecard 'a': kpi #1 'revenue': unknown key 'wieght'",
      "scorecard 'a': kpi #1 'revenue': 'target' must be a number",
      "scorecard 'a': kpi #1 'revenue': 'weight' is missing",
      "scorecard 'a': kpi #2: 'metric' is missing",
      "scorecard 'a': kpi #2: direction 'up' is not higher_is_better or lower_is_better",
      "scorecard 'b': profile 'p': unknown kpi 'y'",
      "scorecard 'b': profile 'p': no weight for kpi 'x'",
      "scorecard 'b': profile #2: 'name' is missing",
      "scorecard 'b': profile #2: 'weights' must be an object (by KPI name) or an array (KPI order)",
      "duplicate scorecard name 'b'",
      "scorecard #4: 'name' is missing",
      "scorecard #4: 'kpis' must be an array",
      "scorecard #5: must be an object",
  };
  CHECK(reasons(problems) == expected);
  CHECK(cfg.scorecards.empty());  // the first 'b' is malformed, the second a duplicate
}

TEST_CASE("JSON syntax errors and files", "[weighting][config]") {
  salesmetrics::problem_report problems;
  (void)w::parse_scorecard_config(std::string_view("{\"scorecards\": [}"), problems, "x.json");
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems.problems[0].reason, Catch::StartsWith("invalid JSON: ") && Catch::Contains("line 1"));

  const auto dir = std::filesystem::temp_directory_path();
  const auto path = dir / "salesmetrics_weighting_config_test.json";
  {
    std::ofstream out(path);
    out << good;
  }
  CHECK(w::load_scorecard_config(path).scorecards.size() == 2);
  {
    std::ofstream out(path);
    out << R"({"name": "steady", "kpis": [{"metric": "calls", "target": 100, "weight": 95}]})";
  }
  try {
    (void)w::load_scorecard_config(path);
    FAIL("expected input_error");
  } catch (const salesmetrics::input_error& e) {
    CHECK(e.where().reason == "scorecard 'steady': weights total 95%, expected 100%");
    CHECK(e.where().table == path.string());
  }
  std::filesystem::remove(path);
  CHECK_THROWS_WITH(w::load_scorecard_config(dir / "does_not_exist_weighting.json"),
                    Catch::Contains("cannot open the scorecard configuration file"));
}

}  // namespace weighting_scorecard_config_test
