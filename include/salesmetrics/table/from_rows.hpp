// salesmetrics/table/from_rows.hpp: fill a table store from the user's own row structs, by field name.
//
// The user declares or adapts a row struct with Hana (BOOST_HANA_DEFINE_STRUCT or
// BOOST_HANA_ADAPT_STRUCT); append_rows(store, rows, ctx) converts every field whose name is
// a column of the store's table and appends one row per element of `rows`. Definitions:
//   field names   a field named like a column fills that column. Every required column of
//                 the table needs a field (else a compile error naming the struct, the table
//                 and the column). A field that is not a column is a compile error naming it,
//                 unless it is listed in ignored_fields<"a", ...> (never read) or, for
//                 opportunities and leads, in attribute_fields<"segment", ...> (an attribute
//                 column of that name: categorical from strings, numeric from numbers).
//                 ignored_fields may also list a column-named field, which is then not read.
//   conversions   (F may also be std::optional<F>: nullopt is a missing value)
//     timestamp   std::chrono::time_point<system_clock, D> (floored to seconds) or an integer
//                 (unix seconds).
//     enums       the enum itself or an integer code (checked against enum_count), or a string
//                 parsed by parse_<enum> (canonical names and CRM spellings); "" is missing.
//     ids         an integer is the dense id itself (-1 = none; other negative values or values
//                 above 2^31-1 are rejected); a string is encoded through the dictionary of
//                 the column's id space in ctx.dictionaries (dictionary_for_column: rep_id and
//                 owner_rep_id -> reps, source -> sources, ...); "" is none.
//     money       `money`; an integer is whole currency units (x100, exact, overflow rejected);
//                 a double is currency units rounded half away from zero to the cent
//                 (money::from_double; NaN is missing; infinities and |x| >= 9e16 rejected); a
//                 string is parsed exactly by parse_money ("" is missing).
//     float       any integer or floating value (duration_min, probability); NaN is missing.
//     stages      an integer stage index (-1 = none, the creation row's from_stage), or a
//                 stage name looked up in ctx.stages (stage_list::find); "" is none.
//     our_attendees  an integer 0..255.
//                 Any other field type is a compile error naming the field and both types.
//   missing       a missing value is stored as the column's missing value (no_time, no_id,
//                 money::missing(), NaN, no_stage, 0 attendees). It is a problem in a required
//                 column (except from_stage, where none marks the creation row) and in an
//                 optional enum column (status, forecast_category), which has no missing value.
//   problems      every value that cannot be converted is reported (table, 0-based index of
//                 the element in `rows`, column, reason) and its whole row is skipped, so the
//                 store's columns stay the same length. Nothing else is checked: call
//                 validate() for the tables' invariants.
//   appending     columns without a field stay as they are; appending to a non-empty store
//                 requires the same set of columns (and attributes) as the rows already there,
//                 otherwise std::invalid_argument is thrown before anything is appended. String
//                 ids or stage names without ctx.dictionaries / ctx.stages also throw.
// from_rows<Store>(rows, ctx) returns a new store and throws input_error carrying the first
// problem (its reason counts the others) when there is any.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/column.hpp>
#include <salesmetrics/table/dataset.hpp>
#include <salesmetrics/table/stages.hpp>
#include <salesmetrics/table/validate.hpp>

#include <boost/hana/accessors.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/concept/struct.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/unpack.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

SALESMETRICS_BEGIN_NAMESPACE

/// Fields of the row struct that become attribute columns (opportunities and leads only).
template <fixed_string... Names>
struct attribute_fields {
  static constexpr std::array<std::string_view, sizeof...(Names)> names{Names.view()...};
};

/// Fields of the row struct that are never read.
template <fixed_string... Names>
struct ignored_fields {
  static constexpr std::array<std::string_view, sizeof...(Names)> names{Names.view()...};
};

/// Where string ids are encoded and stage names looked up.
struct row_context {
  crm_dictionaries* dictionaries = nullptr;
  const stage_list* stages = nullptr;

