// Tests of core/money.hpp: exact cents and the branch-free rounding the per-row money metrics use.
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/synthetic/random.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

namespace core_money_test {

TEST_CASE("round_half_away is std::llround on finite values below 2^63", "[core][money]") {
  salesmetrics::xoshiro256ss g(7);
  for (int i = 0; i < 50000; ++i) {
    // magnitudes from below 1 up to 2^59, every binade about equally often
    const double x = (salesmetrics::uniform01(g()) - 0.5) * std::ldexp(1.0, static_cast<int>(g() % 60));
    CHECK(salesmetrics::round_half_away(x) == std::llround(x));
    const double half = std::floor(x) + 0.5;  // exact halves, both signs
    CHECK(salesmetrics::round_half_away(half) == std::llround(half));
  }
  CHECK(salesmetrics::round_half_away(2.5) == 3);
  CHECK(salesmetrics::round_half_away(-2.5) == -3);
  CHECK(salesmetrics::round_half_away(-0.5) == -1);
  CHECK(salesmetrics::round_half_away(0.49999999999999994) == 0);  // the largest double below 0.5
  CHECK(salesmetrics::round_half_away(-0.49999999999999994) == 0);
  CHECK(salesmetrics::round_half_away(4503599627370497.0) == 4503599627370497);  // 2^52 + 1: no fraction left
  // Defined beyond the int64 range: saturated, NaN at the negative bound.
  constexpr std::int64_t bound = 9223372036854774784;  // 2^63 - 1024
  CHECK(salesmetrics::round_half_away(1e300) == bound);
  CHECK(salesmetrics::round_half_away(-std::numeric_limits<double>::infinity()) == -bound);
  CHECK(salesmetrics::round_half_away(std::numeric_limits<double>::quiet_NaN()) == -bound);
}

TEST_CASE("money sums cents exactly and rounds doubles half away from zero", "[core][money]") {
  using salesmetrics::money;
  CHECK((money::from_cents(10) + money::from_cents(-3)).cents == 7);
  CHECK(money::from_double(1.005).cents == 100);  // 1.005 x 100 is 100.49999999999999 in binary
  CHECK(money::from_double(10.005).cents == 1001);  // and 10.005 x 100 is 1000.5000000000001
  CHECK(money::from_double(1054.25).cents == 105425);
  CHECK(money::from_double(-0.125).cents == -13);
  CHECK(money::missing().is_missing());
  CHECK_FALSE(money::from_cents(0).is_missing());
}

}  // namespace core_money_test
