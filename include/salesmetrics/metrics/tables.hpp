// salesmetrics/metrics/tables.hpp: which table a metric reads, and how its rows are timed.
//
// A leaf metric names its table with one of the tags below. The tag maps to the view type in a
// crm_view and to the instant that places a row in the evaluation window and in a calendar
// period (its "anchor"): activities by ts, stage history by ts, leads by created_ts, and
// opportunities by the anchor the metric chooses (created, closed, expected close, or none for
// snapshot metrics such as open pipeline, which count every row regardless of the window).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <cstddef>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

struct activities_table {
  static constexpr std::string_view name = "activities";
  using view_type = activity_view;
  static const view_type& of(const crm_view& v) noexcept { return v.activities; }
};
struct opportunities_table {
  static constexpr std::string_view name = "opportunities";
  using view_type = opportunity_view;
  static const view_type& of(const crm_view& v) noexcept { return v.opportunities; }
};
struct stage_history_table {
  static constexpr std::string_view name = "stage_history";
  using view_type = stage_history_view;
  static const view_type& of(const crm_view& v) noexcept { return v.stage_history; }
};
struct leads_table {
  static constexpr std::string_view name = "leads";
  using view_type = lead_view;
  static const view_type& of(const crm_view& v) noexcept { return v.leads; }
};

template <class T>
concept Table = requires { typename T::view_type; T::name; };

/// Anchors: the instant of a row used for the window and for period keys.
namespace anchor {
struct activity_time {  // activities.ts
  static timestamp of(const activity_view& v, std::size_t i) noexcept { return v.ts[i]; }
};
struct history_time {  // stage_history.ts
  static timestamp of(const stage_history_view& v, std::size_t i) noexcept { return v.ts[i]; }
};
struct lead_created {  // leads.created_ts
  static timestamp of(const lead_view& v, std::size_t i) noexcept { return v.created_ts[i]; }
};
struct created {  // opportunities.created_ts
  static timestamp of(const opportunity_view& v, std::size_t i) noexcept { return v.created_ts[i]; }
};
struct closed {  // opportunities.closed_ts (no_time while open: such rows are outside every window)
  static timestamp of(const opportunity_view& v, std::size_t i) noexcept { return v.closed_ts.empty() ? no_time : v.closed_ts[i]; }
};
struct expected_close {  // opportunities.expected_close_ts
  static timestamp of(const opportunity_view& v, std::size_t i) noexcept {
    return v.expected_close_ts.empty() ? no_time : v.expected_close_ts[i];
  }
};
/// Snapshot metrics (open pipeline as it stands): the window does not filter them and a period
/// key places them by expected close date.
struct snapshot {
  static constexpr bool ignores_window = true;
  static timestamp of(const opportunity_view& v, std::size_t i) noexcept { return expected_close::of(v, i); }
};
}  // namespace anchor

template <class A>
inline constexpr bool anchor_ignores_window = requires { requires A::ignores_window; };

/// The default anchor of a table's rows.
template <class T> struct default_anchor;
template <> struct default_anchor<activities_table> { using type = anchor::activity_time; };
template <> struct default_anchor<stage_history_table> { using type = anchor::history_time; };
template <> struct default_anchor<leads_table> { using type = anchor::lead_created; };
template <> struct default_anchor<opportunities_table> { using type = anchor::created; };

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
