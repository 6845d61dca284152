// salesmetrics/funnel/history_columns.hpp: the stage-history columns the funnel passes read.
//
// One row per stage change, as in SCHEMA.md: opportunity_id (dense id >= 0), ts (UTC seconds),
// from_stage (-1 = the creation row) and to_stage (stage indices into a stage_layout). Rows are
// sorted by (opportunity_id, ts). `history_columns` is a plain struct of spans over anyone's
// memory; any type with those four members convertible to the same spans (a table view, a
// user's struct of vectors) is a `StageHistoryColumns` and is accepted by the same functions.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/time.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

struct history_columns {
  std::span<const dense_id> opportunity_id;
  std::span<const timestamp> ts;
  std::span<const std::int8_t> from_stage;
  std::span<const std::int8_t> to_stage;

  [[nodiscard]] std::size_t size() const noexcept { return opportunity_id.size(); }

  /// Throws std::invalid_argument naming `who` when the four columns differ in length.
  void check_lengths(const char* who) const {
    const std::size_t n = opportunity_id.size();
    if (ts.size() != n || from_stage.size() != n || to_stage.size() != n)
      throw std::invalid_argument(std::string(who) + ": stage history columns differ in length (opportunity_id " + std::to_string(n) +
                                  std::string(", ts ") + std::to_string(ts.size()) + ", from_stage " + std::to_string(from_stage.size()) +
                                  std::string(", to_stage ") + std::to_string(to_stage.size()) + ")");
  }
};

template <class H>
concept StageHistoryColumns = requires(const H& h) {
  { std::span<const dense_id>(h.opportunity_id) };
  { std::span<const timestamp>(h.ts) };
  { std::span<const std::int8_t>(h.from_stage) };
  { std::span<const std::int8_t>(h.to_stage) };
};

namespace detail {
/// The spans of a history argument of the funnel entry points, with one readable error for a
/// type that is not StageHistoryColumns (the branch stops the instantiation cascade).
template <class H>
[[nodiscard]] history_columns checked_history(const H& h) {
  if constexpr (!StageHistoryColumns<H>) {
    static_assert(StageHistoryColumns<H>,
                  "salesmetrics::funnel: the history argument needs members opportunity_id (dense_id), ts (timestamp), from_stage "
                  "and to_stage (int8), each convertible to std::span<const T>; wrap your columns in funnel::history_columns");
    return {};
  } else {
    return history_columns{std::span<const dense_id>(h.opportunity_id), std::span<const timestamp>(h.ts),
                           std::span<const std::int8_t>(h.from_stage), std::span<const std::int8_t>(h.to_stage)};
  }
}

[[noreturn]] inline void bad_row(const char* who, std::size_t row, const std::string& what) {
  throw std::invalid_argument(std::string(who) + ": stage_history row " + std::to_string(row) + ": " + what);
}

/// Names the first broken rule at row i (called only when the fast checks failed).
[[noreturn]] inline void diagnose_row(const history_columns& h, std::size_t i, int S, const char* who) {
  const dense_id o = h.opportunity_id[i];
  const int f = h.from_stage[i], t = h.to_stage[i];
  if (t < 0 || t >= S) bad_row(who, i, std::string("to_stage ") + std::to_string(t) + " is outside 0.." + std::to_string(S - 1));
  if (f < -1 || f >= S) bad_row(who, i, std::string("from_stage ") + std::to_string(f) + " is outside -1.." + std::to_string(S - 1));
  if (o < 0) bad_row(who, i, std::string("opportunity_id ") + std::to_string(o) + " is negative (missing)");
  if (is_missing(h.ts[i])) bad_row(who, i, "ts is missing");
  if (i > 0 && o < h.opportunity_id[i - 1])
    bad_row(who, i, std::string("rows are not sorted by opportunity_id (") + std::to_string(o) + " after " + std::to_string(h.opportunity_id[i - 1]) + ")");
  if (i > 0 && o == h.opportunity_id[i - 1]) {
    if (h.ts[i] < h.ts[i - 1])
      bad_row(who, i, std::string("ts goes backwards within opportunity ") + std::to_string(o) + " (rows must be sorted by (opportunity_id, ts))");
    if (f == -1) bad_row(who, i, std::string("creation row (from_stage -1) is not the first row of opportunity ") + std::to_string(o));
    if (f != h.to_stage[i - 1])
      bad_row(who, i, std::string("from_stage ") + std::to_string(f) + " does not chain: the previous row of opportunity " + std::to_string(o) +
                          " went to stage " + std::to_string(h.to_stage[i - 1]));
    bad_row(who, i, "dwell of more than 2^39 seconds (17,000 years); timestamps look corrupt");
  }
  bad_row(who, i, "invalid row");
}
}  // namespace detail

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
