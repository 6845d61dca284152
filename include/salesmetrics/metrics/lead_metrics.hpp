// salesmetrics/metrics/lead_metrics.hpp: the lead catalog.
//
// Rows: leads created in the window (anchor leads.created_ts).
// | metric                     | definition                                                              | zero / empty |
// |----------------------------|-------------------------------------------------------------------------|--------------|
// | new_leads                  | leads created in the window                                             | 0            |
// | converted_leads            | of those, leads converted (status converted, or a converted_ts / opportunity_id present) | 0 |
// | lead_to_opportunity_rate   | converted_leads / new_leads                                             | NaN if none  |
// | marketing_sourced_share    | leads whose source is in evaluate_options::marketing_sources / leads with a known source | NaN if none known |
// | sales_sourced_share        | 1 - marketing_sourced_share over leads with a known source              | NaN if none known |
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/detail/metric_states.hpp>
#include <salesmetrics/metrics/metric.hpp>

#include <array>
#include <cstdint>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

/// [new, converted, with known source, marketing-sourced]
struct lead_tally {
  static constexpr std::string_view name = "lead_tally";
  using table = leads_table;
  using state = std::array<std::int64_t, 4>;
  using result_type = state;
  static void update(state& s, const lead_view& v, std::size_t i, const eval_context& c) noexcept {
    ++s[0];
    const bool converted = (!v.status.empty() && v.status[i] == lead_status::converted) ||
                           (!v.converted_ts.empty() && !is_missing(v.converted_ts[i])) ||
                           (!v.opportunity_id.empty() && v.opportunity_id[i] >= 0);
    s[1] += converted;
    if (!v.source.empty() && v.source[i] >= 0) {
      ++s[2];
      const auto src = static_cast<std::size_t>(v.source[i]);
      s[3] += src < c.marketing_source.size() && c.marketing_source[src];
    }
  }
  static void merge(state& a, const state& b) noexcept { for (int k = 0; k < 4; ++k) a[k] += b[k]; }
  static result_type result(const state& s, const eval_context&) noexcept { return s; }
};
/// The same tally, for metrics that need the marketing source list.
struct marketing_lead_tally : lead_tally {
  static constexpr std::string_view name = "marketing_lead_tally";
  static constexpr unsigned needs = metrics::needs::marketing_source;
};

struct new_leads : depends_on<lead_tally> {
  static constexpr std::string_view name = "new_leads";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const eval_context&) { return r.template get<lead_tally>()[0]; }
};
struct converted_leads : depends_on<lead_tally> {
  static constexpr std::string_view name = "converted_leads";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const eval_context&) { return r.template get<lead_tally>()[1]; }
};
struct lead_to_opportunity_rate : depends_on<lead_tally> {
  static constexpr std::string_view name = "lead_to_opportunity_rate";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    const auto t = r.template get<lead_tally>();
    return detail::ratio(static_cast<double>(t[1]), static_cast<double>(t[0]));
  }
};
struct marketing_sourced_share : depends_on<marketing_lead_tally> {
  static constexpr std::string_view name = "marketing_sourced_share";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    const auto t = r.template get<marketing_lead_tally>();
    return detail::ratio(static_cast<double>(t[3]), static_cast<double>(t[2]));
  }
};
struct sales_sourced_share : depends_on<marketing_lead_tally> {
  static constexpr std::string_view name = "sales_sourced_share";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    const auto t = r.template get<marketing_lead_tally>();
    return detail::ratio(static_cast<double>(t[2] - t[3]), static_cast<double>(t[2]));
  }
};

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
