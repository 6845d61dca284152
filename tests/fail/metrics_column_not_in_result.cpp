// Extracting a metric that was not evaluated.
// expect-error: M is not among the metrics this result was evaluated with
#include <salesmetrics/metrics/catalog.hpp>

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
using namespace salesmetrics::metrics;
void f() {
  auto r = evaluate<win_rate>(salesmetrics::crm_view{}, group::rep);
  (void)r.column<won_amount>();
}
#endif
