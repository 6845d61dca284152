// Tests of core/ids.hpp: dictionaries of textual ids, and the integer dictionaries that store no
// names and no index until a name out of their sequence arrives.
#include <salesmetrics/core/ids.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>

#include <string>
#include <vector>

namespace core_ids_test {

using salesmetrics::dense_id;
using salesmetrics::dictionary;

TEST_CASE("a dictionary numbers names in first-seen order and maps them back", "[core][ids]") {
  dictionary d;
  CHECK(d.encode("carol") == 0);
  CHECK(d.encode("alice") == 1);
  CHECK(d.encode("carol") == 0);
  CHECK(d.find("alice") == dense_id{1});
  CHECK_FALSE(d.find("bob").has_value());
  CHECK(d.name(1) == "alice");
  CHECK(d.name(salesmetrics::no_id).empty());
  CHECK(d.names() == std::vector<std::string>{"carol", "alice"});
}

TEST_CASE("integer dictionaries: the name is the id, and any other name still works", "[core][ids]") {
  dictionary d = dictionary::integers(1000);
  REQUIRE(d.size() == 1000);
  CHECK(d.find("0") == dense_id{0});
  CHECK(d.find("999") == dense_id{999});
  CHECK(d.name(417) == "417");
  CHECK(d.is_integers());
  CHECK(d.stored_names().empty());  // nothing stored for the 1000 ids
  CHECK(d.names().front() == "0");
  CHECK(d.names().back() == "999");
  std::string label = "rep ";
  d.append_name(label, 42);
  d.append_name(label, salesmetrics::no_id);  // appends nothing
  CHECK(label == "rep 42");
  CHECK_THROWS_AS(d.name(1000), std::out_of_range);
  // Not the canonical spelling of an id, or out of range: unknown.
  for (const char* s : {"1000", "-1", "007", "+7", " 7", "7 ", "", "abc", "99999999999"}) CHECK_FALSE(d.find(s).has_value());
  // The next integer keeps the sequence; an existing one is found, not added.
  CHECK(d.encode("1000") == 1000);
  CHECK(d.encode("5") == 5);
  CHECK(d.size() == 1001);
  CHECK(d.is_integers());
  // A name out of the sequence: indexed from then on, every earlier id still found.
  CHECK(d.encode("alice") == 1001);
  CHECK_FALSE(d.is_integers());
  CHECK(d.stored_names().size() == 1002);
  CHECK(d.stored_names()[417] == "417");
  CHECK(d.encode("007") == 1002);
  CHECK(d.find("alice") == dense_id{1001});
  CHECK(d.find("007") == dense_id{1002});
  CHECK(d.find("7") == dense_id{7});
  CHECK(d.find("1000") == dense_id{1000});
  CHECK(d.encode("12") == 12);
  CHECK(d.names().size() == 1003);
  CHECK(d.names()[1001] == "alice");
}

TEST_CASE("an integer dictionary answers like one built from the same names, on random input", "[core][ids]") {
  std::mt19937_64 rng(20261207);
  for (int round = 0; round < 50; ++round) {
    const std::size_t n = rng() % 40;
    std::vector<std::string> start;
    for (std::size_t i = 0; i < n; ++i) start.push_back(std::to_string(i));
    dictionary fast = dictionary::integers(n);
    dictionary plain(start);  // stores and indexes every name
    REQUIRE_FALSE(plain.is_integers());
    // Mostly the next integers, sometimes a repeat, a non-canonical spelling or a word.
    const char* odd[] = {"007", "x", "-1", "+3", "", "12 "};
    for (int step = 0; step < 30; ++step) {
      std::string name;
      switch (rng() % 6) {
        case 0: name = odd[rng() % 6]; break;
        case 1: name = std::to_string(rng() % (fast.size() + 3)); break;
        default: name = std::to_string(fast.size()); break;
      }
      if (rng() % 2 == 0) {
        CHECK(fast.find(name) == plain.find(name));
      } else {
        CHECK(fast.encode(name) == plain.encode(name));
      }
      REQUIRE(fast.size() == plain.size());
    }
    CHECK(fast.names() == plain.names());
    for (std::size_t i = 0; i < fast.size(); ++i) CHECK(fast.name(static_cast<dense_id>(i)) == plain.name(static_cast<dense_id>(i)));
  }
}

}  // namespace core_ids_test
