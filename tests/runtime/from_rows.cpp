// Filling stores from the user's own row structs: field-name matching, every conversion,
// problems per value, preconditions, and validation of the result.
#include <salesmetrics/table/from_rows.hpp>
#include <salesmetrics/table/validate.hpp>

#include <boost/hana/adapt_struct.hpp>
#include <boost/hana/define_struct.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <iterator>
#include <ranges>
#include <string>
#include <vector>

namespace from_rows_test {

using namespace salesmetrics;

namespace user {

// Typed fields, declared with Hana.
struct typed_activity {
  BOOST_HANA_DEFINE_STRUCT(typed_activity,
    (timestamp, ts),
    (activity_type, type),
    (salesmetrics::direction, direction),
    (int, rep_id),
    (std::optional<long>, contact_id),
    (double, duration_min));
};

// A plain struct from a CRM export, adapted: strings everywhere, unix seconds.
struct export_activity {
  std::int64_t ts;
  std::string type;
  std::string direction;
  std::string rep_id;
  std::string contact_id;
  std::optional<std::string> status;
  const char* subject_id;
  unsigned our_attendees;
};

struct export_opportunity {
  std::string opportunity_id;
  std::chrono::sys_days created_ts;
  std::string stage;
  std::string status;
  std::optional<std::int64_t> closed_ts;
  double amount;
  std::string owner_rep_id;
  std::string segment;     // attribute (categorical)
  int employees;           // attribute (numeric)
  std::string notes;       // ignored
};

struct export_history {
  std::string opportunity_id;
  std::int64_t ts;
  std::string from_stage;  // "" = the creation row
  std::string to_stage;
};

struct export_lead {
  BOOST_HANA_DEFINE_STRUCT(export_lead,
    (std::string, lead_id),
    (std::int64_t, created_ts),
    (std::string, source),
    (std::optional<std::int64_t>, converted_ts),
    (std::string, opportunity_id),
    (std::string, status));
};

struct money_row {
  BOOST_HANA_DEFINE_STRUCT(money_row,
    (int, opportunity_id),
    (std::int64_t, created_ts),
    (int, stage),
    (int, status),
    (std::optional<money>, amount));
};

}  // namespace user

}  // namespace from_rows_test

// BOOST_HANA_ADAPT_STRUCT specialises boost::hana templates, so it must be used at global scope.
BOOST_HANA_ADAPT_STRUCT(from_rows_test::user::export_activity, ts, type, direction, rep_id, contact_id, status, subject_id, our_attendees);
BOOST_HANA_ADAPT_STRUCT(from_rows_test::user::export_opportunity, opportunity_id, created_ts, stage, status, closed_ts, amount, owner_rep_id,
                        segment, employees, notes);
BOOST_HANA_ADAPT_STRUCT(from_rows_test::user::export_history, opportunity_id, ts, from_stage, to_stage);

namespace from_rows_test {

namespace {
std::vector<std::string> messages(const problem_report& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems) out.push_back(p.to_string());
  return out;
}
}  // namespace

TEST_CASE("typed fields are copied by name; absent optional columns stay empty", "[from_rows]") {
  const std::vector<user::typed_activity> rows{
      {from_unix(100), activity_type::email, direction::outbound, 3, 7L, 0.0},
      {from_unix(200), activity_type::meeting, direction::inbound, 4, std::nullopt, 30.5}};
  activity_store s;
  const problem_report r = append_rows(s, rows);
  CHECK(r.ok());
  CHECK(s.ts == std::vector<timestamp>{from_unix(100), from_unix(200)});
  CHECK(s.type == std::vector<activity_type>{activity_type::email, activity_type::meeting});
  CHECK(s.direction == std::vector<direction>{direction::outbound, direction::inbound});
  CHECK(s.rep_id == std::vector<dense_id>{3, 4});
  CHECK(s.contact_id == std::vector<dense_id>{7, no_id});
  CHECK(s.duration_min == std::vector<float>{0.f, 30.5f});
  CHECK(s.account_id.empty());
  CHECK(s.status.empty());
  CHECK(check_lengths(s.view()).ok());
  // A second batch appends to the same columns.
  CHECK(append_rows(s, rows).ok());
  CHECK(s.size() == 4);
  CHECK(s.rep_id == std::vector<dense_id>{3, 4, 3, 4});
}

