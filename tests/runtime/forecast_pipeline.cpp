// Tests for salesmetrics/forecast/pipeline_forecast.hpp, forecast_weighting.hpp and
// funnel_weighting.hpp: a hand-computed table (categories, rollups, "(none)" period, missing
// amount, won/lost handling, half-cent rounding, fiscal quarters, groups), the pass against an
// independent brute force (std::map over calendar indices and std::llround) on random tables for
// several seeds, calendars and group keys (dense and hashed cell paths), agreement with the metric
// engine's weighted_pipeline, each weighting policy by hand, and the argument errors.
#include "forecast_pipeline_support.hpp"

#include <salesmetrics/forecast/forecast_weighting.hpp>
#include <salesmetrics/forecast/funnel_weighting.hpp>
#include <salesmetrics/forecast/pipeline_forecast.hpp>
#include <salesmetrics/funnel/absorbing_chain.hpp>
#include <salesmetrics/funnel/logistic_scorer.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>
#include <salesmetrics/metrics/evaluate.hpp>
#include <salesmetrics/metrics/opportunity_metrics.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace forecast_pipeline_test {

namespace sm = salesmetrics;
namespace sf = salesmetrics::forecast;
using pipetest::day;
using pipetest::t2024;

namespace {

sm::timestamp at(std::int64_t days_after_2024) { return sm::from_unix(t2024 + days_after_2024 * day); }

struct hand_table {
  sm::opportunity_store o;
  hand_table() {
    using sm::deal_status;
    using fc = sm::forecast_category;
    auto add = [&](sm::stage_index stage, deal_status st, std::int64_t cents, sm::timestamp close, sm::timestamp closed, fc cat,
                   sm::dense_id rep, sm::dense_id seg) {
      o.opportunity_id.push_back(static_cast<sm::dense_id>(o.opportunity_id.size()));
      o.created_ts.push_back(at(-100));
      o.stage.push_back(stage);
      o.status.push_back(st);
      o.amount.push_back(cents < 0 ? sm::money::missing() : sm::money{cents});
      o.expected_close_ts.push_back(close);
      o.closed_ts.push_back(closed);
      o.forecast_category.push_back(cat);
      o.owner_rep_id.push_back(rep);
      o.attribute("segment").codes.push_back(seg);
    };
    o.attribute("segment").labels.encode("smb");
    o.attribute("segment").labels.encode("ent");
    add(0, deal_status::open, 1001, at(14), sm::no_time, fc::pipeline, 0, 0);             // A: Jan, 500.5 -> 501
    add(1, deal_status::open, 2000, at(30), sm::no_time, fc::commit, 1, 1);               // B: Jan 31, 500
    add(1, deal_status::open, -1, at(31), sm::no_time, fc::best_case, 1, sm::no_id);      // C: Feb 1, no amount
    add(2, deal_status::won, 700, at(40), at(9), fc::commit, 0, 0);                       // D: won Jan 10 -> closed
    add(0, deal_status::lost, 5000, at(5), at(3), fc::omitted, 0, 0);                     // E: lost, excluded
    add(0, deal_status::open, 300, sm::no_time, sm::no_time, fc::pipeline, sm::no_id, 0); // F: no close date
    add(0, deal_status::open, 999, at(40), sm::no_time, fc::omitted, 2, 1);               // G: Feb, 499.5 -> 500
  }
};

using half_quarter = sf::fixed_stage_weighting<0.5, 0.25, 0.9>;

void check_totals(const sf::forecast_totals& t, std::int64_t deals, std::int64_t missing, std::int64_t cents, std::int64_t weighted,
                  double expected) {
  CHECK(t.deals == deals);
  CHECK(t.missing_amount == missing);
  CHECK(t.amount.cents == cents);
  CHECK(t.weighted.cents == weighted);
  CHECK(t.expected_deals == Approx(expected).margin(1e-12));
}

}  // namespace

