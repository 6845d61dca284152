// Tests for salesmetrics/forecast/outcome_distribution.hpp and random.hpp: generator test
// vectors (computed independently in Python), exact moments by hand, the lattice law against
// brute-force enumeration of all 2^n outcomes (several seeds, negative/zero/common-factor amounts),
// Monte Carlo against the exact law within its stated standard errors, bitwise determinism, the
// normal approximation within its Berry-Esseen bound, and argument errors.
#include <salesmetrics/forecast/outcome_distribution.hpp>
#include <salesmetrics/core/random.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <vector>

namespace forecast_outcome_distribution_test {

namespace sf = salesmetrics::forecast;

namespace {
struct book {
  std::vector<std::int64_t> cents;
  std::vector<double> amounts;
  std::vector<double> p;
};
book random_book(std::size_t n, std::uint64_t seed, std::int64_t unit, bool allow_negative) {
  salesmetrics::xoshiro256ss rng(seed);
  book b;
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t a = unit * static_cast<std::int64_t>(1 + rng() % 50);
    if (allow_negative && rng() % 5 == 0) a = -a;
    if (rng() % 11 == 0) a = 0;
    b.cents.push_back(a);
    b.amounts.push_back(static_cast<double>(a));
    b.p.push_back(salesmetrics::uniform01(rng()));
  }
  return b;
}
std::map<std::int64_t, double> enumerate(const book& b) {
  std::map<std::int64_t, double> law;
  const std::size_t n = b.p.size();
  for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
    double pr = 1.0;
    std::int64_t r = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (mask & (1u << i)) { pr *= b.p[i]; r += b.cents[i]; } else pr *= 1.0 - b.p[i];
    }
    law[r] += pr;
  }
  return law;
}
}  // namespace

TEST_CASE("random: generator test vectors", "[forecast][random]") {
  salesmetrics::splitmix64 sm(1234567);  // reference outputs of splitmix64 for seed 1234567
  CHECK(sm() == 6457827717110365317ull);
  CHECK(sm() == 3203168211198807973ull);
  CHECK(sm() == 9817491932198370423ull);
  salesmetrics::xoshiro256ss x(42);  // state = 4 splitmix64(42) outputs; values from an independent Python version
  CHECK(x() == 1546998764402558742ull);
  CHECK(x() == 6990951692964543102ull);
  CHECK(x() == 12544586762248559009ull);
  CHECK(salesmetrics::uniform01(0) == 0.0);
  CHECK(salesmetrics::uniform01(~0ull) < 1.0);
  CHECK(salesmetrics::uniform01_open(0) > 0.0);
  CHECK(salesmetrics::uniform01_open(~0ull) < 1.0);
}

TEST_CASE("outcome_distribution: exact moments by hand", "[forecast][outcome]") {
  const std::vector<double> a{100.0, 250.0, 40.0};
  const std::vector<double> p{0.5, 0.2, 1.0};
  const auto m = sf::revenue_moments(a, p);
  CHECK(m.mean == Approx(50.0 + 50.0 + 40.0));
  CHECK(m.variance == Approx(100.0 * 100.0 * 0.25 + 250.0 * 250.0 * 0.16));
  const auto e = sf::revenue_moments({}, {});
  CHECK(e.mean == 0.0);
  CHECK(e.variance == 0.0);
}

TEST_CASE("outcome_distribution: lattice law matches brute-force enumeration", "[forecast][outcome]") {
  for (std::uint64_t seed : {11u, 12u, 13u, 14u}) {
    const std::int64_t unit = seed % 2 == 0 ? 100 : 7;  // common factors are detected
    const auto b = random_book(13, seed, unit, seed >= 13);
    const auto law = enumerate(b);
    const auto d = sf::exact_revenue_distribution(b.cents, b.p);
    double total = 0.0, mean = 0.0;
    for (std::size_t k = 0; k < d.size(); ++k) {
      total += d.pmf()[k];
      mean += static_cast<double>(d.value(k)) * d.pmf()[k];
      const auto it = law.find(d.value(k));
      CHECK(d.pmf()[k] == Approx(it == law.end() ? 0.0 : it->second).margin(1e-15));
    }
    for (const auto& [r, pr] : law) CHECK(d.pmf_at(r) == Approx(pr).margin(1e-15));
    CHECK(total == Approx(1.0).margin(1e-13));
    CHECK(mean == Approx(d.mean()).epsilon(1e-12));
    const auto m = sf::revenue_moments(b.amounts, b.p);
    CHECK(d.mean() == Approx(m.mean));
    CHECK(d.variance() == Approx(m.variance));
    // quantile: the smallest support value with cdf >= q (computed from the enumeration).
    for (double q : {0.1, 0.5, 0.9}) {
      double c = 0.0;
      std::int64_t expect = 0;
      for (const auto& [r, pr] : law) {
        c += pr;
        if (c >= q - 1e-13) { expect = r; break; }
      }
      CHECK(d.quantile(q) == expect);
    }
  }
}

