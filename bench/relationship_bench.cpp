// Relationship panels for every (rep, contact) pair of a synthetic 10M-activity history
// (synthetic::generate with config::for_activities: 2,000 reps, 200,000 contacts, e-mail threads
// with thread ids), sequential and on 2 threads:
//   pair_replies      the reply pairing (one backward sweep over the rows, in ts order)
//   pair_panels       the fused engine pass (current window, previous window and next scheduled
//                     at once) + results + panel assembly, replies already paired
//   pair_all          both: everything a panel shows, for every pair
//   reply_rates       our reply count, rate and mean delay per rep: evaluate_with_replies (pairing
//                     and metrics in one sweep, no reply column) against pair_replies + evaluate
// Windows: "last60" = the default 60 days before the end of the history (the pass still reads
// every row); "history" = the whole history (every row aggregated, about 580,000 pairs).
// Counter rows_per_s = activity rows of the table per second. Set SALESMETRICS_BENCH_ROWS to
// change the size (default 10,000,000; generating it takes a few seconds, once).
#include <salesmetrics/relationship/panel.hpp>
#include <salesmetrics/relationship/reply_evaluation.hpp>
#include <salesmetrics/relationship/reply_metrics.hpp>
#include <salesmetrics/synthetic/generate.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace sm = salesmetrics;
namespace rel = salesmetrics::relationship;
namespace group = salesmetrics::metrics::group;

namespace {

std::size_t rows() {
  const char* env = std::getenv("SALESMETRICS_BENCH_ROWS");
  return env ? std::stoull(env) : 10'000'000;
}

const sm::crm_data& data() {
  static const std::unique_ptr<sm::crm_data> d = std::make_unique<sm::crm_data>(sm::synthetic::generate(sm::synthetic::config::for_activities(rows())));
  return *d;
}

const rel::reply_annotation& replies() {
  static const rel::reply_annotation r = rel::pair_replies(data().view());
  return r;
}

rel::relationship_options window(bool history) {
  rel::relationship_options o;
  if (history) o.window = {sm::time_window{}.from, sm::from_unix(1735689600)};  // up to the generator's end
  return o;
}

void count(benchmark::State& state, std::size_t panels) {
  const double n = static_cast<double>(data().activities.size()) * static_cast<double>(state.iterations());
  state.counters["rows_per_s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  state.counters["panels"] = static_cast<double>(panels);
}

template <class Policy>
void pair_replies(benchmark::State& state, Policy policy) {
  const sm::crm_view v = data().view();
  std::size_t threaded = 0;
  for (auto _ : state) {
    const rel::reply_annotation r = rel::pair_replies(v, policy);
    threaded = r.threaded_emails;
    benchmark::DoNotOptimize(r.reply_ts.data());
  }
  count(state, 0);
  state.counters["threaded_emails"] = static_cast<double>(threaded);
}

template <class Policy>
void pair_panels(benchmark::State& state, Policy policy, bool history) {
  const sm::crm_view v = data().view();
  const rel::reply_annotation& r = replies();
  std::size_t panels = 0;
  for (auto _ : state) {
    const rel::relationship_report report = rel::analyse(v, group::by(group::rep, group::contact), window(history), r, policy);
    panels = report.panels.size();
    benchmark::DoNotOptimize(report.panels.data());
  }
  count(state, panels);
}

template <class Policy>
void pair_all(benchmark::State& state, Policy policy, bool history) {
  const sm::crm_view v = data().view();
  std::size_t panels = 0;
  for (auto _ : state) {
    const rel::relationship_report report = rel::analyse(v, group::by(group::rep, group::contact), window(history), policy);
    panels = report.panels.size();
    benchmark::DoNotOptimize(report.panels.data());
  }
  count(state, panels);
}

template <class Policy>
void reply_rates(benchmark::State& state, Policy policy, bool fused) {
  const sm::crm_view v = data().view();
  std::size_t groups = 0;
  for (auto _ : state) {
    if (fused) {
      const auto t = rel::evaluate_with_replies<rel::their_threaded_emails, rel::our_replies, rel::our_reply_rate, rel::our_mean_reply_hours>(
          v, group::rep, {}, policy);
      groups = t.rows();
      benchmark::DoNotOptimize(t.template column<rel::our_replies>().data());
    } else {
      const rel::reply_annotation r = rel::pair_replies(v, policy);
      rel::annotated_view av;
      static_cast<sm::crm_view&>(av) = v;
      av.reply_ts = r.reply_ts;
      av.windows.current = sm::time_window{};
      const auto t = sm::metrics::evaluate<rel::their_threaded_emails, rel::our_replies, rel::our_reply_rate, rel::our_mean_reply_hours>(
          av, group::rep, {}, policy);
      groups = t.rows();
      benchmark::DoNotOptimize(t.template column<rel::our_replies>().data());
    }
  }
  count(state, 0);
  state.counters["groups"] = static_cast<double>(groups);
}

void setup(benchmark::internal::Benchmark* b) { b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2); }

}  // namespace

BENCHMARK_CAPTURE(pair_replies, seq, sm::seq)->Apply(setup);
BENCHMARK_CAPTURE(pair_replies, par2, sm::par(2))->Apply(setup);
BENCHMARK_CAPTURE(pair_panels, seq_last60, sm::seq, false)->Apply(setup);
BENCHMARK_CAPTURE(pair_panels, par2_last60, sm::par(2), false)->Apply(setup);
BENCHMARK_CAPTURE(pair_panels, seq_history, sm::seq, true)->Apply(setup);
BENCHMARK_CAPTURE(pair_panels, par2_history, sm::par(2), true)->Apply(setup);
BENCHMARK_CAPTURE(pair_all, seq_last60, sm::seq, false)->Apply(setup);
BENCHMARK_CAPTURE(pair_all, par2_last60, sm::par(2), false)->Apply(setup);
BENCHMARK_CAPTURE(pair_all, seq_history, sm::seq, true)->Apply(setup);
BENCHMARK_CAPTURE(pair_all, par2_history, sm::par(2), true)->Apply(setup);
BENCHMARK_CAPTURE(reply_rates, fused_seq, sm::seq, true)->Apply(setup);
BENCHMARK_CAPTURE(reply_rates, fused_par2, sm::par(2), true)->Apply(setup);
BENCHMARK_CAPTURE(reply_rates, materialised_seq, sm::seq, false)->Apply(setup);
BENCHMARK_CAPTURE(reply_rates, materialised_par2, sm::par(2), false)->Apply(setup);
