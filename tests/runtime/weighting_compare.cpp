// Comparing schemes: incomplete beta and Student t (core/special_functions.hpp) against 50-digit mpmath values (computed
// independently with mpmath 1.3.0: betainc(a, b, 0, x, regularized=True); the numbers are
// committed here, no Python at test time), Welch's t-test against a hand/mpmath computation,
// splitmix64 against its published outputs, and the seeded bootstrap.
#include <salesmetrics/weighting/compare.hpp>
#include <salesmetrics/core/random.hpp>
#include <salesmetrics/core/special_functions.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace weighting_compare_test {

namespace w = salesmetrics::weighting;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
bool close(double got, double want, double rel) { return std::fabs(got - want) <= rel * std::fabs(want); }
}  // namespace

TEST_CASE("regularized incomplete beta matches mpmath to 1e-13", "[weighting][compare]") {
  struct row { double a, b, x, want; };
  const std::array<row, 8> rows{{{0.5, 0.5, 0.3, 0.36901011956554537504},
                                 {2, 3, 0.4, 0.52480000000000003837},
                                 {10, 0.5, 0.95, 0.31715157546554505738},
                                 {0.5, 10, 0.01, 0.34207182484321553304},
                                 {100, 0.5, 0.999, 0.65504351632442958775},
                                 {50, 50, 0.5, 0.5},
                                 {3.7, 1.2, 0.8, 0.51844410944423751492},
                                 {1, 1, 0.25, 0.25}}};
  for (const row& r : rows) {
    INFO("a=" << r.a << " b=" << r.b << " x=" << r.x);
    CHECK(close(salesmetrics::incomplete_beta(r.a, r.b, r.x), r.want, 1e-13));
  }
  CHECK(salesmetrics::incomplete_beta(2, 3, 0.0) == 0.0);
  CHECK(salesmetrics::incomplete_beta(2, 3, 1.0) == 1.0);
  CHECK_THROWS_AS(salesmetrics::incomplete_beta(0, 3, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(salesmetrics::incomplete_beta(2, 3, kNaN), std::invalid_argument);
}

TEST_CASE("Student t two-sided p-values match mpmath", "[weighting][compare]") {
  struct row { double t, df, want, rel; };
  const std::array<row, 10> rows{{{2.0, 10, 0.073388034770740365618, 1e-13},
                                  {0.5, 3, 0.65144796484815099444, 1e-13},
                                  {-1.3, 7.5, 0.23212677881560865856, 1e-13},
                                  {5.0, 1, 0.12566591637800236763, 1e-13},
                                  {12.0, 30, 5.580185415199256063e-13, 1e-12},
                                  {1.96, 1000, 0.050273184955748718435, 1e-12},
                                  {0.0, 5, 1.0, 0.0},
                                  {40.0, 2.5, 0.00014195634290493382913, 1e-12},
                                  {3.0, 1e6, 0.0026998625414217970587, 1e-9},
                                  {25, 200, 1.8539096107492524296e-63, 1e-12}}};
  for (const row& r : rows) {
    INFO("t=" << r.t << " df=" << r.df);
    CHECK(close(salesmetrics::student_t_two_sided(r.t, r.df), r.want, r.rel));
  }
  // CDF: symmetric tails.
  CHECK(close(salesmetrics::student_t_cdf(-2.0, 10), 0.073388034770740365618 / 2, 1e-13));
  CHECK(close(salesmetrics::student_t_cdf(2.0, 10), 1 - 0.073388034770740365618 / 2, 1e-14));
  CHECK(salesmetrics::student_t_cdf(0.0, 4) == 0.5);
  CHECK(salesmetrics::student_t_cdf(std::numeric_limits<double>::infinity(), 4) == 1.0);
  CHECK_THROWS_AS(salesmetrics::student_t_cdf(1.0, 0.0), std::invalid_argument);
  CHECK(std::isnan(salesmetrics::student_t_two_sided(kNaN, 3.0)));
}

TEST_CASE("Welch's t-test against independently computed values", "[weighting][compare]") {
  const std::vector<double> a{12.1, 14.3, 9.8, 11.0, 13.7, 10.4, 12.9};
  const std::vector<double> b{9.2, 8.7, 11.1, 7.9, 10.3, 9.0, 8.1, 10.8, 9.5, kNaN};  // NaN is dropped
  const w::welch_result r = w::welch_t_test(a, b);
  CHECK(r.n_a == 7);
  CHECK(r.n_b == 9);
  CHECK(close(r.mean_a, 12.028571428571428724, 1e-15));
  CHECK(close(r.mean_b, 9.3999999999999999605, 1e-15));
  CHECK(close(r.var_a, 2.8990476190476185638, 1e-13));
  CHECK(close(r.var_b, 1.2875000000000003997, 1e-13));
  CHECK(close(r.t, 3.5213743512190128263, 1e-13));
  CHECK(close(r.df, 9.9688541326830676051, 1e-13));
  CHECK(close(r.p_two_sided, 0.0055520978408097082824, 1e-12));
  // Swapping the samples flips t, keeps df and p.
  const w::welch_result s = w::welch_t_test(b, a);
  CHECK(s.t == Approx(-r.t));
  CHECK(s.p_two_sided == Approx(r.p_two_sided));

  const std::vector<double> one{1.0}, constant{2.0, 2.0, 2.0};
  CHECK(std::isnan(w::welch_t_test(one, b).t));
  CHECK(w::welch_t_test(one, b).mean_a == 1.0);
  const auto flat = w::welch_t_test(constant, constant);
  CHECK(std::isnan(flat.t));
  CHECK(std::isnan(flat.p_two_sided));
  CHECK(flat.diff == 0.0);
}

TEST_CASE("splitmix64 reproduces the published sequence", "[weighting][compare]") {
  salesmetrics::splitmix64 g(1234567);
  CHECK(g.next() == 6457827717110365317ULL);
  CHECK(g.next() == 3203168211198807973ULL);
  CHECK(g.next() == 9817491932198370423ULL);
  salesmetrics::splitmix64 z(0);
  CHECK(z.next() == 16294208416658607535ULL);
  // below(n) is uniform: counts of 0..2 over 30000 draws within 3%.
  salesmetrics::splitmix64 u(42);
  std::array<int, 3> counts{};
  for (int i = 0; i < 30000; ++i) ++counts[u.below(3)];
  for (int c : counts) CHECK(std::abs(c - 10000) < 300);
  double lo = 1, hi = 0;
  for (int i = 0; i < 10000; ++i) {
    const double x = u.uniform01();
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  CHECK(lo >= 0.0);
  CHECK(hi < 1.0);
  CHECK(u.below(0) == 0);
}

TEST_CASE("bootstrap interval: reproducible by seed and consistent with its definition", "[weighting][compare]") {
  std::vector<double> a, b;
  salesmetrics::splitmix64 g(7);
  for (int i = 0; i < 200; ++i) a.push_back(10.0 + 4.0 * g.uniform01());
  for (int i = 0; i < 150; ++i) b.push_back(9.0 + 6.0 * g.uniform01());
  const w::bootstrap_options opt{2000, 0.9, 123};
  const auto r1 = w::bootstrap_mean_difference(a, b, opt);
  const auto r2 = w::bootstrap_mean_difference(a, b, opt);
  CHECK(r1.lower == r2.lower);
  CHECK(r1.upper == r2.upper);
  const auto r3 = w::bootstrap_mean_difference(a, b, {2000, 0.9, 124});
  CHECK(r3.lower != r1.lower);

  // Recompute from the documented definition: replicate = n_a draws of a, then n_b of b.
  salesmetrics::splitmix64 rng(123);
  std::vector<double> reps;
  for (int r = 0; r < 2000; ++r) {
    double sa = 0, sb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) sa += a[rng.below(a.size())];
    for (std::size_t i = 0; i < b.size(); ++i) sb += b[rng.below(b.size())];
    reps.push_back(sa / static_cast<double>(a.size()) - sb / static_cast<double>(b.size()));
  }
  std::sort(reps.begin(), reps.end());
  const double h = 1999 * 0.05;
  const auto k = static_cast<std::size_t>(h);
  CHECK(r1.lower == Approx(reps[k] + (h - static_cast<double>(k)) * (reps[k + 1] - reps[k])).epsilon(1e-14));

  // Large samples: close to the normal-theory interval diff +- 1.645 se.
  const auto welch = w::welch_t_test(a, b);
  const double se = std::sqrt(welch.var_a / 200 + welch.var_b / 150);
  CHECK(r1.estimate == Approx(welch.diff));
  CHECK(r1.lower < r1.estimate);
  CHECK(r1.upper > r1.estimate);
  CHECK((r1.upper - r1.lower) == Approx(2 * 1.6449 * se).epsilon(0.1));

  const std::vector<double> empty;
  CHECK_THROWS_WITH(w::bootstrap_mean_difference(empty, b), Catch::Contains("at least one non-NaN value"));
  CHECK_THROWS_WITH(w::bootstrap_mean_difference(a, b, {0, 0.9, 1}), Catch::Contains("resamples must be >= 1"));
  CHECK_THROWS_WITH(w::bootstrap_mean_difference(a, b, {10, 1.0, 1}), Catch::Contains("level must lie in (0, 1)"));
}

}  // namespace weighting_compare_test
