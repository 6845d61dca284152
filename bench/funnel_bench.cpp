// Benchmarks of the funnel module (goals from issue 4):
//   fit from 10M stage transitions in one pass          goal < 100 ms
//   10,000 per-rep funnels fitted and solved             goal < 1 s
//   scoring 1M deals (naive Bayes, logistic regression)  goal < 100 ms
// Inputs come from the seeded generator of the funnel tests (splitmix64/xoshiro256**); they are
// built once, outside the timed loops. Run: build/bench/funnel_bench --benchmark_min_time=...
#include <salesmetrics/funnel/absorbing_chain.hpp>
#include <salesmetrics/funnel/deal_scoring.hpp>
#include <salesmetrics/funnel/funnel_view.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>

#include "../tests/runtime/funnel_test_support.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace fn = salesmetrics::funnel;

namespace {

const fn::stage_layout& layout() {
  static const fn::stage_layout L{salesmetrics::schema_stages{}};  // 5 open stages, won, lost
  return L;
}

// About 10M rows: creation rows plus transitions, reps assigned round-robin by opportunity.
const funnel_test::history_store& history() {
  static const funnel_test::history_store h = [] {
    funnel_test::history_params p;
    p.opportunities = 3'650'000;
    p.groups = 10'000;
    p.reopen = 0.02;
    funnel_test::history_store s = funnel_test::random_history(layout(), 42, p);
    return s;
  }();
  return h;
}

// mode 0: counts only (dwell = false, no ts read); 1: counts and mean dwell; 2: with the exact median dwell.
void BM_fit_transitions(benchmark::State& state) {
  const auto& h = history();
  fn::transition_options o;
  o.dwell = state.range(0) != 0;
  o.median = state.range(0) == 2;
  for (auto _ : state) {
    fn::transition_fit f = fn::fit_transitions(h.view(), layout(), o);
    benchmark::DoNotOptimize(f.counts.data());
  }
  state.counters["rows"] = static_cast<double>(h.opportunity_id.size());
  state.counters["transitions"] = static_cast<double>(fn::fit_transitions(h.view(), layout(), o).transitions);
}
BENCHMARK(BM_fit_transitions)->Arg(0)->Arg(1)->Arg(2)->ArgName("mode")->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_count_funnel(benchmark::State& state) {
  const auto& h = history();
  for (auto _ : state) {
    fn::funnel_counts c = fn::count_funnel(h.view(), layout());
    benchmark::DoNotOptimize(c.reached.data());
  }
}
BENCHMARK(BM_count_funnel)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// 10,000 reps: one grouped pass over the ~10M rows, then one absorbing chain per rep.
void BM_per_rep_funnels(benchmark::State& state) {
  const auto& h = history();
  fn::transition_options o;
  o.median = false;
  fn::chain_options co;
  co.on_singular = fn::singular_policy::flag;
  std::size_t singular = 0;
  for (auto _ : state) {
    const std::vector<fn::transition_fit> fits = fn::fit_transitions_by_group(h.view(), layout(), h.group_of, 10'000, o);
    singular = 0;
    double sum = 0;
    for (const auto& f : fits) {
      const fn::absorbing_chain c = fn::solve_absorbing_chain(f, layout(), co);
      singular += c.singular;
      sum += c.singular ? 0.0 : c.B(0, 0);
    }
    benchmark::DoNotOptimize(sum);
  }
  state.counters["reps"] = 10'000;
  state.counters["singular"] = static_cast<double>(singular);
}
BENCHMARK(BM_per_rep_funnels)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Only the 10,000 solves (fits prepared outside the loop).
void BM_solve_10000_chains(benchmark::State& state) {
  fn::transition_options o;
  o.median = false;
  static const std::vector<fn::transition_fit> fits = fn::fit_transitions_by_group(history().view(), layout(), history().group_of, 10'000, o);
  fn::chain_options co;
  co.on_singular = fn::singular_policy::flag;
  for (auto _ : state) {
    double sum = 0;
    for (const auto& f : fits) sum += fn::solve_absorbing_chain(f, layout(), co).expected_steps(0);
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_solve_10000_chains)->Unit(benchmark::kMillisecond)->MinTime(1.0);

struct scoring_data {
  static constexpr std::size_t n = 1'000'000;
  std::vector<std::vector<salesmetrics::dense_id>> cats;
  std::vector<std::size_t> card{30, 7, 4, 85};
  std::vector<std::vector<double>> nums;
  std::vector<std::int8_t> stage;
  std::vector<std::uint8_t> won;
  std::vector<fn::categorical_column> cat_cols() const {
    std::vector<fn::categorical_column> c;
    for (std::size_t f = 0; f < cats.size(); ++f) c.push_back({cats[f], card[f]});
    return c;
  }
  std::vector<fn::numeric_column> num_cols() const {
    std::vector<fn::numeric_column> c;
    for (const auto& v : nums) c.push_back({v});
    return c;
  }
};

const scoring_data& scoring() {
  static const scoring_data d = [] {
    scoring_data s;
    funnel_test::rng g(7);
    s.cats.assign(s.card.size(), std::vector<salesmetrics::dense_id>(scoring_data::n));
    s.nums.assign(3, std::vector<double>(scoring_data::n));
    s.stage.resize(scoring_data::n);
    s.won.resize(scoring_data::n);
    for (std::size_t i = 0; i < scoring_data::n; ++i) {
      double z = -0.3;
      for (std::size_t f = 0; f < s.card.size(); ++f) {
        const auto v = static_cast<salesmetrics::dense_id>(g.below(s.card[f]));
        s.cats[f][i] = v;
        z += (v % 3 == 0) ? 0.4 : -0.1;
      }
      for (std::size_t j = 0; j < 3; ++j) {
        s.nums[j][i] = 1000 * g.uniform();
        z += 0.0005 * (s.nums[j][i] - 500);
      }
      s.stage[i] = static_cast<std::int8_t>(g.below(5));
      s.won[i] = g.uniform() < 1 / (1 + std::exp(-z));
    }
    return s;
  }();
  return d;
}

void BM_score_naive_bayes_1M(benchmark::State& state) {
  const auto& d = scoring();
  const auto cols = d.cat_cols();
  const fn::naive_bayes_scorer m = fn::naive_bayes_scorer::fit(cols, d.stage, layout(), d.won);
  std::vector<double> out(scoring_data::n);
  for (auto _ : state) {
    m.score(cols, d.stage, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_score_naive_bayes_1M)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_score_logistic_1M(benchmark::State& state) {
  const auto& d = scoring();
  const auto cats = d.cat_cols();
  const auto nums = d.num_cols();
  // Fitted on the first 100,000 deals (the fit is not what this measures).
  std::vector<fn::categorical_column> tc;
  std::vector<fn::numeric_column> tn;
  const std::size_t m_train = 100'000;
  for (const auto& c : cats) tc.push_back({c.values.first(m_train), c.cardinality});
  for (const auto& c : nums) tn.push_back({c.values.first(m_train)});
  const fn::logistic_scorer m = fn::logistic_scorer::fit(tn, tc, std::span(d.won).first(m_train));
  std::vector<double> out(scoring_data::n);
  for (auto _ : state) {
    m.score(nums, cats, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["iterations_fit"] = m.iterations();
}
BENCHMARK(BM_score_logistic_1M)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_fit_logistic_100k(benchmark::State& state) {
  const auto& d = scoring();
  std::vector<fn::categorical_column> tc;
  std::vector<fn::numeric_column> tn;
  const std::size_t m_train = 100'000;
  for (const auto& c : d.cat_cols()) tc.push_back({c.values.first(m_train), c.cardinality});
  for (const auto& c : d.num_cols()) tn.push_back({c.values.first(m_train)});
  for (auto _ : state) {
    const fn::logistic_scorer m = fn::logistic_scorer::fit(tn, tc, std::span(d.won).first(m_train));
    benchmark::DoNotOptimize(m.coefficients().data());
  }
}
BENCHMARK(BM_fit_logistic_100k)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
