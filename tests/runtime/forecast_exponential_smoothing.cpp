// Tests for salesmetrics/forecast/exponential_smoothing.hpp against statsmodels 0.13.5
// (tests/data/statsmodels_holtwinters.json and statsmodels_ets_intervals.json, written by
// tests/data/make_statsmodels_reference.py) and against hand and brute-force computations.
#include <salesmetrics/forecast/exponential_smoothing.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace forecast_exponential_smoothing_test {

namespace sf = salesmetrics::forecast;
using nlohmann::json;

namespace {
json load(const std::string& name) {
  std::ifstream in(std::string(SALESMETRICS_SOURCE_DIR) + "/tests/data/" + name);
  REQUIRE(in.good());
  return json::parse(in);
}
sf::exponential_smoothing_spec spec_of(const json& c) {
  sf::exponential_smoothing_spec s;
  s.trend = c["trend"] == "add" ? sf::trend_type::additive : sf::trend_type::none;
  s.damped = c["damped"].get<bool>();
  s.seasonal = c["seasonal"] == "add"   ? sf::seasonal_type::additive
               : c["seasonal"] == "mul" ? sf::seasonal_type::multiplicative
                                        : sf::seasonal_type::none;
  s.period = c["period"].get<std::size_t>();
  s.initialization = c["initialization"] == "heuristic" ? sf::initialization_method::heuristic
                                                        : sf::initialization_method::estimated;
  return s;
}
sf::exponential_smoothing_params params_of(const json& c) {
  sf::exponential_smoothing_params p;
  p.alpha = c["alpha"].get<double>();
  if (!c["beta"].is_null()) p.beta = c["beta"].get<double>();
  if (!c["gamma"].is_null()) p.gamma = c["gamma"].get<double>();
  if (!c["phi"].is_null()) p.phi = c["phi"].get<double>();
  p.initial_level = c["initial_level"].get<double>();
  if (!c["initial_trend"].is_null()) p.initial_trend = c["initial_trend"].get<double>();
  p.initial_seasons = c["initial_seasons"].get<std::vector<double>>();
  return p;
}
}  // namespace

std::vector<double> series_of(const json& ref, const json& c) {
  return ref["series"][c["series"].get<std::string>()].get<std::vector<double>>();
}
double rel_diff(double a, double b) { return std::fabs(a - b) / std::max(1.0, std::fabs(b)); }

TEST_CASE("exponential_smoothing: the recursion reproduces statsmodels at its parameters", "[forecast][es]") {
  // Same parameters and initial states => same fitted values, SSE, criteria and forecasts up to
  // rounding: this checks the model equations, indexing of seasons and the damped forecast sums.
  const json ref = load("statsmodels_holtwinters.json");
  REQUIRE(ref["cases"].size() >= 10);
  for (const auto& c : ref["cases"]) {
    INFO(c["name"].get<std::string>());
    const auto y = series_of(ref, c);
    const auto fit = sf::smooth_exponential_smoothing(y, spec_of(c), params_of(c));
    const auto fitted = c["fitted"].get<std::vector<double>>();
    REQUIRE(fit.fitted().size() == fitted.size());
    double worst = 0.0;
    for (std::size_t t = 0; t < fitted.size(); ++t) worst = std::max(worst, rel_diff(fit.fitted()[t], fitted[t]));
    CHECK(worst < 1e-9);
    CHECK(fit.sse() == Approx(c["sse"].get<double>()).epsilon(1e-9));
    CHECK(fit.k() == c["k"].get<std::size_t>());
    CHECK(fit.aic() == Approx(c["aic"].get<double>()).margin(1e-6));
    CHECK(fit.aicc() == Approx(c["aicc"].get<double>()).margin(1e-6));
    CHECK(fit.bic() == Approx(c["bic"].get<double>()).margin(1e-6));
    // statsmodels 0.13.5's HoltWinters forecasts at steps m, 2m, ... use the seasonal state from
    // before the last update (a statsmodels defect; its ETSModel agrees with us there, see the
    // script): compare those steps with "forecast_corrected", all others with both.
    const auto fc = c["forecast"].get<std::vector<double>>();
    const auto fixed = c["forecast_corrected"].get<std::vector<double>>();
    const auto m = c["period"].get<std::size_t>();
    const auto ours = fit.forecast(fc.size());
    for (std::size_t h = 0; h < fc.size(); ++h) {
      CHECK(rel_diff(ours[h], fixed[h]) < 1e-9);
      if (m == 0 || (h + 1) % m != 0) CHECK(rel_diff(ours[h], fc[h]) < 1e-9);
    }
  }
}

