// salesmetrics/funnel/funnel_view.hpp: the classic funnel table (reach, conversion, drop-off).
//
// Per opportunity, from its rows of the stage history (funnel/history_columns.hpp):
//   visited    the stages of all its rows' to_stage, plus the from_stage of its first row when
//              that row is not a creation row (the deal was already there).
//   outcome    the to_stage of its LAST row: won, lost, or open (any other stage). A deal that was
//              won and then reopened is open.
//   furthest   its visited open stage of highest transient position (none if it visited none).
// Levels: the T open stages in funnel (index) order, then won as level T.
//   entered[k]  (by stage index) distinct opportunities that visited stage k.
//   reached[l]  distinct opportunities that passed level l: for l < T, furthest >= l or outcome
//               won (a won deal passed every stage, also those it skipped); reached[T] = won.
//               So reached is non-increasing and reached[l] = reached[l+1] + lost_at[l] + open_at[l].
//   lost_at[l]  lost deals whose furthest open stage is l ("lost at stage l");
//   open_at[l]  open deals whose furthest open stage is l (not yet converted, not lost).
//   lost_without_open_stage  lost deals that never visited an open stage.
// funnel_table (make_funnel_table):
//   conversion[l] = reached[l+1] / reached[l]  (l < T; stage-to-stage), with its Wilson interval
//   cumulative[l] = reached[l] / reached[0]    (l <= T; cumulative[T] = overall win rate)
//   drop_off[l] = lost_at[l], drop_off_rate[l] = lost_at[l] / reached[l]
//   worst_stage: stage index of the level with the most drop_off (ties: earliest; -1 if none
//   lost); worst_stage_by_rate likewise for drop_off_rate (levels with reached = 0 skipped).
//   Every ratio with a zero denominator is NaN. Open deals count as "not converted (yet)": this is
//   an as-of funnel; restrict to old cohorts for settled rates.
// count_funnel_from_snapshots: the same funnel from opportunity snapshots under the assumption
//   stated in snapshot_columns.hpp.
// funnel_by_cohort: one funnel per calendar period of the opportunity's created time (the ts of
//   its first row), ascending by period index. funnel_by_group: one funnel per group
//   (group_of[opportunity_id], negative = none) for all groups in one pass.
// Input checks as in transition_counts.hpp (std::invalid_argument naming the row).
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/funnel/history_columns.hpp>
#include <salesmetrics/funnel/intervals.hpp>
#include <salesmetrics/funnel/snapshot_columns.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>

#include <algorithm>
#include <bit>
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
namespace funnel {

struct funnel_counts {
  std::vector<int> level_stage;            // stage index of each level: T open stages, then won
  std::vector<std::int64_t> entered;       // by stage index
  std::vector<std::int64_t> reached;       // by level (T + 1)
  std::vector<std::int64_t> lost_at;       // by open level (T)
  std::vector<std::int64_t> open_at;       // by open level (T)
  std::int64_t opportunities = 0;
  std::int64_t won = 0;
  std::int64_t lost = 0;
  std::int64_t open = 0;
  std::int64_t lost_without_open_stage = 0;

