// Must not compile: a history argument without the to_stage column is rejected with one
// readable message naming the members the funnel functions need.
// expect-error: the history argument needs members opportunity_id \(dense_id\), ts \(timestamp\), from_stage and to_stage
#include <salesmetrics/funnel/transition_counts.hpp>

#include <vector>

struct my_history {
  std::vector<salesmetrics::dense_id> opportunity_id;
  std::vector<salesmetrics::timestamp> ts;
  std::vector<std::int8_t> from_stage;
#ifndef SALESMETRICS_SHOULD_FAIL_TO_BUILD
  std::vector<std::int8_t> to_stage;
#endif
};

inline salesmetrics::funnel::transition_fit fit_mine(const my_history& h) {
  return salesmetrics::funnel::fit_transitions(h, salesmetrics::funnel::stage_layout::numbered(3));
}
