// salesmetrics/funnel/snapshot_columns.hpp: opportunity snapshots as the funnel models read them.
//
// A snapshot keeps only each deal's current stage (open deals) or last stage (closed deals: the
// last open stage, or the won/lost index itself), its status, and optionally its created and
// closed dates (no_time = missing; an empty span = the column is absent). The snapshot fits
// (transition_counts.hpp) and funnels (funnel_view.hpp) share one ASSUMPTION: a deal at open
// stage k started at the first open stage and passed every open stage before k in order; a
// won/lost deal reached its last open stage and was then absorbed. For a closed deal recorded
// at the won/lost index its last open stage is snapshot_options::closed_last_stage (default -1:
// the last open stage).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/time.hpp>

#include <salesmetrics/funnel/stage_layout.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

struct snapshot_columns {
  std::span<const std::int8_t> stage;   // current stage (open) or last stage (closed): transient, won or lost index
  std::span<const deal_status> status;  // open, won, lost
  std::span<const timestamp> created;   // may be empty (no cycle lengths); no_time = missing
  std::span<const timestamp> closed;    // may be empty; no_time = missing
};

struct snapshot_options {
  /// Last open stage assumed for a closed deal recorded at the won/lost index; -1 = the last
  /// transient stage.
  int closed_last_stage = -1;
};

namespace detail {
/// Checks the column lengths and the option; returns the last open stage of closed deals
/// recorded at won/lost.
inline int check_snapshots(const snapshot_columns& in, const stage_layout& L, const snapshot_options& opt, const char* who) {
  const std::size_t n = in.stage.size();
  if (in.status.size() != n || (!in.created.empty() && in.created.size() != n) || (!in.closed.empty() && in.closed.size() != n))
    throw std::invalid_argument(std::string(who) + ": snapshot columns differ in length (stage " + std::to_string(n) + ", status " +
                                std::to_string(in.status.size()) + ", created " + std::to_string(in.created.size()) + ", closed " +
                                std::to_string(in.closed.size()) + "; created/closed may be empty)");
  const int last_open = opt.closed_last_stage < 0 ? L.transient_stages().back() : opt.closed_last_stage;
  if (L.position(last_open) < 0)
    throw std::invalid_argument(std::string(who) + ": snapshot_options::closed_last_stage " + std::to_string(last_open) + " is not an open stage");
  return last_open;
}

/// The last open stage of deal i under the assumption; throws std::invalid_argument naming the
/// row for a stage out of range, an unknown status, an open deal at won/lost, or a closed deal
/// at the other closed stage.
inline int snapshot_last_open(const snapshot_columns& in, const stage_layout& L, std::size_t i, int last_open, const char* who) {
  const int st = in.stage[i];
  const deal_status ds = in.status[i];
  auto bad = [&](const std::string& what) {
    throw std::invalid_argument(std::string(who) + ": opportunity row " + std::to_string(i) + ": " + what);
  };
  if (st < 0 || st >= static_cast<int>(L.size())) bad(std::string("stage ") + std::to_string(st) + " is outside 0.." + std::to_string(L.size() - 1));
  if (static_cast<std::size_t>(ds) > 2) bad(std::string("status code ") + std::to_string(static_cast<int>(ds)) + " is not open/won/lost");
  if (ds == deal_status::open) {
    if (L.is_absorbing(st)) bad(std::string("status open but stage ") + std::to_string(st) + " is won/lost");
    return st;
  }
  const bool won = ds == deal_status::won;
  if (st == (won ? L.lost() : L.won()))
    bad(std::string("status ") + (won ? "won" : "lost") + " but stage is the " + (won ? "lost" : "won") + " stage");
  return st == (won ? L.won() : L.lost()) ? last_open : st;
}
}  // namespace detail

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
