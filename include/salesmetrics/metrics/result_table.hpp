// salesmetrics/metrics/result_table.hpp: the columnar result of an evaluation.
//
// One row per group that at least one row of the data reached, ordered by the group key (ids in
// dense-id order, periods in time order, "(none)" last within each component). Columns: the key
// components (raw value and decoded label) and one column per requested metric, typed by the
// metric's result_type. Look a metric up by type (column<tag>(), checked at compile time) or by
// name (column("win_rate"), checked at run time). write_csv and to_json print it.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/default_init_allocator.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/metrics/metric_set.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

/// A metric column seen without its static type: values read as double (money in currency
/// units, instants in unix seconds, a missing instant or money as NaN).
class any_column {
 public:
  using data_type = std::variant<std::span<const std::int64_t>, std::span<const double>, std::span<const money>,
                                 std::span<const timestamp>>;
  explicit any_column(data_type d) : data_(d) {}
  [[nodiscard]] std::size_t size() const noexcept {
    return std::visit([](auto s) { return s.size(); }, data_);
  }
  [[nodiscard]] double operator[](std::size_t i) const noexcept {
    return std::visit([i](auto s) { return as_double(s[i]); }, data_);
  }
  [[nodiscard]] const data_type& data() const noexcept { return data_; }

  static double as_double(std::int64_t v) noexcept { return static_cast<double>(v); }
  static double as_double(double v) noexcept { return v; }
  static double as_double(money v) noexcept { return v.is_missing() ? std::nan("") : v.units(); }
  static double as_double(timestamp v) noexcept { return is_missing(v) ? std::nan("") : static_cast<double>(to_unix(v)); }

 private:
  data_type data_;
};

