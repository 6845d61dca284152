// salesmetrics/forecast/pipeline_outcomes.hpp: the range of outcomes of each close period: the law of
// the number of deals won and P10/P50/P90 of the revenue, with their standard errors.
//
//   auto r = forecast::forecast_outcomes(opportunities, weighting, {.period = calendar_period::quarters()});
//
// Deals: those of pipeline_forecast (forecast/pipeline_forecast.hpp) with the same weighting and
// options (period, as_of, include_won; options.group is not used: one law per period), restricted
// to the forecast categories selected in outcome_options::categories (default: all but omitted).
// Deal d of period t is won independently with probability p_d (won deals: p = 1, a certain
// booking) and then brings amount a_d (in cents; a deal without an amount brings 0 and is counted
// in missing_amount). Per period:
//   wins       the Poisson-binomial law of K = number won (forecast/poisson_binomial.hpp; the
//              recurrence up to 4,096 deals, the FFT product above), expected_wins = sum p_d,
//              wins_sd = sqrt(sum p_d (1 - p_d)), win_quantiles[j] = smallest k with P(K <= k) >= q_j.
//   revenue    R = sum a_d X_d. revenue_mean = sum a_d p_d and revenue_sd = sqrt(sum a_d^2 p_d (1 - p_d))
//              (exact, currency units). revenue_quantiles[j] = smallest r with P(R <= r) >= q_j, by
//              the method recorded in `method` (forecast/outcome_distribution.hpp states each):
//                exact        the lattice law of R (exact_revenue_distribution); standard error 0
//                monte_carlo  seeded draws (simulate_revenue); value = type-1 sample quantile, lower/upper
//                             its order-statistic confidence interval, standard_error = (upper - lower) / (2 z)
//                normal       N(mean, sd^2) (normal_revenue_approximation), rounded to the cent; standard_error
//                             NaN, berry_esseen_bound bounds |P(R <= r) - Phi| for every r; levels 0 and 1
//                             (unbounded under the normal law) give money::missing()
//              automatic (default) takes exact when the lattice has at most max_lattice_cells cells and
//              deals x cells <= work_budget, else monte_carlo when draws x deals <= work_budget, else normal.
// Quantile levels: outcome_options::levels (default 0.1, 0.5, 0.9), each in [0, 1].
// Periods are those with at least one selected deal, in time order with "(none)" last.
// Errors (std::invalid_argument): as pipeline_forecast, plus levels outside [0, 1], and exact
// forced on a lattice larger than max_lattice_cells.
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/forecast/deal_weighting.hpp>
#include <salesmetrics/forecast/outcome_distribution.hpp>
#include <salesmetrics/forecast/pipeline_forecast.hpp>
#include <salesmetrics/forecast/poisson_binomial.hpp>
#include <salesmetrics/table/opportunity.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

enum class revenue_method : std::uint8_t { automatic, exact, monte_carlo, normal };

[[nodiscard]] constexpr const char* to_string(revenue_method m) noexcept {
  switch (m) {
    case revenue_method::automatic: return "automatic";
    case revenue_method::exact: return "exact";
    case revenue_method::monte_carlo: return "monte_carlo";
    case revenue_method::normal: return "normal";
  }
  return "?";
}

struct outcome_options {
  std::array<bool, category_count> categories{true, true, true, true, false};  // pipeline, best_case, commit, closed, omitted
  std::vector<double> levels{0.1, 0.5, 0.9};
  revenue_method method = revenue_method::automatic;
  std::size_t max_lattice_cells = std::size_t{1} << 22;
  double work_budget = 2e8;  // deals x lattice cells, or deals x draws, that automatic accepts
  monte_carlo_options monte_carlo{};
};

struct revenue_quantile {
  double level = 0.0;
  money value{};
  money lower{};                // confidence interval of the estimate (= value for exact and normal)
  money upper{};
  double standard_error = 0.0;  // currency units; NaN for the normal approximation
};