TEST_CASE("pipeline forecast: hand-computed months, categories and rollups", "[forecast][pipeline]") {
  hand_table h;
  const auto r = sf::forecast_pipeline(h.o.view(), half_quarter{});
  CHECK(r.rows_read == 7);
  CHECK(r.open_deals == 5);
  CHECK(r.won_deals == 1);
  CHECK(r.excluded_lost == 1);
  CHECK(r.excluded_won == 0);
  REQUIRE(r.size() == 3);
  const std::int64_t jan = 2024 * 12, feb = jan + 1;
  CHECK(r.cells()[0].period == jan);
  CHECK(r.cells()[1].period == feb);
  CHECK(r.cells()[2].period == sf::none_key);
  CHECK(r.period_label(jan) == "2024-01");
  CHECK(r.period_label(sf::none_key) == "(none)");
  CHECK(r.group_label(0) == "all");

  const sf::forecast_cell& c = *r.find(jan);
  using fc = sm::forecast_category;
  check_totals(c.category(fc::pipeline), 1, 0, 1001, 501, 0.5);
  check_totals(c.category(fc::best_case), 0, 0, 0, 0, 0.0);
  check_totals(c.category(fc::commit), 1, 0, 2000, 500, 0.25);
  check_totals(c.closed(), 1, 0, 700, 700, 1.0);
  check_totals(c.category(fc::omitted), 0, 0, 0, 0, 0.0);
  check_totals(c.commit_rollup(), 2, 0, 2700, 1200, 1.25);
  check_totals(c.best_case_rollup(), 2, 0, 2700, 1200, 1.25);
  check_totals(c.open_pipeline(), 2, 0, 3001, 1001, 0.75);
  check_totals(c.total(), 3, 0, 3701, 1701, 1.75);

  const sf::forecast_cell& f = *r.find(feb);
  check_totals(f.category(fc::best_case), 1, 1, 0, 0, 0.25);
  check_totals(f.category(fc::omitted), 1, 0, 999, 500, 0.5);
  check_totals(f.best_case_rollup(), 1, 1, 0, 0, 0.25);
  check_totals(f.total(), 2, 1, 999, 500, 0.75);

  check_totals(r.find(sf::none_key)->category(fc::pipeline), 1, 0, 300, 150, 0.5);
  check_totals(r.total().total(), 6, 1, 5000, 2351, 3.0);
  CHECK(r.find_at(at(20)) == r.find(jan));
  CHECK(r.find(jan + 5) == nullptr);

  SECTION("won deals left out") {
    sf::pipeline_options o;
    o.include_won = false;
    const auto r2 = sf::forecast_pipeline(h.o.view(), half_quarter{}, o);
    CHECK(r2.won_deals == 0);
    CHECK(r2.excluded_won == 1);
    check_totals(r2.find(jan)->closed(), 0, 0, 0, 0, 0.0);
    check_totals(r2.total().total(), 5, 1, 4300, 1651, 2.0);
  }
  SECTION("quarters and fiscal quarters starting in February") {
    sf::pipeline_options o;
    o.period = sm::calendar_period::quarters();
    const auto q = sf::forecast_pipeline(h.o.view(), half_quarter{}, o);
    REQUIRE(q.size() == 2);
    CHECK(q.period_label(q.cells()[0].period) == "2024-Q1");
    check_totals(q.cells()[0].total(), 5, 1, 4700, 2201, 2.5);
    o.period = sm::calendar_period::fiscal_quarters(2);
    const auto fq = sf::forecast_pipeline(h.o.view(), half_quarter{}, o);
    REQUIRE(fq.size() == 3);
    CHECK(fq.period_label(fq.cells()[0].period) == "FY2024-Q4");  // January 2024 ends FY2024 (Feb 2023 - Jan 2024)
    CHECK(fq.period_label(fq.cells()[1].period) == "FY2025-Q1");
    check_totals(fq.cells()[0].total(), 3, 0, 3701, 1701, 1.75);
    check_totals(fq.cells()[1].total(), 2, 1, 999, 500, 0.75);
  }
  SECTION("by rep, by team, by segment") {
    sm::dictionary reps;
    reps.encode("ann");
    reps.encode("bob");
    reps.encode("cy");
    sf::pipeline_options o;
    o.group = sf::forecast_group::rep(&reps);
    const auto byrep = sf::forecast_pipeline(h.o.view(), half_quarter{}, o);
    // Jan: ann (A, D), bob (B); Feb: bob (C), cy (G); (none): F has no owner.
    REQUIRE(byrep.size() == 5);
    CHECK(byrep.group_label(byrep.cells()[0].group) == "ann");
    check_totals(byrep.find(2024 * 12, 0)->total(), 2, 0, 1701, 1201, 1.5);
    check_totals(byrep.find(2024 * 12, 1)->total(), 1, 0, 2000, 500, 0.25);
    check_totals(byrep.find(2024 * 12 + 1, 2)->total(), 1, 0, 999, 500, 0.5);
    CHECK(byrep.find(sf::none_key, sf::none_key) != nullptr);
    CHECK(byrep.group_label(sf::none_key) == "(none)");

    const std::vector<sm::dense_id> team_of_rep{0, 1, -1};  // ann -> team 0, bob -> team 1, cy -> no team
    sm::dictionary teams;
    teams.encode("east");
    teams.encode("west");
    o.group = sf::forecast_group::team(team_of_rep, &teams);
    const auto byteam = sf::forecast_pipeline(h.o.view(), half_quarter{}, o);
    CHECK(byteam.group_label(1) == "west");
    check_totals(byteam.find(2024 * 12 + 1, sf::none_key)->total(), 1, 0, 999, 500, 0.5);  // cy
    check_totals(byteam.find(2024 * 12 + 1, 1)->total(), 1, 1, 0, 0, 0.25);               // bob's C

    o.group = sf::forecast_group::by_attribute("segment");
    const auto byseg = sf::forecast_pipeline(h.o.view(), half_quarter{}, o);
    CHECK(byseg.group_label(1) == "ent");
    check_totals(byseg.find(2024 * 12, 0)->total(), 2, 0, 1701, 1201, 1.5);
    check_totals(byseg.find(2024 * 12 + 1, sf::none_key)->total(), 1, 1, 0, 0, 0.25);
    o.group = sf::forecast_group::by_attribute("region");
    CHECK_THROWS_WITH(sf::forecast_pipeline(h.o.view(), half_quarter{}, o), Catch::Contains("no attribute column 'region'"));
  }
}