namespace detail {
inline std::string format_value(std::int64_t v) { return std::to_string(v); }
inline std::string format_value(double v) {
  if (std::isnan(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
inline std::string format_value(money v) { return to_string(v); }
inline std::string format_value(timestamp v) { return is_missing(v) ? std::string() : std::to_string(to_unix(v)); }
// json_value and result_table::to_json are templates on the JSON type (always nlohmann::json) only so
// that nlohmann's templates are instantiated in the translation units that call to_json, not in
// every one that includes this header.
template <class Json = nlohmann::json>
Json json_value(std::int64_t v) { return v; }
template <class Json = nlohmann::json>
Json json_value(double v) { return std::isnan(v) || std::isinf(v) ? Json(nullptr) : Json(v); }
template <class Json = nlohmann::json>
Json json_value(money v) { return v.is_missing() ? Json(nullptr) : Json(v.units()); }
template <class Json = nlohmann::json>
Json json_value(timestamp v) { return is_missing(v) ? Json(nullptr) : Json(to_unix(v)); }
inline std::string csv_quote(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}
}  // namespace detail

/// The raw values of one key component, by row. The engine sizes it and its threads write every
/// row, so resize() does not zero-fill it first on one thread (with the label indexes: Q2's labels
/// at 100M on 2 threads, 1.7 million groups, 36.5 -> 31 ms). Like every result column it is an
/// output_vector: on huge pages from 8 MiB, because first touches of 4 KiB pages can cost more
/// than computing the rows (core/large_array_allocator.hpp).
using key_value_column = output_vector<std::int64_t>;

/// The labels of one key component: each distinct label once, in key order, and per row the index
/// of its label. Groups that share a component value (a rep's many contacts) share its label. The
/// labels are one character buffer (label k is chars[ends[k-1], ends[k]), ends[-1] = 0) rather
/// than a std::string each: 8 bytes a label instead of 32, and no allocation per long name (Q2 of
/// the peers' harness at 100M labels 1.3 million contacts: 40 -> 27 ms on one thread).
struct key_label_column {
  std::string chars;
  output_vector<std::size_t> ends;  // [label] -> end of its characters
  output_vector<std::uint32_t> index;  // [row] -> label (the engine writes every row)

  [[nodiscard]] std::string_view label(std::size_t k) const noexcept {
    const std::size_t begin = k == 0 ? 0 : ends[k - 1];
    return std::string_view(chars).substr(begin, ends[k] - begin);
  }
  [[nodiscard]] std::string_view operator[](std::size_t row) const noexcept { return label(index[row]); }
  [[nodiscard]] std::size_t size() const noexcept { return index.size(); }
  [[nodiscard]] std::size_t distinct() const noexcept { return ends.size(); }
  /// Ends the label whose characters were appended to `chars` since the previous one ended.
  void end_label() { ends.push_back(chars.size()); }
};

template <class... Requested>
class result_table {
  static_assert((MetricResult<typename Requested::result_type> && ...),
                "salesmetrics::evaluate<...>: a requested metric is an internal building block whose result is not a "
                "number (std::int64_t, double, money or timestamp); request the metrics derived from it instead");

 public:
  using requested = type_list<Requested...>;

  /// Key component names ("rep", "period", ...), raw key values (-1 = none) and labels.
  std::vector<std::string> key_names;
  std::vector<key_value_column> key_values;  // [component][row]
  std::vector<key_label_column> key_labels;   // [component][row] -> label

  [[nodiscard]] std::size_t rows() const noexcept { return std::get<0>(columns_).size(); }

  /// The group's label: its components' labels joined by " / ".
  [[nodiscard]] std::string key_label(std::size_t row) const {
    std::string s;
    for (std::size_t k = 0; k < key_labels.size(); ++k) {
      if (k) s += " / ";
      s += key_labels[k][row];
    }
    return s;
  }

  /// The first row whose label equals `label`, or rows() when none does.
  [[nodiscard]] std::size_t find(std::string_view label) const {
    for (std::size_t r = 0; r < rows(); ++r)
      if (key_label(r) == label) return r;
    return rows();
  }

  template <class M>
  [[nodiscard]] std::span<const typename M::result_type> column() const {
    constexpr bool present = detail::contains_v<M, requested>;
    static_assert(present, "salesmetrics::result_table::column<M>(): M is not among the metrics this result was evaluated "
                           "with; add it to evaluate<...> (see 'with M = ...')");
    if constexpr (present) return std::get<detail::index_in<M, requested>::value>(columns_);
    else return {};
  }

  /// The column of the metric with this name; throws std::out_of_range naming the known metrics.
  [[nodiscard]] any_column column(std::string_view name) const {
    std::optional<any_column> found;
    auto try_metric = [&]<class M>() {
      if (!found && M::name == name)
        found.emplace(typename any_column::data_type(std::span<const typename M::result_type>(std::get<I<M>()>(columns_))));
    };
    (try_metric.template operator()<Requested>(), ...);
    if (!found) {
      std::string known;
      ((known.append(known.empty() ? "" : ", ").append(Requested::name)), ...);
      throw std::out_of_range("result_table: no metric named '" + std::string(name) + "' (this result has: " + known + ")");
    }
    return *found;
  }

  [[nodiscard]] static std::vector<std::string_view> metric_names() { return {Requested::name...}; }

  void write_csv(std::ostream& os) const {
    bool first = true;
    for (const auto& k : key_names) { os << (first ? "" : ",") << k; first = false; }
    ((os << (first ? "" : ",") << Requested::name, first = false), ...);
    os << "\n";
    for (std::size_t r = 0; r < rows(); ++r) {
      first = true;
      for (const auto& labels : key_labels) { os << (first ? "" : ",") << detail::csv_quote(labels[r]); first = false; }
      ((os << (first ? "" : ",") << detail::format_value(std::get<I<Requested>()>(columns_)[r]), first = false), ...);
      os << "\n";
    }
  }

  /// {"keys": [...], "metrics": [...], "rows": [{"rep": "...", "win_rate": 0.5, ...}]}; NaN prints as null.
  template <class Json = nlohmann::json>  // deferred: see detail::json_value
  [[nodiscard]] Json to_json() const {
    Json j;
    j["keys"] = key_names;
    j["metrics"] = Json::array({std::string(Requested::name)...});
    Json rows_json = Json::array();
    for (std::size_t r = 0; r < rows(); ++r) {
      Json row;
      for (std::size_t k = 0; k < key_names.size(); ++k) row[key_names[k]] = std::string(key_labels[k][r]);
      ((row[std::string(Requested::name)] = detail::json_value<Json>(std::get<I<Requested>()>(columns_)[r])), ...);
      rows_json.push_back(std::move(row));
    }
    j["rows"] = std::move(rows_json);
    return j;
  }

  /// n rows in every metric column (the engine sizes the table, then fills the rows, possibly in parallel).
  void resize(std::size_t n) {
    // assign, not resize: g++ 12 -O3 warns falsely (stringop-overflow) on resize of an empty vector.
    std::apply([n](auto&... c) { (c.assign(n, typename std::decay_t<decltype(c)>::value_type{}), ...); }, columns_);
  }

  /// Sets row `row` to one group's requested results (used by the engine).
  template <class Results, class Set>
  void set_row(std::size_t row, const Results& all) {
    ((std::get<I<Requested>()>(columns_)[row] = std::get<detail::index_in<Requested, typename Set::all>::value>(all)), ...);
  }
  /// The engine's streaming path: room for n rows, a row appended, another table's rows appended.
  void reserve(std::size_t n) {
    std::apply([n](auto&... c) { (c.reserve(n), ...); }, columns_);
  }
  template <class Results, class Set>
  void append_row(const Results& all) {
    (std::get<I<Requested>()>(columns_).push_back(std::get<detail::index_in<Requested, typename Set::all>::value>(all)), ...);
  }
  /// n rows, the first rows() kept (the engine then copies other tables' rows in, possibly in parallel).
  void grow(std::size_t n) {
    std::apply([n](auto&... c) { (c.resize(n), ...); }, columns_);
  }
  /// Rows [from, to) of `other` become rows [at, at + to - from).
  void copy_rows(std::size_t at, const result_table& other, std::size_t from, std::size_t to) {
    [&]<std::size_t... C>(std::index_sequence<C...>) {
      ((std::copy(std::get<C>(other.columns_).begin() + static_cast<std::ptrdiff_t>(from),
                  std::get<C>(other.columns_).begin() + static_cast<std::ptrdiff_t>(to),
                  std::get<C>(columns_).begin() + static_cast<std::ptrdiff_t>(at))),
       ...);
    }(std::index_sequence_for<Requested...>{});
  }

 private:
  template <class M> static constexpr std::size_t I() { return detail::index_in<M, requested>::value; }
  // grow() leaves trivial results uninitialised: the engine's parallel copies are their first write.
  std::tuple<output_vector<typename Requested::result_type>...> columns_;
};

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
