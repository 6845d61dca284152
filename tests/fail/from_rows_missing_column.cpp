// append_rows: a row struct without a field for a required column (activities.ts) must not
// compile, and the diagnostic names the struct, the table and the column.
// expect-error: row_struct_lacks_required_column<bad_activity_row, .*"activities".*"ts"
#include <salesmetrics/table/from_rows.hpp>

#include <boost/hana/define_struct.hpp>

#include <vector>

struct good_activity_row {
  BOOST_HANA_DEFINE_STRUCT(good_activity_row, (long, ts), (int, type), (int, direction), (int, rep_id));
};

struct bad_activity_row {  // no ts
  BOOST_HANA_DEFINE_STRUCT(bad_activity_row, (int, type), (int, direction), (int, rep_id));
};

salesmetrics::problem_report fill_good(salesmetrics::activity_store& s) {
  return salesmetrics::append_rows(s, std::vector<good_activity_row>{{1, 0, 0, 0}});
}

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
salesmetrics::problem_report fill_bad(salesmetrics::activity_store& s) {
  return salesmetrics::append_rows(s, std::vector<bad_activity_row>{{0, 0, 0}});
}
#endif
