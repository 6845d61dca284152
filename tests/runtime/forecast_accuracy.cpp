// Tests for salesmetrics/forecast/accuracy.hpp and backtest.hpp: every measure on a hand-computed
// case, the zero-actual and empty-input rules, brute-force formulas on random data, and
// rolling-origin backtests (expanding and sliding windows, step, horizon) against hand-computed
// origins, forecasts and errors, including the per-origin MASE scale.
#include <salesmetrics/forecast/accuracy.hpp>
#include <salesmetrics/forecast/backtest.hpp>
#include <salesmetrics/core/random.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <span>
#include <stdexcept>
#include <vector>

namespace forecast_accuracy_test {

namespace sf = salesmetrics::forecast;

TEST_CASE("accuracy: hand-computed measures", "[forecast][accuracy]") {
  const std::vector<double> a{100, 200, 0, 50};
  const std::vector<double> f{110, 180, 10, 50};
  // errors e = F - A: 10, -20, 10, 0
  CHECK(sf::mae(a, f) == Approx(40.0 / 4));
  CHECK(sf::rmse(a, f) == Approx(std::sqrt((100.0 + 400 + 100 + 0) / 4)));
  CHECK(sf::mape(a, f) == Approx((0.1 + 0.1 + 0.0) / 3));  // A = 0 skipped
  CHECK(sf::smape(a, f) == Approx((20.0 / 210 + 40.0 / 380 + 2.0 + 0.0) / 4));
  CHECK(sf::wape(a, f) == Approx(40.0 / 350));
  CHECK(sf::bias(a, f) == Approx(0.0).margin(1e-15));
  CHECK(sf::bias_ratio(a, f) == Approx(0.0).margin(1e-15));
  const std::vector<double> over{120, 220, 10, 60};
  CHECK(sf::bias(a, over) == Approx((20 + 20 + 10 + 10) / 4.0));
  CHECK(sf::bias_ratio(a, over) == Approx(60.0 / 350));
  // MASE: training 1, 3, 2, 6 -> naive MAE (2 + 1 + 4) / 3; seasonal m = 2 -> (1 + 3) / 2.
  const std::vector<double> train{1, 3, 2, 6};
  CHECK(sf::naive_scale(train) == Approx(7.0 / 3));
  CHECK(sf::naive_scale(train, 2) == Approx(2.0));
  CHECK(sf::mase(a, f, train) == Approx(10.0 / (7.0 / 3)));
  CHECK(sf::mase(a, f, train, 2) == Approx(5.0));
  const auto s = sf::accuracy(a, f, train, 2);
  CHECK(s.n == 4);
  CHECK(s.mae == Approx(10.0));
  CHECK(s.mase == Approx(5.0));
}

TEST_CASE("accuracy: undefined cases", "[forecast][accuracy]") {
  const std::vector<double> z{0, 0};
  CHECK(std::isnan(sf::mape(z, z)));
  CHECK(sf::smape(z, z) == 0.0);  // both zero: s_t = 0
  CHECK(std::isnan(sf::wape(z, z)));
  CHECK(std::isnan(sf::bias_ratio(z, z)));
  CHECK(std::isnan(sf::mae({}, {})));
  CHECK(std::isnan(sf::rmse({}, {})));
  CHECK(std::isnan(sf::smape({}, {})));
  CHECK(std::isnan(sf::bias({}, {})));
  const std::vector<double> one{5};
  CHECK(std::isnan(sf::mase(one, one, one)));       // T <= m
  const std::vector<double> flat{3, 3, 3};
  CHECK(std::isinf(sf::mase(one, std::vector<double>{6}, flat)));  // Q = 0, mae > 0
  CHECK(std::isnan(sf::mase(one, one, flat)));                       // 0 / 0
  CHECK(std::isnan(sf::accuracy(one, one).mase));                    // no training series
  CHECK_THROWS_WITH(sf::mae(one, z), Catch::Contains("differ in length"));
  const std::vector<double> bad{1, NAN};
  CHECK_THROWS_WITH(sf::rmse(z, bad), Catch::Contains("forecast at index 1"));
  CHECK_THROWS_AS(sf::naive_scale(flat, 0), std::invalid_argument);
}

TEST_CASE("accuracy: brute-force formulas on random data", "[forecast][accuracy]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    salesmetrics::xoshiro256ss rng(seed);
    std::vector<double> a(50), f(50);
    for (std::size_t i = 0; i < a.size(); ++i) {
      a[i] = std::floor(salesmetrics::uniform01(rng()) * 20.0) - 2.0;  // includes zeros and negatives
      f[i] = salesmetrics::uniform01(rng()) * 20.0 - 2.0;
    }
    double sae = 0, sse = 0, sp = 0, np = 0, ss = 0, sa = 0, se = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const double e = f[i] - a[i];
      sae += std::abs(e);
      sse += e * e;
      se += e;
      sa += std::abs(a[i]);
      if (a[i] != 0) { sp += std::abs(e / a[i]); np += 1; }
      ss += (a[i] == 0 && f[i] == 0) ? 0.0 : 2 * std::abs(e) / (std::abs(a[i]) + std::abs(f[i]));
    }
    const auto s = sf::accuracy(a, f);
    CHECK(s.mae == Approx(sae / 50));
    CHECK(s.rmse == Approx(std::sqrt(sse / 50)));
    CHECK(s.mape == Approx(sp / np));
    CHECK(s.smape == Approx(ss / 50));
    CHECK(s.wape == Approx(sae / sa));
    CHECK(s.bias == Approx(se / 50));
    CHECK(s.bias_ratio == Approx(se / sa));
  }
}

