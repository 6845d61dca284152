// salesmetrics/forecast/pipeline_forecast.hpp: weighted and unweighted pipeline forecasts by close
// period, group and forecast category.
//
//   forecast::pipeline_forecast<W> f(weighting, {.period = calendar_period::quarters(), .group = forecast_group::rep()});
//   forecast::pipeline_forecast_result r = f(data.opportunities);   // or forecast_pipeline(view, weighting, options)
//
// Which deals count (status of each opportunity row; nothing is dropped silently):
//   open  every open deal, placed in the period of its expected_close_ts and in the category of its
//         forecast_category column (as recorded; `pipeline` when the column is absent), with
//         probability p = W.probability(view, row, {as_of}).
//   won   (options.include_won, default true) placed in the period of its closed_ts, always in the
//         `closed` category, with p = 1: the bookings already made in the period.
//   lost  not part of a forecast; counted in excluded_lost (so are won deals when include_won is off).
// A deal with no instant for its period (absent column or no_time) goes to the period "(none)".
// Per cell (period x group x category), over its deals d:
//   deals           number of deals
//   missing_amount  deals without an amount (money::missing() or no amount column): counted in
//                   deals and expected_deals, not in the sums
//   amount          sum of amount_d                                   (unweighted, exact cents)
//   weighted        sum of round(amount_d x p_d), each term rounded to the nearest cent, halves away
//                   from zero (as std::llround), so totals are exact integer sums of cents and
//                   agree with metrics::weighted_pipeline<W>
//   expected_deals  sum of p_d (the expected number of wins)
// Cumulative rollups of a (period, group) cell, as forecasting tools show them:
//   closed = closed;  commit_rollup = commit + closed;  best_case_rollup = best_case + commit + closed;
//   open_pipeline = pipeline + best_case + commit;  total = all five categories (omitted included).
// Periods: a run-time calendar_period (core/calendar.hpp: day, ISO week, month, quarter, fiscal
// year or fiscal quarter with its start month). It is a constructor argument rather than a template
// parameter because the fiscal start month is run-time data and the period does not change any
// type (STYLE 2.4). Groups (forecast_group): none (one group "all"), rep (owner_rep_id), team
// (owner_rep_id through a user mapping rep -> team), or a categorical attribute column
// ("segment"). A missing key (no_id, an absent column, a rep outside the mapping, a negative team)
// is the group "(none)".
// Result: one cell per (period, group) that some deal reached, ordered by period (time order,
// "(none)" last) then group (dense id order, "(none)" last).
// Errors (std::invalid_argument): a probability outside [0, 1] or NaN from the weighting (naming
// the row and stage), a weighting's own check(), an attribute that is missing or numeric.
//
// Why a dedicated pass and not metrics::evaluate: the engine has no forecast-category or
// rep -> team key, places a metric's rows by one anchor (open deals by expected close, won deals
// by closed_ts here), and its DealWeight is a static function, while these policies carry
// run-time state (learned probabilities, score spans, the as-of instant). The pass is one loop
// over the rows with the weighting inlined (a template parameter), the period found by a
// day -> period table, and a dense array of cells (a hash map only when periods x groups is far
// larger than the data). tests/runtime/forecast_pipeline.cpp checks it against the engine.
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/forecast/deal_weighting.hpp>
#include <salesmetrics/table/opportunity.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

/// The key value of "(none)" (a missing period or group); sorts last.
inline constexpr std::int64_t none_key = std::numeric_limits<std::int64_t>::max();
inline constexpr std::size_t category_count = enum_count<forecast_category>;

/// How deals are grouped besides their period.
struct forecast_group {
  enum class kind : std::uint8_t { none, rep, team, attribute };
  kind by = kind::none;
  std::span<const dense_id> team_of_rep{};  // team: rep id -> team id (negative: no team)
  const dictionary* names = nullptr;        // rep or team labels (else the ids print as numbers)
  std::string attribute{};                  // attribute: name of a categorical attribute column

