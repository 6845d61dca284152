// salesmetrics/weighting/result_source.hpp: what weighting needs from a metric result table (by metric type).
//
// Everything in weighting/ reads the metric engine's results, never the CRM tables. A result
// table has one row per group (usually a rep) and one column per metric:
//   r.rows()                   number of groups (std::size_t)
//   r.key_label(row)           the group's printable key (the rep's name), convertible to std::string
//   r.template column<Tag>()   the metric Tag's values: a "value column" c with c.size() == r.rows()
//                              and c[i] convertible to double or a salesmetrics::money (read in
//                              currency units, money::missing() as NaN); NaN means "undefined"
//                              (e.g. a win rate with nothing closed). std::span, std::vector and
//                              metrics::any_column all qualify.
// Metric tags are types (empty structs). ResultSource<R, Tags...> holds when R provides all of
// the above for every listed Tag; ResultSource<R> checks only rows() and key_label().
// column<Tag>() is called once per metric per scoring call, not per row, so returning a span or a
// const reference are both fine.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/money.hpp>

#include <concepts>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

namespace detail {
template <class V>
inline constexpr bool is_metric_value_v =
    std::convertible_to<V, double> || std::same_as<std::remove_cvref_t<V>, money>;

/// A metric value as a double (money in currency units, missing money as NaN).
template <class V>
[[nodiscard]] constexpr double to_value(const V& v) noexcept {
  if constexpr (std::same_as<V, money>) return v.is_missing() ? std::numeric_limits<double>::quiet_NaN() : v.units();
  else return static_cast<double>(v);
}

/// A column of metric values: c.size() and c[i] giving a metric value.
template <class C>
inline constexpr bool is_value_column_v = requires(const std::remove_cvref_t<C>& c, std::size_t i) {
  { c.size() } -> std::convertible_to<std::size_t>;
  c[i];
} && is_metric_value_v<decltype(std::declval<const std::remove_cvref_t<C>&>()[std::size_t{}])>;

template <class C>
[[nodiscard]] std::size_t column_size(const C& c) {
  return static_cast<std::size_t>(c.size());
}
template <class C>
[[nodiscard]] double column_value(const C& c, std::size_t i) {
  return to_value(c[i]);
}

template <class R, class Tag>
inline constexpr bool has_tag_column_v = requires(const R& r) { r.template column<Tag>(); } &&
    is_value_column_v<decltype(std::declval<const R&>().template column<Tag>())>;
}  // namespace detail

template <class R, class... Tags>
concept ResultSource = requires(const R& r, std::size_t row) {
  { r.rows() } -> std::convertible_to<std::size_t>;
  { r.key_label(row) } -> std::convertible_to<std::string>;
} && (detail::has_tag_column_v<R, Tags> && ...);

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
