// Combining predicates over two different tables.
// expect-error: '&&' combines row predicates over different tables
#include <salesmetrics/metrics/catalog.hpp>

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
using namespace salesmetrics::metrics;
constexpr auto p = type_is<salesmetrics::activity_type::email> && status_is<salesmetrics::deal_status::won>;
using bad = decltype(p)::table;
#endif
