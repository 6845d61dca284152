// salesmetrics/table/column.hpp: the column machinery shared by the four CRM tables.
//
// A table is declared once as a template over its column kind, with Hana struct reflection so
// that generic code can walk the columns by name:
//   activity_columns<column_view>    a view: std::span<const T> per column, over anyone's memory
//   activity_columns<column_vector>  a store: std::vector<T> per column, filled by loaders
// A required column has one value per row. An optional column is either absent (empty) or has
// one value per row; check_lengths() reports anything else.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/problems.hpp>

#include <boost/hana/accessors.hpp>
#include <boost/hana/define_struct.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/string.hpp>

#include <algorithm>
#include <optional>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE

template <class T> using column_view = std::span<const T>;
template <class T> using column_vector = std::vector<T>;

/// A categorical or numeric attribute column (segment, product, region, client size ...) of the
/// opportunities or leads table, usable as a group key and as a model feature.
struct attribute_view {
  std::string_view name;
  std::span<const dense_id> codes;     // categorical: dense code per row (no_id = missing)
  const dictionary* labels = nullptr;  // categorical: code -> label
  std::span<const double> numbers;     // numeric: value per row (NaN = missing)
  [[nodiscard]] bool categorical() const noexcept { return labels != nullptr; }
  [[nodiscard]] std::size_t size() const noexcept { return categorical() ? codes.size() : numbers.size(); }
};

struct attribute_store {
  std::string name;
  bool is_categorical = true;
  std::vector<dense_id> codes;
  dictionary labels;
  std::vector<double> numbers;
  [[nodiscard]] attribute_view view() const {
    return is_categorical ? attribute_view{name, codes, &labels, {}} : attribute_view{name, {}, nullptr, numbers};
  }
};

/// The named attribute columns of a view (opportunities and leads carry them).
struct attribute_views {
  std::vector<attribute_view> attributes;

  [[nodiscard]] std::optional<attribute_view> attribute(std::string_view name) const {
    for (const auto& a : attributes)
      if (a.name == name) return a;
    return std::nullopt;
  }
};

/// The named attribute columns of a store.
struct attribute_stores {
  std::vector<attribute_store> attributes;

  /// The attribute column of this name, created (categorical, empty) when new.
  attribute_store& attribute(std::string_view name) {
    for (auto& a : attributes)
      if (a.name == name) return a;
    attributes.push_back(attribute_store{std::string(name), true, {}, {}, {}});
    return attributes.back();
  }
  [[nodiscard]] attribute_views attribute_view_list() const {
    attribute_views v;
    for (const auto& a : attributes) v.attributes.push_back(a.view());
    return v;
  }
};

namespace detail {

/// Calls f(name, column) for every reflected column of a table (view or store).
template <class Columns, class F>
constexpr void for_each_column(Columns& table, F&& f) {
  using plain = std::remove_const_t<Columns>;
  boost::hana::for_each(boost::hana::accessors<typename plain::columns_type>(), [&](auto pair) {
    constexpr std::string_view name = boost::hana::to<const char*>(boost::hana::first(pair));
    auto& base = static_cast<std::conditional_t<std::is_const_v<Columns>, const typename plain::columns_type,
                                                typename plain::columns_type>&>(table);
    f(name, boost::hana::second(pair)(base));
  });
}

/// Fills a view's spans from a store's vectors, column by column.
template <class View, class Store>
void assign_view(View& view, const Store& store) {
  using vcols = typename View::columns_type;
  using scols = typename Store::columns_type;
  auto vacc = boost::hana::accessors<vcols>();
  auto sacc = boost::hana::accessors<scols>();
  boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::length(vacc)), [&](auto i) {
    auto& dst = boost::hana::second(vacc[i])(static_cast<vcols&>(view));
    const auto& src = boost::hana::second(sacc[i])(static_cast<const scols&>(store));
    dst = {src.data(), src.size()};
  });
}

template <class Columns>
[[nodiscard]] bool is_required(std::string_view name) {
  return std::find(Columns::required_columns.begin(), Columns::required_columns.end(), name) !=
         Columns::required_columns.end();
}

}  // namespace detail

/// Number of rows: the length of the table's first required column.
template <class Table>
[[nodiscard]] std::size_t row_count(const Table& t) {
  std::size_t n = 0;
  bool found = false;
  detail::for_each_column(t, [&](std::string_view name, const auto& col) {
    if (!found && name == Table::columns_type::required_columns.front()) {
      n = col.size();
      found = true;
    }
  });
  return n;
}

/// Reports every column whose length disagrees with the table's row count.
template <class Table>
[[nodiscard]] problem_report check_lengths(const Table& t) {
  problem_report report;
  const std::size_t n = row_count(t);
  detail::for_each_column(t, [&](std::string_view name, const auto& col) {
    const bool required = detail::is_required<typename Table::columns_type>(name);
    if (col.size() == n || (!required && col.empty())) return;
    report.add({std::string(Table::columns_type::table_name), -1, std::string(name),
                (required ? "required column has " : "optional column has ") + std::to_string(col.size()) +
                    " values, the table has " + std::to_string(n) + " rows" +
                    (required ? "" : " (an optional column must be empty or full)")});
  });
  return report;
}

/// True when an optional column is present (has one value per row).
template <class Column>
[[nodiscard]] constexpr bool has(const Column& col) noexcept { return !col.empty(); }

SALESMETRICS_END_NAMESPACE