TEST_CASE("outcome_distribution: Monte Carlo converges to the exact law within its SE", "[forecast][outcome]") {
  for (std::uint64_t seed : {21u, 22u, 23u}) {
    const auto b = random_book(60, seed, 100, seed == 23u);
    const auto exact = sf::exact_revenue_distribution(b.cents, b.p);
    sf::monte_carlo_options opt;
    opt.draws = 20000;
    opt.seed = seed;
    opt.confidence = 0.9999;
    const auto mc = sf::simulate_revenue(b.amounts, b.p, opt);
    REQUIRE(mc.draws() == 20000);
    CHECK(std::fabs(mc.mean() - exact.mean()) < 4.0 * mc.mean_standard_error());
    CHECK(mc.standard_deviation() == Approx(std::sqrt(exact.variance())).epsilon(0.05));
    for (double q : {0.1, 0.5, 0.9}) {
      const auto e = mc.quantile(q);
      const auto truth = static_cast<double>(exact.quantile(q));
      CHECK(e.lower <= truth);
      CHECK(truth <= e.upper);
      CHECK(e.standard_error > 0.0);
      CHECK(e.lower <= e.value);
      CHECK(e.value <= e.upper);
    }
    // Empirical cdf against the exact cdf: binomial SE sqrt(F(1-F)/N), 5 SE.
    for (double q : {0.05, 0.3, 0.7, 0.95}) {
      const auto r = exact.quantile(q);
      const double F = exact.cdf(r);
      CHECK(std::fabs(mc.cdf(static_cast<double>(r)) - F) < 5.0 * std::sqrt(F * (1 - F) / 20000.0) + 1e-12);
    }
  }
}

TEST_CASE("outcome_distribution: Monte Carlo is deterministic and seed-dependent", "[forecast][outcome]") {
  const auto b = random_book(200, 5, 100, false);
  sf::monte_carlo_options opt;
  opt.draws = 500;
  const auto a = sf::simulate_revenue(b.amounts, b.p, opt);
  const auto c = sf::simulate_revenue(b.amounts, b.p, opt);
  CHECK(a.sorted_draws() == c.sorted_draws());
  opt.seed += 1;
  const auto d = sf::simulate_revenue(b.amounts, b.p, opt);
  CHECK(a.sorted_draws() != d.sorted_draws());
  // Certain outcomes: p = 0 never wins, p = 1 always wins.
  const std::vector<double> amt{10.0, 20.0, 30.0};
  const std::vector<double> pr{0.0, 1.0, 1.0};
  const auto s = sf::simulate_revenue(amt, pr, opt);
  CHECK(s.sorted_draws().front() == 50.0);
  CHECK(s.sorted_draws().back() == 50.0);
  CHECK(s.p10().value == 50.0);
  CHECK(s.p90().standard_error == 0.0);
  CHECK(s.mean_standard_error() == 0.0);
}

TEST_CASE("outcome_distribution: normal approximation within its Berry-Esseen bound", "[forecast][outcome]") {
  const auto b = random_book(2000, 99, 100, false);
  const auto exact = sf::exact_revenue_distribution(b.cents, b.p);
  const auto nrm = sf::normal_revenue_approximation(b.amounts, b.p);
  CHECK(nrm.mean == Approx(exact.mean()));
  CHECK(nrm.standard_deviation == Approx(std::sqrt(exact.variance())));
  REQUIRE(nrm.berry_esseen_bound < 0.1);
  double worst = 0.0;
  for (std::size_t k = 0; k < exact.size(); k += 7) {
    const auto r = exact.value(k);
    worst = std::max(worst, std::fabs(exact.cdf(r) - nrm.cdf(static_cast<double>(r))));
  }
  CHECK(worst <= nrm.berry_esseen_bound);
  CHECK(nrm.quantile(0.5) == Approx(nrm.mean));
}

TEST_CASE("outcome_distribution: argument errors", "[forecast][outcome]") {
  const std::vector<double> a{1.0, 2.0};
  const std::vector<double> p{0.5, 1.5};
  CHECK_THROWS_WITH(sf::simulate_revenue(a, p), Catch::Contains("index 1"));
  CHECK_THROWS_WITH(sf::revenue_moments(a, std::vector<double>{0.5}), Catch::Contains("differ in size"));
  const std::vector<double> bad{1.0, INFINITY};
  CHECK_THROWS_WITH(sf::simulate_revenue(bad, std::vector<double>{0.5, 0.5}), Catch::Contains("amount at index 1"));
  sf::monte_carlo_options opt;
  opt.draws = 0;
  CHECK_THROWS_AS(sf::simulate_revenue(a, std::vector<double>{0.5, 0.5}, opt), std::invalid_argument);
  const std::vector<std::int64_t> cents{1, 1000000000};
  CHECK_THROWS_WITH(sf::exact_revenue_distribution(cents, std::vector<double>{0.5, 0.5}, 1000),
                    Catch::Contains("max_cells"));
  const std::vector<std::int64_t> missing{5, INT64_MIN};
  CHECK_THROWS_WITH(sf::exact_revenue_distribution(missing, std::vector<double>{0.5, 0.5}),
                    Catch::Contains("index 1"));
}

}  // namespace forecast_outcome_distribution_test
