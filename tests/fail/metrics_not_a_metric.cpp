// A type without the metric members, requested from evaluate, is diagnosed by name.
// expect-error: this type is not a metric: it has no `static constexpr std::string_view name`
#include <salesmetrics/metrics/catalog.hpp>

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
struct not_a_metric {};
auto r = salesmetrics::metrics::evaluate<not_a_metric>(salesmetrics::crm_view{}, salesmetrics::metrics::group::rep);
#endif