TEST_CASE("pipeline forecast: no forecast_category or expected close column", "[forecast][pipeline]") {
  hand_table h;
  h.o.forecast_category.clear();
  h.o.expected_close_ts.clear();
  const auto r = sf::forecast_pipeline(h.o.view(), half_quarter{});
  // Open deals all in (none)/pipeline, the won deal in January/closed.
  REQUIRE(r.size() == 2);
  check_totals(r.find(sf::none_key)->category(sm::forecast_category::pipeline), 5, 1, 4300, 1651, 2.0);
  check_totals(r.find(2024 * 12)->closed(), 1, 0, 700, 700, 1.0);
  // Without an owner column every deal is in the group "(none)", by rep or by team.
  h.o.owner_rep_id.clear();
  sf::pipeline_options o;
  o.group = sf::forecast_group::rep();
  const auto byrep = sf::forecast_pipeline(h.o.view(), half_quarter{}, o);
  REQUIRE(byrep.size() == 2);
  CHECK(byrep.cells()[0].group == sf::none_key);
  check_totals(byrep.find(sf::none_key, sf::none_key)->total(), 5, 1, 4300, 1651, 2.0);
  const std::vector<sm::dense_id> teams{0, 1};
  o.group = sf::forecast_group::team(teams);
  CHECK(sf::forecast_pipeline(h.o.view(), half_quarter{}, o).find(2024 * 12, sf::none_key) != nullptr);
}

