// Sales scorecard: seven KPIs weighted per segment, a leaderboard and commission payouts, all
// computed from the metric engine's results (nothing here re-scans the CRM tables).
//
//   scorecard            prints the leaderboard as a table
//   scorecard --json     prints the same as JSON
//
// Data: a seeded synthetic CRM history (synthetic::generate, seed 42, 12 reps, one opportunity
// per 10 activities), because the bundled Maven data set has opportunities only (no activities
// or leads, so calls, meetings and lead KPIs would all be zero) and no loader for it is available
// in io/ yet. Two inputs are not CRM data and are ILLUSTRATIVE here: NPS survey scores (supplied
// per rep and period as a user column) and the HR roster of 2024 joiners.
//
// KPI table (weights in %, attainment capped at 150%): revenue 30 (target 1,000,000), new leads 15
// (50), lead->opportunity conversion 15 (20%), average deal 10 (20,000), calls 5 (100),
// meetings 10 (20), NPS 15 (7). Period: Q4 2024. Segments pick the weight profile: "new_hire" =
// on the joiners roster, "star" = top quarter of the others by won revenue in Q1-Q3 2024, else
// "steady". Payout: marginal 5/7/10% commission on the quarter's revenue (5% up to 1M, 7% 1-2M,
// 10% above 2M).
#include <salesmetrics/metrics/catalog.hpp>
#include <salesmetrics/synthetic/generate.hpp>
#include <salesmetrics/weighting/commission.hpp>
#include <salesmetrics/weighting/ranking.hpp>
#include <salesmetrics/weighting/scorecard.hpp>
#include <salesmetrics/core/random.hpp>
#include <salesmetrics/weighting/user_columns.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

using namespace salesmetrics;
namespace w = salesmetrics::weighting;
namespace m = salesmetrics::metrics;

struct nps {  // an external input, not a metric of the engine
  static constexpr std::string_view name = "nps";
};

using standard = w::scorecard<"steady",
                              w::kpi<m::won_amount, 1'000'000.0, 30.0, w::higher_is_better, 1.5>,
                              w::kpi<m::new_leads, 50.0, 15.0, w::higher_is_better, 1.5>,
                              w::kpi<m::lead_to_opportunity_rate, 0.20, 15.0, w::higher_is_better, 1.5>,
                              w::kpi<m::average_deal_size, 20'000.0, 10.0, w::higher_is_better, 1.5>,
                              w::kpi<m::calls, 100.0, 5.0, w::higher_is_better, 1.5>,
                              w::kpi<m::meetings, 20.0, 10.0, w::higher_is_better, 1.5>,
                              w::kpi<nps, 7.0, 15.0, w::higher_is_better, 1.5>>;
//                                                        rev  leads conv deal calls meet nps
using team = w::segmented_scorecard<standard, w::weight_profile<"new_hire", 10.0, 20.0, 15.0, 5.0, 15.0, 20.0, 15.0>,
                                    w::weight_profile<"star", 40.0, 10.0, 15.0, 15.0, 0.0, 5.0, 15.0>>;
enum segment : std::int32_t { steady = 0, new_hire = 1, star = 2 };

using commission = w::fixed_commission_plan<w::marginal_tiers<w::tier<w::currency_units(0), 0.05>,
                                                              w::tier<w::currency_units(1'000'000), 0.07>,
                                                              w::tier<w::currency_units(2'000'000), 0.10>>>;

