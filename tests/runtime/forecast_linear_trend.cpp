// Tests for salesmetrics/forecast/linear_trend.hpp: coefficients, sigma and t prediction intervals
// against statsmodels OLS (tests/data/statsmodels_linear_trend.json), a hand-computed case, and errors.
#include <salesmetrics/forecast/linear_trend.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace forecast_linear_trend_test {

namespace sf = salesmetrics::forecast;

TEST_CASE("linear_trend: matches statsmodels OLS predictions", "[forecast][trend]") {
  std::ifstream in(std::string(SALESMETRICS_SOURCE_DIR) + "/tests/data/statsmodels_linear_trend.json");
  REQUIRE(in.good());
  const auto ref = nlohmann::json::parse(in);
  REQUIRE(ref["trends"].size() == 3);
  for (const auto& c : ref["trends"]) {
    INFO(c["name"].get<std::string>());
    const auto y = c["series"].get<std::vector<double>>();
    const auto fit = sf::fit_linear_trend(y);
    CHECK(fit.intercept() == Approx(c["intercept"].get<double>()).epsilon(1e-10));
    CHECK(fit.slope() == Approx(c["slope"].get<double>()).epsilon(1e-10));
    CHECK(fit.sigma() == Approx(c["sigma"].get<double>()).epsilon(1e-10));
    for (const auto& [key, lv] : c["levels"].items()) {
      const auto mean = lv["mean"].get<std::vector<double>>();
      const auto r = fit.forecast_intervals(mean.size(), std::stod(key));
      for (std::size_t h = 0; h < mean.size(); ++h) {
        CHECK(r.mean[h] == Approx(mean[h]).epsilon(1e-10));
        CHECK(r.lower[h] == Approx(lv["lower"][h].get<double>()).epsilon(1e-9));
        CHECK(r.upper[h] == Approx(lv["upper"][h].get<double>()).epsilon(1e-9));
      }
    }
  }
}

TEST_CASE("linear_trend: hand-computed line", "[forecast][trend]") {
  // y = 1 + 2t exactly: zero residuals, zero-width intervals.
  const std::vector<double> y{1, 3, 5, 7};
  const auto fit = sf::fit_linear_trend(y);
  CHECK(fit.intercept() == Approx(1.0));
  CHECK(fit.slope() == Approx(2.0));
  CHECK(fit.sigma() == Approx(0.0).margin(1e-12));
  const auto fc = fit.forecast(2);
  CHECK(fc[0] == Approx(9.0));
  CHECK(fc[1] == Approx(11.0));
  // y = 0, 1, 0 : a = 1/3, b = 0, SSE = 2/3, s^2 = 2/3; x0 = (1, 3):
  // X'X = [[3, 3], [3, 5]], (X'X)^{-1} = [[5, -3], [-3, 3]] / 6 -> x0'(X'X)^{-1}x0 = (5 - 18 + 27) / 6 = 7/3.
  const std::vector<double> z{0, 1, 0};
  const auto g = sf::fit_linear_trend(z);
  const auto iv = g.forecast_intervals(1, 0.95);
  const double t975_1 = 12.706204736174703;  // t quantile, 1 degree of freedom
  CHECK(iv.mean[0] == Approx(1.0 / 3));
  CHECK(iv.upper[0] - iv.mean[0] == Approx(t975_1 * std::sqrt(2.0 / 3) * std::sqrt(1 + 7.0 / 3)).epsilon(1e-10));
  CHECK_THROWS_WITH(sf::fit_linear_trend(std::vector<double>{1, 2}), Catch::Contains("at least 3"));
  CHECK_THROWS_WITH(sf::fit_linear_trend(std::vector<double>{1, NAN, 2}), Catch::Contains("index 1"));
}

}  // namespace forecast_linear_trend_test
