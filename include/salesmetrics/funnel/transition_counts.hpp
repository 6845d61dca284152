// salesmetrics/funnel/transition_counts.hpp: stage-transition counts, probabilities and dwell times.
//
// fit_transitions(history, stages) reads the stage history (funnel/history_columns.hpp) in ONE
// pass. With S = stages.size():
//   counts(f, t)   number of rows with from_stage f >= 0 and to_stage t (S x S). Every row counts:
//                  forward moves, skips, backward moves, self-moves (f == t) and moves out of won
//                  or lost ("reopened"). Creation rows (from_stage -1) are not transitions.
//   exits(f)       sum_t counts(f, t).
//   starts(k)      opportunities whose history starts in stage k: the to_stage of the creation
//                  row, or, when the first row of an opportunity is not a creation row, its
//                  from_stage (the earlier history was cut off).
//   entered(k)     opportunities that were in stage k at some point: k is the to_stage of one of
//                  their rows or the from_stage of their first row (the funnel's "reached",
//                  as funnel::count_funnel counts it, from the same pass).
//   probabilities  P(f, t) = counts(f, t) / exits(f) for a transient f with exits(f) > 0.
//                  A transient stage with no exits (never observed to be left) gets P(f, f) = 1:
//                  "never left" is the only row-stochastic reading of the data; the absorbing
//                  chain then reports the stage as never absorbed (see absorbing_chain.hpp).
//                  The won and lost rows are identity rows (absorbing by definition) whatever
//                  their counts say; counts keeps the reopenings for inspection.
//   dwell          one sample per row r that continues an opportunity (r is not the
//                  opportunity's first row): the stage from_stage(r) was entered by the previous
//                  row at ts(r-1) and left at ts(r), dwell = (ts(r) - ts(r-1)) / 86400 days. So a
//                  sample is the holding time of one chain step, which is what
//                  N * dwell in absorbing_chain.hpp needs. Censoring: an opportunity whose last
//                  row enters a transient stage is still there; that stay has no end, is counted
//                  in censored(k) and is EXCLUDED from dwell (so long stays are under-represented
//                  while deals are open). A first row that is not a creation row has an unknown
//                  entry time and gives no sample either.
//   dwell_mean_days(k), dwell_median_days(k) over the samples of stage k (median of an even count
//                  = mean of the two middle values); NaN when stage k has no sample.
//   skips          rows between transient stages with position(t) > position(f) + 1;
//   backward_moves rows between transient stages with position(t) < position(f);
//   self_loops     rows with f == t (transient); reopened: rows with f = won or lost.
// Input checks (std::invalid_argument naming the row): columns of equal length, stage codes in
// range, opportunity_id >= 0, ts present (not no_time), rows sorted by (opportunity_id, ts),
// a creation row only as the first row of its opportunity, rows chain (from_stage(r) ==
// to_stage(r-1) within an opportunity). funnel/from_tables.hpp has sorted_history() for
// histories whose opportunities interleave.
//
// fit_transitions_by_group does the same for G groups at once (group_of[opportunity_id] in
// 0..G-1; a negative group skips the opportunity, rows are still checked) in the same one pass.
//
// fit_from_snapshots fits the same quantities from opportunity snapshots that keep only the
// current/last stage and the status (no history; e.g. the Maven CRM data, Prospecting >
// Engaging > Won/Lost), under the ASSUMPTION stated in snapshot_columns.hpp (a deal at open
// stage k passed every earlier open stage in order, one step each; a won/lost deal reached its
// last open stage and was then absorbed). Each deal starts at the first open stage; open deals
// are censored in their stage. Per-stage dwell is not identifiable from snapshots (NaN);
// instead the cycle length closed - created (days) is summarised per outcome over the closed
// deals that have both dates (others are excluded and counted).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/funnel/history_columns.hpp>
#include <salesmetrics/funnel/snapshot_columns.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

using count_matrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;
using count_vector = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;

struct transition_options {
  /// Dwell times need the ts column; false fits the counts only (the pass does not read ts, so
  /// it neither checks it: dwell_mean_days and dwell_median_days are NaN, dwell_count still
  /// counts the steps that would give a sample). 40 % less time (bench/funnel_bench.cpp, 13.4M
  /// rows: 119 against 201 ms).
  bool dwell = true;
  /// Exact median dwell keeps every dwell sample (8 bytes per row) and, for up to 256
  /// group x stage cells, a bucket histogram filled in the same pass, then selects within the
  /// middle buckets (more cells: a counting sort and a selection per cell). It adds about a
  /// third to the time of the fit (bench/funnel_bench.cpp: 274 against 201 ms); false leaves
  /// dwell_median_days NaN.
  /// Needs dwell.
  bool median = true;
};

