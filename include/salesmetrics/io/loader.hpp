// salesmetrics/io/loader.hpp: loading CSV/TSV exports into a crm_data through a column mapping.
//
// load_table(text or file, mapping, data, options) appends the file's rows to the mapping's table
// in `data`, encoding every id in the data set's shared dictionaries (schema.hpp: reps are shared
// by activities.rep_id, opportunities.owner_rep_id and leads.owner_rep_id, and so on).
// Values (values.hpp for the text forms; an empty field is missing):
//   timestamp       parse_timestamp; missing = no_time
//   dense id        any non-empty text, dictionary-encoded; missing = no_id
//   stage           a name of the data set's stage list (stage_list::find); from_stage missing =
//                   no_stage (the creation row); unknown names are row errors
//   enums           the core parse_* functions (canonical names and CRM spellings); these columns
//                   have no missing value: an empty field is a row error unless the rule has a default
//   duration_min    a number >= 0 (after scale); missing = NaN; negative = row error
//   probability     a number in 0..1 after scale; missing = NaN
//   amount          parse_money, >= 0 (negative = row error); missing = money::missing()
//   our_attendees   an integer 0..255; missing = 0 (unknown)
//   attributes      categorical: text encoded in the attribute's own dictionary (missing = no_id);
//                   numeric: a number times scale (missing = NaN)
// Unique ids: activities.activity_id, opportunities.opportunity_id and leads.lead_id may not repeat
// (within the file or with rows already in the table).
// Counting (nothing is dropped silently): records = the file's data records (a header is not one,
// blank lines are counted apart in blank_lines) = loaded + rejected + skipped, where skipped counts
// rows removed by an explicit mapping rule (skip lists, same-stage snapshots) per rule in `skips`.
// Modes: strict (default) throws input_error for the first bad row (file line, column, reason) and
// leaves the table as it was (dictionaries may keep names added by earlier rows of that file);
// lenient loads the good rows and returns one problem per rejected row (the first problem found,
// in table column order). File-level errors (no header line, a missing column, a bad join file,
// a mapping that does not fit) throw in both modes.
// Appending to a table that already has rows: an optional column present on one side only is
// padded with its missing value; a column without a missing value (the enums) must be on both sides.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/io/csv_reader.hpp>
#include <salesmetrics/io/mapping.hpp>
#include <salesmetrics/io/schema.hpp>
#include <salesmetrics/io/values.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <boost/hana/accessors.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/second.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace io {

struct load_options {
  bool strict = true;
  std::filesystem::path base_dir;  // where join files are looked up; empty = the data file's directory
};

struct join_stats {
  std::string name;
  std::int64_t matched = 0, unmatched = 0, empty_key = 0;
};

struct skip_count {
  std::string rule;
  std::int64_t rows = 0;
};

struct load_result {
  std::string file;
  table_kind table = table_kind::activities;
  std::int64_t records = 0, loaded = 0, rejected = 0, skipped = 0, blank_lines = 0;
  problem_report problems;
  std::vector<join_stats> joins;
  std::vector<skip_count> skips;

  /// loaded + rejected + skipped == records: every data record is accounted for.
  [[nodiscard]] bool balanced() const noexcept { return loaded + rejected + skipped == records; }
};

namespace detail {

template <class T>
using cell = std::conditional_t<std::is_same_v<T, dense_id>, std::string_view, T>;

template <class Store> struct row_of;
template <> struct row_of<activity_store> { using type = activity_columns<cell>; };
template <> struct row_of<opportunity_store> { using type = opportunity_columns<cell>; };
template <> struct row_of<stage_history_store> { using type = stage_history_columns<cell>; };
template <> struct row_of<lead_store> { using type = lead_columns<cell>; };

template <class T>
inline constexpr bool has_missing_v = std::is_same_v<T, timestamp> || std::is_same_v<T, std::string_view> ||
                                      std::is_same_v<T, float> || std::is_same_v<T, money> ||
                                      std::is_same_v<T, stage_index> || std::is_same_v<T, std::uint8_t>;

template <class T>
[[nodiscard]] constexpr T missing_value() noexcept {
  if constexpr (std::is_same_v<T, timestamp>) return no_time;
  else if constexpr (std::is_same_v<T, float>) return std::numeric_limits<float>::quiet_NaN();
  else if constexpr (std::is_same_v<T, money>) return money::missing();
  else if constexpr (std::is_same_v<T, stage_index>) return no_stage;
  else if constexpr (std::is_same_v<T, dense_id>) return no_id;
  else return T{};
}

/// Calls f(index constant, a's column, b's column) for the i-th columns of two tables declared
/// from the same column template.
template <class A, class B, class F>
void for_each_column_pair(A& a, B& b, F&& f) {
  using ac = typename std::remove_const_t<A>::columns_type;
  using bc = typename std::remove_const_t<B>::columns_type;
  auto aacc = boost::hana::accessors<ac>();
  auto bacc = boost::hana::accessors<bc>();
  boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::length(aacc)), [&](auto i) {
    f(i, boost::hana::second(aacc[i])(static_cast<std::conditional_t<std::is_const_v<A>, const ac&, ac&>>(a)),
      boost::hana::second(bacc[i])(static_cast<std::conditional_t<std::is_const_v<B>, const bc&, bc&>>(b)));
  });
}

