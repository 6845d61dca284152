// Weighting policies: exponential time decay (compile-time and runtime half-life) and stage
// probabilities (runtime vector and compile-time list), and the WeightingPolicy concept.
#include <salesmetrics/weighting/stage_weights.hpp>
#include <salesmetrics/weighting/time_decay.hpp>
#include <salesmetrics/weighting/weighting_policy.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <limits>

namespace weighting_policies_test {

namespace w = salesmetrics::weighting;

static_assert(w::WeightingPolicy<w::exponential_decay<30.0>, double>);
static_assert(w::WeightingPolicy<w::half_life_decay, double>);
static_assert(w::WeightingPolicy<w::stage_probabilities, std::size_t>);
static_assert(w::WeightingPolicy<w::fixed_stage_weights<0.1, 0.5>, std::size_t>);
static_assert(!w::WeightingPolicy<int, double>);

TEST_CASE("exponential decay: 0.5^(age / half-life)", "[weighting][policies]") {
  const w::exponential_decay<30.0> d;
  CHECK(d(0.0) == 1.0);
  CHECK(d(30.0) == 0.5);
  CHECK(d(60.0) == 0.25);
  CHECK(d(90.0) == 0.125);
  CHECK(d(15.0) == Approx(std::sqrt(0.5)).epsilon(1e-15));
  CHECK(d(10.0) == Approx(std::pow(0.5, 1.0 / 3.0)).epsilon(1e-15));
  CHECK(d(-5.0) == 1.0);  // future events are not up-weighted
  CHECK(d(std::numeric_limits<double>::infinity()) == 0.0);
  CHECK(std::isnan(d(std::numeric_limits<double>::quiet_NaN())));
  CHECK(d(std::chrono::hours(24 * 45)) == Approx(std::pow(0.5, 1.5)).epsilon(1e-15));
  const auto now = salesmetrics::from_unix(100 * 86400);
  CHECK(d(salesmetrics::from_unix(70 * 86400), now) == 0.5);

  const w::half_life_decay r(30.0);
  for (double age : {0.0, 1.0, 7.5, 30.0, 365.0}) CHECK(r(age) == d(age));
  CHECK(r.half_life_days() == 30.0);
  CHECK_THROWS_WITH(w::half_life_decay(0.0), Catch::Contains("half-life must be a positive, finite number of days"));
  CHECK_THROWS(w::half_life_decay(std::numeric_limits<double>::infinity()));
}

TEST_CASE("stage probabilities", "[weighting][policies]") {
  const w::stage_probabilities p{0.1, 0.2, 0.4, 0.6, 0.8};
  CHECK(p(0) == 0.1);
  CHECK(p(4) == 0.8);
  CHECK(std::isnan(p(5)));
  CHECK_THROWS_WITH(p.at(5), Catch::Contains("stage 5 is outside the 5 stages given"));
  CHECK_THROWS_WITH((w::stage_probabilities{0.1, 1.2}), Catch::Contains("probability of stage 1 is 1.200000"));
  constexpr w::fixed_stage_weights<0.1, 0.2, 0.4, 0.6, 0.8> f;
  static_assert(f(2) == 0.4);
  static_assert(f.size() == 5);
  for (std::size_t s = 0; s < 5; ++s) CHECK(f(s) == p(s));
  CHECK(std::isnan(f(9)));
}

}  // namespace weighting_policies_test
