// Scorecards: attainment (both directions, caps, floors, zero and NaN cases), compile-time and
// runtime scorecards, weight profiles per segment, missing policies, user columns, and a
// brute-force random check of the weighted total.
#include <salesmetrics/weighting/attainment.hpp>
#include <salesmetrics/weighting/runtime_scorecard.hpp>
#include <salesmetrics/weighting/scorecard.hpp>
#include <salesmetrics/weighting/user_columns.hpp>

#include "weighting_mock.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace weighting_scorecard_test {

namespace w = salesmetrics::weighting;
using namespace weighting_test;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

using steady = w::scorecard<"steady", w::kpi<revenue, 1e6, 50.0>, w::kpi<calls, 100.0, 30.0>,
                            w::kpi<cycle_days, 30.0, 20.0, w::lower_is_better, 1.5>>;
using team = w::segmented_scorecard<steady, w::weight_profile<"new_hire", 20.0, 60.0, 20.0>,
                                    w::weight_profile<"star", 70.0, 10.0, 20.0>>;

mock_result four_reps() {
  mock_result r;
  r.labels = {"ann", "bob", "cat", "dan"};
  r.columns["revenue"] = {1.2e6, 0.5e6, kNaN, 2e6};
  r.columns["calls"] = {50, 150, 100, 0};
  r.columns["cycle_days"] = {20, 60, 0, 45};
  return r;
}

w::runtime_scorecard steady_runtime() {
  w::runtime_scorecard c;
  c.name = "steady";
  c.kpis = {{"revenue", "revenue", 1e6, 50.0, w::higher_is_better, w::no_cap, w::no_floor},
            {"calls", "calls", 100.0, 30.0, w::higher_is_better, w::no_cap, w::no_floor},
            {"cycle_days", "cycle_days", 30.0, 20.0, w::lower_is_better, 1.5, w::no_floor}};
  c.profiles = {{"new_hire", {20.0, 60.0, 20.0}}, {"star", {70.0, 10.0, 20.0}}};
  return c;
}

// Independent definition of attainment, written from the header comment.
double ref_attainment(double a, double t, bool lower, double cap, double floor) {
  if (std::isnan(a)) return kNaN;
  double raw = lower ? (a > 0 ? t / a : inf) : a / t;
  raw = std::min(raw, cap);
  raw = std::max(raw, floor);
  return raw;
}
}  // namespace

TEST_CASE("attainment: higher and lower is better, zero, NaN, cap and floor", "[weighting][attainment]") {
  CHECK(w::attainment(1.2e6, 1e6, w::higher_is_better) == Approx(1.2));
  CHECK(w::attainment(-100, 1000, w::higher_is_better) == Approx(-0.1));
  CHECK(w::attainment(0, 1000, w::higher_is_better) == 0.0);
  // lower is better: target / actual
  CHECK(w::attainment(20, 30, w::lower_is_better) == Approx(1.5));
  CHECK(w::attainment(60, 30, w::lower_is_better) == Approx(0.5));
  CHECK(w::attainment(30, 30, w::lower_is_better) == 1.0);
  // actual <= 0 for lower-is-better: best possible, +inf until capped
  CHECK(w::attainment(0, 30, w::lower_is_better) == inf);
  CHECK(w::attainment(-2, 30, w::lower_is_better) == inf);
  CHECK(w::attainment(0, 30, w::lower_is_better, 2.0) == 2.0);
  // cap and floor
  CHECK(w::attainment(3e6, 1e6, w::higher_is_better, 1.5) == 1.5);
  CHECK(w::attainment(1e5, 1e6, w::higher_is_better, w::no_cap, 0.5) == 0.5);
  CHECK(w::attainment(-1e5, 1e6, w::higher_is_better, 2.0, 0.0) == 0.0);
  // undefined
  CHECK(std::isnan(w::attainment(kNaN, 1e6, w::higher_is_better, 1.5, 0.0)));
  CHECK(std::isnan(w::attainment(5, 0, w::higher_is_better)));
  CHECK(std::isnan(w::attainment(5, -1, w::lower_is_better)));
  CHECK(std::isnan(w::attainment(5, inf, w::higher_is_better)));
}

