// Must not compile: a pipeline forecast with a weighting that is not a DealWeighting (its member
// is called weight, not probability); the diagnostic names the concept and the member it needs.
// expect-error: the weighting is not a DealWeighting: it needs a member `double probability
#include <salesmetrics/forecast/forecast_weighting.hpp>
#include <salesmetrics/forecast/pipeline_forecast.hpp>

#include <cstddef>

namespace {
namespace sf = salesmetrics::forecast;

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
struct policy {
  double weight(const salesmetrics::opportunity_view&, std::size_t) const { return 0.5; }
};
#else
using policy = sf::constant_probability;
#endif

[[maybe_unused]] sf::pipeline_forecast_result run(const salesmetrics::opportunity_view& v) { return sf::forecast_pipeline(v, policy{}); }
}  // namespace
