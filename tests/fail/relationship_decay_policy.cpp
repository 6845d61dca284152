// A health half-life given as a plain number instead of a decay policy type.
// expect-error: satisfaction of .*DecayPolicy<D>.* .with D = double.
#include <salesmetrics/relationship/panel.hpp>

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
auto r = salesmetrics::relationship::analyse<double>(salesmetrics::crm_view{}, salesmetrics::metrics::group::contact);
#endif
