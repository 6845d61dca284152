// salesmetrics/relationship/health.hpp: a time-decayed relationship health score, its components, grade and trend.
//
// Definitions (per group, over the interactions of a window seen from its as_of; interactions as
// in interaction_metrics.hpp; D is a DecayPolicy, by default 0.5^(age days / 30)):
//   w(i)            D(ts_i, as_of), the decay weight of interaction i (1 at or after as_of)
//   W_us, W_them    sum of w over the interactions by us / by them
//   recency         w(last interaction) = D(last ts, as_of); 0 without an interaction
//   frequency       min(1, (W_us + W_them) / frequency_target)
//   reciprocity     2 min(W_us, W_them) / (W_us + W_them), 1 = balanced initiative, 0 = one-sided;
//                   0 without an interaction
//   responsiveness  sum of w over our threaded e-mails the customer replied to before the window's
//                   end / sum of w over our threaded e-mails (reply_pairing.hpp); NaN when we sent
//                   no threaded e-mail in the window (the component is then left out)
//   score           100 x sum_c weight_c x component_c / sum_c weight_c over the components that are
//                   not NaN (weights from relationship_options); NaN only if every component with a
//                   positive weight is NaN
//   grade           good if score >= good_from, fair if score >= fair_from, else poor (NaN: poor)
//   trend           previous score = the same score over the previous window seen from
//                   previous_as_of (options.hpp); delta = score - previous score; improving if
//                   delta > trend_threshold, declining if delta < -trend_threshold, else steady;
//                   unavailable without a previous window (unbounded windows) or with a NaN score
// | metric                        | value                                        | empty group |
// |-------------------------------|----------------------------------------------|-------------|
// | interactions                  | interactions in the current window           | 0           |
// | previous_interactions         | interactions in the previous window          | 0           |
// | last_interaction              | max ts of the current window's interactions   | no_time     |
// | days_since_last_interaction   | (as_of - last_interaction) / 86400 s         | NaN         |
// | weighted_interactions         | W_us + W_them (current window)               | 0           |
// | health_recency .. health_responsiveness, health_score   current window      | 0, 0, 0, NaN, 0 |
// | previous_health_recency .. previous_health_score        previous window (NaN components and score without one) |
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/detail/metric_states.hpp>
#include <salesmetrics/metrics/metric.hpp>
#include <salesmetrics/relationship/annotated_view.hpp>
#include <salesmetrics/relationship/decay_policy.hpp>
#include <salesmetrics/relationship/reply_pairing.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

enum class health_grade : std::uint8_t { poor, fair, good };
enum class health_trend : std::uint8_t { declining, steady, improving, unavailable };

[[nodiscard]] constexpr std::string_view to_string(health_grade g) noexcept {
  return g == health_grade::good ? "good" : g == health_grade::fair ? "fair" : "poor";
}
[[nodiscard]] constexpr std::string_view to_string(health_trend t) noexcept {
  switch (t) {
    case health_trend::declining: return "declining";
    case health_trend::steady: return "steady";
    case health_trend::improving: return "improving";
    case health_trend::unavailable: return "unavailable";
  }
  return "";
}

[[nodiscard]] inline health_grade grade_of(double score, const relationship_options& o) noexcept {
  return score >= o.good_from ? health_grade::good : score >= o.fair_from ? health_grade::fair : health_grade::poor;
}
[[nodiscard]] inline health_trend trend_of(double score, double previous_score, bool has_previous,
                                           const relationship_options& o) noexcept {
  if (!has_previous || std::isnan(score) || std::isnan(previous_score)) return health_trend::unavailable;
  const double delta = score - previous_score;
  return delta > o.trend_threshold ? health_trend::improving
         : delta < -o.trend_threshold ? health_trend::declining
                                      : health_trend::steady;
}

/// The inputs of the health score of one group in one window.
struct health_state {
  std::int64_t n = 0;
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  double w_us = 0, w_them = 0, w_sent = 0, w_answered = 0;
};

struct health_components {
  double recency = 0, frequency = 0, reciprocity = 0, responsiveness = std::numeric_limits<double>::quiet_NaN(), score = 0;
};

/// The components and score of one group (definitions above).
template <DecayPolicy D>
[[nodiscard]] health_components compute_health(const health_state& s, timestamp as_of, const relationship_options& o) {
  health_components h;
  const double total = s.w_us + s.w_them;
  h.recency = s.n == 0 ? 0.0 : static_cast<double>(D{}(from_unix(s.last), as_of));
  h.frequency = std::min(1.0, total / o.frequency_target);
  h.reciprocity = total > 0 ? 2.0 * std::min(s.w_us, s.w_them) / total : 0.0;
  h.responsiveness = s.w_sent > 0 ? s.w_answered / s.w_sent : std::numeric_limits<double>::quiet_NaN();
  const double c[4] = {h.recency, h.frequency, h.reciprocity, h.responsiveness};
  const double w[4] = {o.weights.recency, o.weights.frequency, o.weights.reciprocity, o.weights.responsiveness};
  double num = 0, den = 0;
  for (int k = 0; k < 4; ++k) {
    if (std::isnan(c[k]) || w[k] == 0) continue;
    num += w[k] * c[k];
    den += w[k];
  }
  h.score = den > 0 ? 100.0 * num / den : std::numeric_limits<double>::quiet_NaN();
  return h;
}

