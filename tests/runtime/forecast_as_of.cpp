// Tests for salesmetrics/forecast/as_of.hpp: hand-computed states and pipelines, the one-pass
// reconstruction against a brute-force replay of each opportunity's rows on random histories
// (several seeds and dates, with and without the amount / close-date history columns, multi-date
// equal to single-date), forecast accuracy over time by hand and against brute force, and the
// input errors.
#include "forecast_pipeline_support.hpp"

#include <salesmetrics/forecast/as_of.hpp>
#include <salesmetrics/forecast/forecast_weighting.hpp>
#include <salesmetrics/forecast/pipeline_forecast.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <map>
#include <vector>

namespace forecast_as_of_test {

namespace sm = salesmetrics;
namespace sf = salesmetrics::forecast;
using pipetest::day;
using pipetest::t2024;

namespace {
sm::timestamp at(std::int64_t d) { return sm::from_unix(t2024 + d * day); }

struct hand_history {
  sm::stage_list stages{std::vector<std::string>{"qualify", "propose"}};  // won 2, lost 3
  sm::stage_history_store h;
  sm::opportunity_store o;
  hand_history() {
    auto row = [&](sm::dense_id id, std::int64_t d, sm::stage_index from, sm::stage_index to, std::int64_t cents, std::int64_t close_day) {
      h.opportunity_id.push_back(id);
      h.ts.push_back(at(d));
      h.from_stage.push_back(from);
      h.to_stage.push_back(to);
      h.amount.push_back(cents < 0 ? sm::money::missing() : sm::money{cents});
      h.expected_close_ts.push_back(close_day == -999 ? sm::no_time : at(close_day));
    };
    // Deal 0: created Jan 1 in qualify (1000, due Feb 10), proposes Jan 20 (1500), won Feb 5.
    row(0, 0, -1, 0, 1000, 40);
    row(0, 19, 0, 1, 1500, -999);  // close date missing on this row: carried forward
    row(0, 35, 1, 2, -1, 40);      // amount missing: carried forward
    // Deal 1: created Jan 10 in propose (2000, due Mar 1), back to qualify Feb 1, lost Mar 15.
    row(1, 9, -1, 1, 2000, 60);
    row(1, 31, 1, 0, 2000, 90);
    row(1, 74, 0, 3, 2000, 90);
    // Deal 3 (id 2 unused): created Feb 20 in qualify.
    row(3, 50, -1, 0, 400, 80);
    for (sm::dense_id id : {0, 1, 3, 4}) {  // 4: in the table only
      o.opportunity_id.push_back(id);
      o.created_ts.push_back(at(0));
      o.stage.push_back(0);
      o.status.push_back(sm::deal_status::open);
      o.owner_rep_id.push_back(id * 10);
      o.amount.push_back(sm::money{77});
      o.expected_close_ts.push_back(at(99));
      o.attribute("segment").codes.push_back(id == 1 ? 1 : 0);
    }
    o.attribute("segment").labels.encode("smb");
    o.attribute("segment").labels.encode("ent");
  }
};
}  // namespace

TEST_CASE("as of: hand-computed states", "[forecast][as_of]") {
  hand_history hh;
  std::map<sm::dense_id, std::vector<sf::history_state>> got;
  const std::vector<sm::timestamp> dates{at(-1), at(19), at(34), at(40), at(100)};
  sf::for_each_as_of(hh.h.view(), dates, [&](sm::dense_id id, std::span<const sf::history_state> s) { got[id].assign(s.begin(), s.end()); });
  REQUIRE(got.size() == 3);
  const auto& d0 = got[0];
  CHECK_FALSE(d0[0].exists);
  CHECK(d0[1].exists);  // the row at day 19 counts as of day 19 (ts <= D)
  CHECK(d0[1].stage == 1);
  CHECK(d0[1].amount.cents == 1500);
  CHECK(d0[1].expected_close == at(40));  // missing on that row: carried forward
  CHECK(d0[1].stage_entered == at(19));
  CHECK(d0[1].created == at(0));
  CHECK(d0[3].stage == 2);
  CHECK(d0[3].amount.cents == 1500);
  CHECK(d0[3].stage_entered == at(35));
  const auto& d1 = got[1];
  CHECK(d1[2].stage == 0);
  CHECK(d1[2].expected_close == at(90));
  CHECK(d1[4].stage == 3);
  CHECK_FALSE(got[3][3].exists);
  CHECK(got[3][4].stage == 0);
  CHECK_FALSE(got[3][2].exists);

  SECTION("reconstructed pipeline and its forecast") {
    sf::as_of_options opt;
    opt.category_of_stage = {sm::forecast_category::best_case, sm::forecast_category::commit};
    const sf::as_of_pipeline p = sf::reconstruct_pipeline(hh.h.view(), hh.o.view(), hh.stages, at(34), opt);
    CHECK(p.table_only == 1);  // id 4
    REQUIRE(p.deals.size() == 2);
    const sm::opportunity_view v = p.deals.view();
    CHECK(v.opportunity_id[0] == 0);
    CHECK(v.status[0] == sm::deal_status::open);
    CHECK(v.forecast_category[0] == sm::forecast_category::commit);
    CHECK(v.owner_rep_id[1] == 10);
    CHECK(v.attribute("segment")->codes[1] == 1);
    CHECK(std::isnan(v.probability[0]));
    CHECK(p.table_row == std::vector<std::int32_t>{0, 1});
    // Months: deal 0 due Feb 10 (1500 x 0.6 = 900), deal 1 due Mar 31 after its move back (2000 x 0.3 = 600).
    sf::pipeline_options po;
    po.as_of = at(34);
    const auto f = sf::forecast_pipeline(v, sf::fixed_stage_weighting<0.3, 0.6>{}, po);
    CHECK(f.find(2024 * 12 + 1)->category(sm::forecast_category::commit).weighted.cents == 900);
    CHECK(f.find(2024 * 12 + 2)->category(sm::forecast_category::best_case).weighted.cents == 600);
    const sf::as_of_pipeline later = sf::reconstruct_pipeline(hh.h.view(), hh.o.view(), hh.stages, at(100));
    const sm::opportunity_view lv = later.deals.view();
    REQUIRE(lv.size() == 3);
    CHECK(lv.status[0] == sm::deal_status::won);
    CHECK(lv.closed_ts[0] == at(35));
    CHECK(lv.forecast_category[0] == sm::forecast_category::closed);
    CHECK(lv.status[1] == sm::deal_status::lost);
    CHECK(lv.forecast_category[1] == sm::forecast_category::omitted);
    CHECK(lv.forecast_category[2] == sm::forecast_category::pipeline);  // no category list
  }
  SECTION("a history without amount and close-date columns uses the table's values") {
    hh.h.amount.clear();
    hh.h.expected_close_ts.clear();
    const sf::as_of_pipeline p = sf::reconstruct_pipeline(hh.h.view(), hh.o.view(), hh.stages, at(34));
    CHECK(p.deals.amount[0].cents == 77);
    CHECK(p.deals.expected_close_ts[1] == at(99));
  }
}

TEST_CASE("as of: input errors", "[forecast][as_of]") {
  hand_history hh;
  const std::vector<sm::timestamp> one{at(10)};
  auto run = [&] { (void)sf::reconstruct_pipelines(hh.h.view(), hh.o.view(), hh.stages, one); };
  SECTION("time goes back") {
    hh.h.ts[1] = at(-5);
    CHECK_THROWS_WITH(run(), Catch::Contains("stage history row 1") && Catch::Contains("back in time"));
  }
  SECTION("ids not sorted") {
    hh.h.opportunity_id[6] = 0;
    CHECK_THROWS_WITH(run(), Catch::Contains("row 6") && Catch::Contains("decreases"));
  }
  SECTION("bad stage") {
    hh.h.to_stage[2] = -1;
    CHECK_THROWS_WITH(run(), Catch::Contains("row 2") && Catch::Contains("to_stage -1"));
  }
  SECTION("unsorted dates") {
    const std::vector<sm::timestamp> d{at(5), at(1)};
    CHECK_THROWS_AS(sf::for_each_as_of(hh.h.view(), d, [](sm::dense_id, std::span<const sf::history_state>) {}), std::invalid_argument);
  }
  SECTION("columns of different length") {
    hh.h.amount.pop_back();
    CHECK_THROWS_WITH(run(), Catch::Contains("differ in length"));
  }
}

using pipetest::replay;

TEST_CASE("as of: one pass equals a brute-force replay on random histories", "[forecast][as_of][brute]") {
  for (std::uint64_t seed : {51u, 52u, 53u, 54u}) {
    pipetest::history_shape shape;
    shape.opportunities = 300;
    shape.tie = seed == 54 ? 0.5 : 0.1;
    pipetest::history_data d = pipetest::random_history(seed, shape);
    const bool drop_columns = seed == 53;
    if (drop_columns) {
      d.history.amount.clear();
      d.history.expected_close_ts.clear();
    }
    const replay rp(d.history);
    // Dates: before everything, inside, exactly on some row instants, after everything; unsorted on purpose.
    std::vector<sm::timestamp> dates{at(-600), at(0), d.history.ts[d.history.ts.size() / 2], at(-200), d.history.ts[3], at(-1),
                                     at(-350), at(400)};
    sf::as_of_options opt;
    opt.category_of_stage = {sm::forecast_category::pipeline, sm::forecast_category::best_case, sm::forecast_category::commit};
    const auto all = sf::reconstruct_pipelines(d.history.view(), d.opportunities.view(), d.stages, dates, opt);
    REQUIRE(all.size() == dates.size());
    std::map<sm::dense_id, std::size_t> table_row;
    for (std::size_t r = 0; r < d.opportunities.size(); ++r) table_row[d.opportunities.opportunity_id[r]] = r;
    for (std::size_t k = 0; k < dates.size(); ++k) {
      INFO("seed " << seed << " date " << k);
      const sf::as_of_pipeline& p = all[k];
      CHECK(p.as_of == dates[k]);
      std::size_t expected_deals = 0, i = 0;
      for (const auto& [id, rows] : rp.rows) {
        const sf::history_state s = rp.state(id, dates[k]);
        if (!s.exists) continue;
        ++expected_deals;
        REQUIRE(i < p.deals.size());
        const auto& o = p.deals;
        const std::size_t tr = table_row.at(id);
        CHECK(o.opportunity_id[i] == id);
        CHECK(o.stage[i] == s.stage);
        CHECK(o.created_ts[i] == s.created);
        const bool won = s.stage == d.stages.won(), lost = s.stage == d.stages.lost();
        CHECK(o.status[i] == (won ? sm::deal_status::won : lost ? sm::deal_status::lost : sm::deal_status::open));
        CHECK(o.closed_ts[i] == (won || lost ? s.stage_entered : sm::no_time));
        CHECK(o.amount[i] == (drop_columns ? d.opportunities.amount[tr] : s.amount));
        CHECK(o.expected_close_ts[i] == (drop_columns ? d.opportunities.expected_close_ts[tr] : s.expected_close));
        const sm::forecast_category cat = won ? sm::forecast_category::closed
                                        : lost ? sm::forecast_category::omitted
                                               : (static_cast<std::size_t>(s.stage) < 3 ? opt.category_of_stage[static_cast<std::size_t>(s.stage)]
                                                                                          : sm::forecast_category::pipeline);
        CHECK(o.forecast_category[i] == cat);
        CHECK(o.owner_rep_id[i] == d.opportunities.owner_rep_id[tr]);
        CHECK(o.attributes[0].codes[i] == d.opportunities.attributes[0].codes[tr]);
        CHECK(p.table_row[i] == static_cast<std::int32_t>(tr));
        ++i;
      }
      CHECK(p.deals.size() == expected_deals);
      // The same date alone gives the same pipeline.
      const sf::as_of_pipeline single = sf::reconstruct_pipeline(d.history.view(), d.opportunities.view(), d.stages, dates[k], opt);
      CHECK(single.deals.stage == p.deals.stage);
      CHECK(single.deals.amount == p.deals.amount);
      CHECK(single.deals.expected_close_ts == p.deals.expected_close_ts);
      CHECK(single.table_only == p.table_only);
    }
    std::size_t table_only = 0;
    for (sm::dense_id id : d.opportunities.opportunity_id) table_only += rp.rows.count(id) == 0;
    CHECK(all[0].table_only == static_cast<std::int64_t>(table_only));
  }
}

TEST_CASE("as of: forecast accuracy over time, by hand", "[forecast][as_of][accuracy]") {
  hand_history hh;
  // Months January..March 2024, lead 0, stage weights 0.3 / 0.6.
  const std::vector<std::int64_t> months{2024 * 12, 2024 * 12 + 1, 2024 * 12 + 2};
  sf::accuracy_over_time_options opt;
  opt.period = sm::calendar_period::months();
  const auto r = sf::forecast_accuracy_over_time(hh.h.view(), hh.o.view(), hh.stages, sf::fixed_stage_weighting<0.3, 0.6>{}, months, opt);
  REQUIRE(r.periods.size() == 3);
  // Jan 1: deal 0 (qualify, 1000, due Feb 10) exists: nothing due in January; nothing won in January.
  CHECK(r.periods[0].made_at == at(0));
  CHECK(r.periods[0].weighted.cents == 0);
  CHECK(r.periods[0].actual.cents == 0);
  // Feb 1 (day 31, rows of day 31 included): deal 0 in propose (1500 x 0.6 = 900) due Feb 10;
  // deal 1 moved back to qualify that day, due Mar 31. Actual February: deal 0 won 1500.
  CHECK(r.period_label(r.periods[1].period) == "2024-02");
  CHECK(r.periods[1].weighted.cents == 900);
  CHECK(r.periods[1].forecast.open_pipeline().amount.cents == 1500);
  CHECK(r.periods[1].actual.cents == 1500);
  CHECK(r.periods[1].actual_deals == 1);
  // Mar 1: deal 1 (qualify, 2000 x 0.3) due Mar 31 -> 600; deal 3 due Mar 21 (400 x 0.3 = 120). Actual 0.
  CHECK(r.periods[2].weighted.cents == 720);
  CHECK(r.periods[2].actual.cents == 0);
  const std::vector<double> actual{0.0, 15.0, 0.0}, weighted{0.0, 9.0, 7.2};
  const sf::accuracy_summary expect = sf::accuracy(actual, weighted);
  CHECK(r.weighted.mae == Approx(expect.mae));
  CHECK(r.weighted.wape == Approx(expect.wape));
  CHECK(r.weighted.bias == Approx(expect.bias));
  CHECK(r.weighted.wape == Approx((6.0 + 7.2) / 15.0));
  // Lead 1: the February forecast is made on January 1 (deal 0 in qualify: 1000 x 0.3).
  opt.lead = 1;
  const auto r1 = sf::forecast_accuracy_over_time(hh.h.view(), hh.o.view(), hh.stages, sf::fixed_stage_weighting<0.3, 0.6>{}, months, opt);
  CHECK(r1.periods[1].made_at == at(0));
  CHECK(r1.periods[1].weighted.cents == 300);
}

TEST_CASE("as of: forecast accuracy over time against brute force", "[forecast][as_of][accuracy][brute]") {
  for (std::uint64_t seed : {61u, 62u}) {
    const pipetest::history_data d = pipetest::random_history(seed, {});
    const replay rp(d.history);
    const sm::calendar_period cal = sm::calendar_period::quarters();
    std::vector<std::int64_t> quarters;
    for (std::int64_t q = cal.index(at(-400)); q <= cal.index(at(60)); ++q) quarters.push_back(q);
    const auto w = sf::fixed_stage_weighting<0.1, 0.3, 0.5, 0.7>{};
    const std::array<double, 4> p{0.1, 0.3, 0.5, 0.7};
    sf::accuracy_over_time_options opt;
    opt.period = cal;
    const auto r = sf::forecast_accuracy_over_time(d.history.view(), d.opportunities.view(), d.stages, w, quarters, opt);
    REQUIRE(r.periods.size() == quarters.size());
    std::vector<double> actual, weighted;
    for (std::size_t j = 0; j < quarters.size(); ++j) {
      const sm::timestamp origin = cal.start(quarters[j]), end = cal.end(quarters[j]) - sm::seconds{1};
      std::int64_t f = 0, a = 0;
      for (const auto& [id, rows] : rp.rows) {
        const sf::history_state s = rp.state(id, origin);
        if (s.exists) {
          const bool won = s.stage == d.stages.won(), lost = s.stage == d.stages.lost();
          const sm::timestamp t = won ? s.stage_entered : s.expected_close;
          if (!lost && !sm::is_missing(t) && cal.index(t) == quarters[j] && !s.amount.is_missing())
            f += won ? s.amount.cents : std::llround(static_cast<double>(s.amount.cents) * p[static_cast<std::size_t>(s.stage)]);
        }
        const sf::history_state e = rp.state(id, end);
        if (e.exists && e.stage == d.stages.won() && cal.index(e.stage_entered) == quarters[j] && !e.amount.is_missing()) a += e.amount.cents;
      }
      INFO("seed " << seed << " quarter " << r.period_label(quarters[j]));
      CHECK(r.periods[j].weighted.cents == f);
      CHECK(r.periods[j].actual.cents == a);
      actual.push_back(static_cast<double>(a) / 100.0);
      weighted.push_back(static_cast<double>(f) / 100.0);
    }
    const auto s = sf::accuracy(actual, weighted);
    CHECK(r.weighted.mae == Approx(s.mae));
    CHECK((std::isnan(r.weighted.mape) ? std::isnan(s.mape) : r.weighted.mape == Approx(s.mape)));
  }
}

}  // namespace forecast_as_of_test