// The Scalar parameter (only double is used) makes the fits and the fitting functions templates:
// they are instantiated when used, so a translation unit that includes this header without
// fitting does not instantiate the Eigen code. transition_fit is the double fit.
template <class Scalar = double>
struct basic_transition_fit {
  int won = -1;
  int lost = -1;
  count_matrix counts;
  count_vector exits;
  count_vector starts;
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> probabilities;
  count_vector dwell_count;
  count_vector censored;
  count_vector entered;  // opportunities that were in the stage at some point (see the header comment)
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> dwell_mean_days;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> dwell_median_days;
  std::int64_t rows = 0;           // rows read (of the opportunities in this fit)
  std::int64_t opportunities = 0;  // distinct opportunity ids
  std::int64_t creations = 0;      // creation rows
  std::int64_t transitions = 0;    // rows with from_stage >= 0 (= counts.sum())
  std::int64_t skips = 0;
  std::int64_t backward_moves = 0;
  std::int64_t self_loops = 0;
  std::int64_t reopened = 0;

  [[nodiscard]] std::size_t stage_count() const noexcept { return static_cast<std::size_t>(counts.rows()); }
  /// True when transient stage k was left at least once (its probability row is data, not the
  /// "never left" convention).
  [[nodiscard]] bool has_exits(int stage) const { return exits(stage) > 0; }
};
using transition_fit = basic_transition_fit<>;

