// One hand-made data set that validates clean, then one defect per test, each checked by its
// exact message: validate() must name the table, the row, the column and the reason.
#include <salesmetrics/table/validate.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace validate_problems_test {

using namespace salesmetrics;

namespace {

timestamp day(int d, int hour = 0) { return from_unix(1704067200 + std::int64_t{d - 1} * 86400 + hour * 3600); }  // 2024-01-d

crm_data clean_data() {
  crm_data d;
  d.stages = schema_stages::runtime();  // 0..4 open, 5 won, 6 lost
  d.dictionaries.reps = dictionary({"rep-0", "rep-1"});
  d.dictionaries.contacts = dictionary({"contact-0", "contact-1", "contact-2"});
  d.dictionaries.accounts = dictionary({"account-0", "account-1"});
  d.dictionaries.opportunities = dictionary({"opp-0", "opp-1", "opp-2"});
  d.dictionaries.leads = dictionary({"lead-0", "lead-1"});
  d.dictionaries.threads = dictionary({"thread-0"});
  d.dictionaries.subjects = dictionary({"Pricing"});
  d.dictionaries.sources = dictionary({"referral", "outbound"});

  auto& a = d.activities;
  a.ts = {day(2, 9), day(2, 11), day(3, 10), day(4, 14)};
  a.type = {activity_type::email, activity_type::email, activity_type::meeting, activity_type::phone_call};
  a.direction = {direction::inbound, direction::outbound, direction::outbound, direction::inbound};
  a.rep_id = {0, 0, 1, 1};
  a.contact_id = {0, 0, 1, 2};
  a.account_id = {0, 0, 1, 1};
  a.opportunity_id = {0, 0, no_id, 2};
  a.lead_id = {no_id, no_id, no_id, 0};
  a.duration_min = {0.f, 0.f, 30.f, 4.25f};
  a.thread_id = {0, 0, no_id, no_id};
  a.subject_id = {0, 0, no_id, no_id};
  a.status = {activity_status::completed, activity_status::completed, activity_status::completed, activity_status::completed};
  a.our_attendees = {1, 1, 2, 1};

  auto& o = d.opportunities;
  o.opportunity_id = {0, 1, 2};
  o.created_ts = {day(1), day(5), day(10)};
  o.stage = {4, 1, 2};  // closed deals keep their last open stage
  o.status = {deal_status::won, deal_status::lost, deal_status::open};
  o.account_id = {0, 1, 1};
  o.owner_rep_id = {0, 1, 1};
  o.expected_close_ts = {day(30), day(25), day(31)};
  o.closed_ts = {day(28), day(20), no_time};
  o.amount = {money::from_cents(100000), money::from_cents(5050), money::from_cents(0)};
  o.probability = {1.f, 0.f, 0.4f};
  o.forecast_category = {forecast_category::closed, forecast_category::omitted, forecast_category::best_case};
  o.source = {1, 1, 0};
  auto& seg = o.attribute("segment");
  seg.codes = {seg.labels.encode("smb"), seg.labels.encode("enterprise"), no_id};

  auto& h = d.stage_history;
  h.opportunity_id = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
  h.ts = {day(1), day(10), day(20), day(28), day(5), day(10), day(20), day(10), day(15), day(25)};
  h.from_stage = {no_stage, 0, 2, 4, no_stage, 0, 1, no_stage, 0, 1};
  h.to_stage = {0, 2, 4, 5, 0, 1, 6, 0, 1, 2};

  auto& l = d.leads;
  l.lead_id = {0, 1};
  l.created_ts = {day(2), day(3)};
  l.source = {0, 0};
  l.owner_rep_id = {1, 0};
  l.converted_ts = {day(10), no_time};
  l.opportunity_id = {2, no_id};
  l.status = {lead_status::converted, lead_status::open};
  return d;
}

std::vector<std::string> messages(const problem_report& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems) out.push_back(p.to_string());
  return out;
}

std::string only_problem(const crm_data& d) {
  const problem_report r = validate(d.view());
  INFO(r.to_string());
  REQUIRE(r.size() == 1);
  return r.problems[0].to_string();
}

}  // namespace

TEST_CASE("the hand-made data set validates clean", "[validate]") {
  const crm_data d = clean_data();
  const problem_report r = validate(d.view());
  INFO(r.to_string());
  CHECK(r.ok());
  CHECK(validate(d.activities.view()).ok());
  CHECK(validate(d.opportunities.view(), d.stages).ok());
  CHECK(validate(d.stage_history.view(), d.stages).ok());
  CHECK(validate(d.leads.view()).ok());
}

