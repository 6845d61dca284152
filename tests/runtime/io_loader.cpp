#include <salesmetrics/io/enron.hpp>
#include <salesmetrics/io/loader.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace io_loader_test {

using namespace salesmetrics;
using io::table_kind;

namespace {
io::load_options lenient() {
  io::load_options o;
  o.strict = false;
  return o;
}
const std::string act_header = "ts,type,direction,rep_id,contact_id,duration_min,subject\n";

std::vector<std::string> messages(const io::load_result& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems.problems) out.push_back(p.to_string());
  return out;
}

std::string strict_error(std::string_view text, table_kind t, crm_data& d, const std::string& name) {
  try {
    (void)io::load_table(text, io::canonical_mapping(t), d, {}, name);
  } catch (const input_error& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("loader: good canonical activities with shared dictionaries", "[io][loader]") {
  crm_data d;
  const std::string text = act_header +
                           "2017-03-01,email,outbound,alice,bob,,Hello\n"
                           "2017-03-02T09:30:00+01:00,phone_call,inbound,bob,carol,12.5,\"Re: \"\"Hello\"\", again\"\n"
                           "1488499200,Meeting,out,alice,,60,\n";
  const auto r = io::load_table(text, io::canonical_mapping(table_kind::activities), d, {}, "acts.csv");
  CHECK(r.records == 3);
  CHECK(r.loaded == 3);
  CHECK(r.rejected == 0);
  CHECK(r.balanced());
  const auto& a = d.activities;
  REQUIRE(a.size() == 3);
  CHECK(to_unix(a.ts[0]) == 1488326400);
  CHECK(to_unix(a.ts[1]) == 1488326400 + 86400 + 8 * 3600 + 30 * 60);
  CHECK(to_unix(a.ts[2]) == 1488499200);
  CHECK(a.type == std::vector<activity_type>{activity_type::email, activity_type::phone_call, activity_type::meeting});
  CHECK(a.direction == std::vector<direction>{direction::outbound, direction::inbound, direction::outbound});
  CHECK(a.rep_id == std::vector<dense_id>{0, 1, 0});
  CHECK(d.dictionaries.reps.names() == std::vector<std::string>{"alice", "bob"});
  CHECK(a.contact_id == std::vector<dense_id>{0, 1, no_id});
  CHECK(std::isnan(a.duration_min[0]));
  CHECK(a.duration_min[1] == 12.5f);
  CHECK(d.dictionaries.subjects.name(a.subject_id[1]) == "Re: \"Hello\", again");
  CHECK(a.subject_id[2] == no_id);
  CHECK(a.status.empty());  // not in the file: absent
  CHECK(check_lengths(a.view()).ok());

  // opportunities share the reps dictionary
  d.stages = maven_stages::runtime();
  const auto o = io::load_table("opportunity_id,owner_rep_id,created_ts,stage,status\nX1,bob,2017-01-01,Engaging,open\n",
                                io::canonical_mapping(table_kind::opportunities), d, {}, "opps.csv");
  CHECK(o.loaded == 1);
  CHECK(d.opportunities.owner_rep_id[0] == 1);
}

TEST_CASE("loader: every bad activity row is reported, good rows are kept (lenient)", "[io][loader][errors]") {
  crm_data d;
  const std::string text = act_header +
                           "2017-03-01,email,outbound,alice,bob,,ok one\n"           // line 2 good
                           "2017-03-01,email,outbound,alice,bob,5\n"                 // line 3 truncated
                           "2017-03-01,email,outbound,alice,bob,5,s,extra\n"         // line 4 extra column
                           "2017-02-30,email,outbound,alice,bob,5,s\n"               // line 5 bad date
                           "2017-03-01,fax,outbound,alice,bob,5,s\n"                 // line 6 unknown enum
                           "2017-03-01,email,sideways,alice,bob,5,s\n"               // line 7 unknown direction
                           "2017-03-01,meeting,inbound,alice,bob,-5,s\n"             // line 8 negative duration
                           "2017-03-01,email,outbound,alice,bob,abc,s\n"             // line 9 not a number
                           "2017-03-01,email,outbound,,bob,1,s\n"                    // line 10 missing rep
                           "2017-03-01,email,inbound,alice,bob,1,caf\xC3\n"          // line 11 invalid UTF-8
                           "2017-03-01,email,inbound,alice,\"bob\"x,1,s\n"           // line 12 text after quote
                           ",email,inbound,alice,bob,1,s\n"                          // line 13 missing ts
                           "2017-03-05,call,in,carol,dave,3.5,\"multi\nline\"\n"     // lines 14-15 good
                           "2017-03-06,email,outbound,erin,bob,,last\n";             // line 16 good
  const auto r = io::load_table(text, io::canonical_mapping(table_kind::activities), d, lenient(), "acts.csv");
  CHECK(messages(r) == std::vector<std::string>{
                           "acts.csv line 3 (row 1): expected 7 fields, found 6",
                           "acts.csv line 4 (row 2): expected 7 fields, found 8",
                           "acts.csv line 5 (row 3), column 'ts': not a date or date-time: '2017-02-30'",
                           "acts.csv line 6 (row 4), column 'type': unknown activity type 'fax'",
                           "acts.csv line 7 (row 5), column 'direction': unknown direction 'sideways'",
                           "acts.csv line 8 (row 6), column 'duration_min': negative duration '-5'",
                           "acts.csv line 9 (row 7), column 'duration_min': not a number: 'abc'",
                           "acts.csv line 10 (row 8), column 'rep_id': required value is missing",
                           "acts.csv line 11 (row 9), column 'subject': invalid UTF-8 at byte 3 of the field",
                           "acts.csv line 12 (row 10), column 'contact_id': text after the closing quote of a quoted field",
                           "acts.csv line 13 (row 11), column 'ts': required value is missing",
                       });
  CHECK(r.records == 14);  // lines 14-15 are one record
  CHECK(r.loaded == 3);
  CHECK(r.rejected == 11);
  CHECK(r.balanced());
  const auto& a = d.activities;
  REQUIRE(a.size() == 3);
  CHECK(d.dictionaries.reps.name(a.rep_id[1]) == "carol");
  CHECK(d.dictionaries.subjects.name(a.subject_id[1]) == "multi\nline");
  CHECK(a.duration_min[1] == 3.5f);
  CHECK(a.direction[1] == direction::inbound);
  CHECK(io::format_timestamp(a.ts[2]) == "2017-03-06T00:00:00Z");
  CHECK(check_lengths(a.view()).ok());
  // rejected rows add nothing to the dictionaries
  CHECK(d.dictionaries.reps.names() == std::vector<std::string>{"alice", "carol", "erin"});
  CHECK(d.dictionaries.subjects.names() == std::vector<std::string>{"ok one", "multi\nline", "last"});
}

TEST_CASE("loader: strict mode throws the first bad row and leaves the table as it was", "[io][loader][errors]") {
  crm_data d;
  (void)io::load_table(act_header + "2017-03-01,email,outbound,alice,bob,,x\n", io::canonical_mapping(table_kind::activities), d,
                       {}, "first.csv");
  REQUIRE(d.activities.size() == 1);
  const std::string bad = act_header + "2017-03-02,email,outbound,alice,bob,,y\n2017-03-02,email,outbound,alice,bob,-1,y\n";
  CHECK(strict_error(bad, table_kind::activities, d, "second.csv") ==
        "second.csv line 3 (row 1), column 'duration_min': negative duration '-1'");
  CHECK(d.activities.size() == 1);
  CHECK(d.activities.ts.size() == 1);
  CHECK(d.activities.subject_id.size() == 1);
  CHECK(check_lengths(d.activities.view()).ok());
  try {
    (void)io::load_table(bad, io::canonical_mapping(table_kind::activities), d, {}, "second.csv");
  } catch (const input_error& e) {
    CHECK(e.where().line == 3);
    CHECK(e.where().column == "duration_min");
  }
}

TEST_CASE("loader: opportunity errors: unknown stage, negative amount, duplicate id, bad status", "[io][loader][errors]") {
  crm_data d;
  d.stages = maven_stages::runtime();
  const std::string text =
      "opportunity_id,created_ts,stage,status,amount,probability\n"
      "A,2017-01-01,Won,won,10.50,0.9\n"           // 2 good
      "B,2017-01-01,Negotiation,open,5,\n"         // 3 unknown stage
      "C,2017-01-01,Engaging,open,-5,\n"           // 4 negative amount
      "A,2017-01-02,Lost,lost,3,\n"                // 5 duplicate id
      "D,2017-01-02,Lost,maybe,3,\n"               // 6 unknown status
      "E,2017-01-02,Lost,lost,3.999,\n"            // 7 sub-cent amount
      "F,2017-01-02,Engaging,open,,1.5\n"          // 8 probability out of range
      "G,2017-01-03,engaging,Open,1e3,\n"          // 9 amount not exact decimal
      "H,2017-01-03,closed won,open,7,0\n";        // 10 good ("closed won" finds the won stage)
  const auto r = io::load_table(text, io::canonical_mapping(table_kind::opportunities), d, lenient(), "opps.csv");
  CHECK(messages(r) == std::vector<std::string>{
                           "opps.csv line 3 (row 1), column 'stage': unknown stage 'Negotiation' (stages: Prospecting, Engaging, Won, Lost)",
                           "opps.csv line 4 (row 2), column 'amount': negative amount '-5'",
                           "opps.csv line 5 (row 3), column 'opportunity_id': duplicate opportunity_id 'A' (first at line 2)",
                           "opps.csv line 6 (row 4), column 'status': unknown deal status 'maybe'",
                           "opps.csv line 7 (row 5), column 'amount': not an amount: '3.999'",
                           "opps.csv line 8 (row 6), column 'probability': probability '1.5' is outside 0..1",
                           "opps.csv line 9 (row 7), column 'amount': not an amount: '1e3'",
                       });
  CHECK(r.loaded == 2);
  CHECK(r.balanced());
  CHECK(d.opportunities.amount[0] == money::from_cents(1050));
  CHECK(d.opportunities.stage[1] == d.stages.won());
  CHECK(d.opportunities.probability[1] == 0.f);
  // a later file repeating an id already in the table
  const auto r2 = io::load_table("opportunity_id,created_ts,stage,status\nH,2017-02-01,Won,won\n",
                                 io::canonical_mapping(table_kind::opportunities), d, lenient(), "more.csv");
  CHECK(messages(r2) == std::vector<std::string>{
                            "more.csv line 2 (row 0), column 'opportunity_id': duplicate opportunity_id 'H' (already in the table)"});
}

TEST_CASE("loader: file-level errors: empty file, header only, missing column", "[io][loader][errors]") {
  crm_data d;
  CHECK(strict_error("", table_kind::activities, d, "empty.csv") == "empty.csv: empty file: no header line");
  CHECK(strict_error("\n\n", table_kind::activities, d, "blank.csv") == "blank.csv: empty file: no header line");
  io::load_options o = lenient();
  CHECK_THROWS_WITH(io::load_table("", io::canonical_mapping(table_kind::activities), d, o, "empty.csv"),
                    "empty.csv: empty file: no header line");
  const auto r = io::load_table(act_header, io::canonical_mapping(table_kind::activities), d, o, "header.csv");
  CHECK(r.records == 0);
  CHECK(r.loaded == 0);
  CHECK(r.problems.ok());
  CHECK(d.activities.size() == 0);
  CHECK(strict_error("ts,type,direction,contact_id\n2017-01-01,email,outbound,x\n", table_kind::activities, d, "nocol.csv") ==
        "nocol.csv line 1, column 'rep_id': missing from the header (needed for rep_id; columns: ts, type, direction, contact_id)");
  CHECK(strict_error("ts,ts,type,direction,rep_id\n", table_kind::activities, d, "dup.csv") ==
        "dup.csv line 1, column 'ts': the header has this column twice");
  CHECK(strict_error("ts,ty\xFFpe\n", table_kind::activities, d, "h.csv") == "h.csv line 1: header: invalid UTF-8 at byte 2 of the field");
  crm_data no_stages;
  CHECK_THROWS_WITH(io::load_table("opportunity_id,created_ts,stage,status\n", io::canonical_mapping(table_kind::opportunities),
                                   no_stages, {}, "o.csv"),
                    "load o.csv: no stage list (give \"stages\" in the mapping or set crm_data::stages)");
}

TEST_CASE("loader: appending pads optional columns present on one side only", "[io][loader]") {
  crm_data d;
  (void)io::load_table("ts,type,direction,rep_id\n2017-01-01,email,outbound,a\n", io::canonical_mapping(table_kind::activities), d);
  (void)io::load_table("ts,type,direction,rep_id,duration_min\n2017-01-02,meeting,outbound,b,30\n",
                       io::canonical_mapping(table_kind::activities), d);
  (void)io::load_table("ts,type,direction,rep_id\n2017-01-03,email,inbound,a\n", io::canonical_mapping(table_kind::activities), d);
  REQUIRE(d.activities.size() == 3);
  REQUIRE(d.activities.duration_min.size() == 3);
  CHECK(std::isnan(d.activities.duration_min[0]));
  CHECK(d.activities.duration_min[1] == 30.f);
  CHECK(std::isnan(d.activities.duration_min[2]));
  CHECK(check_lengths(d.activities.view()).ok());
  CHECK_THROWS_WITH(io::load_table("ts,type,direction,rep_id,status\n2017-01-03,email,inbound,a,completed\n",
                                   io::canonical_mapping(table_kind::activities), d, {}, "s.csv"),
                    "load s.csv: column status is present on one side only of an append and has no missing value");
  CHECK(d.activities.size() == 3);
}

TEST_CASE("enron adapter: our-side rule and bad lines on a hand-made fixture", "[io][enron][errors]") {
  const std::string dir = std::string(SALESMETRICS_SOURCE_DIR) + "/tests/data/io/enron_small";
  crm_data d;
  const auto r = io::load_enron(dir, d, {"Legal", false});
  CHECK(r.message_problems.to_string() == "messages.tsv line 3 (row 2), column 'unix_time': not a unix time: 'soon'\n");
  CHECK(messages(r.rows) == std::vector<std::string>{
                                "recipients.tsv line 5 (row 4), column 'mid': message line 3 of messages.tsv is unusable: not a unix time: 'soon'",
                                "recipients.tsv line 7 (row 6), column 'mid': unknown message id '9'",
                                "recipients.tsv line 8 (row 7), column 'receiver_id': unknown employee '7'",
                            });
  CHECK(r.rows.records == 8);
  CHECK(r.rows.loaded == 3);
  CHECK(r.rows.rejected == 3);
  CHECK(r.rows.skipped == 2);
  CHECK(r.rows.balanced());
  CHECK(r.outbound == 2);
  CHECK(r.inbound == 1);
  const auto& a = d.activities;
  auto name = [](const dictionary& dict, dense_id id) { return id < 0 ? std::string("-") : dict.name(id); };
  std::vector<std::string> rows;
  for (std::size_t i = 0; i < a.size(); ++i)
    rows.push_back(std::to_string(to_unix(a.ts[i])) + " " + std::string(to_string(a.direction[i])) + " " +
                   name(d.dictionaries.reps, a.rep_id[i]) + " -> " + name(d.dictionaries.contacts, a.contact_id[i]) + " [" +
                   name(d.dictionaries.subjects, a.subject_id[i]) + "]");
  CHECK(rows == std::vector<std::string>{"910930020 outbound Ann Legal -> Bob Trader [Contract \"draft\"]",
                                         "910930020 outbound Ann Legal -> Cid Other [Contract \"draft\"]",
                                         "910930080 inbound Ann Legal -> Bob Trader [-]"});
  crm_data strict;
  CHECK_THROWS_WITH(io::load_enron(dir, strict, {"Legal", true}),
                    "messages.tsv line 3 (row 2), column 'unix_time': not a unix time: 'soon'");
  CHECK(strict.activities.size() == 0);
}

TEST_CASE("loader: random corruption never loses a row silently", "[io][loader][random]") {
  const std::string good = act_header +
                           "2017-03-01,email,outbound,alice,bob,1,\"a, b\"\n"
                           "2017-03-02T10:00:00Z,meeting,inbound,bob,carol,30,\"x\"\"y\"\n"
                           "2017-03-03,phone_call,outbound,carol,,2.5,plain\n";
  const char junk[] = {'"', ',', '\n', '\r', 'x', '-', '\xFF', '\xC3', '9', ' '};
  for (unsigned seed = 0; seed < 300; ++seed) {
    std::mt19937 rng(seed);
    std::string text = good;
    std::uniform_int_distribution<int> edits(1, 6), what(0, 2), pick(0, 9);
    for (int e = edits(rng); e > 0; --e) {
      std::uniform_int_distribution<std::size_t> pos(act_header.size(), text.size() - 1);
      const std::size_t p = pos(rng);
      switch (what(rng)) {
        case 0: text.insert(text.begin() + static_cast<std::ptrdiff_t>(p), junk[pick(rng)]); break;
        case 1: text.erase(p, 1); break;
        default: text[p] = junk[pick(rng)]; break;
      }
    }
    io::csv_reader reader(text);
    io::csv_record rec;
    std::int64_t records = -1;  // the header
    while (reader.next(rec)) ++records;
    crm_data d;
    const auto r = io::load_table(text, io::canonical_mapping(table_kind::activities), d, lenient(), "fuzz.csv");
    INFO("seed " << seed);
    CHECK(r.records == records);
    CHECK(r.balanced());
    CHECK(r.problems.size() == static_cast<std::size_t>(r.rejected));
    CHECK(d.activities.size() == static_cast<std::size_t>(r.loaded));
    CHECK(check_lengths(d.activities.view()).ok());
  }
}

}  // namespace io_loader_test