TEST_CASE("strings are parsed and ids encoded through the data set's dictionaries", "[from_rows]") {
  crm_data d;
  const std::vector<user::export_activity> rows{
      {1700000000, "Phone Call", "Inbound", "alice", "c-9", std::string("done"), nullptr, 1},
      {1700000100, "E-mail", "sent", "bob", "c-9", std::string("Completed"), "Re: pricing", 2},
      {1700000200, "Event", "out", "alice", "", std::string("planned"), "", 3}};
  activity_store& s = d.activities;
  const problem_report r = append_rows(s, rows, row_context(d));
  INFO(r.to_string());
  REQUIRE(r.ok());
  CHECK(s.ts[0] == from_unix(1700000000));
  CHECK(s.type == std::vector<activity_type>{activity_type::phone_call, activity_type::email, activity_type::meeting});
  CHECK(s.direction == std::vector<direction>{direction::inbound, direction::outbound, direction::outbound});
  CHECK(s.rep_id == std::vector<dense_id>{0, 1, 0});
  CHECK(d.dictionaries.reps.names() == std::vector<std::string>{"alice", "bob"});
  CHECK(s.contact_id == std::vector<dense_id>{0, 0, no_id});
  CHECK(d.dictionaries.contacts.name(0) == "c-9");
  CHECK(s.subject_id == std::vector<dense_id>{no_id, 0, no_id});
  CHECK(d.dictionaries.subjects.name(0) == "Re: pricing");
  CHECK(s.our_attendees == std::vector<std::uint8_t>{1, 2, 3});
  CHECK(s.status == std::vector<activity_status>{activity_status::completed, activity_status::completed, activity_status::scheduled});
}

TEST_CASE("opportunities: money, stage names, statuses, attributes and ignored fields", "[from_rows]") {
  crm_data d;
  d.stages = schema_stages::runtime();
  using namespace std::chrono;
  const std::vector<user::export_opportunity> rows{
      {"006A", sys_days{year{2024} / 1 / 2}, "Negotiation", "Open", std::nullopt, 19.99, "alice", "smb", 40, "call back"},
      {"006B", sys_days{year{2024} / 1 / 3}, "Closing", "Closed Won", 1706745600, 0.125, "bob", "enterprise", 5000, ""},
      {"006C", sys_days{year{2024} / 1 / 4}, "prospecting", "lost", 1706832000, -0.125, "alice", "smb", 12, ""}};
  opportunity_store& s = d.opportunities;
  const problem_report r =
      append_rows<attribute_fields<"segment", "employees">, ignored_fields<"notes">>(s, rows, row_context(d));
  INFO(r.to_string());
  REQUIRE(r.ok());
  CHECK(s.opportunity_id == std::vector<dense_id>{0, 1, 2});
  CHECK(d.dictionaries.opportunities.name(1) == "006B");
  CHECK(s.created_ts[0] == from_unix(1704153600));  // 2024-01-02
  CHECK(s.stage == std::vector<stage_index>{3, 4, 0});
  CHECK(s.status == std::vector<deal_status>{deal_status::open, deal_status::won, deal_status::lost});
  CHECK(s.closed_ts == std::vector<timestamp>{no_time, from_unix(1706745600), from_unix(1706832000)});
  // Doubles are currency units rounded half away from zero to the cent (0.125 is exact in binary).
  CHECK(s.amount == std::vector<money>{money::from_cents(1999), money::from_cents(13), money::from_cents(-13)});
  CHECK(s.owner_rep_id == std::vector<dense_id>{0, 1, 0});
  REQUIRE(s.attributes.size() == 2);
  const opportunity_view v = s.view();
  REQUIRE(v.attribute("segment").has_value());
  CHECK(v.attribute("segment")->categorical());
  CHECK(v.attribute("segment")->labels->name(v.attribute("segment")->codes[1]) == "enterprise");
  CHECK(v.attribute("segment")->codes[0] == v.attribute("segment")->codes[2]);
  REQUIRE(v.attribute("employees").has_value());
  CHECK(v.attribute("employees")->numbers[1] == 5000.0);
  CHECK(s.account_id.empty());
}

