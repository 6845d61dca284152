#include <salesmetrics/io/writer.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace io_writer_test {

using namespace salesmetrics;

namespace {

std::string random_name(std::mt19937& rng, int i) {
  static const char* pieces[] = {"a", "B", "x", " ", ",", "\"", "\n", ";", "\t", "\xC3\xA9", "\xE2\x82\xAC", "0", "-"};
  std::uniform_int_distribution<int> len(0, 6), pick(0, 12);
  std::string s = "n" + std::to_string(i);  // unique and non-empty
  const int n = len(rng);
  for (int k = 0; k < n; ++k) s += pieces[pick(rng)];
  return s;
}

void fill_dictionary(dictionary& d, std::mt19937& rng, int n) {
  for (int i = 0; i < n; ++i) d.encode(random_name(rng, i));
}

template <class T>
bool same(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) return (std::isnan(a) && std::isnan(b)) || a == b;
  else return a == b;
}

template <class Store>
void require_equal_columns(const Store& x, const Store& y) {
  std::vector<std::string> diffs;
  io::detail::for_each_column_pair(x, y, [&](auto, const auto& cx, const auto& cy) {
    bool eq = cx.size() == cy.size();
    for (std::size_t i = 0; eq && i < cx.size(); ++i) eq = same(cx[i], cy[i]);
    if (!eq) diffs.push_back("column differs");
  });
  CHECK(diffs.empty());
}

void require_equal_attributes(const std::vector<attribute_store>& x, const std::vector<attribute_store>& y) {
  REQUIRE(x.size() == y.size());
  for (std::size_t k = 0; k < x.size(); ++k) {
    CHECK(x[k].name == y[k].name);
    CHECK(x[k].is_categorical == y[k].is_categorical);
    CHECK(x[k].codes == y[k].codes);
    CHECK(x[k].labels.names() == y[k].labels.names());
    REQUIRE(x[k].numbers.size() == y[k].numbers.size());
    for (std::size_t i = 0; i < x[k].numbers.size(); ++i) CHECK(same(x[k].numbers[i], y[k].numbers[i]));
  }
}

crm_data make_random_data(unsigned seed, bool all_optional) {
  std::mt19937 rng(seed);
  crm_data d;
  auto& dict = d.dictionaries;
  for (dictionary* x : {&dict.reps, &dict.contacts, &dict.accounts, &dict.opportunities, &dict.leads, &dict.threads,
                        &dict.subjects, &dict.sources, &dict.activities})
    fill_dictionary(*x, rng, 40);
  d.stages = schema_stages::runtime();
  std::uniform_int_distribution<std::int64_t> ts(-200000000, 2000000000);
  std::uniform_int_distribution<int> id(0, 39), coin(0, 3), stage(0, 6), u8(0, 255);
  std::uniform_int_distribution<std::int64_t> cents(0, 100000000);
  std::uniform_real_distribution<float> minutes(0, 500), prob(0, 1);
  std::uniform_real_distribution<double> num(-1e6, 1e6);
  auto maybe = [&](dense_id v) { return coin(rng) == 0 ? no_id : v; };
  auto maybe_t = [&] { return coin(rng) == 0 ? no_time : from_unix(ts(rng)); };

  const int n = 40;
  auto& a = d.activities;
  for (int i = 0; i < n; ++i) {
    a.ts.push_back(from_unix(ts(rng)));
    a.type.push_back(static_cast<activity_type>(id(rng) % 5));
    a.direction.push_back(static_cast<direction>(id(rng) % 2));
    a.rep_id.push_back(id(rng));
    a.contact_id.push_back(maybe(id(rng)));
    if (all_optional) {
      a.activity_id.push_back(i);  // unique
      a.account_id.push_back(maybe(id(rng)));
      a.opportunity_id.push_back(maybe(id(rng)));
      a.lead_id.push_back(maybe(id(rng)));
      a.duration_min.push_back(coin(rng) == 0 ? std::numeric_limits<float>::quiet_NaN() : minutes(rng));
      a.thread_id.push_back(maybe(id(rng)));
      a.subject_id.push_back(maybe(id(rng)));
      a.status.push_back(static_cast<activity_status>(id(rng) % 2));
      a.our_attendees.push_back(static_cast<std::uint8_t>(u8(rng)));
    }
  }
  auto& o = d.opportunities;
  o.attribute("segment");
  o.attribute("size").is_categorical = false;
  auto& seg = o.attribute("segment");  // references taken after both exist (attribute() may grow the vector)
  auto& size = o.attribute("size");
  fill_dictionary(seg.labels, rng, 5);
  for (int i = 0; i < n; ++i) {
    o.opportunity_id.push_back(i);
    o.created_ts.push_back(from_unix(ts(rng)));
    o.stage.push_back(static_cast<stage_index>(stage(rng)));
    o.status.push_back(static_cast<deal_status>(id(rng) % 3));
    o.account_id.push_back(maybe(id(rng)));
    o.owner_rep_id.push_back(maybe(id(rng)));
    o.expected_close_ts.push_back(maybe_t());
    o.closed_ts.push_back(maybe_t());
    o.amount.push_back(coin(rng) == 0 ? money::missing() : money::from_cents(cents(rng)));
    if (all_optional) {
      o.probability.push_back(coin(rng) == 0 ? std::numeric_limits<float>::quiet_NaN() : prob(rng));
      o.forecast_category.push_back(static_cast<forecast_category>(id(rng) % 5));
      o.source.push_back(maybe(id(rng)));
    }
    seg.codes.push_back(coin(rng) == 0 ? no_id : id(rng) % 5);
    size.numbers.push_back(coin(rng) == 0 ? std::numeric_limits<double>::quiet_NaN() : num(rng));
  }
  auto& h = d.stage_history;
  for (int i = 0; i < n; ++i) {
    h.opportunity_id.push_back(id(rng));
    h.ts.push_back(from_unix(ts(rng)));
    h.from_stage.push_back(coin(rng) == 0 ? no_stage : static_cast<stage_index>(stage(rng)));
    h.to_stage.push_back(static_cast<stage_index>(stage(rng)));
    if (all_optional) {
      h.amount.push_back(coin(rng) == 0 ? money::missing() : money::from_cents(cents(rng)));
      h.expected_close_ts.push_back(maybe_t());
    }
  }
  auto& l = d.leads;
  auto& page = l.attribute("landing_page");
  fill_dictionary(page.labels, rng, 7);
  for (int i = 0; i < n; ++i) {
    l.lead_id.push_back(i);
    l.created_ts.push_back(from_unix(ts(rng)));
    if (all_optional) {
      l.source.push_back(maybe(id(rng)));
      l.owner_rep_id.push_back(maybe(id(rng)));
      l.converted_ts.push_back(maybe_t());
      l.opportunity_id.push_back(maybe(id(rng)));
      l.status.push_back(static_cast<lead_status>(id(rng) % 3));
    }
    page.codes.push_back(coin(rng) == 0 ? no_id : id(rng) % 7);
  }
  return d;
}