  [[nodiscard]] std::size_t open_levels() const noexcept { return lost_at.size(); }
};

struct funnel_table {
  std::vector<int> level_stage;
  std::vector<std::int64_t> reached;
  std::vector<double> conversion;      // T
  std::vector<interval> conversion_ci; // T
  std::vector<double> cumulative;      // T + 1
  std::vector<std::int64_t> drop_off;  // T
  std::vector<double> drop_off_rate;   // T
  std::vector<std::int64_t> still_open;  // T
  int worst_stage = -1;
  int worst_stage_by_rate = -1;
};

struct cohort_funnel {
  std::int64_t period = 0;  // calendar_period index
  funnel_counts counts;
};

namespace detail {

[[nodiscard]] inline funnel_counts empty_funnel(const stage_layout& L) {
  funnel_counts c;
  const std::size_t T = L.transient_count();
  c.level_stage = L.transient_stages();
  c.level_stage.push_back(L.won());
  c.entered.assign(L.size(), 0);
  c.reached.assign(T + 1, 0);
  c.lost_at.assign(T, 0);
  c.open_at.assign(T, 0);
  return c;
}

/// Adds one opportunity (visited-stage mask, outcome stage) to c; reached is filled by finish_funnel.
inline void add_opportunity(funnel_counts& c, const stage_layout& L, std::uint64_t visited, std::uint64_t open_mask, int outcome) {
  ++c.opportunities;
  for (std::uint64_t m = visited; m != 0; m &= m - 1) ++c.entered[static_cast<std::size_t>(std::countr_zero(m))];
  const std::uint64_t om = visited & open_mask;
  const int furthest = om == 0 ? -1 : L.position(63 - std::countl_zero(om));
  if (outcome == L.won()) {
    ++c.won;
  } else if (outcome == L.lost()) {
    ++c.lost;
    if (furthest < 0) ++c.lost_without_open_stage;
    else ++c.lost_at[static_cast<std::size_t>(furthest)];
  } else {
    ++c.open;
    ++c.open_at[static_cast<std::size_t>(furthest)];  // an open deal sits in an open stage
  }
}

inline void finish_funnel(funnel_counts& c) {
  const std::size_t T = c.lost_at.size();
  c.reached[T] = c.won;
  for (std::size_t l = T; l-- > 0;) c.reached[l] = c.reached[l + 1] + c.lost_at[l] + c.open_at[l];
}

/// The checked pass over the history; calls fn(opportunity_id, first_ts, visited_mask, outcome_stage)
/// once per opportunity, in row order. The checks are folded into rarely-taken branches and
/// diagnose_row names the broken rule.
template <class Fn>
void for_each_opportunity(const history_columns& h, const stage_layout& L, const char* who, Fn&& fn) {
  h.check_lengths(who);
  const std::size_t n = h.size();
  const std::size_t S = L.size();
  const dense_id* opp = h.opportunity_id.data();
  const timestamp* tsv = h.ts.data();
  const std::int8_t* from = h.from_stage.data();
  const std::int8_t* to = h.to_stage.data();
  dense_id prev_opp = -1;
  timestamp first_ts{}, prev_ts{};
  int prev_to = -2;
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const dense_id o = opp[i];
    const int f = from[i];
    const int t = to[i];
    const timestamp ts = tsv[i];
    if ((static_cast<unsigned>(t) >= S) | (static_cast<unsigned>(f + 1) > S)) [[unlikely]]
      diagnose_row(h, i, static_cast<int>(S), who);
    if (o != prev_opp || i == 0) {
      if ((o < prev_opp) | (o < 0) | (ts == no_time)) [[unlikely]]
        diagnose_row(h, i, static_cast<int>(S), who);
      if (i > 0) fn(prev_opp, first_ts, mask, prev_to);
      mask = f >= 0 ? std::uint64_t{1} << f : 0;
      first_ts = ts;
      prev_opp = o;
    } else if ((ts < prev_ts) | (f != prev_to)) [[unlikely]] {
      diagnose_row(h, i, static_cast<int>(S), who);
    }
    mask |= std::uint64_t{1} << t;
    prev_ts = ts;
    prev_to = t;
  }
  if (n > 0) fn(prev_opp, first_ts, mask, prev_to);
}

[[nodiscard]] inline std::uint64_t open_stage_mask(const stage_layout& L) {
  std::uint64_t m = 0;
  for (int k : L.transient_stages()) m |= std::uint64_t{1} << k;
  return m;
}

[[nodiscard]] inline double ratio(std::int64_t a, std::int64_t b) {
  return b == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(a) / static_cast<double>(b);
}

}  // namespace detail

/// The funnel of the whole history (definitions in the header comment).
template <class History>
[[nodiscard]] funnel_counts count_funnel(const History& history, const stage_layout& stages) {
  const history_columns h = detail::checked_history(history);
  funnel_counts c = detail::empty_funnel(stages);
  const std::uint64_t om = detail::open_stage_mask(stages);
  detail::for_each_opportunity(h, stages, "funnel::count_funnel",
                               [&](dense_id, timestamp, std::uint64_t mask, int outcome) { detail::add_opportunity(c, stages, mask, om, outcome); });
  detail::finish_funnel(c);
  return c;
}

/// One funnel per group in one pass: opportunity o is in group group_of[o] (negative = none).
template <class History>
[[nodiscard]] std::vector<funnel_counts> funnel_by_group(const History& history, const stage_layout& stages,
                                                         std::span<const dense_id> group_of, std::size_t group_count) {
  const history_columns h = detail::checked_history(history);
  std::vector<funnel_counts> out(group_count, detail::empty_funnel(stages));
  const std::uint64_t om = detail::open_stage_mask(stages);
  detail::for_each_opportunity(h, stages, "funnel::funnel_by_group", [&](dense_id o, timestamp, std::uint64_t mask, int outcome) {
    if (static_cast<std::size_t>(o) >= group_of.size())
      throw std::invalid_argument(std::string("funnel::funnel_by_group: opportunity_id ") + std::to_string(o) + " has no entry in group_of (size " +
                                  std::to_string(group_of.size()) + ")");
    const dense_id g = group_of[static_cast<std::size_t>(o)];
    if (g < 0) return;
    if (static_cast<std::size_t>(g) >= group_count)
      throw std::invalid_argument(std::string("funnel::funnel_by_group: group ") + std::to_string(g) + " of opportunity " + std::to_string(o) +
                                  std::string(" is not below group_count ") + std::to_string(group_count));
    detail::add_opportunity(out[static_cast<std::size_t>(g)], stages, mask, om, outcome);
  });
  for (auto& c : out) detail::finish_funnel(c);
  return out;
}

