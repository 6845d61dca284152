// Tests for salesmetrics/forecast/timing.hpp: a one-stage geometric model computed by hand, random
// chains against a brute-force step-by-step propagation that dates every step and looks its period
// up with the calendar, the identity sum over periods + later = eventual wins = close-date expected
// wins, the close-date side against pipeline_forecast, and the argument errors.
#include "forecast_pipeline_support.hpp"

#include <salesmetrics/forecast/forecast_weighting.hpp>
#include <salesmetrics/forecast/pipeline_forecast.hpp>
#include <salesmetrics/forecast/timing.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>
#include <salesmetrics/funnel/time_stepped.hpp>

#include <catch2/catch.hpp>

#include <Eigen/Core>

#include <cmath>
#include <map>
#include <vector>

namespace forecast_timing_test {

namespace sm = salesmetrics;
namespace sf = salesmetrics::forecast;
namespace fn = salesmetrics::funnel;
using pipetest::day;
using pipetest::t2024;

namespace {
sm::timestamp at(std::int64_t d) { return sm::from_unix(t2024 + d * day); }

sm::opportunity_store deals_at(const std::vector<sm::stage_index>& stages, const std::vector<std::int64_t>& cents,
                               const std::vector<sm::timestamp>& close) {
  sm::opportunity_store o;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    o.opportunity_id.push_back(static_cast<sm::dense_id>(i));
    o.created_ts.push_back(at(-50));
    o.stage.push_back(stages[i]);
    o.status.push_back(sm::deal_status::open);
    o.amount.push_back(cents[i] < 0 ? sm::money::missing() : sm::money{cents[i]});
    o.expected_close_ts.push_back(close[i]);
    o.forecast_category.push_back(sm::forecast_category::pipeline);
  }
  return o;
}
}  // namespace

TEST_CASE("timing: one open stage, geometric by hand", "[forecast][timing]") {
  // Per day: leave with probability 1/10; on leaving, won 0.6, lost 0.4. won_by(s) = 0.6 (1 - 0.9^(s+1)).
  Eigen::MatrixXd Q(1, 1), R(1, 2);
  Q << 0.0;
  R << 0.6, 0.4;
  Eigen::VectorXd d(1);
  d << 10.0;
  const fn::step_model m = fn::make_step_model(Q, R, d, 1.0);
  const sm::opportunity_store o = deals_at({0, 0}, {1000, -1}, {at(10), sm::no_time});
  sf::timing_options opt;
  opt.as_of = at(0);  // 2024-01-01
  opt.periods = 2;
  const sf::timing_result t = sf::forecast_timing(o.view(), m, opt);
  REQUIRE(t.periods.size() == 2);
  CHECK(t.deals == 2);
  CHECK(t.missing_amount == 1);
  CHECK(t.period_label(t.periods[0].period) == "2024-01");
  CHECK(t.periods[0].from == at(0));
  CHECK(t.periods[0].to == at(31));
  CHECK(t.periods[1].from == at(31));
  // Steps at days 1..30 fall in January (30 steps), 31..59 in February (29 steps).
  const double q0 = 0.6 * (1 - std::pow(0.9, 30)), q1 = 0.6 * (std::pow(0.9, 30) - std::pow(0.9, 59));
  CHECK(t.periods[0].expected_wins == Approx(2 * q0).epsilon(1e-12));
  CHECK(t.periods[1].expected_wins == Approx(2 * q1).epsilon(1e-12));
  CHECK(t.periods[0].expected_revenue.cents == std::llround(1000 * q0));
  CHECK(t.periods[1].expected_revenue.cents == std::llround(1000 * q1));
  CHECK(t.later_expected_wins == Approx(2 * 0.6 * std::pow(0.9, 59)).epsilon(1e-9));
  CHECK(t.eventual_expected_wins == Approx(1.2).epsilon(1e-12));
  // Close-date side: B = 0.6; deal 0 expected in January, deal 1 has no date.
  CHECK(t.periods[0].close_date.deals == 1);
  CHECK(t.periods[0].close_date.weighted.cents == 600);
  CHECK(t.periods[0].close_date.expected_deals == Approx(0.6));
  CHECK(t.close_date_none.deals == 1);
  CHECK(t.close_date_none.missing_amount == 1);

  SECTION("as_of inside a period, weekly steps") {
    const fn::step_model w = fn::make_step_model(Q, R, d, 7.0);  // m = 10/7 steps: stay = 0.3 per week
    sf::timing_options o2;
    o2.as_of = sm::from_unix(t2024 + 20 * day + 43200);  // 2024-01-21 12:00
    o2.periods = 1;
    const sf::timing_result t2 = sf::forecast_timing(o.view(), w, o2);
    // Steps at +7, +14 days (Jan 28 12:00, Feb 4 12:00): only the first is in January.
    const double stay = 1 - 0.7;
    CHECK(t2.periods[0].from == o2.as_of);
    CHECK(t2.periods[0].expected_wins == Approx(2 * 0.6 * (1 - stay)).epsilon(1e-12));
    CHECK(t2.later_expected_wins == Approx(2 * 0.6 * stay).epsilon(1e-12));
  }
}

