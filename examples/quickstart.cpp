// examples/quickstart.cpp: load a CRM export through a column mapping, validate it, print a summary.
//
//   quickstart                      the bundled Maven data (data/maven/sales_pipeline.csv with
//                                   data/mappings/maven.json)
//   quickstart FILE.csv MAPPING.json any export with its mapping (JSON, see data/mappings/)
//
// The load is lenient: good rows load and every bad row is listed with its line, column and reason.
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/mapping.hpp>
#include <salesmetrics/io/values.hpp>
#include <salesmetrics/table/validate.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <iostream>
#include <set>

#ifndef SALESMETRICS_SOURCE_DIR
#define SALESMETRICS_SOURCE_DIR "."
#endif

namespace sm = salesmetrics;

int main(int argc, char** argv) {
  const std::filesystem::path root = SALESMETRICS_SOURCE_DIR;
  std::filesystem::path csv = root / "data/maven/sales_pipeline.csv";
  std::filesystem::path mapping_file = root / "data/mappings/maven.json";
  if (argc == 3) {
    csv = argv[1];
    mapping_file = argv[2];
  } else if (argc != 1) {
    std::cerr << "usage: quickstart [FILE.csv MAPPING.json]\n";
    return 2;
  }
  try {
    sm::crm_data data;
    sm::io::load_options options;
    options.strict = false;
    const sm::io::table_mapping mapping = sm::io::read_mapping_file(mapping_file);
    const sm::io::load_result r = sm::io::load_file(csv, mapping, data, options);
    std::cout << r.file << " -> " << to_string(r.table) << ": " << r.loaded << " loaded, " << r.rejected << " rejected, "
              << r.skipped << " skipped by rule, of " << r.records << " data rows\n";
    for (std::size_t i = 0; i < r.problems.size() && i < 5; ++i) std::cout << "  " << r.problems.problems[i] << '\n';

    const sm::problem_report report = sm::validate(data.view());
    std::cout << "validation: " << report.size() << " problem(s)\n";
    for (std::size_t i = 0; i < report.size() && i < 3; ++i) std::cout << "  " << report.problems[i] << '\n';

    std::cout << "rows: activities " << data.activities.size() << ", opportunities " << data.opportunities.size()
              << ", stage_history " << data.stage_history.size() << ", leads " << data.leads.size() << '\n';
    const auto& o = data.opportunities;
    std::array<std::size_t, 3> by_status{};
    sm::money won{};
    sm::timestamp first = sm::no_time, last = sm::no_time;
    auto see = [&](sm::timestamp t) {
      if (sm::is_missing(t)) return;
      if (sm::is_missing(first) || t < first) first = t;
      if (sm::is_missing(last) || t > last) last = t;
    };
    for (std::size_t i = 0; i < o.size(); ++i) {
      ++by_status[sm::index_of(o.status[i])];
      if (o.status[i] == sm::deal_status::won && !o.amount.empty() && !o.amount[i].is_missing()) won += o.amount[i];
      see(o.created_ts[i]);
      if (!o.closed_ts.empty()) see(o.closed_ts[i]);
    }
    for (auto t : data.activities.ts) see(t);
    for (auto t : data.leads.created_ts) see(t);
    std::cout << "deals: open " << by_status[0] << ", won " << by_status[1] << ", lost " << by_status[2]
              << "; won amount " << to_string(won) << '\n';
    if (!sm::is_missing(first))
      std::cout << "dates: " << sm::io::format_timestamp(first) << " .. " << sm::io::format_timestamp(last) << '\n';
    std::cout << "reps: " << data.dictionaries.reps.size() << '\n';
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
