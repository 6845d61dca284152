// salesmetrics/metrics/opportunity_metrics.hpp: the opportunity (deal) catalog.
//
// Which deals count depends on the question, so each metric has an anchor (metrics/tables.hpp):
// won/lost figures count deals *closed* in the window; created_count and close_rate count deals
// *created* in the window; open pipeline figures are *snapshots* of the deals open now (the
// window does not filter them; a period key places them by expected close date). Amounts are
// exact money; a missing amount is skipped by sums and averages (and by their denominators).
//
// | metric                    | definition                                                           | zero / empty        |
// |---------------------------|----------------------------------------------------------------------|---------------------|
// | open_count, open_amount   | open deals (status open), their amount                               | 0                   |
// | won_count, lost_count     | deals won / lost with closed_ts in the window                        | 0                   |
// | won_amount, lost_amount   | sum of their amounts                                                 | 0                   |
// | closed_count              | won_count + lost_count                                               | 0                   |
// | win_rate                  | won_count / (won_count + lost_count)                                 | NaN when none closed|
// | created_count             | deals with created_ts in the window                                  | 0                   |
// | close_rate                | of the deals created in the window, the share that is won (cohort)   | NaN when none       |
// | average_deal_size         | won_amount / won deals with an amount, rounded to the cent           | missing money       |
// | median_deal_size          | median amount of won deals (type-7 interpolation), rounded to cent   | missing money       |
// | cycle_days_mean/median/p90| days from created_ts to closed_ts of won deals closed in the window  | NaN                 |
// | weighted_pipeline<W>      | sum over open deals of amount x W (each term rounded to the cent)     | 0                   |
// | pipeline_velocity         | open_count x win_rate x average_deal_size / cycle_days_mean (money per day) | NaN          |
// | pipeline_coverage         | open_amount / input "quota" of the group                             | NaN without quota   |
// | time_in_current_stage_days| mean days since open deals entered their current stage, as of as_of   | NaN when no open deal|
// | stalled_deals<Days>       | open deals whose current stage began more than Days days before as_of | 0                  |
// | won_amount_quantile<Q, M> | the Q-quantile of won amounts; M = quantiles::exact (type 7) or     | missing money       |
// |                           | quantiles::sketch<K> (mergeable, bounded memory, rank error <= the   |                     |
// |                           | sketch's reported bound; see detail/quantile_sketch.hpp)             |                     |
// | cycle_days_quantile<Q, M> | the same over the cycle days of won deals                            | NaN                 |
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/detail/metric_states.hpp>
#include <salesmetrics/detail/quantile_sketch.hpp>
#include <salesmetrics/metrics/metric.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

namespace detail {
inline bool has_amount(const opportunity_view& v, std::size_t i) noexcept { return !v.amount.empty() && !v.amount[i].is_missing(); }
inline money round_money(double cents) noexcept { return money{std::llround(cents)}; }

/// Row filter (metric.hpp) of leaves that read only the deals of one status.
template <deal_status S>
struct selects_status {
  static bool selects(const opportunity_view& v, std::size_t i, const eval_context&) noexcept { return v.status[i] == S; }
};

/// count and amount of deals of one status, with the anchor given.
template <deal_status S, class Anchor>
struct status_tally : selects_status<S> {
  using table = opportunities_table;
  using anchor = Anchor;
  struct state {
    std::int64_t count = 0;
    std::int64_t with_amount = 0;
    std::int64_t cents = 0;
  };
  using result_type = std::array<std::int64_t, 3>;
  static void update(state& s, const opportunity_view& v, std::size_t i, const eval_context&) noexcept {
    if (v.status[i] != S) return;
    ++s.count;
    if (has_amount(v, i)) {
      ++s.with_amount;
      s.cents += v.amount[i].cents;
    }
  }
  static void merge(state& a, const state& b) noexcept {
    a.count += b.count;
    a.with_amount += b.with_amount;
    a.cents += b.cents;
  }
  static result_type result(const state& s, const eval_context&) noexcept { return {s.count, s.with_amount, s.cents}; }
};
}  // namespace detail

struct open_tally : detail::status_tally<deal_status::open, anchor::snapshot> { static constexpr std::string_view name = "open_tally"; };
struct won_tally : detail::status_tally<deal_status::won, anchor::closed> { static constexpr std::string_view name = "won_tally"; };
struct lost_tally : detail::status_tally<deal_status::lost, anchor::closed> { static constexpr std::string_view name = "lost_tally"; };

