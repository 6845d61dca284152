// Two metrics that depend on each other.
// expect-error: cyclic dependency: this metric depends on itself
#include <salesmetrics/metrics/catalog.hpp>

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
using namespace salesmetrics::metrics;
struct ping;
struct pong : depends_on<ping> {
  static constexpr std::string_view name = "pong";
  using result_type = double;
  template <class R> static double result(const R&, const eval_context&) { return 0; }
};
struct ping : depends_on<pong> {
  static constexpr std::string_view name = "ping";
  using result_type = double;
  template <class R> static double result(const R&, const eval_context&) { return 0; }
};
auto r = evaluate<ping>(salesmetrics::crm_view{}, group::rep);
#endif