/// Lower-cases ASCII and drops ' ', '_' and '-' (the core fold_code, into a reused buffer).
inline void fold_into(std::string& out, std::string_view s) {
  out.clear();
  for (char c : s) {
    if (c == ' ' || c == '_' || c == '-') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
}
[[nodiscard]] inline std::string folded(std::string_view s) {
  std::string out;
  fold_into(out, s);
  return out;
}

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using string_map = std::unordered_map<std::string, std::string, string_hash, std::equal_to<>>;

struct source_ref {
  int join = -1;  // -1: the main file
  std::size_t field = 0;
};

/// A joined file held in memory, indexed by its key column.
struct side_table {
  std::string name, file;
  std::vector<std::string> columns;
  std::vector<std::string> cells;  // row-major
  std::unordered_map<std::string, std::size_t, string_hash, std::equal_to<>> index;
  source_ref on;
  std::string on_label;
  std::string key_column;
  string_map key_map;
  bool required = true;

  [[nodiscard]] std::string_view cell(std::size_t row, std::size_t col) const noexcept {
    return cells[row * columns.size() + col];
  }
};

struct bound_rule {
  bool present = false;
  bool required = false;
  std::string target;  // canonical table column (or attribute name)
  std::string label;   // file column named in messages
  std::vector<source_ref> sources;
  std::vector<std::string> source_labels;
  std::optional<std::string> constant;
  std::string prefix;
  bool has_only_if = false;
  source_ref only_if;
  std::vector<std::string> only_if_values;  // folded
  std::vector<std::string> skip;            // folded
  string_map map;                           // folded key -> value
  std::optional<std::string> wildcard;
  std::optional<std::string> default_value;
  derive_rule derive = derive_rule::none;
  double scale = 1.0;
  bool missing_ok = false;
  bool when_closed = false;
  bool numeric = false;  // attributes
  dictionary* dict = nullptr;
  std::int64_t skipped = 0;
};

inline std::string in_quotes(std::string_view v) { return "'" + std::string(v) + "'"; }

template <class E> inline constexpr std::string_view enum_label = "";
template <> inline constexpr std::string_view enum_label<activity_type> = "activity type";
template <> inline constexpr std::string_view enum_label<direction> = "direction";
template <> inline constexpr std::string_view enum_label<activity_status> = "activity status";
template <> inline constexpr std::string_view enum_label<deal_status> = "deal status";
template <> inline constexpr std::string_view enum_label<forecast_category> = "forecast category";
template <> inline constexpr std::string_view enum_label<lead_status> = "lead status";

template <class E>
[[nodiscard]] std::optional<E> parse_enum(std::string_view s) {
  for (std::size_t i = 0; i < enum_count<E>; ++i)  // fast path: the canonical spelling
    if (to_string(static_cast<E>(i)) == s) return static_cast<E>(i);
  if constexpr (std::is_same_v<E, activity_type>) return parse_activity_type(s);
  else if constexpr (std::is_same_v<E, direction>) return parse_direction(s);
  else if constexpr (std::is_same_v<E, activity_status>) return parse_activity_status(s);
  else if constexpr (std::is_same_v<E, deal_status>) return parse_deal_status(s);
  else if constexpr (std::is_same_v<E, forecast_category>) return parse_forecast_category(s);
  else return parse_lead_status(s);
}

template <class T>
inline constexpr bool is_enum_column_v = std::is_same_v<T, activity_type> || std::is_same_v<T, direction> ||
                                         std::is_same_v<T, activity_status> || std::is_same_v<T, deal_status> ||
                                         std::is_same_v<T, forecast_category> || std::is_same_v<T, lead_status>;

template <class Store>
class table_loader {
  using row_type = typename row_of<Store>::type;

 public:
  table_loader(const table_mapping& m, crm_data& data, const load_options& opt, std::string name)
      : m_(m), data_(data), opt_(opt), store_(table_store(data)) {
    result_.file = std::move(name);
    result_.table = m.table;
  }

  load_result run(std::string_view text) {
    csv_reader reader(text, m_.format.csv);
    csv_record rec;
    if (m_.format.header) {
      if (!reader.next(rec)) throw input_error(problem{result_.file, -1, {}, "empty file: no header line", -1});
      if (!rec.ok())
        throw input_error(problem{result_.file, -1, {}, "header: " + rec.error_message(), rec.line()});
      for (std::size_t i = 0; i < rec.size(); ++i) header_.emplace_back(rec[i]);
    } else {
      header_ = m_.format.columns;
    }
    bind();
    run_rows(reader, rec);
    result_.blank_lines = reader.blank_lines();
    return std::move(result_);
  }

 private:
  static Store& table_store(crm_data& d) {
    if constexpr (std::is_same_v<Store, activity_store>) return d.activities;
    else if constexpr (std::is_same_v<Store, opportunity_store>) return d.opportunities;
    else if constexpr (std::is_same_v<Store, stage_history_store>) return d.stage_history;
    else return d.leads;
  }
  static constexpr bool with_attributes = std::is_same_v<Store, opportunity_store> || std::is_same_v<Store, lead_store>;

  [[noreturn]] void header_error(const std::string& column, const std::string& reason) const {
    throw input_error(problem{result_.file, -1, column, reason, m_.format.header ? 1 : -1});
  }

  // ---- binding the mapping to the header -------------------------------------------------
  [[nodiscard]] std::optional<std::size_t> header_index(std::string_view name) const {
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < header_.size(); ++i)
      if (header_[i] == name) {
        if (found) header_error(std::string(name), "the header has this column twice");
        found = i;
      }
    return found;
  }

  /// A main column, or "JOIN.column" of one of the first `joins` joins.
  [[nodiscard]] std::optional<source_ref> resolve(std::string_view name, std::size_t joins) const {
    if (auto i = header_index(name)) return source_ref{-1, *i};
    const auto dot = name.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    for (std::size_t j = 0; j < joins && j < sides_.size(); ++j) {
      if (sides_[j].name != name.substr(0, dot)) continue;
      const auto col = name.substr(dot + 1);
      for (std::size_t c = 0; c < sides_[j].columns.size(); ++c)
        if (sides_[j].columns[c] == col) return source_ref{static_cast<int>(j), c};
    }
    return std::nullopt;
  }

  [[nodiscard]] std::string header_list() const {
    std::string s;
    for (const auto& h : header_) s += (s.empty() ? "" : ", ") + h;
    return s;
  }

  void load_join(const join_spec& js) {
    side_table side;
    side.name = js.name;
    side.file = js.file;
    side.required = js.required;
    for (const auto& [k, v] : js.key_map) side.key_map.emplace(k, v);
    const auto on = resolve(js.on, sides_.size());
    if (!on)
      header_error(js.on, "join '" + js.name + "' takes its key from this column, which is not in the header (columns: " +
                              header_list() + ")");
    side.on = *on;
    side.on_label = js.on;
    side.key_column = js.key;
    const std::filesystem::path base = opt_.base_dir;
    const std::string text = read_text_file(base / js.file);
    csv_reader reader(text, js.format.csv);
    csv_record rec;
    const std::string fname = std::filesystem::path(js.file).filename().string();
    if (js.format.header) {
      if (!reader.next(rec)) throw input_error(problem{fname, -1, {}, "empty file: no header line", -1});
      for (std::size_t i = 0; i < rec.size(); ++i) side.columns.emplace_back(rec[i]);
    } else {
      side.columns = js.format.columns;
    }
    const auto key_it = std::find(side.columns.begin(), side.columns.end(), js.key);
    if (key_it == side.columns.end())
      throw input_error(problem{fname, -1, js.key, "join key column is not in the file", js.format.header ? 1 : -1});
    const auto key_col = static_cast<std::size_t>(key_it - side.columns.begin());
    std::vector<std::int64_t> lines;
    std::int64_t row = -1;
    while (reader.next(rec)) {
      ++row;
      if (!rec.ok())
        throw input_error(problem{fname, row, rec.error_field() < side.columns.size() ? side.columns[rec.error_field()] : "",
                                  rec.error_message(), rec.line()});
      if (rec.size() != side.columns.size())
        throw input_error(problem{fname, row, {},
                                  "expected " + std::to_string(side.columns.size()) + " fields, found " +
                                      std::to_string(rec.size()),
                                  rec.line()});
      const std::string key(rec[key_col]);
      const std::size_t r = lines.size();
      if (!key.empty()) {
        auto [it, fresh] = side.index.emplace(key, r);
        if (!fresh)
          throw input_error(problem{fname, row, js.key,
                                    "duplicate join key " + in_quotes(key) + " (first at line " +
                                        std::to_string(lines[it->second]) + ")",
                                    rec.line()});
      }
      lines.push_back(rec.line());
      for (std::size_t i = 0; i < rec.size(); ++i) side.cells.emplace_back(rec[i]);
    }
    result_.joins.push_back(join_stats{js.name, 0, 0, 0});
    sides_.push_back(std::move(side));
  }

  /// Fills a bound rule from a mapping rule; false when the rule is optional and its sources absent.
  bool bind_rule(bound_rule& b, const value_rule& r, const std::string& target, bool required) {
    b.target = target;
    b.required = required;
    b.constant = r.constant;
    b.prefix = r.prefix;
    b.default_value = r.default_value;
    b.derive = r.derive;
    b.scale = r.scale;
    b.missing_ok = r.missing_ok;
    b.when_closed = r.when_closed;
    for (const auto& s : r.skip) b.skip.push_back(folded(s));
    for (const auto& [k, v] : r.map) {
      if (k == "*") b.wildcard = v;
      else b.map.emplace(folded(k), v);
    }
    std::vector<std::string> absent;
    for (const auto& s : r.sources) {
      if (auto ref = resolve(s, sides_.size())) {
        b.sources.push_back(*ref);
        b.source_labels.push_back(s);
      } else {
        absent.push_back(s);
      }
    }
    if (!r.only_if_column.empty()) {
      if (auto ref = resolve(r.only_if_column, sides_.size())) {
        b.has_only_if = true;
        b.only_if = *ref;
        for (const auto& v : r.only_if_values) b.only_if_values.push_back(folded(v));
      } else {
        absent.push_back(r.only_if_column);
      }
    }
    b.label = !r.sources.empty() ? r.sources.front() : target;
    if (!absent.empty()) {
      if (!r.optional)
        header_error(absent.front(), "missing from the header (needed for " + target + "; columns: " + header_list() + ")");
      const bool usable = !b.sources.empty() && (r.only_if_column.empty() || b.has_only_if) &&
                          b.derive != derive_rule::status_from_closed_won;
      if (!usable) {  // optional rule whose columns are absent: its default for every row, or not loaded
        b.sources.clear();
        b.source_labels.clear();
        b.has_only_if = false;
        if (!r.default_value) return false;
        b.constant = r.default_value;
        b.derive = derive_rule::none;
      }
    }
    if (!b.sources.empty()) b.label = b.source_labels.front();
    b.present = true;
    return true;
  }

  void bind() {
    if (opt_.base_dir.empty()) opt_.base_dir = std::filesystem::current_path();
    for (const auto& js : m_.joins) load_join(js);
    // stage list
    if constexpr (std::is_same_v<Store, opportunity_store> || std::is_same_v<Store, stage_history_store>) {
      if (m_.stages) {
        if (data_.stages.size() == 0) data_.stages = *m_.stages;
        else if (!(data_.stages == *m_.stages))
          throw std::invalid_argument("mapping " + m_.name + ": its stage list differs from the data set's stage list");
      }
      if (data_.stages.size() == 0)
        throw std::invalid_argument("load " + result_.file + ": no stage list (give \"stages\" in the mapping or set crm_data::stages)");
    }
    n0_ = row_count(store_);
    std::size_t i = 0;
    salesmetrics::detail::for_each_column(store_, [&](std::string_view member, auto& col) {
      using T = typename std::remove_reference_t<decltype(col)>::value_type;
      bound_rule& b = plan_[i++];
      const std::string target(canonical_name(member));
      const bool required = is_required_column(m_.table, target);
      const value_rule* r = m_.rule(target);
      value_rule canonical;
      if (!r && m_.canonical_names && header_index(target)) {
        canonical.sources.push_back(target);
        r = &canonical;
      }
      if (r) bind_rule(b, *r, target, required);
      if (!b.present && required)
        header_error(target, "missing from the header (needed for " + target + "; columns: " + header_list() + ")");
      b.dict = dictionary_for(data_.dictionaries, member);
      if (member == "from_stage") b.missing_ok = true;  // no from stage = the creation row
      if constexpr (!has_missing_v<cell<T>>)
        if (b.present && b.missing_ok && !b.default_value)
          throw std::invalid_argument("mapping " + m_.name + ": " + target + " has no missing value, so missing_ok needs a default");
      if constexpr (std::is_same_v<T, money>)
        if (b.present && b.scale != 1.0) throw std::invalid_argument("mapping " + m_.name + ": " + target + ": scale is not allowed for amounts");
      // appending: presence must agree for columns without a missing value
      if (n0_ > 0 && !required && b.present != !col.empty()) {
        if constexpr (!has_missing_v<cell<T>>)
          throw std::invalid_argument("load " + result_.file + ": column " + target +
                                      " is present on one side only of an append and has no missing value");
      }
      if (member == unique_member()) unique_ = i - 1;
    });
    if constexpr (with_attributes) bind_attributes();
    // seen ids for the uniqueness check
    if (unique_ != npos && plan_[unique_].present) {
      salesmetrics::detail::for_each_column(store_, [&](std::string_view member, auto& col) {
        using T = typename std::remove_reference_t<decltype(col)>::value_type;
        if constexpr (std::is_same_v<T, dense_id>)
          if (member == unique_member())
            for (dense_id id : col)
              if (id >= 0) mark_seen(id, 0);
      });
    }
  }

  void bind_attributes() {
    std::vector<attribute_rule> rules = m_.attributes;
    if (m_.canonical_names)
      for (const auto& h : header_) {
        const bool cat = h.starts_with(categorical_attribute_prefix), num = h.starts_with(numeric_attribute_prefix);
        if (!cat && !num) continue;
        const std::string name = h.substr(cat ? categorical_attribute_prefix.size() : numeric_attribute_prefix.size());
        if (std::any_of(rules.begin(), rules.end(), [&](const attribute_rule& a) { return a.name == name; })) continue;
        attribute_rule a;
        a.name = name;
        a.numeric = num;
        a.rule.sources.push_back(h);
        rules.push_back(std::move(a));
      }
    for (const auto& a : rules) {
      bound_rule b;
      if (!bind_rule(b, a.rule, a.name, false)) continue;
      b.numeric = a.numeric;
      attribute_store& s = store_.attribute(a.name);
      if (s.codes.empty() && s.numbers.empty() && s.labels.empty()) s.is_categorical = !a.numeric;
      if (s.is_categorical == a.numeric)
        throw std::invalid_argument("load " + result_.file + ": attribute " + a.name + " is " +
                                    (s.is_categorical ? "categorical" : "numeric") + " in the table");
      attr_index_.push_back(static_cast<std::size_t>(&s - store_.attributes.data()));
      attr_rules_.push_back(std::move(b));
      attr_names_.push_back(a.name);
    }
    attr_text_.resize(attr_rules_.size());
    attr_num_.resize(attr_rules_.size());
  }

  static constexpr std::string_view unique_member() noexcept {
    if constexpr (std::is_same_v<Store, activity_store>) return "activity_id";
    else if constexpr (std::is_same_v<Store, opportunity_store>) return "opportunity_id";
    else if constexpr (std::is_same_v<Store, lead_store>) return "lead_id";
    else return "";
  }

  void mark_seen(dense_id id, std::int64_t line) {
    if (static_cast<std::size_t>(id) >= seen_.size()) seen_.resize(static_cast<std::size_t>(id) + 1, -1);
    seen_[static_cast<std::size_t>(id)] = line;
  }

  // ---- rows ---------------------------------------------------------------------------------
  [[nodiscard]] std::string_view get(const csv_record& rec, source_ref s) const noexcept {
    if (s.join < 0) return rec[s.field];
    const std::int64_t r = join_rows_[static_cast<std::size_t>(s.join)];
    return r < 0 ? std::string_view{} : sides_[static_cast<std::size_t>(s.join)].cell(static_cast<std::size_t>(r), s.field);
  }

  /// The text value of a rule for this row (steps 1-4 of mapping.hpp); sets skip_ when a skip
  /// list matches.
  std::string_view fetch(bound_rule& b, const csv_record& rec) {
    std::string_view t;
    if (b.constant) {
      t = *b.constant;
    } else {
      if (b.has_only_if) {
        fold_into(fold_, get(rec, b.only_if));
        if (std::find(b.only_if_values.begin(), b.only_if_values.end(), fold_) == b.only_if_values.end()) return fallback(b);
      }
      for (const auto& s : b.sources) {
        t = get(rec, s);
        if (!b.prefix.empty() && !t.starts_with(b.prefix)) t = {};
        if (!t.empty()) break;
      }
    }
    if (!t.empty() && (!b.skip.empty() || !b.map.empty() || b.wildcard)) {
      fold_into(fold_, t);
      if (std::find(b.skip.begin(), b.skip.end(), fold_) != b.skip.end()) {
        skip_rule_ = &b;
        return t;
      }
      if (auto it = b.map.find(fold_); it != b.map.end()) t = it->second;
      else if (b.wildcard) t = *b.wildcard;
    }
    if (t.empty()) return fallback(b);
    return t;
  }
  static std::string_view fallback(const bound_rule& b) noexcept {
    return b.default_value ? std::string_view(*b.default_value) : std::string_view{};
  }

  void fail(const bound_rule& b, std::string reason) {
    if (bad_) return;
    bad_ = true;
    bad_column_ = b.label;
    if (b.label != b.target) reason += " (mapped to " + b.target + ")";
    bad_reason_ = std::move(reason);
  }

  template <class T>
  void convert(bound_rule& b, const csv_record& rec, std::string_view member, T& out) {
    if constexpr (std::is_same_v<T, deal_status>) {
      if (b.derive == derive_rule::status_from_closed_won) {
        const auto closed = parse_bool(get(rec, b.sources[0]));
        const auto won = parse_bool(get(rec, b.sources[1]));
        if (!closed) {
          bad_column_override(b, 0, "not a boolean: " + in_quotes(get(rec, b.sources[0])));
          return;
        }
        if (*closed && !won) {
          bad_column_override(b, 1, "not a boolean: " + in_quotes(get(rec, b.sources[1])));
          return;
        }
        out = !*closed ? deal_status::open : *won ? deal_status::won : deal_status::lost;
        return;
      }
    }
    const std::string_view text = fetch(b, rec);
    if (skip_rule_) return;
    if (text.empty()) {
      if constexpr (has_missing_v<T>) {
        if (b.required && !b.missing_ok) fail(b, "required value is missing");
        else out = missing_value<T>();
      } else {
        fail(b, "missing value (this column has no missing value; give a default in the mapping)");
      }
      return;
    }
    if constexpr (std::is_same_v<T, timestamp>) {
      if (auto t = parse_timestamp(text)) out = *t;
      else fail(b, "not a date or date-time: " + in_quotes(text));
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      out = text;
    } else if constexpr (std::is_same_v<T, stage_index>) {
      if (auto s = data_.stages.find(text)) out = *s;
      else fail(b, unknown_stage(text));
    } else if constexpr (std::is_same_v<T, deal_status>) {
      if (b.derive == derive_rule::status_from_stage) {
        const auto s = data_.stages.find(text);
        if (!s) fail(b, unknown_stage(text));
        else out = *s == data_.stages.won() ? deal_status::won : *s == data_.stages.lost() ? deal_status::lost : deal_status::open;
      } else if (auto e = parse_enum<T>(text)) {
        out = *e;
      } else {
        fail(b, "unknown " + std::string(enum_label<T>) + " " + in_quotes(text));
      }
    } else if constexpr (is_enum_column_v<T>) {
      if (auto e = parse_enum<T>(text)) out = *e;
      else fail(b, "unknown " + std::string(enum_label<T>) + " " + in_quotes(text));
    } else if constexpr (std::is_same_v<T, float>) {
      const auto v = parse_double(text);
      if (!v) return fail(b, "not a number: " + in_quotes(text));
      const double x = *v * b.scale;
      if (member == "duration_min" && x < 0) return fail(b, "negative duration " + in_quotes(text));
      if (member == "probability" && !(x >= 0 && x <= 1))
        return fail(b, "probability " + in_quotes(text) + " is outside 0..1" +
                           (b.scale != 1.0 ? " after scaling by " + format_double(b.scale) : std::string()));
      out = static_cast<float>(x);
    } else if constexpr (std::is_same_v<T, money>) {
      const auto v = parse_money(text);
      if (!v) return fail(b, "not an amount: " + in_quotes(text));
      if (v->cents < 0) return fail(b, "negative amount " + in_quotes(text));
      out = *v;
    } else if constexpr (std::is_same_v<T, std::uint8_t>) {
      const auto v = parse_int64(text);
      if (!v || *v < 0 || *v > 255) return fail(b, "not a count 0..255: " + in_quotes(text));
      out = static_cast<std::uint8_t>(*v);
    } else {
      static_assert(std::is_same_v<T, void>, "io::table_loader: no conversion for this column type");
    }
  }

  void bad_column_override(const bound_rule& b, std::size_t source, std::string reason) {
    if (bad_) return;
    bad_ = true;
    bad_column_ = b.source_labels[source];
    bad_reason_ = std::move(reason) + " (mapped to " + b.target + ")";
  }

  [[nodiscard]] std::string unknown_stage(std::string_view text) const {
    std::string list;
    for (const auto& n : data_.stages.names()) list += (list.empty() ? "" : ", ") + n;
    return "unknown stage " + in_quotes(text) + " (stages: " + list + ")";
  }

  void reject(const csv_record& rec, std::int64_t row, std::string column, std::string reason) {
    ++result_.rejected;
    problem p{result_.file, row, std::move(column), std::move(reason), rec.line()};
    if (opt_.strict) {
      rollback();
      throw input_error(std::move(p));
    }
    result_.problems.add(std::move(p));
  }

  void rollback() {
    salesmetrics::detail::for_each_column(store_, [&](std::string_view, auto& col) {
      if (col.size() > n0_) col.resize(n0_);
    });
    if constexpr (with_attributes)
      for (auto& a : store_.attributes) {
        if (a.codes.size() > n0_) a.codes.resize(n0_);
        if (a.numbers.size() > n0_) a.numbers.resize(n0_);
      }
  }

  void run_rows(csv_reader& reader, csv_record& rec) {
    join_rows_.assign(sides_.size(), -1);
    std::int64_t row = -1;
    while (reader.next(rec)) {
      ++row;
      ++result_.records;
      if (!rec.ok()) {
        const std::size_t f = rec.error_field();
        reject(rec, row, f < header_.size() ? header_[f] : "field " + std::to_string(f + 1), rec.error_message());
        continue;
      }
      if (rec.size() != header_.size()) {
        reject(rec, row, {},
               "expected " + std::to_string(header_.size()) + " fields, found " + std::to_string(rec.size()));
        continue;
      }
      bad_ = false;
      skip_rule_ = nullptr;
      if (!match_joins(rec)) {
        reject(rec, row, bad_column_, bad_reason_);
        continue;
      }
      row_type cells{};
      std::size_t i = 0;
      salesmetrics::detail::for_each_column(cells, [&](std::string_view member, auto& v) {
        bound_rule& b = plan_[i++];
        if (!b.present || bad_ || skip_rule_) return;
        convert(b, rec, member, v);
      });
      if constexpr (with_attributes)
        for (std::size_t a = 0; a < attr_rules_.size() && !bad_ && !skip_rule_; ++a) convert_attribute(a, rec);
      if (skip_rule_) {
        ++result_.skipped;
        ++skip_rule_->skipped;
        continue;
      }
      if (!bad_ && unique_ != npos && plan_[unique_].present) check_unique(cells);
      if (bad_) {
        reject(rec, row, bad_column_, bad_reason_);
        continue;
      }
      if constexpr (std::is_same_v<Store, opportunity_store>) apply_when_closed(cells);
      commit(cells, rec);
      ++result_.loaded;
    }
    finish();
  }

  bool match_joins(const csv_record& rec) {
    for (std::size_t j = 0; j < sides_.size(); ++j) {
      side_table& s = sides_[j];
      join_stats& st = result_.joins[j];
      std::string_view key = get(rec, s.on);
      join_rows_[j] = -1;
      if (key.empty()) {
        ++st.empty_key;
        continue;
      }
      if (auto it = s.key_map.find(key); it != s.key_map.end()) key = it->second;
      if (auto it = s.index.find(key); it != s.index.end()) {
        join_rows_[j] = static_cast<std::int64_t>(it->second);
        ++st.matched;
      } else if (s.required) {
        bad_ = true;
        bad_column_ = s.on_label;
        bad_reason_ = "no row with " + s.key_column + " = " + in_quotes(key) + " in " + s.file + " (join '" + s.name + "')";
        return false;
      } else {
        ++st.unmatched;
      }
    }
    return true;
  }

  void convert_attribute(std::size_t a, const csv_record& rec) {
    bound_rule& b = attr_rules_[a];
    const std::string_view text = fetch(b, rec);
    if (skip_rule_) return;
    if (!b.numeric) {
      attr_text_[a] = text;
      return;
    }
    if (text.empty()) {
      attr_num_[a] = std::numeric_limits<double>::quiet_NaN();
      return;
    }
    const auto v = parse_double(text);
    if (!v) return fail(b, "not a number: " + in_quotes(text));
    attr_num_[a] = *v * b.scale;
  }

  void check_unique(row_type& cells) {
    std::size_t i = 0;
    salesmetrics::detail::for_each_column(cells, [&](std::string_view, auto& v) {
      const std::size_t k = i++;
      if constexpr (std::is_same_v<std::remove_reference_t<decltype(v)>, std::string_view>) {
        if (k != unique_ || v.empty()) return;
        const auto id = plan_[k].dict->find(v);
        if (!id || static_cast<std::size_t>(*id) >= seen_.size() || seen_[static_cast<std::size_t>(*id)] < 0) return;
        const std::int64_t first = seen_[static_cast<std::size_t>(*id)];
        fail(plan_[k], "duplicate " + plan_[k].target + " " + in_quotes(v) +
                           (first > 0 ? " (first at line " + std::to_string(first) + ")" : " (already in the table)"));
      }
    });
  }

  void apply_when_closed(row_type& cells) {
    if constexpr (std::is_same_v<Store, opportunity_store>) {
      const bool open = cells.status == deal_status::open;
      std::size_t i = 0;
      salesmetrics::detail::for_each_column(cells, [&](std::string_view, auto& v) {
        using T = std::remove_reference_t<decltype(v)>;
        const bound_rule& b = plan_[i++];
        if constexpr (has_missing_v<T>)
          if (b.present && b.when_closed && open) v = missing_value<T>();
      });
    }
  }

  void commit(row_type& cells, const csv_record& rec) {
    for_each_column_pair(cells, store_, [&](auto idx, auto& v, auto& col) {
      constexpr std::size_t k = decltype(idx)::value;
      const bound_rule& b = plan_[k];
      if (!b.present) return;
      using T = typename std::remove_reference_t<decltype(col)>::value_type;
      if constexpr (std::is_same_v<T, dense_id>) {
        const dense_id id = v.empty() ? no_id : b.dict->encode(v);
        col.push_back(id);
        if (k == unique_ && id >= 0) mark_seen(id, rec.line());
      } else {
        col.push_back(v);
      }
    });
    if constexpr (with_attributes)
      for (std::size_t a = 0; a < attr_rules_.size(); ++a) {
        attribute_store& s = store_.attributes[attr_index_[a]];
        if (attr_rules_[a].numeric) s.numbers.push_back(attr_num_[a]);
        else s.codes.push_back(attr_text_[a].empty() ? no_id : s.labels.encode(attr_text_[a]));
      }
  }

  /// Pads columns present on one side of an append; derives from_stage from snapshots.
  void finish() {
    if constexpr (std::is_same_v<Store, stage_history_store>)
      if (plan_[2].present && plan_[2].derive == derive_rule::previous_stage) derive_previous_stage();
    const std::size_t total = row_count(store_);
    std::size_t i = 0;
    salesmetrics::detail::for_each_column(store_, [&](std::string_view, auto& col) {
      using T = typename std::remove_reference_t<decltype(col)>::value_type;
      const bool loaded_now = plan_[i++].present;
      if constexpr (has_missing_v<cell<T>>) pad(col, total, missing_value<T>(), loaded_now);
    });
    if constexpr (with_attributes)
      for (auto& a : store_.attributes) {
        const bool loaded_now = std::find(attr_names_.begin(), attr_names_.end(), a.name) != attr_names_.end();
        if (a.is_categorical) pad(a.codes, total, no_id, loaded_now);
        else pad(a.numbers, total, std::numeric_limits<double>::quiet_NaN(), loaded_now);
      }
    for (const auto& b : plan_)
      if (b.skipped > 0)
        result_.skips.push_back({"skip list of " + b.target + " (file column '" + b.label + "')", b.skipped});
    for (const auto& b : attr_rules_)
      if (b.skipped > 0)
        result_.skips.push_back({"skip list of attribute " + b.target + " (file column '" + b.label + "')", b.skipped});
  }

  template <class Vec, class V>
  void pad(Vec& col, std::size_t total, V missing, bool loaded_now) {
    const std::size_t s = col.size();
    if (s == 0 || s == total) return;
    if (loaded_now) col.insert(col.begin(), total - s, missing);  // absent before this file
    else col.resize(total, missing);                              // absent from this file
  }

  void derive_previous_stage() {
    if constexpr (std::is_same_v<Store, stage_history_store>) {
      auto& h = store_;
      const std::size_t n = h.opportunity_id.size();
      std::vector<std::size_t> order(n - n0_);
      std::iota(order.begin(), order.end(), n0_);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (h.opportunity_id[a] != h.opportunity_id[b]) return h.opportunity_id[a] < h.opportunity_id[b];
        return h.ts[a] < h.ts[b];
      });
      std::vector<std::size_t> keep;
      keep.reserve(order.size());
      std::vector<stage_index> from;
      from.reserve(order.size());
      std::int64_t merged = 0;
      for (std::size_t k = 0; k < order.size(); ++k) {
        const std::size_t r = order[k];
        const bool first = keep.empty() || h.opportunity_id[keep.back()] != h.opportunity_id[r];
        if (!first && h.to_stage[keep.back()] == h.to_stage[r] && !m_.keep_same_stage) {
          ++merged;
          continue;
        }
        from.push_back(first ? no_stage : h.to_stage[keep.back()]);
        keep.push_back(r);
      }
      salesmetrics::detail::for_each_column(h, [&](std::string_view, auto& col) {
        if (col.size() != n) return;
        auto copy = col;
        col.resize(n0_);
        for (std::size_t r : keep) col.push_back(copy[r]);
      });
      for (std::size_t k = 0; k < keep.size(); ++k) h.from_stage[n0_ + k] = from[k];
      if (merged > 0) {
        result_.loaded -= merged;
        result_.skipped += merged;
        result_.skips.push_back({"snapshot with the same stage as the previous one (keep_same_stage is off)", merged});
      }
    }
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr std::size_t column_count =
      decltype(boost::hana::length(boost::hana::accessors<typename Store::columns_type>()))::value;

  const table_mapping& m_;
  crm_data& data_;
  load_options opt_;
  Store& store_;
  load_result result_;
  std::vector<std::string> header_;
  std::vector<side_table> sides_;
  std::vector<std::int64_t> join_rows_;
  std::array<bound_rule, column_count> plan_{};
  std::vector<bound_rule> attr_rules_;
  std::vector<std::string> attr_names_;
  std::vector<std::size_t> attr_index_;
  std::vector<std::string_view> attr_text_;
  std::vector<double> attr_num_;
  std::vector<std::int64_t> seen_;
  std::size_t unique_ = npos;
  std::size_t n0_ = 0;
  std::string fold_;
  bool bad_ = false;
  bound_rule* skip_rule_ = nullptr;
  std::string bad_column_, bad_reason_;
};

}  // namespace detail