int main(int argc, char** argv) {
  const bool json = argc > 1 && std::string_view(argv[1]) == "--json";
  if (argc > 2 || (argc == 2 && !json)) {
    std::cerr << "usage: scorecard [--json]\n";
    return 2;
  }

  synthetic::config cfg;
  cfg.activities = 60'000;
  cfg.reps = 12;
  cfg.accounts = 240;
  cfg.contacts = 1'200;
  cfg.activities_per_opportunity = 10.0;
  cfg.amount_median = 20'000.0;
  const crm_data data = synthetic::generate(cfg);
  const auto day = [](int y, unsigned mo, unsigned d) { return from_unix(days_from_civil(y, mo, d) * seconds_per_day); };
  const time_window q4{day(2024, 10, 1), day(2025, 1, 1)}, earlier{day(2024, 1, 1), day(2024, 10, 1)};

  const auto results = m::evaluate<m::won_amount, m::new_leads, m::lead_to_opportunity_rate, m::average_deal_size,
                                   m::calls, m::meetings>(data.view(), m::group::rep, {.window = q4});
  const auto before = m::evaluate<m::won_amount>(data.view(), m::group::rep, {.window = earlier});
  const std::size_t n = results.rows();

  // Segments: the (illustrative) roster of 2024 joiners, then the top quarter of the others by
  // their Q1-Q3 revenue.
  const std::vector<std::string_view> joiners{"rep-0004", "rep-0009"};
  std::vector<std::int32_t> segments(n, steady);
  std::vector<double> prior;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string label = results.key_label(i);
    if (std::find(joiners.begin(), joiners.end(), label) != joiners.end()) {
      segments[i] = new_hire;
      continue;
    }
    const std::size_t j = before.find(label);
    prior.push_back(j < before.rows() ? before.column<m::won_amount>()[j].units() : 0.0);
  }
  std::vector<double> sorted = prior;
  std::sort(sorted.begin(), sorted.end());
  const double star_cut = sorted.empty() ? 0.0 : sorted[(sorted.size() * 3) / 4];
  for (std::size_t i = 0, p = 0; i < n; ++i)
    if (segments[i] != new_hire) segments[i] = prior[p++] >= star_cut ? star : steady;

  // Illustrative NPS survey scores (4..10) per rep for the quarter, as a user would supply them.
  const std::int64_t q4_index = calendar_period::quarters().index(q4.from);
  w::external_input survey("nps");
  for (std::size_t i = 0; i < n; ++i) {
    salesmetrics::splitmix64 g(1000 + i);
    survey.set(results.key_label(i), q4_index, std::round(40.0 + 60.0 * g.uniform01()) / 10.0);
  }
  const std::vector<double> nps_q4 = survey.aligned(results, q4_index);
  const auto inputs = w::with_column<nps>(results, nps_q4, "nps");

  const w::score_table scores = w::score(team{}, inputs, segments);
  const std::vector<w::leaderboard_entry> board = w::leaderboard(scores.totals());
  const w::payout_table pay = commission::compute(results.column<m::won_amount>());

  if (json) {
    nlohmann::json out;
    out["scorecard"] = scores.scorecard_name();
    out["period"] = calendar_period::quarters().label(q4_index);
    out["kpis"] = nlohmann::json::array();
    for (std::size_t k = 0; k < scores.kpis(); ++k) out["kpis"].push_back(scores.kpi_name(k));
    out["leaderboard"] = nlohmann::json::array();
    for (const w::leaderboard_entry& e : board) {
      nlohmann::json row;
      row["rank"] = e.rank;
      row["rep"] = results.key_label(e.row);
      row["segment"] = scores.profile_name(static_cast<std::size_t>(scores.profile(e.row)));
      row["total"] = std::isnan(e.value) ? nlohmann::json(nullptr) : nlohmann::json(e.value);
      nlohmann::json att;
      for (std::size_t k = 0; k < scores.kpis(); ++k) {
        const double a = scores.attainment(e.row, k);
        att[scores.kpi_name(k)] = std::isnan(a) ? nlohmann::json(nullptr) : nlohmann::json(a);
      }
      row["attainment"] = att;
      row["revenue"] = to_string(pay.rows[e.row].amount);
      row["payout"] = to_string(pay.rows[e.row].total);
      out["leaderboard"].push_back(row);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }

  std::printf("Scorecard '%s', %s, %zu reps (attainment %%, capped at 150%%; payout = 5/7/10%% marginal on revenue)\n\n",
              std::string(scores.scorecard_name()).c_str(), calendar_period::quarters().label(q4_index).c_str(), n);
  std::printf("%4s  %-9s %-8s", "rank", "rep", "segment");
  const char* heads[] = {"revenue", "leads", "conv", "deal", "calls", "meet", "nps"};
  for (const char* h : heads) std::printf(" %7s", h);
  std::printf(" %7s %14s %12s\n", "TOTAL", "revenue", "payout");
  for (const w::leaderboard_entry& e : board) {
    std::printf("%4zu  %-9s %-8s", e.rank, results.key_label(e.row).c_str(),
                scores.profile_name(static_cast<std::size_t>(scores.profile(e.row))).c_str());
    for (std::size_t k = 0; k < scores.kpis(); ++k) {
      const double a = scores.attainment(e.row, k);
      if (std::isnan(a)) std::printf(" %7s", "n/a");
      else std::printf(" %6.1f%%", 100.0 * a);
    }
    std::printf(" %6.1f%% %14s %12s\n", 100.0 * e.value, to_string(pay.rows[e.row].amount).c_str(),
                to_string(pay.rows[e.row].total).c_str());
  }
  std::printf("\nn/a = undefined (e.g. average deal with no won deal); it counts as 0 in the total.\n");
  return n > 0 ? 0 : 1;
}
