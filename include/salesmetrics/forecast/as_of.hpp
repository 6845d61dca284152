// salesmetrics/forecast/as_of.hpp: the pipeline as it stood on past dates, rebuilt from the stage
// history in one pass, and the accuracy of the forecasts it gave.
//
// State of an opportunity as of an instant D (rows of the stage history with ts <= D, in table order):
//   exists         it has a row with ts <= D
//   stage          to_stage of its last row with ts <= D
//   created        ts of its first row
//   stage_entered  ts of the row that entered `stage`: the first of the trailing rows (ts <= D) whose
//                  to_stage is `stage` (a self-move does not re-enter)
//   amount, expected_close   the value of the last row with ts <= D whose value is present (the
//                  columns hold the values after each change); missing when no such row. When the
//                  history has no such column at all, the opportunity table's current value is used
//                  (the only information there is: the value is assumed never to have changed).
// Rows must be sorted by (opportunity_id, ts) with opportunity_id >= 0 and to_stage >= 0;
// otherwise std::invalid_argument names the row. Equal timestamps keep table order. Chaining of
// from_stage is not needed here and not checked (validate() checks it).
//
// for_each_as_of(history, dates, f): ONE pass over the rows for any number of dates (sorted
// ascending, else std::invalid_argument); f(opportunity_id, span<const history_state>) is called
// once per opportunity with its state at each date. O(rows + opportunities x dates).
//
// reconstruct_pipeline(history, opportunities, stages, D) builds an opportunity_store of every
// opportunity that exists as of D, usable by pipeline_forecast and the other forecasts:
//   stage, created_ts, amount, expected_close_ts   as above
//   status         won when stage = stages.won(), lost when stages.lost(), open otherwise
//   closed_ts      stage_entered when won or lost, else no_time
//   forecast_category  won: closed; lost: omitted; open: as_of_options::category_of_stage[stage]
//                  (pipeline when that list is empty or too short)
//   probability    NaN (the CRM's value at D is unknown)
//   opportunity_id, account_id, owner_rep_id, source and the attributes: copied from the opportunity
//                  table's row of that id (ASSUMPTION: these did not change; missing when the table has
//                  no row for the id). Opportunities of the table without any history row are not in
//                  any reconstruction: as_of_pipeline::table_only counts them.
// reconstruct_pipelines(..., dates) gives one store per date from the same single pass.
//
// forecast_accuracy_over_time(history, opportunities, stages, weighting, periods, options):
// for each target period t (calendar indices, any order) the forecast was made at
// origin_t = start(t - lead) from the pipeline as of origin_t (pipeline_forecast with the weighting
// and as_of = origin_t), and the actual is the amount won with closed_ts in t in the pipeline as of
// end(t) - 1 s. Per period: the forecast's cell for t (all categories, rollups), weighted =
// sum of the weighted amounts of pipeline, best_case, commit and closed; actual = closed amount.
// Accuracy (forecast/accuracy.hpp) over the periods of: weighted, commit_rollup amount and
// best_case_rollup amount against the actual. All origins and ends come from one pass.
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/forecast/accuracy.hpp>
#include <salesmetrics/forecast/deal_weighting.hpp>
#include <salesmetrics/forecast/forecast_weighting.hpp>
#include <salesmetrics/forecast/pipeline_forecast.hpp>
#include <salesmetrics/table/opportunity.hpp>
#include <salesmetrics/table/stage_history.hpp>
#include <salesmetrics/table/stages.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

/// An opportunity as of an instant (header comment).
struct history_state {
  bool exists = false;
  stage_index stage = no_stage;
  money amount = money::missing();
  timestamp expected_close = no_time;
  timestamp created = no_time;
  timestamp stage_entered = no_time;

  friend bool operator==(const history_state&, const history_state&) = default;
};