TEST_CASE("problem rows, tables and columns are structured", "[validate]") {
  crm_data d = clean_data();
  d.activities.duration_min[2] = -5.f;
  const problem_report r = validate(d.view());
  REQUIRE(r.size() == 1);
  CHECK(r.problems[0] == problem{"activities", 2, "duration_min", "negative duration -5 minutes", -1});
}

TEST_CASE("column length mismatch", "[validate]") {
  crm_data d = clean_data();
  d.activities.contact_id.pop_back();
  CHECK(only_problem(d) ==
        "activities, column 'contact_id': optional column has 3 values, the table has 4 rows (an optional column must be empty or full)");
  d = clean_data();
  d.stage_history.to_stage.pop_back();  // rows are not checked against an unusable column
  CHECK(only_problem(d) == "stage_history, column 'to_stage': required column has 9 values, the table has 10 rows");
}

TEST_CASE("unknown enum codes", "[validate]") {
  crm_data d = clean_data();
  d.activities.type[1] = static_cast<activity_type>(9);
  CHECK(only_problem(d) == "activities row 1, column 'type': unknown activity_type code 9 (valid codes are 0..4)");
  d = clean_data();
  d.activities.direction[0] = static_cast<direction>(2);
  CHECK(only_problem(d) == "activities row 0, column 'direction': unknown direction code 2 (valid codes are 0..1)");
  d = clean_data();
  d.activities.status[3] = static_cast<activity_status>(255);
  CHECK(only_problem(d) == "activities row 3, column 'status': unknown activity_status code 255 (valid codes are 0..1)");
  d = clean_data();
  d.opportunities.forecast_category[0] = static_cast<forecast_category>(5);
  CHECK(only_problem(d) == "opportunities row 0, column 'forecast_category': unknown forecast_category code 5 (valid codes are 0..4)");
  d = clean_data();
  d.leads.status[1] = static_cast<lead_status>(3);
  CHECK(only_problem(d) == "leads row 1, column 'status': unknown lead_status code 3 (valid codes are 0..2)");
  d = clean_data();
  d.opportunities.status[2] = static_cast<deal_status>(7);  // the status-dependent checks skip the row
  CHECK(only_problem(d) == "opportunities row 2, column 'status': unknown deal_status code 7 (valid codes are 0..2)");
}

TEST_CASE("negative or infinite durations and negative amounts", "[validate]") {
  crm_data d = clean_data();
  d.activities.duration_min[3] = -0.25f;
  CHECK(only_problem(d) == "activities row 3, column 'duration_min': negative duration -0.25 minutes");
  d = clean_data();
  d.activities.duration_min[3] = std::numeric_limits<float>::infinity();
  CHECK(only_problem(d) == "activities row 3, column 'duration_min': duration inf is not finite");
  d = clean_data();
  d.activities.duration_min[3] = std::numeric_limits<float>::quiet_NaN();  // unknown, not a problem
  CHECK(validate(d.view()).ok());
  d = clean_data();
  d.opportunities.amount[1] = money::from_cents(-350);
  CHECK(only_problem(d) == "opportunities row 1, column 'amount': negative amount -3.50");
  d = clean_data();
  d.stage_history.amount = std::vector<money>(10, money::from_cents(100));
  d.stage_history.amount[4] = money::from_cents(-1);
  CHECK(only_problem(d) == "stage_history row 4, column 'amount': negative amount -0.01");
  d = clean_data();
  d.opportunities.probability[2] = 1.5f;
  CHECK(only_problem(d) == "opportunities row 2, column 'probability': probability 1.5 is outside 0..1");
}

TEST_CASE("missing values in required columns", "[validate]") {
  crm_data d = clean_data();
  d.activities.ts[0] = no_time;
  CHECK(only_problem(d) == "activities row 0, column 'ts': missing timestamp in a required column");
  d = clean_data();
  d.activities.rep_id[2] = no_id;
  CHECK(only_problem(d) == "activities row 2, column 'rep_id': missing id in a required column");
  d = clean_data();
  d.activities.contact_id[2] = -7;
  CHECK(only_problem(d) == "activities row 2, column 'contact_id': invalid id -7 (ids are >= 0; -1 means none)");
  d = clean_data();
  d.leads.created_ts[1] = no_time;
  CHECK(only_problem(d) == "leads row 1, column 'created_ts': missing timestamp in a required column");
}

