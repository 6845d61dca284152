// Benchmarks of the pipeline forecasts (forecast/pipeline_forecast.hpp, pipeline_outcomes.hpp,
// as_of.hpp, deal_flow.hpp, timing.hpp). Goals: weighted pipeline of 1M open deals by month and
// forecast category under 10 ms; as-of reconstruction over 10M stage-history rows in one pass.
// Reference points in the same binary: the metric engine's weighted_pipeline over the same 1M deals
// grouped by month (no category split), and a plain loop summing the amounts (memory bound).
// Data: synthetic and seeded (no files): deals spread over 2 years of expected close dates, 5 open
// stages, 2,000 reps; histories of 2.5M opportunities x 4 rows on average.
#include <salesmetrics/forecast/as_of.hpp>
#include <salesmetrics/forecast/deal_flow.hpp>
#include <salesmetrics/forecast/forecast_weighting.hpp>
#include <salesmetrics/forecast/pipeline_forecast.hpp>
#include <salesmetrics/forecast/pipeline_outcomes.hpp>
#include <salesmetrics/core/random.hpp>
#include <salesmetrics/forecast/timing.hpp>
#include <salesmetrics/funnel/time_stepped.hpp>
#include <salesmetrics/metrics/evaluate.hpp>
#include <salesmetrics/metrics/opportunity_metrics.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace sm = salesmetrics;
namespace sf = salesmetrics::forecast;

namespace {
constexpr std::int64_t t2024 = 1704067200, day = 86400;

/// n open deals (all open: "1M open deals"), expected close uniform over 2024-2025.
const sm::crm_data& open_deals(std::size_t n) {
  static std::unique_ptr<sm::crm_data> cache;
  static std::size_t cached_n = 0;
  if (cache && cached_n == n) return *cache;
  cache = std::make_unique<sm::crm_data>();
  cached_n = n;
  salesmetrics::xoshiro256ss rng(5);
  auto& o = cache->opportunities;
  o.opportunity_id.resize(n);
  o.created_ts.assign(n, sm::from_unix(t2024 - 100 * day));
  o.stage.resize(n);
  o.status.assign(n, sm::deal_status::open);
  o.owner_rep_id.resize(n);
  o.expected_close_ts.resize(n);
  o.amount.resize(n);
  o.forecast_category.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t r = rng();
    o.opportunity_id[i] = static_cast<sm::dense_id>(i);
    o.stage[i] = static_cast<sm::stage_index>(r % 5);
    o.owner_rep_id[i] = static_cast<sm::dense_id>((r >> 8) % 2000);
    o.expected_close_ts[i] = sm::from_unix(t2024 + static_cast<std::int64_t>((r >> 20) % static_cast<std::uint64_t>(730 * day)));
    o.amount[i] = sm::money{100 + static_cast<std::int64_t>(rng() % 10'000'000)};
    o.forecast_category[i] = static_cast<sm::forecast_category>((r >> 50) % 5);
  }
  cache->stages = sm::schema_stages::runtime();
  cache->dictionaries.reps = sm::dictionary::integers(2000);
  return *cache;
}

using schema_weights = sf::fixed_stage_weighting<0.1, 0.2, 0.4, 0.6, 0.8>;
}  // namespace