  [[nodiscard]] static forecast_group none() { return {}; }
  [[nodiscard]] static forecast_group rep(const dictionary* rep_names = nullptr) { return {kind::rep, {}, rep_names, {}}; }
  [[nodiscard]] static forecast_group team(std::span<const dense_id> team_of_rep, const dictionary* team_names = nullptr) {
    return {kind::team, team_of_rep, team_names, {}};
  }
  [[nodiscard]] static forecast_group by_attribute(std::string column) { return {kind::attribute, {}, nullptr, std::move(column)}; }
};

struct pipeline_options {
  calendar_period period = calendar_period::months();
  forecast_group group{};
  timestamp as_of = no_time;  // given to the weighting (deal_context)
  bool include_won = true;    // won deals in `closed` by closed_ts
};

/// Totals of one cell (definitions in the header comment).
struct forecast_totals {
  std::int64_t deals = 0;
  std::int64_t missing_amount = 0;
  money amount{};
  money weighted{};
  double expected_deals = 0.0;

  forecast_totals& operator+=(const forecast_totals& o) noexcept {
    deals += o.deals;
    missing_amount += o.missing_amount;
    amount += o.amount;
    weighted += o.weighted;
    expected_deals += o.expected_deals;
    return *this;
  }
  [[nodiscard]] friend forecast_totals operator+(forecast_totals a, const forecast_totals& b) noexcept { return a += b; }
};

/// One (period, group) with its totals per forecast category and the cumulative rollups.
struct forecast_cell {
  std::int64_t period = none_key;  // calendar_period index, none_key = "(none)"
  std::int64_t group = 0;          // dense group id, none_key = "(none)"
  std::array<forecast_totals, category_count> by_category{};

  [[nodiscard]] const forecast_totals& category(forecast_category c) const noexcept { return by_category[index_of(c)]; }
  [[nodiscard]] const forecast_totals& closed() const noexcept { return category(forecast_category::closed); }
  [[nodiscard]] forecast_totals commit_rollup() const noexcept { return category(forecast_category::commit) + closed(); }
  [[nodiscard]] forecast_totals best_case_rollup() const noexcept { return category(forecast_category::best_case) + commit_rollup(); }
  [[nodiscard]] forecast_totals open_pipeline() const noexcept {
    return category(forecast_category::pipeline) + category(forecast_category::best_case) + category(forecast_category::commit);
  }
  [[nodiscard]] forecast_totals total() const noexcept { return open_pipeline() + closed() + category(forecast_category::omitted); }

  forecast_cell& operator+=(const forecast_cell& o) noexcept {
    for (std::size_t c = 0; c < category_count; ++c) by_category[c] += o.by_category[c];
    return *this;
  }
};

class pipeline_forecast_result {
 public:
  pipeline_forecast_result() = default;

  [[nodiscard]] const calendar_period& calendar() const noexcept { return calendar_; }
  [[nodiscard]] const std::vector<forecast_cell>& cells() const noexcept { return cells_; }
  [[nodiscard]] std::size_t size() const noexcept { return cells_.size(); }

  /// The cell of (period, group), or null when no deal reached it.
  [[nodiscard]] const forecast_cell* find(std::int64_t period, std::int64_t group = 0) const noexcept {
    const auto it = std::lower_bound(cells_.begin(), cells_.end(), std::pair{period, group}, [](const forecast_cell& c, const auto& k) {
      return std::pair{c.period, c.group} < k;
    });
    return it != cells_.end() && it->period == period && it->group == group ? &*it : nullptr;
  }
  /// The cell of the period containing `t` (no_time: "(none)").
  [[nodiscard]] const forecast_cell* find_at(timestamp t, std::int64_t group = 0) const noexcept {
    return find(is_missing(t) ? none_key : calendar_.index(t), group);
  }

  /// Cells summed over the groups, one per period (group = 0), in period order.
  [[nodiscard]] std::vector<forecast_cell> by_period() const {
    std::vector<forecast_cell> out;
    for (const auto& c : cells_) {
      if (out.empty() || out.back().period != c.period) {
        out.push_back(forecast_cell{c.period, 0, {}});
      }
      out.back() += c;
    }
    return out;
  }
  /// Everything summed (period = none_key, group = 0).
  [[nodiscard]] forecast_cell total() const noexcept {
    forecast_cell t{none_key, 0, {}};
    for (const auto& c : cells_) t += c;
    return t;
  }

