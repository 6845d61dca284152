#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/mapping.hpp>
#include <salesmetrics/io/presets.hpp>
#include <salesmetrics/io/values.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace io_mapping_test {

using namespace salesmetrics;
using Catch::Matchers::StartsWith;

namespace {
const std::string fixtures = std::string(SALESMETRICS_SOURCE_DIR) + "/tests/data/io/";
std::string ts(timestamp t) { return is_missing(t) ? "-" : io::format_timestamp(t); }
std::vector<std::string> names(const dictionary& d, const std::vector<dense_id>& ids) {
  std::vector<std::string> out;
  for (dense_id i : ids) out.push_back(i < 0 ? "-" : d.name(i));
  return out;
}
using strings = std::vector<std::string>;
io::load_options lenient() {
  io::load_options o;
  o.strict = false;
  return o;
}
}  // namespace

TEST_CASE("mapping JSON: presets and shipped files parse", "[io][mapping]") {
  CHECK(io::salesforce_tasks().table == io::table_kind::activities);
  CHECK(io::salesforce_events().rule("type")->constant == "meeting");
  CHECK(io::salesforce_opportunities().stages->won() == 8);
  CHECK(io::salesforce_opportunity_history().rule("from_stage")->derive == io::derive_rule::previous_stage);
  CHECK(io::dynamics_activities().rule("type")->sources == strings{"activitytypecode"});
  CHECK(io::dynamics_activities("phonecall").rule("type")->constant == "phone_call");
  CHECK_THROWS_WITH(io::dynamics_activities("fax"),
                    "dynamics_activities: unknown entity 'fax' (activitypointer, email, appointment, phonecall or task)");
  CHECK(io::dynamics_opportunities().stages->names().size() == 6);
  for (const char* f : {"maven.json", "olist_leads.json", "olist_deals.json", "enron.json"}) {
    INFO(f);
    CHECK_NOTHROW(io::read_mapping_file(std::string(SALESMETRICS_SOURCE_DIR) + "/data/mappings/" + f));
  }
}

