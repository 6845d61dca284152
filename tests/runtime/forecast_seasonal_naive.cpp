// Tests for salesmetrics/forecast/seasonal_naive.hpp and croston.hpp: hand-computed forecasts,
// residual variance and interval widths, Croston/SBA recursions by hand and against a brute-force
// re-implementation on random intermittent series, and argument errors.
#include <salesmetrics/forecast/croston.hpp>
#include <salesmetrics/core/random.hpp>
#include <salesmetrics/forecast/seasonal_naive.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace forecast_seasonal_naive_test {

namespace sf = salesmetrics::forecast;

TEST_CASE("seasonal_naive: hand-computed forecasts and intervals", "[forecast][naive]") {
  const std::vector<double> y{10, 20, 30, 12, 21, 33};
  CHECK(sf::seasonal_naive_forecast(y, 5, 3) == std::vector<double>{12, 21, 33, 12, 21});
  CHECK(sf::seasonal_naive_forecast(y, 2) == std::vector<double>{33, 33});
  // residuals (m = 3): 2, 1, 3 -> sigma^2 = 14 / 3
  const auto iv = sf::seasonal_naive_intervals(y, 4, 3, 0.95);
  const double z = 1.959963984540054, sigma = std::sqrt(14.0 / 3);
  CHECK(iv.upper[0] - iv.mean[0] == Approx(z * sigma));
  CHECK(iv.upper[2] - iv.mean[2] == Approx(z * sigma));
  CHECK(iv.upper[3] - iv.mean[3] == Approx(z * sigma * std::sqrt(2.0)));
  CHECK(iv.mean[0] - iv.lower[0] == Approx(z * sigma));
  const auto one = sf::seasonal_naive_intervals(std::vector<double>{4, 5, 6}, 1, 3);
  CHECK(std::isnan(one.upper[0]));  // no residual when n = m
  CHECK_THROWS_WITH(sf::seasonal_naive_forecast(std::vector<double>{1, 2}, 1, 3), Catch::Contains("at least m"));
  CHECK_THROWS_AS(sf::seasonal_naive_forecast(y, 1, 0), std::invalid_argument);
}

TEST_CASE("croston: hand-computed recursion", "[forecast][croston]") {
  // demands at t = 1 (size 4), t = 4 (size 2), t = 5 (size 6); alpha = 0.5
  const std::vector<double> y{0, 4, 0, 0, 2, 6, 0};
  // init: z = 4, p = 2; t = 4: z = 3, p = 2 + .5 (3 - 2) = 2.5; t = 5: z = 4.5, p = 2.5 + .5 (1 - 2.5) = 1.75
  const auto c = sf::croston(y, 0.5, sf::croston_variant::classic);
  CHECK(c.demands == 3);
  CHECK(c.demand_size == Approx(4.5));
  CHECK(c.interval == Approx(1.75));
  CHECK(c.rate == Approx(4.5 / 1.75));
  const auto s = sf::croston(y, 0.5);
  CHECK(s.rate == Approx(0.75 * 4.5 / 1.75));
  CHECK(s.forecast(3) == std::vector<double>(3, s.rate));
  CHECK(sf::croston(std::vector<double>{0, 0, 0}).rate == 0.0);
  CHECK_THROWS_WITH(sf::croston(std::vector<double>{1, -1}), Catch::Contains("index 1"));
  CHECK_THROWS_AS(sf::croston(y, 0.0), std::invalid_argument);
}

TEST_CASE("croston: brute-force re-implementation on random series", "[forecast][croston]") {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    salesmetrics::xoshiro256ss rng(seed);
    std::vector<double> y(80);
    for (auto& v : y) v = salesmetrics::uniform01(rng()) < 0.25 ? std::floor(1 + 9 * salesmetrics::uniform01(rng())) : 0.0;
    // Independent form: list the demand sizes and inter-demand intervals, then smooth the lists.
    std::vector<double> sizes, gaps;
    long prev = -1;
    for (std::size_t t = 0; t < y.size(); ++t)
      if (y[t] > 0) {
        sizes.push_back(y[t]);
        gaps.push_back(static_cast<double>(static_cast<long>(t) - prev));
        prev = static_cast<long>(t);
      }
    const double a = 0.2;
    double z = sizes[0], p = gaps[0];
    for (std::size_t i = 1; i < sizes.size(); ++i) {
      z = a * sizes[i] + (1 - a) * z;
      p = a * gaps[i] + (1 - a) * p;
    }
    const auto r = sf::croston(y, a);
    CHECK(r.rate == Approx((1 - a / 2) * z / p).epsilon(1e-12));
  }
}

}  // namespace forecast_seasonal_naive_test
