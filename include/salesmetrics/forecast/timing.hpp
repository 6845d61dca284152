// salesmetrics/forecast/timing.hpp: expected wins and revenue per future period from the
// time-stepped funnel model, side by side with the close-date forecast of the same chain.
//
//   funnel::step_model m = funnel::make_step_model(funnel::fit_transitions(history, stages), stages, 7.0);
//   forecast::timing_result t = forecast::forecast_timing(opportunities, m, {.period = quarters, .as_of = now});
//
// Model (funnel/time_stepped.hpp). With step length h days and t0 = options.as_of, step s = 1, 2, ...
// happens at t0 + s h; won_by(k, s - 1) = P(won at or before step s | at open stage k at t0). Every
// open deal is taken to be at its current stage at t0 (the step model's stay is geometric, so the
// time already spent in the stage does not matter). For an instant T let
//   c(T) = number of steps strictly before T = max(0, ceil((T - t0) / h) - 1)
//   G(k, T) = P(won at a step before T | k) = won_by(k, c(T) - 1), 0 when c(T) = 0.
// Periods: the one containing t0, then the next options.periods - 1 of options.period; period j
// covers [from_j, to_j) with from_0 = t0 (the part of the current period still ahead) and to_j its
// calendar end. For deal d at stage k with amount a_d (currency units):
//   P(d won in period j)  q_j(k) = G(k, to_j) - G(k, from_j)
//   expected_wins_j       = sum_d q_j(k_d)
//   expected_revenue_j    = sum_d round(a_d x q_j(k_d)) to the cent (halves away from zero, per deal
//                           and period, like pipeline_forecast); deals without an amount add 0
//   later (after the horizon)  = B(k) - G(k, to_last), with B the chain's eventual win probability
//                           (funnel/absorbing_chain.hpp, solved on the step chain (Qs, Rs), whose B
//                           equals the jump chain's), so sum_j q_j(k) + later(k) = B(k).
// Close-date side: pipeline_forecast over the same open deals with weighting p = B(stage)
// (funnel win probability, include_won off), totals of the selected categories per period:
// close_date in each timing period, close_date_overdue for expected close dates in periods before
// the current one, close_date_later after the horizon, close_date_none without a date. Summed
// over all of these, close-date expected_deals equals the timing model's eventual wins.
// Deals: open deals whose forecast category is selected in options.categories (default all).
// Errors (std::invalid_argument): as_of missing; periods = 0; an open deal whose stage is not an
// open stage of the model (naming the row); a singular step chain (a stage that is never left);
// plus the pipeline forecast's errors.
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/forecast/forecast_weighting.hpp>
#include <salesmetrics/forecast/pipeline_forecast.hpp>
#include <salesmetrics/funnel/absorbing_chain.hpp>
#include <salesmetrics/funnel/time_stepped.hpp>
#include <salesmetrics/table/opportunity.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

struct timing_options {
  calendar_period period = calendar_period::months();
  timestamp as_of = no_time;
  std::size_t periods = 6;
  std::array<bool, category_count> categories{true, true, true, true, true};
};

struct timing_period {
  std::int64_t period = 0;
  timestamp from{};  // [from, to): the part of the period from as_of on
  timestamp to{};
  double expected_wins = 0.0;
  money expected_revenue{};
  forecast_totals close_date{};  // deals expected to close in the period, weighted by B(stage)
};

struct timing_result {
  calendar_period calendar{};
  timestamp as_of = no_time;
  double step_days = 1.0;
  std::int64_t deals = 0;           // open deals in the selected categories
  std::int64_t missing_amount = 0;  // of which without an amount
  std::vector<timing_period> periods;
  double later_expected_wins = 0.0;  // won after the last period
  money later_expected_revenue{};
  double eventual_expected_wins = 0.0;  // sum_d B(k_d)
  forecast_totals close_date_overdue{};
  forecast_totals close_date_later{};
  forecast_totals close_date_none{};
  std::vector<double> win_probability_by_stage;  // B by stage index, 0..largest open stage of the model (0 off the model)

  [[nodiscard]] std::string period_label(std::int64_t period) const { return calendar.label(period); }
};

namespace detail {
/// Number of step instants t0 + s h (s >= 1) strictly before T.
[[nodiscard]] inline std::int64_t steps_before(timestamp t0, double step_seconds, timestamp T) noexcept {
  const double x = static_cast<double>(to_unix(T) - to_unix(t0)) / step_seconds;
  if (!(x > 1.0)) return 0;
  return static_cast<std::int64_t>(std::ceil(x)) - 1;
}
}  // namespace detail

