// Tests of funnel/intervals.hpp against values computed by hand (and cross-checked with Python's
// statistics.NormalDist), plus coverage by simulation and the argument checks.
#include <salesmetrics/funnel/intervals.hpp>

#include "funnel_test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>

namespace funnel_intervals_test {

namespace fn = salesmetrics::funnel;

TEST_CASE("normal quantiles for common confidence levels", "[funnel][intervals]") {
  CHECK(fn::z_for_confidence(0.95) == Approx(1.9599639845400536).epsilon(1e-14));
  CHECK(fn::z_for_confidence(0.99) == Approx(2.5758293035489).epsilon(1e-14));
  CHECK(fn::z_for_confidence(0.90) == Approx(1.6448536269514715).epsilon(1e-14));
  CHECK(fn::z_for_confidence(0.999) == Approx(3.2905267314919255).epsilon(1e-13));
  CHECK(fn::z95 == Approx(fn::z_for_confidence(0.95)).epsilon(1e-15));
  CHECK_THROWS_WITH(fn::z_for_confidence(1.0), Catch::Contains("level must be in (0, 1)"));
  CHECK_THROWS(fn::z_for_confidence(std::nan("")));
}

TEST_CASE("Wilson intervals against hand-computed values", "[funnel][intervals]") {
  // 5/10, z = 1.95996: p = 0.5, z^2 = 3.84146, centre = 0.5 exactly,
  // half = 1.95996 / 1.384146 * sqrt(0.025 + 3.84146 / 400) = 1.415999 * 0.186051 = 0.263407.
  fn::interval i = fn::wilson_interval(5, 10);
  CHECK(i.lower == Approx(0.236593090512564).epsilon(1e-12));
  CHECK(i.upper == Approx(0.763406909487436).epsilon(1e-12));
  CHECK(0.5 * (i.lower + i.upper) == Approx(0.5).epsilon(1e-15));
  // 0/10: centre = half = (z^2 / 20) / (1 + z^2 / 10) = 0.138766; the interval is [0, 0.277533].
  i = fn::wilson_interval(0, 10);
  CHECK(i.lower == 0.0);
  CHECK(i.upper == Approx(0.277532799862889).epsilon(1e-12));
  i = fn::wilson_interval(10, 10);
  CHECK(i.lower == Approx(0.722467200137111).epsilon(1e-12));
  CHECK(i.upper == 1.0);
  i = fn::wilson_interval(81, 263);
  CHECK(i.lower == Approx(0.255288519878274).epsilon(1e-12));
  CHECK(i.upper == Approx(0.3662095769828).epsilon(1e-12));
  i = fn::wilson_interval(81, 263, fn::z_for_confidence(0.99));
  CHECK(i.lower == Approx(0.24013690268760773).epsilon(1e-12));
  CHECK(i.upper == Approx(0.38528250231822986).epsilon(1e-12));
  i = fn::wilson_interval(37, 1000);
  CHECK(i.lower == Approx(0.0269611808755547).epsilon(1e-12));
  CHECK(i.upper == Approx(0.0505823974820693).epsilon(1e-12));
  i = fn::wilson_interval(1, 1);
  CHECK(i.lower == Approx(0.206549314377237).epsilon(1e-12));
  // No trials: no interval.
  i = fn::wilson_interval(0, 0);
  CHECK(std::isnan(i.lower));
  CHECK(std::isnan(i.upper));
}

TEST_CASE("Wilson intervals cover the true rate about 95% of the time", "[funnel][intervals]") {
  funnel_test::rng r(2024);
  for (const double p : {0.1, 0.3, 0.5}) {
    const int n = 200, reps = 4000;
    int covered = 0;
    for (int k = 0; k < reps; ++k) {
      int s = 0;
      for (int j = 0; j < n; ++j) s += r.uniform() < p;
      const fn::interval i = fn::wilson_interval(s, n);
      covered += i.lower <= p && p <= i.upper;
    }
    const double cov = static_cast<double>(covered) / reps;
    INFO("p = " << p << " coverage " << cov);
    CHECK(cov > 0.93);
    CHECK(cov < 0.97);
  }
}

TEST_CASE("Beta smoothing and the too-few flag", "[funnel][intervals]") {
  CHECK(fn::beta_smoothed_rate(3, 10, 1, 1) == Approx(4.0 / 12));
  CHECK(fn::beta_smoothed_rate(0, 0, 2, 3) == Approx(0.4));
  CHECK(fn::beta_smoothed_rate(7, 7, 0, 0) == 1.0);
  CHECK(std::isnan(fn::beta_smoothed_rate(0, 0, 0, 0)));
  const fn::rate_estimate e = fn::estimate_rate(12, 29);
  CHECK(e.rate == Approx(12.0 / 29));
  CHECK(e.smoothed == Approx(13.0 / 31));
  CHECK(e.too_few);
  CHECK(e.wilson.lower == Approx(fn::wilson_interval(12, 29).lower));
  CHECK_FALSE(fn::estimate_rate(12, 30).too_few);
  fn::rate_options o;
  o.min_observations = 100;
  CHECK(fn::estimate_rate(12, 30, o).too_few);
  CHECK(std::isnan(fn::estimate_rate(0, 0).rate));
}

TEST_CASE("interval arguments are checked", "[funnel][intervals]") {
  CHECK_THROWS_WITH(fn::wilson_interval(11, 10), Catch::Contains("0 <= successes <= trials"));
  CHECK_THROWS_WITH(fn::wilson_interval(-1, 10), Catch::Contains("successes -1"));
  CHECK_THROWS_WITH(fn::wilson_interval(1, 10, 0.0), Catch::Contains("z must be finite and > 0"));
  CHECK_THROWS_WITH(fn::beta_smoothed_rate(1, 2, -1, 1), Catch::Contains("alpha and beta"));
}

}  // namespace funnel_intervals_test
