// Must not compile: a weight profile whose weights total 90%; the diagnostic names the profile.
// expect-error: weight_profile_weights_must_total_100<salesmetrics::v0::weighting::fixed_string<9>{"new_hire"}, 9.0e\+1>
#include <salesmetrics/weighting/scorecard.hpp>

#include <string_view>

namespace {
struct revenue { static constexpr std::string_view name = "revenue"; };
struct calls { static constexpr std::string_view name = "calls"; };
namespace w = salesmetrics::weighting;
using steady = w::scorecard<"steady", w::kpi<revenue, 1e6, 60.0>, w::kpi<calls, 100.0, 40.0>>;

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
using team = w::segmented_scorecard<steady, w::weight_profile<"new_hire", 50.0, 40.0>>;
#else
using team = w::segmented_scorecard<steady, w::weight_profile<"new_hire", 50.0, 50.0>>;
#endif
}  // namespace

static_assert(team::profile_count == 2);