namespace detail {

enum move_kind : std::uint8_t { move_forward = 0, move_skip, move_backward, move_self, move_reopen, move_kinds };

[[nodiscard]] inline std::vector<std::uint8_t> move_table(const stage_layout& L) {
  const int s = static_cast<int>(L.size());
  std::vector<std::uint8_t> k(static_cast<std::size_t>(s * s), move_forward);
  for (int f = 0; f < s; ++f)
    for (int t = 0; t < s; ++t) {
      const int pf = L.position(f), pt = L.position(t);
      std::uint8_t c = move_forward;
      if (pf < 0) c = move_reopen;
      else if (f == t) c = move_self;
      else if (pt >= 0 && pt > pf + 1) c = move_skip;
      else if (pt >= 0 && pt < pf) c = move_backward;
      k[static_cast<std::size_t>(f * s + t)] = c;
    }
  return k;
}


/// Probabilities (row-normalised, conventions in the header comment), mean dwell.
template <class Scalar>
void finish_fit(basic_transition_fit<Scalar>& r, const stage_layout& L, const std::int64_t* dwell_seconds_sum) {
  using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  const auto S = static_cast<Eigen::Index>(L.size());
  r.exits = r.counts.rowwise().sum();
  r.probabilities = matrix::Zero(S, S);
  for (Eigen::Index f = 0; f < S; ++f) {
    if (L.is_absorbing(static_cast<int>(f)) || r.exits(f) == 0) {
      r.probabilities(f, f) = 1.0;
      continue;
    }
    const double e = static_cast<double>(r.exits(f));
    for (Eigen::Index t = 0; t < S; ++t) r.probabilities(f, t) = static_cast<double>(r.counts(f, t)) / e;
  }
  r.dwell_mean_days = vector::Constant(S, std::numeric_limits<double>::quiet_NaN());
  r.dwell_median_days = vector::Constant(S, std::numeric_limits<double>::quiet_NaN());
  if (dwell_seconds_sum != nullptr)
    for (Eigen::Index k = 0; k < S; ++k)
      if (r.dwell_count(k) > 0)
        r.dwell_mean_days(k) = static_cast<double>(dwell_seconds_sum[k]) / static_cast<double>(r.dwell_count(k)) /
                               static_cast<double>(seconds_per_day);
}

inline constexpr int sample_shift = 39;  // dwell seconds < 2^39 (17,000 years); key above it
inline constexpr std::uint64_t sample_mask = (std::uint64_t{1} << sample_shift) - 1;


// Medians of the packed dwell samples (cell << sample_shift | seconds), exact.
inline constexpr std::size_t bucketed_cells_limit = 256;
inline constexpr std::size_t dwell_buckets = 128 + 32 * 64;

/// Order-preserving log-linear bucket of a dwell in seconds (< 2^39): values below 128 get their
/// own bucket, larger ones are split by bit width and their next 6 bits (64 buckets per octave).
[[nodiscard]] inline std::size_t dwell_bucket(std::uint64_t d) noexcept {
  if (d < 128) return static_cast<std::size_t>(d);
  const int w = std::bit_width(d);  // 8..39
  return 128 + static_cast<std::size_t>(w - 8) * 64 + static_cast<std::size_t>((d >> (w - 7)) & 63);
}

/// For few cells: the pass also counted every sample in a per-cell histogram of dwell_bucket;
/// the histogram locates the bucket of each middle rank, one pass over the samples collects the
/// values of those buckets (a small share), and a selection within them gives the exact values.
inline void bucketed_medians(const std::uint64_t* smp, std::size_t ns, const std::vector<std::int64_t>& count,
                             const std::vector<std::uint32_t>& hist, std::vector<double>& med) {
  const std::size_t cells = count.size();
  std::vector<std::size_t> bucket(2 * cells, dwell_buckets);  // none
  std::vector<std::uint64_t> rank(2 * cells, 0);
  for (std::size_t c = 0; c < cells; ++c) {
    const auto m = static_cast<std::uint64_t>(count[c]);
    if (m == 0) continue;
    for (std::size_t t = 0; t < 2; ++t) {
      std::uint64_t r = t == 0 ? (m - 1) / 2 : m / 2;
      std::size_t b = 0;
      for (; hist[c * dwell_buckets + b] <= r; ++b) r -= hist[c * dwell_buckets + b];
      bucket[2 * c + t] = b;
      rank[2 * c + t] = r;
    }
  }
  std::vector<std::vector<std::uint64_t>> pick(2 * cells);
  for (std::size_t j = 0; j < ns; ++j) {
    const std::size_t c = static_cast<std::size_t>(smp[j] >> sample_shift);
    const std::size_t b = dwell_bucket(smp[j] & sample_mask);
    if (b == bucket[2 * c]) pick[2 * c].push_back(smp[j] & sample_mask);
    else if (b == bucket[2 * c + 1]) pick[2 * c + 1].push_back(smp[j] & sample_mask);
  }
  for (std::size_t c = 0; c < cells; ++c) {
    if (count[c] == 0) continue;
    double v[2];
    for (std::size_t t = 0; t < 2; ++t) {
      // Both middle ranks in one bucket: its values were all collected by the lower target.
      auto& p = pick[bucket[2 * c] == bucket[2 * c + 1] ? 2 * c : 2 * c + t];
      const auto nth = p.begin() + static_cast<std::ptrdiff_t>(rank[2 * c + t]);
      std::nth_element(p.begin(), nth, p.end());
      v[t] = static_cast<double>(*nth);
    }
    med[c] = 0.5 * (v[0] + v[1]);
  }
}

/// For many cells (per-group fits): counting sort by cell, then a selection within each cell.
inline void sorted_medians(const std::uint64_t* smp, std::size_t ns, const std::vector<std::int64_t>& count, std::vector<double>& med) {
  const std::size_t cells = count.size();
  std::vector<std::size_t> offset(cells + 1, 0);
  for (std::size_t c = 0; c < cells; ++c) offset[c + 1] = offset[c] + static_cast<std::size_t>(count[c]);
  auto sorted = std::make_unique_for_overwrite<std::int64_t[]>(ns);
  std::vector<std::size_t> pos(offset.begin(), offset.end() - 1);
  for (std::size_t j = 0; j < ns; ++j) sorted[pos[smp[j] >> sample_shift]++] = static_cast<std::int64_t>(smp[j] & sample_mask);
  for (std::size_t c = 0; c < cells; ++c) {
    const std::size_t m = offset[c + 1] - offset[c];
    if (m == 0) continue;
    auto* b = sorted.get() + offset[c];
    auto* mid = b + m / 2;
    std::nth_element(b, mid, b + m);
    double v = static_cast<double>(*mid);
    if (m % 2 == 0) v = 0.5 * (v + static_cast<double>(*std::max_element(b, mid)));
    med[c] = v;
  }
}

/// Per-group accumulators, contiguous per group: the row counts by (from_stage + 1, to_stage)
/// ((S + 1) x S, row-major: row 0 counts the creation rows), the dwell seconds summed by
/// from_stage, and the cut starts (first rows that are no creation row) by from_stage. The
/// opportunities, the censored stays and the dwell sample counts follow from these (see
/// transition_pass); only the stages each opportunity visited need a record per opportunity.
struct pass_layout {
  std::size_t S;
  [[nodiscard]] std::size_t stride() const noexcept { return (S + 1) * S + 2 * S; }
  [[nodiscard]] std::size_t creation() const noexcept { return 0; }
  [[nodiscard]] std::size_t transitions() const noexcept { return S; }  // (f, t) at S + f * S + t
  [[nodiscard]] std::size_t dwell() const noexcept { return (S + 1) * S; }
  [[nodiscard]] std::size_t cut() const noexcept { return (S + 2) * S; }
};

/// The stages each opportunity was in: a bit set per opportunity id (ids up to a few times the
/// row count, at most 16 stages), else one record per opportunity in row order.
inline constexpr std::size_t visited_set_stages = 16;
using visited_set = std::uint16_t;
struct visit_record {
  std::uint64_t stages;
  std::size_t block;
};
struct visit_output {
  visited_set* by_id = nullptr;     // by opportunity id (ids 0..ids-1), when the ids are dense
  std::size_t ids = 0;
  visit_record* in_order = nullptr;  // otherwise: one per opportunity
  std::size_t opportunities = 0;     // records written to in_order
};

/// The rule check of the pass (the input checks of the header comment), a range of rows at a
/// time: every rule compares a row with the one before it, so loops without branches
/// (vectorised by the compiler) answer for all rows; only then does report_broken_rule look for
/// the row. The pass checks each range of rows just before it counts them, while they are in
/// cache (Q3 at 100M, 7.2 million rows: checking them all first read them twice from memory).
/// check_ts: ts present and non-decreasing within an opportunity; max_dwell: the largest step
/// between consecutive rows of an opportunity (seconds). cuts(): the histories that start with a
/// row that is no creation row (cut off before the creation row: rare, so the main pass leaves
/// them to count_cut_starts).
class rule_check {
 public:
  rule_check(const history_columns& h, std::size_t S, bool check_ts, std::uint64_t max_dwell) noexcept
      : h_(h), stages_(static_cast<unsigned>(S)), check_ts_(check_ts), max_dwell_(max_dwell),
        last_id_(h.size() > 0 ? h.opportunity_id[h.size() - 1] : 0) {}

