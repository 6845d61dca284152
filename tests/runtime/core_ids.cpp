// Tests of core/ids.hpp: dictionaries of textual ids, and the integer dictionaries that keep no
// index until a name out of their sequence arrives.
#include <salesmetrics/core/ids.hpp>

#include <catch2/catch.hpp>

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
  // Not the canonical spelling of an id, or out of range: unknown.
  for (const char* s : {"1000", "-1", "007", "+7", " 7", "7 ", "", "abc", "99999999999"}) CHECK_FALSE(d.find(s).has_value());
  // The next integer keeps the sequence; an existing one is found, not added.
  CHECK(d.encode("1000") == 1000);
  CHECK(d.encode("5") == 5);
  CHECK(d.size() == 1001);
  // A name out of the sequence: indexed from then on, every earlier id still found.
  CHECK(d.encode("alice") == 1001);
  CHECK(d.encode("007") == 1002);
  CHECK(d.find("alice") == dense_id{1001});
  CHECK(d.find("007") == dense_id{1002});
  CHECK(d.find("7") == dense_id{7});
  CHECK(d.find("1000") == dense_id{1000});
  CHECK(d.encode("12") == 12);
  CHECK(d.names().size() == 1003);
  CHECK(d.names()[1001] == "alice");
}

}  // namespace core_ids_test
