// salesmetrics/forecast/forecast_weighting.hpp: ready-made deal weightings for pipeline forecasts.
//
// Each policy is a DealWeighting (forecast/deal_weighting.hpp): probability(view, row, context)
// is the probability that the open deal in `row` is won.
//   by_stage<S>{s}            p = s(stage)  for any stage policy S of weighting/stage_weights.hpp:
//     fixed_stage_weighting<P...>   compile-time list  (= by_stage<weighting::fixed_stage_weights<P...>>)
//     stage_weighting               run-time list      (= by_stage<weighting::stage_probabilities>)
//                               A stage outside the list gives NaN, which the forecast reports.
//                               Probabilities learned from the funnel: forecast/funnel_weighting.hpp.
//   constant_probability{p}   p for every deal (default 0).
//   own_probability<F>{f}     the deal's own `probability` column; when the column is absent or the
//                             deal's value is NaN, f's probability (F defaults to
//                             constant_probability{0}, the metric engine's reading of a missing
//                             probability). Values outside [0, 1] are reported by the forecast.
//   scored_probability{p}     p[row]: one probability per opportunity row, e.g. the output of
//                             funnel::logistic_scorer::score or naive_bayes_scorer; check() throws
//                             unless p has one value per row.
//   aged<W>{w, rule}          w's probability times an age discount, with as_of = context.as_of:
//       overdue factor  0.5^(max(0, as_of - expected_close) / overdue_half_life)   (days; 1 when
//                       the deal has no expected close date or rule.overdue_half_life_days is unset)
//       stale factor    0.5^(max(0, as_of - last_touch - stale_grace) / stale_half_life)   (days; 1
//                       when rule.stale_half_life_days is unset). last_touch = rule.last_touch[row]
//                       (the latest activity at or before as_of; see last_touch_by_row); when that is
//                       no_time (never touched) the clock starts at created_ts; when created_ts is
//                       missing too the factor is 1.
//     p = w(deal) x overdue factor x stale factor. Powers of 0.5 via weighting::half_life_decay
//     (exact at whole half-lives). check(): as_of must be set; half-lives > 0 and finite; grace
//     >= 0; when the stale discount is on, last_touch must have one instant per row.
//
// last_touch_by_row(activities, opportunities, as_of): for each opportunity row, the latest ts of a
// completed activity (status absent counts as completed) naming that opportunity with ts <= as_of;
// no_time when there is none. One pass over the activities.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/forecast/deal_weighting.hpp>
#include <salesmetrics/table/activity.hpp>
#include <salesmetrics/table/opportunity.hpp>
#include <salesmetrics/weighting/stage_weights.hpp>
#include <salesmetrics/weighting/time_decay.hpp>
#include <salesmetrics/weighting/weighting_policy.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

/// p = s(stage) for a stage policy s (weighting/stage_weights.hpp or any stage -> double policy).
template <class StageWeights>
struct by_stage {
  static_assert(weighting::WeightingPolicy<StageWeights, std::size_t>,
                "salesmetrics::forecast::by_stage<S>: S must map a stage index (std::size_t) to a probability, "
                "e.g. weighting::fixed_stage_weights<0.1, 0.2> or weighting::stage_probabilities");
  StageWeights weights{};

  [[nodiscard]] double probability(const opportunity_view& v, std::size_t row, const deal_context&) const noexcept {
    const stage_index s = v.stage[row];
    return s < 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(weights(static_cast<std::size_t>(s)));
  }
};

template <double... P>
using fixed_stage_weighting = by_stage<weighting::fixed_stage_weights<P...>>;
using stage_weighting = by_stage<weighting::stage_probabilities>;

/// A run-time stage weighting from a list of probabilities (throws like stage_probabilities).
[[nodiscard]] inline stage_weighting make_stage_weighting(std::vector<double> p) {
  return stage_weighting{weighting::stage_probabilities(std::move(p))};
}

/// The same probability for every deal.
struct constant_probability {
  double p = 0.0;
  [[nodiscard]] double probability(const opportunity_view&, std::size_t, const deal_context&) const noexcept { return p; }
};

/// The deal's own probability column, with a fallback where it is missing.
template <class Fallback = constant_probability>
struct own_probability {
  static_assert(DealWeighting<Fallback>, "salesmetrics::forecast::own_probability<F>: the fallback F must be a DealWeighting");
  Fallback fallback{};

  [[nodiscard]] double probability(const opportunity_view& v, std::size_t row, const deal_context& c) const {
    if (!v.probability.empty()) {
      const float p = v.probability[row];
      if (!std::isnan(p)) return static_cast<double>(p);
    }
    return static_cast<double>(fallback.probability(v, row, c));
  }
  void check(const opportunity_view& v, const deal_context& c) const { detail::check_weighting(fallback, v, c); }
};

/// One probability per opportunity row (a deal-scoring model's output).
struct scored_probability {
  std::span<const double> p;