static void BM_pipeline_month_category(benchmark::State& state) {
  const auto& d = open_deals(static_cast<std::size_t>(state.range(0)));
  const sm::opportunity_view v = d.opportunities.view();
  const sf::pipeline_forecast<schema_weights> f(schema_weights{});
  for (auto _ : state) {
    auto r = f(v);
    benchmark::DoNotOptimize(r.cells().data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_pipeline_month_category)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

static void BM_pipeline_month_category_runtime_weights(benchmark::State& state) {
  const auto& d = open_deals(static_cast<std::size_t>(state.range(0)));
  const sm::opportunity_view v = d.opportunities.view();
  const auto w = sf::make_stage_weighting({0.13, 0.27, 0.41, 0.66, 0.83, 1.0, 0.0});  // e.g. learned by the funnel
  for (auto _ : state) {
    auto r = sf::forecast_pipeline(v, w);
    benchmark::DoNotOptimize(r.cells().data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_pipeline_month_category_runtime_weights)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

static void BM_pipeline_rep_quarter_category(benchmark::State& state) {
  const auto& d = open_deals(static_cast<std::size_t>(state.range(0)));
  const sm::opportunity_view v = d.opportunities.view();
  sf::pipeline_options o;
  o.period = sm::calendar_period::quarters();
  o.group = sf::forecast_group::rep(&d.dictionaries.reps);
  for (auto _ : state) {
    auto r = sf::forecast_pipeline(v, schema_weights{}, o);
    benchmark::DoNotOptimize(r.cells().data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_pipeline_rep_quarter_category)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

static void BM_pipeline_aged(benchmark::State& state) {
  const auto& d = open_deals(static_cast<std::size_t>(state.range(0)));
  const sm::opportunity_view v = d.opportunities.view();
  sf::aging_rule rule;
  rule.overdue_half_life_days = 30.0;
  const sf::aged<schema_weights> w(schema_weights{}, rule);
  sf::pipeline_options o;
  o.as_of = sm::from_unix(t2024 + 365 * day);  // half the deals are overdue
  for (auto _ : state) {
    auto r = sf::forecast_pipeline(v, w, o);
    benchmark::DoNotOptimize(r.cells().data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_pipeline_aged)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

/// Reference: the metric engine's weighted pipeline by month (no category split, one anchor).
static void BM_engine_weighted_pipeline_month(benchmark::State& state) {
  const auto& d = open_deals(static_cast<std::size_t>(state.range(0)));
  const sm::crm_view view = d.view();
  namespace mx = sm::metrics;
  for (auto _ : state) {
    auto r = mx::evaluate<mx::open_count, mx::open_amount, mx::weighted_pipeline<mx::schema_stage_probability>>(
        view, mx::group::period(sm::calendar_period::months()));
    benchmark::DoNotOptimize(r.rows());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_engine_weighted_pipeline_month)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

/// Reference: a plain loop summing the amounts of open deals (the columns' read cost).
static void BM_plain_sum_open_amount(benchmark::State& state) {
  const auto& d = open_deals(static_cast<std::size_t>(state.range(0)));
  const auto& o = d.opportunities;
  for (auto _ : state) {
    std::int64_t s = 0;
    for (std::size_t i = 0; i < o.size(); ++i) s += o.status[i] == sm::deal_status::open ? o.amount[i].cents : 0;
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_plain_sum_open_amount)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

static void BM_outcomes_by_quarter(benchmark::State& state) {
  const auto& d = open_deals(static_cast<std::size_t>(state.range(0)));
  const sm::opportunity_view v = d.opportunities.view();
  sf::pipeline_options o;
  o.period = sm::calendar_period::quarters();
  sf::outcome_options oo;
  oo.method = sf::revenue_method::monte_carlo;
  oo.monte_carlo.draws = 2000;
  for (auto _ : state) {
    auto r = sf::forecast_outcomes(v, schema_weights{}, o, oo);
    benchmark::DoNotOptimize(r.periods.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_outcomes_by_quarter)->Arg(20'000)->Unit(benchmark::kMillisecond);

static void BM_timing_weekly_steps(benchmark::State& state) {
  const auto& d = open_deals(static_cast<std::size_t>(state.range(0)));
  const sm::opportunity_view v = d.opportunities.view();
  Eigen::MatrixXd Q = Eigen::MatrixXd::Zero(5, 5), R(5, 2);
  for (int k = 0; k < 4; ++k) Q(k, k + 1) = 0.7;
  R << 0.0, 0.3, 0.0, 0.3, 0.0, 0.3, 0.0, 0.3, 0.8, 0.2;
  Eigen::VectorXd dwell = Eigen::VectorXd::Constant(5, 18.0);
  const sm::funnel::step_model m = sm::funnel::make_step_model(Q, R, dwell, 7.0);
  sf::timing_options o;
  o.period = sm::calendar_period::quarters();
  o.as_of = sm::from_unix(t2024);
  o.periods = 4;
  for (auto _ : state) {
    auto r = sf::forecast_timing(v, m, o);
    benchmark::DoNotOptimize(r.periods.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_timing_weekly_steps)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

namespace {
struct big_history {
  sm::stage_history_store h;
  sm::opportunity_store o;
  sm::stage_list stages = sm::schema_stages::runtime();
};
/// About `rows` history rows: opportunities with 1..7 rows (mean 4), created over 3 years.
const big_history& history(std::size_t rows) {
  static std::unique_ptr<big_history> cache;
  if (cache) return *cache;
  cache = std::make_unique<big_history>();
  auto& h = cache->h;
  auto& o = cache->o;
  const std::size_t opps = rows / 4;
  h.opportunity_id.reserve(rows + 8);
  h.ts.reserve(rows + 8);
  h.from_stage.reserve(rows + 8);
  h.to_stage.reserve(rows + 8);
  h.amount.reserve(rows + 8);
  h.expected_close_ts.reserve(rows + 8);
  salesmetrics::xoshiro256ss rng(9);
  for (std::size_t i = 0; i < opps; ++i) {
    const auto id = static_cast<sm::dense_id>(i);
    std::int64_t t = t2024 - 3 * 365 * day + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(3 * 365 * day));
    std::int64_t cents = 1000 + static_cast<std::int64_t>(rng() % 5'000'000);
    std::int64_t close = t + 60 * day;
    const int n = 1 + static_cast<int>(rng() % 7);
    sm::stage_index stage = 0;
    auto row = [&](sm::stage_index from, sm::stage_index to) {
      h.opportunity_id.push_back(id);
      h.ts.push_back(sm::from_unix(t));
      h.from_stage.push_back(from);
      h.to_stage.push_back(to);
      h.amount.push_back(sm::money{cents});
      h.expected_close_ts.push_back(sm::from_unix(close));
    };
    row(sm::no_stage, 0);
    for (int k = 1; k < n; ++k) {
      const std::uint64_t r = rng();
      t += 3600 + static_cast<std::int64_t>(r % static_cast<std::uint64_t>(30 * day));
      if (r % 7 == 0) close += 14 * day;
      if (r % 5 == 0) cents += 1000;
      const sm::stage_index to = k == n - 1 && (r >> 32) % 3 != 0 ? static_cast<sm::stage_index>(5 + (r >> 40) % 2)
                                                                   : static_cast<sm::stage_index>(std::min<int>(stage + 1, 4));
      row(stage, to);
      stage = to;
    }
    o.opportunity_id.push_back(id);
    o.created_ts.push_back(h.ts[h.ts.size() - static_cast<std::size_t>(n)]);
    o.stage.push_back(stage);
    o.status.push_back(stage == 5 ? sm::deal_status::won : stage == 6 ? sm::deal_status::lost : sm::deal_status::open);
    o.owner_rep_id.push_back(static_cast<sm::dense_id>(i % 2000));
    o.amount.push_back(sm::money{cents});
    o.expected_close_ts.push_back(sm::from_unix(close));
  }
  return *cache;
}
}  // namespace

/// The core pass: state of every opportunity at `dates` dates, summed into the open amount per date.
static void BM_as_of_pass_10M(benchmark::State& state) {
  const auto& b = history(10'000'000);
  const auto dates_n = static_cast<std::size_t>(state.range(0));
  std::vector<sm::timestamp> dates;
  for (std::size_t k = 0; k < dates_n; ++k) dates.push_back(sm::from_unix(t2024 - static_cast<std::int64_t>(k) * 30 * day));
  std::sort(dates.begin(), dates.end());
  for (auto _ : state) {
    std::vector<std::int64_t> open(dates_n, 0);
    sf::for_each_as_of(b.h.view(), dates, [&](sm::dense_id, std::span<const sf::history_state> s) {
      for (std::size_t k = 0; k < s.size(); ++k)
        if (s[k].exists && s[k].stage < 5) open[k] += s[k].amount.cents;
    });
    benchmark::DoNotOptimize(open.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(b.h.size()));
  state.counters["rows"] = static_cast<double>(b.h.size());
}
BENCHMARK(BM_as_of_pass_10M)->Arg(1)->Arg(12)->Unit(benchmark::kMillisecond);

/// Reconstruction of the whole opportunity table as of one date (an opportunity_store), then its
/// forecast by month and category.
static void BM_reconstruct_and_forecast_10M(benchmark::State& state) {
  const auto& b = history(10'000'000);
  const sm::timestamp d = sm::from_unix(t2024 - 180 * day);
  for (auto _ : state) {
    const sf::as_of_pipeline p = sf::reconstruct_pipeline(b.h.view(), b.o.view(), b.stages, d);
    sf::pipeline_options o;
    o.as_of = d;
    auto r = sf::forecast_pipeline(p.deals.view(), schema_weights{}, o);
    benchmark::DoNotOptimize(r.cells().data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(b.h.size()));
}
BENCHMARK(BM_reconstruct_and_forecast_10M)->Unit(benchmark::kMillisecond)->Iterations(3);

static void BM_deal_flow_10M(benchmark::State& state) {
  const auto& b = history(10'000'000);
  for (auto _ : state) {
    auto f = sf::deal_flow(b.h.view(), b.o.view(), b.stages, sm::from_unix(t2024 - 120 * day), sm::from_unix(t2024 - 30 * day));
    benchmark::DoNotOptimize(f.ending.amount);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(b.h.size()));
}
BENCHMARK(BM_deal_flow_10M)->Unit(benchmark::kMillisecond);
