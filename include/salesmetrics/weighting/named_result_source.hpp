// salesmetrics/weighting/named_result_source.hpp: a metric result table addressed by metric NAME (runtime).
//
// Runtime scorecards, point tables and badge rules come from configuration files, so they name
// metrics by string. A NamedResultSource R provides:
//   r.rows()                 number of groups (std::size_t)
//   r.key_label(row)         the group's printable key, convertible to std::string
//   r.column(name)           that column, a value column as in result_source.hpp (c.size(), c[i]
//                            convertible to double or money), r.rows() long, NaN = undefined
// and, to let a misspelt metric be reported by name before scoring, one of (checked in this order
// by detail::has_named_column):
//   r.has_column(name) -> bool;  or  R::metric_names() listing the names;  or column(name)
//   throwing std::out_of_range for an unknown name (metrics::result_table does the latter two).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/weighting/result_source.hpp>

#include <concepts>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

template <class R>
concept NamedResultSource = requires(const R& r, std::size_t row, std::string_view name) {
  { r.rows() } -> std::convertible_to<std::size_t>;
  { r.key_label(row) } -> std::convertible_to<std::string>;
  r.column(name);
} && detail::is_value_column_v<decltype(std::declval<const R&>().column(std::string_view{}))>;

namespace detail {
/// Whether `r` has a column called `name` (see the header comment for how it is found out).
template <class R>
[[nodiscard]] bool has_named_column(const R& r, std::string_view name) {
  if constexpr (requires { { r.has_column(name) } -> std::convertible_to<bool>; }) {
    return static_cast<bool>(r.has_column(name));
  } else if constexpr (requires { r.metric_names(); }) {
    for (const auto& n : r.metric_names())
      if (std::string_view(n) == name) return true;
    return false;
  } else {
    try {
      (void)r.column(name);
      return true;
    } catch (const std::out_of_range&) {
      return false;
    }
  }
}
}  // namespace detail

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
