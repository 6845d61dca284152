#include <salesmetrics/table/dataset.hpp>

#include <catch2/catch.hpp>

namespace table_columns_test {

using namespace salesmetrics;

TEST_CASE("a store hands out views over its columns", "[table]") {
  activity_store s;
  s.ts = {from_unix(10), from_unix(20)};
  s.type = {activity_type::email, activity_type::meeting};
  s.direction = {direction::outbound, direction::inbound};
  s.rep_id = {0, 1};
  s.duration_min = {0.f, 30.f};
  const activity_view v = s.view();
  REQUIRE(row_count(v) == 2);
  CHECK(v.ts.data() == s.ts.data());
  CHECK(v.duration_min.size() == 2);
  CHECK(v.contact_id.empty());
  CHECK(check_lengths(v).ok());
}

TEST_CASE("column length mismatches are reported by table and column", "[table]") {
  activity_store s;
  s.ts = {from_unix(10), from_unix(20)};
  s.type = {activity_type::email};
  s.direction = {direction::outbound, direction::inbound};
  s.rep_id = {0, 1};
  s.contact_id = {3};
  const problem_report r = check_lengths(s.view());
  REQUIRE(r.size() == 2);
  CHECK(r.problems[0].to_string() == "activities, column 'type': required column has 1 values, the table has 2 rows");
  CHECK(r.problems[1].to_string() ==
        "activities, column 'contact_id': optional column has 1 values, the table has 2 rows (an optional column must be empty or full)");
}

TEST_CASE("stage lists: runtime, compile-time and lookups", "[table]") {
  const stage_list maven = maven_stages::runtime();
  CHECK(maven.size() == 4);
  CHECK(maven.won() == 2);
  CHECK(maven.lost() == 3);
  CHECK(maven.find("engaging") == stage_index{1});
  CHECK(maven.find("Closed Won") == maven.won());
  CHECK_FALSE(maven.find("Negotiation").has_value());
  static_assert(schema_stages::index("closing") == 4);
  static_assert(schema_stages::won == 5 && schema_stages::lost == 6);
  CHECK_THROWS_WITH(stage_list({"A", "a"}), "stage_list: duplicate stage name 'a'");
}

TEST_CASE("opportunity attributes", "[table]") {
  opportunity_store s;
  s.opportunity_id = {0, 1};
  auto& seg = s.attribute("segment");
  seg.codes = {seg.labels.encode("smb"), seg.labels.encode("enterprise")};
  const opportunity_view v = s.view();
  REQUIRE(v.attribute("segment").has_value());
  CHECK(v.attribute("segment")->labels->name(v.attribute("segment")->codes[1]) == "enterprise");
  CHECK_FALSE(v.attribute("region").has_value());
}

}  // namespace table_columns_test
