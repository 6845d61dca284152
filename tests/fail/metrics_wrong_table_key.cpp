// An opportunity metric grouped by contact: opportunities carry no contact.
// expect-error: a metric's table cannot be grouped by this key
#include <salesmetrics/metrics/catalog.hpp>

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
using namespace salesmetrics::metrics;
auto r = evaluate<win_rate>(salesmetrics::crm_view{}, group::contact);
#endif