  row_context() = default;
  row_context(crm_dictionaries* d, const stage_list* s) : dictionaries(d), stages(s) {}
  /// The data set's own dictionaries and stage list.
  explicit row_context(crm_data& data) : dictionaries(&data.dictionaries), stages(&data.stages) {}
};

namespace detail::rows {

/// A compile-time string usable as a template argument, built from a constexpr string_view;
/// it spells table, column and field names in the diagnostics below.
template <std::size_t N>
struct ct_string {
  char chars[N]{};
  constexpr ct_string(std::string_view s) noexcept {  // NOLINT: implicit by design
    for (std::size_t i = 0; i + 1 < N && i < s.size(); ++i) chars[i] = s[i];
  }
};

template <class...> inline constexpr bool always_false = false;

// ---- diagnostics: each names the row struct, the table and the field or column ----------
template <class Row, ct_string Table, ct_string Column>
struct row_struct_lacks_required_column {
  static_assert(always_false<Row>,
                "append_rows: the row struct has no field for a required column of the table (see the struct, table and "
                "column in this template's arguments); add a field named like the column");
};
template <class Row, ct_string Table, ct_string Field>
struct row_struct_field_is_not_a_column {
  static_assert(always_false<Row>,
                "append_rows: a field of the row struct names no column of the table (see the struct, table and field in this "
                "template's arguments); rename it to a column name, or list it in ignored_fields<...> or, for opportunities "
                "and leads, attribute_fields<...>");
};
template <class Row, ct_string Table, ct_string Field, class FieldType, class ColumnType>
struct row_struct_field_type_not_convertible {
  static_assert(always_false<Row>,
                "append_rows: this field's type cannot be converted to its column's type (see the field and both types in this "
                "template's arguments); the accepted types are listed in salesmetrics/table/from_rows.hpp");
};
template <class Row, ct_string Table, ct_string Field>
struct attribute_field_is_a_column {
  static_assert(always_false<Row>,
                "append_rows: attribute_fields<...> lists a field that is a column of the table; remove it from the list");
};
template <class Row, ct_string Table, ct_string Field>
struct attribute_fields_need_opportunities_or_leads {
  static_assert(always_false<Row>, "append_rows: attribute_fields<...> is only for opportunity_store and lead_store");
};
template <class Row, ct_string Table, ct_string Field, class FieldType>
struct attribute_field_type_not_supported {
  static_assert(always_false<Row>,
                "append_rows: an attribute field must hold strings (categorical) or numbers (numeric), optionally in std::optional");
};
template <class Row, ct_string Field>
struct listed_field_not_in_row_struct {
  static_assert(always_false<Row>,
                "append_rows: attribute_fields<...> or ignored_fields<...> names a field the row struct does not have");
};

// ---- reflection ------------------------------------------------------------------------
template <class S>
constexpr auto hana_field_names() {
  return boost::hana::unpack(boost::hana::accessors<S>(), [](auto... p) {
    return std::array<std::string_view, sizeof...(p)>{std::string_view(boost::hana::to<const char*>(boost::hana::first(p)))...};
  });
}

template <class S, std::size_t I>
decltype(auto) hana_member(S& s) {
  return boost::hana::second(boost::hana::at_c<I>(boost::hana::accessors<std::remove_const_t<S>>()))(s);
}

template <class Row, std::size_t I>
using row_field_t = std::remove_cvref_t<decltype(hana_member<const Row, I>(std::declval<const Row&>()))>;

template <class Columns, std::size_t C>
using column_value_t = typename std::remove_cvref_t<decltype(hana_member<Columns, C>(std::declval<Columns&>()))>::value_type;

template <std::size_t N>
constexpr bool listed(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::string_view n : names)
    if (n == name) return true;
  return false;
}

// ---- field type classes ----------------------------------------------------------------
template <class F> struct optional_of { static constexpr bool value = false; using type = F; };
template <class V> struct optional_of<std::optional<V>> { static constexpr bool value = true; using type = V; };
template <class F> using inner_t = typename optional_of<F>::type;