namespace {
/// Random jump chain over `open` stages (+ won, lost), with dwell days.
struct random_chain {
  fn::stage_layout layout;
  Eigen::MatrixXd P;
  Eigen::VectorXd dwell;
};
random_chain make_chain(std::uint64_t seed, int open) {
  pipetest::rng r(seed);
  random_chain c{fn::stage_layout::numbered(static_cast<std::size_t>(open)), Eigen::MatrixXd::Zero(open + 2, open + 2),
                 Eigen::VectorXd::Zero(open + 2)};
  for (int i = 0; i < open; ++i) {
    double sum = 0;
    for (int j = 0; j < open + 2; ++j) {
      const double x = r.uniform() + (j >= open ? 0.3 : 0.0);
      c.P(i, j) = x;
      sum += x;
    }
    c.P.row(i) /= sum;
    c.dwell(i) = 0.5 + 30.0 * r.uniform();
  }
  c.P(open, open) = c.P(open + 1, open + 1) = 1.0;
  return c;
}

/// Brute force: propagate the step chain step by step, date each step and add P(won at that step)
/// to the calendar period of its date.
std::map<std::int64_t, double> won_by_period(const fn::step_model& m, int position, sm::timestamp t0, const sm::calendar_period& cal,
                                             std::int64_t last_period, double& later) {
  const Eigen::Index T = m.Qs.rows();
  Eigen::RowVectorXd pi = Eigen::RowVectorXd::Zero(T);
  pi(position) = 1.0;
  std::map<std::int64_t, double> out;
  double total = 0.0;
  for (std::int64_t s = 1; s < 20000; ++s) {
    const double won_now = pi.dot(m.Rs.col(0));
    pi = pi * m.Qs;
    const auto ts = sm::from_unix(sm::to_unix(t0) + static_cast<std::int64_t>(std::llround(static_cast<double>(s) * m.step_days * 86400.0)));
    const std::int64_t p = cal.index(ts);
    if (p <= last_period) out[p] += won_now;
    else total += won_now;
    if (pi.sum() < 1e-16) break;
  }
  later = total;
  return out;
}
}  // namespace