// load_table and the functions calling it are templates only so that the four table loaders
// (detail::table_loader) are instantiated in the translation units that load a table, not in every
// one that includes this header. Data is always crm_data (std::type_identity_t: not deduced).

/// Loads CSV text (named `name` in problems) into the mapping's table of `data`.
template <class Data = crm_data>
load_result load_table(std::string_view text, const table_mapping& mapping, std::type_identity_t<Data>& data,
                       const load_options& options = {}, std::string name = "(text)") {
  return visit_table(mapping.table, [&](auto* tag) {
    using store = std::remove_pointer_t<decltype(tag)>;
    detail::table_loader<store> loader(mapping, data, options, std::move(name));
    return loader.run(text);
  });
}

/// Loads a file; problems name the file, joins are looked up next to it unless options.base_dir says otherwise.
template <class Data = crm_data>
load_result load_file(const std::filesystem::path& path, const table_mapping& mapping, std::type_identity_t<Data>& data,
                      load_options options = {}) {
  const std::string text = read_text_file(path);
  if (options.base_dir.empty()) options.base_dir = path.has_parent_path() ? path.parent_path() : std::filesystem::current_path();
  return load_table<Data>(text, mapping, data, options, path.filename().string());
}

namespace detail {
inline const table_mapping& expect_table(const table_mapping& m, table_kind t) {
  if (m.table != t)
    throw std::invalid_argument("mapping " + m.name + " is for " + std::string(to_string(m.table)) + ", not " +
                                std::string(to_string(t)));
  return m;
}
}  // namespace detail