template <class F>
concept string_field = std::same_as<F, std::string> || std::same_as<F, std::string_view> || std::same_as<F, const char*> ||
                       std::same_as<F, char*>;
template <class F>
concept integer_field = std::integral<F> && !std::same_as<F, bool> && !std::same_as<F, char> && !std::same_as<F, wchar_t> &&
                        !std::same_as<F, char8_t> && !std::same_as<F, char16_t> && !std::same_as<F, char32_t>;
template <class F> struct is_sys_time : std::false_type {};
template <class D> struct is_sys_time<std::chrono::time_point<std::chrono::system_clock, D>> : std::true_type {};
template <class T>
concept crm_enum = std::is_enum_v<T> && (enum_count<T> > 0);

template <class T, class F>
inline constexpr bool convertible_field = [] {
  if constexpr (std::same_as<T, timestamp>) return is_sys_time<F>::value || integer_field<F>;
  else if constexpr (crm_enum<T>) return std::same_as<F, T> || integer_field<F> || string_field<F>;
  else if constexpr (std::same_as<T, dense_id>) return integer_field<F> || string_field<F>;
  else if constexpr (std::same_as<T, float>) return integer_field<F> || std::floating_point<F>;
  else if constexpr (std::same_as<T, money>) return std::same_as<F, money> || integer_field<F> || std::floating_point<F> || string_field<F>;
  else if constexpr (std::same_as<T, stage_index>) return integer_field<F> || string_field<F>;
  else if constexpr (std::same_as<T, std::uint8_t>) return integer_field<F>;
  else return false;
}();

template <class F>
inline constexpr bool attribute_field_ok = string_field<inner_t<F>> || integer_field<inner_t<F>> || std::floating_point<inner_t<F>>;

template <class F>
std::string_view as_view(const F& f) noexcept {
  if constexpr (std::is_pointer_v<F>) return f != nullptr ? std::string_view(f) : std::string_view{};
  else return std::string_view(f);
}

template <class T>
std::optional<T> parse_enum(std::string_view s) {
  if constexpr (std::same_as<T, activity_type>) return parse_activity_type(s);
  else if constexpr (std::same_as<T, direction>) return parse_direction(s);
  else if constexpr (std::same_as<T, activity_status>) return parse_activity_status(s);
  else if constexpr (std::same_as<T, deal_status>) return parse_deal_status(s);
  else if constexpr (std::same_as<T, forecast_category>) return parse_forecast_category(s);
  else return parse_lead_status(s);
}

template <class T>
constexpr T missing_value() noexcept {
  if constexpr (std::same_as<T, timestamp>) return no_time;
  else if constexpr (std::same_as<T, dense_id>) return no_id;
  else if constexpr (std::same_as<T, money>) return money::missing();
  else if constexpr (std::same_as<T, float>) return std::numeric_limits<float>::quiet_NaN();
  else if constexpr (std::same_as<T, stage_index>) return no_stage;
  else return T{};  // our_attendees: 0 = unknown
}

template <class I>
std::string integer_text(I v) {
  if constexpr (std::is_signed_v<I>) return std::to_string(static_cast<long long>(v));
  else return std::to_string(static_cast<unsigned long long>(v));
}

/// Integer v in [lo, hi]?
template <class I>
constexpr bool in_range(I v, long long lo, long long hi) noexcept {
  if constexpr (std::is_signed_v<I>) return static_cast<long long>(v) >= lo && static_cast<long long>(v) <= hi;
  else return hi >= 0 && static_cast<unsigned long long>(v) <= static_cast<unsigned long long>(hi);
}

enum class cell { ok, missing, bad };