namespace {

struct brute_key {
  std::int64_t period, group;
  std::size_t cat;
  auto operator<=>(const brute_key&) const = default;
};

/// Independent computation: a std::map keyed by (calendar index, group, category).
std::map<brute_key, sf::forecast_totals> brute_force(const sm::opportunity_view& v, const std::vector<double>& p_by_stage,
                                                     const sf::pipeline_options& o) {
  std::map<brute_key, sf::forecast_totals> m;
  for (std::size_t i = 0; i < v.size(); ++i) {
    double p = 1.0;
    std::size_t cat = 3;
    sm::timestamp t;
    if (v.status[i] == sm::deal_status::open) {
      p = p_by_stage.at(static_cast<std::size_t>(v.stage[i]));
      cat = static_cast<std::size_t>(v.forecast_category[i]);
      t = v.expected_close_ts[i];
    } else if (v.status[i] == sm::deal_status::won && o.include_won) {
      t = v.closed_ts[i];
    } else {
      continue;
    }
    const std::int64_t period = sm::is_missing(t) ? sf::none_key : o.period.index(t);
    std::int64_t g = 0;
    const sm::dense_id rep = v.owner_rep_id[i];
    switch (o.group.by) {
      case sf::forecast_group::kind::none: g = 0; break;
      case sf::forecast_group::kind::rep: g = rep < 0 ? sf::none_key : rep; break;
      case sf::forecast_group::kind::team: {
        const sm::dense_id team = rep < 0 || static_cast<std::size_t>(rep) >= o.group.team_of_rep.size() ? -1 : o.group.team_of_rep[static_cast<std::size_t>(rep)];
        g = team < 0 ? sf::none_key : team;
        break;
      }
      case sf::forecast_group::kind::attribute: {
        const sm::dense_id code = v.attribute(o.group.attribute)->codes[i];
        g = code < 0 ? sf::none_key : code;
        break;
      }
    }
    sf::forecast_totals& t2 = m[{period, g, cat}];
    ++t2.deals;
    t2.expected_deals += p;
    if (v.amount[i].is_missing()) {
      ++t2.missing_amount;
    } else {
      t2.amount += v.amount[i];
      t2.weighted += sm::money{std::llround(static_cast<double>(v.amount[i].cents) * p)};
    }
  }
  return m;
}

void compare(const sf::pipeline_forecast_result& r, const std::map<brute_key, sf::forecast_totals>& m) {
  std::size_t nonempty = 0;
  std::int64_t prev_period = std::numeric_limits<std::int64_t>::min(), prev_group = -1;
  for (const auto& c : r.cells()) {
    // Ordered by (period, group), each once.
    CHECK((c.period > prev_period || (c.period == prev_period && c.group > prev_group)));
    prev_period = c.period;
    prev_group = c.group;
    for (std::size_t k = 0; k < sf::category_count; ++k) {
      const sf::forecast_totals& t = c.by_category[k];
      const auto it = m.find({c.period, c.group, k});
      if (t.deals == 0) {
        CHECK(it == m.end());
        continue;
      }
      ++nonempty;
      REQUIRE(it != m.end());
      CHECK(t.deals == it->second.deals);
      CHECK(t.missing_amount == it->second.missing_amount);
      CHECK(t.amount == it->second.amount);
      CHECK(t.weighted == it->second.weighted);
      CHECK(t.expected_deals == Approx(it->second.expected_deals).epsilon(1e-12));
    }
  }
  CHECK(nonempty == m.size());
}

}  // namespace

TEST_CASE("pipeline forecast: brute force on random tables", "[forecast][pipeline][brute]") {
  const std::vector<double> p{0.05, 0.5, 0.3, 0.25, 0.9};  // 0.5 and 0.25 make exact half cents
  const std::vector<sm::dense_id> team_of_rep{0, 0, 1, 2, 1, -1, 3, 3, 2};  // reps 9..11 are in no team
  const std::vector<sm::calendar_period> calendars{sm::calendar_period::months(), sm::calendar_period::quarters(),
                                                   sm::calendar_period::iso_weeks(), sm::calendar_period::days(),
                                                   sm::calendar_period::fiscal_quarters(4), sm::calendar_period::fiscal_years(10)};
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    pipetest::table_shape shape;
    shape.n = 1500 + 300 * seed;
    shape.span_days = seed == 4 ? 40000 : 500;  // seed 4: over a century (sparse cells, no day table)
    sm::opportunity_store store = pipetest::random_opportunities(seed, shape);
    if (seed == 4) {  // dates 3,400 years apart: no day -> period table, the calendar per row
      store.status[0] = store.status[1] = sm::deal_status::open;
      store.expected_close_ts[0] = sm::from_unix(sm::days_from_civil(500, 3, 1) * day);
      store.expected_close_ts[1] = sm::from_unix(sm::days_from_civil(3900, 12, 31) * day + 86399);
    }
    const sm::opportunity_view v = store.view();
    const sf::stage_weighting w = sf::make_stage_weighting(p);
    for (const auto& cal : calendars) {
      for (int g = 0; g < 4; ++g) {
        sf::pipeline_options o;
        o.period = cal;
        o.include_won = (seed + static_cast<std::uint64_t>(g)) % 3 != 0;
        if (g == 1) o.group = sf::forecast_group::rep();
        if (g == 2) o.group = sf::forecast_group::team(team_of_rep);
        if (g == 3) o.group = sf::forecast_group::by_attribute("segment");
        INFO("seed " << seed << " unit " << static_cast<int>(cal.unit) << " group " << g);
        const auto r = sf::forecast_pipeline(v, w, o);
        compare(r, brute_force(v, p, o));
        CHECK(r.rows_read == r.open_deals + r.won_deals + r.excluded_lost + r.excluded_won);
      }
    }
  }
}

