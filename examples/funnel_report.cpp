// examples/funnel_report.cpp: the sales funnel of a CRM export, its win probabilities and days to
// close per stage, and the stage that loses the most deals.
//
//   funnel_report                               the bundled Maven data (data/maven/sales_pipeline.csv
//                                               with data/mappings/maven.json), from snapshots
//   funnel_report --history FILE.csv MAPPING.json  a stage history export (a stage_history mapping)
//   add --json to either for JSON instead of tables
//
// Maven keeps only each deal's current stage (Prospecting > Engaging > Won/Lost), so the fit uses
// the snapshot assumption of funnel/snapshot_columns.hpp: a deal passed every earlier stage in
// order, a closed deal was absorbed from its last open stage (Engaging). Days to close need the
// mean dwell per stage: Maven's created_ts is engage_date, the day a deal ENTERED Engaging, and a
// closed deal left Engaging at close_date, so the Engaging dwell is the mean of close - engage over
// closed deals; Prospecting has no dates at all, so its dwell, and the days to close from it,
// are unknown (printed "n/a", JSON null). With --history every dwell comes from the history.
//
// JSON keys: source ("snapshots" or "history"), file, stages (names, funnel order, won, lost),
// opportunities, won, lost, open; funnel: one object per open stage and one for won, with
// stage, reached, cumulative (reached / reached of the first stage) and, for open stages,
// conversion (to the next level), conversion_ci95 [lower, upper] (Wilson), lost_at,
// drop_off_rate (lost_at / reached), still_open; worst_stage and worst_stage_by_rate (stage
// names, null when nothing was lost); chain: one object per open stage with stage,
// win_probability, loss_probability, expected_steps, steps_sd, dwell_days (mean, null if
// unknown), expected_days_to_close (null if unknown); reverse_funnel: leads_for_100_wins.
// Undefined numbers (0/0) are null.
#include <salesmetrics/funnel/absorbing_chain.hpp>
#include <salesmetrics/funnel/from_tables.hpp>
#include <salesmetrics/funnel/funnel_view.hpp>
#include <salesmetrics/funnel/reverse_funnel.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/mapping.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#ifndef SALESMETRICS_SOURCE_DIR
#define SALESMETRICS_SOURCE_DIR "."
#endif

namespace sm = salesmetrics;
namespace fn = salesmetrics::funnel;

namespace {

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

std::string fmt(double x, const char* f = "%.3f") {
  if (!std::isfinite(x)) return "n/a";
  char b[64];
  std::snprintf(b, sizeof b, f, x);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path root = SALESMETRICS_SOURCE_DIR;
  bool json = false;
  std::filesystem::path history_file, history_mapping;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") json = true;
    else if (a == "--history" && i + 2 < argc) {
      history_file = argv[++i];
      history_mapping = argv[++i];
    } else {
      std::cerr << "usage: funnel_report [--json] [--history FILE.csv MAPPING.json]\n";
      return 2;
    }
  }
  try {
    sm::crm_data data;
    sm::io::load_options lo;
    lo.strict = false;
    const bool from_history = !history_file.empty();
    const std::filesystem::path file = from_history ? history_file : root / "data/maven/sales_pipeline.csv";
    const sm::io::load_result loaded = sm::io::load_file(
        file, sm::io::read_mapping_file(from_history ? history_mapping : root / "data/mappings/maven.json"), data, lo);
    const fn::stage_layout L(data.stages);
    const auto& tr = L.transient_stages();

    fn::transition_fit fit;
    fn::funnel_counts counts;
    Eigen::VectorXd dwell = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(L.size()), std::nan(""));
    if (from_history) {
      const fn::history_copy h = fn::sorted_history(data.stage_history.view());
      fit = fn::fit_transitions(h.view(), L);
      counts = fn::count_funnel(h.view(), L);
      dwell = fit.dwell_mean_days;
    } else {
      const sm::opportunity_view opps = data.opportunities.view();
      fit = fn::fit_from_snapshots(opps, L).transitions;
      counts = fn::count_funnel_from_snapshots(opps, L);
      // Engaging dwell = mean(close - engage) over closed deals (see the header comment).
      double sum = 0;
      std::int64_t n = 0;
      for (std::size_t i = 0; i < opps.size(); ++i)
        if (opps.status[i] != sm::deal_status::open && !sm::is_missing(opps.created_ts[i]) && !sm::is_missing(opps.closed_ts[i])) {
          sum += sm::days_between(opps.created_ts[i], opps.closed_ts[i]);
          ++n;
        }
      if (n > 0) dwell(tr.back()) = sum / static_cast<double>(n);
    }
    fn::chain_options co;
    co.on_singular = fn::singular_policy::flag;
    const fn::absorbing_chain chain = fn::solve_absorbing_chain(fit.probabilities, L, dwell, co);
    const fn::funnel_table table = fn::make_funnel_table(counts);
    const fn::reverse_funnel rev = fn::reverse_funnel_for_wins(chain, 100);
    auto name = [&](int s) { return s < 0 ? std::string() : L.name(s); };