  [[nodiscard]] std::string period_label(std::int64_t period) const { return period == none_key ? "(none)" : calendar_.label(period); }
  [[nodiscard]] std::string group_label(std::int64_t group) const {
    if (group == none_key) return "(none)";
    if (group_names_.empty()) return kind_ == forecast_group::kind::none ? "all" : std::to_string(group);
    return static_cast<std::size_t>(group) < group_names_.size() ? group_names_[static_cast<std::size_t>(group)] : std::to_string(group);
  }

  /// Rows read = open_deals + won_deals + excluded_lost + excluded_won.
  std::int64_t rows_read = 0;
  std::int64_t open_deals = 0;
  std::int64_t won_deals = 0;      // included in `closed`
  std::int64_t excluded_lost = 0;
  std::int64_t excluded_won = 0;   // won deals when include_won is off

 private:
  template <class W> friend class pipeline_forecast;
  calendar_period calendar_{};
  forecast_group::kind kind_ = forecast_group::kind::none;
  std::vector<std::string> group_names_;
  std::vector<forecast_cell> cells_;
};

namespace detail {

/// Maps instants to dense period codes 0..count-1 (code `count` = "(none)").
class period_coder {
 public:
  period_coder() = default;
  /// Periods spanning the UTC days [min_day, max_day]; `any` false: no instant at all.
  period_coder(const calendar_period& cal, bool any, std::int64_t min_day, std::int64_t max_day) : cal_(cal) {
    if (!any) return;
    first_ = cal.index_of_day(min_day);
    const std::int64_t last = cal.index_of_day(max_day);
    if (last - first_ >= std::int64_t{1} << 31) throw std::invalid_argument("salesmetrics::forecast: more than 2^31 periods between the first and last close date");
    count_ = static_cast<std::uint32_t>(last - first_ + 1);
    min_day_ = min_day;
    const std::int64_t span = max_day - min_day + 1;
    if (span <= max_table_days) {
      by_day_.resize(static_cast<std::size_t>(span));
      for (std::int64_t d = 0; d < span; ++d) by_day_[static_cast<std::size_t>(d)] = static_cast<std::uint32_t>(cal.index_of_day(min_day + d) - first_);
    }
  }
  /// Code of an instant inside the span given (or no_time).
  [[nodiscard]] std::uint32_t code(timestamp t) const noexcept {
    if (is_missing(t)) return count_;
    const std::int64_t d = unix_day(t);
    if (!by_day_.empty()) return by_day_[static_cast<std::size_t>(d - min_day_)];
    return static_cast<std::uint32_t>(cal_.index_of_day(d) - first_);
  }
  [[nodiscard]] std::uint32_t count() const noexcept { return count_; }
  [[nodiscard]] std::int64_t period_of(std::uint32_t code) const noexcept { return code < count_ ? first_ + code : none_key; }
  [[nodiscard]] const calendar_period& calendar() const noexcept { return cal_; }

  static constexpr std::int64_t max_table_days = std::int64_t{1} << 20;  // 2,870 years, 4 MiB

 private:
  calendar_period cal_{};
  std::int64_t first_ = 0;
  std::uint32_t count_ = 0;
  std::int64_t min_day_ = 0;
  std::vector<std::uint32_t> by_day_;
};

/// Maps opportunity rows to dense group codes 0..count-2, count-1 = "(none)" (or a single group).
struct group_coder {
  std::span<const dense_id> key{};     // per row; empty: every row gets `fixed`
  std::uint32_t key_n = 0;             // valid key ids are 0..key_n-1
  std::span<const dense_id> remap{};   // team: key id -> group id
  std::uint32_t groups = 1;            // codes 0..groups-1 ("(none)" included when has_none)
  std::uint32_t none = 0;              // the "(none)" code
  std::uint32_t fixed = 0;
  bool has_none = false;