TEST_CASE("stage out of range of the stage list", "[validate]") {
  crm_data d = clean_data();
  d.stage_history.to_stage[9] = 7;  // history of opportunity 2 ends in 7, its stage is 2
  d.opportunities.stage[2] = 7;
  const auto m = messages(validate(d.view()));
  CHECK(m == std::vector<std::string>{
                 "opportunities row 2, column 'stage': stage 7 is outside the stage list (valid 0..6)",
                 "stage_history row 9, column 'to_stage': stage 7 is outside the stage list (valid 0..6)"});
  d = clean_data();
  d.stage_history.from_stage[8] = -3;
  d.stage_history.to_stage[7] = -3;
  CHECK(messages(validate(d.view())) ==
        std::vector<std::string>{"stage_history row 8, column 'from_stage': stage -3 is outside the stage list (valid 0..6)",
                                 "stage_history row 7, column 'to_stage': stage -3 is outside the stage list (valid 0..6)"});
  d = clean_data();
  d.opportunities.stage[2] = no_stage;
  CHECK(messages(validate(d.view())) ==
        std::vector<std::string>{"opportunities row 2, column 'stage': missing stage in a required column",
                                 "opportunities row 2, column 'stage': stage none but the stage history ends in 2 ('proposal') (row 9)"});
  d = clean_data();
  crm_view v = d.view();
  v.stages = nullptr;
  CHECK(messages(validate(v)) ==
        std::vector<std::string>{"opportunities: no stage list attached to the data set: stage indices cannot be checked",
                                 "stage_history: no stage list attached to the data set: stage indices cannot be checked"});
}

TEST_CASE("stage history out of time order", "[validate]") {
  crm_data d = clean_data();
  d.stage_history.ts[5] = day(4);  // opportunity 1: created day 5, next row day 4
  CHECK(only_problem(d) ==
        "stage_history row 5, column 'ts': ts 2024-01-04T00:00:00Z is earlier than 2024-01-05T00:00:00Z of the previous row of "
        "opportunity 1 (\"opp-1\") (row 4)");
}

TEST_CASE("history rows that do not chain", "[validate]") {
  crm_data d = clean_data();
  d.stage_history.from_stage[2] = 3;  // opportunity 0 moved 0 -> 2, then claims 3 -> 4
  CHECK(only_problem(d) ==
        "stage_history row 2, column 'from_stage': from_stage 3 ('negotiation') does not chain: the previous row of opportunity 0 "
        "(\"opp-0\") (row 1) moved to 2 ('proposal')");
}

TEST_CASE("creation rows: more than one, missing, or not first", "[validate]") {
  crm_data d = clean_data();
  d.stage_history.from_stage[8] = no_stage;
  CHECK(only_problem(d) ==
        "stage_history row 8, column 'from_stage': second creation row of opportunity 2 (\"opp-2\") (the first is row 7)");
  d = clean_data();
  d.stage_history.from_stage[4] = 3;
  CHECK(only_problem(d) ==
        "stage_history row 4, column 'from_stage': the first row of opportunity 1 (\"opp-1\") is not a creation row (from_stage is "
        "3 ('negotiation'), expected none)");
  // Rows are taken in table order per opportunity: a creation row after another row is reported.
  d = clean_data();
  d.stage_history.opportunity_id = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
  d.stage_history.from_stage = {no_stage, 0, 2, 4, 0, no_stage, 1, no_stage, 0, 1};
  d.stage_history.to_stage = {0, 2, 4, 5, 1, 0, 6, 0, 1, 2};
  d.stage_history.ts = {day(1), day(10), day(20), day(28), day(5), day(5), day(20), day(10), day(15), day(25)};
  CHECK(messages(validate(d.view())) ==
        std::vector<std::string>{
            "stage_history row 4, column 'from_stage': the first row of opportunity 1 (\"opp-1\") is not a creation row (from_stage "
            "is 0 ('prospecting'), expected none)",
            "stage_history row 5, column 'from_stage': creation row of opportunity 1 (\"opp-1\") comes after its row 4 (the "
            "creation row must be the first)",
            "stage_history row 6, column 'from_stage': from_stage 1 ('qualification') does not chain: the previous row of "
            "opportunity 1 (\"opp-1\") (row 5) moved to 0 ('prospecting')"});
}

