// Relationship panels grouped by rep alone: a rep is our side, not a customer record.
// expect-error: the key must be metrics::group::contact, group::account, group::opportunity, group::lead or group::by\(group::rep, group::contact\)
#include <salesmetrics/relationship/panel.hpp>

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
auto r = salesmetrics::relationship::analyse(salesmetrics::crm_view{}, salesmetrics::metrics::group::rep);
#endif