  /// Checks rows [begin, end), ranges in order from row 0; whether every row so far keeps the rules.
  [[nodiscard]] bool rows(std::size_t begin, std::size_t end) noexcept {
    if (begin >= end) return bad_ == 0;
    const dense_id* const opp = h_.opportunity_id.data();
    const std::int8_t* const from = h_.from_stage.data();
    const std::int8_t* const to = h_.to_stage.data();
    const bool starts_at_row_0 = begin == 0;
    if (starts_at_row_0) {  // row 0 starts an opportunity: its id must be valid; the non-decreasing ids then keep all valid
      bad_ |= (opp[0] < 0) | (opp[0] > last_id_);
      cuts_ += from[0] >= 0;
      to_max_ = std::max(to_max_, static_cast<std::uint8_t>(to[0]));
      from_max_ = std::max(from_max_, static_cast<std::uint8_t>(from[0] + 1));
      begin = 1;
    }
    // A block at a time: "same opportunity as the row before" as bytes from the ids, then the
    // byte rules with it. Each loop works in one lane width (32 rows per vector instruction in
    // the second); one loop mixing ids and bytes took twice as long (Q3 at 10M).
    std::uint8_t same[block];
    for (std::size_t c0 = begin; c0 < end; c0 += block) {
      const std::size_t m = std::min(end - c0, block);
      const dense_id* const o = opp + c0;
      unsigned bad = 0;
      // Ids above the last row's would break the order further on, where no check has looked
      // yet: the pass sizes its visited sets by the last id, so they are caught here.
      const dense_id last = last_id_;
      for (std::size_t j = 0; j < m; ++j) {
        bad |= (o[j] < o[j - 1]) | (o[j] > last);
        same[j] = o[j] == o[j - 1];
      }
      const std::int8_t* const f = from + c0;
      const std::int8_t* const t = to + c0 - 1;
      // Stage codes in range: the largest code as an unsigned byte (negative codes are large).
      std::uint8_t to_max = to_max_, from_max = from_max_;
      std::uint8_t broken = 0;
      std::uint16_t cut = 0;  // at most `block` < 2^16
      for (std::size_t j = 0; j < m; ++j) {
        to_max = std::max(to_max, static_cast<std::uint8_t>(t[j + 1]));
        from_max = std::max(from_max, static_cast<std::uint8_t>(f[j] + 1));
        broken |= same[j] & (f[j] != t[j]);
        cut = static_cast<std::uint16_t>(cut + ((same[j] ^ 1) & (f[j] >= 0)));
      }
      to_max_ = to_max;
      from_max_ = from_max;
      bad_ |= bad | broken;
      cuts_ += cut;
    }
    bad_ |= (to_max_ >= stages_) | (from_max_ > stages_);
    if (check_ts_) {
      const timestamp* const ts = h_.ts.data();
      unsigned bad = starts_at_row_0 && ts[0] == no_time;
      for (std::size_t i = begin; i < end; ++i) {
        const unsigned same = opp[i] == opp[i - 1];
        const std::uint64_t step = static_cast<std::uint64_t>(to_unix(ts[i])) - static_cast<std::uint64_t>(to_unix(ts[i - 1]));
        bad |= (ts[i] == no_time) | (same & ((ts[i] < ts[i - 1]) | (step > max_dwell_)));
      }
      bad_ |= bad;
    }
    return bad_ == 0;
  }

  [[nodiscard]] std::size_t cuts() const noexcept { return cuts_; }