TEST_CASE("money from integers, strings and money values", "[from_rows]") {
  struct string_money {
    BOOST_HANA_DEFINE_STRUCT(string_money, (int, opportunity_id), (std::int64_t, created_ts), (int, stage), (int, status),
                             (std::string, amount));
  };
  struct unit_money {
    BOOST_HANA_DEFINE_STRUCT(unit_money, (int, opportunity_id), (std::int64_t, created_ts), (int, stage), (int, status),
                             (long long, amount));
  };
  const auto a = from_rows<opportunity_store>(std::vector<string_money>{{0, 1, 0, 0, "1054.25"}, {1, 1, 0, 0, ""}, {2, 1, 0, 0, "-3.5"}});
  CHECK(a.amount == std::vector<money>{money::from_cents(105425), money::missing(), money::from_cents(-350)});
  const auto b = from_rows<opportunity_store>(std::vector<unit_money>{{0, 1, 0, 0, 1054}, {1, 1, 0, 0, -2}});
  CHECK(b.amount == std::vector<money>{money::from_cents(105400), money::from_cents(-200)});
  const auto c = from_rows<opportunity_store>(
      std::vector<user::money_row>{{0, 1, 0, 0, money::from_cents(5)}, {1, 1, 0, 0, std::nullopt}});
  CHECK(c.amount == std::vector<money>{money::from_cents(5), money::missing()});
  CHECK(c.status == std::vector<deal_status>{deal_status::open, deal_status::open});
}

TEST_CASE("stage history and leads by name, then the data set validates", "[from_rows]") {
  crm_data d;
  d.stages = schema_stages::runtime();
  const row_context ctx(d);
  struct opp {
    BOOST_HANA_DEFINE_STRUCT(opp, (std::string, opportunity_id), (std::int64_t, created_ts), (std::string, stage),
                             (std::string, status), (std::optional<std::int64_t>, closed_ts));
  };
  REQUIRE(append_rows(d.opportunities, std::vector<opp>{{"o1", 1000, "closing", "won", 5000}, {"o2", 2000, "qualification", "open", {}}}, ctx)
              .ok());
  const std::vector<user::export_history> history{{"o1", 1000, "", "prospecting"}, {"o1", 3000, "prospecting", "closing"},
                                                  {"o1", 5000, "closing", "Closed Won"}, {"o2", 2000, "", "prospecting"},
                                                  {"o2", 2500, "prospecting", "qualification"}};
  REQUIRE(append_rows(d.stage_history, history, ctx).ok());
  CHECK(d.stage_history.from_stage == std::vector<stage_index>{no_stage, 0, 4, no_stage, 0});
  CHECK(d.stage_history.to_stage == std::vector<stage_index>{0, 4, 5, 0, 1});
  const std::vector<user::export_lead> leads{{"L1", 500, "referral", 1000, "o1", "converted"},
                                             {"L2", 600, "paid search", std::nullopt, "", "open"}};
  REQUIRE(append_rows(d.leads, leads, ctx).ok());
  CHECK(d.leads.opportunity_id == std::vector<dense_id>{0, no_id});
  CHECK(d.leads.status == std::vector<lead_status>{lead_status::converted, lead_status::open});
  CHECK(d.dictionaries.sources.names() == std::vector<std::string>{"referral", "paid search"});
  const problem_report r = validate(d.view());
  INFO(r.to_string());
  CHECK(r.ok());
}

