// salesmetrics/detail/quantile_sketch.hpp: a mergeable quantile sketch with a guaranteed error bound.
//
// A compactor hierarchy in the manner of KLL / Manku-Rajagopalan-Lindsay: level h holds items of
// weight 2^h; when a level exceeds `K` items it is sorted and every other item (alternating the
// starting offset from one compaction to the next, so the scheme is deterministic) moves up a
// level with twice the weight. One compaction of level h changes the rank of any value by at
// most 2^h, so the sketch tracks the sum of those weights: rank_error_bound() is a *guaranteed*
// bound on |estimated rank - true rank| for every query, and merging adds the bounds (then
// compacts). For n values and capacity K the bound grows like (n / K) * log2(n / K) in the worst
// case; quantile(q) reports an element whose rank is within that bound of q * n.
// Memory: about 2K items per level over log2(n / K) levels.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/detail/metric_states.hpp>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics::detail {

template <std::size_t K = 256>
class quantile_sketch {
  static_assert(K >= 8 && K % 2 == 0, "quantile_sketch<K>: K must be an even capacity >= 8");

 public:
  void add(std::int64_t v) {
    if (levels_.empty()) levels_.resize(1);
    levels_[0].push_back(v);
    ++n_;
    if (levels_[0].size() > K) compact_from(0);
  }

  void merge(const quantile_sketch& o) {
    if (o.levels_.size() > levels_.size()) levels_.resize(o.levels_.size());
    for (std::size_t h = 0; h < o.levels_.size(); ++h) levels_[h].insert(levels_[h].end(), o.levels_[h].begin(), o.levels_[h].end());
    n_ += o.n_;
    error_ += o.error_;
    parity_ ^= o.parity_;
    for (std::size_t h = 0; h < levels_.size(); ++h)
      if (levels_[h].size() > K) compact_from(h);
  }

  [[nodiscard]] std::uint64_t count() const noexcept { return n_; }
  /// Guaranteed bound on the rank error of any quantile answer (0 while nothing was compacted).
  [[nodiscard]] std::uint64_t rank_error_bound() const noexcept { return error_; }

  /// The smallest retained value whose estimated rank (weighted count of values <= it) reaches
  /// q * count(); NaN when empty.
  [[nodiscard]] double quantile(double q) const {
    if (n_ == 0) return std::numeric_limits<double>::quiet_NaN();
    std::vector<std::pair<std::int64_t, std::uint64_t>> items;
    for (std::size_t h = 0; h < levels_.size(); ++h)
      for (std::int64_t v : levels_[h]) items.emplace_back(v, std::uint64_t{1} << h);
    std::sort(items.begin(), items.end());
    const double target = q * static_cast<double>(n_);
    std::uint64_t rank = 0;
    for (const auto& [v, w] : items) {
      rank += w;
      if (static_cast<double>(rank) >= target) return static_cast<double>(v);
    }
    return static_cast<double>(items.back().first);
  }

  void save(std::string& out) const {
    const std::uint64_t header[4] = {n_, error_, parity_, levels_.size()};
    out.append(reinterpret_cast<const char*>(header), sizeof header);
    for (const auto& l : levels_) save_vector(out, l);
  }
  void load(std::string_view& in) {
    std::uint64_t header[4];
    if (in.size() < sizeof header) throw std::invalid_argument("quantile_sketch: truncated input");
    std::memcpy(header, in.data(), sizeof header);
    in.remove_prefix(sizeof header);
    n_ = header[0];
    error_ = header[1];
    parity_ = header[2];
    levels_.resize(header[3]);
    for (auto& l : levels_) load_vector(in, l);
  }

 private:
  void compact_from(std::size_t h) {
    for (; h < levels_.size() && levels_[h].size() > K; ++h) {
      auto& level = levels_[h];
      std::sort(level.begin(), level.end());
      if (h + 1 == levels_.size()) levels_.emplace_back();
      auto& up = levels_[h + 1];  // (reference taken after a possible emplace_back)
      auto& cur = levels_[h];
      const std::size_t keep_odd = cur.size() % 2;  // an odd item out stays at this level
      const std::size_t pairs = (cur.size() - keep_odd) / 2;
      const std::size_t offset = parity_ & 1;
      for (std::size_t p = 0; p < pairs; ++p) up.push_back(cur[keep_odd + 2 * p + offset]);
      cur.resize(keep_odd);
      parity_ ^= 1;
      error_ += std::uint64_t{1} << h;
    }
  }

  std::vector<std::vector<std::int64_t>> levels_;
  std::uint64_t n_ = 0;
  std::uint64_t error_ = 0;
  std::uint64_t parity_ = 0;
};

}  // namespace metrics::detail
SALESMETRICS_END_NAMESPACE