TEST_CASE("pipeline forecast: agrees with the metric engine's weighted_pipeline", "[forecast][pipeline][engine]") {
  for (std::uint64_t seed : {11u, 12u}) {
    sm::crm_data data;
    data.opportunities = pipetest::random_opportunities(seed, {});
    data.stages = sm::schema_stages::runtime();
    const sm::crm_view view = data.view();
    namespace mx = sm::metrics;
    using engine_weight = mx::stage_probability<0.1, 0.2, 0.4, 0.6, 0.8>;
    const auto e = mx::evaluate<mx::open_count, mx::open_amount, mx::weighted_pipeline<engine_weight>>(
        view, mx::group::period(sm::calendar_period::months()));
    sf::pipeline_options o;
    o.include_won = false;
    const auto r = sf::forecast_pipeline(view.opportunities, sf::fixed_stage_weighting<0.1, 0.2, 0.4, 0.6, 0.8>{}, o);
    const auto counts = e.column<mx::open_count>();
    const auto amounts = e.column<mx::open_amount>();
    const auto weighted = e.column<mx::weighted_pipeline<engine_weight>>();
    std::size_t matched = 0;
    for (std::size_t row = 0; row < e.rows(); ++row) {
      if (counts[row] == 0) continue;
      // The engine reports its "(none)" key as -1 in key_values.
      const std::int64_t period = e.key_labels[0][row] == "(none)" ? sf::none_key : e.key_values[0][row];
      const sf::forecast_cell* c = r.find(period);
      REQUIRE(c != nullptr);
      const sf::forecast_totals t = c->total();
      CHECK(t.deals == counts[row]);
      CHECK(t.amount == amounts[row]);
      CHECK(t.weighted == weighted[row]);
      ++matched;
    }
    CHECK(matched == r.size());
  }
}