  [[nodiscard]] double probability(const opportunity_view&, std::size_t row, const deal_context&) const noexcept { return p[row]; }
  void check(const opportunity_view& v, const deal_context&) const {
    if (p.size() != v.size())
      throw std::invalid_argument("salesmetrics::forecast::scored_probability: " + std::to_string(p.size()) +
                                  " scores for " + std::to_string(v.size()) + " opportunity rows (give one per row)");
  }
};

/// The age and staleness discount of aged<W> (header comment).
struct aging_rule {
  std::optional<double> overdue_half_life_days;  // unset: no overdue discount
  std::optional<double> stale_half_life_days;    // unset: no staleness discount
  double stale_grace_days = 0.0;                 // idle days that are not discounted
  std::span<const timestamp> last_touch;         // by opportunity row; required with the stale discount
};

/// W's probability discounted for deals past their expected close date and idle deals.
template <class W>
class aged {
  static_assert(DealWeighting<W>, "salesmetrics::forecast::aged<W>: W must be a DealWeighting");

 public:
  aged(W inner, aging_rule rule) : inner_(std::move(inner)), rule_(rule) {
    auto bad = [](const std::string& what) { throw std::invalid_argument("salesmetrics::forecast::aged: " + what); };
    if (rule.overdue_half_life_days) {
      if (!(*rule.overdue_half_life_days > 0.0 && std::isfinite(*rule.overdue_half_life_days)))
        bad("overdue_half_life_days must be positive and finite");
      overdue_.emplace(*rule.overdue_half_life_days);
    }
    if (rule.stale_half_life_days) {
      if (!(*rule.stale_half_life_days > 0.0 && std::isfinite(*rule.stale_half_life_days)))
        bad("stale_half_life_days must be positive and finite");
      stale_.emplace(*rule.stale_half_life_days);
    }
    if (!(rule.stale_grace_days >= 0.0 && std::isfinite(rule.stale_grace_days))) bad("stale_grace_days must be >= 0 and finite");
  }

  [[nodiscard]] double probability(const opportunity_view& v, std::size_t row, const deal_context& c) const {
    double p = static_cast<double>(inner_.probability(v, row, c));
    if (overdue_ && !v.expected_close_ts.empty()) {
      const timestamp due = v.expected_close_ts[row];
      if (!is_missing(due)) p *= (*overdue_)(days_between(due, c.as_of));
    }
    if (stale_) {
      timestamp since = rule_.last_touch[row];
      if (is_missing(since)) since = v.created_ts[row];
      if (!is_missing(since)) p *= (*stale_)(days_between(since, c.as_of) - rule_.stale_grace_days);
    }
    return p;
  }

  void check(const opportunity_view& v, const deal_context& c) const {
    if (is_missing(c.as_of)) throw std::invalid_argument("salesmetrics::forecast::aged: the forecast needs an as_of instant to age deals");
    if (stale_ && rule_.last_touch.size() != v.size())
      throw std::invalid_argument("salesmetrics::forecast::aged: the stale discount needs last_touch with one instant per opportunity row (" +
                                  std::to_string(rule_.last_touch.size()) + " given for " + std::to_string(v.size()) +
                                  " rows); see last_touch_by_row");
    detail::check_weighting(inner_, v, c);
  }

  [[nodiscard]] const W& inner() const noexcept { return inner_; }
  [[nodiscard]] const aging_rule& rule() const noexcept { return rule_; }

 private:
  W inner_;
  aging_rule rule_;
  std::optional<weighting::half_life_decay> overdue_, stale_;
};

/// Latest completed activity at or before as_of per opportunity row (header comment).
[[nodiscard]] inline std::vector<timestamp> last_touch_by_row(const activity_view& a, const opportunity_view& o, timestamp as_of) {
  std::vector<timestamp> out(o.size(), no_time);
  if (a.opportunity_id.empty() || o.size() == 0) return out;
  // opportunity id -> row, over the id range of the table.
  dense_id max_id = -1;
  for (dense_id id : o.opportunity_id) max_id = id > max_id ? id : max_id;
  std::vector<std::int32_t> row_of(static_cast<std::size_t>(max_id + 1), -1);
  for (std::size_t r = 0; r < o.size(); ++r)
    if (o.opportunity_id[r] >= 0) row_of[static_cast<std::size_t>(o.opportunity_id[r])] = static_cast<std::int32_t>(r);
  const bool has_status = !a.status.empty();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const dense_id id = a.opportunity_id[i];
    if (id < 0 || id > max_id || a.ts[i] > as_of) continue;
    if (has_status && a.status[i] != activity_status::completed) continue;
    const std::int32_t r = row_of[static_cast<std::size_t>(id)];
    if (r < 0) continue;
    timestamp& t = out[static_cast<std::size_t>(r)];
    if (is_missing(t) || a.ts[i] > t) t = a.ts[i];
  }
  return out;
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
