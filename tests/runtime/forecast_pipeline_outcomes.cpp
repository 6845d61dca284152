// Tests for salesmetrics/forecast/pipeline_outcomes.hpp: a hand-computed period (count law, exact
// revenue quantiles, moments), per-period laws on random tables against an independent gather of
// each period's deals and brute-force enumeration of every outcome, the Monte Carlo and normal
// methods against the exact law, the category selection and the method choice, argument errors.
#include "forecast_pipeline_support.hpp"

#include <salesmetrics/forecast/forecast_weighting.hpp>
#include <salesmetrics/forecast/pipeline_outcomes.hpp>
#include <salesmetrics/core/special_functions.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <vector>

namespace forecast_pipeline_outcomes_test {

namespace sm = salesmetrics;
namespace sf = salesmetrics::forecast;
using pipetest::day;
using pipetest::t2024;

namespace {
sm::timestamp at(std::int64_t d) { return sm::from_unix(t2024 + d * day); }

sm::opportunity_store three_deals() {
  sm::opportunity_store o;
  auto add = [&](sm::stage_index s, sm::deal_status st, std::int64_t cents, sm::forecast_category c) {
    o.opportunity_id.push_back(static_cast<sm::dense_id>(o.opportunity_id.size()));
    o.created_ts.push_back(at(-30));
    o.stage.push_back(s);
    o.status.push_back(st);
    o.amount.push_back(sm::money{cents});
    o.expected_close_ts.push_back(at(10));
    o.closed_ts.push_back(st == sm::deal_status::won ? at(3) : sm::no_time);
    o.forecast_category.push_back(c);
  };
  add(0, sm::deal_status::open, 100, sm::forecast_category::pipeline);
  add(0, sm::deal_status::open, 200, sm::forecast_category::commit);
  add(2, sm::deal_status::won, 300, sm::forecast_category::closed);
  add(0, sm::deal_status::open, 5000, sm::forecast_category::omitted);  // not selected by default
  add(0, sm::deal_status::lost, 7000, sm::forecast_category::omitted);
  return o;
}
}  // namespace

TEST_CASE("outcomes: hand-computed period", "[forecast][outcomes]") {
  const sm::opportunity_store o = three_deals();
  const auto r = sf::forecast_outcomes(o.view(), sf::fixed_stage_weighting<0.5>{});
  REQUIRE(r.periods.size() == 1);
  const sf::period_outcome& p = r.periods[0];
  CHECK(r.period_label(p.period) == "2024-01");
  CHECK(p.deals == 3);
  CHECK(p.missing_amount == 0);
  // K = 1 + Binomial(2, 1/2).
  REQUIRE(p.wins.pmf().size() == 4);
  CHECK(p.wins.pmf(0) == 0.0);
  CHECK(p.wins.pmf(1) == 0.25);
  CHECK(p.wins.pmf(2) == 0.5);
  CHECK(p.wins.pmf(3) == 0.25);
  CHECK(p.expected_wins == 2.0);
  CHECK(p.wins_sd == Approx(std::sqrt(0.5)));
  CHECK(p.win_quantiles == std::vector<std::size_t>{1, 2, 3});
  // R = 300 + 100 X1 + 200 X2 cents: 300, 400, 500, 600 each with probability 1/4.
  CHECK(p.method == sf::revenue_method::exact);
  CHECK(p.revenue_mean == Approx(4.5));
  CHECK(p.revenue_sd == Approx(std::sqrt(0.25 * 100 * 100 + 0.25 * 200 * 200) / 100.0));
  REQUIRE(p.revenue_quantiles.size() == 3);
  CHECK(p.revenue_quantiles[0].value.cents == 300);
  CHECK(p.revenue_quantiles[1].value.cents == 400);
  CHECK(p.revenue_quantiles[2].value.cents == 600);
  CHECK(p.revenue_quantiles[2].standard_error == 0.0);

  sf::outcome_options all;
  all.categories = {true, true, true, true, true};
  const auto r2 = sf::forecast_outcomes(o.view(), sf::fixed_stage_weighting<0.5>{}, {}, all);
  CHECK(r2.periods[0].deals == 4);
  sf::outcome_options no_won;
  no_won.categories = {true, true, true, false, false};
  CHECK(sf::forecast_outcomes(o.view(), sf::fixed_stage_weighting<0.5>{}, {}, no_won).periods[0].deals == 2);
  sf::outcome_options bad;
  bad.levels = {0.5, 1.2};
  CHECK_THROWS_WITH(sf::forecast_outcomes(o.view(), sf::fixed_stage_weighting<0.5>{}, {}, bad), Catch::Contains("1.2"));
}

namespace {
struct gathered {
  std::vector<double> p;
  std::vector<std::int64_t> cents;
  std::int64_t missing = 0;
};
std::map<std::int64_t, gathered> gather(const sm::opportunity_view& v, const std::vector<double>& p_by_stage, const sm::calendar_period& cal,
                                        const std::array<bool, 5>& cats) {
  std::map<std::int64_t, gathered> m;
  for (std::size_t i = 0; i < v.size(); ++i) {
    double p;
    sm::timestamp t;
    if (v.status[i] == sm::deal_status::open) {
      if (!cats[static_cast<std::size_t>(v.forecast_category[i])]) continue;
      p = p_by_stage[static_cast<std::size_t>(v.stage[i])];
      t = v.expected_close_ts[i];
    } else if (v.status[i] == sm::deal_status::won && cats[3]) {
      p = 1.0;
      t = v.closed_ts[i];
    } else {
      continue;
    }
    gathered& g = m[sm::is_missing(t) ? sf::none_key : cal.index(t)];
    g.p.push_back(p);
    g.cents.push_back(v.amount[i].is_missing() ? 0 : v.amount[i].cents);
    g.missing += v.amount[i].is_missing();
  }
  return m;
}
/// P(R <= r) by enumerating every outcome.
std::map<std::int64_t, double> enumerate(const gathered& g) {
  std::map<std::int64_t, double> law;
  const std::size_t n = g.p.size();
  for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
    double pr = 1.0;
    std::int64_t r = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (mask & (1u << i)) {
        pr *= g.p[i];
        r += g.cents[i];
      } else {
        pr *= 1.0 - g.p[i];
      }
    }
    law[r] += pr;
  }
  return law;
}
std::int64_t brute_quantile(const std::map<std::int64_t, double>& law, double q) {
  double c = 0.0;
  std::int64_t last = 0;
  for (const auto& [r, pr] : law) {
    c += pr;
    last = r;
    if (pr > 0 && c >= q - 1e-12) return r;
  }
  return last;
}
}  // namespace