struct period_outcome {
  std::int64_t period = none_key;
  std::int64_t deals = 0;
  std::int64_t missing_amount = 0;
  poisson_binomial wins{};
  double expected_wins = 0.0;
  double wins_sd = 0.0;
  std::vector<std::size_t> win_quantiles;  // one per level
  double revenue_mean = 0.0;               // currency units
  double revenue_sd = 0.0;
  revenue_method method = revenue_method::exact;
  std::vector<revenue_quantile> revenue_quantiles;  // one per level
  double mean_standard_error = 0.0;  // Monte Carlo standard error of the sample mean (0 otherwise)
  double berry_esseen_bound = 0.0;   // normal only
};

struct pipeline_outcomes_result {
  calendar_period calendar{};
  std::vector<double> levels;
  std::vector<period_outcome> periods;

  [[nodiscard]] std::string period_label(std::int64_t period) const { return period == none_key ? "(none)" : calendar.label(period); }
  [[nodiscard]] const period_outcome* find(std::int64_t period) const noexcept {
    for (const auto& p : periods)
      if (p.period == period) return &p;
    return nullptr;
  }
};

namespace detail {

/// Decides the revenue method for one period (header comment).
[[nodiscard]] inline revenue_method choose_revenue_method(std::span<const std::int64_t> cents, const outcome_options& o) {
  const double n = static_cast<double>(cents.size());
  std::int64_t g = 0;
  double total = 0.0;
  for (std::int64_t c : cents) {
    const std::int64_t a = c < 0 ? -c : c;
    g = std::gcd(g, a);
    total += static_cast<double>(a);
  }
  const double cells = (g == 0 ? 0.0 : total / static_cast<double>(g)) + 1.0;
  if (o.method != revenue_method::automatic) return o.method;
  if (cells <= static_cast<double>(o.max_lattice_cells) && n * cells <= o.work_budget) return revenue_method::exact;
  if (n * static_cast<double>(o.monte_carlo.draws) <= o.work_budget) return revenue_method::monte_carlo;
  return revenue_method::normal;
}

/// A template (Scalar is always double) so that poisson_binomial_distribution's Eigen FFT is
/// instantiated only by translation units that compute outcomes.
template <class Scalar = double>
period_outcome period_law(std::int64_t period, std::span<const double> p, std::span<const std::int64_t> cents, std::int64_t missing,
                          const outcome_options& o) {
  period_outcome out;
  out.period = period;
  out.deals = static_cast<std::int64_t>(p.size());
  out.missing_amount = missing;
  out.wins = poisson_binomial_distribution<Scalar>(p, p.size() <= 4096 ? poisson_binomial_method::recurrence : poisson_binomial_method::fft);
  out.expected_wins = out.wins.mean();
  out.wins_sd = std::sqrt(out.wins.variance());
  for (double q : o.levels) out.win_quantiles.push_back(out.wins.quantile(q));
  std::vector<double> amounts(cents.size());
  for (std::size_t i = 0; i < cents.size(); ++i) amounts[i] = static_cast<double>(cents[i]);
  const revenue_moments_result m = revenue_moments(amounts, p);
  out.revenue_mean = m.mean / 100.0;
  out.revenue_sd = std::sqrt(m.variance) / 100.0;
  out.method = choose_revenue_method(cents, o);
  switch (out.method) {
    case revenue_method::exact: {
      const lattice_distribution law = exact_revenue_distribution(cents, p, o.max_lattice_cells);
      for (double q : o.levels) {
        const money v{law.quantile(q)};
        out.revenue_quantiles.push_back({q, v, v, v, 0.0});
      }
      break;
    }
    case revenue_method::monte_carlo: {
      const revenue_samples s = simulate_revenue(amounts, p, o.monte_carlo);
      out.mean_standard_error = s.draws() > 1 ? s.mean_standard_error() / 100.0 : 0.0;
      for (double q : o.levels) {
        const quantile_estimate e = s.quantile(q);
        out.revenue_quantiles.push_back({q, money{std::llround(e.value)}, money{std::llround(e.lower)}, money{std::llround(e.upper)},
                                         e.standard_error / 100.0});
      }
      break;
    }
    case revenue_method::normal:
    case revenue_method::automatic: {
      out.method = revenue_method::normal;
      const normal_revenue_approximation_result a = normal_revenue_approximation(amounts, p);
      out.berry_esseen_bound = a.berry_esseen_bound;
      for (double q : o.levels) {
        const double x = q == 0.0 || q == 1.0 ? (q == 0.0 ? -HUGE_VAL : HUGE_VAL) : a.quantile(q);
        const money v = std::isfinite(x) ? money{std::llround(x)} : money::missing();
        out.revenue_quantiles.push_back({q, v, v, v, std::numeric_limits<double>::quiet_NaN()});
      }
      break;
    }
  }
  return out;
}

}  // namespace detail

