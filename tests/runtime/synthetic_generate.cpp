// The synthetic generator: byte-identical output per seed (a committed fingerprint), clean
// validation, the documented structure, and its distributions within tolerances.
#include <salesmetrics/synthetic/generate.hpp>
#include <salesmetrics/table/validate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace synthetic_generate_test {

using namespace salesmetrics;
namespace syn = salesmetrics::synthetic;

namespace {

/// FNV-1a over every value of every column (as little-endian 64-bit words, floats by their
/// IEEE bits), the attribute columns, the dictionaries and the stage names: equal
/// fingerprints mean byte-identical data sets, whatever the platform's endianness.
struct fnv1a {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void byte(std::uint8_t b) { h = (h ^ b) * 0x100000001b3ULL; }
  void word(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void text(std::string_view s) {
    word(s.size());
    for (char c : s) byte(static_cast<std::uint8_t>(c));
  }
  template <class T>
  void value(const T& v) {
    if constexpr (std::is_same_v<T, timestamp>) word(static_cast<std::uint64_t>(to_unix(v)));
    else if constexpr (std::is_same_v<T, money>) word(static_cast<std::uint64_t>(v.cents));
    else if constexpr (std::is_same_v<T, float>) word(std::bit_cast<std::uint32_t>(v));
    else if constexpr (std::is_same_v<T, double>) word(std::bit_cast<std::uint64_t>(v));
    else if constexpr (std::is_enum_v<T>) word(static_cast<std::uint64_t>(static_cast<std::underlying_type_t<T>>(v)));
    else word(static_cast<std::uint64_t>(static_cast<std::int64_t>(v)));
  }
  template <class Store>
  void table(const Store& s) {
    salesmetrics::detail::for_each_column(s, [&](std::string_view name, const auto& col) {
      text(name);
      word(col.size());
      for (const auto& v : col) value(v);
    });
  }
  void dict(const dictionary& d) {
    word(d.size());
    for (const auto& n : d.names()) text(n);
  }
  void attributes(const std::vector<attribute_store>& attrs) {
    for (const auto& a : attrs) {
      text(a.name);
      for (dense_id c : a.codes) value(c);
      for (double x : a.numbers) value(x);
      dict(a.labels);
    }
  }
};

std::uint64_t fingerprint(const crm_data& d) {
  fnv1a f;
  f.table(d.activities);
  f.table(d.opportunities);
  f.attributes(d.opportunities.attributes);
  f.table(d.stage_history);
  f.table(d.leads);
  f.attributes(d.leads.attributes);
  const crm_dictionaries& x = d.dictionaries;
  for (const dictionary* dict : {&x.reps, &x.contacts, &x.accounts, &x.opportunities, &x.leads, &x.threads, &x.subjects,
                                 &x.sources, &x.activities})
    f.dict(*dict);
  for (const auto& s : d.stages.names()) f.text(s);
  return f.h;
}

constexpr std::size_t medium_rows = 300'000;

/// One mid-sized data set shared by the structure and distribution tests.
const crm_data& medium() {
  static const crm_data d = syn::generate(syn::config::for_activities(medium_rows, 7));
  return d;
}

bool is_weekend(timestamp t) { return iso_weekday(unix_day(t)) >= 6; }
std::int64_t hour_of(timestamp t) { return (to_unix(t) % 86400) / 3600; }

}  // namespace

TEST_CASE("the same seed gives byte-identical data; the fingerprint is committed", "[synthetic]") {
  const syn::config cfg = syn::config::for_activities(20'000, 42);
  const crm_data a = syn::generate(cfg);
  const crm_data b = syn::generate(cfg);
  const std::uint64_t fa = fingerprint(a);
  CHECK(fa == fingerprint(b));
  CHECK(a.activities.ts == b.activities.ts);
  CHECK(a.stage_history.to_stage == b.stage_history.to_stage);
  // Computed once with g++ 12 on x86-64; any platform, compiler or library must reproduce it.
  CHECK(fa == 0xca12b89f9f644171ULL);
  syn::config other = cfg;
  other.seed = 43;
  CHECK(fingerprint(syn::generate(other)) != fa);
  // The fingerprint sees single-value changes.
  crm_data c = a;
  c.activities.duration_min[17] += 0.25f;
  CHECK(fingerprint(c) != fa);
}

TEST_CASE("generated data sets validate with zero problems", "[synthetic]") {
  const problem_report r = validate(medium().view());
  INFO(r.to_string());
  CHECK(r.ok());
  CHECK(validate(medium().view(), validate_options{.require_sorted_activities = true}).ok());

  SECTION("unusual configurations too") {
    std::vector<syn::config> configs;
    syn::config tiny = syn::config::for_activities(1, 1);
    configs.push_back(tiny);
    syn::config empty = syn::config::for_activities(0, 2);
    configs.push_back(empty);
    syn::config odd = syn::config::for_activities(5'000, 3);
    odd.accounts = 300;  // more accounts than the 100 contacts
    odd.contacts = 100;
    odd.weekend_share = 0.0;
    odd.scheduled_share = 0.0;
    odd.lead_sourced_share = 0.0;
    odd.max_thread_length = 2;
    odd.reps = 1;
    odd.name_threads = true;
    configs.push_back(odd);
    syn::config short_range = syn::config::for_activities(3'000, 4);
    short_range.start = from_unix(1704067200 + 3600);  // 2024-01-01T01:00Z .. 2024-01-01T06:00Z
    short_range.end = from_unix(1704067200 + 6 * 3600);
    short_range.growth_per_year = -0.5;
    configs.push_back(short_range);
    syn::config everything = syn::config::for_activities(4'000, 5);
    everything.advance_probability = {1.0, 1.0, 1.0, 1.0, 1.0};
    everything.regress_probability = 0.0;
    everything.thread_inbound_start = 1.0;
    everything.reply_probability = 1.0;
    everything.customer_reply_probability = 1.0;
    everything.email_share = 1.0;
    everything.meeting_share = 0.0;
    everything.call_share = 0.0;
    configs.push_back(everything);
    for (const syn::config& cfg : configs) {
      const crm_data d = syn::generate(cfg);
      CHECK(d.activities.size() == cfg.activities);
      const problem_report rr = validate(d.view(), validate_options{.require_sorted_activities = true});
      INFO("seed " << cfg.seed << "\n" << rr.to_string());
      CHECK(rr.ok());
    }
  }
}

TEST_CASE("config errors name the field", "[synthetic]") {
  syn::config c;
  c.email_share = 0.5;
  CHECK_THROWS_WITH(syn::generate(c), "synthetic::config: email_share + meeting_share + call_share must sum to 1");
  c = syn::config{};
  c.end = c.start;
  CHECK_THROWS_WITH(syn::generate(c), "synthetic::config: end must be after start");
  c = syn::config{};
  c.reply_probability = 1.5;
  CHECK_THROWS_WITH(syn::generate(c), "synthetic::config: reply_probability must be in [0, 1]");
  c = syn::config{};
  c.advance_probability[2] = 0.99;
  CHECK_THROWS_WITH(c.check(), "synthetic::config: advance_probability + regress_probability must be at most 1");
  const syn::config s = syn::config::for_activities(10'000'000);
  CHECK(s.reps == 2000);
  CHECK(s.accounts == 20'000);
  CHECK(s.contacts == 200'000);
}

TEST_CASE("structure of the generated tables", "[synthetic]") {
  const crm_data& d = medium();
  const syn::config cfg = syn::config::for_activities(medium_rows, 7);
  const activity_store& a = d.activities;
  const std::size_t n = a.size();
  REQUIRE(n == medium_rows);
  CHECK(a.activity_id.empty());
  CHECK(a.lead_id.empty());

  const auto n_scheduled = static_cast<std::size_t>(std::llround(medium_rows * cfg.scheduled_share));
  std::size_t scheduled = 0;
  std::map<dense_id, timestamp> thread_last;
  dense_id max_thread = -1;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) REQUIRE(a.ts[i - 1] <= a.ts[i]);
    const activity_type type = a.type[i];
    const float m = a.duration_min[i];
    REQUIRE(m * 4.f == std::floor(m * 4.f));  // multiples of 0.25
    if (a.status[i] == activity_status::scheduled) {
      ++scheduled;
      REQUIRE(a.ts[i] >= cfg.end);
      REQUIRE(a.ts[i] < cfg.end + std::chrono::days(cfg.scheduled_horizon_days + 3));
      REQUIRE(!is_weekend(a.ts[i]));
      REQUIRE(type != activity_type::email);
      continue;
    }
    REQUIRE(a.ts[i] >= cfg.start);
    REQUIRE(a.ts[i] < cfg.end);
    if (type == activity_type::email) {
      REQUIRE(m == 0.f);
      REQUIRE(a.thread_id[i] >= 0);
      REQUIRE(a.subject_id[i] >= 0);
      REQUIRE(a.our_attendees[i] == 1);
      auto [it, fresh] = thread_last.try_emplace(a.thread_id[i], a.ts[i]);
      if (!fresh) {
        REQUIRE(it->second < a.ts[i]);  // strictly increasing within a thread
        it->second = a.ts[i];
      }
      max_thread = std::max(max_thread, a.thread_id[i]);
    } else {
      REQUIRE(a.thread_id[i] == no_id);
      REQUIRE(a.subject_id[i] == no_id);
      if (type == activity_type::meeting) {
        REQUIRE(m >= 15.f);
        REQUIRE(m <= 90.f);
        REQUIRE(a.our_attendees[i] >= 1);
        REQUIRE(a.our_attendees[i] <= 3);
        REQUIRE(to_unix(a.ts[i]) % 900 == 0);
      } else {
        REQUIRE(type == activity_type::phone_call);
        REQUIRE(m >= 0.25f);
        REQUIRE(m <= 240.f);
      }
    }
  }
  CHECK(scheduled == n_scheduled);
  CHECK(static_cast<std::size_t>(max_thread) + 1 == thread_last.size());  // dense thread ids

  // Dictionaries: readable ids, one per id space.
  const crm_dictionaries& dict = d.dictionaries;
  CHECK(dict.reps.size() == cfg.reps);
  CHECK(dict.reps.name(42) == "rep-0042");
  CHECK(dict.contacts.size() == cfg.contacts);
  CHECK(dict.contacts.name(5) == "contact-0005");
  CHECK(dict.accounts.name(599) == "account-0599");
  CHECK(dict.opportunities.size() == d.opportunities.size());
  CHECK(dict.opportunities.name(1234) == "opp-1234");
  CHECK(dict.leads.name(10000) == "lead-10000");
  CHECK(dict.threads.empty());  // name_threads is off by default
  CHECK(dict.subjects.size() == 24);
  CHECK(dict.sources.size() == 8);
  CHECK(d.stages == schema_stages::runtime());

  // Opportunities: count, creation order, money in whole cents, links from activities.
  const opportunity_store& o = d.opportunities;
  CHECK(o.size() == static_cast<std::size_t>(std::llround(medium_rows / cfg.activities_per_opportunity)));
  for (std::size_t i = 0; i < o.size(); ++i) {
    REQUIRE(o.opportunity_id[i] == static_cast<dense_id>(i));
    if (i > 0) REQUIRE(o.created_ts[i - 1] <= o.created_ts[i]);
    REQUIRE(o.amount[i].cents >= 100);
    REQUIRE(o.expected_close_ts[i] > o.created_ts[i]);
    REQUIRE(o.owner_rep_id[i] >= 0);
  }
  std::size_t linked = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const dense_id opp = a.opportunity_id[i];
    if (opp < 0) continue;
    ++linked;
    const auto k = static_cast<std::size_t>(opp);
    REQUIRE(o.account_id[k] == a.account_id[i]);
    REQUIRE(o.created_ts[k] <= a.ts[i]);
    REQUIRE((is_missing(o.closed_ts[k]) || a.ts[i] <= o.closed_ts[k]));
  }
  CHECK(linked > n / 4);

  // Leads: converted ones created their opportunity at the conversion, with their source.
  const lead_store& l = d.leads;
  std::size_t converted = 0;
  for (std::size_t i = 0; i < l.size(); ++i) {
    if (l.status[i] != lead_status::converted) continue;
    ++converted;
    const auto k = static_cast<std::size_t>(l.opportunity_id[i]);
    REQUIRE(o.created_ts[k] == l.converted_ts[i]);
    REQUIRE(o.source[k] == l.source[i]);
    REQUIRE(o.owner_rep_id[k] == l.owner_rep_id[i]);
  }
  CHECK(std::abs(static_cast<double>(converted) / static_cast<double>(o.size()) - cfg.lead_sourced_share) < 0.02);
  CHECK(l.size() == static_cast<std::size_t>(std::llround(std::llround(o.size() * cfg.lead_sourced_share) / cfg.lead_conversion_rate)));

  SECTION("thread names on request") {
    syn::config c = syn::config::for_activities(2'000, 9);
    c.name_threads = true;
    const crm_data t = syn::generate(c);
    dense_id mt = -1;
    for (dense_id x : t.activities.thread_id) mt = std::max(mt, x);
    CHECK(t.dictionaries.threads.size() == static_cast<std::size_t>(mt) + 1);
    CHECK(t.dictionaries.threads.name(7) == "thread-0007");
  }
}

TEST_CASE("distributions of the generated data", "[synthetic]") {
  const crm_data& d = medium();
  const syn::config cfg = syn::config::for_activities(medium_rows, 7);
  const activity_store& a = d.activities;
  const std::size_t n = a.size();
  std::size_t completed = 0, emails = 0, meetings = 0, calls = 0, weekend = 0, with_owner = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (a.status[i] != activity_status::completed) continue;
    ++completed;
    emails += a.type[i] == activity_type::email;
    meetings += a.type[i] == activity_type::meeting;
    calls += a.type[i] == activity_type::phone_call;
    weekend += is_weekend(a.ts[i]);
  }
  const double c = static_cast<double>(completed);
  CHECK(std::abs(emails / c - 0.60) < 0.015);
  CHECK(std::abs(meetings / c - 0.11) < 0.01);
  CHECK(std::abs(calls / c - 0.29) < 0.015);
  CHECK(weekend / c > 0.035);
  CHECK(weekend / c < 0.07);

  // Most activity is with the account owner: owner_share of episodes, never a secondary rep.
  std::map<dense_id, dense_id> owner;
  for (std::size_t i = 0; i < d.opportunities.size(); ++i) owner[d.opportunities.account_id[i]] = d.opportunities.owner_rep_id[i];
  std::size_t known = 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto it = owner.find(a.account_id[i]);
    if (it == owner.end()) continue;
    ++known;
    with_owner += a.rep_id[i] == it->second;
  }
  CHECK(std::abs(static_cast<double>(with_owner) / static_cast<double>(known) - cfg.owner_share) < 0.03);

  // Inbound e-mails answered by a later outbound e-mail of the same thread, and the delay.
  std::map<dense_id, std::vector<std::size_t>> threads;
  for (std::size_t i = 0; i < n; ++i)
    if (a.type[i] == activity_type::email) threads[a.thread_id[i]].push_back(i);
  std::size_t inbound = 0, replied = 0;
  std::vector<double> delays;
  for (const auto& [id, rows] : threads)
    for (std::size_t k = 0; k < rows.size(); ++k) {
      if (a.direction[rows[k]] != direction::inbound) continue;
      ++inbound;
      for (std::size_t j = k + 1; j < rows.size(); ++j)
        if (a.direction[rows[j]] == direction::outbound) {
          ++replied;
          delays.push_back(static_cast<double>(to_unix(a.ts[rows[j]]) - to_unix(a.ts[rows[k]])));
          break;
        }
    }
  CHECK(std::abs(static_cast<double>(replied) / static_cast<double>(inbound) - cfg.reply_probability) < 0.015);
  std::nth_element(delays.begin(), delays.begin() + delays.size() / 2, delays.end());
  const double median_h = delays[delays.size() / 2] / 3600.0;
  CHECK(median_h > 2.2);  // 2.5 h, lengthened a little by weekend deferrals
  CHECK(median_h < 3.2);

  // Business hours, growth, contact skew, call durations.
  std::size_t business = 0, starts = 0, first_year = 0, last_year = 0;
  std::vector<float> call_minutes;
  std::map<dense_id, std::size_t> per_contact;
  for (std::size_t i = 0; i < n; ++i) {
    if (a.status[i] != activity_status::completed) continue;
    ++per_contact[a.contact_id[i]];
    if (a.ts[i] < cfg.start + std::chrono::days(365)) ++first_year;
    if (a.ts[i] >= cfg.end - std::chrono::days(365)) ++last_year;
    if (a.type[i] == activity_type::email) continue;
    ++starts;
    const std::int64_t h = hour_of(a.ts[i]);
    business += h >= 8 && h < 18;
    if (a.type[i] == activity_type::phone_call) call_minutes.push_back(a.duration_min[i]);
  }
  CHECK(std::abs(static_cast<double>(business) / static_cast<double>(starts) - 575.0 / 630.0) < 0.01);
  const double growth = static_cast<double>(last_year) / static_cast<double>(first_year);
  CHECK(growth > 1.15);  // 1 + 0.15 * years: about 1.375 / 1.075 = 1.28
  CHECK(growth < 1.45);
  std::vector<std::size_t> counts;
  for (const auto& [k, v] : per_contact) counts.push_back(v);
  std::sort(counts.rbegin(), counts.rend());
  std::size_t top = 0;
  for (std::size_t i = 0; i < cfg.contacts / 100; ++i) top += counts[i];
  CHECK(static_cast<double>(top) / c > 0.08);  // Zipf(0.6): the top 1% of contacts carry about 14%
  std::nth_element(call_minutes.begin(), call_minutes.begin() + call_minutes.size() / 2, call_minutes.end());
  CHECK(std::abs(call_minutes[call_minutes.size() / 2] - 4.f) <= 0.5f);

  // Opportunities: win rate among closed deals, some still open, all three segments.
  const opportunity_store& o = d.opportunities;
  std::size_t won = 0, lost = 0, open = 0;
  for (deal_status s : o.status) (s == deal_status::won ? won : s == deal_status::lost ? lost : open)++;
  const double win_rate = static_cast<double>(won) / static_cast<double>(won + lost);
  CHECK(win_rate > 0.20);
  CHECK(win_rate < 0.30);
  CHECK(open > o.size() / 50);
  std::size_t regressions = 0, skips = 0;
  const stage_history_store& h = d.stage_history;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (h.from_stage[i] < 0 || h.to_stage[i] >= schema_stages::won) continue;
    regressions += h.to_stage[i] == h.from_stage[i] - 1;
    skips += h.to_stage[i] == h.from_stage[i] + 2;
  }
  CHECK(regressions > 0);
  CHECK(skips > 0);
  std::vector<std::size_t> segments(3, 0);
  for (dense_id s : o.attributes[0].codes) ++segments[static_cast<std::size_t>(s)];
  for (std::size_t s : segments) CHECK(s > o.size() / 10);
}

}  // namespace synthetic_generate_test