/// Converts one non-optional field value (string ids are handled by the caller).
template <class T, class F>
cell convert_value(const F& f, T& out, std::string& why, const stage_list* stages) {
  if constexpr (std::same_as<T, timestamp>) {
    if constexpr (is_sys_time<F>::value) {
      out = std::chrono::floor<seconds>(f);
    } else {
      if (!in_range(f, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max())) {
        why = "unix time " + integer_text(f) + " does not fit in 64-bit seconds";
        return cell::bad;
      }
      out = from_unix(static_cast<std::int64_t>(f));
    }
    return is_missing(out) ? cell::missing : cell::ok;
  } else if constexpr (crm_enum<T>) {
    if constexpr (string_field<F>) {
      const std::string_view s = as_view(f);
      if (s.empty()) return cell::missing;
      const std::optional<T> e = parse_enum<T>(s);
      if (!e) {
        why = "'" + std::string(s) + "' is not a valid " + std::string(validation::enum_name<T>);
        return cell::bad;
      }
      out = *e;
      return cell::ok;
    } else {
      long long code;
      if constexpr (std::same_as<F, T>) code = static_cast<long long>(static_cast<std::underlying_type_t<T>>(f));
      else code = in_range(f, 0, 255) ? static_cast<long long>(f) : -1;
      if (code < 0 || code >= static_cast<long long>(enum_count<T>)) {
        why = "code " + (std::same_as<F, T> ? std::to_string(code) : integer_text(f)) + " is not a valid " +
              std::string(validation::enum_name<T>) + " (valid codes are 0.." + std::to_string(enum_count<T> - 1) + ")";
        return cell::bad;
      }
      out = static_cast<T>(code);
      return cell::ok;
    }
  } else if constexpr (std::same_as<T, dense_id>) {
    if (!in_range(f, -1, std::numeric_limits<dense_id>::max())) {
      why = "id " + integer_text(f) + " is outside 0..2147483647 (-1 means none)";
      return cell::bad;
    }
    out = static_cast<dense_id>(f);
    return out == no_id ? cell::missing : cell::ok;
  } else if constexpr (std::same_as<T, float>) {
    out = static_cast<float>(f);
    return std::isnan(out) ? cell::missing : cell::ok;
  } else if constexpr (std::same_as<T, money>) {
    if constexpr (std::same_as<F, money>) {
      out = f;
      return f.is_missing() ? cell::missing : cell::ok;
    } else if constexpr (string_field<F>) {
      const std::string_view s = as_view(f);
      if (s.empty()) return cell::missing;
      const std::optional<money> m = parse_money(s);
      if (!m) {
        why = "'" + std::string(s) + "' is not an amount (optional sign, digits, optional '.' and up to 2 decimals)";
        return cell::bad;
      }
      out = *m;
      return cell::ok;
    } else if constexpr (std::floating_point<F>) {
      if (std::isnan(f)) return cell::missing;
      if (!(std::abs(static_cast<double>(f)) < 9e16)) {
        why = "amount " + std::to_string(static_cast<double>(f)) + " is not finite or too large";
        return cell::bad;
      }
      out = money::from_double(static_cast<double>(f));
      return cell::ok;
    } else {
      constexpr long long limit = std::numeric_limits<std::int64_t>::max() / 100 - 1;
      if (!in_range(f, -limit, limit)) {
        why = "amount " + integer_text(f) + " is too large to hold in cents";
        return cell::bad;
      }
      out = money::from_cents(static_cast<std::int64_t>(f) * 100);
      return cell::ok;
    }
  } else if constexpr (std::same_as<T, stage_index>) {
    if constexpr (string_field<F>) {
      const std::string_view s = as_view(f);
      if (s.empty()) return cell::missing;
      const std::optional<stage_index> st = stages->find(s);
      if (!st) {
        why = "'" + std::string(s) + "' is not a stage of the stage list";
        return cell::bad;
      }
      out = *st;
      return cell::ok;
    } else {
      if (!in_range(f, -1, std::numeric_limits<stage_index>::max())) {
        why = "stage " + integer_text(f) + " is outside -1..127";
        return cell::bad;
      }
      out = static_cast<stage_index>(f);
      return out == no_stage ? cell::missing : cell::ok;
    }
  } else {  // our_attendees
    if (!in_range(f, 0, 255)) {
      why = "value " + integer_text(f) + " is outside 0..255";
      return cell::bad;
    }
    out = static_cast<std::uint8_t>(f);
    return cell::ok;
  }
}