TEST_CASE("mapping JSON: clear errors for unknown keys, columns and bad values", "[io][mapping][errors]") {
  auto err = [](std::string_view json) -> std::string {
    try {
      (void)io::parse_mapping_text(json, "m.json");
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK(err(R"({"table": "activities", "colums": {}})") ==
        "mapping m.json: unknown key 'colums' in the mapping (expected one of: table, name, csv, canonical_names, stages, joins, "
        "columns, attributes, keep_same_stage, comment)");
  CHECK(err(R"({"columns": {}})") == "mapping m.json: missing key 'table' (activities, opportunities, stage_history or leads)");
  CHECK(err(R"({"table": "deals"})") ==
        "mapping m.json: unknown table 'deals' (expected activities, opportunities, stage_history or leads)");
  CHECK(err(R"({"table": "leads", "columns": {"lead": "x"}})") ==
        "mapping m.json: 'columns' has unknown leads column 'lead' (known: lead_id, created_ts, source, owner_rep_id, "
        "converted_ts, opportunity_id, status)");
  CHECK_THAT(err(R"({"table": "activities", "columns": {"ts": {"sorce": "x"}}})"),
             StartsWith("mapping m.json: unknown key 'sorce' in columns.ts (expected one of: source, sources, constant"));
  CHECK(err(R"({"table": "activities", "columns": {"ts": 5}})") == "mapping m.json: columns.ts must be a JSON object");
  CHECK(err(R"({"table": "activities", "columns": {"ts": {"optional": true}}})") ==
        "mapping m.json: columns.ts needs \"source\", \"sources\" or \"constant\"");
  CHECK(err(R"({"table": "opportunities", "columns": {"status": {"source": "s", "derive": "guess"}}})") ==
        "mapping m.json: columns.status.derive: unknown rule 'guess' (expected status_from_stage, status_from_closed_won or "
        "previous_stage)");
  CHECK(err(R"({"table": "activities", "columns": {"status": {"source": "s", "derive": "status_from_stage"}}})") ==
        "mapping m.json: columns.status: status derive rules are for opportunities.status only");
  CHECK(err(R"({"table": "activities", "attributes": {"x": "y"}})") ==
        "mapping m.json: attributes are for opportunities and leads only");
  CHECK(err(R"({"table": "activities", "csv": {"separator": "||"}})") ==
        "mapping m.json: csv.separator must be one character (\",\", \";\", \"tab\" ...), got '||'");
  CHECK(err(R"({"table": "activities", "csv": {"header": false}})") ==
        "mapping m.json: csv: a file without a header needs \"columns\"");
  CHECK(err(R"({"table": "opportunities", "stages": {"open": ["A", "a"]}})") ==
        "mapping m.json: stages: stage_list: duplicate stage name 'a'");
  CHECK_THAT(err(R"({"table": )"), StartsWith("mapping m.json: not valid JSON: "));
  // a mapping that names a column the file does not have
  crm_data d;
  const auto m = io::parse_mapping_text(R"({"table": "activities", "columns": {"ts": "When", "rep_id": "Owner"}})", "m.json");
  CHECK_THROWS_WITH(io::load_table("When,Owner2,type,direction\n", m, d, {}, "f.csv"),
                    "f.csv line 1, column 'Owner': missing from the header (needed for rep_id; columns: When, Owner2, type, direction)");
}

TEST_CASE("mapping rules: constant, map with wildcard, default, skip, prefix, only_if, scale", "[io][mapping]") {
  crm_data d;
  const auto m = io::parse_mapping_text(R"({
    "table": "activities", "name": "rules",
    "columns": {
      "ts": "When", "rep_id": "Who",
      "type": {"constant": "email"},
      "direction": {"source": "Dir", "map": {"Sent": "outbound", "*": "inbound"}, "default": "outbound"},
      "contact_id": {"source": "Party", "prefix": "C-"},
      "account_id": {"source": "Regarding", "only_if": {"column": "RegardingType", "values": ["Account"]}},
      "duration_min": {"source": "Secs", "scale": 0.016666666666666666},
      "status": {"source": "State", "skip": ["Cancelled"], "default": "completed"}
    }})");
  const std::string text =
      "When,Who,Dir,Party,Regarding,RegardingType,Secs,State\n"
      "2020-01-01,r1,Sent,C-1,acc,account,60,\n"
      "2020-01-02,r1,Got it,L-9,opp,opportunity,120,Open\n"
      "2020-01-03,r2,,C-2,acc,ACCOUNT,,cancelled\n"
      "2020-01-04,r2,,C-2,acc,ACCOUNT,,done\n";
  const auto r = io::load_table(text, m, d, {}, "rules.csv");
  CHECK(r.records == 4);
  CHECK(r.loaded == 3);
  CHECK(r.skipped == 1);
  CHECK(r.balanced());
  REQUIRE(r.skips.size() == 1);
  CHECK(r.skips[0].rule == "skip list of status (file column 'State')");
  const auto& a = d.activities;
  CHECK(a.type == std::vector<activity_type>(3, activity_type::email));
  CHECK(a.direction == std::vector<direction>{direction::outbound, direction::inbound, direction::outbound});
  CHECK(names(d.dictionaries.contacts, a.contact_id) == strings{"C-1", "-", "C-2"});
  CHECK(names(d.dictionaries.accounts, a.account_id) == strings{"acc", "-", "acc"});
  CHECK(a.duration_min[0] == Approx(1.0));
  CHECK(a.duration_min[1] == Approx(2.0));
  CHECK(std::isnan(a.duration_min[2]));
  CHECK(a.status == std::vector<activity_status>{activity_status::completed, activity_status::scheduled, activity_status::completed});
}

TEST_CASE("preset: Salesforce Opportunity and OpportunityHistory", "[io][mapping][salesforce]") {
  crm_data d;
  const auto r = io::load_file(fixtures + "salesforce_opportunity.csv", io::salesforce_opportunities(), d);
  CHECK(r.records == 4);
  CHECK(r.loaded == 4);
  const auto& o = d.opportunities;
  CHECK(o.status == std::vector<deal_status>{deal_status::open, deal_status::won, deal_status::lost, deal_status::open});
  CHECK(d.stages.name(o.stage[0]) == "Prospecting");
  CHECK(o.stage[1] == d.stages.won());
  CHECK(d.stages.name(o.stage[3]) == "Negotiation/Review");
  CHECK(ts(o.created_ts[0]) == "2023-01-05T10:15:00Z");
  std::vector<std::string> closed, expected;
  for (auto t : o.closed_ts) closed.push_back(ts(t));
  for (auto t : o.expected_close_ts) expected.push_back(ts(t));
  CHECK(closed == strings{"-", "2023-02-15T00:00:00Z", "2023-02-20T00:00:00Z", "-"});
  CHECK(expected == strings{"2023-03-31T00:00:00Z", "2023-02-15T00:00:00Z", "2023-02-20T00:00:00Z", "2023-04-30T00:00:00Z"});
  CHECK(o.amount == std::vector<money>{money::from_cents(1200000), money::from_cents(500050), money::from_cents(80000), money::missing()});
  CHECK(o.probability[0] == Approx(0.1));
  CHECK(o.probability[1] == Approx(1.0));
  CHECK(o.probability[3] == Approx(0.9));
  CHECK(o.forecast_category == std::vector<forecast_category>{forecast_category::pipeline, forecast_category::closed,
                                                              forecast_category::omitted, forecast_category::commit});
  CHECK(names(d.dictionaries.sources, o.source) == strings{"Web", "Partner Referral", "-", "Web"});
  CHECK(names(d.dictionaries.accounts, o.account_id) == strings{"0015g00000Acc1AAA", "0015g00000Acc2AAA", "0015g00000Acc1AAA", "-"});
  const auto type = o.view().attribute("type");
  REQUIRE(type.has_value());
  CHECK(type->labels->name(type->codes[1]) == "Existing Business");
  CHECK(type->codes[3] == no_id);

  // history snapshots -> from/to by ordering per opportunity
  const auto h = io::load_file(fixtures + "salesforce_opportunity_history.csv", io::salesforce_opportunity_history(), d);
  CHECK(h.records == 6);
  CHECK(h.loaded == 5);
  CHECK(h.skipped == 1);
  CHECK(h.balanced());
  const auto& s = d.stage_history;
  std::vector<std::string> rows;
  for (std::size_t i = 0; i < s.size(); ++i)
    rows.push_back(d.dictionaries.opportunities.name(s.opportunity_id[i]) + " " + ts(s.ts[i]) + " " +
                   (s.from_stage[i] < 0 ? "-" : d.stages.name(s.from_stage[i])) + " > " + d.stages.name(s.to_stage[i]) + " " +
                   to_string(s.amount[i]));
  CHECK(rows == strings{
                    "0065g00000AbCdEAA1 2023-01-05T10:15:00Z - > Prospecting 12000.00",
                    "0065g00000AbCdEAA2 2023-01-06T08:00:00Z - > Prospecting 4000.00",
                    "0065g00000AbCdEAA2 2023-01-12T08:00:00Z Prospecting > Qualification 4500.00",
                    "0065g00000AbCdEAA2 2023-01-20T09:00:00Z Qualification > Proposal/Price Quote 5000.50",
                    "0065g00000AbCdEAA2 2023-02-15T17:00:00Z Proposal/Price Quote > Closed Won 5000.50",
                });
  // keep_same_stage keeps the amount edit as a from = to row
  crm_data k;
  auto keep = io::salesforce_opportunity_history();
  keep.keep_same_stage = true;
  const auto hk = io::load_file(fixtures + "salesforce_opportunity_history.csv", keep, k);
  CHECK(hk.loaded == 6);
  // fresh data set: ...A2 is seen first (dense id 0), so its rows come first; row 1 is the 01-10 amount edit
  CHECK(ts(k.stage_history.ts[1]) == "2023-01-10T08:00:00Z");
  CHECK(k.stage_history.from_stage[1] == 0);
  CHECK(k.stage_history.to_stage[1] == 0);
}

TEST_CASE("preset: Salesforce Task", "[io][mapping][salesforce]") {
  crm_data d;
  const auto r = io::load_file(fixtures + "salesforce_task.csv", io::salesforce_tasks(), d);
  CHECK(r.loaded == 3);
  const auto& a = d.activities;
  CHECK(a.type == std::vector<activity_type>{activity_type::phone_call, activity_type::email, activity_type::task});
  CHECK(ts(a.ts[2]) == "2023-01-11T12:00:00Z");  // ActivityDate empty: CreatedDate
  CHECK(names(d.dictionaries.contacts, a.contact_id) == strings{"0035g00000Con1AAA", "-", "0035g00000Con1AAA"});
  CHECK(names(d.dictionaries.leads, a.lead_id) == strings{"-", "00Q5g00000Lead1AA", "-"});
  CHECK(names(d.dictionaries.opportunities, a.opportunity_id) == strings{"0065g00000AbCdEAA1", "-", "-"});
  CHECK(a.duration_min[0] == Approx(15.0));
  CHECK(std::isnan(a.duration_min[1]));
  CHECK(a.status == std::vector<activity_status>{activity_status::completed, activity_status::completed, activity_status::scheduled});
  CHECK(a.direction == std::vector<direction>(3, direction::outbound));
  CHECK(names(d.dictionaries.subjects, a.subject_id) == strings{"Intro call", "Send proposal", "Follow up"});
}

TEST_CASE("preset: Dynamics 365 activitypointer and opportunity", "[io][mapping][dynamics]") {
  crm_data d;
  const auto r = io::load_file(fixtures + "dynamics_activitypointer.csv", io::dynamics_activities(), d, lenient());
  CHECK(r.records == 6);
  CHECK(r.loaded == 4);
  CHECK(r.skipped == 1);
  CHECK(r.rejected == 1);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems.problems[0].to_string() ==
        "dynamics_activitypointer.csv line 7 (row 5), column 'activitytypecode': unknown activity type 'fax' (mapped to type)");
  const auto& a = d.activities;
  CHECK(a.type == std::vector<activity_type>{activity_type::email, activity_type::phone_call, activity_type::meeting,
                                             activity_type::email});
  CHECK(ts(a.ts[0]) == "2023-05-02T14:00:00Z");
  CHECK(ts(a.ts[1]) == "2023-05-03T09:00:00Z");
  CHECK(ts(a.ts[2]) == "2023-06-01T15:00:00Z");
  CHECK(a.direction == std::vector<direction>{direction::outbound, direction::inbound, direction::outbound, direction::inbound});
  CHECK(names(d.dictionaries.opportunities, a.opportunity_id) == strings{"o1", "-", "-", "o1"});
  CHECK(names(d.dictionaries.contacts, a.contact_id) == strings{"-", "c1", "-", "-"});
  CHECK(names(d.dictionaries.accounts, a.account_id) == strings{"-", "-", "acc1", "-"});
  CHECK(a.status == std::vector<activity_status>{activity_status::completed, activity_status::completed, activity_status::scheduled,
                                                 activity_status::completed});
  CHECK(a.duration_min[1] == 30.f);

  const auto o = io::load_file(fixtures + "dynamics_opportunity.csv", io::dynamics_opportunities(), d);
  CHECK(o.loaded == 3);
  const auto& p = d.opportunities;
  CHECK(d.stages.name(p.stage[0]) == "Propose");
  CHECK(d.stages.name(p.stage[1]) == "Close");
  CHECK(d.stages.name(p.stage[2]) == "Develop");  // stepname empty: salesstage 1
  CHECK(p.status == std::vector<deal_status>{deal_status::open, deal_status::won, deal_status::lost});
  CHECK(names(d.dictionaries.accounts, p.account_id) == strings{"acc1", "c9", "acc2"});
  CHECK(p.forecast_category == std::vector<forecast_category>{forecast_category::best_case, forecast_category::closed,
                                                              forecast_category::pipeline});
  CHECK(p.probability[0] == Approx(0.6));
  CHECK(ts(p.closed_ts[1]) == "2023-05-03T00:00:00Z");
  CHECK(is_missing(p.closed_ts[0]));
  const auto actual = p.view().attribute("actual_value");
  REQUIRE(actual.has_value());
  CHECK(std::isnan(actual->numbers[0]));
  CHECK(actual->numbers[1] == 5200.0);
  CHECK(names(d.dictionaries.reps, p.owner_rep_id) == strings{"u1", "u2", "u1"});  // same reps dictionary as activities
  CHECK(d.dictionaries.reps.size() == 2);
}

}  // namespace io_mapping_test
