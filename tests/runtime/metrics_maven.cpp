// The engine on the bundled Maven pipeline against figures computed independently in Python
// (tests/data/maven/make_reference.py, csv module only): overall and per-agent won/lost counts,
// win rate, average won deal size and mean/median cycle (engage_date -> close_date, won deals).
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/mapping.hpp>
#include <salesmetrics/metrics/catalog.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace metrics_maven_test {

using namespace salesmetrics;
using namespace salesmetrics::metrics;

TEST_CASE("Maven pipeline: win rate, deal size and cycle per agent match the independent reference", "[metrics][maven]") {
  const std::string root = SALESMETRICS_SOURCE_DIR;
  crm_data data;
  io::load_file(root + "/data/maven/sales_pipeline.csv", io::read_mapping_file(root + "/data/mappings/maven.json"), data);
  using set = std::tuple<won_count, lost_count, win_rate, average_deal_size, cycle_days_mean, cycle_days_median>;
  auto run = [&]<class... M>(std::tuple<M...>*, const auto& key) { return evaluate<M...>(data.view(), key); };
  const auto by_agent = run(static_cast<set*>(nullptr), group::rep);
  const auto overall = run(static_cast<set*>(nullptr), group::everything);

  std::ifstream ref(root + "/tests/data/maven/reference.csv");
  REQUIRE(ref.good());
  std::string line;
  std::getline(ref, line);  // header
  std::size_t agents = 0;
  while (std::getline(ref, line)) {
    std::istringstream in(line);
    std::string agent, won, lost, rate, avg, mean, median;
    std::getline(in, agent, ',');
    std::getline(in, won, ',');
    std::getline(in, lost, ',');
    std::getline(in, rate, ',');
    std::getline(in, avg, ',');
    std::getline(in, mean, ',');
    std::getline(in, median, ',');
    const bool all = agent == "*";
    const auto& r = all ? overall : by_agent;
    const std::size_t row = all ? 0 : r.find(agent);
    INFO(agent);
    REQUIRE(row < r.rows());
    agents += !all;
    CHECK(r.column<won_count>()[row] == std::stoll(won));
    CHECK(r.column<lost_count>()[row] == std::stoll(lost));
    CHECK(r.column<win_rate>()[row] == Approx(std::stod(rate)).epsilon(1e-12));
    CHECK(std::abs(r.column<average_deal_size>()[row].units() - std::stod(avg)) <= 0.005);  // rounded to the cent
    CHECK(r.column<cycle_days_mean>()[row] == Approx(std::stod(mean)).epsilon(1e-12));
    CHECK(r.column<cycle_days_median>()[row] == Approx(std::stod(median)).epsilon(1e-12));
  }
  CHECK(agents == 30);
  // Every agent with a deal is a group; 30 agents appear in the pipeline (SOURCE.md).
  CHECK(by_agent.rows() == 30);
}

}  // namespace metrics_maven_test
