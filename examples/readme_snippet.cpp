// examples/readme_snippet.cpp: the README's include-and-use example (keep the two in sync):
// load the bundled Maven pipeline and print win rate, average won deal and cycle per agent.
#include <salesmetrics/salesmetrics.hpp>

#include <iostream>

int main() {
  using namespace salesmetrics;
  using namespace salesmetrics::metrics;
  const std::string root = SALESMETRICS_SOURCE_DIR;  // the repository (defined by the build)
  crm_data data;
  io::load_file(root + "/data/maven/sales_pipeline.csv", io::read_mapping_file(root + "/data/mappings/maven.json"), data);
  const auto r = evaluate<won_count, win_rate, average_deal_size, cycle_days_median>(data.view(), group::rep);
  r.write_csv(std::cout);
}