 private:
  static constexpr std::size_t block = 4096;
  const history_columns& h_;
  unsigned stages_;
  bool check_ts_;
  std::uint64_t max_dwell_;
  dense_id last_id_;
  unsigned bad_ = 0;
  std::uint8_t to_max_ = 0, from_max_ = 0;
  std::size_t cuts_ = 0;
};

/// The first row that breaks a rule, named with its reason (diagnose_row); called when
/// rule_check found one.
[[noreturn]] inline void report_broken_rule(const history_columns& h, std::size_t S, bool check_ts, std::uint64_t max_dwell, const char* who) {
  const std::size_t n = h.size();
  for (std::size_t i = 0; i < n; ++i) {
    const dense_id o = h.opportunity_id[i];
    const int f = h.from_stage[i], t = h.to_stage[i];
    bool broken = static_cast<unsigned>(t) >= S || static_cast<unsigned>(f + 1) > S || o < 0;
    if (i > 0) {
      const bool same = o == h.opportunity_id[i - 1];
      broken = broken || o < h.opportunity_id[i - 1] || (same && f != h.to_stage[i - 1]);
      if (check_ts)
        broken = broken || (same && (h.ts[i] < h.ts[i - 1] ||
                                     static_cast<std::uint64_t>(to_unix(h.ts[i])) - static_cast<std::uint64_t>(to_unix(h.ts[i - 1])) > max_dwell));
    }
    if (check_ts) broken = broken || h.ts[i] == no_time;
    if (broken) diagnose_row(h, i, static_cast<int>(S), who);
  }
  bad_row(who, n, "invalid history");  // not reached: rule_check found a broken row
}

/// Adds the cut starts (first rows that are no creation row) to their opportunities' blocks.
inline void count_cut_starts(const history_columns& h, std::span<const dense_id> group_of, std::size_t G, bool grouped,
                             std::int64_t* acc, std::size_t stride, std::size_t cut_offset) {
  for (std::size_t i = 0; i < h.size(); ++i) {
    const dense_id o = h.opportunity_id[i];
    if (h.from_stage[i] < 0 || (i > 0 && o == h.opportunity_id[i - 1])) continue;
    const dense_id g = grouped ? group_of[static_cast<std::size_t>(o)] : 0;  // the pass checked group_of
    const std::size_t block = g < 0 ? G : static_cast<std::size_t>(g);
    ++acc[block * stride + cut_offset + static_cast<std::size_t>(h.from_stage[i])];
  }
}

/// How much of the dwell the pass computes.
enum class dwell_pass { none, sums, samples, histogram };

/// The one pass over the rows (checked beforehand). A row's counts go to cells computed from
/// it, not chosen by a branch: "is this row the first of its opportunity" is a coin flip a
/// branch mispredicts on a third of the rows, and state carried from row to row (the current
/// opportunity's stages) makes every row wait for the previous one. Per row: one count, one
/// dwell sum (0 for a first row) and, with dense ids, one bit set or-ed into the opportunity's
/// entry. The group checks sit behind a rarely-taken branch; the rare cut starts are counted
/// apart (count_cut_starts). acc holds G + 1 blocks: block G takes the opportunities in no
/// group and is discarded.
template <bool Grouped, dwell_pass Dwell, bool DenseIds, class CheckRows>
void pass_rows(const history_columns& h, const stage_layout& L, std::span<const dense_id> group_of, std::size_t G, std::int64_t* acc,
               visit_output& visits, std::uint64_t* samples, std::uint32_t* hist, std::size_t& ns, const char* who,
               CheckRows&& check_rows) {
  const std::size_t n = h.size();
  const std::size_t S = L.size();
  const pass_layout P{S};
  const std::size_t stride = P.stride();
  const dense_id* const opp = h.opportunity_id.data();
  const timestamp* const tsv = h.ts.data();
  const std::int8_t* const from = h.from_stage.data();
  const std::int8_t* const to = h.to_stage.data();
  const dense_id* const group = group_of.data();
  const std::size_t groups_known = group_of.size();
  visited_set* const seen = visits.by_id;
  visit_record* const records = visits.in_order;
  dense_id prev_opp = -1;
  std::int64_t prev_ts = 0;
  visit_record current{0, Grouped ? G : 0};  // (not DenseIds) the opportunity being read
  std::size_t k = 0;                          // (not DenseIds) its index in records
  std::size_t samples_taken = 0;
  // Rows a range at a time, each range checked (check_rows) before it is counted: the counts
  // index by stage and the visited sets by id, which only checked rows may do.
  constexpr std::size_t checked_rows = 16384;  // 6 to 14 bytes a row: in L2 when counted
  for (std::size_t c0 = 0; c0 < n; c0 += checked_rows) {
    const std::size_t c1 = std::min(n, c0 + checked_rows);
    check_rows(c0, c1);
    for (std::size_t i = c0; i < c1; ++i) {
      const dense_id o = opp[i];
      const int f = from[i];
      const auto fs = static_cast<std::size_t>(f >= 0 ? f : 0);  // a cell index even for creation rows
      const auto tz = static_cast<std::size_t>(to[i]);
      const bool first = (i == 0) | (o != prev_opp);
      std::size_t block = 0;
      if constexpr (Grouped) {
        const dense_id g = static_cast<std::size_t>(o) < groups_known ? group[o] : no_id;
        if (first && (static_cast<std::size_t>(o) >= groups_known || (g >= 0 && static_cast<std::size_t>(g) >= G))) [[unlikely]] {
          if (static_cast<std::size_t>(o) >= groups_known)
            bad_row(who, i, std::string("opportunity_id ") + std::to_string(o) + " has no entry in group_of (size " + std::to_string(groups_known) + ")");
          bad_row(who, i, std::string("group ") + std::to_string(g) + " of opportunity " + std::to_string(o) + " is not below group_count " + std::to_string(G));
        }
        block = g < 0 ? G : static_cast<std::size_t>(g);
      }
      // The stages the row shows the opportunity in: its to_stage, and its from_stage (new only on
      // the first row: later from_stages are earlier rows' to_stages).
      const std::uint64_t stages = std::uint64_t{1} << tz | (f >= 0 ? std::uint64_t{1} << fs : 0);
      if constexpr (DenseIds) {
        seen[o] |= static_cast<visited_set>(stages);
      } else {
        // The opportunity that just ended is stored at k, which moves on only then: on the other
        // rows the store is overwritten later.
        records[k] = current;
        k += first & (i > 0);
        current.stages = (first ? 0 : current.stages) | stages;
        current.block = block;
      }
      std::int64_t* const blk = acc + block * stride;
      ++blk[static_cast<std::size_t>(f + 1) * S + tz];  // a transition (f, t), or a creation in t
      if constexpr (Dwell != dwell_pass::none) {
        const std::int64_t ts = to_unix(tsv[i]);
        // a continuation: the time spent in f (checked: non-negative, at most sample_mask)
        const std::uint64_t dwell = first ? 0 : static_cast<std::uint64_t>(ts - prev_ts);
        blk[P.dwell() + fs] += static_cast<std::int64_t>(dwell);
        if constexpr (Dwell == dwell_pass::samples || Dwell == dwell_pass::histogram) {
          const bool sample = !first & (block != G || !Grouped);
          const std::size_t cell = block * S + fs;
          samples[samples_taken] = (static_cast<std::uint64_t>(sample ? cell : 0) << sample_shift) | dwell;
          samples_taken += sample;
          if constexpr (Dwell == dwell_pass::histogram) hist[(sample ? cell : 0) * dwell_buckets + dwell_bucket(dwell)] += sample;
        }
        prev_ts = ts;
      }
      prev_opp = o;
    }
  }
  if constexpr (!DenseIds) {
    if (n > 0) records[k++] = current;  // the last opportunity
    visits.opportunities = k;
  }
  ns = samples_taken;
}

/// The pass and the derived quantities. G = 1 and grouped = false: ungrouped.
template <class Scalar = double>
std::vector<basic_transition_fit<Scalar>> transition_pass(const history_columns& h, const stage_layout& L, std::span<const dense_id> group_of,
                                                          std::size_t G, bool grouped, const transition_options& opt, const char* who) {
  h.check_lengths(who);
  const std::size_t n = h.size();
  const std::size_t S = L.size();
  const pass_layout P{S};
  const bool median = opt.median && opt.dwell;
  if (median && G * S >= (std::size_t{1} << (64 - sample_shift)))
    throw std::invalid_argument(std::string(who) + ": median dwell supports up to 2^25 group x stage cells; set transition_options::median = false");
  std::vector<std::int64_t> acc((G + 1) * P.stride(), 0);  // block G: opportunities in no group
  // The stages each opportunity visited: by id when the ids are dense enough (the rows are
  // sorted by id, so the last row has the largest valid id), else a record per opportunity.
  const std::size_t ids = n == 0 || h.opportunity_id[n - 1] < 0 ? 0 : static_cast<std::size_t>(h.opportunity_id[n - 1]) + 1;
  const bool dense_ids = n > 0 && S <= visited_set_stages && ids <= 4 * n + 65536;
  std::vector<visited_set> seen(dense_ids ? ids : 0, 0);
  // Uninitialised (make_unique_for_overwrite, not vector(n)): zero-filling would be an extra pass.
  std::unique_ptr<visit_record[]> records;
  if (!dense_ids) records = std::make_unique_for_overwrite<visit_record[]>(std::max<std::size_t>(n, 1));
  visit_output visits{seen.data(), seen.size(), records.get(), 0};
  std::unique_ptr<std::uint64_t[]> samples;
  if (median) samples = std::make_unique_for_overwrite<std::uint64_t[]>(n);
  std::size_t ns = 0;
  // Few cells: a bucket histogram of the samples, filled during the pass (bucketed_medians);
  // many cells (per-group fits): sort-based selection afterwards (sorted_medians).
  const bool bucketed = median && G * S <= bucketed_cells_limit;
  if (bucketed && n >= (std::size_t{1} << 32))
    throw std::invalid_argument(std::string(who) + ": median dwell supports up to 2^32 rows per call; set transition_options::median = false");
  std::vector<std::uint32_t> hist(bucketed ? G * S * dwell_buckets : 0, 0);
  std::uint64_t* sp = samples.get();
  std::uint32_t* hp = hist.data();
  const std::uint64_t max_dwell = median ? sample_mask : std::numeric_limits<std::uint64_t>::max();
  rule_check check(h, S, opt.dwell, max_dwell);
  auto check_rows = [&](std::size_t begin, std::size_t end) {
    if (!check.rows(begin, end)) [[unlikely]]
      report_broken_rule(h, S, opt.dwell, max_dwell, who);
  };
  auto pass = [&]<bool Grouped, bool DenseIds>() {
    if (bucketed) pass_rows<Grouped, dwell_pass::histogram, DenseIds>(h, L, group_of, G, acc.data(), visits, sp, hp, ns, who, check_rows);
    else if (median) pass_rows<Grouped, dwell_pass::samples, DenseIds>(h, L, group_of, G, acc.data(), visits, sp, hp, ns, who, check_rows);
    else if (opt.dwell) pass_rows<Grouped, dwell_pass::sums, DenseIds>(h, L, group_of, G, acc.data(), visits, sp, hp, ns, who, check_rows);
    else pass_rows<Grouped, dwell_pass::none, DenseIds>(h, L, group_of, G, acc.data(), visits, sp, hp, ns, who, check_rows);
  };
  if (grouped) dense_ids ? pass.template operator()<true, true>() : pass.template operator()<true, false>();
  else dense_ids ? pass.template operator()<false, true>() : pass.template operator()<false, false>();
  if (check.cuts() > 0) count_cut_starts(h, group_of, G, grouped, acc.data(), P.stride(), P.cut());

  std::vector<basic_transition_fit<Scalar>> out(G);
  const auto Si = static_cast<Eigen::Index>(S);
  for (auto& r : out) {
    r.entered = count_vector::Zero(Si);
    r.opportunities = 0;
  }
  auto count_visits = [&](std::size_t block, std::uint64_t stages) {
    if (block >= G) return;  // in no group
    basic_transition_fit<Scalar>& r = out[block];
    ++r.opportunities;
    for (std::uint64_t m = stages; m != 0; m &= m - 1) ++r.entered(std::countr_zero(m));
  };
  if (dense_ids && !grouped) {  // one vectorised count per stage over the ids
    basic_transition_fit<Scalar>& r = out[0];
    // Counted in 32-bit lanes (twice as many per vector as 64-bit ones), a chunk of ids at a time.
    constexpr std::size_t chunk = std::size_t{1} << 31;
    for (std::size_t c0 = 0; c0 < seen.size(); c0 += chunk) {
      const visited_set* const v = seen.data() + c0;
      const std::size_t m = std::min(chunk, seen.size() - c0);
      std::uint32_t present = 0;
      for (std::size_t j = 0; j < m; ++j) present += v[j] != 0;
      r.opportunities += present;
      for (std::size_t k = 0; k < S; ++k) {
        std::uint32_t c = 0;
        for (std::size_t j = 0; j < m; ++j) c += (static_cast<std::uint32_t>(v[j]) >> k) & 1u;
        r.entered(static_cast<Eigen::Index>(k)) += c;
      }
    }
  } else if (dense_ids) {
    for (std::size_t id = 0; id < seen.size(); ++id)
      if (seen[id] != 0) count_visits(group_of[id] < 0 ? G : static_cast<std::size_t>(group_of[id]), seen[id]);
  } else {
    for (std::size_t j = 0; j < visits.opportunities; ++j) count_visits(records[j].block, records[j].stages);
  }
  const std::vector<std::uint8_t> kinds = move_table(L);
  std::vector<std::int64_t> dn(G * S, 0);
  using row_major = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  for (std::size_t gi = 0; gi < G; ++gi) {
    const std::int64_t* b = acc.data() + gi * P.stride();
    basic_transition_fit<Scalar>& r = out[gi];
    r.won = L.won();
    r.lost = L.lost();
    r.counts = Eigen::Map<const row_major>(b + P.transitions(), Si, Si);
    const auto creation = Eigen::Map<const count_vector>(b + P.creation(), Si);
    const auto cut = Eigen::Map<const count_vector>(b + P.cut(), Si);
    r.starts = creation + cut;
    // Within an opportunity the rows chain (each from_stage is the previous to_stage), so the
    // rows entering stage k minus those leaving it is 1 for the stage it ends in, less 1 for the
    // stage a cut history starts from: the opportunities still in k, censored if k is transient.
    const count_vector exits = r.counts.rowwise().sum();
    const count_vector ends = creation + r.counts.colwise().sum().transpose() - exits + cut;
    r.censored = count_vector::Zero(Si);
    for (int k : L.transient_stages()) r.censored(k) = ends(k);
    // Every row with from_stage f >= 0 is counted; it gives a dwell sample unless it is the
    // first row of its opportunity (a cut start).
    r.dwell_count = exits - cut;
    for (std::size_t k = 0; k < S; ++k) dn[gi * S + k] = r.dwell_count(static_cast<Eigen::Index>(k));
    std::int64_t kind_total[move_kinds] = {};
    for (std::size_t f = 0; f < S; ++f)
      for (std::size_t t = 0; t < S; ++t) kind_total[kinds[f * S + t]] += b[P.transitions() + f * S + t];
    r.skips = kind_total[move_skip];
    r.backward_moves = kind_total[move_backward];
    r.self_loops = kind_total[move_self];
    r.reopened = kind_total[move_reopen];
    r.transitions = r.counts.sum();
    r.creations = creation.sum();
    r.rows = r.transitions + r.creations;
    finish_fit(r, L, opt.dwell ? b + P.dwell() : nullptr);
  }

  if (median && ns > 0) {
    std::vector<double> med(G * S, std::numeric_limits<double>::quiet_NaN());
    if (bucketed) bucketed_medians(samples.get(), ns, dn, hist, med);
    else sorted_medians(samples.get(), ns, dn, med);
    for (std::size_t c = 0; c < G * S; ++c)
      if (dn[c] > 0) out[c / S].dwell_median_days(static_cast<Eigen::Index>(c % S)) = med[c] / static_cast<double>(seconds_per_day);
  }
  return out;
}

}  // namespace detail