TEST_CASE("outcomes: random tables against a direct gather and enumeration", "[forecast][outcomes][brute]") {
  const std::vector<double> p{0.1, 0.35, 0.5, 0.8, 0.95};
  for (std::uint64_t seed : {21u, 22u, 23u}) {
    pipetest::table_shape shape;
    shape.n = 600;
    shape.span_days = seed == 23 ? 60 : 900;  // seed 23: many deals per period (Monte Carlo / normal)
    sm::opportunity_store store = pipetest::random_opportunities(seed, shape);
    for (auto& a : store.amount)  // whole currency units: small lattices for the exact method
      if (!a.is_missing()) a.cents = (a.cents % 400 + 1) * 100;
    const sm::opportunity_view v = store.view();
    sf::pipeline_options po;
    po.period = seed == 22 ? sm::calendar_period::iso_weeks() : sm::calendar_period::months();
    sf::outcome_options oo;
    oo.levels = {0.0, 0.1, 0.5, 0.9, 1.0};
    oo.monte_carlo.draws = 4000;
    const auto r = sf::forecast_outcomes(v, sf::make_stage_weighting(p), po, oo);
    const auto g = gather(v, p, po.period, oo.categories);
    REQUIRE(r.periods.size() == g.size());
    std::size_t enumerated = 0;
    for (const sf::period_outcome& out : r.periods) {
      INFO("seed " << seed << " period " << out.period);
      const gathered& d = g.at(out.period);
      CHECK(out.deals == static_cast<std::int64_t>(d.p.size()));
      CHECK(out.missing_amount == d.missing);
      const sf::poisson_binomial law = sf::poisson_binomial_distribution(d.p);
      REQUIRE(out.wins.pmf().size() == law.pmf().size());
      for (std::size_t k = 0; k < law.pmf().size(); ++k) CHECK(out.wins.pmf(k) == Approx(law.pmf(k)).margin(1e-12));
      double mean = 0, var = 0;
      for (std::size_t i = 0; i < d.p.size(); ++i) {
        mean += static_cast<double>(d.cents[i]) * d.p[i];
        var += static_cast<double>(d.cents[i]) * static_cast<double>(d.cents[i]) * d.p[i] * (1 - d.p[i]);
      }
      CHECK(out.revenue_mean == Approx(mean / 100.0).epsilon(1e-12));
      CHECK(out.revenue_sd == Approx(std::sqrt(var) / 100.0).epsilon(1e-12));
      if (d.p.size() <= 16) {
        ++enumerated;
        CHECK(out.method == sf::revenue_method::exact);
        const auto law_r = enumerate(d);
        for (std::size_t j = 0; j < oo.levels.size(); ++j) {
          // r is a q-quantile up to rounding: P(R <= r) >= q - eps and P(R < r) < q + eps, r in the support.
          const double q = oo.levels[j], eps = 1e-9;
          const std::int64_t r = out.revenue_quantiles[j].value.cents;
          double below = 0.0, upto = 0.0;
          bool in_support = false;
          for (const auto& [rv, pr] : law_r) {
            if (rv < r) below += pr;
            if (rv <= r) upto += pr;
            in_support = in_support || (rv == r && pr > 0.0);
          }
          CHECK(in_support);
          CHECK(upto >= q - eps);
          CHECK(below < q + eps);
          if (q == 0.0) CHECK(r == brute_quantile(law_r, 1e-300));
        }
      }
    }
    if (seed != 23) CHECK(enumerated > 3);
  }
}