TEST_CASE("timing: random chains against step-by-step propagation", "[forecast][timing][brute]") {
  for (std::uint64_t seed : {41u, 42u, 43u}) {
    const int open = 2 + static_cast<int>(seed % 3);
    const random_chain c = make_chain(seed, open);
    const double step = seed == 42 ? 7.0 : (seed == 43 ? 0.5 : 1.0);
    const fn::step_model m = fn::make_step_model(c.P, c.layout, c.dwell, step);
    pipetest::rng r(seed * 7);
    std::vector<sm::stage_index> st;
    std::vector<std::int64_t> cents;
    std::vector<sm::timestamp> close;
    for (int i = 0; i < 60; ++i) {
      st.push_back(static_cast<sm::stage_index>(r.below(static_cast<std::uint64_t>(open))));
      cents.push_back(r.chance(0.1) ? -1 : static_cast<std::int64_t>(r.below(100000)));
      close.push_back(r.chance(0.1) ? sm::no_time : at(static_cast<std::int64_t>(r.below(400)) - 100));
    }
    const sm::opportunity_store o = deals_at(st, cents, close);
    sf::timing_options opt;
    opt.period = seed == 42 ? sm::calendar_period::quarters() : sm::calendar_period::months();
    opt.as_of = sm::from_unix(t2024 + 3 * day + 3600);
    opt.periods = 5;
    const sf::timing_result t = sf::forecast_timing(o.view(), m, opt);
    const std::int64_t last = opt.period.index(opt.as_of) + 4;
    std::vector<double> wins(5, 0.0);
    std::vector<std::int64_t> revenue(5, 0);
    double later = 0;
    for (std::size_t i = 0; i < st.size(); ++i) {
      double l = 0;
      const auto per = won_by_period(m, c.layout.position(st[i]), opt.as_of, opt.period, last, l);
      for (const auto& [p, w] : per) {
        const auto j = static_cast<std::size_t>(p - opt.period.index(opt.as_of));
        wins[j] += w;
        if (cents[i] >= 0) revenue[j] += std::llround(static_cast<double>(cents[i]) * w);
      }
      later += l;
    }
    INFO("seed " << seed);
    double sum = t.later_expected_wins;
    for (std::size_t j = 0; j < 5; ++j) {
      CHECK(t.periods[j].expected_wins == Approx(wins[j]).epsilon(1e-9).margin(1e-12));
      // Per-deal rounding of nearly equal doubles may differ by a cent per deal.
      CHECK(std::llabs(t.periods[j].expected_revenue.cents - revenue[j]) <= 60);
      sum += t.periods[j].expected_wins;
    }
    CHECK(t.later_expected_wins == Approx(later).epsilon(1e-7).margin(1e-9));
    CHECK(sum == Approx(t.eventual_expected_wins).epsilon(1e-12));
    // Close-date side: same deals weighted by B, over all its buckets.
    double cd = t.close_date_overdue.expected_deals + t.close_date_later.expected_deals + t.close_date_none.expected_deals;
    std::int64_t cd_deals = t.close_date_overdue.deals + t.close_date_later.deals + t.close_date_none.deals;
    for (const auto& p : t.periods) {
      cd += p.close_date.expected_deals;
      cd_deals += p.close_date.deals;
    }
    CHECK(cd_deals == 60);
    CHECK(cd == Approx(t.eventual_expected_wins).epsilon(1e-12));
    sf::pipeline_options po;
    po.period = opt.period;
    po.include_won = false;
    const auto pf = sf::forecast_pipeline(o.view(), sf::make_stage_weighting(t.win_probability_by_stage), po);
    for (const auto& p : t.periods) {
      const sf::forecast_cell* cell = pf.find(p.period);
      CHECK(p.close_date.weighted == (cell ? cell->total().weighted : sm::money{}));
    }
  }
}

TEST_CASE("timing: category selection and errors", "[forecast][timing]") {
  Eigen::MatrixXd Q(1, 1), R(1, 2);
  Q << 0.0;
  R << 0.5, 0.5;
  Eigen::VectorXd d(1);
  d << 3.0;
  const fn::step_model m = fn::make_step_model(Q, R, d, 1.0);
  sm::opportunity_store o = deals_at({0, 0}, {100, 200}, {at(5), at(6)});
  o.forecast_category[1] = sm::forecast_category::omitted;
  sf::timing_options opt;
  opt.as_of = at(0);
  opt.categories = {true, true, true, true, false};
  const auto t = sf::forecast_timing(o.view(), m, opt);
  CHECK(t.deals == 1);
  CHECK(t.periods[0].close_date.deals == 1);
  sf::timing_options none = opt;
  none.as_of = sm::no_time;
  CHECK_THROWS_WITH(sf::forecast_timing(o.view(), m, none), Catch::Contains("as_of"));
  none = opt;
  none.periods = 0;
  CHECK_THROWS_AS(sf::forecast_timing(o.view(), m, none), std::invalid_argument);
  o.stage[0] = 3;
  CHECK_THROWS_WITH(sf::forecast_timing(o.view(), m, opt), Catch::Contains("opportunity row 0 is in stage 3"));
  Eigen::MatrixXd Q2(1, 1), R2(1, 2);
  Q2 << 1.0;
  R2 << 0.0, 0.0;
  const fn::step_model stuck = fn::make_step_model(Q2, R2, d, 1.0);
  o.stage[0] = 0;
  CHECK_THROWS_WITH(sf::forecast_timing(o.view(), stuck, opt), Catch::Contains("singular"));
}

}  // namespace forecast_timing_test
