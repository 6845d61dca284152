// examples/forecast.cpp: the sales forecast a sales leader asks for: the next quarters' weighted and
// unweighted pipeline by forecast category with a P10/P50/P90 band, the timing model next to the
// close dates, how accurate past forecasts were, how the pipeline moved last quarter, and a
// time-series forecast of bookings.
//
//   forecast                                    synthetic CRM history (seed 42, ~8,000 deals with stage history)
//   forecast --maven                            the bundled Maven CRM data (data/maven; assumptions printed)
//   forecast --opportunities FILE MAP.json [--history FILE MAP.json] [--as-of YYYY-MM-DD]
//                                               your exports with their column mappings (data/mappings/*.json)
//   any of the above with --json                the same figures as JSON
//
// Weighting: each open deal's win probability is its stage's probability of ending in won in the
// funnel's absorbing Markov chain, learned from the stage history (or, without a history, from the
// snapshot assumption of funnel/transition_counts.hpp). Weighted amounts are rounded to the cent per deal.
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/forecast/as_of.hpp>
#include <salesmetrics/forecast/deal_flow.hpp>
#include <salesmetrics/forecast/exponential_smoothing.hpp>
#include <salesmetrics/forecast/forecast_weighting.hpp>
#include <salesmetrics/forecast/funnel_weighting.hpp>
#include <salesmetrics/forecast/pipeline_forecast.hpp>
#include <salesmetrics/forecast/pipeline_outcomes.hpp>
#include <salesmetrics/forecast/timing.hpp>
#include <salesmetrics/funnel/time_stepped.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/mapping.hpp>
#include <salesmetrics/io/values.hpp>
#include <salesmetrics/synthetic/generate.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#ifndef SALESMETRICS_SOURCE_DIR
#define SALESMETRICS_SOURCE_DIR "."
#endif

namespace sm = salesmetrics;
namespace sf = salesmetrics::forecast;
namespace fn = salesmetrics::funnel;
using json = nlohmann::json;

