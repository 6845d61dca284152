// Real exports: every row is loaded or reported, with counts checked against independent counts
// (plain line splitting of the same files, and the figures of the data sets' SOURCE.md).
#include <salesmetrics/io/enron.hpp>
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/mapping.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace io_real_data_test {

using namespace salesmetrics;
namespace fs = std::filesystem;

namespace {
const fs::path source_dir = SALESMETRICS_SOURCE_DIR;
const fs::path shared_dir = SALESMETRICS_SHARED_DATA_DIR;

// Independent reader: splits physical lines (CR stripped) on a separator, no quoting.
std::vector<std::vector<std::string>> split_lines(const fs::path& p, char sep, bool skip_header) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (first && skip_header) {
      first = false;
      continue;
    }
    first = false;
    std::vector<std::string> f;
    std::string cur;
    for (char c : line) {
      if (c == sep) {
        f.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    f.push_back(cur);
    rows.push_back(f);
  }
  return rows;
}
}  // namespace

TEST_CASE("Maven sales pipeline: all 8,800 rows, tallies as in SOURCE.md", "[io][real][maven]") {
  crm_data d;
  const auto mapping = io::read_mapping_file(source_dir / "data/mappings/maven.json");
  const auto r = io::load_file(source_dir / "data/maven/sales_pipeline.csv", mapping, d);  // strict: any bad row throws
  const auto raw = split_lines(source_dir / "data/maven/sales_pipeline.csv", ',', true);
  REQUIRE(raw.size() == 8800);
  CHECK(r.records == 8800);
  CHECK(r.loaded == 8800);
  CHECK(r.rejected == 0);
  CHECK(r.skipped == 0);
  const auto& o = d.opportunities;
  REQUIRE(o.size() == 8800);
  CHECK(check_lengths(o.view()).ok());

  std::map<std::string, int> stage_tally, raw_tally;
  for (auto s : o.stage) ++stage_tally[d.stages.name(s)];
  for (const auto& f : raw) ++raw_tally[f[4]];
  CHECK(stage_tally == raw_tally);
  CHECK(stage_tally == std::map<std::string, int>{{"Won", 4238}, {"Lost", 2473}, {"Engaging", 1589}, {"Prospecting", 500}});
  int won = 0, lost = 0, open = 0, open_no_account = 0, no_created = 0, with_close = 0;
  std::int64_t won_cents = 0, raw_won_units = 0;
  for (std::size_t i = 0; i < o.size(); ++i) {
    won += o.status[i] == deal_status::won;
    lost += o.status[i] == deal_status::lost;
    open += o.status[i] == deal_status::open;
    open_no_account += o.status[i] == deal_status::open && o.account_id[i] == no_id;
    no_created += is_missing(o.created_ts[i]);
    with_close += !is_missing(o.closed_ts[i]);
    if (o.status[i] == deal_status::won) won_cents += o.amount[i].cents;
    // row order is file order
    CHECK(d.dictionaries.opportunities.name(o.opportunity_id[i]) == raw[i][0]);
  }
  for (const auto& f : raw)
    if (f[4] == "Won") raw_won_units += std::stoll(f[7]);
  CHECK(won == 4238);
  CHECK(lost == 2473);
  CHECK(open == 2089);
  CHECK(open_no_account == 1425);
  CHECK(no_created == 500);  // Prospecting rows have no engage_date
  CHECK(with_close == 4238 + 2473);
  CHECK(won_cents == raw_won_units * 100);
  CHECK(d.dictionaries.reps.size() == 30);
  CHECK(io::format_timestamp(*std::min_element(o.closed_ts.begin(), o.closed_ts.end(), [](auto a, auto b) {
          return !is_missing(a) && (is_missing(b) || a < b);
        })) == "2017-03-01T00:00:00Z");
  // joins
  REQUIRE(r.joins.size() == 3);
  CHECK(r.joins[0].matched == 8800 - 1425);
  CHECK(r.joins[0].empty_key == 1425);
  CHECK(r.joins[1].matched == 8800);  // GTXPro rewritten to GTX Pro
  CHECK(r.joins[2].matched == 8800);
  const auto v = o.view();
  const auto product = v.attribute("product");
  const auto series = v.attribute("series");
  const auto sector = v.attribute("sector");
  const auto price = v.attribute("sales_price");
  REQUIRE((product && series && sector && price));
  CHECK(product->labels->name(product->codes[1]) == "GTXPro");
  CHECK(series->labels->name(series->codes[1]) == "GTX");
  CHECK(price->numbers[1] == 4821.0);
  int no_sector = 0;
  for (auto c : sector->codes) no_sector += c == no_id;
  CHECK(no_sector == 1425);
}

TEST_CASE("Enron: one activity per (message, recipient), with and without the our-side rule", "[io][real][enron]") {
  const fs::path dir = shared_dir / "enron-email-activity";
  if (!fs::exists(dir / "recipients.tsv")) {
    WARN("skipped: " << (dir / "recipients.tsv").string() << " not found");
    return;
  }
  // independent counts
  const auto employees = split_lines(dir / "employees.txt", '\t', false);
  const auto messages = split_lines(dir / "messages.tsv", '\t', false);
  const auto recipients = split_lines(dir / "recipients.tsv", '\t', false);
  REQUIRE(recipients.size() == 38388);
  REQUIRE(messages.size() == 21635);
  std::map<std::string, std::string> dept;
  for (const auto& e : employees) dept[e[0]] = e[2];
  std::map<std::string, std::pair<std::string, std::string>> sender_subject;
  for (const auto& m : messages) sender_subject[m[0]] = {m[4], m[3]};
  int out = 0, in = 0, skipped = 0, internal = 0, empty_subject = 0;
  std::set<std::string> subjects;
  for (const auto& r : recipients) {
    const auto& [sender, subject] = sender_subject.at(r[0]);
    const bool s = dept.at(sender) == "Legal", t = dept.at(r[2]) == "Legal";
    if (s) ++out, internal += t;
    else if (t) ++in;
    else ++skipped;
    empty_subject += subject.empty();
    if (!subject.empty()) subjects.insert(subject);
  }

  crm_data all;
  const auto plain = io::load_enron(dir, all);
  CHECK(plain.rows.records == 38388);
  CHECK(plain.rows.loaded == 38388);
  CHECK(plain.rows.balanced());
  CHECK(plain.employees == 156);
  CHECK(plain.messages == 21635);
  const auto& a = all.activities;
  CHECK(check_lengths(a.view()).ok());
  int missing_subject = 0;
  for (auto s : a.subject_id) missing_subject += s == no_id;
  CHECK(missing_subject == empty_subject);
  CHECK(all.dictionaries.subjects.size() == subjects.size());
  CHECK(all.dictionaries.subjects.find("Re: Indemnification").has_value());

  // the generic join mapping gives the same rows
  crm_data generic;
  const auto g = io::load_file(dir / "recipients.tsv", io::read_mapping_file(source_dir / "data/mappings/enron.json"), generic);
  CHECK(g.loaded == 38388);
  REQUIRE(generic.activities.size() == a.size());
  bool same = true;
  for (std::size_t i = 0; i < a.size() && same; ++i)
    same = a.ts[i] == generic.activities.ts[i] && a.direction[i] == generic.activities.direction[i] &&
           all.dictionaries.reps.name(a.rep_id[i]) == generic.dictionaries.reps.name(generic.activities.rep_id[i]) &&
           all.dictionaries.contacts.name(a.contact_id[i]) == generic.dictionaries.contacts.name(generic.activities.contact_id[i]) &&
           all.dictionaries.subjects.name(a.subject_id[i]) == generic.dictionaries.subjects.name(generic.activities.subject_id[i]);
  CHECK(same);

  crm_data legal;
  const auto ruled = io::load_enron(dir, legal, {"Legal", true});
  CHECK(ruled.rows.records == 38388);
  CHECK(ruled.rows.loaded == out + in);
  CHECK(ruled.rows.skipped == skipped);
  CHECK(ruled.outbound == out);
  CHECK(ruled.inbound == in);
  CHECK(ruled.internal == internal);
  CHECK(ruled.rows.balanced());
  CHECK(legal.dictionaries.reps.size() <= 25);  // only Legal employees act as reps
  CHECK_THROWS_WITH(io::load_enron(dir, legal, {"Sales", true}), "load_enron: no employee is in department 'Sales'");
}

TEST_CASE("Olist: 8,000 leads, 842 won deals converted from them", "[io][real][olist]") {
  const fs::path dir = shared_dir / "olist-marketing-funnel";
  if (!fs::exists(dir / "olist_marketing_qualified_leads_dataset.csv")) {
    WARN("skipped: " << dir.string() << " not found");
    return;
  }
  const auto mql = split_lines(dir / "olist_marketing_qualified_leads_dataset.csv", ',', true);
  const auto deals = split_lines(dir / "olist_closed_deals_dataset.csv", ',', true);
  REQUIRE(mql.size() == 8000);
  REQUIRE(deals.size() == 842);
  int empty_origin = 0;
  for (const auto& f : mql) empty_origin += f[3].empty();

  crm_data d;
  const auto l = io::load_file(dir / "olist_marketing_qualified_leads_dataset.csv",
                               io::read_mapping_file(source_dir / "data/mappings/olist_leads.json"), d);
  CHECK(l.records == 8000);
  CHECK(l.loaded == 8000);
  REQUIRE(l.joins.size() == 1);
  CHECK(l.joins[0].matched == 842);
  CHECK(l.joins[0].unmatched == 8000 - 842);
  const auto o = io::load_file(dir / "olist_closed_deals_dataset.csv", io::read_mapping_file(source_dir / "data/mappings/olist_deals.json"), d);
  CHECK(o.records == 842);
  CHECK(o.loaded == 842);
  CHECK(o.balanced());

  const auto& leads = d.leads;
  int converted = 0, no_source = 0;
  std::set<dense_id> converted_into;
  for (std::size_t i = 0; i < leads.size(); ++i) {
    converted += leads.status[i] == lead_status::converted;
    no_source += leads.source[i] == no_id;
    if (leads.status[i] == lead_status::converted) {
      CHECK(!is_missing(leads.converted_ts[i]));
      converted_into.insert(leads.opportunity_id[i]);
    } else {
      CHECK(leads.opportunity_id[i] == no_id);
    }
  }
  CHECK(converted == 842);
  CHECK(no_source == empty_origin);
  CHECK(no_source == 60);
  const auto& opp = d.opportunities;
  std::set<dense_id> deal_ids(opp.opportunity_id.begin(), opp.opportunity_id.end());
  CHECK(deal_ids == converted_into);  // every deal is the conversion of one lead, and back
  int won_before_contact = 0;
  for (std::size_t i = 0; i < opp.size(); ++i) {
    CHECK(opp.status[i] == deal_status::won);
    won_before_contact += opp.closed_ts[i] < opp.created_ts[i];
  }
  CHECK(won_before_contact == 1);  // the quirk SOURCE.md mentions, kept as it is
  CHECK(d.dictionaries.sources.find("unknown").has_value());
  const auto page = leads.view().attribute("landing_page");
  REQUIRE(page.has_value());
  CHECK(std::count(page->codes.begin(), page->codes.end(), no_id) == 0);
}

}  // namespace io_real_data_test