namespace {
// Forecasts the last value of the history for every step (the naive method).
std::vector<double> last_value(std::span<const double> h, std::size_t horizon) {
  return std::vector<double>(horizon, h.back());
}
}  // namespace

TEST_CASE("backtest: expanding window, hand-computed", "[forecast][backtest]") {
  const std::vector<double> y{1, 2, 4, 7, 11, 16};
  sf::backtest_options o;
  o.initial_window = 3;
  o.horizon = 2;
  o.step = 1;
  const auto r = sf::rolling_origin_backtest(y, last_value, o);
  // origins 3 and 4 (origin 5 lacks a full horizon)
  REQUIRE(r.origins.size() == 2);
  CHECK(r.origins[0].origin == 3);
  CHECK(r.origins[0].train_begin == 0);
  CHECK(r.origins[0].forecast == std::vector<double>{4, 4});
  CHECK(r.origins[0].actual == std::vector<double>{7, 11});
  CHECK(r.origins[0].scale == Approx((1.0 + 2.0) / 2));  // naive MAE on 1, 2, 4
  CHECK(r.origins[1].forecast == std::vector<double>{7, 7});
  CHECK(r.origins[1].actual == std::vector<double>{11, 16});
  CHECK(r.origins[1].scale == Approx((1.0 + 2.0 + 3.0) / 3));
  // errors: -3, -7, -4, -9
  CHECK(r.overall.n == 4);
  CHECK(r.overall.mae == Approx(23.0 / 4));
  CHECK(r.overall.bias == Approx(-23.0 / 4));
  CHECK(r.overall.wape == Approx(23.0 / 45));
  CHECK(r.overall.mase == Approx((3 / 1.5 + 7 / 1.5 + 4 / 2.0 + 9 / 2.0) / 4));
  REQUIRE(r.by_horizon.size() == 2);
  CHECK(r.by_horizon[0].mae == Approx(3.5));
  CHECK(r.by_horizon[1].mae == Approx(8.0));
  CHECK(r.by_horizon[1].mase == Approx((7 / 1.5 + 9 / 2.0) / 2));
}

TEST_CASE("backtest: sliding window and step", "[forecast][backtest]") {
  const std::vector<double> y{5, 1, 4, 2, 8, 3, 9, 1, 7};
  sf::backtest_options o;
  o.initial_window = 3;
  o.horizon = 1;
  o.step = 2;
  o.window = sf::window_kind::sliding;
  std::vector<std::size_t> sizes;
  const auto mean_forecaster = [&sizes](std::span<const double> h, std::size_t horizon) {
    sizes.push_back(h.size());
    double s = 0;
    for (double x : h) s += x;
    return std::vector<double>(horizon, s / static_cast<double>(h.size()));
  };
  const auto r = sf::rolling_origin_backtest(y, mean_forecaster, o);
  // origins 3, 5, 7; windows [0,3), [2,5), [4,7)
  REQUIRE(r.origins.size() == 3);
  CHECK(sizes == std::vector<std::size_t>{3, 3, 3});
  CHECK(r.origins[1].train_begin == 2);
  CHECK(r.origins[0].forecast[0] == Approx(10.0 / 3));
  CHECK(r.origins[1].forecast[0] == Approx(14.0 / 3));
  CHECK(r.origins[2].forecast[0] == Approx(20.0 / 3));
  const double e0 = 10.0 / 3 - 2, e1 = 14.0 / 3 - 3, e2 = 20.0 / 3 - 1;
  CHECK(r.overall.rmse == Approx(std::sqrt((e0 * e0 + e1 * e1 + e2 * e2) / 3)));
  o.window = sf::window_kind::expanding;
  sizes.clear();
  (void)sf::rolling_origin_backtest(y, mean_forecaster, o);
  CHECK(sizes == std::vector<std::size_t>{3, 5, 7});
}

TEST_CASE("backtest: argument errors", "[forecast][backtest]") {
  const std::vector<double> y{1, 2, 3, 4};
  sf::backtest_options o;
  o.initial_window = 3;
  o.horizon = 2;
  CHECK_THROWS_WITH(sf::rolling_origin_backtest(y, last_value, o), Catch::Contains("shorter than"));
  o.horizon = 1;
  const auto wrong = [](std::span<const double>, std::size_t) { return std::vector<double>{1, 2}; };
  CHECK_THROWS_WITH(sf::rolling_origin_backtest(y, wrong, o), Catch::Contains("origin 3"));
  o.step = 0;
  CHECK_THROWS_AS(sf::rolling_origin_backtest(y, last_value, o), std::invalid_argument);
}

}  // namespace forecast_accuracy_test
