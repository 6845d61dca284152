// append_rows: a field that names no column (a typo: "contact" for "contact_id") must not
// compile unless it is listed in ignored_fields<...>; the diagnostic names struct, table, field.
// expect-error: row_struct_field_is_not_a_column<typo_row, .*"activities".*"contact"
#include <salesmetrics/table/from_rows.hpp>

#include <boost/hana/define_struct.hpp>

#include <vector>

struct typo_row {
  BOOST_HANA_DEFINE_STRUCT(typo_row, (long, ts), (int, type), (int, direction), (int, rep_id), (int, contact));
};

// Listing the field as ignored makes the same struct acceptable.
salesmetrics::problem_report fill_ignoring(salesmetrics::activity_store& s) {
  return salesmetrics::append_rows<salesmetrics::attribute_fields<>, salesmetrics::ignored_fields<"contact">>(
      s, std::vector<typo_row>{{1, 0, 0, 0, 7}});
}

#ifdef SALESMETRICS_SHOULD_FAIL_TO_BUILD
salesmetrics::problem_report fill(salesmetrics::activity_store& s) {
  return salesmetrics::append_rows(s, std::vector<typo_row>{{1, 0, 0, 0, 7}});
}
#endif