TEST_CASE("weightings: each policy by hand", "[forecast][weighting]") {
  hand_table h;
  const sm::opportunity_view v = h.o.view();
  const sf::deal_context ctx{at(50)};
  SECTION("own probability with a fallback") {
    h.o.probability = {0.3f, std::numeric_limits<float>::quiet_NaN(), 0.7f, 1.f, 0.f, 0.1f, 0.2f};
    const sm::opportunity_view v2 = h.o.view();
    const sf::own_probability<half_quarter> own{};
    CHECK(own.probability(v2, 0, ctx) == Approx(0.3));
    CHECK(own.probability(v2, 1, ctx) == 0.25);  // NaN: the stage fallback (stage 1)
    CHECK(sf::own_probability<>{}.probability(v2, 1, ctx) == 0.0);
    h.o.probability.clear();
    CHECK(own.probability(h.o.view(), 0, ctx) == 0.5);  // no column: the fallback
  }
  SECTION("scored probabilities") {
    const std::vector<double> scores{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7};
    const auto r = sf::forecast_pipeline(v, sf::scored_probability{scores});
    check_totals(r.find(2024 * 12)->category(sm::forecast_category::pipeline), 1, 0, 1001, 100, 0.1);
    const std::vector<double> few{0.1};
    CHECK_THROWS_WITH(sf::forecast_pipeline(v, sf::scored_probability{few}), Catch::Contains("1 scores for 7 opportunity rows"));
  }
  SECTION("age and staleness discount") {
    // Deal B (row 1): expected close day 30, as_of day 50 -> 20 days overdue; half-life 20 -> x 0.5.
    // last touch day 0, grace 20, half-life 15: idle 50 - 20 = 30 -> x 0.25. p = 0.25 * 0.5 * 0.25.
    const std::vector<sm::timestamp> touch{at(50), at(0), sm::no_time, at(0), at(0), sm::no_time, at(60)};
    sf::aging_rule rule;
    rule.overdue_half_life_days = 20.0;
    rule.stale_half_life_days = 15.0;
    rule.stale_grace_days = 20.0;
    rule.last_touch = touch;
    const sf::aged<half_quarter> w(half_quarter{}, rule);
    w.check(v, ctx);
    CHECK(w.probability(v, 1, ctx) == 0.25 * 0.5 * 0.25);
    // Row 0: close day 14 -> 36 days overdue; touched at as_of (no stale discount).
    CHECK(w.probability(v, 0, ctx) == Approx(0.5 * std::exp2(-36.0 / 20.0)).epsilon(1e-15));
    // Row 2: never touched: the clock starts at created (day -100): idle 150 - 20 = 130 days; due day 31.
    CHECK(w.probability(v, 2, ctx) == Approx(0.25 * std::exp2(-19.0 / 20.0) * std::exp2(-130.0 / 15.0)).epsilon(1e-14));
    // Row 5: no expected close, never touched.
    CHECK(w.probability(v, 5, ctx) == Approx(0.5 * std::exp2(-130.0 / 15.0)).epsilon(1e-14));
    // Row 6: touched after as_of and due before it: only the overdue discount (10 days).
    CHECK(w.probability(v, 6, ctx) == Approx(0.5 * std::exp2(-10.0 / 20.0)).epsilon(1e-15));
    sf::pipeline_options o;
    o.as_of = at(50);
    const auto r = sf::forecast_pipeline(v, w, o);
    CHECK(r.find(2024 * 12)->category(sm::forecast_category::commit).weighted.cents == std::llround(2000 * 0.25 * 0.5 * 0.25));
    CHECK_THROWS_WITH(sf::forecast_pipeline(v, w), Catch::Contains("needs an as_of instant"));
    sf::aging_rule no_touch = rule;
    no_touch.last_touch = {};
    CHECK_THROWS_WITH(sf::forecast_pipeline(v, sf::aged<half_quarter>(half_quarter{}, no_touch), o), Catch::Contains("last_touch"));
    sf::aging_rule bad = rule;
    bad.overdue_half_life_days = 0.0;
    CHECK_THROWS_WITH(sf::aged<half_quarter>(half_quarter{}, bad), Catch::Contains("overdue_half_life_days"));
  }
  SECTION("last touch from the activity table") {
    sm::activity_store a;
    auto act = [&](std::int64_t d, sm::dense_id opp, sm::activity_status s) {
      a.ts.push_back(at(d));
      a.type.push_back(sm::activity_type::email);
      a.direction.push_back(sm::direction::outbound);
      a.rep_id.push_back(0);
      a.opportunity_id.push_back(opp);
      a.status.push_back(s);
    };
    act(3, 1, sm::activity_status::completed);
    act(9, 1, sm::activity_status::completed);
    act(12, 1, sm::activity_status::scheduled);   // not done
    act(70, 1, sm::activity_status::completed);   // after as_of
    act(5, 6, sm::activity_status::completed);
    act(6, sm::no_id, sm::activity_status::completed);
    act(7, 42, sm::activity_status::completed);   // not in the table
    const auto t = sf::last_touch_by_row(a.view(), v, at(50));
    REQUIRE(t.size() == 7);
    CHECK(t[1] == at(9));
    CHECK(t[6] == at(5));
    CHECK(sm::is_missing(t[0]));
  }
}

