// Tests for salesmetrics/forecast/poisson_binomial.hpp: hand cases, brute-force enumeration of all
// 2^n outcomes on random probabilities (several seeds), the binomial special case, moments, the
// quantile definition, the FFT method against the recurrence, and argument errors.
#include <salesmetrics/forecast/poisson_binomial.hpp>
#include <salesmetrics/core/random.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace forecast_poisson_binomial_test {

namespace sf = salesmetrics::forecast;

namespace {
std::vector<double> random_probabilities(std::size_t n, std::uint64_t seed, bool with_edges = false) {
  salesmetrics::xoshiro256ss rng(seed);
  std::vector<double> p(n);
  for (auto& x : p) x = salesmetrics::uniform01(rng());
  if (with_edges && n >= 3) {
    p[0] = 0.0;
    p[n / 2] = 1.0;
  }
  return p;
}
// P(K = k) by summing over all 2^n outcomes.
std::vector<double> brute_force(const std::vector<double>& p) {
  const std::size_t n = p.size();
  std::vector<double> pmf(n + 1, 0.0);
  for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
    double pr = 1.0;
    int k = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (mask & (1u << i)) { pr *= p[i]; ++k; } else pr *= 1.0 - p[i];
    }
    pmf[static_cast<std::size_t>(k)] += pr;
  }
  return pmf;
}
}  // namespace

TEST_CASE("poisson_binomial: hand-computed cases", "[forecast][poisson_binomial]") {
  const std::vector<double> p{0.2, 0.7};
  const auto d = sf::poisson_binomial_distribution(p);
  REQUIRE(d.trials() == 2);
  CHECK(d.pmf(0) == Approx(0.24).margin(1e-15));  // 0.8 * 0.3
  CHECK(d.pmf(1) == Approx(0.62).margin(1e-15));  // 0.2 * 0.3 + 0.8 * 0.7
  CHECK(d.pmf(2) == Approx(0.14).margin(1e-15));  // 0.2 * 0.7
  CHECK(d.pmf(3) == 0.0);
  CHECK(d.cdf(1) == Approx(0.86).margin(1e-15));
  CHECK(d.mean() == Approx(0.9));
  CHECK(d.variance() == Approx(0.2 * 0.8 + 0.7 * 0.3));
  CHECK(d.quantile(0.24) == 0);
  CHECK(d.quantile(0.25) == 1);
  CHECK(d.quantile(0.86) == 1);
  CHECK(d.quantile(0.87) == 2);
  CHECK(d.quantile(1.0) == 2);

  const auto empty = sf::poisson_binomial_distribution({});
  CHECK(empty.trials() == 0);
  CHECK(empty.pmf(0) == 1.0);
  CHECK(empty.mean() == 0.0);
  CHECK(empty.quantile(0.5) == 0);

  const std::vector<double> certain{1.0, 1.0, 0.0};
  const auto c = sf::poisson_binomial_distribution(certain);
  CHECK(c.pmf(2) == 1.0);
  CHECK(c.quantile(0.0) == 2);
  CHECK(c.quantile(1.0) == 2);
}

TEST_CASE("poisson_binomial: matches brute-force enumeration", "[forecast][poisson_binomial]") {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    for (std::size_t n : {1u, 5u, 12u, 16u}) {
      const auto p = random_probabilities(n, seed * 100 + n, seed % 2 == 0);
      const auto expect = brute_force(p);
      for (auto method : {sf::poisson_binomial_method::recurrence, sf::poisson_binomial_method::fft}) {
        const auto d = sf::poisson_binomial_distribution(p, method);
        REQUIRE(d.pmf().size() == n + 1);
        double total = 0.0, m1 = 0.0, m2 = 0.0;
        for (std::size_t k = 0; k <= n; ++k) {
          CHECK(d.pmf(k) == Approx(expect[k]).margin(1e-14));
          total += d.pmf(k);
          m1 += static_cast<double>(k) * d.pmf(k);
          m2 += static_cast<double>(k * k) * d.pmf(k);
        }
        CHECK(total == Approx(1.0).margin(1e-13));
        CHECK(m1 == Approx(d.mean()).margin(1e-12));
        CHECK(m2 - m1 * m1 == Approx(d.variance()).margin(1e-11));
        // quantile(q) is the smallest k with cdf(k) >= q.
        for (double q : {0.01, 0.1, 0.5, 0.9, 0.99}) {
          const std::size_t k = d.quantile(q);
          CHECK(d.cdf(k) >= q);
          if (k > 0) CHECK(d.cdf(k - 1) < q);
        }
      }
    }
  }
}

TEST_CASE("poisson_binomial: equal probabilities give the binomial law", "[forecast][poisson_binomial]") {
  const std::size_t n = 10000;
  const double pr = 0.3;
  const std::vector<double> p(n, pr);
  const auto d = sf::poisson_binomial_distribution(p);
  const double mean = n * pr, sd = std::sqrt(n * pr * (1 - pr));
  for (double z : {-8.0, -3.0, -1.0, 0.0, 0.5, 2.0, 6.0}) {
    const auto k = static_cast<std::size_t>(mean + z * sd);
    const double log_binom = std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) +
                             static_cast<double>(k) * std::log(pr) + static_cast<double>(n - k) * std::log1p(-pr);
    // lgamma of ~1e4 carries ~1e-12 absolute error, i.e. a relative error of that order here.
    CHECK(d.pmf(k) == Approx(std::exp(log_binom)).epsilon(1e-9));
  }
  CHECK(d.quantile(0.5) == 3000);
}

TEST_CASE("poisson_binomial: FFT method agrees with the recurrence for large n", "[forecast][poisson_binomial]") {
  for (std::size_t n : {1000u, 10000u}) {
    const auto p = random_probabilities(n, 77 + n);
    const auto a = sf::poisson_binomial_distribution(p);
    const auto b = sf::poisson_binomial_distribution(p, sf::poisson_binomial_method::fft);
    double worst = 0.0, total = 0.0;
    for (std::size_t k = 0; k <= n; ++k) {
      worst = std::max(worst, std::fabs(a.pmf(k) - b.pmf(k)));
      total += a.pmf(k);
    }
    CHECK(worst < 1e-12);
    CHECK(total == Approx(1.0).margin(1e-12));
    for (double q : {0.1, 0.5, 0.9}) CHECK(a.quantile(q) == b.quantile(q));
  }
}

TEST_CASE("poisson_binomial: invalid probabilities name the index", "[forecast][poisson_binomial]") {
  std::vector<double> p{0.1, 0.2, 0.3, 1.5};
  CHECK_THROWS_WITH(sf::poisson_binomial_distribution(p), Catch::Contains("index 3"));
  p[3] = std::nan("");
  CHECK_THROWS_AS(sf::poisson_binomial_distribution(p), std::invalid_argument);
  p[3] = -0.01;
  CHECK_THROWS_AS(sf::poisson_binomial_distribution(p, sf::poisson_binomial_method::fft), std::invalid_argument);
  const auto d = sf::poisson_binomial_distribution(std::vector<double>{0.5});
  CHECK_THROWS_AS(d.quantile(1.5), std::invalid_argument);
}

}  // namespace forecast_poisson_binomial_test