template <class History>
[[nodiscard]] transition_fit fit_transitions(const History& history, const stage_layout& stages, const transition_options& opt = {}) {
  const history_columns h = detail::checked_history(history);
  return std::move(detail::transition_pass(h, stages, {}, 1, false, opt, "funnel::fit_transitions")[0]);
}

/// One fit per group, all in one pass: opportunity o belongs to group group_of[o] (negative =
/// in no group). Throws when an opportunity id has no group_of entry or a group is >= group_count.
template <class History>
[[nodiscard]] std::vector<transition_fit> fit_transitions_by_group(const History& history, const stage_layout& stages,
                                                                   std::span<const dense_id> group_of, std::size_t group_count,
                                                                   const transition_options& opt = {}) {
  const history_columns h = detail::checked_history(history);
  return detail::transition_pass(h, stages, group_of, group_count, true, opt, "funnel::fit_transitions_by_group");
}

// ---------------------------------------------------------------------------------------------
// Snapshots

template <class Scalar = double>
struct basic_snapshot_fit {
  basic_transition_fit<Scalar> transitions;  // dwell NaN, dwell_count 0, censored = open deals per stage, rows = snapshots read
  double won_cycle_mean_days = std::numeric_limits<double>::quiet_NaN();
  double won_cycle_median_days = std::numeric_limits<double>::quiet_NaN();
  double lost_cycle_mean_days = std::numeric_limits<double>::quiet_NaN();
  double lost_cycle_median_days = std::numeric_limits<double>::quiet_NaN();
  std::int64_t won_cycles = 0;       // closed deals with both dates, per outcome
  std::int64_t lost_cycles = 0;
  std::int64_t cycles_excluded = 0;  // closed deals missing a date (or with closed < created)
};
using snapshot_fit = basic_snapshot_fit<>;