/// The plan for one (row struct, table) pair, all decided at compile time.
template <class Row, class Columns, class Attrs, class Ignored>
struct row_plan {
  static constexpr auto fields = hana_field_names<Row>();
  static constexpr auto columns = hana_field_names<Columns>();
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr bool has_attributes =
      std::is_same_v<Columns, opportunity_columns<column_vector>> || std::is_same_v<Columns, lead_columns<column_vector>>;
  static constexpr std::string_view table = Columns::table_name;

  static constexpr std::size_t column_of(std::string_view name) {
    for (std::size_t c = 0; c < columns.size(); ++c)
      if (columns[c] == name) return c;
    return npos;
  }
  static constexpr bool is_field(std::string_view name) { return listed(fields, name); }
  static constexpr bool ignored(std::string_view name) { return listed(Ignored::names, name); }
  static constexpr bool attribute(std::string_view name) { return listed(Attrs::names, name); }
  /// Field I fills column column_of(fields[I]).
  template <std::size_t I>
  static constexpr bool fills_column() { return !ignored(fields[I]) && column_of(fields[I]) != npos; }
  template <std::size_t I>
  static constexpr bool fills_attribute() { return !ignored(fields[I]) && column_of(fields[I]) == npos && attribute(fields[I]); }

  template <std::size_t I>
  static constexpr bool field_ok() {
    constexpr std::string_view name = fields[I];
    if constexpr (ignored(name)) return true;
    else if constexpr (column_of(name) != npos)
      return !attribute(name) && convertible_field<column_value_t<Columns, column_of(name)>, inner_t<row_field_t<Row, I>>>;
    else if constexpr (attribute(name)) return has_attributes && attribute_field_ok<row_field_t<Row, I>>;
    else return false;
  }
  static constexpr bool required_ok() {
    for (std::string_view c : Columns::required_columns)
      if (!is_field(c) || ignored(c)) return false;
    return true;
  }
  static constexpr bool lists_ok() {
    for (std::string_view a : Attrs::names)
      if (!is_field(a)) return false;
    for (std::string_view a : Ignored::names)
      if (!is_field(a)) return false;
    return true;
  }
  static constexpr bool ok = [] {
    return [&]<std::size_t... I>(std::index_sequence<I...>) { return (field_ok<I>() && ... && true); }(
               std::make_index_sequence<fields.size()>{}) &&
           required_ok() && lists_ok();
  }();
};

template <class Plan, class Row, class Columns, std::size_t I>
void diagnose_field() {
  constexpr std::string_view name = Plan::fields[I];
  constexpr ct_string<Plan::table.size() + 1> t{Plan::table};
  constexpr ct_string<name.size() + 1> f{name};
  if constexpr (Plan::ignored(name)) {
  } else if constexpr (Plan::column_of(name) != Plan::npos) {
    using field_type = row_field_t<Row, I>;
    using column_type = column_value_t<Columns, Plan::column_of(name)>;
    if constexpr (Plan::attribute(name)) (void)attribute_field_is_a_column<Row, t, f>{};
    else if constexpr (!convertible_field<column_type, inner_t<field_type>>)
      (void)row_struct_field_type_not_convertible<Row, t, f, field_type, column_type>{};
  } else if constexpr (Plan::attribute(name)) {
    if constexpr (!Plan::has_attributes) (void)attribute_fields_need_opportunities_or_leads<Row, t, f>{};
    else if constexpr (!attribute_field_ok<row_field_t<Row, I>>)
      (void)attribute_field_type_not_supported<Row, t, f, row_field_t<Row, I>>{};
  } else {
    (void)row_struct_field_is_not_a_column<Row, t, f>{};
  }
}