TEST_CASE("close before create and closed_ts against status", "[validate]") {
  crm_data d = clean_data();
  d.opportunities.created_ts[1] = day(21);
  d.stage_history.ts[4] = day(21);  // keep the history in order: the creation row moves too
  d.stage_history.ts[5] = day(21);
  CHECK(messages(validate(d.view())) ==
        std::vector<std::string>{
            "opportunities row 1, column 'closed_ts': closed_ts 2024-01-20T00:00:00Z is before created_ts 2024-01-21T00:00:00Z",
            "stage_history row 6, column 'ts': ts 2024-01-20T00:00:00Z is earlier than 2024-01-21T00:00:00Z of the previous row "
            "of opportunity 1 (\"opp-1\") (row 5)"});
  d = clean_data();
  d.opportunities.closed_ts[0] = no_time;
  CHECK(only_problem(d) == "opportunities row 0, column 'closed_ts': closed_ts missing on a won deal");
  d = clean_data();
  d.opportunities.closed_ts[2] = day(30);
  CHECK(only_problem(d) == "opportunities row 2, column 'closed_ts': closed_ts 2024-01-30T00:00:00Z set on an open deal");
}

TEST_CASE("history inconsistent with the final status", "[validate]") {
  SECTION("a won deal without a row into won") {
    crm_data d = clean_data();
    auto& h = d.stage_history;
    for (auto* col : {&h.opportunity_id}) col->erase(col->begin() + 3);
    h.ts.erase(h.ts.begin() + 3);
    h.from_stage.erase(h.from_stage.begin() + 3);
    h.to_stage.erase(h.to_stage.begin() + 3);
    CHECK(only_problem(d) ==
          "opportunities row 0, column 'status': status 'won' but the stage history has no row into 5 ('won') (last row 2)");
  }
  SECTION("a row into the wrong closed stage") {
    crm_data d = clean_data();
    d.stage_history.to_stage[3] = 6;
    CHECK(only_problem(d) == "stage_history row 3, column 'to_stage': moves to 6 ('lost') but opportunity 0 (\"opp-0\") is won");
  }
  SECTION("the closing row is not at closed_ts") {
    crm_data d = clean_data();
    d.stage_history.ts[6] = day(21);
    CHECK(only_problem(d) ==
          "stage_history row 6, column 'ts': the row into 6 ('lost') is at 2024-01-21T00:00:00Z but opportunity 1 (\"opp-1\") "
          "closed at 2024-01-20T00:00:00Z");
  }
  SECTION("an open deal with a row into won") {
    crm_data d = clean_data();
    d.stage_history.to_stage[9] = 5;
    CHECK(only_problem(d) == "stage_history row 9, column 'to_stage': moves to 5 ('won') but opportunity 2 (\"opp-2\") is open");
  }
  SECTION("an open deal whose history ends elsewhere") {
    crm_data d = clean_data();
    d.opportunities.stage[2] = 3;
    CHECK(only_problem(d) ==
          "opportunities row 2, column 'stage': stage 3 ('negotiation') but the stage history ends in 2 ('proposal') (row 9)");
  }
  SECTION("a closed deal's stage is neither the closed stage nor the last open one") {
    crm_data d = clean_data();
    d.opportunities.stage[0] = 2;
    CHECK(only_problem(d) ==
          "opportunities row 0, column 'stage': stage 2 ('proposal') but the stage history closes from 4 ('closing') (row 3)");
    d.opportunities.stage[0] = 5;  // the closed stage itself is accepted
    CHECK(validate(d.view()).ok());
  }
  SECTION("a terminal stage contradicting the status") {
    crm_data d = clean_data();
    d.opportunities.stage[1] = 5;
    CHECK(only_problem(d) == "opportunities row 1, column 'stage': stage 5 ('won') contradicts status 'lost'");
  }
  SECTION("two rows into closed stages, and leaving one") {
    crm_data d = clean_data();
    auto& h = d.stage_history;
    h.opportunity_id.insert(h.opportunity_id.begin() + 4, 0);
    h.ts.insert(h.ts.begin() + 4, day(29));
    h.from_stage.insert(h.from_stage.begin() + 4, 5);
    h.to_stage.insert(h.to_stage.begin() + 4, 6);
    CHECK(messages(validate(d.view())) ==
          std::vector<std::string>{
              "stage_history row 4, column 'from_stage': row of opportunity 0 (\"opp-0\") leaves the closed stage 5 ('won')",
              "stage_history row 4, column 'to_stage': second row into a closed stage for opportunity 0 (\"opp-0\") (the first is "
              "row 3)"});
  }
  SECTION("an opportunity without history") {
    crm_data d = clean_data();
    auto& h = d.stage_history;
    h.opportunity_id.resize(7);
    h.ts.resize(7);
    h.from_stage.resize(7);
    h.to_stage.resize(7);
    CHECK(only_problem(d) == "opportunities row 2, column 'opportunity_id': no stage history rows for this opportunity");
  }
}