TEST_CASE("exponential_smoothing: heuristic initial states equal statsmodels'", "[forecast][es]") {
  const json ref = load("statsmodels_holtwinters.json");
  std::size_t seen = 0;
  for (const auto& c : ref["cases"]) {
    if (c["initialization"] != "heuristic") continue;
    INFO(c["name"].get<std::string>());
    ++seen;
    const auto st = sf::exponential_smoothing_initial_states(series_of(ref, c), spec_of(c));
    CHECK(rel_diff(st.initial_level, c["heuristic_initial_level"].get<double>()) < 1e-9);
    if (!c["heuristic_initial_trend"].is_null())
      CHECK(rel_diff(st.initial_trend, c["heuristic_initial_trend"].get<double>()) < 1e-9);
    const auto s = c["heuristic_initial_seasons"].get<std::vector<double>>();
    REQUIRE(st.initial_seasons.size() == s.size());
    for (std::size_t j = 0; j < s.size(); ++j) CHECK(rel_diff(st.initial_seasons[j], s[j]) < 1e-9);
  }
  CHECK(seen >= 4);
}

TEST_CASE("exponential_smoothing: fits reach statsmodels' minimum or better", "[forecast][es]") {
  // The criterion is the SSE: ours <= statsmodels' * (1 + 1e-6). Parameters are compared only
  // where both land on the same optimum (SSE within 1e-6 relative): there the smoothing
  // parameters agree within 2e-3 and the forecasts within 1e-3 relative. Elsewhere statsmodels'
  // SLSQP stopped at a worse local minimum (airline multiplicative, damped cases), which the SSE
  // comparison shows; initial states are not compared after estimation (flat directions).
  const json ref = load("statsmodels_holtwinters.json");
  std::size_t same = 0;
  for (const auto& c : ref["cases"]) {
    INFO(c["name"].get<std::string>());
    const auto y = series_of(ref, c);
    const auto fit = sf::fit_exponential_smoothing(y, spec_of(c));
    const double sm_sse = c["sse"].get<double>();
    CHECK(fit.sse() <= sm_sse * (1.0 + 1e-6));
    if (std::fabs(fit.sse() - sm_sse) <= 1e-6 * sm_sse) {
      ++same;
      const auto p = params_of(c);
      CHECK(fit.params().alpha == Approx(p.alpha).margin(2e-3));
      CHECK(fit.params().beta == Approx(p.beta).margin(2e-3));
      CHECK(fit.params().gamma == Approx(p.gamma).margin(2e-3));
      CHECK(fit.params().phi == Approx(p.phi).margin(2e-3));
      const auto fc = c["forecast_corrected"].get<std::vector<double>>();
      const auto ours = fit.forecast(fc.size());
      for (std::size_t h = 0; h < fc.size(); ++h) CHECK(ours[h] == Approx(fc[h]).epsilon(1e-3));
    }
  }
  CHECK(same >= 10);
}

