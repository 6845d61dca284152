// salesmetrics/detail/metric_states.hpp: reusable mergeable states for the metric catalog.
//
//   value_list   every value (exact medians and percentiles; merge = concatenation)
//   id_set       distinct dense ids (unique contacts, customers; merge = union)
//   day_set      distinct UTC days (active days; merge = union), a bitmap from the first day seen
// They own heap memory that grows amortised with the number of distinct values (never per
// row once a value is known), and serialise with save()/load() for cross-process merges.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics::detail {

template <class T>
inline void save_vector(std::string& out, const std::vector<T>& v) {
  const std::uint64_t n = v.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  if (n != 0) out.append(reinterpret_cast<const char*>(v.data()), n * sizeof(T));
}
template <class T>
inline void load_vector(std::string_view& in, std::vector<T>& v) {
  std::uint64_t n = 0;
  if (in.size() < sizeof n) throw std::invalid_argument("metric state: truncated input");
  std::memcpy(&n, in.data(), sizeof n);
  in.remove_prefix(sizeof n);
  if (in.size() / sizeof(T) < n) throw std::invalid_argument("metric state: truncated input");
  v.resize(n);
  if (n != 0) std::memcpy(v.data(), in.data(), n * sizeof(T));  // an empty vector's data() may be null
  in.remove_prefix(n * sizeof(T));
}

/// All values seen; quantile() sorts a copy.
struct value_list {
  std::vector<std::int64_t> values;
  void add(std::int64_t v) { values.push_back(v); }
  void merge(const value_list& o) { values.insert(values.end(), o.values.begin(), o.values.end()); }
  void save(std::string& out) const { save_vector(out, values); }
  void load(std::string_view& in) { load_vector(in, values); }
  /// Quantile by linear interpolation between closest ranks (type 7, as numpy's default and
  /// spreadsheets' PERCENTILE.INC): h = (n-1) q, x[floor h] + (h - floor h)(x[ceil h] - x[floor h]).
  /// NaN when empty.
  [[nodiscard]] double quantile(double q) const {
    if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::vector<std::int64_t> s(values);
    const double h = (static_cast<double>(s.size()) - 1) * q;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, s.size() - 1);
    std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(lo), s.end());
    const double a = static_cast<double>(s[lo]);
    if (hi == lo) return a;
    const double b = static_cast<double>(*std::min_element(s.begin() + static_cast<std::ptrdiff_t>(lo) + 1, s.end()));
    return a + (h - static_cast<double>(lo)) * (b - a);
  }
};

/// Distinct non-negative ids, as a sorted vector after normalise(); add() appends and dedups lazily.
struct id_set {
  std::vector<std::int32_t> ids;
  std::size_t sorted_prefix = 0;
  void add(std::int32_t id) {
    if (id < 0) return;
    if (!ids.empty() && ids.back() == id) return;  // runs of the same id are common
    ids.push_back(id);
    if (ids.size() > 2 * sorted_prefix + 64) normalise();
  }
  void normalise() {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    sorted_prefix = ids.size();
  }
  void merge(const id_set& o) {
    ids.insert(ids.end(), o.ids.begin(), o.ids.end());
    normalise();
  }
  [[nodiscard]] std::int64_t count() const {
    id_set c(*this);
    c.normalise();
    return static_cast<std::int64_t>(c.ids.size());
  }
  void save(std::string& out) const {
    id_set c(*this);
    c.normalise();
    save_vector(out, c.ids);
  }
  void load(std::string_view& in) {
    load_vector(in, ids);
    sorted_prefix = ids.size();
  }
};

/// Distinct days (days since 1970-01-01) as a bitmap starting at `first`.
struct day_set {
  std::int64_t first = 0;
  std::vector<std::uint64_t> bits;
  void add(std::int64_t day) {
    if (bits.empty()) {
      first = day - 64;
      bits.assign(4, 0);
    }
    if (day < first) {
      const std::int64_t shift_words = (first - day + 63) / 64 + static_cast<std::int64_t>(bits.size());
      bits.insert(bits.begin(), static_cast<std::size_t>(shift_words), 0);
      first -= shift_words * 64;
    }
    auto off = static_cast<std::uint64_t>(day - first);
    if (off / 64 >= bits.size()) bits.resize(std::max<std::size_t>(off / 64 + 1, bits.size() * 2), 0);
    bits[off / 64] |= std::uint64_t{1} << (off % 64);
  }
  void merge(const day_set& o) {
    for (std::size_t w = 0; w < o.bits.size(); ++w)
      for (std::uint64_t b = o.bits[w]; b != 0; b &= b - 1)
        add(o.first + static_cast<std::int64_t>(w * 64) + std::countr_zero(b));
  }
  [[nodiscard]] std::int64_t count() const {
    std::int64_t n = 0;
    for (std::uint64_t w : bits) n += std::popcount(w);
    return n;
  }
  void save(std::string& out) const {
    out.append(reinterpret_cast<const char*>(&first), sizeof first);
    save_vector(out, bits);
  }
  void load(std::string_view& in) {
    if (in.size() < sizeof first) throw std::invalid_argument("metric state: truncated input");
    std::memcpy(&first, in.data(), sizeof first);
    in.remove_prefix(sizeof first);
    load_vector(in, bits);
  }
};

/// Duration in float minutes -> integer milliseconds, rounded half away from zero; NaN -> 0.
/// Summing integers keeps time totals exact and identical for any thread count.
inline std::int64_t minutes_to_ms(float minutes) noexcept {
  const double ms = static_cast<double>(minutes) * 60000.0;
  const auto rounded = static_cast<std::int64_t>(ms + std::copysign(0.5, ms));
  return minutes == minutes ? rounded : 0;  // branch-free: NaN (unknown) adds nothing
}

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

[[nodiscard]] inline double ratio(double num, double den) noexcept { return den == 0 ? nan : num / den; }

}  // namespace metrics::detail
SALESMETRICS_END_NAMESPACE