TEST_CASE("compile-time scorecard: hand-computed weighted totals", "[weighting][scorecard]") {
  STATIC_REQUIRE(steady::size == 3);
  STATIC_REQUIRE(steady::name == "steady");
  const mock_result r = four_reps();
  const w::score_table s = w::score(steady{}, r);
  REQUIRE(s.rows() == 4);
  REQUIRE(s.kpis() == 3);
  CHECK(s.kpi_name(0) == "revenue");
  CHECK(s.kpi_name(2) == "cycle_days");
  // ann: 0.5*1.2 + 0.3*0.5 + 0.2*min(30/20, 1.5)
  CHECK(s.attainment(0, 2) == Approx(1.5));
  CHECK(s.total(0) == Approx(0.5 * 1.2 + 0.3 * 0.5 + 0.2 * 1.5));
  // bob: 0.5*0.5 + 0.3*1.5 + 0.2*(30/60)
  CHECK(s.total(1) == Approx(0.25 + 0.45 + 0.1));
  // cat: revenue undefined counts 0; cycle 0 days -> +inf capped at 1.5
  CHECK(std::isnan(s.attainment(2, 0)));
  CHECK(s.attainment(2, 2) == 1.5);
  CHECK(s.total(2) == Approx(0.3 * 1.0 + 0.2 * 1.5));
  // dan: 0.5*2 + 0 + 0.2*(30/45)
  CHECK(s.total(3) == Approx(1.0 + 0.2 * 30.0 / 45.0));
}

TEST_CASE("missing policies: zero, renormalize, propagate", "[weighting][scorecard]") {
  const mock_result r = four_reps();
  const auto ren = w::score(steady{}, r, {w::missing_policy::renormalize});
  CHECK(ren.total(2) == Approx((30.0 * 1.0 + 20.0 * 1.5) / 50.0));
  CHECK(ren.total(0) == Approx(0.5 * 1.2 + 0.3 * 0.5 + 0.2 * 1.5));
  const auto pro = w::score(steady{}, r, {w::missing_policy::propagate});
  CHECK(std::isnan(pro.total(2)));
  CHECK(pro.total(1) == Approx(0.8));

  mock_result all_nan;
  all_nan.labels = {"x"};
  all_nan.columns["revenue"] = {kNaN};
  all_nan.columns["calls"] = {kNaN};
  all_nan.columns["cycle_days"] = {kNaN};
  CHECK(w::score(steady{}, all_nan).total(0) == 0.0);
  CHECK(std::isnan(w::score(steady{}, all_nan, {w::missing_policy::renormalize}).total(0)));
}

TEST_CASE("weight profiles per segment score a mixed team in one call", "[weighting][scorecard]") {
  STATIC_REQUIRE(team::profile_count == 3);
  STATIC_REQUIRE(team::weights[1 * 3 + 1] == 60.0);
  const mock_result r = four_reps();
  const std::vector<std::int32_t> seg{1, 2, 0, 2};  // ann new hire, bob star, cat steady, dan star
  const w::score_table s = w::score(team{}, r, seg);
  CHECK(s.profiles() == 3);
  CHECK(s.profile_name(1) == "new_hire");
  CHECK(s.profile(0) == 1);
  CHECK(s.weight(0, 1) == 60.0);
  CHECK(s.total(0) == Approx(0.2 * 1.2 + 0.6 * 0.5 + 0.2 * 1.5));
  CHECK(s.total(1) == Approx(0.7 * 0.5 + 0.1 * 1.5 + 0.2 * 0.5));
  CHECK(s.total(2) == Approx(0.3 * 1.0 + 0.2 * 1.5));
  CHECK(s.total(3) == Approx(0.7 * 2.0 + 0.2 * 30.0 / 45.0));

  // The same scorecard defined at run time gives the identical table.
  const w::score_table rt = w::score(steady_runtime(), r, seg);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(rt.total(i) == s.total(i));
    for (std::size_t k = 0; k < 3; ++k)
      if (!std::isnan(s.attainment(i, k))) CHECK(rt.attainment(i, k) == s.attainment(i, k));
  }
  CHECK(steady_runtime().profile_index("star") == 2);
  CHECK(steady_runtime().profile_index("steady") == 0);
  CHECK(steady_runtime().profile_index("nobody") == -1);
}

TEST_CASE("a zero weight in a profile ignores that KPI, even when undefined", "[weighting][scorecard]") {
  using card = w::segmented_scorecard<steady, w::weight_profile<"no_revenue", 0.0, 50.0, 50.0>>;
  const mock_result r = four_reps();
  const std::vector<std::int32_t> seg{1, 1, 1, 1};
  const auto s = w::score(card{}, r, seg, {w::missing_policy::propagate});
  CHECK(s.total(2) == Approx(0.5 * 1.0 + 0.5 * 1.5));  // cat's NaN revenue has weight 0
}

