// bench/compile_time/scorecard.cpp: the translation unit whose build time bench/compile_time.sh
// reports: the 12-metric rep scorecard of bench/metrics_bench.cpp evaluated with par(2), with
// either the catalog header or (SALESMETRICS_UMBRELLA) the umbrella header included.
#ifdef SALESMETRICS_UMBRELLA
#include <salesmetrics/salesmetrics.hpp>
#else
#include <salesmetrics/metrics/catalog.hpp>
#endif

#include <cstddef>

namespace mx = salesmetrics::metrics;

std::size_t scorecard_rows(const salesmetrics::crm_view& v) {
  const auto r = mx::evaluate<mx::activity_count, mx::emails_sent, mx::emails_received, mx::meetings_ours, mx::meetings_theirs,
                              mx::calls_made, mx::calls_received, mx::meetings, mx::calls, mx::total_duration_minutes,
                              mx::last_interaction, mx::first_interaction>(v, mx::group::rep, {}, salesmetrics::par(2));
  return r.rows();
}