/// One funnel per created period (the first row's ts), ascending by period index.
template <class History>
[[nodiscard]] std::vector<cohort_funnel> funnel_by_cohort(const History& history, const stage_layout& stages, calendar_period period) {
  const history_columns h = detail::checked_history(history);
  std::vector<cohort_funnel> out;
  std::unordered_map<std::int64_t, std::size_t> slot;
  const std::uint64_t om = detail::open_stage_mask(stages);
  detail::for_each_opportunity(h, stages, "funnel::funnel_by_cohort", [&](dense_id, timestamp first, std::uint64_t mask, int outcome) {
    const std::int64_t p = period.index(first);
    auto [it, added] = slot.try_emplace(p, out.size());
    if (added) out.push_back({p, detail::empty_funnel(stages)});
    detail::add_opportunity(out[it->second].counts, stages, mask, om, outcome);
  });
  for (auto& c : out) detail::finish_funnel(c.counts);
  std::sort(out.begin(), out.end(), [](const cohort_funnel& a, const cohort_funnel& b) { return a.period < b.period; });
  return out;
}

/// The funnel of opportunity snapshots under the assumption of snapshot_columns.hpp: deal i
/// visited the open stages up to its last open stage (and won/lost when closed); its outcome is
/// its status. Same definitions as count_funnel; errors as fit_from_snapshots.
[[nodiscard]] inline funnel_counts count_funnel_from_snapshots(const snapshot_columns& in, const stage_layout& stages,
                                                               const snapshot_options& opt = {}) {
  const char* who = "funnel::count_funnel_from_snapshots";
  const int last_open = detail::check_snapshots(in, stages, opt, who);
  funnel_counts c = detail::empty_funnel(stages);
  const std::uint64_t om = detail::open_stage_mask(stages);
  const auto& tr = stages.transient_stages();
  for (std::size_t i = 0; i < in.stage.size(); ++i) {
    const int last = detail::snapshot_last_open(in, stages, i, last_open, who);
    std::uint64_t mask = 0;
    for (int p = 0; p <= stages.position(last); ++p) mask |= std::uint64_t{1} << tr[static_cast<std::size_t>(p)];
    const int outcome = in.status[i] == deal_status::won ? stages.won() : in.status[i] == deal_status::lost ? stages.lost() : last;
    if (outcome != last) mask |= std::uint64_t{1} << outcome;
    detail::add_opportunity(c, stages, mask, om, outcome);
  }
  detail::finish_funnel(c);
  return c;
}

/// Rates of a funnel (definitions in the header comment); z for the Wilson intervals.
[[nodiscard]] inline funnel_table make_funnel_table(const funnel_counts& c, double z = z95) {
  funnel_table t;
  const std::size_t T = c.open_levels();
  t.level_stage = c.level_stage;
  t.reached = c.reached;
  t.drop_off = c.lost_at;
  t.still_open = c.open_at;
  t.conversion.resize(T);
  t.conversion_ci.resize(T);
  t.drop_off_rate.resize(T);
  t.cumulative.resize(T + 1);
  std::int64_t most = 0;
  double most_rate = -1;
  for (std::size_t l = 0; l <= T; ++l) t.cumulative[l] = detail::ratio(c.reached[l], c.reached[0]);
  for (std::size_t l = 0; l < T; ++l) {
    t.conversion[l] = detail::ratio(c.reached[l + 1], c.reached[l]);
    t.conversion_ci[l] = wilson_interval(c.reached[l + 1], c.reached[l], z);
    t.drop_off_rate[l] = detail::ratio(c.lost_at[l], c.reached[l]);
    if (c.lost_at[l] > most) {
      most = c.lost_at[l];
      t.worst_stage = c.level_stage[l];
    }
    if (c.reached[l] > 0 && c.lost_at[l] > 0 && t.drop_off_rate[l] > most_rate) {
      most_rate = t.drop_off_rate[l];
      t.worst_stage_by_rate = c.level_stage[l];
    }
  }
  return t;
}

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
