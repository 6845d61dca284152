// append_rows: a field whose type cannot become its column's type (a bool for the activity
// type) must not compile; the diagnostic names the struct, table, field and both types.
// expect-error: row_struct_field_type_not_convertible<flag_row, .*"activities".*"type".*bool, salesmetrics::v0::activity_type>
#include <salesmetrics/table/from_rows.hpp>

#include <boost/hana/define_struct.hpp>

#include <string>
#include <vector>

struct text_row {
  BOOST_HANA_DEFINE_STRUCT(text_row, (long, ts), (std::string, type), (int, direction), (int, rep_id));
};

struct flag_row {
  BOOST_HANA_DEFINE_STRUCT(flag_row, (long, ts), (bool, type), (int, direction), (int, rep_id));
};

salesmetrics::problem_report fill_text(salesmetrics::activity_store& s) {
  return salesmetrics::append_rows(s, std::vector<text_row>{{1, "email", 0, 0}});
}

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
salesmetrics::problem_report fill_flags(salesmetrics::activity_store& s) {
  return salesmetrics::append_rows(s, std::vector<flag_row>{{1, true, 0, 0}});
}
#endif