TEST_CASE("weightings: funnel win probabilities", "[forecast][weighting][funnel]") {
  // Two open stages: s0 -> s1 half the time, else lost; s1 -> won half the time, else lost.
  // B = (0.25, 0.5). History of 4 deals.
  sm::stage_history_store h;
  auto row = [&](sm::dense_id id, std::int64_t d, sm::stage_index from, sm::stage_index to) {
    h.opportunity_id.push_back(id);
    h.ts.push_back(at(d));
    h.from_stage.push_back(from);
    h.to_stage.push_back(to);
  };
  const sm::stage_list stages({"s0", "s1"});  // won 2, lost 3
  row(0, 0, -1, 0), row(0, 1, 0, 1), row(0, 2, 1, 2);
  row(1, 0, -1, 0), row(1, 1, 0, 1), row(1, 2, 1, 3);
  row(2, 0, -1, 0), row(2, 1, 0, 3);
  row(3, 0, -1, 0), row(3, 1, 0, 3);
  // s0 exits: 2 to s1, 2 to lost.
  const auto fit = sm::funnel::fit_transitions(h.view(), stages);
  const sf::stage_weighting w = sf::funnel_stage_weighting(fit, stages);
  const auto p = sf::funnel_win_probabilities(sm::funnel::solve_absorbing_chain(fit, stages), stages);
  REQUIRE(p.size() == 4);
  CHECK(p[0] == Approx(0.25).epsilon(1e-14));
  CHECK(p[1] == Approx(0.5).epsilon(1e-14));
  CHECK(p[2] == 1.0);
  CHECK(p[3] == 0.0);
  hand_table t;
  for (auto& s : t.o.stage) s = static_cast<sm::stage_index>(std::min<int>(s, 1));
  const auto r = sf::forecast_pipeline(t.o.view(), w);
  check_totals(r.find(2024 * 12)->category(sm::forecast_category::commit), 1, 0, 2000, 1000, 0.5);
  // A stage that is never left makes the chain singular: no win probability.
  sm::stage_history_store h2;
  h2.opportunity_id = {0};
  h2.ts = {at(0)};
  h2.from_stage = {-1};
  h2.to_stage = {0};
  CHECK_THROWS_WITH(sf::funnel_stage_weighting(sm::funnel::fit_transitions(h2.view(), stages), stages), Catch::Contains("singular"));
}

TEST_CASE("pipeline forecast: bad probabilities are reported", "[forecast][pipeline]") {
  hand_table h;
  h.o.stage[0] = 7;  // outside the list: NaN
  CHECK_THROWS_WITH(sf::forecast_pipeline(h.o.view(), half_quarter{}), Catch::Contains("opportunity row 0 (stage 7)"));
  hand_table h2;
  CHECK_THROWS_WITH(sf::forecast_pipeline(h2.o.view(), sf::constant_probability{1.5}), Catch::Contains("must lie in [0, 1]"));
  CHECK_THROWS_AS(sf::make_stage_weighting({0.2, -0.1}), std::invalid_argument);
}

TEST_CASE("weightings: a deal-scoring model's output", "[forecast][weighting][scoring]") {
  // Fit funnel::logistic_scorer on the closed deals (feature: the segment), score every row and
  // forecast with the scores: each weighted term is round(amount x score).
  const sm::opportunity_store store = pipetest::random_opportunities(5, {});
  const sm::opportunity_view v = store.view();
  std::vector<sm::dense_id> seg_closed;
  std::vector<std::uint8_t> won;
  const auto seg = v.attribute("segment")->codes;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v.status[i] != sm::deal_status::open) {
      seg_closed.push_back(seg[i]);
      won.push_back(v.status[i] == sm::deal_status::won ? 1 : 0);
    }
  const std::vector<sm::funnel::categorical_column> train{{seg_closed, 3}};
  const auto model = sm::funnel::logistic_scorer::fit({}, train, won);
  std::vector<double> scores(v.size());
  const std::vector<sm::funnel::categorical_column> all{{seg, 3}};
  model.score({}, all, scores);
  sf::pipeline_options o;
  o.include_won = false;
  const auto r = sf::forecast_pipeline(v, sf::scored_probability{scores}, o);
  std::int64_t expect = 0;
  double expected_deals = 0;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v.status[i] == sm::deal_status::open) {
      expected_deals += scores[i];
      if (!v.amount[i].is_missing()) expect += std::llround(static_cast<double>(v.amount[i].cents) * scores[i]);
    }
  CHECK(r.total().total().weighted.cents == expect);
  CHECK(r.total().total().expected_deals == Approx(expected_deals).epsilon(1e-12));
}

}  // namespace forecast_pipeline_test