TEST_CASE("outcomes: Monte Carlo and normal against the exact law", "[forecast][outcomes]") {
  pipetest::table_shape shape;
  shape.n = 400;
  shape.span_days = 20;  // late 2023 and early 2024: two fiscal years of about 200 deals each
  sm::opportunity_store store = pipetest::random_opportunities(31, shape);
  for (auto& a : store.amount)
    if (!a.is_missing()) a.cents = (a.cents % 50 + 1) * 1000;
  const sm::opportunity_view v = store.view();
  sf::pipeline_options po;
  po.period = sm::calendar_period::fiscal_years(1);
  const auto w = sf::make_stage_weighting({0.2, 0.4, 0.5, 0.6, 0.9});
  sf::outcome_options exact;
  exact.method = sf::revenue_method::exact;
  sf::outcome_options mc;
  mc.method = sf::revenue_method::monte_carlo;
  mc.monte_carlo.draws = 20000;
  sf::outcome_options normal;
  normal.method = sf::revenue_method::normal;
  const auto e = sf::forecast_outcomes(v, w, po, exact);
  const auto m = sf::forecast_outcomes(v, w, po, mc);
  const auto n = sf::forecast_outcomes(v, w, po, normal);
  REQUIRE(e.periods.size() == m.periods.size());
  std::size_t compared = 0;
  for (std::size_t i = 0; i < e.periods.size(); ++i) {
    const auto& pe = e.periods[i];
    const auto& pm = m.periods[i];
    const auto& pn = n.periods[i];
    CHECK(pm.method == sf::revenue_method::monte_carlo);
    CHECK(pn.method == sf::revenue_method::normal);
    if (pe.deals < 30) continue;
    ++compared;
    for (std::size_t j = 0; j < 3; ++j) {
      const auto& qm = pm.revenue_quantiles[j];
      INFO("period " << pe.period << " level " << qm.level);
      CHECK(qm.standard_error > 0.0);
      CHECK(qm.lower <= qm.value);
      CHECK(qm.value <= qm.upper);
      // Within 4 standard errors (plus one lattice step of 10.00) of the exact quantile.
      CHECK(std::fabs(qm.value.units() - pe.revenue_quantiles[j].value.units()) <= 4 * qm.standard_error + 10.0);
      const double z = salesmetrics::normal_quantile(qm.level);
      CHECK(std::fabs(pn.revenue_quantiles[j].value.units() - (pn.revenue_mean + z * pn.revenue_sd)) <= 0.0051);
      CHECK(std::isnan(pn.revenue_quantiles[j].standard_error));
    }
    CHECK(pm.mean_standard_error > 0.0);
    CHECK(std::fabs(pm.revenue_mean - pe.revenue_mean) < 1e-9 * std::fabs(pe.revenue_mean) + 1e-9);
    CHECK(pn.berry_esseen_bound > 0.0);
  }
  CHECK(compared >= 2);
  // Automatic: a large lattice with a small budget falls back to Monte Carlo, then to normal.
  sf::outcome_options tight;
  tight.max_lattice_cells = 10;
  tight.monte_carlo.draws = 100;
  tight.work_budget = 1e9;
  CHECK(sf::forecast_outcomes(v, w, po, tight).periods[0].method == sf::revenue_method::monte_carlo);
  tight.work_budget = 10;
  CHECK(sf::forecast_outcomes(v, w, po, tight).periods[0].method == sf::revenue_method::normal);
  CHECK_THROWS_AS(sf::forecast_outcomes(v, w, po, [] {
    sf::outcome_options o;
    o.method = sf::revenue_method::exact;
    o.max_lattice_cells = 10;
    return o;
  }()), std::invalid_argument);
}

}  // namespace forecast_pipeline_outcomes_test
