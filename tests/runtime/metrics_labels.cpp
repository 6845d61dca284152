// The key columns of a result (values and labels) for tens of thousands of groups, which the
// engine builds on several threads: threads mark and index disjoint groups, label disjoint code
// ranges into buffers of their own, and the partitioned path's threads' rows are concatenated by
// every thread. Checked against a brute force on the partitioned path, the dense path (finish),
// the partial path, and a key space far larger than its groups (labels sorted by value), on 1 to
// 3 threads. par(n, 1): n threads whatever the rows.
#include <salesmetrics/metrics/catalog.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace metrics_labels_test {

using namespace salesmetrics;
using namespace salesmetrics::metrics;

namespace {

/// Names that are not their ids: every fifth one longer than a short string's inline buffer.
dictionary named(const char* prefix, std::size_t n) {
  std::vector<std::string> names;
  names.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    names.push_back(std::string(prefix) + (i % 5 == 0 ? "-with-a-long-name-" : "-") + std::to_string(i * 7 + 3));
  return dictionary(std::move(names));
}

/// n activities over reps x contacts ids (contact missing in about 1 row of 50).
crm_data make_data(std::uint32_t seed, std::size_t n, dictionary reps, dictionary contacts) {
  std::mt19937 rng(seed);
  const auto rep_count = static_cast<int>(reps.size()), contact_count = static_cast<int>(contacts.size());
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  crm_data d;
  d.dictionaries.reps = std::move(reps);
  d.dictionaries.contacts = std::move(contacts);
  auto& a = d.activities;
  for (std::size_t i = 0; i < n; ++i) {
    a.ts.push_back(from_unix(1700000000 + static_cast<std::int64_t>(i) * 60));
    a.type.push_back(static_cast<activity_type>(uni(0, 2)));
    a.direction.push_back(static_cast<direction>(uni(0, 1)));
    a.rep_id.push_back(uni(0, rep_count - 1));
    a.contact_id.push_back(uni(0, 49) == 0 ? no_id : uni(0, contact_count - 1));
  }
  return d;
}

struct expected_group {
  std::int64_t activities = 0, emails_sent = 0;
};
constexpr std::int64_t none_last = INT64_MAX;  // the engine orders "(none)" last

std::map<std::pair<std::int64_t, std::int64_t>, expected_group> brute_force(const crm_data& d) {
  std::map<std::pair<std::int64_t, std::int64_t>, expected_group> out;
  const auto& a = d.activities;
  for (std::size_t i = 0; i < a.ts.size(); ++i) {
    auto& e = out[{a.rep_id[i], a.contact_id[i] < 0 ? none_last : a.contact_id[i]}];
    ++e.activities;
    e.emails_sent += a.type[i] == activity_type::email && a.direction[i] == direction::outbound;
  }
  return out;
}

template <class Table>
void check_table(const Table& r, const crm_data& d) {
  const auto expected = brute_force(d);
  REQUIRE(r.rows() == expected.size());
  REQUIRE(r.key_labels.size() == 2);
  std::set<std::int64_t> reps, contacts;
  std::size_t row = 0, wrong = 0;
  for (const auto& [k, e] : expected) {
    const std::string rep_label = d.dictionaries.reps.name(static_cast<dense_id>(k.first));
    const std::string contact_label = k.second == none_last ? "(none)" : d.dictionaries.contacts.name(static_cast<dense_id>(k.second));
    const bool same = r.key_values[0][row] == k.first && r.key_values[1][row] == (k.second == none_last ? -1 : k.second) &&
                      r.key_labels[0][row] == rep_label && r.key_labels[1][row] == contact_label &&
                      r.key_label(row) == rep_label + " / " + contact_label &&
                      r.template column<activity_count>()[row] == e.activities && r.template column<emails_sent>()[row] == e.emails_sent;
    if (!same && wrong++ < 5) {  // the first few differences in full, then only their number
      INFO("row " << row << ": rep " << k.first << " contact " << k.second << ", labels '" << r.key_labels[0][row] << "' '"
                  << r.key_labels[1][row] << "'");
      CHECK(same);
    }
    reps.insert(k.first);
    contacts.insert(k.second);
    ++row;
  }
  CHECK(wrong == 0);
  // Each distinct label once: a rep's many contacts share its label.
  CHECK(r.key_labels[0].distinct() == reps.size());
  CHECK(r.key_labels[1].distinct() == contacts.size());
}

}  // namespace

TEST_CASE("key values and labels of many groups, on 1 to 3 threads, equal a brute force", "[metrics][labels]") {
  const auto by_rep_contact = group::by(group::rep, group::contact);
  SECTION("partitioned: 60 x 10,000 codes, about 92,000 groups") {
    const crm_data d = make_data(11, 100000, named("rep", 60), named("contact", 10000));
    for (const unsigned threads : {1u, 2u, 3u}) {
      INFO("threads " << threads);
      check_table(evaluate<activity_count, emails_sent>(d.view(), by_rep_contact, {}, par(threads, 1)), d);
      const auto p = evaluate_partial<activity_count, emails_sent>(d.view(), by_rep_contact, {}, par(threads, 1));
      check_table(finish<activity_count, emails_sent>(d.view(), by_rep_contact, p, {}, par(threads, 1)), d);
    }
  }
  SECTION("dense: 30 x 3,000 codes, about 60,000 groups") {
    const crm_data d = make_data(12, 100000, named("rep", 30), named("contact", 3000));
    for (const unsigned threads : {1u, 2u, 3u}) {
      INFO("threads " << threads);
      check_table(evaluate<activity_count, emails_sent>(d.view(), by_rep_contact, {}, par(threads, 1)), d);
    }
  }
  SECTION("a contact key space of 2 million for 3,000 groups: labels sorted by value") {
    const crm_data d = make_data(13, 3000, named("rep", 7), dictionary::integers(2000000));
    for (const unsigned threads : {1u, 2u}) {
      INFO("threads " << threads);
      check_table(evaluate<activity_count, emails_sent>(d.view(), by_rep_contact, {}, par(threads, 1)), d);
    }
  }
}

}  // namespace metrics_labels_test