    if (json) {
      nlohmann::json j;
      j["source"] = from_history ? "history" : "snapshots";
      j["file"] = file.filename().string();
      j["stages"] = L.names();
      j["opportunities"] = counts.opportunities;
      j["won"] = counts.won;
      j["lost"] = counts.lost;
      j["open"] = counts.open;
      nlohmann::json f = nlohmann::json::array();
      for (std::size_t l = 0; l < table.level_stage.size(); ++l) {
        nlohmann::json e{{"stage", name(table.level_stage[l])}, {"reached", table.reached[l]}, {"cumulative", number(table.cumulative[l])}};
        if (l < tr.size()) {
          e["conversion"] = number(table.conversion[l]);
          e["conversion_ci95"] = std::isfinite(table.conversion_ci[l].lower)
                                     ? nlohmann::json{table.conversion_ci[l].lower, table.conversion_ci[l].upper}
                                     : nlohmann::json(nullptr);
          e["lost_at"] = table.drop_off[l];
          e["drop_off_rate"] = number(table.drop_off_rate[l]);
          e["still_open"] = table.still_open[l];
        }
        f.push_back(e);
      }
      j["funnel"] = f;
      j["worst_stage"] = table.worst_stage < 0 ? nlohmann::json(nullptr) : nlohmann::json(name(table.worst_stage));
      j["worst_stage_by_rate"] = table.worst_stage_by_rate < 0 ? nlohmann::json(nullptr) : nlohmann::json(name(table.worst_stage_by_rate));
      nlohmann::json c = nlohmann::json::array();
      for (std::size_t i = 0; i < tr.size(); ++i) {
        const auto k = static_cast<Eigen::Index>(i);
        c.push_back({{"stage", name(tr[i])},
                     {"win_probability", number(chain.B(k, 0))},
                     {"loss_probability", number(chain.B(k, 1))},
                     {"expected_steps", number(chain.expected_steps(k))},
                     {"steps_sd", number(std::sqrt(chain.steps_variance(k)))},
                     {"dwell_days", number(dwell(tr[i]))},
                     {"expected_days_to_close", number(chain.expected_days(k))}});
      }
      j["chain"] = c;
      j["reverse_funnel"] = {{"leads_for_100_wins", number(rev.leads_needed)}};
      std::cout << j.dump(2) << '\n';
      return 0;
    }

    std::cout << "funnel of " << file.filename().string() << " (" << (from_history ? "stage history" : "snapshots: a deal passed every earlier stage")
              << "): " << loaded.loaded << " rows loaded, " << loaded.rejected << " rejected\n";
    std::cout << "opportunities " << counts.opportunities << ": won " << counts.won << ", lost " << counts.lost << ", open " << counts.open << "\n\n";
    std::printf("%-20s %8s %10s %17s %10s %8s %9s %6s\n", "stage", "reached", "conversion", "95% CI", "cumulative", "lost at", "drop-off", "open");
    for (std::size_t l = 0; l < table.level_stage.size(); ++l) {
      if (l < tr.size())
        std::printf("%-20s %8lld %10s %17s %10s %8lld %9s %6lld\n", name(table.level_stage[l]).c_str(), static_cast<long long>(table.reached[l]),
                    fmt(table.conversion[l]).c_str(),
                    ("[" + fmt(table.conversion_ci[l].lower) + ", " + fmt(table.conversion_ci[l].upper) + "]").c_str(),
                    fmt(table.cumulative[l]).c_str(), static_cast<long long>(table.drop_off[l]), fmt(table.drop_off_rate[l]).c_str(),
                    static_cast<long long>(table.still_open[l]));
      else
        std::printf("%-20s %8lld %10s %17s %10s\n", name(table.level_stage[l]).c_str(), static_cast<long long>(table.reached[l]), "", "",
                    fmt(table.cumulative[l]).c_str());
    }
    std::cout << "\nworst stage: " << (table.worst_stage < 0 ? "none" : name(table.worst_stage)) << " (most deals lost), "
              << (table.worst_stage_by_rate < 0 ? "none" : name(table.worst_stage_by_rate)) << " (highest loss rate)\n\n";
    if (chain.singular) {
      std::cout << "the chain is singular, no win probabilities: never absorbed from";
      for (int i : chain.never_absorbed) std::cout << ' ' << name(tr[static_cast<std::size_t>(i)]);
      std::cout << " (stages never left in this data)\n";
    }
    std::printf("%-20s %10s %10s %10s %12s %14s\n", "stage", "P(win)", "P(lost)", "steps", "dwell days", "days to close");
    for (std::size_t i = 0; i < tr.size(); ++i) {
      const auto k = static_cast<Eigen::Index>(i);
      std::printf("%-20s %10s %10s %10s %12s %14s\n", name(tr[i]).c_str(), fmt(chain.B(k, 0)).c_str(), fmt(chain.B(k, 1)).c_str(),
                  fmt(chain.expected_steps(k), "%.2f").c_str(), fmt(dwell(tr[i]), "%.1f").c_str(), fmt(chain.expected_days(k), "%.1f").c_str());
    }
    std::cout << "\nreverse funnel: " << fmt(rev.leads_needed, "%.0f") << " new opportunities for 100 expected wins\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