namespace detail {

[[noreturn]] inline void bad_history_row(std::size_t row, const std::string& what) {
  throw std::invalid_argument("salesmetrics::forecast: stage history row " + std::to_string(row) + ": " + what);
}

inline void check_history_columns(const stage_history_view& h) {
  const std::size_t n = h.opportunity_id.size();
  if (h.ts.size() != n || h.to_stage.size() != n || (!h.from_stage.empty() && h.from_stage.size() != n) ||
      (!h.amount.empty() && h.amount.size() != n) || (!h.expected_close_ts.empty() && h.expected_close_ts.size() != n))
    throw std::invalid_argument("salesmetrics::forecast: stage history columns differ in length (amount and expected_close_ts may be empty)");
}

/// opportunity id -> row of the opportunity table (-1 when absent).
[[nodiscard]] inline std::vector<std::int32_t> rows_by_id(const opportunity_view& o) {
  dense_id max_id = -1;
  for (dense_id id : o.opportunity_id) max_id = std::max(max_id, id);
  std::vector<std::int32_t> row(static_cast<std::size_t>(max_id + 1), -1);
  for (std::size_t r = 0; r < o.opportunity_id.size(); ++r)
    if (o.opportunity_id[r] >= 0) row[static_cast<std::size_t>(o.opportunity_id[r])] = static_cast<std::int32_t>(r);
  return row;
}

}  // namespace detail

/// One pass over the history; f(opportunity_id, states at each date) per opportunity (header comment).
template <class F>
void for_each_as_of(const stage_history_view& h, std::span<const timestamp> dates, F&& f) {
  detail::check_history_columns(h);
  for (std::size_t k = 1; k < dates.size(); ++k)
    if (dates[k] < dates[k - 1]) throw std::invalid_argument("salesmetrics::forecast::for_each_as_of: dates must be sorted ascending");
  const std::size_t n = h.opportunity_id.size(), K = dates.size();
  const bool has_amount = !h.amount.empty(), has_close = !h.expected_close_ts.empty();
  std::vector<history_state> states(K);
  std::size_t b = 0;
  while (b < n) {
    const dense_id id = h.opportunity_id[b];
    if (id < 0) detail::bad_history_row(b, "opportunity_id " + std::to_string(id) + " is negative");
    history_state cur;
    std::size_t k = 0, r = b;
    for (; r < n && h.opportunity_id[r] == id; ++r) {
      const timestamp t = h.ts[r];
      if (r > b && t < h.ts[r - 1]) detail::bad_history_row(r, "ts goes back in time within opportunity " + std::to_string(id) + " (sort by opportunity_id, ts)");
      while (k < K && dates[k] < t) states[k++] = cur;
      const stage_index to = h.to_stage[r];
      if (to < 0) detail::bad_history_row(r, "to_stage " + std::to_string(static_cast<int>(to)) + " is not a stage");
      if (!cur.exists) {
        cur.exists = true;
        cur.created = t;
      }
      if (cur.stage != to || is_missing(cur.stage_entered)) {
        cur.stage = to;
        cur.stage_entered = t;
      }
      if (has_amount && !h.amount[r].is_missing()) cur.amount = h.amount[r];
      if (has_close && !is_missing(h.expected_close_ts[r])) cur.expected_close = h.expected_close_ts[r];
    }
    if (r < n && h.opportunity_id[r] < id) detail::bad_history_row(r, "opportunity_id decreases (sort the history by opportunity_id, ts)");
    while (k < K) states[k++] = cur;
    f(id, std::span<const history_state>(states));
    b = r;
  }
}

struct as_of_options {
  std::vector<forecast_category> category_of_stage;  // by stage index, for open deals; empty: pipeline
};

/// The opportunities as they stood at `as_of`.
struct as_of_pipeline {
  timestamp as_of = no_time;
  opportunity_store deals;
  std::vector<std::int32_t> table_row;  // per deal: its row in the opportunity table, -1 if none
  std::int64_t table_only = 0;          // opportunities of the table without history rows
};

namespace detail {

struct pipeline_builder {
  const opportunity_view* o;
  const stage_list* stages;
  const as_of_options* opt;
  const std::vector<std::int32_t>* row_of;
  bool history_amount, history_close;

  void start(as_of_pipeline& p, timestamp as_of) const {
    p.as_of = as_of;
    opportunity_store& s = p.deals;
    for (const attribute_view& a : o->attributes) {
      attribute_store& as = s.attribute(a.name);
      as.is_categorical = a.categorical();
      if (a.categorical()) as.labels = *a.labels;
    }
  }