namespace detail {
template <class Tally, std::size_t Field>
struct tally_count : depends_on<Tally> {
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const eval_context&) { return r.template get<Tally>()[Field]; }
};
template <class Tally>
struct tally_amount : depends_on<Tally> {
  using result_type = money;
  template <class R> static money result(const R& r, const eval_context&) { return money{r.template get<Tally>()[2]}; }
};
}  // namespace detail

struct open_count : detail::tally_count<open_tally, 0> { static constexpr std::string_view name = "open_count"; };
struct won_count : detail::tally_count<won_tally, 0> { static constexpr std::string_view name = "won_count"; };
struct lost_count : detail::tally_count<lost_tally, 0> { static constexpr std::string_view name = "lost_count"; };
struct open_amount : detail::tally_amount<open_tally> { static constexpr std::string_view name = "open_amount"; };
struct won_amount : detail::tally_amount<won_tally> { static constexpr std::string_view name = "won_amount"; };
struct lost_amount : detail::tally_amount<lost_tally> { static constexpr std::string_view name = "lost_amount"; };

struct closed_count : depends_on<won_count, lost_count> {
  static constexpr std::string_view name = "closed_count";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const eval_context&) {
    return r.template get<won_count>() + r.template get<lost_count>();
  }
};

struct win_rate : depends_on<won_count, closed_count> {
  static constexpr std::string_view name = "win_rate";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    return detail::ratio(static_cast<double>(r.template get<won_count>()), static_cast<double>(r.template get<closed_count>()));
  }
};

/// Deals created in the window: [count, of which won].
struct created_cohort {
  static constexpr std::string_view name = "created_cohort";
  using table = opportunities_table;
  using anchor = metrics::anchor::created;
  using state = std::array<std::int64_t, 2>;
  using result_type = state;
  static void update(state& s, const opportunity_view& v, std::size_t i, const eval_context&) noexcept {
    ++s[0];
    s[1] += v.status[i] == deal_status::won;
  }
  static void merge(state& a, const state& b) noexcept { a[0] += b[0]; a[1] += b[1]; }
  static result_type result(const state& s, const eval_context&) noexcept { return s; }
};
struct created_count : depends_on<created_cohort> {
  static constexpr std::string_view name = "created_count";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const eval_context&) { return r.template get<created_cohort>()[0]; }
};
struct close_rate : depends_on<created_cohort> {
  static constexpr std::string_view name = "close_rate";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    const auto c = r.template get<created_cohort>();
    return detail::ratio(static_cast<double>(c[1]), static_cast<double>(c[0]));
  }
};

struct average_deal_size : depends_on<won_tally> {
  static constexpr std::string_view name = "average_deal_size";
  using result_type = money;
  template <class R> static money result(const R& r, const eval_context&) {
    const auto t = r.template get<won_tally>();
    return t[1] == 0 ? money::missing() : detail::round_money(static_cast<double>(t[2]) / static_cast<double>(t[1]));
  }
};

/// Amounts (cents) of won deals closed in the window, kept exactly.
struct won_amounts : detail::selects_status<deal_status::won> {
  static constexpr std::string_view name = "won_amounts";
  using table = opportunities_table;
  using anchor = metrics::anchor::closed;
  using state = detail::value_list;
  using result_type = double;  // the median in cents
  static void update(state& s, const opportunity_view& v, std::size_t i, const eval_context&) {
    if (v.status[i] == deal_status::won && detail::has_amount(v, i)) s.add(v.amount[i].cents);
  }
  static void merge(state& a, const state& b) { a.merge(b); }
  static result_type result(const state& s, const eval_context&) { return s.quantile(0.5); }
};
struct median_deal_size : depends_on<won_amounts> {
  static constexpr std::string_view name = "median_deal_size";
  using result_type = money;
  template <class R> static money result(const R& r, const eval_context&) {
    const double c = r.template get<won_amounts>();
    return std::isnan(c) ? money::missing() : detail::round_money(c);
  }
};

