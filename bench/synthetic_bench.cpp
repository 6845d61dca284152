// Synthetic generator throughput: rows per second and the in-memory width of an activity row.
//
// Run: build/bench/synthetic_bench [--benchmark_filter=generate]
// Counters: rows/s = activity rows generated per second (the whole data set: population,
// leads, opportunities, stage history, activities, sort, dictionaries), bytes_per_activity =
// the sum of the widths of the activity columns present (no dictionaries, no other tables),
// opportunities/leads/history_rows = sizes of the other tables.
#include <salesmetrics/synthetic/generate.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace syn = salesmetrics::synthetic;

namespace {

std::size_t bytes_per_activity(const salesmetrics::activity_store& a) {
  std::size_t bytes = 0;
  salesmetrics::detail::for_each_column(a, [&](std::string_view, const auto& col) {
    if (!col.empty()) bytes += sizeof(typename std::remove_cvref_t<decltype(col)>::value_type);
  });
  return bytes;
}

void BM_generate(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const syn::config cfg = syn::config::for_activities(n, 42);
  std::size_t width = 0, opps = 0, leads = 0, history = 0;
  for (auto _ : state) {
    salesmetrics::crm_data d = syn::generate(cfg);
    width = bytes_per_activity(d.activities);
    opps = d.opportunities.size();
    leads = d.leads.size();
    history = d.stage_history.size();
    benchmark::DoNotOptimize(d.activities.ts.data());
    state.PauseTiming();  // freeing ~1 GB is not generation
    d = salesmetrics::crm_data{};
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes_per_activity"] = static_cast<double>(width);
  state.counters["opportunities"] = static_cast<double>(opps);
  state.counters["leads"] = static_cast<double>(leads);
  state.counters["history_rows"] = static_cast<double>(history);
}
BENCHMARK(BM_generate)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_generate)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_rng_next(benchmark::State& state) {
  syn::rng r(1);
  for (auto _ : state) benchmark::DoNotOptimize(r.next());
}
BENCHMARK(BM_rng_next);

void BM_lognormal(benchmark::State& state) {
  syn::rng r(2);
  const syn::lognormal ln(9000.0, 1.1);
  for (auto _ : state) benchmark::DoNotOptimize(ln(r));
}
BENCHMARK(BM_lognormal);

void BM_zipf_draw(benchmark::State& state) {
  syn::rng r(3);
  const syn::discrete z(syn::zipf_weights(static_cast<std::size_t>(state.range(0)), 0.6));
  for (auto _ : state) benchmark::DoNotOptimize(z(r));
}
BENCHMARK(BM_zipf_draw)->Arg(1'000)->Arg(200'000);

}  // namespace
