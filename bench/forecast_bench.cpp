// Benchmarks of salesmetrics/forecast: Poisson-binomial over 10,000 deals (goal < 50 ms), Monte
// Carlo revenue with 10,000 draws over 10,000 deals (goal < 1 s on one core), Holt-Winters fits
// on a 60-point monthly series (additive and multiplicative seasonality, estimated states).
#include <salesmetrics/forecast/exponential_smoothing.hpp>
#include <salesmetrics/forecast/outcome_distribution.hpp>
#include <salesmetrics/forecast/poisson_binomial.hpp>
#include <salesmetrics/core/random.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

namespace sf = salesmetrics::forecast;

namespace {
std::vector<double> probabilities(std::size_t n) {
  salesmetrics::xoshiro256ss rng(1);
  std::vector<double> p(n);
  for (auto& x : p) x = salesmetrics::uniform01(rng());
  return p;
}
std::vector<double> amounts(std::size_t n) {
  salesmetrics::xoshiro256ss rng(2);
  std::vector<double> a(n);
  for (auto& x : a) x = std::floor(1000.0 + 99000.0 * salesmetrics::uniform01(rng()));
  return a;
}
std::vector<double> monthly_series() {  // 60 months: growth x season + noise
  salesmetrics::xoshiro256ss rng(3);
  std::vector<double> y(60);
  for (std::size_t t = 0; t < y.size(); ++t)
    y[t] = (180.0 + 2.5 * static_cast<double>(t)) * (1.0 + 0.12 * std::sin(0.5236 * static_cast<double>(t))) +
           6.0 * salesmetrics::normal_quantile(salesmetrics::uniform01_open(rng()));
  return y;
}
}  // namespace

static void BM_poisson_binomial(benchmark::State& state) {
  const auto p = probabilities(static_cast<std::size_t>(state.range(0)));
  const auto method = state.range(1) == 0 ? sf::poisson_binomial_method::recurrence : sf::poisson_binomial_method::fft;
  for (auto _ : state) {
    auto d = sf::poisson_binomial_distribution(p, method);
    benchmark::DoNotOptimize(d.pmf().data());
  }
}
BENCHMARK(BM_poisson_binomial)->Args({10000, 0})->Args({10000, 1})->Unit(benchmark::kMillisecond);

static void BM_monte_carlo_revenue(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const auto p = probabilities(n);
  const auto a = amounts(n);
  sf::monte_carlo_options opt;
  opt.draws = static_cast<std::size_t>(state.range(1));
  for (auto _ : state) {
    auto s = sf::simulate_revenue(a, p, opt);
    benchmark::DoNotOptimize(s.p50().value);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0) * state.range(1));
}
BENCHMARK(BM_monte_carlo_revenue)->Args({10000, 10000})->Unit(benchmark::kMillisecond);

static void BM_holt_winters_fit(benchmark::State& state) {
  const auto y = monthly_series();
  const auto seasonal = state.range(0) == 0 ? sf::seasonal_type::additive : sf::seasonal_type::multiplicative;
  for (auto _ : state) {
    auto f = sf::fit_holt_winters(y, 12, seasonal);
    benchmark::DoNotOptimize(f.sse());
  }
}
BENCHMARK(BM_holt_winters_fit)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