TEST_CASE("scoring errors name what is wrong", "[weighting][scorecard]") {
  const mock_result r = four_reps();
  const std::vector<std::int32_t> bad{0, 3, 0, 0};
  try {
    (void)w::score(team{}, r, bad);
    FAIL("expected input_error");
  } catch (const salesmetrics::input_error& e) {
    CHECK(e.where().reason == "segment code 3 has no weight profile (codes 0..2 are defined)");
    CHECK(e.where().row == 1);
  }
  const std::vector<std::int32_t> short_seg{0, 1};
  CHECK_THROWS_WITH(w::score(team{}, r, short_seg), Catch::Contains("2 segment codes for 4 result rows"));

  mock_result no_calls = r;
  no_calls.columns.erase("calls");
  try {
    (void)w::score(steady_runtime(), no_calls);
    FAIL("expected input_error");
  } catch (const salesmetrics::input_error& e) {
    CHECK(e.where().reason == "scorecard 'steady': kpi #2 'calls': result table has no column 'calls'");
  }
  mock_result ragged = r;
  ragged.columns["calls"].pop_back();
  CHECK_THROWS_WITH(w::score(steady{}, ragged), Catch::Contains("column 'calls' has 3 values for 4 result rows"));

  w::runtime_scorecard bad_card = steady_runtime();
  bad_card.kpis[1].weight = 25.0;
  try {
    (void)w::score(bad_card, r);
    FAIL("expected input_error");
  } catch (const salesmetrics::input_error& e) {
    CHECK(e.where().reason == "scorecard 'steady': weights total 95%, expected 100%");
  }
}

TEST_CASE("runtime_scorecard::validate reports every problem", "[weighting][scorecard]") {
  w::runtime_scorecard c = steady_runtime();
  c.kpis[2].target = 0.0;
  c.kpis[1].floor = 2.0;
  c.kpis[1].cap = 1.0;
  c.kpis.push_back({"calls", "calls2", 5.0, -1.0, w::higher_is_better, w::no_cap, w::no_floor});
  c.profiles[0].weights.pop_back();
  c.profiles[1].weights = {70.0, 10.0, 10.0, 0.0};
  c.profiles.push_back({"star", {25.0, 25.0, 25.0, 25.0}});
  const auto rep = c.validate("test");
  std::vector<std::string> reasons;
  for (const auto& p : rep.problems) reasons.push_back(p.reason);
  const std::vector<std::string> expected{
      "scorecard 'steady': kpi #2 'calls': floor 2 is above cap 1",
      "scorecard 'steady': kpi #3 'cycle_days': target must be > 0",
      "scorecard 'steady': kpi #4 'calls': weight must be >= 0",
      "scorecard 'steady': kpi #4 'calls': duplicate KPI name (also kpi #2)",
      "scorecard 'steady': weights total 99%, expected 100%",
      "scorecard 'steady': profile 'new_hire': 2 weights for 4 KPIs",
      "scorecard 'steady': profile 'star': weights total 90%, expected 100%",
      "scorecard 'steady': duplicate profile name 'star'",
  };
  CHECK(reasons == expected);
  CHECK(rep.problems.front().table == "test");
}

TEST_CASE("external inputs: NPS per rep and period as a user column", "[weighting][scorecard]") {
  using card = w::scorecard<"with_nps", w::kpi<revenue, 1e6, 85.0>, w::kpi<nps, 7.0, 15.0, w::higher_is_better, 1.2>>;
  const mock_result r = four_reps();
  w::external_input survey("nps");
  survey.set("ann", 202401, 7.7);
  survey.set("bob", 202401, 3.5);
  survey.set("dan", 202402, 9.0);  // another period: not used for 202401
  survey.set("ann", 202401, 8.4);  // replaces
  const std::vector<double> nps_jan = survey.aligned(r, 202401);
  REQUIRE(nps_jan.size() == 4);
  CHECK(nps_jan[0] == 8.4);
  CHECK(nps_jan[1] == 3.5);
  CHECK(std::isnan(nps_jan[2]));
  CHECK(std::isnan(nps_jan[3]));
  CHECK(survey.get("dan", 202402) == 9.0);

  const auto with_nps = w::with_column<nps>(r, nps_jan, "nps");
  STATIC_REQUIRE(w::ResultSource<decltype(with_nps), revenue, nps>);
  STATIC_REQUIRE(w::NamedResultSource<decltype(with_nps)>);
  const auto s = w::score(card{}, with_nps);
  CHECK(s.attainment(0, 1) == Approx(1.2));  // 8.4 / 7 = 1.2, at the cap
  CHECK(s.total(0) == Approx(0.85 * 1.2 + 0.15 * 1.2));
  CHECK(s.total(1) == Approx(0.85 * 0.5 + 0.15 * 0.5));
  CHECK(s.total(3) == Approx(0.85 * 2.0));

  // By name, the user column and the base's columns are both reachable.
  CHECK(with_nps.has_column("nps"));
  CHECK(with_nps.has_column("calls"));
  CHECK_FALSE(with_nps.has_column("emails"));
  CHECK(with_nps.column("calls")[1] == 150.0);
  CHECK(with_nps.column("nps")[0] == 8.4);

  const std::vector<double> too_short{1.0};
  CHECK_THROWS_WITH(w::with_column<nps>(r, too_short, "nps"), Catch::Contains("user column 'nps': 1 values for 4 result rows"));
}

