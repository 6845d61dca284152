// salesmetrics/weighting/badges.hpp: badges as rules over a row of metric results.
//
// A badge is earned by row i when its rule holds for that row. Results are one std::uint64_t bit
// mask per row (bit b = badge b), so at most 64 badges per set and no allocation per row.
//   Compile time: badge<"closer", Pred> where Pred is a default-constructible callable taking a
//     result_row<R> and returning bool; row.value<Tag>() reads column<Tag>()[i]
//     (e.g. badge<"closer", decltype([](const auto& row) { return row.template value<won>() >= 10; })>).
//   Run time: badge_rule{name, {{"deals_won", compare_op::greater_equal, 10}, ...}} holds when ALL
//     its conditions hold; a NaN value satisfies no condition (not even not_equal), since an
//     undefined metric cannot earn a badge. award_badges throws input_error for more than 64 rules,
//     an empty or duplicate name, a rule without conditions, a NaN threshold or a missing column.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/weighting/fixed_string.hpp>
#include <salesmetrics/weighting/named_result_source.hpp>
#include <salesmetrics/weighting/result_source.hpp>

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

/// Row `index` of a result table, for badge predicates.
template <class R>
class result_row {
 public:
  result_row(const R& results, std::size_t index) noexcept : r_(&results), i_(index) {}
  [[nodiscard]] std::size_t index() const noexcept { return i_; }
  template <class Tag>
  [[nodiscard]] double value() const {
    return detail::column_value(r_->template column<Tag>(), i_);
  }
  [[nodiscard]] double value(std::string_view name) const
    requires NamedResultSource<R>
  {
    return detail::column_value(r_->column(name), i_);
  }
  [[nodiscard]] decltype(auto) key_label() const { return r_->key_label(i_); }

 private:
  const R* r_;
  std::size_t i_;
};

template <fixed_string Name, class Predicate>
struct badge {
  static_assert(std::default_initializable<Predicate>,
                "salesmetrics::weighting::badge<Name, Predicate>: Predicate must be default-constructible (a "
                "stateless lambda type or a struct with operator())");
  static constexpr std::string_view name = Name.view();
  using predicate = Predicate;
};

template <class... Badges>
struct badge_set {
  static_assert(sizeof...(Badges) >= 1 && sizeof...(Badges) <= 64,
                "salesmetrics::weighting::badge_set<Badges...>: between 1 and 64 badges (one bit each)");
  static constexpr std::size_t size = sizeof...(Badges);
  [[nodiscard]] static std::vector<std::string_view> names() { return {Badges::name...}; }

  /// One mask per row of `results`.
  template <class R>
    requires ResultSource<R>
  [[nodiscard]] std::vector<std::uint64_t> award(const R& results) const {
    static_assert((std::is_invocable_r_v<bool, const typename Badges::predicate&, const result_row<R>&> && ...),
                  "salesmetrics::weighting::badge_set::award(results): each badge predicate must be callable with a "
                  "const result_row<R>& and return bool");
    const auto n = static_cast<std::size_t>(results.rows());
    std::vector<std::uint64_t> masks(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const result_row<R> row(results, i);
      std::size_t b = 0;
      ((masks[i] |= (static_cast<bool>(typename Badges::predicate{}(row)) ? std::uint64_t{1} : std::uint64_t{0}) << b++), ...);
    }
    return masks;
  }
};

enum class compare_op : std::uint8_t { less, less_equal, greater, greater_equal, equal, not_equal };

struct badge_condition {
  std::string metric;
  compare_op op = compare_op::greater_equal;
  double value = 0.0;
};

struct badge_rule {
  std::string name;
  std::vector<badge_condition> all_of;
};

namespace detail {
[[nodiscard]] inline bool holds(double v, compare_op op, double x) noexcept {
  if (std::isnan(v)) return false;
  switch (op) {
    case compare_op::less: return v < x;
    case compare_op::less_equal: return v <= x;
    case compare_op::greater: return v > x;
    case compare_op::greater_equal: return v >= x;
    case compare_op::equal: return v == x;
    case compare_op::not_equal: return v != x;
  }
  return false;
}
}  // namespace detail

template <NamedResultSource R>
[[nodiscard]] std::vector<std::uint64_t> award_badges(std::span<const badge_rule> rules, const R& results) {
  auto fail = [](std::string reason) { throw input_error(problem{"badges", -1, {}, std::move(reason)}); };
  if (rules.size() > 64) fail(std::to_string(rules.size()) + " badge rules, at most 64 fit in a mask");
  for (std::size_t b = 0; b < rules.size(); ++b) {
    const std::string who = "badge #" + std::to_string(b + 1) + " '" + rules[b].name + "': ";
    if (rules[b].name.empty()) fail(who + "name is empty");
    for (std::size_t j = 0; j < b; ++j)
      if (rules[j].name == rules[b].name) fail(who + "duplicate badge name");
    if (rules[b].all_of.empty()) fail(who + "has no conditions");
    for (const badge_condition& c : rules[b].all_of) {
      if (std::isnan(c.value)) fail(who + "condition on '" + c.metric + "' compares with NaN");
      if (!detail::has_named_column(results, c.metric)) fail(who + "result table has no column '" + c.metric + "'");
    }
  }
  const auto n = static_cast<std::size_t>(results.rows());
  std::uint64_t all = 0;
  for (std::size_t b = 0; b < rules.size(); ++b) all |= std::uint64_t{1} << b;
  std::vector<std::uint64_t> masks(n, all);
  for (std::size_t b = 0; b < rules.size(); ++b)
    for (const badge_condition& c : rules[b].all_of) {
      auto&& col = results.column(c.metric);
      if (detail::column_size(col) != n)
        fail("badge '" + rules[b].name + "': column '" + c.metric + "' has " + std::to_string(detail::column_size(col)) +
             " values for " + std::to_string(n) + " result rows");
      const std::uint64_t clear = ~(std::uint64_t{1} << b);
      for (std::size_t i = 0; i < n; ++i)
        if (!detail::holds(detail::column_value(col, i), c.op, c.value)) masks[i] &= clear;
    }
  return masks;
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
