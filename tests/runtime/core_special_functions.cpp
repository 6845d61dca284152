// Tests for salesmetrics/forecast/special_functions.hpp: normal and Student t quantiles against
// SciPy values (tests/data/statsmodels_linear_trend.json), closed forms for nu = 1 and 2, the
// incomplete beta function against Eigen's betainc, round trips cdf(quantile(p)) = p, and errors.
#include <salesmetrics/core/special_functions.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <unsupported/Eigen/SpecialFunctions>

#include <cmath>
#include <fstream>
#include <numbers>
#include <stdexcept>
#include <string>

namespace core_special_functions_test {

namespace sf = salesmetrics;  // the special functions live in core

namespace {
nlohmann::json load() {
  std::ifstream in(std::string(SALESMETRICS_SOURCE_DIR) + "/tests/data/statsmodels_linear_trend.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}
}  // namespace

TEST_CASE("special_functions: normal quantile against SciPy", "[forecast][special]") {
  const auto ref = load();
  REQUIRE(ref["normal"].size() >= 10);
  for (const auto& r : ref["normal"]) {
    const double p = r["p"], z = r["z"];
    INFO("p = " << p);
    CHECK(salesmetrics::normal_quantile(p) == Approx(z).epsilon(1e-13).margin(1e-15));
  }
  CHECK(salesmetrics::normal_quantile(0.5) == 0.0);
  CHECK(std::isinf(salesmetrics::normal_quantile(0.0)));
  CHECK(salesmetrics::normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-14));
  for (double p = 1e-6; p < 1; p += 0.0137) CHECK(salesmetrics::normal_cdf(salesmetrics::normal_quantile(p)) == Approx(p).epsilon(1e-13));
  CHECK_THROWS_AS(salesmetrics::normal_quantile(1.1), std::invalid_argument);
}

TEST_CASE("special_functions: Student t against SciPy and closed forms", "[forecast][special]") {
  const auto ref = load();
  REQUIRE(ref["student_t"].size() >= 50);
  for (const auto& r : ref["student_t"]) {
    const double nu = r["nu"], p = r["p"], t = r["t"];
    INFO("nu = " << nu << ", p = " << p);
    CHECK(salesmetrics::student_t_quantile(p, nu) == Approx(t).epsilon(1e-11).margin(1e-14));
    CHECK(salesmetrics::student_t_cdf(1.5, nu) == Approx(r["cdf_at_1_5"].get<double>()).epsilon(1e-12));
  }
  for (double p : {0.01, 0.2, 0.6, 0.95, 0.9999}) {
    CHECK(salesmetrics::student_t_quantile(p, 1.0) == Approx(std::tan(std::numbers::pi * (p - 0.5))).epsilon(1e-12));
    CHECK(salesmetrics::student_t_quantile(p, 2.0) == Approx((2 * p - 1) / std::sqrt(2 * p * (1 - p))).epsilon(1e-12));
  }
  for (double nu : {1.5, 4.0, 17.0, 1000.0})
    for (double p = 0.001; p < 1; p += 0.0421)
      CHECK(salesmetrics::student_t_cdf(salesmetrics::student_t_quantile(p, nu), nu) == Approx(p).epsilon(1e-12));
  CHECK_THROWS_WITH(salesmetrics::student_t_quantile(0.5, 0.0), Catch::Contains("nu"));
  CHECK_THROWS_AS(salesmetrics::student_t_quantile(-0.1, 3.0), std::invalid_argument);
}

TEST_CASE("special_functions: incomplete beta against Eigen's betainc", "[forecast][special]") {
  for (double a : {0.5, 1.0, 2.5, 10.0, 150.0})
    for (double b : {0.5, 3.0, 40.0})
      for (double x : {0.001, 0.1, 0.35, 0.5, 0.8, 0.999}) {
        INFO("a = " << a << ", b = " << b << ", x = " << x);
        Eigen::ArrayXd A(1), B(1), X(1);
        A << a;
        B << b;
        X << x;
        const double expect = Eigen::betainc(A, B, X)(0);
        CHECK(salesmetrics::incomplete_beta(a, b, x) == Approx(expect).epsilon(1e-11).margin(1e-300));
      }
  CHECK(salesmetrics::incomplete_beta(2.0, 3.0, 0.0) == 0.0);
  CHECK(salesmetrics::incomplete_beta(2.0, 3.0, 1.0) == 1.0);
  // I_x(1, 1) = x; I_x(a, 1) = x^a
  CHECK(salesmetrics::incomplete_beta(1.0, 1.0, 0.3) == Approx(0.3));
  CHECK(salesmetrics::incomplete_beta(3.0, 1.0, 0.5) == Approx(0.125));
  CHECK_THROWS_AS(salesmetrics::incomplete_beta(-1.0, 1.0, 0.5), std::invalid_argument);
}

}  // namespace core_special_functions_test