namespace {

struct dataset {
  sm::crm_data data;
  sm::timestamp as_of = sm::no_time;
  std::string source;
  std::vector<std::string> assumptions;
  std::vector<sm::forecast_category> category_of_stage;  // for reconstructed past pipelines
};

std::string day_label(sm::timestamp t) { return sm::io::format_timestamp(t).substr(0, 10); }

/// "1,234,567" (whole currency units).
std::string units(double x) {
  if (!std::isfinite(x)) return "n/a";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.0f", std::fabs(x));
  std::string digits = buf, out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (x < 0 && out != "0" ? "-" : "") + out;
}
std::string units(sm::money m) { return m.is_missing() ? "n/a" : units(m.units()); }
std::string pct(double x) {
  if (!std::isfinite(x)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * x);
  return buf;
}
std::string fixed(double x, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}
std::string pad(std::string s, std::size_t w, bool left = false) {
  if (s.size() >= w) return s;
  return left ? s + std::string(w - s.size(), ' ') : std::string(w - s.size(), ' ') + s;
}

/// The most common forecast category of the open deals in each open stage (pipeline when none).
std::vector<sm::forecast_category> categories_by_stage(const sm::opportunity_store& o, std::size_t stages) {
  std::vector<std::array<std::int64_t, 5>> n(stages, std::array<std::int64_t, 5>{});
  if (!o.forecast_category.empty())
    for (std::size_t i = 0; i < o.size(); ++i)
      if (o.status[i] == sm::deal_status::open && o.forecast_category[i] != sm::forecast_category::omitted && o.stage[i] >= 0 &&
          static_cast<std::size_t>(o.stage[i]) < stages)
        ++n[static_cast<std::size_t>(o.stage[i])][sm::index_of(o.forecast_category[i])];
  std::vector<sm::forecast_category> out(stages, sm::forecast_category::pipeline);
  for (std::size_t s = 0; s < stages; ++s) {
    const auto it = std::max_element(n[s].begin(), n[s].end());
    if (*it > 0) out[s] = static_cast<sm::forecast_category>(it - n[s].begin());
  }
  return out;
}

dataset synthetic_data() {
  dataset d;
  const sm::synthetic::config cfg = sm::synthetic::config::for_activities(400'000);
  d.data = sm::synthetic::generate(cfg);
  d.as_of = cfg.end;
  d.source = "synthetic CRM history (synthetic::generate, seed 42, " + std::to_string(d.data.opportunities.size()) + " opportunities, " +
             std::to_string(d.data.stage_history.size()) + " stage-history rows)";
  d.assumptions.push_back("\"now\" is the end of the generated history, " + day_label(d.as_of));
  return d;
}

dataset maven_data() {
  dataset d;
  const std::filesystem::path root = SALESMETRICS_SOURCE_DIR;
  (void)sm::io::load_file(root / "data/maven/sales_pipeline.csv", sm::io::read_mapping_file(root / "data/mappings/maven.json"), d.data);
  d.source = "Maven CRM sales pipeline (data/maven, " + std::to_string(d.data.opportunities.size()) + " opportunities, no stage history)";
  auto& o = d.data.opportunities;
  for (std::size_t i = 0; i < o.size(); ++i)
    if (!o.closed_ts.empty() && !sm::is_missing(o.closed_ts[i]) && (sm::is_missing(d.as_of) || o.closed_ts[i] > d.as_of)) d.as_of = o.closed_ts[i];
  // Median won cycle from the snapshot fit, for the missing expected close dates.
  const fn::snapshot_fit snap = fn::fit_from_snapshots({o.stage, o.status, o.created_ts, o.closed_ts}, d.data.stages);
  const double cycle = std::isnan(snap.won_cycle_median_days) ? 60.0 : snap.won_cycle_median_days;
  const auto price = o.view().attribute("sales_price");
  o.expected_close_ts.assign(o.size(), sm::no_time);
  o.forecast_category.assign(o.size(), sm::forecast_category::pipeline);
  const sm::stage_index engaging = d.data.stages.find("Engaging").value_or(1);
  std::int64_t priced = 0;
  for (std::size_t i = 0; i < o.size(); ++i) {
    if (o.status[i] == sm::deal_status::won) o.forecast_category[i] = sm::forecast_category::closed;
    if (o.status[i] == sm::deal_status::lost) o.forecast_category[i] = sm::forecast_category::omitted;
    if (o.status[i] != sm::deal_status::open) continue;
    if (o.stage[i] == engaging) o.forecast_category[i] = sm::forecast_category::best_case;
    if (!sm::is_missing(o.created_ts[i]))
      o.expected_close_ts[i] = o.created_ts[i] + sm::seconds{static_cast<std::int64_t>(std::llround(cycle * 86400.0))};
    if ((o.amount.empty() || o.amount[i].is_missing()) && price && !std::isnan(price->numbers[i])) {
      if (o.amount.empty()) o.amount.assign(o.size(), sm::money::missing());
      o.amount[i] = sm::money::from_double(price->numbers[i]);
      ++priced;
    }
  }
  d.assumptions.push_back("\"now\" is the last close date in the file, " + day_label(d.as_of));
  d.assumptions.push_back("open deals have no amount: the product's list price (products.csv sales_price) is used (" +
                          std::to_string(priced) + " deals)");
  d.assumptions.push_back("open deals have no expected close date: Engaging deals are expected to close " + fixed(cycle, 0) +
                          " days (the median won cycle) after their engage date; Prospecting deals have no date and go to \"(none)\"");
  d.assumptions.push_back("forecast categories are not in the file: Prospecting = pipeline, Engaging = best case, won = closed");
  d.assumptions.push_back("win probabilities come from the snapshot funnel (a deal passed every earlier stage); there is no stage "
                          "history, so the timing model, past forecasts and deal flow are not available");
  return d;
}

dataset csv_data(const std::string& opps, const std::string& opps_map, const std::string& hist, const std::string& hist_map,
                 const std::string& as_of) {
  dataset d;
  (void)sm::io::load_file(opps, sm::io::read_mapping_file(opps_map), d.data);
  if (!hist.empty()) (void)sm::io::load_file(hist, sm::io::read_mapping_file(hist_map), d.data);
  d.source = opps + (hist.empty() ? "" : " + " + hist);
  if (!as_of.empty()) {
    const auto t = sm::io::parse_timestamp(as_of);
    if (!t) throw std::invalid_argument("--as-of: not a date: " + as_of);
    d.as_of = *t;
  } else {
    auto see = [&](sm::timestamp t) {
      if (!sm::is_missing(t) && (sm::is_missing(d.as_of) || t > d.as_of)) d.as_of = t;
    };
    for (auto t : d.data.opportunities.created_ts) see(t);
    for (auto t : d.data.opportunities.closed_ts) see(t);
    for (auto t : d.data.stage_history.ts) see(t);
    d.assumptions.push_back("\"now\" is the latest instant in the data, " + day_label(d.as_of) + " (give --as-of to change it)");
  }
  return d;
}

struct quarter_row {
  std::string label;
  sf::forecast_cell cell;
  const sf::period_outcome* outcome = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  bool as_json = false, maven = false;
  std::string opps, opps_map, hist, hist_map, as_of_text;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") as_json = true;
    else if (a == "--maven") maven = true;
    else if (a == "--opportunities" && i + 2 < argc) opps = argv[++i], opps_map = argv[++i];
    else if (a == "--history" && i + 2 < argc) hist = argv[++i], hist_map = argv[++i];
    else if (a == "--as-of" && i + 1 < argc) as_of_text = argv[++i];
    else {
      std::cerr << "usage: forecast [--json] [--maven | --opportunities FILE MAP.json [--history FILE MAP.json] [--as-of YYYY-MM-DD]]\n";
      return 2;
    }
  }
  try {
    dataset d = !opps.empty() ? csv_data(opps, opps_map, hist, hist_map, as_of_text) : maven ? maven_data() : synthetic_data();
    if (d.data.stages.size() < 3) throw std::invalid_argument("no stage list: give \"stages\" in the opportunity mapping");
    const sm::stage_list& stages = d.data.stages;
    const sm::opportunity_view ov = d.data.opportunities.view();
    const sm::stage_history_view hv = d.data.stage_history.view();
    const bool has_history = hv.size() > 0;
    d.category_of_stage = categories_by_stage(d.data.opportunities, stages.size());
    const sm::calendar_period quarters = sm::calendar_period::quarters();
    const std::int64_t current = quarters.index(d.as_of);
    json out;
    out["source"] = d.source;
    out["as_of"] = day_label(d.as_of);
    out["assumptions"] = d.assumptions;

    // --- the weighting: win probability per stage from the funnel -------------------------------
    const fn::transition_fit fit =
        has_history ? fn::fit_transitions(hv, stages)
                    : fn::fit_from_snapshots({ov.stage, ov.status, ov.created_ts, ov.closed_ts}, stages).transitions;
    const sf::stage_weighting weights = sf::funnel_stage_weighting(fit, stages);
    json jw = json::object();
    for (std::size_t s = 0; s < stages.open_count(); ++s) jw[stages.name(static_cast<sm::stage_index>(s))] = weights.weights(s);
    out["win_probability_by_stage"] = jw;

    // --- pipeline forecast and outcome band by quarter ---------------------------------------------
    sf::pipeline_options po;
    po.period = quarters;
    po.as_of = d.as_of;
    const sf::pipeline_forecast_result pf = sf::forecast_pipeline(ov, weights, po);
    sf::outcome_options oo;
    oo.monte_carlo.draws = 5000;
    const sf::pipeline_outcomes_result outcomes = sf::forecast_outcomes(ov, weights, po, oo);
    std::vector<quarter_row> rows;
    quarter_row overdue{"overdue", {}, nullptr}, later{"later", {}, nullptr}, none{"(none)", {}, nullptr};
    for (std::int64_t q = current; q < current + 4; ++q) rows.push_back({quarters.label(q), sf::forecast_cell{q, 0, {}}, outcomes.find(q)});
    for (const sf::forecast_cell& c : pf.by_period()) {
      if (c.period == sf::none_key) none.cell += c;
      else if (c.period < current) {
        // Only deals still open count as overdue; bookings of past quarters are history.
        sf::forecast_cell open_only = c;
        open_only.by_category[sm::index_of(sm::forecast_category::closed)] = {};
        overdue.cell += open_only;
      } else if (c.period >= current + 4) later.cell += c;
      else rows[static_cast<std::size_t>(c.period - current)].cell = c;
    }
    json jq = json::array();
    auto row_json = [&](const quarter_row& r) {
      const sf::forecast_cell& c = r.cell;
      json j;
      j["quarter"] = r.label;
      j["deals"] = c.total().deals;
      j["closed"] = c.closed().amount.units();
      j["commit"] = c.commit_rollup().amount.units();
      j["best_case"] = c.best_case_rollup().amount.units();
      j["open_pipeline"] = c.open_pipeline().amount.units();
      j["omitted"] = c.category(sm::forecast_category::omitted).amount.units();
      j["weighted"] = (c.open_pipeline().weighted + c.closed().weighted).units();
      j["weighted_commit"] = c.commit_rollup().weighted.units();
      j["expected_wins"] = c.open_pipeline().expected_deals + c.closed().expected_deals;
      if (r.outcome != nullptr) {
        json band;
        for (const auto& q : r.outcome->revenue_quantiles)
          band["P" + std::to_string(static_cast<int>(std::lround(q.level * 100)))] = {{"value", q.value.units()}, {"standard_error", q.standard_error}};
        j["revenue_band"] = band;
        j["revenue_method"] = sf::to_string(r.outcome->method);
        j["wins_sd"] = r.outcome->wins_sd;
      }
      return j;
    };
    for (const auto& r : rows) jq.push_back(row_json(r));
    out["forecast_by_quarter"] = jq;
    out["overdue_open"] = row_json(overdue);
    out["later"] = row_json(later);
    out["no_close_date"] = row_json(none);

    if (!as_json) {
      std::cout << "Sales forecast from " << d.source << "\nas of " << day_label(d.as_of) << "\n";
      for (const auto& a : d.assumptions) std::cout << "  assumption: " << a << '\n';
      std::cout << "\nWin probability by stage (funnel absorbing chain): ";
      for (std::size_t s = 0; s < stages.open_count(); ++s)
        std::cout << (s ? ", " : "") << stages.name(static_cast<sm::stage_index>(s)) << ' ' << pct(weights.weights(s));
      std::cout << "\n\nPipeline by expected close quarter (amounts in currency units; rollups: commit = commit + closed,\n"
                   "best case = best case + commit + closed, open = pipeline + best case + commit; weighted = open + closed, funnel-weighted)\n";
      std::cout << pad("quarter", 9, true) << pad("deals", 7) << pad("closed", 12) << pad("commit", 12) << pad("best case", 12)
                << pad("open", 13) << pad("weighted", 12) << pad("P10", 12) << pad("P50", 12) << pad("P90", 12) << pad("E[wins]", 9) << '\n';
      auto print_row = [&](const quarter_row& r) {
        const sf::forecast_cell& c = r.cell;
        std::cout << pad(r.label, 9, true) << pad(std::to_string(c.total().deals), 7) << pad(units(c.closed().amount), 12)
                  << pad(units(c.commit_rollup().amount), 12) << pad(units(c.best_case_rollup().amount), 12)
                  << pad(units(c.open_pipeline().amount), 13) << pad(units(c.open_pipeline().weighted + c.closed().weighted), 12);
        if (r.outcome != nullptr && r.outcome->revenue_quantiles.size() == 3) {
          for (const auto& q : r.outcome->revenue_quantiles) std::cout << pad(units(q.value), 12);
        } else {
          std::cout << pad("", 36);
        }
        std::cout << pad(fixed(c.open_pipeline().expected_deals + c.closed().expected_deals), 9) << '\n';
      };
      for (const auto& r : rows) print_row(r);
      print_row(overdue);
      print_row(later);
      print_row(none);
      if (!rows.empty() && rows.front().outcome != nullptr) {
        const auto& o = *rows.front().outcome;
        std::cout << "P10/P50/P90: quantiles of the revenue of closed + open deals (omitted excluded), each deal won\n"
                     "independently with its probability; method "
                  << sf::to_string(o.method);
        if (o.method == sf::revenue_method::monte_carlo)
          std::cout << " (" << oo.monte_carlo.draws << " draws; standard error of the " << rows.front().label << " P50: "
                    << units(o.revenue_quantiles[1].standard_error) << ")";
        std::cout << ".\n";
      }
    }

    // --- timing model vs close dates ------------------------------------------------------------
    if (has_history) {
      const fn::step_model m = fn::make_step_model(fit, stages, 7.0);
      sf::timing_options to;
      to.period = quarters;
      to.as_of = d.as_of;
      to.periods = 4;
      to.categories = {true, true, true, true, false};
      const sf::timing_result t = sf::forecast_timing(ov, m, to);
      json jt = json::array();
      for (const auto& p : t.periods)
        jt.push_back({{"quarter", t.period_label(p.period)},
                      {"timing_expected_wins", p.expected_wins},
                      {"timing_expected_revenue", p.expected_revenue.units()},
                      {"close_date_expected_wins", p.close_date.expected_deals},
                      {"close_date_weighted", p.close_date.weighted.units()}});
      out["timing"] = {{"step_days", 7.0},
                       {"quarters", jt},
                       {"later_expected_wins", t.later_expected_wins},
                       {"close_date_overdue_weighted", t.close_date_overdue.weighted.units()},
                       {"close_date_none_weighted", t.close_date_none.weighted.units()}};
      if (!as_json) {
        std::cout << "\nWhen will the open deals close? Time-stepped funnel (weekly steps, mean dwell per stage from the\n"
                     "history) next to the expected close dates, same win probabilities (omitted deals excluded):\n";
        std::cout << pad("quarter", 9, true) << pad("timing E[wins]", 16) << pad("timing revenue", 16) << pad("close-date E[wins]", 20)
                  << pad("close-date wtd", 16) << '\n';
        for (const auto& p : t.periods)
          std::cout << pad(t.period_label(p.period), 9, true) << pad(fixed(p.expected_wins), 16) << pad(units(p.expected_revenue), 16)
                    << pad(fixed(p.close_date.expected_deals), 20) << pad(units(p.close_date.weighted), 16) << '\n';
        std::cout << pad("later", 9, true) << pad(fixed(t.later_expected_wins), 16) << pad(units(t.later_expected_revenue), 16)
                  << pad(fixed(t.close_date_later.expected_deals), 20) << pad(units(t.close_date_later.weighted), 16) << '\n';
        std::cout << pad("overdue", 9, true) << pad("", 32) << pad(fixed(t.close_date_overdue.expected_deals), 20)
                  << pad(units(t.close_date_overdue.weighted), 16) << "   (expected close already passed)\n";
      }

      // --- accuracy of past forecasts -------------------------------------------------------------
      std::vector<std::int64_t> past;
      for (std::int64_t q = current - 6; q < current; ++q) past.push_back(q);
      sf::accuracy_over_time_options ao;
      ao.period = quarters;
      ao.reconstruction.category_of_stage = d.category_of_stage;
      const sf::accuracy_over_time_result acc = sf::forecast_accuracy_over_time(hv, ov, stages, weights, past, ao);
      json ja = json::array();
      for (const auto& p : acc.periods)
        ja.push_back({{"quarter", acc.period_label(p.period)},
                      {"made_at", day_label(p.made_at)},
                      {"weighted", p.weighted.units()},
                      {"commit", p.forecast.commit_rollup().amount.units()},
                      {"best_case", p.forecast.best_case_rollup().amount.units()},
                      {"actual", p.actual.units()}});
      auto summary = [](const sf::accuracy_summary& s) {
        return json{{"wape", s.wape}, {"mape", s.mape}, {"bias_ratio", s.bias_ratio}, {"mae", s.mae}};
      };
      out["past_forecasts"] = {{"quarters", ja},
                               {"weighted", summary(acc.weighted)},
                               {"commit", summary(acc.commit)},
                               {"best_case", summary(acc.best_case)}};
      if (!as_json) {
        std::cout << "\nHow good were past forecasts? Pipeline rebuilt from the stage history at each quarter's start,\n"
                     "forecast for that quarter vs what was actually won in it (current funnel probabilities):\n";
        std::cout << pad("quarter", 9, true) << pad("made at", 12) << pad("weighted", 12) << pad("commit", 12) << pad("best case", 12)
                  << pad("actual", 12) << pad("error", 9) << '\n';
        for (const auto& p : acc.periods) {
          const double err = p.actual.cents == 0 ? NAN : (p.weighted.units() - p.actual.units()) / p.actual.units();
          std::cout << pad(acc.period_label(p.period), 9, true) << pad(day_label(p.made_at), 12) << pad(units(p.weighted), 12)
                    << pad(units(p.forecast.commit_rollup().amount), 12) << pad(units(p.forecast.best_case_rollup().amount), 12)
                    << pad(units(p.actual), 12) << pad(pct(err), 9) << '\n';
        }
        std::cout << "WAPE: weighted " << pct(acc.weighted.wape) << ", commit " << pct(acc.commit.wape) << ", best case "
                  << pct(acc.best_case.wape) << "; bias (forecast - actual) / actual: weighted " << pct(acc.weighted.bias_ratio)
                  << ", commit " << pct(acc.commit.bias_ratio) << '\n'
                  << "(the actual also contains deals created during the quarter, which no forecast made at its start could see)\n";
      }

      // --- deal flow over the last quarter ---------------------------------------------------------
      const sm::timestamp from = quarters.start(current - 1), to_d = std::min(d.as_of, quarters.end(current - 1) - sm::seconds{1});
      const sf::deal_flow_result f = sf::deal_flow(hv, ov, stages, from, to_d, {quarters, false});
      auto ft = [](const sf::flow_totals& t) { return json{{"deals", t.deals}, {"amount", t.amount.units()}}; };
      out["deal_flow"] = {{"from", day_label(from)},          {"to", day_label(to_d)},
                          {"starting", ft(f.starting)},        {"new", ft(f.created_open)},
                          {"won", ft(f.won)},                  {"lost", ft(f.lost)},
                          {"advanced", ft(f.advanced)},        {"moved_back", ft(f.moved_back)},
                          {"pushed", ft(f.pushed)},            {"pulled_in", ft(f.pulled_in)},
                          {"amount_increased", ft(f.amount_increased)}, {"amount_decreased", ft(f.amount_decreased)},
                          {"reopened", ft(f.reopened)},        {"ending", ft(f.ending)}};
      if (!as_json) {
        std::cout << "\nPipeline flow " << day_label(from) << " .. " << day_label(to_d) << " (open pipeline, deals / amount):\n";
        auto line = [&](const char* name, const sf::flow_totals& t) {
          std::cout << "  " << pad(name, 22, true) << pad(std::to_string(t.deals), 6) << pad(units(t.amount), 14) << '\n';
        };
        line("starting pipeline", f.starting);
        line("+ new (still open)", f.created_open);
        line("- won", f.won);
        line("- lost", f.lost);
        line("+ reopened", f.reopened);
        line("+ amount increases", f.amount_increased);
        line("- amount decreases", f.amount_decreased);
        line("= ending pipeline", f.ending);
        line("advanced a stage", f.advanced);
        line("moved back", f.moved_back);
        line("pushed to a later qtr", f.pushed);
        line("pulled in", f.pulled_in);
        line("new and won within", f.created_won);
      }
    } else if (!as_json) {
      std::cout << "\n(no stage history: timing model, past forecast accuracy and pipeline flow need one)\n";
    }

    // --- bookings time series ---------------------------------------------------------------------
    const sm::calendar_period months = sm::calendar_period::months();
    std::map<std::int64_t, double> won;
    for (std::size_t i = 0; i < ov.size(); ++i)
      if (ov.status[i] == sm::deal_status::won && !ov.closed_ts.empty() && !sm::is_missing(ov.closed_ts[i]) && !ov.amount.empty() &&
          !ov.amount[i].is_missing())
        won[months.index(ov.closed_ts[i])] += ov.amount[i].units();
    // Complete months only: from the first month with a booking to the last month that ended by as_of
    // (as_of's own month when as_of falls on its last day: the data covers that day).
    const std::int64_t as_of_month = months.index(d.as_of);
    const std::int64_t last_month = months.index(d.as_of + sm::seconds{sm::seconds_per_day}) > as_of_month ? as_of_month : as_of_month - 1;
    std::vector<double> y;
    std::vector<std::string> labels;
    if (!won.empty())
      for (std::int64_t mth = won.begin()->first; mth <= last_month; ++mth) {
        y.push_back(won.count(mth) ? won[mth] : 0.0);
        labels.push_back(months.label(mth));
      }
    if (y.size() >= 10) {
      const bool seasonal = y.size() >= 24;  // two full years for the seasonal states
      const sf::exponential_smoothing_fit model =
          seasonal ? sf::fit_holt_winters(y, 12, sf::seasonal_type::additive, sf::trend_type::additive, true) : sf::fit_holt(y, true);
      const sf::interval_forecast fc = model.forecast_intervals(6, 0.8);
      json jb = json::array();
      for (std::size_t h = 0; h < 6; ++h)
        jb.push_back({{"month", months.label(last_month + 1 + static_cast<std::int64_t>(h))},
                      {"forecast", fc.mean[h]},
                      {"lower80", fc.lower[h]},
                      {"upper80", fc.upper[h]}});
      out["bookings"] = {{"model", seasonal ? "Holt-Winters, damped additive trend, additive seasonality (12 months)" : "Holt, damped trend"},
                         {"history_months", y.size()},
                         {"alpha", model.params().alpha},
                         {"forecast", jb}};
      if (!as_json) {
        std::cout << "\nBookings (won amount per month, " << labels.front() << " .. " << labels.back() << ", " << y.size()
                  << " months) and the next 6 months from " << (seasonal ? "Holt-Winters (damped trend, additive seasons)" : "Holt (damped trend)")
                  << ", 80% interval:\n";
        for (std::size_t h = 0; h < 6; ++h)
          std::cout << "  " << months.label(last_month + 1 + static_cast<std::int64_t>(h)) << pad(units(fc.mean[h]), 14) << "   ["
                    << units(fc.lower[h]) << " .. " << units(fc.upper[h]) << "]\n";
      }
    } else if (!as_json) {
      std::cout << "\n(fewer than 10 complete months of bookings: no time-series forecast)\n";
    }

    if (as_json) std::cout << out.dump(2) << '\n';
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
