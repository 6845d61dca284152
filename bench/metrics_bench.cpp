// The 12-metric rep scorecard (the peers' Q1 plus meetings, calls and the first interaction)
// over synthetic activities, sequential and on 2 threads, next to a hand-written loop and the
// memory read bandwidth measured in this binary. Counters:
//   bw_fraction  = (bytes of the touched columns / time) / single-thread read bandwidth
//   rows_per_s   = activities per second
// Sizes: 1M and 10M by default; set SALESMETRICS_BENCH_100M=1 for 100M (~2.2 GB of columns).
#include "bench_support.hpp"

#include <salesmetrics/metrics/catalog.hpp>

#include <array>
#include <cstdlib>

namespace sm = salesmetrics;
using namespace salesmetrics::metrics;

namespace {

// ts 8 + type 1 + direction 1 + rep 4 + duration 4 bytes per row.
constexpr double touched_bytes_per_row = 18;

template <class Policy>
void scorecard(benchmark::State& state, Policy policy) {
  const auto& d = bench::activities(static_cast<std::size_t>(state.range(0)));
  const sm::crm_view v = d.view();
  for (auto _ : state) {
    auto r = evaluate<activity_count, emails_sent, emails_received, meetings_ours, meetings_theirs, calls_made, calls_received,
                      meetings, calls, total_duration_minutes, last_interaction, first_interaction>(v, group::rep, {}, policy);
    benchmark::DoNotOptimize(r.rows());
  }
  const double rows = static_cast<double>(state.range(0)) * static_cast<double>(state.iterations());
  state.counters["rows_per_s"] = benchmark::Counter(rows, benchmark::Counter::kIsRate);
  state.counters["bytes_per_s"] = benchmark::Counter(rows * touched_bytes_per_row, benchmark::Counter::kIsRate);
  state.counters["read_bw"] = bench::read_bandwidth();
}

/// The same figures by a plain loop: one 64-byte accumulator line per rep.
void plain_loop(benchmark::State& state) {
  const auto& a = bench::activities(static_cast<std::size_t>(state.range(0))).activities;
  struct alignas(64) line { std::int64_t n[6]; std::int64_t ms; std::int64_t last; };
  for (auto _ : state) {
    std::vector<line> acc(2000, line{{0, 0, 0, 0, 0, 0}, 0, INT64_MIN});
    for (std::size_t i = 0; i < a.ts.size(); ++i) {
      line& l = acc[static_cast<std::size_t>(a.rep_id[i])];
      ++l.n[static_cast<unsigned>(a.type[i]) * 2 + static_cast<unsigned>(a.direction[i])];
      const double ms = static_cast<double>(a.duration_min[i]) * 60000.0;
      l.ms += static_cast<std::int64_t>(ms + 0.5);
      const std::int64_t t = sm::to_unix(a.ts[i]);
      l.last = t > l.last ? t : l.last;
    }
    benchmark::DoNotOptimize(acc.data());
  }
  const double rows = static_cast<double>(state.range(0)) * static_cast<double>(state.iterations());
  state.counters["rows_per_s"] = benchmark::Counter(rows, benchmark::Counter::kIsRate);
  state.counters["bytes_per_s"] = benchmark::Counter(rows * touched_bytes_per_row, benchmark::Counter::kIsRate);
}

void bandwidth(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(bench::read_bandwidth());
  state.counters["read_bw"] = bench::read_bandwidth();
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(1'000'000)->Arg(10'000'000);
  if (std::getenv("SALESMETRICS_BENCH_100M")) b->Arg(100'000'000);
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace

BENCHMARK(bandwidth)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scorecard, seq, sm::seq)->Apply(sizes);
BENCHMARK_CAPTURE(scorecard, par2, sm::par(2))->Apply(sizes);
BENCHMARK(plain_loop)->Apply(sizes);