template <class Plan, class Row, class Columns, std::size_t I>
void diagnose_required() {
  constexpr std::string_view name = Columns::required_columns[I];
  if constexpr (!Plan::is_field(name) || Plan::ignored(name))
    (void)row_struct_lacks_required_column<Row, ct_string<Plan::table.size() + 1>{Plan::table}, ct_string<name.size() + 1>{name}>{};
}

template <class Plan, class Row, class List, std::size_t I>
void diagnose_listed() {
  constexpr std::string_view name = List::names[I];
  if constexpr (!Plan::is_field(name)) (void)listed_field_not_in_row_struct<Row, ct_string<name.size() + 1>{name}>{};
}

/// Calls f(std::integral_constant<std::size_t, I>{}) for I = 0..N-1.
template <std::size_t N, class F>
constexpr void for_each_index(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) { (f(std::integral_constant<std::size_t, I>{}), ...); }(
      std::make_index_sequence<N>{});
}

/// One compile error per defect of the row struct.
template <class Plan, class Row, class Columns, class Attrs, class Ignored>
void diagnose() {
  for_each_index<Columns::required_columns.size()>([](auto i) { diagnose_required<Plan, Row, Columns, decltype(i)::value>(); });
  for_each_index<Plan::fields.size()>([](auto i) { diagnose_field<Plan, Row, Columns, decltype(i)::value>(); });
  for_each_index<Attrs::names.size()>([](auto i) { diagnose_listed<Plan, Row, Attrs, decltype(i)::value>(); });
  for_each_index<Ignored::names.size()>([](auto i) { diagnose_listed<Plan, Row, Ignored, decltype(i)::value>(); });
}

template <class S>
inline constexpr bool is_crm_store = std::is_same_v<S, activity_store> || std::is_same_v<S, opportunity_store> ||
                                     std::is_same_v<S, stage_history_store> || std::is_same_v<S, lead_store>;

/// The type holding field I's converted value between checking and appending.
template <class Plan, class Row, class Columns, std::size_t I>
constexpr auto slot_value() {
  if constexpr (Plan::template fills_column<I>()) return column_value_t<Columns, Plan::column_of(Plan::fields[I])>{};
  else if constexpr (Plan::template fills_attribute<I>() && string_field<inner_t<row_field_t<Row, I>>>) return dense_id{};
  else if constexpr (Plan::template fills_attribute<I>()) return double{};
  else return char{};
}

template <class Plan, class Row, class Columns, class Seq>
struct slots;
template <class Plan, class Row, class Columns, std::size_t... I>
struct slots<Plan, Row, Columns, std::index_sequence<I...>> {
  using type = std::tuple<decltype(slot_value<Plan, Row, Columns, I>())...>;
};

template <class Store>
std::vector<attribute_store>* store_attributes(Store& s) {
  if constexpr (requires { s.attributes; }) return &s.attributes;
  else return nullptr;
}

/// Field I's value with std::optional unwrapped: nullptr when the optional is empty.
template <class F>
const inner_t<F>* present(const F& f) {
  if constexpr (optional_of<F>::value) return f.has_value() ? &*f : nullptr;
  else return &f;
}