TEST_CASE("exponential_smoothing: analytic intervals equal statsmodels' ETSModel", "[forecast][es]") {
  const json ref = load("statsmodels_holtwinters.json");
  const json ets = load("statsmodels_ets_intervals.json");
  std::size_t seen = 0;
  for (const auto& e : ets["cases"]) {
    INFO(e["name"].get<std::string>());
    const json* c = nullptr;
    for (const auto& x : ref["cases"])
      if (x["name"] == e["name"]) c = &x;
    REQUIRE(c != nullptr);
    const auto fit = sf::smooth_exponential_smoothing(series_of(ref, *c), spec_of(*c), params_of(*c));
    CHECK(fit.sigma2() == Approx(e["mse"].get<double>()).epsilon(1e-9));
    for (const auto& [key, lv] : e["levels"].items()) {
      const double level = std::stod(key);
      const auto lower = lv["lower"].get<std::vector<double>>();
      const auto upper = lv["upper"].get<std::vector<double>>();
      const auto r = fit.forecast_intervals(lower.size(), level);
      for (std::size_t h = 0; h < lower.size(); ++h) {
        CHECK(rel_diff(r.lower[h], lower[h]) < 1e-8);
        CHECK(rel_diff(r.upper[h], upper[h]) < 1e-8);
      }
      ++seen;
    }
  }
  CHECK(seen >= 16);
}

TEST_CASE("exponential_smoothing: simulated intervals for multiplicative seasonality", "[forecast][es]") {
  const json ref = load("statsmodels_holtwinters.json");
  const auto y = ref["series"]["airline"].get<std::vector<double>>();
  const auto fit = sf::fit_holt_winters(y, 12, sf::seasonal_type::multiplicative);
  sf::simulation_options sim;
  sim.paths = 20000;
  const auto a = fit.forecast_intervals(12, 0.9, sim);
  const auto b = fit.forecast_intervals(12, 0.9, sim);
  CHECK(a.lower == b.lower);  // seeded: deterministic
  // One step ahead the forecast error is exactly N(0, sigma^2): the sample 5% / 95% quantiles lie
  // within 4 order-statistic standard errors of mean -+ 1.6449 sigma.
  const double sigma = std::sqrt(fit.sigma2());
  const double se = std::sqrt(0.05 * 0.95 / 20000.0) / 0.1031 * sigma;  // sqrt(q(1-q)/N) / density
  CHECK(std::fabs(a.lower[0] - (a.mean[0] - 1.6448536 * sigma)) < 4 * se);
  CHECK(std::fabs(a.upper[0] - (a.mean[0] + 1.6448536 * sigma)) < 4 * se);
  for (std::size_t h = 0; h < 12; ++h) {
    CHECK(a.lower[h] < a.mean[h]);
    CHECK(a.mean[h] < a.upper[h]);
    if (h > 0) CHECK(a.upper[h] - a.lower[h] > 0.9 * (a.upper[0] - a.lower[0]));
  }
}

TEST_CASE("exponential_smoothing: hand-computed simple smoothing", "[forecast][es]") {
  const std::vector<double> y{1, 2, 3};
  sf::exponential_smoothing_spec spec;
  sf::exponential_smoothing_params p;
  p.alpha = 0.5;
  p.initial_level = 1.0;
  const auto f = sf::smooth_exponential_smoothing(y, spec, p);
  // levels: 1 -> 1 (y=1) -> 1.5 (y=2) -> 2.25 (y=3); forecasts 1, 1, 1.5
  CHECK(f.fitted() == std::vector<double>{1.0, 1.0, 1.5});
  CHECK(f.sse() == Approx(3.25));
  CHECK(f.forecast(2) == std::vector<double>{2.25, 2.25});
  CHECK(f.final_level() == 2.25);
  // sigma^2 = 3.25 / 3; Var(2) = sigma^2 (1 + alpha^2)
  const auto iv = f.forecast_intervals(2, 0.95);
  CHECK(iv.upper[1] - iv.mean[1] == Approx(1.959964 * std::sqrt(3.25 / 3 * 1.25)).epsilon(1e-6));

  // Damped additive trend with an additive season, m = 2, by hand for two steps and a forecast.
  sf::exponential_smoothing_spec hw;
  hw.trend = sf::trend_type::additive;
  hw.damped = true;
  hw.seasonal = sf::seasonal_type::additive;
  hw.period = 2;
  sf::exponential_smoothing_params q;
  q.alpha = 0.5;
  q.beta = 0.25;
  q.gamma = 0.25;
  q.phi = 0.9;
  q.initial_level = 10;
  q.initial_trend = 1;
  q.initial_seasons = {-1, 1};
  const std::vector<double> z{10, 13, 11, 14};
  const auto g = sf::smooth_exponential_smoothing(z, hw, q);
  // t=0: base 10.9, yhat 9.9, l = .5(11) + .5(10.9) = 10.95, b = .25(.95) + .75(.9) = .9125,
  //      s0 = .25(10 - 10.9) + .75(-1) = -.975
  // t=1: base 10.95 + .82125 = 11.77125, yhat 12.77125
  CHECK(g.fitted()[0] == Approx(9.9));
  CHECK(g.fitted()[1] == Approx(12.77125));
}

