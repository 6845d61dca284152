// salesmetrics/weighting/user_columns.hpp: KPIs whose values come from outside the CRM tables (NPS, CSAT).
//
// Survey scores are not computed by the metric engine; the user supplies them per rep and period.
// Two pieces:
//   external_input      values keyed by (rep label, period index); aligned(r, period) returns
//                       one value per row of result table r, matched on r.key_label(row), NaN
//                       where the user gave nothing (an unknown rep/period is "undefined", not 0)
//   with_column<Tag>(r, values, name)
//                       a result_with_column<Tag, R>: a result source equal to r plus one column: column<Tag>() and column(name)
//                       return `values`, other names and tags go to r (values.size() must equal r.rows(); otherwise
//                       input_error "user column 'nps': 9 values for 10 result rows"). The adapter
//                       keeps pointers: r and values must outlive it.
// A result table covers one period, so scoring period p pairs the engine's results for p with
// aligned(results_p, p).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/weighting/named_result_source.hpp>
#include <salesmetrics/weighting/result_source.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

/// User-supplied values per (rep label, period index), e.g. NPS by rep and month.
class external_input {
 public:
  explicit external_input(std::string name = {}) : name_(std::move(name)) {}

  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  /// Sets (or replaces) the value of `label` in `period`. NaN stores "undefined".
  void set(std::string_view label, std::int64_t period, double value) {
    auto it = values_.find(label);
    if (it == values_.end()) it = values_.emplace(std::string(label), std::vector<entry>{}).first;
    for (entry& e : it->second)
      if (e.period == period) {
        e.value = value;
        return;
      }
    it->second.push_back({period, value});
  }

  /// The value of `label` in `period`; NaN when none was set.
  [[nodiscard]] double get(std::string_view label, std::int64_t period) const {
    const auto it = values_.find(label);
    if (it == values_.end()) return std::numeric_limits<double>::quiet_NaN();
    for (const entry& e : it->second)
      if (e.period == period) return e.value;
    return std::numeric_limits<double>::quiet_NaN();
  }

  /// One value per row of `r` (matched on key_label), NaN where nothing was set.
  template <class R>
    requires ResultSource<R>
  [[nodiscard]] std::vector<double> aligned(const R& r, std::int64_t period) const {
    const std::size_t n = r.rows();
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string label = r.key_label(i);
      out[i] = get(label, period);
    }
    return out;
  }

 private:
  struct entry {
    std::int64_t period;
    double value;
  };
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::string name_;
  std::unordered_map<std::string, std::vector<entry>, hash, std::equal_to<>> values_;
};

namespace detail {
/// Either a user column or a base column (held by pointer when the base returns a reference).
template <class BaseColumn>
class user_or_base_column {
  static constexpr bool by_ref = std::is_lvalue_reference_v<BaseColumn>;
  using stored = std::conditional_t<by_ref, const std::remove_reference_t<BaseColumn>*, std::remove_cvref_t<BaseColumn>>;

 public:
  [[nodiscard]] static user_or_base_column user(std::span<const double> values) {
    user_or_base_column c;
    c.user_ = values;
    c.is_user_ = true;
    return c;
  }
  [[nodiscard]] static user_or_base_column base(BaseColumn b) {
    user_or_base_column c;
    c.base_ = make(static_cast<BaseColumn&&>(b));
    return c;
  }

  [[nodiscard]] std::size_t size() const { return is_user_ ? user_.size() : column_size(get()); }
  [[nodiscard]] double operator[](std::size_t i) const { return is_user_ ? user_[i] : column_value(get(), i); }

 private:
  user_or_base_column() = default;
  static std::optional<stored> make(BaseColumn&& b) {
    if constexpr (by_ref) return &b;
    else return std::optional<stored>(std::move(b));
  }
  [[nodiscard]] const auto& get() const {
    if constexpr (by_ref) return **base_;
    else return *base_;
  }
  std::span<const double> user_;
  std::optional<stored> base_;
  bool is_user_ = false;
};
}  // namespace detail

/// Result source R plus one user column, addressable as column<Tag>() and column(name).
template <class Tag, class R>
class result_with_column {
 public:
  result_with_column(const R& base, std::span<const double> values, std::string name)
      : base_(&base), values_(values), name_(std::move(name)) {
    const std::size_t n = base.rows();
    if (values.size() != n)
      throw input_error(problem{"result table", -1, name_,
                                "user column '" + name_ + "': " + std::to_string(values.size()) + " values for " +
                                    std::to_string(n) + " result rows"});
  }

  [[nodiscard]] std::size_t rows() const { return base_->rows(); }
  [[nodiscard]] decltype(auto) key_label(std::size_t row) const { return base_->key_label(row); }

  template <class T>
  [[nodiscard]] decltype(auto) column() const {
    if constexpr (std::is_same_v<T, Tag>) return values_;
    else return base_->template column<T>();
  }

  [[nodiscard]] bool has_column(std::string_view name) const {
    if (name == name_) return true;
    if constexpr (NamedResultSource<R>) return detail::has_named_column(*base_, name);
    else return false;
  }

  /// By name (when the base is a NamedResultSource): the user column or the base's column.
  [[nodiscard]] auto column(std::string_view name) const
    requires NamedResultSource<R>
  {
    using base_column = decltype(base_->column(name));
    using column_type = detail::user_or_base_column<base_column>;
    if (name == name_) return column_type::user(values_);
    return column_type::base(base_->column(name));
  }

 private:
  const R* base_;
  std::span<const double> values_;
  std::string name_;
};

/// with_column<nps>(results, nps_values, "nps"): see the header comment.
template <class Tag, class R>
  requires ResultSource<R>
[[nodiscard]] result_with_column<Tag, R> with_column(const R& base, std::span<const double> values, std::string name) {
  return result_with_column<Tag, R>(base, values, std::move(name));
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
