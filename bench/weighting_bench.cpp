// Weighting benchmarks: score 10,000 reps on a 7-KPI scorecard with weight profiles per segment
// (new hire / steady / star) and rank them (goal: under 1 ms), on a mock result source; plus the
// same with the runtime (JSON-style) scorecard, and commission payouts for 10,000 reps.
#include <salesmetrics/weighting/commission.hpp>
#include <salesmetrics/weighting/ranking.hpp>
#include <salesmetrics/weighting/runtime_scorecard.hpp>
#include <salesmetrics/weighting/scorecard.hpp>
#include <salesmetrics/core/random.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace w = salesmetrics::weighting;

namespace {
struct revenue { static constexpr std::string_view name = "revenue"; };
struct new_leads { static constexpr std::string_view name = "new_leads"; };
struct conversion { static constexpr std::string_view name = "conversion"; };
struct avg_deal { static constexpr std::string_view name = "avg_deal"; };
struct calls { static constexpr std::string_view name = "calls"; };
struct meetings { static constexpr std::string_view name = "meetings"; };
struct nps { static constexpr std::string_view name = "nps"; };

constexpr std::array<std::string_view, 7> names{"revenue", "new_leads", "conversion", "avg_deal", "calls", "meetings", "nps"};

/// Mock result table: 7 columns of doubles, addressable by tag and by name.
struct mock_results {
  std::vector<std::string> labels;
  std::array<std::vector<double>, 7> cols;

  std::size_t rows() const noexcept { return labels.size(); }
  const std::string& key_label(std::size_t i) const { return labels[i]; }
  std::span<const double> column(std::string_view name) const {
    for (std::size_t k = 0; k < names.size(); ++k)
      if (names[k] == name) return cols[k];
    throw std::out_of_range("no column");
  }
  bool has_column(std::string_view name) const {
    for (auto n : names)
      if (n == name) return true;
    return false;
  }
  template <class Tag> std::span<const double> column() const { return column(Tag::name); }
};

mock_results make_results(std::size_t n) {
  mock_results r;
  salesmetrics::splitmix64 g(2024);
  const std::array<double, 7> scale{2e6, 100, 0.4, 40000, 200, 40, 10};
  for (std::size_t i = 0; i < n; ++i) r.labels.push_back("rep " + std::to_string(i));
  for (std::size_t k = 0; k < 7; ++k) {
    r.cols[k].resize(n);
    for (double& v : r.cols[k]) v = g.below(50) == 0 ? std::numeric_limits<double>::quiet_NaN() : scale[k] * g.uniform01();
  }
  return r;
}

std::vector<std::int32_t> make_segments(std::size_t n) {
  std::vector<std::int32_t> s(n);
  salesmetrics::splitmix64 g(7);
  for (auto& c : s) c = static_cast<std::int32_t>(g.below(3));
  return s;
}

using base = w::scorecard<"steady", w::kpi<revenue, 1e6, 30.0, w::higher_is_better, 2.0>, w::kpi<new_leads, 50.0, 15.0>,
                          w::kpi<conversion, 0.2, 15.0>, w::kpi<avg_deal, 20000.0, 10.0>, w::kpi<calls, 100.0, 5.0>,
                          w::kpi<meetings, 20.0, 10.0>, w::kpi<nps, 7.0, 15.0, w::higher_is_better, 1.5>>;
using team = w::segmented_scorecard<base, w::weight_profile<"new_hire", 10.0, 25.0, 10.0, 5.0, 20.0, 20.0, 10.0>,
                                    w::weight_profile<"star", 45.0, 5.0, 15.0, 15.0, 0.0, 5.0, 15.0>>;

w::runtime_scorecard runtime_card() {
  w::runtime_scorecard c;
  c.name = "steady";
  const std::array<double, 7> targets{1e6, 50, 0.2, 20000, 100, 20, 7};
  const std::array<double, 7> weights{30, 15, 15, 10, 5, 10, 15};
  for (std::size_t k = 0; k < 7; ++k)
    c.kpis.push_back({std::string(names[k]), std::string(names[k]), targets[k], weights[k], w::higher_is_better,
                      k == 0 ? 2.0 : k == 6 ? 1.5 : w::no_cap, w::no_floor});
  c.profiles = {{"new_hire", {10, 25, 10, 5, 20, 20, 10}}, {"star", {45, 5, 15, 15, 0, 5, 15}}};
  return c;
}

void BM_score_and_rank_compile_time(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const mock_results r = make_results(n);
  const std::vector<std::int32_t> seg = make_segments(n);
  w::score_table table;
  std::vector<w::leaderboard_entry> board;
  for (auto _ : state) {
    w::score_into(table, team{}, r, seg);
    w::leaderboard_into(board, table.totals());
    benchmark::DoNotOptimize(board.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_score_and_rank_compile_time)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_score_and_rank_runtime(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const mock_results r = make_results(n);
  const std::vector<std::int32_t> seg = make_segments(n);
  const w::runtime_scorecard card = runtime_card();
  w::score_table table;
  std::vector<w::leaderboard_entry> board;
  for (auto _ : state) {
    w::score_into(table, card, r, seg);
    w::leaderboard_into(board, table.totals());
    benchmark::DoNotOptimize(board.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_score_and_rank_runtime)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_score_only_compile_time(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const mock_results r = make_results(n);
  const std::vector<std::int32_t> seg = make_segments(n);
  w::score_table table;
  for (auto _ : state) {
    w::score_into(table, team{}, r, seg);
    benchmark::DoNotOptimize(table.totals().data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_score_only_compile_time)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_commission_10k(benchmark::State& state) {
  w::commission_plan plan;
  plan.name = "5/7/10";
  plan.tiers = {{w::currency_units(0), 0.05}, {w::currency_units(1'000'000), 0.07}, {w::currency_units(2'000'000), 0.10}};
  plan.accelerators = {{1.0, 1.5}};
  plan.cap = w::currency_units(400'000);
  plan.bonuses = {{1.0, w::currency_units(5'000)}};
  std::vector<salesmetrics::money> amounts(10000), quotas(10000, w::currency_units(1'500'000));
  salesmetrics::splitmix64 g(3);
  for (auto& a : amounts) a = salesmetrics::money::from_cents(static_cast<std::int64_t>(g.below(400'000'000)));
  for (auto _ : state) {
    auto t = plan.compute(amounts, quotas);
    benchmark::DoNotOptimize(t.rows.data());
  }
}
BENCHMARK(BM_commission_10k)->Unit(benchmark::kMicrosecond);
}  // namespace