TEST_CASE("exponential_smoothing: SES fit beats a brute-force grid", "[forecast][es]") {
  const json ref = load("statsmodels_holtwinters.json");
  const auto y = ref["series"]["pipeline"].get<std::vector<double>>();
  // For fixed alpha the SSE is quadratic in l0: minimise it exactly by evaluating at two points.
  double best = 1e300;
  for (int i = 1; i < 1000; ++i) {
    const double a = i / 1000.0;
    sf::exponential_smoothing_params p;
    p.alpha = a;
    const auto sse_at = [&](double l0) {
      p.initial_level = l0;
      return sf::smooth_exponential_smoothing(y, {}, p).sse();
    };
    const double f0 = sse_at(0), f1 = sse_at(1), f2 = sse_at(2);
    const double c2 = (f2 - 2 * f1 + f0) / 2, c1 = f1 - f0 - c2;
    best = std::min(best, sse_at(-c1 / (2 * c2)));
  }
  const auto fit = sf::fit_simple_exponential_smoothing(y);
  CHECK(fit.sse() <= best * (1 + 1e-9));
  CHECK(fit.converged());
}

TEST_CASE("exponential_smoothing: fixed parameters and argument errors", "[forecast][es]") {
  const json ref = load("statsmodels_holtwinters.json");
  const auto y = ref["series"]["bookings"].get<std::vector<double>>();
  sf::exponential_smoothing_options o;
  o.alpha = 0.3;
  o.gamma = 0.1;
  const auto f = sf::fit_holt_winters(y, 12, sf::seasonal_type::additive, sf::trend_type::additive, false,
                                      sf::initialization_method::estimated, o);
  CHECK(f.params().alpha == 0.3);
  CHECK(f.params().gamma == 0.1);
  CHECK(f.params().beta <= 0.3);
  o.beta = 0.5;  // beta > alpha
  CHECK_THROWS_WITH(sf::fit_holt_winters(y, 12, sf::seasonal_type::additive, sf::trend_type::additive, false,
                                         sf::initialization_method::estimated, o),
                    Catch::Contains("beta"));
  CHECK_THROWS_WITH(sf::fit_holt_winters(std::vector<double>(y.begin(), y.begin() + 20), 12),
                    Catch::Contains("two full cycles"));
  std::vector<double> neg = y;
  neg[5] = -1;
  CHECK_THROWS_WITH(sf::fit_holt_winters(neg, 12, sf::seasonal_type::multiplicative), Catch::Contains("index 5"));
  neg[5] = NAN;
  CHECK_THROWS_WITH(sf::fit_holt(neg), Catch::Contains("not finite"));
  sf::exponential_smoothing_spec known;
  known.initialization = sf::initialization_method::known;
  CHECK_THROWS_WITH(sf::fit_exponential_smoothing(y, known), Catch::Contains("known"));
  sf::exponential_smoothing_options k;
  k.initial_level = y[0];
  const auto kf = sf::fit_exponential_smoothing(y, known, k);
  CHECK(kf.params().initial_level == y[0]);
  CHECK_THROWS_AS(sf::fit_simple_exponential_smoothing(y).forecast_intervals(3, 1.5), std::invalid_argument);
}

}  // namespace forecast_exponential_smoothing_test