namespace detail {
inline double median_of(std::vector<double>& v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  double m = *mid;
  if (v.size() % 2 == 0) m = 0.5 * (m + *std::max_element(v.begin(), mid));
  return m;
}
}  // namespace detail

/// Fit from snapshots under the stated assumption (header comment). Throws std::invalid_argument
/// for unequal column lengths, a stage out of range, an open deal at won/lost, a won deal at the
/// lost index or a lost deal at the won index.
template <class Scalar = double>
[[nodiscard]] basic_snapshot_fit<Scalar> fit_from_snapshots(const snapshot_columns& in, const stage_layout& L, const snapshot_options& opt = {}) {
  const char* who = "funnel::fit_from_snapshots";
  const std::size_t n = in.stage.size();
  const int last_open = detail::check_snapshots(in, L, opt, who);
  const auto& tr = L.transient_stages();
  const auto S = static_cast<Eigen::Index>(L.size());
  basic_snapshot_fit<Scalar> out;
  basic_transition_fit<Scalar>& r = out.transitions;
  r.won = L.won();
  r.lost = L.lost();
  r.counts = count_matrix::Zero(S, S);
  r.starts = count_vector::Zero(S);
  r.dwell_count = count_vector::Zero(S);
  r.censored = count_vector::Zero(S);
  std::vector<double> won_c, lost_c;
  for (std::size_t i = 0; i < n; ++i) {
    const deal_status ds = in.status[i];
    const int last = detail::snapshot_last_open(in, L, i, last_open, who);
    const int pl = L.position(last);
    ++r.opportunities;
    ++r.starts(tr.front());
    for (int p = 0; p < pl; ++p) ++r.counts(tr[static_cast<std::size_t>(p)], tr[static_cast<std::size_t>(p) + 1]);
    if (ds == deal_status::open) {
      ++r.censored(last);
    } else {
      ++r.counts(last, ds == deal_status::won ? L.won() : L.lost());
      if (!in.created.empty() && !in.closed.empty() && !is_missing(in.created[i]) && !is_missing(in.closed[i]) &&
          in.closed[i] >= in.created[i])
        (ds == deal_status::won ? won_c : lost_c).push_back(days_between(in.created[i], in.closed[i]));
      else
        ++out.cycles_excluded;
    }
  }
  r.transitions = r.counts.sum();
  r.rows = static_cast<std::int64_t>(n);  // snapshot rows read
  r.skips = r.backward_moves = r.self_loops = r.reopened = r.creations = 0;
  detail::finish_fit(r, L, nullptr);
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? std::numeric_limits<double>::quiet_NaN() : s / static_cast<double>(v.size());
  };
  out.won_cycles = static_cast<std::int64_t>(won_c.size());
  out.lost_cycles = static_cast<std::int64_t>(lost_c.size());
  out.won_cycle_mean_days = mean(won_c);
  out.lost_cycle_mean_days = mean(lost_c);
  out.won_cycle_median_days = detail::median_of(won_c);
  out.lost_cycle_median_days = detail::median_of(lost_c);
  return out;
}

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