/// Sales cycle of won deals closed in the window, in seconds, kept exactly.
struct won_cycles : detail::selects_status<deal_status::won> {
  static constexpr std::string_view name = "won_cycles";
  using table = opportunities_table;
  using anchor = metrics::anchor::closed;
  using state = detail::value_list;
  using result_type = std::array<double, 3>;  // mean, median, p90 in days
  static void update(state& s, const opportunity_view& v, std::size_t i, const eval_context&) {
    if (v.status[i] != deal_status::won || is_missing(v.created_ts[i]) || v.closed_ts.empty() || is_missing(v.closed_ts[i])) return;
    s.add(to_unix(v.closed_ts[i]) - to_unix(v.created_ts[i]));
  }
  static void merge(state& a, const state& b) { a.merge(b); }
  static result_type result(const state& s, const eval_context&) {
    if (s.values.empty()) return {detail::nan, detail::nan, detail::nan};
    std::int64_t total = 0;
    for (std::int64_t x : s.values) total += x;
    const double day = static_cast<double>(seconds_per_day);
    return {static_cast<double>(total) / static_cast<double>(s.values.size()) / day, s.quantile(0.5) / day, s.quantile(0.9) / day};
  }
};
template <std::size_t Field>
struct cycle_stat : depends_on<won_cycles> {
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) { return r.template get<won_cycles>()[Field]; }
};
struct cycle_days_mean : cycle_stat<0> { static constexpr std::string_view name = "cycle_days_mean"; };
struct cycle_days_median : cycle_stat<1> { static constexpr std::string_view name = "cycle_days_median"; };
struct cycle_days_p90 : cycle_stat<2> { static constexpr std::string_view name = "cycle_days_p90"; };

/// How a quantile metric keeps its values: exactly (memory grows with the data, merges exactly)
/// or in a mergeable sketch of bounded size (detail/quantile_sketch.hpp states the error bound).
namespace quantiles {
struct exact {
  using state = detail::value_list;
};
template <std::size_t K = 256>
struct sketch {
  using state = detail::quantile_sketch<K>;
};
}  // namespace quantiles

template <double Q, class Method = quantiles::exact>
struct won_amount_quantile : detail::selects_status<deal_status::won> {
  static_assert(Q >= 0.0 && Q <= 1.0, "won_amount_quantile<Q>: Q must lie in [0, 1]");
  static constexpr std::string_view name = "won_amount_quantile";
  using table = opportunities_table;
  using anchor = metrics::anchor::closed;
  using state = typename Method::state;
  using result_type = money;
  static void update(state& s, const opportunity_view& v, std::size_t i, const eval_context&) {
    if (v.status[i] == deal_status::won && detail::has_amount(v, i)) s.add(v.amount[i].cents);
  }
  static void merge(state& a, const state& b) { a.merge(b); }
  static result_type result(const state& s, const eval_context&) {
    const double c = s.quantile(Q);
    return std::isnan(c) ? money::missing() : detail::round_money(c);
  }
};

template <double Q, class Method = quantiles::exact>
struct cycle_days_quantile : detail::selects_status<deal_status::won> {
  static_assert(Q >= 0.0 && Q <= 1.0, "cycle_days_quantile<Q>: Q must lie in [0, 1]");
  static constexpr std::string_view name = "cycle_days_quantile";
  using table = opportunities_table;
  using anchor = metrics::anchor::closed;
  using state = typename Method::state;
  using result_type = double;
  static void update(state& s, const opportunity_view& v, std::size_t i, const eval_context&) {
    if (v.status[i] != deal_status::won || is_missing(v.created_ts[i]) || v.closed_ts.empty() || is_missing(v.closed_ts[i])) return;
    s.add(to_unix(v.closed_ts[i]) - to_unix(v.created_ts[i]));
  }
  static void merge(state& a, const state& b) { a.merge(b); }
  static result_type result(const state& s, const eval_context&) { return s.quantile(Q) / static_cast<double>(seconds_per_day); }
};

