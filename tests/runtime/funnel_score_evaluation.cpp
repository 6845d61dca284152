// Tests of funnel/score_evaluation.hpp: hand values, AUC against brute-force pair counting (with
// ties), the calibration table against an independent rank-based binning, argument checks.
#include <salesmetrics/funnel/score_evaluation.hpp>

#include "funnel_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace funnel_score_evaluation_test {

namespace fn = salesmetrics::funnel;

TEST_CASE("log-loss, Brier score and AUC by hand", "[funnel][evaluation]") {
  const std::vector<double> p{0.9, 0.2};
  const std::vector<std::uint8_t> y{1, 0};
  CHECK(fn::log_loss(p, y) == Approx((-std::log(0.9) - std::log(0.8)) / 2));
  CHECK(fn::brier_score(p, y) == Approx(0.025));
  // Pairs (won, lost): (0.35, 0.1) yes, (0.35, 0.4) no, (0.8, 0.1) yes, (0.8, 0.4) yes: 3/4.
  const std::vector<double> q{0.1, 0.4, 0.35, 0.8};
  const std::vector<std::uint8_t> z{0, 0, 1, 1};
  CHECK(fn::auc(q, z) == Approx(0.75));
  // A tie between a won and a lost deal counts one half.
  const std::vector<double> t{0.5, 0.5, 0.7};
  const std::vector<std::uint8_t> tz{1, 0, 0};
  CHECK(fn::auc(t, tz) == Approx(0.25));
  // A confident miss is infinitely bad; degenerate inputs are NaN.
  const std::vector<double> miss{0.0};
  const std::vector<std::uint8_t> one{1};
  CHECK(fn::log_loss(miss, one) == std::numeric_limits<double>::infinity());
  CHECK(std::isnan(fn::auc(miss, one)));
  CHECK(std::isnan(fn::log_loss({}, {})));
  CHECK(std::isnan(fn::brier_score({}, {})));
}

TEST_CASE("AUC equals brute-force pair counting on random scores with ties", "[funnel][evaluation]") {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    funnel_test::rng g(seed);
    const int n = 700;
    std::vector<double> p(n);
    std::vector<std::uint8_t> y(n);
    for (int i = 0; i < n; ++i) {
      y[static_cast<std::size_t>(i)] = g.uniform() < 0.4;
      const double raw = 0.3 * y[static_cast<std::size_t>(i)] + 0.7 * g.uniform();
      p[static_cast<std::size_t>(i)] = std::round(raw * (seed % 2 ? 20 : 1000)) / (seed % 2 ? 20 : 1000);  // many ties for odd seeds
    }
    double good = 0, pairs = 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        if (y[static_cast<std::size_t>(i)] == 1 && y[static_cast<std::size_t>(j)] == 0) {
          pairs += 1;
          const double a = p[static_cast<std::size_t>(i)], b = p[static_cast<std::size_t>(j)];
          good += a > b ? 1.0 : a == b ? 0.5 : 0.0;
        }
    INFO("seed " << seed);
    CHECK(fn::auc(p, y) == Approx(good / pairs).epsilon(1e-13));
    double ll = 0, br = 0;
    for (int i = 0; i < n; ++i) {
      const double pi = std::clamp(p[static_cast<std::size_t>(i)], 1e-9, 1 - 1e-9);
      p[static_cast<std::size_t>(i)] = pi;
      ll += y[static_cast<std::size_t>(i)] ? -std::log(pi) : -std::log(1 - pi);
      br += (pi - y[static_cast<std::size_t>(i)]) * (pi - y[static_cast<std::size_t>(i)]);
    }
    CHECK(fn::log_loss(p, y) == Approx(ll / n).epsilon(1e-12));
    CHECK(fn::brier_score(p, y) == Approx(br / n).epsilon(1e-12));
  }
}

TEST_CASE("calibration deciles equal an independent rank-based binning", "[funnel][evaluation]") {
  for (const int n : {5, 10, 37, 1000}) {
    funnel_test::rng g(static_cast<std::uint64_t>(n));
    std::vector<double> p(static_cast<std::size_t>(n));
    std::vector<std::uint8_t> y(static_cast<std::size_t>(n));
    for (auto& x : p) x = std::round(g.uniform() * 50) / 50;
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = g.uniform() < p[i];
    const auto table = fn::calibration_table(p, y, 10);
    REQUIRE(table.size() == 10);
    // Rank of i in the stable order, then its bin: the b with floor(b n / 10) <= rank < floor((b + 1) n / 10).
    std::vector<double> cnt(10, 0), sp(10, 0), sy(10, 0);
    for (int i = 0; i < n; ++i) {
      int rank = 0;
      for (int j = 0; j < n; ++j)
        rank += p[static_cast<std::size_t>(j)] < p[static_cast<std::size_t>(i)] || (p[static_cast<std::size_t>(j)] == p[static_cast<std::size_t>(i)] && j < i);
      int bin = 0;
      for (int b = 0; b < 10; ++b)
        if (b * n / 10 <= rank && rank < (b + 1) * n / 10) bin = b;
      cnt[static_cast<std::size_t>(bin)] += 1;
      sp[static_cast<std::size_t>(bin)] += p[static_cast<std::size_t>(i)];
      sy[static_cast<std::size_t>(bin)] += y[static_cast<std::size_t>(i)];
    }
    INFO("n " << n);
    for (std::size_t b = 0; b < 10; ++b) {
      CHECK(static_cast<double>(table[b].count) == cnt[b]);
      if (cnt[b] == 0) {
        CHECK(std::isnan(table[b].mean_predicted));
        continue;
      }
      CHECK(table[b].mean_predicted == Approx(sp[b] / cnt[b]).epsilon(1e-13));
      CHECK(table[b].observed_rate == Approx(sy[b] / cnt[b]).epsilon(1e-13));
      CHECK(table[b].min_predicted <= table[b].mean_predicted);
      CHECK(table[b].max_predicted >= table[b].mean_predicted);
      if (b > 0 && table[b - 1].count > 0) CHECK(table[b - 1].max_predicted <= table[b].min_predicted);
    }
  }
}

TEST_CASE("evaluation argument checks", "[funnel][evaluation]") {
  const std::vector<double> p{0.2, 1.5};
  const std::vector<std::uint8_t> y{1, 0};
  CHECK_THROWS_WITH(fn::log_loss(p, y), Catch::Contains("prediction of row 1"));
  const std::vector<double> ok{0.2, 0.5};
  const std::vector<std::uint8_t> bad{1, 3};
  CHECK_THROWS_WITH(fn::auc(ok, bad), Catch::Contains("label of row 1 is 3"));
  CHECK_THROWS_WITH(fn::brier_score(ok, std::vector<std::uint8_t>{1}), Catch::Contains("labels has 1 rows, expected 2"));
  CHECK_THROWS_WITH(fn::calibration_table(ok, y, 0), Catch::Contains("bins must be > 0"));
  const std::vector<double> nan{std::nan("")};
  CHECK_THROWS(fn::brier_score(nan, std::vector<std::uint8_t>{1}));
}

}  // namespace funnel_score_evaluation_test
