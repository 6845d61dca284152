// salesmetrics/metrics/sales_ops_metrics.hpp: sales-operations KPIs.
//
// The CRM tables do not record spend, margin, cancellations or headcount, so those come in as
// user inputs per group (evaluate_options::inputs, keyed by the group label; metrics::input<"name">).
// | metric                     | definition                                                                  | zero / empty |
// |----------------------------|-----------------------------------------------------------------------------|--------------|
// | new_customers              | accounts whose first-ever won deal closed in the window                      | 0            |
// | customers_won              | distinct accounts with a deal won in the window                              | 0            |
// | customer_acquisition_cost  | input "acquisition_spend" / new_customers                                    | NaN if 0     |
// | revenue_per_customer       | won_amount / customers_won                                                  | NaN if 0     |
// | churn_rate                 | input "churned_customers" / input "customers_at_start"                       | NaN          |
// | lifetime_value             | revenue_per_customer x input "gross_margin" (0..1) / churn_rate              | NaN          |
// | sales_efficiency           | won_amount / input "sales_spend"                                             | NaN          |
// | rep_turnover               | input "reps_left" / input "average_headcount"                                | NaN          |
// Rep workload is open_count and activity_count grouped by rep (no separate metric needed).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/detail/metric_states.hpp>
#include <salesmetrics/metrics/metric.hpp>
#include <salesmetrics/metrics/opportunity_metrics.hpp>

#include <cstdint>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

struct new_customers {
  static constexpr std::string_view name = "new_customers";
  static constexpr unsigned needs = metrics::needs::first_win;
  using table = opportunities_table;
  using anchor = metrics::anchor::closed;
  using state = std::int64_t;
  using result_type = std::int64_t;
  static void update(state& s, const opportunity_view&, std::size_t i, const eval_context& c) noexcept {
    s += c.first_win_of_account[i];
  }
  static void merge(state& a, const state& b) noexcept { a += b; }
  static result_type result(const state& s, const eval_context&) noexcept { return s; }
};

struct customers_won {
  static constexpr std::string_view name = "customers_won";
  using table = opportunities_table;
  using anchor = metrics::anchor::closed;
  using state = detail::id_set;
  using result_type = std::int64_t;
  static void update(state& s, const opportunity_view& v, std::size_t i, const eval_context&) {
    if (v.status[i] == deal_status::won && !v.account_id.empty()) s.add(v.account_id[i]);
  }
  static void merge(state& a, const state& b) { a.merge(b); }
  static result_type result(const state& s, const eval_context&) { return s.count(); }
};

namespace detail {
template <class Num, class Den>
struct quotient : depends_on<Num, Den> {
  using result_type = double;
  static double as_double(double x) noexcept { return x; }
  static double as_double(std::int64_t x) noexcept { return static_cast<double>(x); }
  static double as_double(money x) noexcept { return x.is_missing() ? nan : x.units(); }
  template <class R> static double result(const R& r, const eval_context&) {
    return ratio(as_double(r.template get<Num>()), as_double(r.template get<Den>()));
  }
};
}  // namespace detail

struct customer_acquisition_cost : detail::quotient<input<"acquisition_spend">, new_customers> {
  static constexpr std::string_view name = "customer_acquisition_cost";
};
struct revenue_per_customer : detail::quotient<won_amount, customers_won> { static constexpr std::string_view name = "revenue_per_customer"; };
struct churn_rate : detail::quotient<input<"churned_customers">, input<"customers_at_start">> {
  static constexpr std::string_view name = "churn_rate";
};
struct lifetime_value : depends_on<revenue_per_customer, input<"gross_margin">, churn_rate> {
  static constexpr std::string_view name = "lifetime_value";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    return detail::ratio(r.template get<revenue_per_customer>() * r.template get<input<"gross_margin">>(), r.template get<churn_rate>());
  }
};
struct sales_efficiency : detail::quotient<won_amount, input<"sales_spend">> { static constexpr std::string_view name = "sales_efficiency"; };
struct rep_turnover : detail::quotient<input<"reps_left">, input<"average_headcount">> { static constexpr std::string_view name = "rep_turnover"; };

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