/// Weighting policies for weighted_pipeline: weight(view, row) in [0, 1].
template <class W>
concept DealWeight = requires(const opportunity_view& v, std::size_t i) {
  { W::weight(v, i) } -> std::convertible_to<double>;
};
/// Fixed probability per stage index (P... in stage order; stages beyond the list weigh 0).
template <double... P>
struct stage_probability {
  static constexpr std::array<double, sizeof...(P)> p{P...};
  static double weight(const opportunity_view& v, std::size_t i) noexcept {
    const auto s = static_cast<std::size_t>(static_cast<std::uint8_t>(v.stage[i]));
    return s < p.size() ? p[s] : 0.0;
  }
};
/// The deal's own probability field (missing = 0).
struct deal_probability {
  static double weight(const opportunity_view& v, std::size_t i) noexcept {
    if (v.probability.empty()) return 0.0;
    const float p = v.probability[i];
    return p == p ? static_cast<double>(p) : 0.0;
  }
};
/// SCHEMA.md's five stages at 10/20/40/60/80 %.
using schema_stage_probability = stage_probability<0.1, 0.2, 0.4, 0.6, 0.8>;

template <DealWeight W = schema_stage_probability>
struct weighted_pipeline : detail::selects_status<deal_status::open> {
  static constexpr std::string_view name = "weighted_pipeline";
  using table = opportunities_table;
  using anchor = metrics::anchor::snapshot;
  using state = std::int64_t;
  using result_type = money;
  static void update(state& s, const opportunity_view& v, std::size_t i, const eval_context&) noexcept {
    if (v.status[i] != deal_status::open || !detail::has_amount(v, i)) return;
    s += round_half_away(static_cast<double>(v.amount[i].cents) * W::weight(v, i));  // defined for any weight
  }
  static void merge(state& a, const state& b) noexcept { a += b; }
  static result_type result(const state& s, const eval_context&) noexcept { return money{s}; }
};

struct pipeline_velocity : depends_on<open_count, win_rate, average_deal_size, cycle_days_mean> {
  static constexpr std::string_view name = "pipeline_velocity";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    const money avg = r.template get<average_deal_size>();
    if (avg.is_missing()) return detail::nan;
    return detail::ratio(static_cast<double>(r.template get<open_count>()) * r.template get<win_rate>() * avg.units(),
                         r.template get<cycle_days_mean>());
  }
};

/// A value supplied per group by the user (evaluate_options::inputs[Name][group label]); NaN if absent.
template <fixed_string Name>
struct input : depends_on<> {
  static constexpr std::string_view name = Name.view();
  static constexpr unsigned needs = metrics::needs::group_label;
  using result_type = double;
  template <class R> static double result(const R&, const eval_context& c) {
    if (c.inputs == nullptr) return detail::nan;
    const auto table = c.inputs->find(name);
    if (table == c.inputs->end()) return detail::nan;
    const auto v = table->second.find(c.group_label);
    return v == table->second.end() ? detail::nan : v->second;
  }
};

struct pipeline_coverage : depends_on<open_amount, input<"quota">> {
  static constexpr std::string_view name = "pipeline_coverage";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    return detail::ratio(r.template get<open_amount>().units(), r.template get<input<"quota">>());
  }
};

/// Open deals: [count, total seconds in current stage, stalled count for each threshold].
template <int StalledDays>
struct open_stage_age : detail::selects_status<deal_status::open> {
  static constexpr std::string_view name = "open_stage_age";
  static constexpr unsigned needs = metrics::needs::stage_entered;
  using table = opportunities_table;
  using anchor = metrics::anchor::snapshot;
  using state = std::array<std::int64_t, 3>;
  using result_type = state;
  static void update(state& s, const opportunity_view& v, std::size_t i, const eval_context& c) noexcept {
    if (v.status[i] != deal_status::open || is_missing(c.stage_entered[i])) return;
    const std::int64_t age = to_unix(c.as_of) - to_unix(c.stage_entered[i]);
    ++s[0];
    s[1] += age;
    s[2] += age > std::int64_t{StalledDays} * seconds_per_day;
  }
  static void merge(state& a, const state& b) noexcept { for (int k = 0; k < 3; ++k) a[k] += b[k]; }
  static result_type result(const state& s, const eval_context&) noexcept { return s; }
};
struct time_in_current_stage_days : depends_on<open_stage_age<30>> {
  static constexpr std::string_view name = "time_in_current_stage_days";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    const auto s = r.template get<open_stage_age<30>>();
    return detail::ratio(static_cast<double>(s[1]) / static_cast<double>(seconds_per_day), static_cast<double>(s[0]));
  }
};
template <int Days = 30>
struct stalled_deals : depends_on<open_stage_age<Days>> {
  static constexpr std::string_view name = "stalled_deals";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const eval_context&) { return r.template get<open_stage_age<Days>>()[2]; }
};

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
