// salesmetrics/funnel/from_tables.hpp: the funnel models over the data set's table views.
//
// The table views plug in directly where they can:
//   stage_history_view is a StageHistoryColumns, so fit_transitions, fit_transitions_by_group,
//   count_funnel, funnel_by_group and funnel_by_cohort take it as is, and a stage_list (or a
//   fixed_stage_list) converts to the stage_layout they take.
// This header adds what needs the tables' shapes:
//   sorted_history(h)        an owning copy of the history sorted by (opportunity_id, ts), stable
//                            (rows with equal keys keep their order). The fits need that order;
//                            table/validate.hpp allows opportunities to interleave.
//   snapshots_of(opps)       the snapshot columns (stage, status, created_ts, closed_ts) of an
//                            opportunity view; fit_from_snapshots(opps, stages) and
//                            count_funnel_from_snapshots(opps, stages) read them.
//   group_of_opportunities(opps, key)  the group of every opportunity id: result[opportunity_id]
//                            = key[row] (e.g. opps.owner_rep_id for per-rep funnels), no_id for
//                            ids without a row; size = largest id + 1. Throws
//                            std::invalid_argument when key has the wrong length, an id is
//                            negative, or one id appears in two rows.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/funnel/funnel_view.hpp>
#include <salesmetrics/funnel/history_columns.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>
#include <salesmetrics/table/opportunity.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

/// An owning stage history (four columns), e.g. a sorted copy.
struct history_copy {
  std::vector<dense_id> opportunity_id;
  std::vector<timestamp> ts;
  std::vector<std::int8_t> from_stage;
  std::vector<std::int8_t> to_stage;

  [[nodiscard]] history_columns view() const { return {opportunity_id, ts, from_stage, to_stage}; }
};

/// Stable sort of the history by (opportunity_id, ts).
template <class History>
[[nodiscard]] history_copy sorted_history(const History& history) {
  const history_columns h = detail::checked_history(history);
  h.check_lengths("funnel::sorted_history");
  std::vector<std::size_t> order(h.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return h.opportunity_id[a] != h.opportunity_id[b] ? h.opportunity_id[a] < h.opportunity_id[b] : h.ts[a] < h.ts[b];
  });
  history_copy c;
  c.opportunity_id.reserve(order.size());
  c.ts.reserve(order.size());
  c.from_stage.reserve(order.size());
  c.to_stage.reserve(order.size());
  for (std::size_t i : order) {
    c.opportunity_id.push_back(h.opportunity_id[i]);
    c.ts.push_back(h.ts[i]);
    c.from_stage.push_back(h.from_stage[i]);
    c.to_stage.push_back(h.to_stage[i]);
  }
  return c;
}

/// Snapshot columns of an opportunity view (created_ts/closed_ts may be absent: empty spans).
[[nodiscard]] inline snapshot_columns snapshots_of(const opportunity_view& opps) {
  return snapshot_columns{opps.stage, opps.status, opps.created_ts, opps.closed_ts};
}

/// fit_from_snapshots over an opportunity view. A template (Scalar is always double) so that the
/// Eigen fitting code is instantiated only by translation units that call it.
template <class Scalar = double>
[[nodiscard]] basic_snapshot_fit<Scalar> fit_from_snapshots(const opportunity_view& opps, const stage_layout& stages,
                                                            const snapshot_options& opt = {}) {
  return fit_from_snapshots<Scalar>(snapshots_of(opps), stages, opt);
}

/// count_funnel_from_snapshots over an opportunity view.
[[nodiscard]] inline funnel_counts count_funnel_from_snapshots(const opportunity_view& opps, const stage_layout& stages,
                                                               const snapshot_options& opt = {}) {
  return count_funnel_from_snapshots(snapshots_of(opps), stages, opt);
}

/// result[opportunity_id] = key[row] (definition in the header comment).
[[nodiscard]] inline std::vector<dense_id> group_of_opportunities(const opportunity_view& opps, std::span<const dense_id> key) {
  const char* who = "funnel::group_of_opportunities";
  const std::size_t n = opps.opportunity_id.size();
  if (key.size() != n)
    throw std::invalid_argument(std::string(who) + ": the key column has " + std::to_string(key.size()) + " rows, the opportunities " +
                                std::to_string(n));
  dense_id top = -1;
  for (std::size_t i = 0; i < n; ++i) {
    if (opps.opportunity_id[i] < 0) throw std::invalid_argument(std::string(who) + ": opportunity row " + std::to_string(i) + " has no id");
    top = std::max(top, opps.opportunity_id[i]);
  }
  std::vector<dense_id> out(static_cast<std::size_t>(top + 1), no_id);
  std::vector<char> seen(out.size(), 0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto o = static_cast<std::size_t>(opps.opportunity_id[i]);
    if (seen[o]) throw std::invalid_argument(std::string(who) + ": opportunity id " + std::to_string(o) + " appears in two rows");
    seen[o] = 1;
    out[o] = key[i];
  }
  return out;
}

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