  void add(as_of_pipeline& p, dense_id id, const history_state& st) const {
    if (!st.exists) return;
    opportunity_store& s = p.deals;
    const std::int32_t row = static_cast<std::size_t>(id) < row_of->size() ? (*row_of)[static_cast<std::size_t>(id)] : -1;
    const auto r = static_cast<std::size_t>(row);
    auto from_table = [&](std::span<const dense_id> col) { return row >= 0 && !col.empty() ? col[r] : no_id; };
    s.opportunity_id.push_back(id);
    s.created_ts.push_back(st.created);
    s.stage.push_back(st.stage);
    const bool won = st.stage == stages->won(), lost = st.stage == stages->lost();
    s.status.push_back(won ? deal_status::won : lost ? deal_status::lost : deal_status::open);
    s.closed_ts.push_back(won || lost ? st.stage_entered : no_time);
    s.account_id.push_back(from_table(o->account_id));
    s.owner_rep_id.push_back(from_table(o->owner_rep_id));
    s.source.push_back(from_table(o->source));
    money amount = st.amount;
    if (!history_amount) amount = row >= 0 && !o->amount.empty() ? o->amount[r] : money::missing();
    s.amount.push_back(amount);
    timestamp close = st.expected_close;
    if (!history_close) close = row >= 0 && !o->expected_close_ts.empty() ? o->expected_close_ts[r] : no_time;
    s.expected_close_ts.push_back(close);
    s.probability.push_back(std::numeric_limits<float>::quiet_NaN());
    forecast_category cat = forecast_category::pipeline;
    if (won) cat = forecast_category::closed;
    else if (lost) cat = forecast_category::omitted;
    else if (static_cast<std::size_t>(st.stage) < opt->category_of_stage.size()) cat = opt->category_of_stage[static_cast<std::size_t>(st.stage)];
    s.forecast_category.push_back(cat);
    for (std::size_t a = 0; a < o->attributes.size(); ++a) {
      const attribute_view& av = o->attributes[a];
      attribute_store& as = s.attributes[a];
      if (av.categorical()) as.codes.push_back(row >= 0 && r < av.codes.size() ? av.codes[r] : no_id);
      else as.numbers.push_back(row >= 0 && r < av.numbers.size() ? av.numbers[r] : std::numeric_limits<double>::quiet_NaN());
    }
    p.table_row.push_back(row);
  }
};

}  // namespace detail

/// One reconstruction per date, all from one pass over the history (header comment).
[[nodiscard]] inline std::vector<as_of_pipeline> reconstruct_pipelines(const stage_history_view& h, const opportunity_view& o,
                                                                       const stage_list& stages, std::span<const timestamp> dates,
                                                                       const as_of_options& options = {}) {
  if (stages.size() < 3) throw std::invalid_argument("salesmetrics::forecast::reconstruct_pipelines: the stage list needs open stages, won and lost");
  // Sort the dates for the pass, remember where each one goes.
  std::vector<std::size_t> order(dates.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return dates[a] < dates[b]; });
  std::vector<timestamp> sorted(dates.size());
  for (std::size_t k = 0; k < order.size(); ++k) sorted[k] = dates[order[k]];
  const std::vector<std::int32_t> row_of = detail::rows_by_id(o);
  const detail::pipeline_builder builder{&o, &stages, &options, &row_of, !h.amount.empty(), !h.expected_close_ts.empty()};
  std::vector<as_of_pipeline> out(dates.size());
  for (std::size_t k = 0; k < dates.size(); ++k) builder.start(out[k], dates[k]);
  std::vector<std::uint8_t> seen(row_of.size(), 0);
  for_each_as_of(h, sorted, [&](dense_id id, std::span<const history_state> st) {
    if (static_cast<std::size_t>(id) < seen.size()) seen[static_cast<std::size_t>(id)] = 1;
    for (std::size_t k = 0; k < st.size(); ++k) builder.add(out[order[k]], id, st[k]);
  });
  std::int64_t table_only = 0;
  for (std::size_t id = 0; id < row_of.size(); ++id) table_only += row_of[id] >= 0 && !seen[id];
  for (auto& p : out) p.table_only = table_only;
  return out;
}

