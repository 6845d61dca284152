// A derived metric reading a metric it did not declare in depends_on.
// expect-error: reads a metric that is not in its depends_on<...> list
#include <salesmetrics/metrics/catalog.hpp>

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
using namespace salesmetrics::metrics;
struct bad_ratio : depends_on<won_count> {
  static constexpr std::string_view name = "bad_ratio";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    return double(r.template get<won_count>()) / double(r.template get<lost_count>());
  }
};
auto r = evaluate<bad_ratio>(salesmetrics::crm_view{}, group::rep);
#endif