template <class Plan, class Row, class Columns, class Attrs, class Store, class Rows>
problem_report append_checked(Store& store, Rows& rows, const row_context& ctx) {
  constexpr std::size_t nf = Plan::fields.size();
  const std::string table(Plan::table);
  const std::size_t before = row_count(store);

  // Preconditions: nothing is appended unless the store and the context fit the row struct.
  if (const problem_report lengths = check_lengths(store); !lengths.ok())
    throw std::invalid_argument("append_rows: the store's columns differ in length (" + lengths.problems.front().to_string() + ")");
  for_each_column(store, [&](std::string_view name, const auto& col) {
    const bool filled = Plan::is_field(name) && !Plan::ignored(name);
    if (filled && before > 0 && col.size() != before)
      throw std::invalid_argument("append_rows: the store already has " + std::to_string(before) + " rows but no values in column '" +
                                  std::string(name) + "', which the row struct fills");
    if (!filled && !col.empty())
      throw std::invalid_argument("append_rows: the store's column '" + std::string(name) +
                                  "' has values but the row struct has no field for it");
  });
  std::vector<attribute_store>* attrs = store_attributes(store);
  if (attrs != nullptr)
    for (const attribute_store& a : *attrs)
      if (!listed(Attrs::names, a.name) && (!a.codes.empty() || !a.numbers.empty()))
        throw std::invalid_argument("append_rows: the store's attribute '" + a.name +
                                    "' has values but attribute_fields<...> does not list it");
  std::array<std::size_t, nf> attr_index{};
  std::array<dictionary*, nf> dicts{};
  for_each_index<nf>([&](auto i) {
    constexpr std::size_t I = decltype(i)::value;
    constexpr std::string_view name = Plan::fields[I];
    using F = inner_t<row_field_t<Row, I>>;
    if constexpr (Plan::template fills_column<I>()) {
      using T = column_value_t<Columns, Plan::column_of(name)>;
      if constexpr (std::same_as<T, dense_id> && string_field<F>) {
        if (ctx.dictionaries == nullptr)
          throw std::invalid_argument("append_rows: field '" + std::string(name) +
                                      "' holds string ids; pass a row_context with dictionaries to encode them");
        dicts[I] = dictionary_for_column(*ctx.dictionaries, name);
      }
      if constexpr (std::same_as<T, stage_index> && string_field<F>)
        if (ctx.stages == nullptr)
          throw std::invalid_argument("append_rows: field '" + std::string(name) +
                                      "' holds stage names; pass a row_context with the stage list");
    } else if constexpr (Plan::template fills_attribute<I>()) {
      constexpr bool categorical = string_field<F>;
      std::size_t k = 0;
      while (k < attrs->size() && (*attrs)[k].name != name) ++k;
      if (k == attrs->size()) {
        if (before > 0)
          throw std::invalid_argument("append_rows: the store already has " + std::to_string(before) +
                                      " rows but no attribute '" + std::string(name) + "'");
        attrs->push_back(attribute_store{std::string(name), categorical, {}, {}, {}});
      } else {
        const attribute_store& a = (*attrs)[k];
        if (a.is_categorical != categorical)
          throw std::invalid_argument("append_rows: the store's attribute '" + std::string(name) + "' is " +
                                      (a.is_categorical ? "categorical" : "numeric") + " but the field holds " +
                                      (categorical ? "strings" : "numbers"));
        if ((categorical ? a.codes.size() : a.numbers.size()) != before)
          throw std::invalid_argument("append_rows: the store's attribute '" + std::string(name) + "' has a different length than the table");
      }
      attr_index[I] = k;
    }
  });

  problem_report report;
  std::string why;
  std::int64_t index = 0;
  for (const auto& row : rows) {
    typename slots<Plan, Row, Columns, std::make_index_sequence<nf>>::type values;
    bool ok = true;
    for_each_index<nf>([&](auto i) {  // convert and check
      constexpr std::size_t I = decltype(i)::value;
      constexpr std::string_view name = Plan::fields[I];
      using F = inner_t<row_field_t<Row, I>>;
      const F* v = present(hana_member<const Row, I>(row));
      if constexpr (Plan::template fills_column<I>()) {
        using T = column_value_t<Columns, Plan::column_of(name)>;
        T& out = std::get<I>(values);
        cell c;
        if (v == nullptr) c = cell::missing;
        else if constexpr (std::same_as<T, dense_id> && string_field<F>) c = as_view(*v).empty() ? cell::missing : cell::ok;
        else c = convert_value<T>(*v, out, why, ctx.stages);
        if (c == cell::bad) {
          report.add({table, index, std::string(name), why});
          ok = false;
        } else if (c == cell::missing) {
          out = missing_value<T>();
          constexpr bool required = listed(Columns::required_columns, name);
          if constexpr (crm_enum<T>) {
            report.add({table, index, std::string(name),
                        required ? "missing value in a required column" : "no value, and this column has no missing value"});
            ok = false;
          } else if constexpr (required && name != "from_stage") {
            report.add({table, index, std::string(name), "missing value in a required column"});
            ok = false;
          }
        }
      } else if constexpr (Plan::template fills_attribute<I>() && !string_field<F>) {
        std::get<I>(values) = v == nullptr ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(*v);
      }
    });
    if (ok) {
      for_each_index<nf>([&](auto i) {  // encode strings, then append
        constexpr std::size_t I = decltype(i)::value;
        constexpr std::string_view name = Plan::fields[I];
        using F = inner_t<row_field_t<Row, I>>;
        const F* v = present(hana_member<const Row, I>(row));
        if constexpr (Plan::template fills_column<I>()) {
          using T = column_value_t<Columns, Plan::column_of(name)>;
          if constexpr (std::same_as<T, dense_id> && string_field<F>)
            if (v != nullptr && !as_view(*v).empty()) std::get<I>(values) = dicts[I]->encode(as_view(*v));
          hana_member<Columns, Plan::column_of(name)>(static_cast<Columns&>(store)).push_back(std::get<I>(values));
        } else if constexpr (Plan::template fills_attribute<I>()) {
          attribute_store& a = (*attrs)[attr_index[I]];
          if constexpr (string_field<F>)
            a.codes.push_back(v == nullptr || as_view(*v).empty() ? no_id : a.labels.encode(as_view(*v)));
          else
            a.numbers.push_back(std::get<I>(values));
        }
      });
    }
    ++index;
  }
  return report;
}

}  // namespace detail::rows