[[nodiscard]] inline as_of_pipeline reconstruct_pipeline(const stage_history_view& h, const opportunity_view& o, const stage_list& stages,
                                                         timestamp as_of, const as_of_options& options = {}) {
  const timestamp d[1] = {as_of};
  return std::move(reconstruct_pipelines(h, o, stages, d, options).front());
}

// ---------------------------------------------------------------------------------------------
// Forecast accuracy over time

struct accuracy_over_time_options {
  calendar_period period = calendar_period::quarters();
  std::size_t lead = 0;  // forecast made at the start of period t - lead
  as_of_options reconstruction{};
};

struct as_of_forecast {
  std::int64_t period = 0;
  timestamp made_at = no_time;   // origin: start(period - lead)
  forecast_cell forecast{};      // the pipeline as of made_at, its cell for `period`
  money weighted{};              // weighted amount of pipeline + best_case + commit + closed
  money actual{};                // won with closed_ts in the period, as of end(period) - 1 s
  std::int64_t actual_deals = 0;
};

struct accuracy_over_time_result {
  calendar_period calendar{};
  std::vector<as_of_forecast> periods;
  accuracy_summary weighted{};     // weighted vs actual
  accuracy_summary commit{};       // commit_rollup amount vs actual
  accuracy_summary best_case{};    // best_case_rollup amount vs actual
  [[nodiscard]] std::string period_label(std::int64_t p) const { return calendar.label(p); }
};

template <class W>
[[nodiscard]] accuracy_over_time_result forecast_accuracy_over_time(const stage_history_view& h, const opportunity_view& o,
                                                                    const stage_list& stages, const W& weighting,
                                                                    std::span<const std::int64_t> periods,
                                                                    const accuracy_over_time_options& options = {}) {
  if constexpr (!detail::weighting_ok<W>()) {
    return {};
  } else {
    const calendar_period& cal = options.period;
    std::vector<timestamp> dates;
    for (std::int64_t t : periods) {
      dates.push_back(cal.start(t - static_cast<std::int64_t>(options.lead)));
      dates.push_back(cal.end(t) - seconds{1});
    }
    const std::vector<as_of_pipeline> snaps = reconstruct_pipelines(h, o, stages, dates, options.reconstruction);
    accuracy_over_time_result r;
    r.calendar = cal;
    std::vector<double> actual, weighted, commit, best;
    for (std::size_t j = 0; j < periods.size(); ++j) {
      const std::int64_t t = periods[j];
      as_of_forecast f;
      f.period = t;
      f.made_at = dates[2 * j];
      pipeline_options po;
      po.period = cal;
      po.as_of = f.made_at;
      const opportunity_view origin = snaps[2 * j].deals.view();
      const pipeline_forecast_result fr = forecast_pipeline(origin, weighting, po);
      if (const forecast_cell* c = fr.find(t)) f.forecast = *c;
      f.forecast.period = t;
      f.weighted = f.forecast.category(forecast_category::pipeline).weighted + f.forecast.category(forecast_category::best_case).weighted +
                   f.forecast.category(forecast_category::commit).weighted + f.forecast.closed().weighted;
      pipeline_options pe;
      pe.period = cal;
      pe.as_of = dates[2 * j + 1];
      const opportunity_view end_view = snaps[2 * j + 1].deals.view();
      const pipeline_forecast_result er = forecast_pipeline(end_view, constant_probability{}, pe);  // only the closed cells are read
      if (const forecast_cell* c = er.find(t)) {
        f.actual = c->closed().amount;
        f.actual_deals = c->closed().deals;
      }
      actual.push_back(f.actual.units());
      weighted.push_back(f.weighted.units());
      commit.push_back(f.forecast.commit_rollup().amount.units());
      best.push_back(f.forecast.best_case_rollup().amount.units());
      r.periods.push_back(f);
    }
    r.weighted = accuracy(actual, weighted);
    r.commit = accuracy(actual, commit);
    r.best_case = accuracy(actual, best);
    return r;
  }
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
