// Tests for salesmetrics/forecast/deal_flow.hpp: every flow class on a hand-built history (with the
// waterfall balance by hand), random histories against an independent classification of brute-force
// replayed states, the balance identities, the table fallback without history columns, and errors.
#include "forecast_pipeline_support.hpp"

#include <salesmetrics/forecast/deal_flow.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <vector>

namespace forecast_deal_flow_test {

namespace sm = salesmetrics;
namespace sf = salesmetrics::forecast;
using pipetest::day;
using pipetest::t2024;

namespace {
sm::timestamp at(std::int64_t d) { return sm::from_unix(t2024 + d * day); }

struct flow_history {
  sm::stage_list stages{std::vector<std::string>{"s0", "s1", "s2"}};  // won 3, lost 4
  sm::stage_history_store h;
  sm::opportunity_store o;
  flow_history() {
    auto row = [&](sm::dense_id id, std::int64_t d, sm::stage_index from, sm::stage_index to, std::int64_t cents, std::int64_t close_day) {
      h.opportunity_id.push_back(id);
      h.ts.push_back(at(d));
      h.from_stage.push_back(from);
      h.to_stage.push_back(to);
      h.amount.push_back(sm::money{cents});
      h.expected_close_ts.push_back(close_day < 0 ? sm::no_time : at(close_day));
    };
    row(0, 0, -1, 0, 1000, 20), row(0, 30, 0, 1, 1000, 45);    // advanced, pushed (Jan -> Feb)
    row(1, 0, -1, 1, 2000, 40), row(1, 20, 1, 0, 2500, 25);    // moved back, pulled in, +500
    row(2, 0, -1, 0, 3000, 20), row(2, 40, 0, 3, 3200, 20);    // won: 3000 out, 3200 booked
    row(3, 5, -1, 2, 400, 20), row(3, 30, 2, 4, 400, 20);      // lost 400
    row(4, 20, -1, 0, 500, 60);                                // created open
    row(5, 15, -1, 0, 600, 60), row(5, 45, 0, 3, 600, 60);     // created and won
    row(6, 15, -1, 0, 700, 60), row(6, 16, 0, 4, 700, 60);     // created and lost
    row(7, 0, -1, 0, 800, 20), row(7, 5, 0, 4, 800, 20), row(7, 30, 4, 1, 900, 50);  // reopened
    row(8, 0, -1, 0, 100, 20), row(8, 2, 0, 3, 100, 20);       // stayed closed
    row(9, 0, -1, 2, 1000, 20), row(9, 30, 2, 2, 900, 22);     // same stage, -100, same month
    row(10, 60, -1, 0, 5, 70);                                 // after `to`: not in the flow
    row(11, 0, -1, 1, 50, -1), row(11, 30, 1, 1, 50, 40);      // close date appears
    for (sm::dense_id id = 0; id < 12; ++id) {
      o.opportunity_id.push_back(id);
      o.created_ts.push_back(at(0));
      o.stage.push_back(0);
      o.status.push_back(sm::deal_status::open);
      o.amount.push_back(sm::money{id * 1000 + 1});
      o.expected_close_ts.push_back(at(id % 2 == 0 ? 20 : 50));
    }
  }
};

void check(const sf::flow_totals& t, std::int64_t deals, std::int64_t cents) {
  CHECK(t.deals == deals);
  CHECK(t.amount.cents == cents);
}
}  // namespace

TEST_CASE("deal flow: every class by hand", "[forecast][deal_flow]") {
  flow_history fh;
  sf::deal_flow_options opt;
  opt.keep_records = true;
  const sf::deal_flow_result f = sf::deal_flow(fh.h.view(), fh.o.view(), fh.stages, at(10), at(50), opt);
  check(f.starting, 6, 7450);  // 0, 1, 2, 3, 9, 11
  check(f.ending, 6, 5850);    // 0, 1, 4, 7, 9, 11
  check(f.created_open, 1, 500);
  check(f.created_won, 1, 600);
  check(f.created_lost, 1, 700);
  check(f.won, 1, 3000);
  check(f.won_booked, 1, 3200);
  check(f.lost, 1, 400);
  check(f.reopened, 1, 900);
  check(f.stayed_closed, 1, 100);
  check(f.advanced, 1, 1000);
  check(f.moved_back, 1, 2500);
  check(f.same_stage, 2, 950);
  check(f.pushed, 1, 1000);
  check(f.pulled_in, 1, 2500);
  check(f.close_date_changed_missing, 1, 50);
  check(f.amount_increased, 1, 500);
  check(f.amount_decreased, 1, -100);
  CHECK(f.ending.amount ==
        f.starting.amount - f.won.amount - f.lost.amount + f.created_open.amount + f.reopened.amount + f.amount_increased.amount + f.amount_decreased.amount);
  REQUIRE(f.records.size() == 11);  // id 10 does not exist yet
  CHECK(f.records[0].flags == (sf::flow::open_at_from | sf::flow::open_at_to | sf::flow::advanced | sf::flow::pushed));
  CHECK(f.records[7].flags == (sf::flow::open_at_to | sf::flow::reopened));
  CHECK(f.records[7].from.stage == 4);

  SECTION("quarters: the push from January to February is inside one quarter") {
    sf::deal_flow_options q;
    q.period = sm::calendar_period::quarters();
    const auto fq = sf::deal_flow(fh.h.view(), fh.o.view(), fh.stages, at(10), at(50), q);
    check(fq.pushed, 0, 0);
    check(fq.pulled_in, 0, 0);
  }
  SECTION("without the history's amount and close columns: the table's values, no changes") {
    fh.h.amount.clear();
    fh.h.expected_close_ts.clear();
    const auto ft = sf::deal_flow(fh.h.view(), fh.o.view(), fh.stages, at(10), at(50));
    check(ft.amount_increased, 0, 0);
    check(ft.pushed, 0, 0);
    check(ft.won, 1, 2001);
    check(ft.starting, 6, 1 + 1001 + 2001 + 3001 + 9001 + 11001);
  }
  SECTION("a row at exactly `to` counts (ts <= to)") {
    const auto fe = sf::deal_flow(fh.h.view(), fh.o.view(), fh.stages, at(10), at(45));
    check(fe.created_won, 1, 600);  // opportunity 5 won at day 45
    check(fe.created_open, 1, 500);
  }
  SECTION("the same date twice: nothing moves") {
    const auto f0 = sf::deal_flow(fh.h.view(), fh.o.view(), fh.stages, at(30), at(30));
    CHECK(f0.starting == f0.ending);
    check(f0.won, 0, 0);
    check(f0.created_open, 0, 0);
    CHECK(f0.same_stage.deals == f0.starting.deals);
  }
  CHECK_THROWS_WITH(sf::deal_flow(fh.h.view(), fh.o.view(), fh.stages, at(50), at(10)), Catch::Contains("before"));
}

namespace {
/// Independent classification of two brute-force states.
struct brute_flow {
  std::map<std::string, sf::flow_totals> t;
  void add(const std::string& k, std::int64_t cents) {
    ++t[k].deals;
    t[k].amount += sm::money{cents};
  }
};
}  // namespace

TEST_CASE("deal flow: random histories against brute-force states", "[forecast][deal_flow][brute]") {
  for (std::uint64_t seed : {71u, 72u, 73u}) {
    pipetest::history_shape shape;
    shape.opportunities = 400;
    shape.reopen = 0.2;
    const pipetest::history_data d = pipetest::random_history(seed, shape);
    const pipetest::replay rp(d.history);
    const sm::calendar_period cal = seed == 72 ? sm::calendar_period::quarters() : sm::calendar_period::months();
    const sm::timestamp from = at(-250), to = at(-60);
    sf::deal_flow_options opt;
    opt.period = cal;
    opt.keep_records = true;
    const auto f = sf::deal_flow(d.history.view(), d.opportunities.view(), d.stages, from, to, opt);
    brute_flow b;
    std::size_t records = 0;
    for (const auto& [id, rows] : rp.rows) {
      const auto a = rp.state(id, from), z = rp.state(id, to);
      if (!a.exists && !z.exists) continue;
      ++records;
      const bool ca = a.exists && (a.stage == d.stages.won() || a.stage == d.stages.lost());
      const bool cz = z.exists && (z.stage == d.stages.won() || z.stage == d.stages.lost());
      const bool oa = a.exists && !ca, oz = z.exists && !cz;
      const std::int64_t ma = a.amount.is_missing() ? 0 : a.amount.cents, mz = z.amount.is_missing() ? 0 : z.amount.cents;
      if (oa) b.add("starting", ma);
      if (oz) b.add("ending", mz);
      if (!a.exists) b.add(oz ? "created_open" : (z.stage == d.stages.won() ? "created_won" : "created_lost"), mz);
      if (oa && cz) {
        b.add(z.stage == d.stages.won() ? "won" : "lost", ma);
        if (z.stage == d.stages.won()) b.add("won_booked", mz);
      }
      if (ca && oz) b.add("reopened", mz);
      if (ca && cz) b.add("stayed_closed", mz);
      if (oa && oz) {
        b.add(z.stage > a.stage ? "advanced" : z.stage < a.stage ? "moved_back" : "same_stage", mz);
        if (!sm::is_missing(a.expected_close) && !sm::is_missing(z.expected_close)) {
          if (cal.index(z.expected_close) > cal.index(a.expected_close)) b.add("pushed", mz);
          if (cal.index(z.expected_close) < cal.index(a.expected_close)) b.add("pulled_in", mz);
        } else if (sm::is_missing(a.expected_close) != sm::is_missing(z.expected_close)) {
          b.add("close_date_changed_missing", mz);
        }
        if (mz > ma) b.add("amount_increased", mz - ma);
        if (mz < ma) b.add("amount_decreased", mz - ma);
      }
    }
    INFO("seed " << seed);
    const std::vector<std::pair<std::string, const sf::flow_totals*>> got{
        {"starting", &f.starting}, {"ending", &f.ending}, {"created_open", &f.created_open}, {"created_won", &f.created_won},
        {"created_lost", &f.created_lost}, {"won", &f.won}, {"won_booked", &f.won_booked}, {"lost", &f.lost},
        {"reopened", &f.reopened}, {"stayed_closed", &f.stayed_closed}, {"advanced", &f.advanced}, {"moved_back", &f.moved_back},
        {"same_stage", &f.same_stage}, {"pushed", &f.pushed}, {"pulled_in", &f.pulled_in},
        {"close_date_changed_missing", &f.close_date_changed_missing}, {"amount_increased", &f.amount_increased},
        {"amount_decreased", &f.amount_decreased}};
    std::size_t nonzero = 0;
    for (const auto& [name, t] : got) {
      INFO(name);
      CHECK(*t == b.t[name]);
      nonzero += t->deals > 0;
    }
    CHECK(nonzero >= 14);  // the random histories reach almost every class
    CHECK(f.records.size() == records);
    CHECK(f.ending.amount ==
          f.starting.amount - f.won.amount - f.lost.amount + f.created_open.amount + f.reopened.amount + f.amount_increased.amount + f.amount_decreased.amount);
    CHECK(f.ending.deals == f.starting.deals - f.won.deals - f.lost.deals + f.created_open.deals + f.reopened.deals);
    CHECK(f.advanced.deals + f.moved_back.deals + f.same_stage.deals == f.starting.deals - f.won.deals - f.lost.deals);
  }
}

}  // namespace forecast_deal_flow_test