TEST_CASE("conversion problems are reported per value and the row is skipped", "[from_rows]") {
  crm_data d;
  d.stages = schema_stages::runtime();
  const std::vector<user::export_activity> rows{
      {10, "email", "inbound", "alice", "c1", std::string("completed"), nullptr, 1},  // fine
      {20, "fax", "sideways", "bob", "c2", std::string("completed"), nullptr, 300},   // three bad values
      {30, "call", "out", "", "c3", std::nullopt, nullptr, 1},                 // missing rep, no status
      {40, "meeting", "out", "carol", "c4", std::string("done"), "s", 2}};     // fine
  activity_store& s = d.activities;
  const problem_report r = append_rows(s, rows, row_context(d));
  CHECK(messages(r) == std::vector<std::string>{
                           "activities row 1, column 'type': 'fax' is not a valid activity_type",
                           "activities row 1, column 'direction': 'sideways' is not a valid direction",
                           "activities row 1, column 'our_attendees': value 300 is outside 0..255",
                           "activities row 2, column 'rep_id': missing value in a required column",
                           "activities row 2, column 'status': no value, and this column has no missing value"});
  CHECK(s.size() == 2);
  CHECK(s.ts == std::vector<timestamp>{from_unix(10), from_unix(40)});
  CHECK(check_lengths(s.view()).ok());
  // Skipped rows leave no trace in the dictionaries.
  CHECK(d.dictionaries.reps.names() == std::vector<std::string>{"alice", "carol"});
  CHECK(d.dictionaries.contacts.names() == std::vector<std::string>{"c1", "c4"});

  struct ints {
    BOOST_HANA_DEFINE_STRUCT(ints, (std::optional<std::int64_t>, ts), (int, type), (int, direction), (long long, rep_id));
  };
  activity_store t;
  CHECK(messages(append_rows(t, std::vector<ints>{{std::nullopt, 0, 0, 1}, {5, 7, 0, 1}, {5, 0, 0, 3'000'000'000LL}, {5, 0, 1, -2}})) ==
        std::vector<std::string>{"activities row 0, column 'ts': missing value in a required column",
                                 "activities row 1, column 'type': code 7 is not a valid activity_type (valid codes are 0..4)",
                                 "activities row 2, column 'rep_id': id 3000000000 is outside 0..2147483647 (-1 means none)",
                                 "activities row 3, column 'rep_id': id -2 is outside 0..2147483647 (-1 means none)"});
  CHECK(t.size() == 0);

  struct bad_opp {
    BOOST_HANA_DEFINE_STRUCT(bad_opp, (int, opportunity_id), (std::int64_t, created_ts), (std::string, stage), (int, status),
                             (std::string, amount), (double, probability));
  };
  opportunity_store o;
  CHECK(messages(append_rows(o, std::vector<bad_opp>{{0, 1, "Discovery", 0, "1,054.25", 0.5}, {1, 1, "proposal", 0, "9", 0.4}},
                             row_context(d))) ==
        std::vector<std::string>{
            "opportunities row 0, column 'stage': 'Discovery' is not a stage of the stage list",
            "opportunities row 0, column 'amount': '1,054.25' is not an amount (optional sign, digits, optional '.' and up to 2 decimals)"});
  CHECK(o.stage == std::vector<stage_index>{2});
  CHECK(o.probability == std::vector<float>{0.4f});
}

TEST_CASE("from_rows throws the first problem and counts the rest", "[from_rows]") {
  struct ints {
    BOOST_HANA_DEFINE_STRUCT(ints, (std::int64_t, ts), (int, type), (int, direction), (int, rep_id));
  };
  const std::vector<ints> rows{{1, 9, 0, 0}, {2, 0, 5, 0}, {3, 0, 0, 0}};
  try {
    (void)from_rows<activity_store>(rows);
    FAIL("no exception");
  } catch (const input_error& e) {
    CHECK(e.where().row == 0);
    CHECK(e.where().column == "type");
    CHECK(std::string(e.what()) ==
          "activities row 0, column 'type': code 9 is not a valid activity_type (valid codes are 0..4) (and 1 more problems)");
  }
  const auto ok = from_rows<activity_store>(std::vector<ints>{{3, 0, 0, 0}});
  CHECK(ok.size() == 1);
}

TEST_CASE("preconditions are checked before anything is appended", "[from_rows]") {
  const std::vector<user::export_activity> rows{{10, "email", "inbound", "alice", "c1", std::string("done"), nullptr, 1}};
  activity_store s;
  CHECK_THROWS_WITH(append_rows(s, rows),
                    "append_rows: field 'rep_id' holds string ids; pass a row_context with dictionaries to encode them");
  CHECK(s.size() == 0);

  struct named_stage {
    BOOST_HANA_DEFINE_STRUCT(named_stage, (int, opportunity_id), (std::int64_t, ts), (int, from_stage), (std::string, to_stage));
  };
  stage_history_store h;
  crm_dictionaries dicts;
  CHECK_THROWS_WITH(append_rows(h, std::vector<named_stage>{{0, 1, -1, "won"}}, row_context(&dicts, nullptr)),
                    "append_rows: field 'to_stage' holds stage names; pass a row_context with the stage list");

  // A store filled by another struct with other columns.
  struct minimal {
    BOOST_HANA_DEFINE_STRUCT(minimal, (std::int64_t, ts), (int, type), (int, direction), (int, rep_id));
  };
  struct with_contact {
    BOOST_HANA_DEFINE_STRUCT(with_contact, (std::int64_t, ts), (int, type), (int, direction), (int, rep_id), (int, contact_id));
  };
  activity_store a;
  REQUIRE(append_rows(a, std::vector<minimal>{{1, 0, 0, 0}}).ok());
  CHECK_THROWS_WITH(append_rows(a, std::vector<with_contact>{{1, 0, 0, 0, 5}}),
                    "append_rows: the store already has 1 rows but no values in column 'contact_id', which the row struct fills");
  activity_store b;
  REQUIRE(append_rows(b, std::vector<with_contact>{{1, 0, 0, 0, 5}}).ok());
  CHECK_THROWS_WITH(append_rows(b, std::vector<minimal>{{1, 0, 0, 0}}),
                    "append_rows: the store's column 'contact_id' has values but the row struct has no field for it");
  CHECK(a.size() == 1);
  CHECK(b.size() == 1);
}

namespace {
struct r4 {
  BOOST_HANA_DEFINE_STRUCT(r4, (std::int64_t, ts), (int, type), (int, direction), (int, rep_id));
};

/// A single-pass input range that makes its rows on the fly (nothing to take twice).
struct generated_rows {
  int n;
  struct iterator {
    using value_type = r4;
    using difference_type = std::ptrdiff_t;
    int i = 0;
    r4 operator*() const { return {i, i % 3, i % 2, 2 * i}; }
    iterator& operator++() {
      ++i;
      return *this;
    }
    void operator++(int) { ++i; }
    int end = 0;
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.i == it.end; }
  };
  iterator begin() const { return {0, n}; }
  std::default_sentinel_t end() const { return {}; }
};
static_assert(std::ranges::input_range<generated_rows>);
}  // namespace

TEST_CASE("any input range of row structs", "[from_rows]") {
  activity_store s;
  REQUIRE(append_rows(s, generated_rows{5}).ok());
  CHECK(s.rep_id == std::vector<dense_id>{0, 2, 4, 6, 8});
  CHECK(s.type[2] == activity_type::phone_call);  // row 2: type 2 % 3
  const auto t = from_rows<activity_store>(generated_rows{3});
  CHECK(t.ts == std::vector<timestamp>{from_unix(0), from_unix(1), from_unix(2)});
}

}  // namespace from_rows_test