template <class Data = crm_data>
load_result load_activities(const std::filesystem::path& path, std::type_identity_t<Data>& data,
                            const table_mapping& mapping = canonical_mapping(table_kind::activities),
                            const load_options& options = {}) {
  return load_file<Data>(path, detail::expect_table(mapping, table_kind::activities), data, options);
}
template <class Data = crm_data>
load_result load_opportunities(const std::filesystem::path& path, std::type_identity_t<Data>& data,
                               const table_mapping& mapping = canonical_mapping(table_kind::opportunities),
                               const load_options& options = {}) {
  return load_file<Data>(path, detail::expect_table(mapping, table_kind::opportunities), data, options);
}
template <class Data = crm_data>
load_result load_stage_history(const std::filesystem::path& path, std::type_identity_t<Data>& data,
                               const table_mapping& mapping = canonical_mapping(table_kind::stage_history),
                               const load_options& options = {}) {
  return load_file<Data>(path, detail::expect_table(mapping, table_kind::stage_history), data, options);
}
template <class Data = crm_data>
load_result load_leads(const std::filesystem::path& path, std::type_identity_t<Data>& data,
                       const table_mapping& mapping = canonical_mapping(table_kind::leads),
                       const load_options& options = {}) {
  return load_file<Data>(path, detail::expect_table(mapping, table_kind::leads), data, options);
}

}  // namespace io
SALESMETRICS_END_NAMESPACE
