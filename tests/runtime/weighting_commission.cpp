// Commission: the 5/7/10% schedule in marginal and flat mode (hand-computed), accelerators,
// decelerators, caps, milestone bonuses, cent rounding, compile-time = run-time, validation
// messages, and a brute-force cent-by-cent check on random plans.
#include <salesmetrics/weighting/commission.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <tuple>
#include <vector>

namespace weighting_commission_test {

namespace w = salesmetrics::weighting;
using salesmetrics::money;

namespace {
constexpr money units(std::int64_t u) { return money::from_cents(u * 100); }

using five_seven_ten_marginal =
    w::fixed_commission_plan<w::marginal_tiers<w::tier<w::currency_units(0), 0.05>, w::tier<w::currency_units(1'000'000), 0.07>,
                                               w::tier<w::currency_units(2'000'000), 0.10>>>;
using five_seven_ten_flat =
    w::fixed_commission_plan<w::flat_tiers<w::tier<w::currency_units(0), 0.05>, w::tier<w::currency_units(1'000'000), 0.07>,
                                           w::tier<w::currency_units(2'000'000), 0.10>>>;

w::commission_plan five_seven_ten(w::tier_mode mode) {
  w::commission_plan p;
  p.name = "5/7/10";
  p.mode = mode;
  p.tiers = {{units(0), 0.05}, {units(1'000'000), 0.07}, {units(2'000'000), 0.10}};
  return p;
}
}  // namespace

TEST_CASE("5/7/10 schedule, marginal: each tier's rate on the part within it", "[weighting][commission]") {
  const auto plan = five_seven_ten(w::tier_mode::marginal);
  // 0.5M: 0.5M x 5%
  CHECK(plan.compute(units(500'000)).total == units(25'000));
  // 1M: exactly the top of tier 1
  CHECK(plan.compute(units(1'000'000)).total == units(50'000));
  // 1.5M: 1M x 5% + 0.5M x 7% = 50,000 + 35,000
  const w::payout p15 = plan.compute(units(1'500'000));
  CHECK(p15.total == units(85'000));
  REQUIRE(p15.lines.size() == 2);
  CHECK(p15.lines[0] == w::payout_line{w::payout_line_kind::tier, 0, -1, units(1'000'000), 0.05, units(50'000)});
  CHECK(p15.lines[1] == w::payout_line{w::payout_line_kind::tier, 1, -1, units(500'000), 0.07, units(35'000)});
  // 3M: 50,000 + 1M x 7% + 1M x 10% = 50,000 + 70,000 + 100,000
  const w::payout p3 = plan.compute(units(3'000'000));
  CHECK(p3.total == units(220'000));
  CHECK(p3.tier_total(0) == units(50'000));
  CHECK(p3.tier_total(1) == units(70'000));
  CHECK(p3.tier_total(2) == units(100'000));
  // The compile-time form gives identical payouts and lines.
  for (std::int64_t a : {500'000, 1'000'000, 1'500'000, 3'000'000}) {
    const auto rt = plan.compute(units(a));
    const auto ct = five_seven_ten_marginal::compute(units(a));
    CHECK(ct.total == rt.total);
    CHECK(ct.lines == rt.lines);
  }
}

TEST_CASE("5/7/10 schedule, flat: the whole amount at the reached tier's rate", "[weighting][commission]") {
  const auto plan = five_seven_ten(w::tier_mode::flat);
  CHECK(plan.compute(units(500'000)).total == units(25'000));     // 0.5M x 5%
  CHECK(plan.compute(units(1'000'000)).total == units(50'000));   // 1M is "up to 1M": still 5%
  CHECK(plan.compute(units(1'500'000)).total == units(105'000));  // 1.5M x 7%
  const w::payout p3 = plan.compute(units(3'000'000));            // 3M x 10%
  CHECK(p3.total == units(300'000));
  REQUIRE(p3.lines.size() == 1);
  CHECK(p3.lines[0].index == 2);
  CHECK(p3.lines[0].amount == units(3'000'000));
  CHECK(plan.compute(units(1'000'000) + money::from_cents(1)).total == money::from_cents(7'000'000 + 0));  // 1,000,000.01 x 7% = 70,000.0007
  for (std::int64_t a : {500'000, 1'000'000, 1'500'000, 3'000'000})
    CHECK(five_seven_ten_flat::compute(units(a)).total == plan.compute(units(a)).total);
}

TEST_CASE("zero, negative and missing amounts", "[weighting][commission]") {
  const auto plan = five_seven_ten(w::tier_mode::marginal);
  CHECK(plan.compute(units(0)).total == units(0));
  CHECK(plan.compute(units(0)).lines.empty());
  CHECK(plan.compute(units(-5'000)).total == units(0));  // no clawback
  CHECK(plan.compute(money::missing()).total.is_missing());
}

TEST_CASE("rounding: each line half away from zero to the cent, rates exact to 9 decimals", "[weighting][commission]") {
  w::commission_plan p;
  p.tiers = {{units(0), 0.07}};
  CHECK(p.compute(money::from_cents(150)).total == money::from_cents(11));  // 10.5 -> 11
  CHECK(p.compute(money::from_cents(50)).total == money::from_cents(4));    // 3.5 -> 4
  CHECK(p.compute(money::from_cents(7)).total == money::from_cents(0));     // 0.49 -> 0
  p.tiers = {{units(0), 0.1}};
  CHECK(p.compute(money::from_cents(333)).total == money::from_cents(33));  // 33.3 -> 33
  CHECK(p.compute(money::from_cents(335)).total == money::from_cents(34));  // 33.5 -> 34 (0.1 is not exact in binary)
  // Two lines rounded separately: 150 cents at 7% (10.5 -> 11) + 150 cents at 3% (4.5 -> 5)
  p.tiers = {{money::from_cents(0), 0.07}, {money::from_cents(150), 0.03}};
  const auto two = p.compute(money::from_cents(300));
  CHECK(two.total == money::from_cents(16));
  CHECK(two.lines[1].payout == money::from_cents(5));
  // Large amounts stay exact: 92 billion at 10% (int128 intermediate)
  p.tiers = {{units(0), 0.1}};
  CHECK(p.compute(units(92'000'000'000)).total == units(9'200'000'000));
}

TEST_CASE("accelerators, decelerators, caps and milestone bonuses", "[weighting][commission]") {
  w::commission_plan p;
  p.name = "acc";
  p.tiers = {{units(0), 0.05}};
  p.accelerators = {{1.0, 1.5}};
  // quota 1M, 1.5M credited: 1M x 5% + 0.5M x 7.5%
  const auto a = p.compute(units(1'500'000), units(1'000'000));
  CHECK(a.total == units(87'500));
  CHECK(a.attainment == Approx(1.5));
  REQUIRE(a.lines.size() == 2);
  CHECK(a.lines[1].accelerator == 0);
  CHECK(a.lines[1].rate == Approx(0.075));

  // Tiers and accelerator bands together: 5/7/10, quota 1.2M, accelerator x1.5 above 100%.
  w::commission_plan q = five_seven_ten(w::tier_mode::marginal);
  q.accelerators = {{1.0, 1.5}, {2.0, 2.0}};
  const auto b = q.compute(units(1'500'000), units(1'200'000));
  // (0,1M] 5% = 50,000; (1M,1.2M] 7% = 14,000; (1.2M,1.5M] 7% x 1.5 = 31,500
  CHECK(b.total == units(95'500));
  REQUIRE(b.lines.size() == 3);
  CHECK(std::tuple(b.lines[2].index, b.lines[2].accelerator) == std::tuple(1, 0));
  // quota 1M, 2.5M: (0,1M] 5%; (1M,2M] 7% x1.5 = 105,000; (2M,2.5M] 10% x2 (only the highest band) = 100,000
  CHECK(q.compute(units(2'500'000), units(1'000'000)).total == units(50'000 + 105'000 + 100'000));

  w::commission_plan d;
  d.name = "decel";
  d.tiers = {{units(0), 0.05}};
  d.decelerators = {{0.5, 0.5}, {0.8, 0.8}};
  CHECK(d.compute(units(800'000), units(2'000'000)).total == units(20'000));    // 40% < 50%: x0.5
  CHECK(d.compute(units(1'400'000), units(2'000'000)).total == units(56'000));  // 70% < 80%: x0.8
  CHECK(d.compute(units(1'600'000), units(2'000'000)).total == units(80'000));  // 80%: none

  w::commission_plan c = five_seven_ten(w::tier_mode::marginal);
  c.cap = units(100'000);
  c.bonuses = {{1.0, units(5'000)}, {1.5, units(10'000)}, {2.0, units(20'000)}};
  const auto capped = c.compute(units(3'000'000), units(2'000'000));
  CHECK(capped.commission == units(100'000));
  CHECK(capped.bonus == units(15'000));  // 150%: the 100% and 150% milestones, not 200%
  CHECK(capped.total == units(115'000));
  const w::payout_line cap_line = capped.lines[3];
  CHECK(cap_line.kind == w::payout_line_kind::cap);
  CHECK(cap_line.payout == units(-120'000));
  CHECK(capped.lines.size() == 6);

  // The compile-time plan with the same extras agrees.
  using fixed = w::fixed_commission_plan<
      w::marginal_tiers<w::tier<w::currency_units(0), 0.05>, w::tier<w::currency_units(1'000'000), 0.07>,
                        w::tier<w::currency_units(2'000'000), 0.10>>,
      w::cap_at<w::currency_units(100'000)>, w::bonus_at<1.0, w::currency_units(5'000)>,
      w::bonus_at<1.5, w::currency_units(10'000)>, w::bonus_at<2.0, w::currency_units(20'000)>>;
  STATIC_REQUIRE(fixed::bonuses.size() == 3);
  CHECK(fixed::compute(units(3'000'000), units(2'000'000)).lines == capped.lines);
}

TEST_CASE("payouts per rep and period in one call", "[weighting][commission]") {
  w::commission_plan p = five_seven_ten(w::tier_mode::marginal);
  p.bonuses = {{1.0, units(1'000)}};
  const std::vector<money> amounts{units(500'000), units(1'500'000), money::missing(), units(3'000'000)};
  const std::vector<money> quotas{units(1'000'000), units(1'000'000), units(1'000'000), units(2'000'000)};
  const w::payout_table t = p.compute(amounts, quotas);
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[0].total == units(25'000));
  CHECK(t.rows[1].total == units(86'000));
  CHECK(t.rows[2].total.is_missing());
  CHECK(t.rows[3].total == units(221'000));
  CHECK(t.lines_of(1).size() == 3);
  CHECK(t.lines_of(2).empty());
  CHECK(t.lines_of(3).size() == 4);

  const std::vector<money> bad_quotas{units(1), units(0), units(1), units(1)};
  try {
    (void)p.compute(amounts, bad_quotas);
    FAIL("expected input_error");
  } catch (const salesmetrics::input_error& e) {
    CHECK(e.where().row == 1);
    CHECK(e.where().reason == "quota must be > 0 for a plan with accelerators, decelerators or bonuses (got 0.00)");
  }
}

TEST_CASE("validation names the offending part", "[weighting][commission]") {
  w::commission_plan p;
  p.name = "bad";
  p.tiers = {{units(5), 0.05}, {units(3), -0.1}};
  p.accelerators = {{1.2, 1.5}, {1.1, 2.0}};
  p.decelerators = {{1.5, 0.5}};
  p.cap = units(-1);
  std::vector<std::string> reasons;
  for (const auto& pr : p.validate().problems) reasons.push_back(pr.reason);
  const std::vector<std::string> expected{
      "tier #1: the first tier must start at 0, not 5.00",
      "tier #2: 'from' 3.00 must be above tier #1's 5.00",
      "tier #2: rate must be a finite number >= 0",
      "accelerator #2: 'above' 1.1 must exceed the previous accelerator's 1.2",
      "decelerator #1: 'below' 1.5 is above accelerator #1's 'above' 1.2",
      "cap must be >= 0",
  };
  CHECK(reasons == expected);
  CHECK(p.validate().problems[0].table == "commission plan 'bad'");
  CHECK_THROWS_WITH(p.compute(units(1)), Catch::Contains("the first tier must start at 0"));
  w::commission_plan none;
  CHECK_THROWS_WITH(none.compute(units(1)), Catch::Contains("has no tiers"));
}

namespace {
std::int64_t ref_round(std::int64_t cents, std::int64_t nano) {  // half away from zero of cents*nano/1e9
  const std::int64_t p = cents * nano;  // small in this test: fits in int64
  std::int64_t q = p / 1'000'000'000, r = p % 1'000'000'000;
  if ((r < 0 ? -r : r) * 2 >= 1'000'000'000) q += p < 0 ? -1 : 1;
  return q;
}
}  // namespace

TEST_CASE("brute force: cent-by-cent payouts on random plans", "[weighting][commission][random]") {
  std::mt19937_64 rng(777);
  for (int trial = 0; trial < 400; ++trial) {
    w::commission_plan p;
    p.name = "random";
    p.mode = rng() % 2 ? w::tier_mode::flat : w::tier_mode::marginal;
    const std::size_t nt = 1 + rng() % 4;
    std::int64_t from = 0;
    for (std::size_t t = 0; t < nt; ++t) {
      p.tiers.push_back({money::from_cents(from), static_cast<double>(rng() % 2000) / 10000.0});
      from += 1 + static_cast<std::int64_t>(rng() % 1500);
    }
    const money quota = money::from_cents(200 + static_cast<std::int64_t>(rng() % 3000));
    double above = 0.3;
    for (std::size_t j = 0, n = rng() % 3; j < n; ++j) {
      above += 0.1 + static_cast<double>(rng() % 100) / 100.0;
      p.accelerators.push_back({above, 1.0 + static_cast<double>(rng() % 20) / 10.0});
    }
    double below = 0.0;
    for (std::size_t j = 0, n = rng() % 3; j < n; ++j) {
      below += 0.1 + static_cast<double>(rng() % 10) / 100.0;
      if (!p.accelerators.empty() && below > p.accelerators.front().above) break;
      p.decelerators.push_back({below, static_cast<double>(rng() % 10) / 10.0});
    }
    if (rng() % 2) p.cap = money::from_cents(static_cast<std::int64_t>(rng() % 500));
    for (std::size_t j = 0, n = rng() % 3; j < n; ++j)
      p.bonuses.push_back({static_cast<double>(rng() % 300) / 100.0, money::from_cents(static_cast<std::int64_t>(rng() % 1000))});
    REQUIRE(p.validate().ok());

    for (int k = 0; k < 10; ++k) {
      const std::int64_t a = static_cast<std::int64_t>(rng() % 7000) - 100;
      const w::payout got = p.compute(money::from_cents(a), quota);
      const double att = static_cast<double>(a) / static_cast<double>(quota.cents);
      double decel = 1.0;
      for (const auto& d : p.decelerators)
        if (att < d.below) {
          decel = d.multiplier;
          break;
        }
      std::vector<std::int64_t> thresholds;
      for (const auto& acc : p.accelerators) thresholds.push_back(std::llround(acc.above * static_cast<double>(quota.cents)));
      std::size_t reached = 0;
      for (std::size_t t = 0; t < p.tiers.size(); ++t)
        if (p.tiers[t].from.cents < a) reached = t;
      // Count the cents (c-1, c] per (tier, band), then pay each group at its rate.
      std::map<std::pair<int, int>, std::int64_t> cents;
      for (std::int64_t c = 1; c <= a; ++c) {
        int tier = 0, band = -1;
        for (std::size_t t = 0; t < p.tiers.size(); ++t)
          if (p.tiers[t].from.cents <= c - 1) tier = static_cast<int>(t);
        if (p.mode == w::tier_mode::flat) tier = static_cast<int>(reached);
        for (std::size_t j = 0; j < thresholds.size(); ++j)
          if (thresholds[j] <= c - 1) band = static_cast<int>(j);
        ++cents[{tier, band}];
      }
      std::int64_t commission = 0;
      std::size_t tier_lines = 0;
      for (const auto& [key, n] : cents) {
        const double acc = key.second >= 0 ? p.accelerators[static_cast<std::size_t>(key.second)].multiplier : 1.0;
        commission += ref_round(n, std::llround(p.tiers[static_cast<std::size_t>(key.first)].rate * acc * decel * 1e9));
        ++tier_lines;
      }
      std::int64_t got_tier_lines = 0;
      for (const auto& l : got.lines) got_tier_lines += l.kind == w::payout_line_kind::tier ? 1 : 0;
      CHECK(static_cast<std::size_t>(got_tier_lines) == tier_lines);
      if (!p.cap.is_missing()) commission = std::min(commission, p.cap.cents);
      std::int64_t bonus = 0;
      for (const auto& b : p.bonuses)
        if (att >= b.at) bonus += b.bonus.cents;
      CHECK(got.commission.cents == commission);
      CHECK(got.bonus.cents == bonus);
      CHECK(got.total.cents == commission + bonus);
      std::int64_t line_sum = 0;
      for (const auto& l : got.lines) line_sum += l.payout.cents;
      CHECK(line_sum == got.total.cents);
    }
  }
}

}  // namespace weighting_commission_test