TEST_CASE("dangling references between tables", "[validate]") {
  crm_data d = clean_data();
  d.stage_history.opportunity_id[9] = 2;
  d.activities.opportunity_id[2] = 5;
  d.activities.lead_id[2] = 4;
  d.leads.opportunity_id[0] = 9;
  CHECK(messages(validate(d.view())) ==
        std::vector<std::string>{
            "activities row 2, column 'opportunity_id': id 5 is outside the opportunities dictionary (3 entries)",
            "activities row 2, column 'lead_id': id 4 is outside the leads dictionary (2 entries)",
            "activities row 2, column 'opportunity_id': opportunity 5 is not in the opportunities table",
            "activities row 2, column 'lead_id': lead 4 is not in the leads table",
            "leads row 0, column 'opportunity_id': id 9 is outside the opportunities dictionary (3 entries)",
            "leads row 0, column 'opportunity_id': opportunity 9 is not in the opportunities table"});
  // Without dictionaries the ids are the user's integers: only the references are checked.
  crm_view v = d.view();
  v.dictionaries = nullptr;
  CHECK(messages(validate(v)) ==
        std::vector<std::string>{"activities row 2, column 'opportunity_id': opportunity 5 is not in the opportunities table",
                                 "activities row 2, column 'lead_id': lead 4 is not in the leads table",
                                 "leads row 0, column 'opportunity_id': opportunity 9 is not in the opportunities table"});
  // An id inside the dictionary but missing from the table is named by the user's id.
  d = clean_data();
  d.dictionaries.opportunities.encode("opp-3");
  d.stage_history.opportunity_id[9] = 3;
  CHECK(messages(validate(d.view())) ==
        std::vector<std::string>{
            "opportunities row 2, column 'stage': stage 2 ('proposal') but the stage history ends in 1 ('qualification') (row 8)",
            "stage_history row 9, column 'opportunity_id': opportunity 3 (\"opp-3\") is not in the opportunities table",
            "stage_history row 9, column 'from_stage': the first row of opportunity 3 (\"opp-3\") is not a creation row (from_stage "
            "is 1 ('qualification'), expected none)"});
}

TEST_CASE("ids outside their dictionary", "[validate]") {
  crm_data d = clean_data();
  d.activities.rep_id[1] = 2;
  CHECK(only_problem(d) == "activities row 1, column 'rep_id': id 2 is outside the reps dictionary (2 entries)");
  d = clean_data();
  d.opportunities.source[0] = 2;
  CHECK(only_problem(d) == "opportunities row 0, column 'source': id 2 is outside the sources dictionary (2 entries)");
  d = clean_data();
  d.activities.thread_id[0] = 1;
  CHECK(only_problem(d) == "activities row 0, column 'thread_id': id 1 is outside the threads dictionary (1 entries)");
  d = clean_data();
  d.dictionaries.threads = dictionary{};  // empty dictionary: the ids are not range-checked
  d.activities.thread_id[0] = 1;
  CHECK(validate(d.view()).ok());
  d = clean_data();
  d.opportunities.attributes[0].codes[2] = 2;
  CHECK(only_problem(d) == "opportunities row 2, column 'segment': code 2 is outside the 'segment' labels (2 entries)");
  d = clean_data();
  d.opportunities.attributes[0].codes.pop_back();
  CHECK(only_problem(d) == "opportunities, column 'segment': attribute column has 2 values, the table has 3 rows");
}