/// A template over the model's Scalar (only double is used) so that it is instantiated when used:
/// a translation unit that includes this header without calling it does not instantiate Eigen.
template <class Scalar>
[[nodiscard]] timing_result forecast_timing(const opportunity_view& v, const funnel::basic_step_model<Scalar>& model,
                                            const timing_options& options) {
  using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  const char* who = "salesmetrics::forecast::forecast_timing";
  if (is_missing(options.as_of)) throw std::invalid_argument(std::string(who) + ": options.as_of must be set (the forecast starts there)");
  if (options.periods == 0) throw std::invalid_argument(std::string(who) + ": options.periods must be at least 1");
  const Eigen::Index T = model.Qs.rows();
  if (!model.stages.empty() && static_cast<Eigen::Index>(model.stages.size()) != T)
    throw std::invalid_argument(std::string(who) + ": the step model's stages list does not match its matrices");
  // Eventual win probability per open position from the step chain.
  funnel::chain_options copt;
  copt.on_singular = funnel::singular_policy::flag;
  const funnel::basic_absorbing_chain<Scalar> chain = funnel::solve_absorbing_chain<Scalar>(model.Qs, model.Rs, vector(), copt);
  if (chain.singular)
    throw std::invalid_argument(std::string(who) + ": the step chain is singular (some open stage is never left), so deals there never close");
  // Stage index -> position.
  std::array<int, 128> position;
  position.fill(-1);
  int max_stage = -1;
  for (Eigen::Index i = 0; i < T; ++i) {
    const int s = model.stages.empty() ? static_cast<int>(i) : model.stages[static_cast<std::size_t>(i)];
    if (s < 0 || s > 127) throw std::invalid_argument(std::string(who) + ": stage index " + std::to_string(s) + " out of range");
    position[static_cast<std::size_t>(s)] = static_cast<int>(i);
    max_stage = std::max(max_stage, s);
  }
  timing_result r;
  r.calendar = options.period;
  r.as_of = options.as_of;
  r.step_days = model.step_days;
  r.win_probability_by_stage.assign(static_cast<std::size_t>(max_stage + 1), 0.0);
  for (Eigen::Index i = 0; i < T; ++i) {
    const int s = model.stages.empty() ? static_cast<int>(i) : model.stages[static_cast<std::size_t>(i)];
    r.win_probability_by_stage[static_cast<std::size_t>(s)] = std::clamp(chain.B(i, 0), 0.0, 1.0);
  }
  // Periods and their step counts.
  const std::size_t J = options.periods;
  const double step_seconds = model.step_days * static_cast<double>(seconds_per_day);
  const std::int64_t first = options.period.index(options.as_of);
  std::vector<std::int64_t> c(J + 1);
  r.periods.resize(J);
  for (std::size_t j = 0; j < J; ++j) {
    timing_period& tp = r.periods[j];
    tp.period = first + static_cast<std::int64_t>(j);
    tp.from = j == 0 ? options.as_of : options.period.start(tp.period);
    tp.to = options.period.end(tp.period);
    c[j] = detail::steps_before(options.as_of, step_seconds, tp.from);
  }
  c[J] = detail::steps_before(options.as_of, step_seconds, r.periods.back().to);
  const funnel::basic_absorption_curves<Scalar> curves =
      funnel::absorption_by_step(model, static_cast<std::size_t>(std::max<std::int64_t>(c[J], 1)));
  auto G = [&](Eigen::Index k, std::int64_t steps) { return steps == 0 ? 0.0 : curves.won_by(k, static_cast<Eigen::Index>(steps - 1)); };
  // q(k, j) for j < J, and later(k) in column J.
  matrix q(T, static_cast<Eigen::Index>(J) + 1);
  for (Eigen::Index k = 0; k < T; ++k) {
    for (std::size_t j = 0; j < J; ++j) q(k, static_cast<Eigen::Index>(j)) = G(k, c[j + 1]) - G(k, c[j]);
    q(k, static_cast<Eigen::Index>(J)) = std::max(0.0, chain.B(k, 0) - G(k, c[J]));
  }
  // One pass over the open deals.
  const std::size_t n = v.size();
  const bool has_amount = !v.amount.empty(), has_category = !v.forecast_category.empty();
  std::vector<std::int64_t> revenue(J + 1, 0);
  std::vector<double> wins(J + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (v.status[i] != deal_status::open) continue;
    const std::size_t cat = has_category ? index_of(v.forecast_category[i]) : index_of(forecast_category::pipeline);
    if (cat >= category_count || !options.categories[cat]) continue;
    const int s = v.stage[i];
    const int k = s >= 0 && s < 128 ? position[static_cast<std::size_t>(s)] : -1;
    if (k < 0)
      throw std::invalid_argument(std::string(who) + ": open deal at opportunity row " + std::to_string(i) + " is in stage " +
                                  std::to_string(s) + ", which is not an open stage of the step model");
    ++r.deals;
    r.eventual_expected_wins += chain.B(k, 0);
    const money m = has_amount ? v.amount[i] : money::missing();
    if (m.is_missing()) ++r.missing_amount;
    for (std::size_t j = 0; j <= J; ++j) {
      const double qj = q(k, static_cast<Eigen::Index>(j));
      wins[j] += qj;
      if (!m.is_missing()) revenue[j] += round_half_away(static_cast<double>(m.cents) * qj);
    }
  }
  for (std::size_t j = 0; j < J; ++j) {
    r.periods[j].expected_wins = wins[j];
    r.periods[j].expected_revenue = money{revenue[j]};
  }
  r.later_expected_wins = wins[J];
  r.later_expected_revenue = money{revenue[J]};
  // The close-date forecast of the same chain.
  pipeline_options po;
  po.period = options.period;
  po.as_of = options.as_of;
  po.include_won = false;
  // Every stage code gets a weight (0 off the model) so that deals outside the selected categories,
  // which the loop above does not check, cannot fail the pass; their cells are not summed.
  std::vector<double> p128(128, 0.0);
  std::copy(r.win_probability_by_stage.begin(), r.win_probability_by_stage.end(), p128.begin());
  const pipeline_forecast_result cd = forecast_pipeline(v, make_stage_weighting(std::move(p128)), po);
  for (const forecast_cell& cell : cd.cells()) {
    forecast_totals t;
    for (std::size_t k = 0; k < category_count; ++k)
      if (options.categories[k]) t += cell.by_category[k];
    if (cell.period == none_key) r.close_date_none += t;
    else if (cell.period < first) r.close_date_overdue += t;
    else if (cell.period >= first + static_cast<std::int64_t>(J)) r.close_date_later += t;
    else r.periods[static_cast<std::size_t>(cell.period - first)].close_date += t;
  }
  return r;
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