  [[nodiscard]] std::uint32_t code(std::size_t row) const noexcept {
    if (key.empty()) return fixed;
    const auto k = static_cast<std::uint32_t>(key[row]);
    if (k >= key_n) return none;
    if (remap.empty()) return k;
    const auto t = static_cast<std::uint32_t>(remap[k]);
    return t < none ? t : none;
  }
};

[[nodiscard]] inline group_coder make_group_coder(const opportunity_view& v, const forecast_group& g, std::vector<std::string>& labels) {
  group_coder gc;
  labels.clear();
  auto max_id = [](std::span<const dense_id> s) {
    dense_id m = -1;
    for (dense_id x : s) m = x > m ? x : m;
    return static_cast<std::uint32_t>(m + 1);
  };
  auto name_ids = [&](std::uint32_t n, const dictionary* names) {
    if (names == nullptr) return;
    for (std::uint32_t i = 0; i < n; ++i) labels.push_back(i < names->size() ? names->name(static_cast<dense_id>(i)) : std::to_string(i));
  };
  switch (g.by) {
    case forecast_group::kind::none: break;
    case forecast_group::kind::rep:
    case forecast_group::kind::team: {
      gc.has_none = true;
      if (v.owner_rep_id.empty()) {
        gc.groups = 1;
        gc.none = gc.fixed = 0;
        break;
      }
      gc.key = v.owner_rep_id;
      if (g.by == forecast_group::kind::rep) {
        gc.key_n = max_id(v.owner_rep_id);
        gc.none = gc.key_n;
        name_ids(gc.key_n, g.names);
      } else {
        gc.key_n = static_cast<std::uint32_t>(g.team_of_rep.size());
        gc.remap = g.team_of_rep;
        gc.none = max_id(g.team_of_rep);
        name_ids(gc.none, g.names);
      }
      gc.groups = gc.none + 1;
      break;
    }
    case forecast_group::kind::attribute: {
      const auto a = v.attribute(g.attribute);
      if (!a) throw std::invalid_argument("salesmetrics::forecast: the opportunities have no attribute column '" + g.attribute + "'");
      if (!a->categorical())
        throw std::invalid_argument("salesmetrics::forecast: attribute '" + g.attribute + "' is numeric; group by a categorical attribute");
      if (a->codes.size() != v.size())
        throw std::invalid_argument("salesmetrics::forecast: attribute '" + g.attribute + "' has " + std::to_string(a->codes.size()) +
                                    " values for " + std::to_string(v.size()) + " rows");
      gc.has_none = true;
      gc.key = a->codes;
      gc.key_n = static_cast<std::uint32_t>(std::max<std::size_t>(a->labels->size(), max_id(a->codes)));
      gc.none = gc.key_n;
      gc.groups = gc.key_n + 1;
      for (std::uint32_t i = 0; i < gc.key_n; ++i)
        labels.push_back(i < a->labels->size() ? a->labels->name(static_cast<dense_id>(i)) : std::to_string(i));
      break;
    }
  }
  return gc;
}

/// The instant that places row i: expected close for open deals, closed_ts for won deals.
[[nodiscard]] inline timestamp period_instant(const opportunity_view& v, std::size_t i) noexcept {
  if (v.status[i] == deal_status::won) return v.closed_ts.empty() ? no_time : v.closed_ts[i];
  return v.expected_close_ts.empty() ? no_time : v.expected_close_ts[i];
}

/// The period coder spanning the instants of the rows a forecast includes.
[[nodiscard]] inline period_coder make_period_coder(const opportunity_view& v, const calendar_period& cal, bool include_won) {
  constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  std::int64_t mn = std::numeric_limits<std::int64_t>::max(), mx = lo;
  // Branch-free min/max over the instants of the rows with this status (no_time is skipped), with
  // four independent accumulators so the compare chains overlap.
  auto see = [&](std::span<const timestamp> col, deal_status status) {
    if (col.empty()) return;
    const std::size_t n = col.size();
    const timestamp* t = col.data();
    const deal_status* st = v.status.data();
    constexpr std::int64_t hi = std::numeric_limits<std::int64_t>::max();
    std::int64_t a[4] = {mn, hi, hi, hi}, b[4] = {mx, lo, lo, lo};
    auto step = [&](std::size_t i, std::size_t k) {
      const std::int64_t s = to_unix(t[i]);
      const bool use = (st[i] == status) & (s != lo);
      const std::int64_t lo_s = use ? s : hi, hi_s = use ? s : lo;
      a[k] = lo_s < a[k] ? lo_s : a[k];
      b[k] = hi_s > b[k] ? hi_s : b[k];
    };
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      step(i, 0);
      step(i + 1, 1);
      step(i + 2, 2);
      step(i + 3, 3);
    }
    for (; i < n; ++i) step(i, 0);
    mn = std::min(std::min(a[0], a[1]), std::min(a[2], a[3]));
    mx = std::max(std::max(b[0], b[1]), std::max(b[2], b[3]));
  };
  see(v.expected_close_ts, deal_status::open);
  if (include_won) see(v.closed_ts, deal_status::won);
  if (mx == lo) return period_coder(cal, false, 0, 0);
  return period_coder(cal, true, unix_day(from_unix(mn)), unix_day(from_unix(mx)));
}