TEST_CASE("duplicate ids", "[validate]") {
  crm_data d = clean_data();
  d.opportunities.opportunity_id[2] = 0;  // opportunity 2 disappears: its references dangle
  CHECK(messages(validate(d.view())) ==
        std::vector<std::string>{
            "activities row 3, column 'opportunity_id': opportunity 2 (\"opp-2\") is not in the opportunities table",
            "opportunities row 2, column 'opportunity_id': duplicate id 0 (first seen at row 0)",
            "stage_history row 7, column 'opportunity_id': opportunity 2 (\"opp-2\") is not in the opportunities table",
            "stage_history row 8, column 'opportunity_id': opportunity 2 (\"opp-2\") is not in the opportunities table",
            "stage_history row 9, column 'opportunity_id': opportunity 2 (\"opp-2\") is not in the opportunities table",
            "leads row 0, column 'opportunity_id': opportunity 2 (\"opp-2\") is not in the opportunities table"});
  d = clean_data();
  d.leads.lead_id[1] = 0;
  CHECK(only_problem(d) == "leads row 1, column 'lead_id': duplicate id 0 (first seen at row 0)");
  d = clean_data();
  d.activities.activity_id = {10, 11, 10, 12};
  d.dictionaries.activities = dictionary{};
  CHECK(only_problem(d) == "activities row 2, column 'activity_id': duplicate id 10 (first seen at row 0)");
  // Sparse ids take the sorted path of the index: same report.
  d.activities.activity_id = {1'000'000'000, 11, 1'000'000'000, 1'000'000'000};
  CHECK(messages(validate(d.view())) ==
        std::vector<std::string>{"activities row 2, column 'activity_id': duplicate id 1000000000 (first seen at row 0)",
                                 "activities row 3, column 'activity_id': duplicate id 1000000000 (first seen at row 0)"});
}

TEST_CASE("leads: conversion consistency", "[validate]") {
  crm_data d = clean_data();
  d.leads.converted_ts[0] = day(1);
  CHECK(only_problem(d) == "leads row 0, column 'converted_ts': converted_ts 2024-01-01T00:00:00Z is before created_ts 2024-01-02T00:00:00Z");
  d = clean_data();
  d.leads.converted_ts[0] = no_time;
  CHECK(only_problem(d) == "leads row 0, column 'converted_ts': converted_ts missing on a converted lead");
  d = clean_data();
  d.leads.converted_ts[1] = day(9);
  CHECK(only_problem(d) == "leads row 1, column 'converted_ts': converted_ts 2024-01-09T00:00:00Z set on a lead with status 'open'");
  d = clean_data();
  d.leads.opportunity_id[1] = 1;
  CHECK(only_problem(d) == "leads row 1, column 'opportunity_id': opportunity 1 (\"opp-1\") set on a lead with status 'open'");
}

TEST_CASE("every problem is reported, not only the first", "[validate]") {
  crm_data d = clean_data();
  d.activities.type[0] = static_cast<activity_type>(7);
  d.activities.type[3] = static_cast<activity_type>(8);
  d.opportunities.amount[0] = money::from_cents(-1);
  d.leads.lead_id[1] = no_id;
  const auto m = messages(validate(d.view()));
  CHECK(m == std::vector<std::string>{"activities row 0, column 'type': unknown activity_type code 7 (valid codes are 0..4)",
                                      "activities row 3, column 'type': unknown activity_type code 8 (valid codes are 0..4)",
                                      "opportunities row 0, column 'amount': negative amount -0.01",
                                      "leads row 1, column 'lead_id': missing id in a required column"});
}

TEST_CASE("activity order is informational and off by default", "[validate]") {
  crm_data d = clean_data();
  std::swap(d.activities.ts[0], d.activities.ts[2]);
  CHECK(validate(d.view()).ok());
  CHECK(messages(validate(d.view(), validate_options{.require_sorted_activities = true})) ==
        std::vector<std::string>{"activities row 1, column 'ts': ts 2024-01-02T11:00:00Z is earlier than the previous row's "
                                 "2024-01-03T10:00:00Z (activities are not sorted by ts)",
                                 "activities row 2, column 'ts': ts 2024-01-02T09:00:00Z is earlier than the previous row's "
                                 "2024-01-02T11:00:00Z (activities are not sorted by ts)"});
}

TEST_CASE("validation never changes the data", "[validate]") {
  crm_data d = clean_data();
  d.opportunities.stage[1] = 5;
  d.stage_history.from_stage[2] = 3;
  const crm_data before = d;
  (void)validate(d.view());
  CHECK(d.opportunities.stage == before.opportunities.stage);
  CHECK(d.stage_history.from_stage == before.stage_history.from_stage);
}

}  // namespace validate_problems_test