void require_equal(const crm_data& x, const crm_data& y) {
  const auto& dx = x.dictionaries;
  const auto& dy = y.dictionaries;
  CHECK(dx.reps.names() == dy.reps.names());
  CHECK(dx.contacts.names() == dy.contacts.names());
  CHECK(dx.accounts.names() == dy.accounts.names());
  CHECK(dx.opportunities.names() == dy.opportunities.names());
  CHECK(dx.leads.names() == dy.leads.names());
  CHECK(dx.threads.names() == dy.threads.names());
  CHECK(dx.subjects.names() == dy.subjects.names());
  CHECK(dx.sources.names() == dy.sources.names());
  CHECK(dx.activities.names() == dy.activities.names());
  CHECK(x.stages == y.stages);
  require_equal_columns(x.activities, y.activities);
  require_equal_columns(x.opportunities, y.opportunities);
  require_equal_columns(x.stage_history, y.stage_history);
  require_equal_columns(x.leads, y.leads);
  require_equal_attributes(x.opportunities.attributes, y.opportunities.attributes);
  require_equal_attributes(x.leads.attributes, y.leads.attributes);
}

}  // namespace

TEST_CASE("writer: load(write(x)) == x for random data sets", "[io][writer][random]") {
  for (unsigned seed : {11u, 12u, 13u}) {
    for (bool all : {true, false}) {
      const crm_data x = make_random_data(seed, all);
      REQUIRE(check_lengths(x.activities.view()).ok());
      const auto dir = std::filesystem::temp_directory_path() /
                       ("salesmetrics_io_roundtrip_" + std::to_string(seed) + (all ? "_all" : "_some"));
      std::filesystem::remove_all(dir);
      io::write_data_set(dir, x);
      const crm_data y = io::load_data_set(dir);
      require_equal(x, y);
      // and writing again gives the same bytes
      const auto dir2 = dir.string() + "_again";
      io::write_data_set(dir2, y);
      for (const char* f : {"dictionaries.csv", "stages.csv", "activities.csv", "opportunities.csv", "stage_history.csv", "leads.csv"})
        CHECK(io::read_text_file(dir / f) == io::read_text_file(std::filesystem::path(dir2) / f));
      std::filesystem::remove_all(dir);
      std::filesystem::remove_all(dir2);
    }
  }
}

TEST_CASE("writer: canonical CSV text, quoting and missing values", "[io][writer]") {
  crm_data d;
  d.stages = maven_stages::runtime();
  auto& o = d.opportunities;
  o.opportunity_id = {d.dictionaries.opportunities.encode("A,1"), d.dictionaries.opportunities.encode("B \"2\"")};
  o.created_ts = {from_unix(1488326400), no_time};
  o.stage = {1, 2};
  o.status = {deal_status::open, deal_status::won};
  o.amount = {money::missing(), money::from_cents(105425)};
  auto& seg = o.attribute("segment");
  seg.codes = {seg.labels.encode("smb"), no_id};
  std::ostringstream os;
  io::write_csv(os, o.view(), &d.dictionaries, &d.stages);
  CHECK(os.str() ==
        "opportunity_id,created_ts,stage,status,amount,attr.segment\n"
        "\"A,1\",2017-03-01T00:00:00Z,Engaging,open,,smb\n"
        "\"B \"\"2\"\"\",,Won,won,1054.25,\n");
  const auto j = io::to_json(o.view(), &d.dictionaries, &d.stages);
  CHECK(j.dump() ==
        R"([{"opportunity_id":"A,1","created_ts":"2017-03-01T00:00:00Z","stage":"Engaging","status":"open","amount":null,"segment":"smb"},)"
        R"({"opportunity_id":"B \"2\"","created_ts":null,"stage":"Won","status":"won","amount":"1054.25","segment":null}])");
  std::ostringstream ids;
  io::write_csv(ids, o.view());  // no dictionaries: dense integers
  CHECK(ids.str().substr(ids.str().find('\n') + 1, 2) == "0,");
  dictionary& opp = d.dictionaries.opportunities;
  o.opportunity_id[0] = opp.encode("");
  std::ostringstream bad;
  CHECK_THROWS_WITH(io::write_csv(bad, o.view(), &d.dictionaries, &d.stages),
                    "write: id 2 of column opportunity_id has an empty name, which would read back as missing");
}

}  // namespace io_writer_test
