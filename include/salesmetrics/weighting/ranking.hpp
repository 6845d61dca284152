// salesmetrics/weighting/ranking.hpp: leaderboards with standard competition ranking ("1224").
//
// Definition (descending order, the default): rank(i) = 1 + the number of rows whose value is
// strictly better than value(i), "better" meaning greater (descending) or smaller (ascending).
// Equal values share a rank and the next distinct value skips: 10, 8, 8, 5 rank 1, 2, 2, 4.
// Values compare with ==, so -0.0 ties 0.0 and +inf ties +inf. NaN (undefined) values rank after
// every number and tie among themselves: with m non-NaN rows, every NaN row has rank m + 1.
// The leaderboard lists rows by rank, ties by ascending row index, so the output is deterministic.
// Cost: O(n), a stable radix sort on an order-preserving 64-bit key of each value (two scratch
// arrays per call, nothing per row); leaderboard_into reuses the caller's output vector.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

enum class rank_order : std::uint8_t { descending = 0, ascending = 1 };

struct leaderboard_entry {
  std::size_t row = 0;   // row of the scored table (use results.key_label(row) for the name)
  std::size_t rank = 0;  // 1-based competition rank
  double value = 0.0;
  friend bool operator==(const leaderboard_entry&, const leaderboard_entry&) = default;
};

namespace detail {
/// An unsigned key whose ascending order is the ranking order: better values first, NaN last,
/// -0.0 equal to 0.0, equal values equal keys.
[[nodiscard]] inline std::uint64_t rank_key(double v, bool descending) noexcept {
  if (std::isnan(v)) return ~std::uint64_t{0};
  v += 0.0;  // -0.0 -> +0.0
  const auto bits = std::bit_cast<std::uint64_t>(v);
  const std::uint64_t ascending = (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
  const std::uint64_t key = descending ? ~ascending : ascending;
  return key == ~std::uint64_t{0} ? key - 1 : key;  // keep the all-ones key for NaN
}
struct rank_item {
  std::uint64_t key;
  std::uint64_t row;
};
/// Stable LSD radix sort on the key (8 passes of 8 bits, skipping passes where every key has the
/// same byte): O(n), and stability keeps equal keys in row order.
inline void radix_sort(std::vector<rank_item>& items, std::vector<rank_item>& scratch) {
  scratch.resize(items.size());
  for (unsigned shift = 0; shift < 64; shift += 8) {
    std::size_t count[257] = {};
    for (const rank_item& it : items) ++count[((it.key >> shift) & 0xff) + 1];
    bool single = false;
    for (std::size_t b = 1; b <= 256; ++b) single = single || count[b] == items.size();
    if (single) continue;
    for (std::size_t b = 1; b <= 256; ++b) count[b] += count[b - 1];
    for (const rank_item& it : items) scratch[count[(it.key >> shift) & 0xff]++] = it;
    items.swap(scratch);
  }
}
}  // namespace detail

/// Fills `out` with every row sorted by rank (ties by row).
inline void leaderboard_into(std::vector<leaderboard_entry>& out, std::span<const double> values,
                             rank_order order = rank_order::descending) {
  const std::size_t n = values.size();
  const bool desc = order == rank_order::descending;
  std::vector<detail::rank_item> items(n), scratch;
  for (std::size_t i = 0; i < n; ++i) items[i] = {detail::rank_key(values[i], desc), i};
  detail::radix_sort(items, scratch);
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto row = static_cast<std::size_t>(items[i].row);
    const bool tied = i > 0 && items[i].key == items[i - 1].key;
    out[i] = leaderboard_entry{row, tied ? out[i - 1].rank : i + 1, values[row]};
  }
}

[[nodiscard]] inline std::vector<leaderboard_entry> leaderboard(std::span<const double> values,
                                                                rank_order order = rank_order::descending) {
  std::vector<leaderboard_entry> out;
  leaderboard_into(out, values, order);
  return out;
}

/// Competition rank of every row, in row order.
[[nodiscard]] inline std::vector<std::size_t> competition_ranks(std::span<const double> values,
                                                                rank_order order = rank_order::descending) {
  std::vector<leaderboard_entry> board;
  leaderboard_into(board, values, order);
  std::vector<std::size_t> ranks(values.size());
  for (const leaderboard_entry& e : board) ranks[e.row] = e.rank;
  return ranks;
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