namespace {
struct money_result {
  std::vector<salesmetrics::money> rev{salesmetrics::money::from_cents(150'000'000), salesmetrics::money::missing()};
  std::size_t rows() const { return 2; }
  std::string key_label(std::size_t i) const { return i == 0 ? "a" : "b"; }
  template <class Tag> std::span<const salesmetrics::money> column() const { return rev; }
};
}  // namespace

TEST_CASE("money columns are read in currency units, missing money as NaN", "[weighting][scorecard]") {
  using card = w::scorecard<"m", w::kpi<revenue, 1e6, 100.0>>;
  STATIC_REQUIRE(w::ResultSource<money_result, revenue>);
  const auto s = w::score(card{}, money_result{});
  CHECK(s.total(0) == Approx(1.5));
  CHECK(std::isnan(s.attainment(1, 0)));
}

TEST_CASE("brute force: weighted totals on random scorecards and data", "[weighting][scorecard][random]") {
  std::mt19937_64 rng(20240611);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t nk = 1 + rng() % 7, np = rng() % 3, rows = rng() % 40;
    auto random_weights = [&] {  // integers totalling exactly 100, some zero
      std::vector<double> wv(nk, 0.0);
      for (int unit = 0; unit < 100; ++unit) wv[rng() % nk] += 1.0;
      return wv;
    };
    w::runtime_scorecard card;
    card.name = "random";
    mock_result r;
    for (std::size_t i = 0; i < rows; ++i) r.labels.push_back(std::string("rep").append(std::to_string(i)));
    const std::vector<double> base = random_weights();
    for (std::size_t k = 0; k < nk; ++k) {
      w::kpi_spec s;
      s.name = std::string("m").append(std::to_string(k));
      s.metric = s.name;
      s.target = 0.5 + u(rng) * 100.0;
      s.weight = base[k];
      s.direction = rng() % 2 ? w::lower_is_better : w::higher_is_better;
      s.cap = rng() % 2 ? 0.5 + u(rng) * 2.0 : w::no_cap;
      s.floor = rng() % 3 == 0 ? std::min(s.cap, u(rng)) : w::no_floor;
      if (s.direction == w::lower_is_better && s.cap == w::no_cap) s.cap = 3.0;  // keep totals finite
      card.kpis.push_back(s);
      std::vector<double> col(rows);
      for (double& v : col) {
        const auto kind = rng() % 10;
        v = kind == 0 ? kNaN : kind == 1 ? 0.0 : kind == 2 ? -u(rng) * 10.0 : u(rng) * 200.0;
      }
      r.columns[s.metric] = col;
    }
    for (std::size_t p = 0; p < np; ++p) card.profiles.push_back({std::string("p").append(std::to_string(p)), random_weights()});
    std::vector<std::int32_t> seg(rows);
    for (auto& c : seg) c = static_cast<std::int32_t>(rng() % (np + 1));

    for (auto policy : {w::missing_policy::zero, w::missing_policy::renormalize, w::missing_policy::propagate}) {
      const w::score_table s = w::score(card, r, seg, {policy});
      for (std::size_t i = 0; i < rows; ++i) {
        const std::vector<double>& wt = seg[i] == 0 ? base : card.profiles[static_cast<std::size_t>(seg[i] - 1)].weights;
        double num = 0.0, den = 0.0;
        bool any_nan = false;
        for (std::size_t k = 0; k < nk; ++k) {
          const auto& s_k = card.kpis[k];
          const double a = ref_attainment(r.columns[s_k.metric][i], s_k.target, s_k.direction == w::lower_is_better,
                                          s_k.cap, s_k.floor);
          if (std::isnan(a)) CHECK(std::isnan(s.attainment(i, k)));
          else CHECK(s.attainment(i, k) == Approx(a).epsilon(1e-14));
          if (wt[k] == 0.0) continue;
          if (std::isnan(a)) {
            any_nan = true;
            continue;
          }
          num += wt[k] * a;
          den += wt[k];
        }
        double expected;
        if (policy == w::missing_policy::zero) expected = num / 100.0;
        else if (policy == w::missing_policy::renormalize) expected = den > 0 ? num / den : kNaN;
        else expected = any_nan ? kNaN : num / 100.0;
        if (std::isnan(expected)) CHECK(std::isnan(s.total(i)));
        else CHECK(s.total(i) == Approx(expected).epsilon(1e-12).margin(1e-12));
      }
    }
  }
}

}  // namespace weighting_scorecard_test