/// Leaf: the health inputs of window W (current_window or previous_window) under decay D.
template <class W, DecayPolicy D = default_decay>
struct health_inputs {
  static constexpr std::string_view name = "health_inputs";
  static constexpr reply_sides replies_read = reply_sides::theirs;  // the customer's replies to our e-mails
  using table = metrics::activities_table;
  using state = health_state;
  using result_type = health_state;
  static void update(state& s, const activity_view& v, std::size_t i, const metrics::eval_context& c) noexcept {
    const int cell = detail::interaction_cell(v, i);
    if (cell < 0 || !detail::completed(v, i)) return;
    const annotated_view& a = detail::annotated(c);
    const time_window& w = W::window(a);
    if (!w.contains(v.ts[i])) return;
    const std::int64_t t = to_unix(v.ts[i]);
    ++s.n;
    s.last = t > s.last ? t : s.last;
    const double weight = D{}(v.ts[i], W::as_of(a));
    if (cell & 1) {
      s.w_them += weight;
    } else {
      s.w_us += weight;
      const std::int64_t reply = cell == 0 ? a.reply_of_row(i) : not_threaded;
      if (reply != not_threaded) {
        s.w_sent += weight;
        if (reply < to_unix(w.to)) s.w_answered += weight;
      }
    }
  }
  static void merge(state& a, const state& b) noexcept {
    a.n += b.n;
    a.last = std::max(a.last, b.last);
    a.w_us += b.w_us;
    a.w_them += b.w_them;
    a.w_sent += b.w_sent;
    a.w_answered += b.w_answered;
  }
  static result_type result(const state& s, const metrics::eval_context&) noexcept { return s; }
};

namespace detail {
template <class W, DecayPolicy D>
struct health_metric : metrics::depends_on<health_inputs<W, D>> {
  template <class R> static health_state inputs(const R& r) { return r.template get<health_inputs<W, D>>(); }
  static bool available(const metrics::eval_context& c) {
    return !std::is_same_v<W, previous_window> || annotated(c).windows.has_previous;
  }
  template <class R> static health_components components(const R& r, const metrics::eval_context& c) {
    if (!available(c)) {
      constexpr double nan = std::numeric_limits<double>::quiet_NaN();
      return {nan, nan, nan, nan, nan};
    }
    const annotated_view& a = annotated(c);
    return compute_health<D>(inputs(r), W::as_of(a), *a.options);
  }
};
template <class W, DecayPolicy D, double health_components::*Field>
struct health_field : health_metric<W, D> {
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context& c) {
    return health_metric<W, D>::components(r, c).*Field;
  }
};
}  // namespace detail

template <DecayPolicy D = default_decay>
struct interactions : detail::health_metric<current_window, D> {
  static constexpr std::string_view name = "interactions";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const metrics::eval_context&) {
    return detail::health_metric<current_window, D>::inputs(r).n;
  }
};
template <DecayPolicy D = default_decay>
struct previous_interactions : detail::health_metric<previous_window, D> {
  static constexpr std::string_view name = "previous_interactions";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const metrics::eval_context&) {
    return detail::health_metric<previous_window, D>::inputs(r).n;
  }
};
template <DecayPolicy D = default_decay>
struct last_interaction : detail::health_metric<current_window, D> {
  static constexpr std::string_view name = "last_interaction";
  using result_type = timestamp;
  template <class R> static timestamp result(const R& r, const metrics::eval_context&) {
    const health_state s = detail::health_metric<current_window, D>::inputs(r);
    return s.n == 0 ? no_time : from_unix(s.last);
  }
};
template <DecayPolicy D = default_decay>
struct days_since_last_interaction : detail::health_metric<current_window, D> {
  static constexpr std::string_view name = "days_since_last_interaction";
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context& c) {
    const health_state s = detail::health_metric<current_window, D>::inputs(r);
    return s.n == 0 ? std::numeric_limits<double>::quiet_NaN() : days_between(from_unix(s.last), detail::annotated(c).windows.as_of);
  }
};
template <DecayPolicy D = default_decay>
struct weighted_interactions : detail::health_metric<current_window, D> {
  static constexpr std::string_view name = "weighted_interactions";
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context&) {
    const health_state s = detail::health_metric<current_window, D>::inputs(r);
    return s.w_us + s.w_them;
  }
};

template <DecayPolicy D = default_decay>
struct health_recency : detail::health_field<current_window, D, &health_components::recency> {
  static constexpr std::string_view name = "health_recency";
};
template <DecayPolicy D = default_decay>
struct health_frequency : detail::health_field<current_window, D, &health_components::frequency> {
  static constexpr std::string_view name = "health_frequency";
};
template <DecayPolicy D = default_decay>
struct health_reciprocity : detail::health_field<current_window, D, &health_components::reciprocity> {
  static constexpr std::string_view name = "health_reciprocity";
};
template <DecayPolicy D = default_decay>
struct health_responsiveness : detail::health_field<current_window, D, &health_components::responsiveness> {
  static constexpr std::string_view name = "health_responsiveness";
};
template <DecayPolicy D = default_decay>
struct health_score : detail::health_field<current_window, D, &health_components::score> {
  static constexpr std::string_view name = "health_score";
};
template <DecayPolicy D = default_decay>
struct previous_health_recency : detail::health_field<previous_window, D, &health_components::recency> {
  static constexpr std::string_view name = "previous_health_recency";
};
template <DecayPolicy D = default_decay>
struct previous_health_frequency : detail::health_field<previous_window, D, &health_components::frequency> {
  static constexpr std::string_view name = "previous_health_frequency";
};
template <DecayPolicy D = default_decay>
struct previous_health_reciprocity : detail::health_field<previous_window, D, &health_components::reciprocity> {
  static constexpr std::string_view name = "previous_health_reciprocity";
};
template <DecayPolicy D = default_decay>
struct previous_health_responsiveness : detail::health_field<previous_window, D, &health_components::responsiveness> {
  static constexpr std::string_view name = "previous_health_responsiveness";
};
template <DecayPolicy D = default_decay>
struct previous_health_score : detail::health_field<previous_window, D, &health_components::score> {
  static constexpr std::string_view name = "previous_health_score";
};

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