/// Outcome laws per period of the deals a pipeline forecast with `weighting` counts (header comment).
template <class W>
[[nodiscard]] pipeline_outcomes_result forecast_outcomes(const opportunity_view& v, const W& weighting, const pipeline_options& options = {},
                                                         const outcome_options& outcome = {}) {
  if constexpr (!detail::weighting_ok<W>()) {
    return {};
  } else {
    for (double q : outcome.levels)
      if (!(q >= 0.0 && q <= 1.0))
        throw std::invalid_argument("salesmetrics::forecast::forecast_outcomes: quantile level " + std::to_string(q) + " is outside [0, 1]");
    const std::size_t n = v.size();
    if (v.status.size() != n || v.stage.size() != n)
      throw std::invalid_argument("salesmetrics::forecast::forecast_outcomes: status and stage need one value per opportunity row");
    const deal_context ctx{options.as_of};
    detail::check_weighting(weighting, v, ctx);
    const detail::period_coder pc = detail::make_period_coder(v, options.period, options.include_won);
    const std::size_t codes = std::size_t{pc.count()} + 1;
    // Pass 1: per row its code (or none selected) and probability; counts per code.
    constexpr std::uint32_t skip = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> code(n, skip);
    std::vector<double> prob(n, 0.0);
    std::vector<std::size_t> start(codes + 1, 0);
    const bool has_category = !v.forecast_category.empty();
    const bool won_selected = options.include_won && outcome.categories[index_of(forecast_category::closed)];
    for (std::size_t i = 0; i < n; ++i) {
      const deal_status st = v.status[i];
      double p;
      if (st == deal_status::open) {
        const std::size_t cat = has_category ? index_of(v.forecast_category[i]) : index_of(forecast_category::pipeline);
        if (cat >= category_count || !outcome.categories[cat]) continue;
        p = static_cast<double>(weighting.probability(v, i, ctx));
        if (!(p >= 0.0 && p <= 1.0)) detail::bad_probability(v, i, p);
      } else if (st == deal_status::won && won_selected) {
        p = 1.0;
      } else {
        continue;
      }
      code[i] = pc.code(detail::period_instant(v, i));
      prob[i] = p;
      ++start[code[i] + 1];
    }
    for (std::size_t c = 0; c < codes; ++c) start[c + 1] += start[c];
    // Pass 2: scatter into per-period runs (counting sort, stable in row order).
    std::vector<double> p_sorted(start[codes]);
    std::vector<std::int64_t> cents(start[codes]);
    std::vector<std::int64_t> missing(codes, 0);
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    const bool has_amount = !v.amount.empty();
    for (std::size_t i = 0; i < n; ++i) {
      if (code[i] == skip) continue;
      const std::size_t at = fill[code[i]]++;
      p_sorted[at] = prob[i];
      const money m = has_amount ? v.amount[i] : money::missing();
      cents[at] = m.is_missing() ? 0 : m.cents;
      missing[code[i]] += m.is_missing() ? 1 : 0;
    }
    pipeline_outcomes_result r;
    r.calendar = options.period;
    r.levels = outcome.levels;
    for (std::size_t c = 0; c < codes; ++c) {
      const std::size_t b = start[c], e = start[c + 1];
      if (b == e) continue;
      r.periods.push_back(detail::period_law(pc.period_of(static_cast<std::uint32_t>(c)), std::span<const double>(p_sorted).subspan(b, e - b),
                                             std::span<const std::int64_t>(cents).subspan(b, e - b), missing[c], outcome));
    }
    return r;
  }
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