/// Appends one row to `store` per element of `rows` (a range of Hana structs), converting
/// the fields named like columns; returns every conversion problem (see the header comment).
/// `rows` is iterated once (any input range, views included). Throws std::invalid_argument when the store or the context does not fit the row struct.
template <class Attributes = attribute_fields<>, class Ignored = ignored_fields<>, class Store, std::ranges::input_range Rows>
problem_report append_rows(Store& store, Rows&& rows, const row_context& ctx = {}) {
  using Row = std::remove_cvref_t<std::ranges::range_value_t<Rows>>;
  if constexpr (!detail::rows::is_crm_store<Store>) {
    static_assert(detail::rows::is_crm_store<Store>,
                  "append_rows(store, rows): store must be an activity_store, opportunity_store, stage_history_store or lead_store");
    return {};
  } else if constexpr (!boost::hana::Struct<Row>::value) {
    static_assert(boost::hana::Struct<Row>::value,
                  "append_rows(store, rows): the row type must be a Hana Struct; declare it with BOOST_HANA_DEFINE_STRUCT or "
                  "adapt it with BOOST_HANA_ADAPT_STRUCT");
    return {};
  } else {
    using Columns = typename Store::columns_type;
    using Plan = detail::rows::row_plan<Row, Columns, Attributes, Ignored>;
    if constexpr (!Plan::ok) {
      detail::rows::diagnose<Plan, Row, Columns, Attributes, Ignored>();
      return {};
    } else {
      return detail::rows::append_checked<Plan, Row, Columns, Attributes>(store, rows, ctx);
    }
  }
}

/// A new store filled from `rows`; throws input_error with the first problem (its reason says
/// how many more there are) when any value cannot be converted.
template <class Store, class Attributes = attribute_fields<>, class Ignored = ignored_fields<>, std::ranges::input_range Rows>
Store from_rows(Rows&& rows, const row_context& ctx = {}) {
  Store store;
  problem_report report = append_rows<Attributes, Ignored>(store, static_cast<Rows&&>(rows), ctx);
  if (!report.ok()) {
    problem first = report.problems.front();
    if (report.size() > 1) first.reason += " (and " + std::to_string(report.size() - 1) + " more problems)";
    throw input_error(std::move(first));
  }
  return store;
}

SALESMETRICS_END_NAMESPACE