struct cell_acc {
  std::int64_t deals = 0, missing = 0, cents = 0, weighted = 0;
  double p = 0.0;
};
using cell_accs = std::array<cell_acc, category_count>;

[[noreturn]] inline void bad_probability(const opportunity_view& v, std::size_t row, double p) {
  throw std::invalid_argument("salesmetrics::forecast: the weighting gave probability " + std::to_string(p) +
                              " for opportunity row " + std::to_string(row) + " (stage " + std::to_string(static_cast<int>(v.stage[row])) +
                              "); a probability must lie in [0, 1]");
}

}  // namespace detail

/// The forecast pass with weighting W (header comment); call it on an opportunity view.
template <class W>
class pipeline_forecast {
  static_assert(DealWeighting<W>,
                "salesmetrics::forecast::pipeline_forecast<W>: W is not a DealWeighting: it needs a member "
                "`double probability(const opportunity_view&, std::size_t row, const deal_context&) const` and must be copyable "
                "(ready-made policies: forecast/forecast_weighting.hpp)");

 public:
  explicit pipeline_forecast(W weighting, pipeline_options options = {}) : w_(std::move(weighting)), opt_(std::move(options)) {}

  [[nodiscard]] const W& weighting() const noexcept { return w_; }
  [[nodiscard]] const pipeline_options& options() const noexcept { return opt_; }

  [[nodiscard]] pipeline_forecast_result operator()(const opportunity_view& v) const {
    const std::size_t n = v.size();
    if (v.status.size() != n || v.stage.size() != n)
      throw std::invalid_argument("salesmetrics::forecast::pipeline_forecast: status and stage need one value per opportunity row");
    const deal_context ctx{opt_.as_of};
    detail::check_weighting(w_, v, ctx);
    pipeline_forecast_result r;
    r.calendar_ = opt_.period;
    r.kind_ = opt_.group.by;
    const detail::period_coder pc = detail::make_period_coder(v, opt_.period, opt_.include_won);
    const detail::group_coder gc = detail::make_group_coder(v, opt_.group, r.group_names_);
    const std::uint64_t periods = std::uint64_t{pc.count()} + 1, groups = gc.groups;
    const std::uint64_t slots = periods * groups;
    if (slots <= std::max<std::uint64_t>(std::uint64_t{1} << 14, n / 8)) {
      std::vector<detail::cell_accs> dense(static_cast<std::size_t>(slots));
      run(v, ctx, pc, gc, r, [&](std::uint64_t s) -> detail::cell_accs& { return dense[s]; });
      for (std::uint64_t s = 0; s < slots; ++s) emit(r, pc, gc, s, dense[s]);
    } else {
      std::unordered_map<std::uint64_t, detail::cell_accs> sparse;
      run(v, ctx, pc, gc, r, [&](std::uint64_t s) -> detail::cell_accs& { return sparse[s]; });
      std::vector<std::uint64_t> keys;
      keys.reserve(sparse.size());
      for (const auto& kv : sparse) keys.push_back(kv.first);
      std::sort(keys.begin(), keys.end());
      for (std::uint64_t s : keys) emit(r, pc, gc, s, sparse[s]);
    }
    return r;
  }

