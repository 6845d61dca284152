// A metric of your own in a few lines: the share of meetings a rep held on Fridays, plus a
// derived metric built on a catalog leaf. Run with no arguments.
#include <salesmetrics/salesmetrics.hpp>

#include <iostream>

using namespace salesmetrics;
using namespace salesmetrics::metrics;

// A leaf: reads one activity row at a time; its state is the identity when value-initialised.
struct friday_meetings {
  static constexpr std::string_view name = "friday_meetings";
  using table = activities_table;
  using state = std::int64_t;
  using result_type = std::int64_t;
  static void update(state& s, const activity_view& v, std::size_t i, const eval_context&) {
    s += v.type[i] == activity_type::meeting && iso_weekday(unix_day(v.ts[i])) == 5;
  }
  static void merge(state& a, const state& b) { a += b; }
  static result_type result(const state& s, const eval_context&) { return s; }
};

// A derived metric: computed per group from the results it depends on (NaN without meetings).
struct friday_meeting_share : depends_on<friday_meetings, meetings> {
  static constexpr std::string_view name = "friday_meeting_share";
  using result_type = double;
  template <class R> static double result(const R& r, const eval_context&) {
    const auto all = r.template get<meetings>();
    return all == 0 ? std::nan("") : double(r.template get<friday_meetings>()) / double(all);
  }
};

int main() {
  crm_data data;
  for (const char* rep : {"Ann", "Bob"}) data.dictionaries.reps.encode(rep);
  auto& a = data.activities;
  const std::int64_t friday = 1700179200;  // 2023-11-17, a Friday
  for (int i = 0; i < 6; ++i) {
    a.ts.push_back(from_unix(friday + (i % 2) * 86400 + (i / 2) * 7 * 86400));  // Fridays for Ann, Saturdays for Bob
    a.type.push_back(i % 3 == 0 ? activity_type::email : activity_type::meeting);
    a.direction.push_back(direction::outbound);
    a.rep_id.push_back(i % 2);
  }
  const auto r = evaluate<friday_meetings, meetings, friday_meeting_share>(data.view(), group::rep);
  r.write_csv(std::cout);
  return r.rows() == 2 && r.column<friday_meeting_share>()[0] == 1.0 && r.column<friday_meeting_share>()[1] == 0.0 ? 0 : 1;
}
