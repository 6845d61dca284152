// Must not compile: a compile-time scorecard whose KPI weights total 95% instead of 100%.
// The diagnostic names the check, the scorecard ("steady") and the actual total.
// expect-error: scorecard_weights_must_total_100<salesmetrics::v0::weighting::fixed_string<7>{"steady"}, 9.5e\+1>
#include <salesmetrics/weighting/scorecard.hpp>

#include <string_view>

namespace {
struct revenue { static constexpr std::string_view name = "revenue"; };
struct calls { static constexpr std::string_view name = "calls"; };
namespace w = salesmetrics::weighting;

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
using steady = w::scorecard<"steady", w::kpi<revenue, 1e6, 60.0>, w::kpi<calls, 100.0, 35.0>>;
#else
using steady = w::scorecard<"steady", w::kpi<revenue, 1e6, 60.0>, w::kpi<calls, 100.0, 40.0>>;
#endif
}  // namespace

// Instantiating the class runs its checks.
static_assert(steady::size == 2);