 private:
  template <class Slot>
  void run(const opportunity_view& v, const deal_context& ctx, const detail::period_coder& pc, const detail::group_coder& gc,
           pipeline_forecast_result& r, Slot&& slot) const {
    const std::size_t n = v.size();
    const bool has_amount = !v.amount.empty(), has_category = !v.forecast_category.empty(), include_won = opt_.include_won;
    const bool has_close = !v.expected_close_ts.empty(), has_closed = !v.closed_ts.empty();
    const std::uint64_t groups = gc.groups;
    std::int64_t open = 0, won = 0, lost = 0, won_out = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const deal_status st = v.status[i];
      double p;
      std::size_t cat;
      if (st == deal_status::open) {
        p = static_cast<double>(w_.probability(v, i, ctx));
        if (!(p >= 0.0 && p <= 1.0)) [[unlikely]]
          detail::bad_probability(v, i, p);
        cat = has_category ? index_of(v.forecast_category[i]) : index_of(forecast_category::pipeline);
        if (cat >= category_count) [[unlikely]]
          throw std::invalid_argument("salesmetrics::forecast: forecast_category code " + std::to_string(cat) + " at opportunity row " +
                                      std::to_string(i) + " is not a category");
        ++open;
      } else if (st == deal_status::won && include_won) {
        p = 1.0;
        cat = index_of(forecast_category::closed);
        ++won;
      } else {
        ++(st == deal_status::won ? won_out : lost);
        continue;
      }
      const timestamp when = st == deal_status::open ? (has_close ? v.expected_close_ts[i] : no_time) : (has_closed ? v.closed_ts[i] : no_time);
      const std::uint64_t s = std::uint64_t{pc.code(when)} * groups + gc.code(i);
      detail::cell_acc& a = slot(s)[cat];
      ++a.deals;
      a.p += p;
      const money m = has_amount ? v.amount[i] : money::missing();
      if (m.is_missing()) {
        ++a.missing;
      } else {
        a.cents += m.cents;
        a.weighted += round_half_away(static_cast<double>(m.cents) * p);
      }
    }
    r.rows_read = static_cast<std::int64_t>(n);
    r.open_deals = open;
    r.won_deals = won;
    r.excluded_lost = lost;
    r.excluded_won = won_out;
  }

  static void emit(pipeline_forecast_result& r, const detail::period_coder& pc, const detail::group_coder& gc, std::uint64_t slot,
                   const detail::cell_accs& acc) {
    bool any = false;
    for (const auto& a : acc) any = any || a.deals > 0;
    if (!any) return;
    forecast_cell c;
    c.period = pc.period_of(static_cast<std::uint32_t>(slot / gc.groups));
    const auto g = static_cast<std::uint32_t>(slot % gc.groups);
    c.group = gc.has_none && g == gc.none ? none_key : static_cast<std::int64_t>(g);
    for (std::size_t k = 0; k < category_count; ++k) {
      forecast_totals& t = c.by_category[k];
      t.deals = acc[k].deals;
      t.missing_amount = acc[k].missing;
      t.amount = money{acc[k].cents};
      t.weighted = money{acc[k].weighted};
      t.expected_deals = acc[k].p;
    }
    r.cells_.push_back(c);
  }

  W w_;
  pipeline_options opt_;
};

/// One-call form: pipeline_forecast<W>(weighting, options)(opportunities).
template <class W>
[[nodiscard]] pipeline_forecast_result forecast_pipeline(const opportunity_view& opportunities, const W& weighting,
                                                         const pipeline_options& options = {}) {
  if constexpr (detail::weighting_ok<W>()) {
    return pipeline_forecast<W>(weighting, options)(opportunities);
  } else {
    return {};
  }
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
