// salesmetrics/io/mapping.hpp: column mappings from a CRM export's columns to a table's columns,
// and their JSON form.
//
// A table_mapping says which table a file feeds, how the file is formatted, and for each table
// column (by canonical name, schema.hpp) a value_rule. With canonical_names on (the default), every
// table column that has no rule is read from the file column of its canonical name when the header
// has one (and "attr.NAME"/"num.NAME" columns become attributes). A value_rule turns one row into
// one text value, in this order:
//   1. text       `constant` if given; else the first of `sources` whose value is non-empty after
//                 the filters: `prefix` (a value not starting with it counts as empty, e.g. the
//                 Salesforce WhoId "003..." = contact, "00Q..." = lead) and `only_if` (the value
//                 counts as empty unless the column only_if.column holds one of only_if.values).
//                 A source is a header name, or "JOIN.column" for a column of a joined file.
//   2. skip       a non-empty value listed in `skip` makes the whole row "skipped by rule"
//                 (counted in load_result::skipped with the rule, never a silent drop).
//   3. map        `map` replaces a non-empty value by the entry whose key matches; "*" matches any
//                 value no other key matches; without a match the value passes unchanged.
//   4. default    an empty value becomes `default` when given.
// Value maps, skip lists and only_if compare folded text (ASCII case, ' ', '_' and '-' ignored,
// like the core parse_* functions). The text is then parsed for the column's type (loader.hpp):
// `scale` multiplies numbers (0.01 for percentages, 1/60 for seconds); `missing_ok` lets a required
// column be missing; `optional` lets the source columns be absent from the header (the column is
// then filled with `default` if given, else not loaded); `when: "closed"` (opportunities) keeps the
// value only on won/lost rows (Salesforce CloseDate is the expected date while open).
// Derived rules (`derive`):
//   status_from_stage       status = won if the value names the stage list's won stage, lost if
//                           the lost stage, open for any other known stage (Maven deal_stage).
//   status_from_closed_won  two sources, IsClosed and IsWon (booleans): not closed -> open,
//                           closed and won -> won, closed and not won -> lost (Salesforce).
//   previous_stage          stage_history.from_stage from snapshot files (Salesforce
//                           OpportunityHistory, one row per snapshot with the stage AFTER it): the
//                           rows of the file are ordered per opportunity by (ts, file order); the
//                           first row of an opportunity is its creation row (from = none), every
//                           other row's from is the previous row's to. A snapshot whose stage equals
//                           the previous one (amount or date edits) is skipped by rule unless
//                           keep_same_stage is true (then it is kept as a from = to row).
// Joins: a join reads a second file (path relative to the data file's directory) keyed by one of
// its columns (`key`, unique in that file, else the load fails) and matches each row by the value
// of `on` (a main column or an earlier join's "JOIN.column"), after the exact rewrites in
// `key_map`. An empty key gives empty joined values. A non-empty key without a match is a row
// error when `required` (the default), else the joined values are empty and the miss is counted.
// JSON form (read_mapping_file / parse_mapping): see data/mappings/*.json and docs in presets.hpp;
// unknown keys, unknown table columns and wrongly typed values are errors naming the key.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/io/csv_reader.hpp>
#include <salesmetrics/io/schema.hpp>
#include <salesmetrics/table/stages.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace io {

enum class derive_rule : std::uint8_t { none, status_from_stage, status_from_closed_won, previous_stage };

struct value_rule {
  std::vector<std::string> sources;
  std::optional<std::string> constant;
  std::string prefix;
  std::string only_if_column;
  std::vector<std::string> only_if_values;
  std::vector<std::string> skip;
  std::vector<std::pair<std::string, std::string>> map;
  std::optional<std::string> default_value;
  derive_rule derive = derive_rule::none;
  double scale = 1.0;
  bool missing_ok = false;
  bool optional = false;
  bool when_closed = false;
};

struct attribute_rule {
  std::string name;
  bool numeric = false;
  value_rule rule;
};

struct file_format {
  csv_options csv;
  bool header = true;
  std::vector<std::string> columns;  // the column names of a file without a header row
};

struct join_spec {
  std::string name;
  std::string file;
  file_format format;
  std::string key;
  std::string on;
  std::vector<std::pair<std::string, std::string>> key_map;
  bool required = true;
};

struct table_mapping {
  table_kind table = table_kind::activities;
  std::string name;  // shown in error messages
  file_format format;
  bool canonical_names = true;
  std::vector<std::pair<std::string, value_rule>> columns;  // canonical column name -> rule
  std::vector<attribute_rule> attributes;
  std::vector<join_spec> joins;
  std::optional<stage_list> stages;
  bool keep_same_stage = false;

  [[nodiscard]] const value_rule* rule(std::string_view column) const {
    for (const auto& [c, r] : columns)
      if (c == column) return &r;
    return nullptr;
  }
};

/// The mapping used for canonical files (the writers' output): canonical names, nothing else.
[[nodiscard]] inline table_mapping canonical_mapping(table_kind t) {
  table_mapping m;
  m.table = t;
  m.name = "canonical " + std::string(to_string(t));
  return m;
}

namespace detail {

// The JSON readers below are templates on the JSON type (always nlohmann::ordered_json) only so
// that nlohmann's templates are instantiated in the translation units that parse a mapping, not in
// every one that includes this header.

[[noreturn]] inline void mapping_fail(const std::string& where, const std::string& what) {
  throw std::invalid_argument("mapping " + where + ": " + what);
}

template <class Json>
void check_keys(const Json& j, const std::string& where, const std::string& path,
                std::initializer_list<std::string_view> allowed) {
  if (!j.is_object()) mapping_fail(where, path + " must be a JSON object");
  for (const auto& item : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    mapping_fail(where, "unknown key '" + item.key() + "' in " + path + " (expected one of: " + list + ")");
  }
}

template <class Json>
std::string get_string(const Json& j, const std::string& where, const std::string& path) {
  if (!j.is_string()) mapping_fail(where, path + " must be a string");
  return j.template get<std::string>();
}

template <class Json>
bool get_bool(const Json& j, const std::string& where, const std::string& path) {
  if (!j.is_boolean()) mapping_fail(where, path + " must be true or false");
  return j.template get<bool>();
}

template <class Json>
std::vector<std::string> get_strings(const Json& j, const std::string& where, const std::string& path) {
  if (!j.is_array()) mapping_fail(where, path + " must be an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j.size(); ++i) out.push_back(get_string(j[i], where, path + "[" + std::to_string(i) + "]"));
  return out;
}

template <class Json>
std::vector<std::pair<std::string, std::string>> get_map(const Json& j, const std::string& where,
                                                         const std::string& path) {
  if (!j.is_object()) mapping_fail(where, path + " must be an object of strings");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& item : j.items()) out.emplace_back(item.key(), get_string(item.value(), where, path + "." + item.key()));
  return out;
}

template <class Json>
file_format parse_format(const Json& j, const std::string& where, const std::string& path) {
  check_keys(j, where, path, {"separator", "quoting", "header", "columns", "validate_utf8"});
  file_format f;
  if (j.contains("separator")) {
    const std::string s = get_string(j["separator"], where, path + ".separator");
    if (s == "\\t" || s == "tab" || s == "\t") f.csv.separator = '\t';
    else if (s.size() == 1 && s[0] != '"' && s[0] != '\n' && s[0] != '\r') f.csv.separator = s[0];
    else mapping_fail(where, path + ".separator must be one character (\",\", \";\", \"tab\" ...), got '" + s + "'");
  }
  if (j.contains("quoting")) f.csv.quoting = get_bool(j["quoting"], where, path + ".quoting");
  if (j.contains("validate_utf8")) f.csv.validate_utf8 = get_bool(j["validate_utf8"], where, path + ".validate_utf8");
  if (j.contains("header")) f.header = get_bool(j["header"], where, path + ".header");
  if (j.contains("columns")) f.columns = get_strings(j["columns"], where, path + ".columns");
  if (!f.header && f.columns.empty()) mapping_fail(where, path + ": a file without a header needs \"columns\"");
  if (f.header && !f.columns.empty()) mapping_fail(where, path + ": \"columns\" is only for files without a header");
  return f;
}

template <class Json>
value_rule parse_rule(const Json& j, const std::string& where, const std::string& path, bool attribute) {
  value_rule r;
  if (j.is_string()) {
    r.sources.push_back(j.template get<std::string>());
    return r;
  }
  if (attribute)
    check_keys(j, where, path, {"source", "sources", "constant", "prefix", "only_if", "skip", "map", "default", "scale",
                                "optional", "kind"});
  else
    check_keys(j, where, path, {"source", "sources", "constant", "prefix", "only_if", "skip", "map", "default", "scale",
                                "optional", "derive", "missing_ok", "when"});
  if (j.contains("source")) r.sources.push_back(get_string(j["source"], where, path + ".source"));
  if (j.contains("sources")) {
    if (!r.sources.empty()) mapping_fail(where, path + ": give \"source\" or \"sources\", not both");
    r.sources = get_strings(j["sources"], where, path + ".sources");
  }
  if (j.contains("constant")) r.constant = get_string(j["constant"], where, path + ".constant");
  if (j.contains("prefix")) r.prefix = get_string(j["prefix"], where, path + ".prefix");
  if (j.contains("only_if")) {
    const auto& o = j["only_if"];
    check_keys(o, where, path + ".only_if", {"column", "values"});
    if (!o.contains("column") || !o.contains("values")) mapping_fail(where, path + ".only_if needs \"column\" and \"values\"");
    r.only_if_column = get_string(o["column"], where, path + ".only_if.column");
    r.only_if_values = get_strings(o["values"], where, path + ".only_if.values");
  }
  if (j.contains("skip")) r.skip = get_strings(j["skip"], where, path + ".skip");
  if (j.contains("map")) r.map = get_map(j["map"], where, path + ".map");
  if (j.contains("default")) r.default_value = get_string(j["default"], where, path + ".default");
  if (j.contains("scale")) {
    if (!j["scale"].is_number()) mapping_fail(where, path + ".scale must be a number");
    r.scale = j["scale"].template get<double>();
    if (!(r.scale > 0)) mapping_fail(where, path + ".scale must be positive");
  }
  if (j.contains("optional")) r.optional = get_bool(j["optional"], where, path + ".optional");
  if (j.contains("missing_ok")) r.missing_ok = get_bool(j["missing_ok"], where, path + ".missing_ok");
  if (j.contains("when")) {
    const std::string w = get_string(j["when"], where, path + ".when");
    if (w != "closed") mapping_fail(where, path + ".when must be \"closed\", got '" + w + "'");
    r.when_closed = true;
  }
  if (j.contains("derive")) {
    const std::string d = get_string(j["derive"], where, path + ".derive");
    if (d == "status_from_stage") r.derive = derive_rule::status_from_stage;
    else if (d == "status_from_closed_won") r.derive = derive_rule::status_from_closed_won;
    else if (d == "previous_stage") r.derive = derive_rule::previous_stage;
    else
      mapping_fail(where, path + ".derive: unknown rule '" + d +
                              "' (expected status_from_stage, status_from_closed_won or previous_stage)");
  }
  if (r.constant && !r.sources.empty()) mapping_fail(where, path + ": give a source or a constant, not both");
  if (r.derive != derive_rule::previous_stage && !r.constant && r.sources.empty())
    mapping_fail(where, path + " needs \"source\", \"sources\" or \"constant\"");
  if (r.derive == derive_rule::status_from_closed_won && r.sources.size() != 2)
    mapping_fail(where, path + ": status_from_closed_won needs \"sources\": [IsClosed column, IsWon column]");
  return r;
}

}  // namespace detail

/// Checks that rules fit their columns (raises std::invalid_argument "mapping NAME: ...").
inline void check_mapping(const table_mapping& m) {
  const std::string& where = m.name;
  const auto known = canonical_columns(m.table);
  for (const auto& [column, rule] : m.columns) {
    if (std::find(known.begin(), known.end(), column) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      detail::mapping_fail(where, "'columns' has unknown " + std::string(to_string(m.table)) + " column '" + column +
                                      "' (known: " + list + ")");
    }
    const std::string path = "columns." + column;
    if (rule.derive == derive_rule::status_from_stage || rule.derive == derive_rule::status_from_closed_won) {
      if (column != "status" || m.table != table_kind::opportunities)
        detail::mapping_fail(where, path + ": status derive rules are for opportunities.status only");
    }
    if (rule.derive == derive_rule::previous_stage && (column != "from_stage" || m.table != table_kind::stage_history))
      detail::mapping_fail(where, path + ": previous_stage is for stage_history.from_stage only");
    if (rule.when_closed && m.table != table_kind::opportunities)
      detail::mapping_fail(where, path + ": \"when\": \"closed\" is for opportunities only");
    if (rule.when_closed && column == "status") detail::mapping_fail(where, path + ": status cannot depend on itself");
  }
  if (!m.attributes.empty() && !has_attributes(m.table))
    detail::mapping_fail(where, "attributes are for opportunities and leads only");
  for (std::size_t i = 0; i < m.columns.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (m.columns[i].first == m.columns[k].first) detail::mapping_fail(where, "column '" + m.columns[i].first + "' is mapped twice");
  for (std::size_t i = 0; i < m.joins.size(); ++i) {
    if (m.joins[i].name.empty() || m.joins[i].name.find('.') != std::string::npos)
      detail::mapping_fail(where, "joins[" + std::to_string(i) + "].name must be non-empty and contain no '.'");
    for (std::size_t k = 0; k < i; ++k)
      if (m.joins[k].name == m.joins[i].name) detail::mapping_fail(where, "join name '" + m.joins[i].name + "' is used twice");
  }
}

// parse_mapping, parse_mapping_text and read_mapping_file are templates only to defer nlohmann's
// instantiations to the translation units that call them; Json is always nlohmann::ordered_json
// (std::type_identity_t keeps the argument a plain, non-deduced nlohmann::ordered_json).
/// A mapping from its JSON form. `where` names the source in messages (a file name).
template <class Json = nlohmann::ordered_json>
[[nodiscard]] table_mapping parse_mapping(const std::type_identity_t<Json>& j, const std::string& where = "(json)") {
  detail::check_keys(j, where, "the mapping",
                     {"table", "name", "csv", "canonical_names", "stages", "joins", "columns", "attributes", "keep_same_stage",
                      "comment"});
  table_mapping m;
  m.name = where;
  if (!j.contains("table")) detail::mapping_fail(where, "missing key 'table' (activities, opportunities, stage_history or leads)");
  const std::string table = detail::get_string(j["table"], where, "table");
  const auto kind = parse_table_kind(table);
  if (!kind)
    detail::mapping_fail(where, "unknown table '" + table + "' (expected activities, opportunities, stage_history or leads)");
  m.table = *kind;
  if (j.contains("name")) m.name = detail::get_string(j["name"], where, "name");
  if (j.contains("csv")) m.format = detail::parse_format(j["csv"], where, "csv");
  if (j.contains("canonical_names")) m.canonical_names = detail::get_bool(j["canonical_names"], where, "canonical_names");
  if (j.contains("keep_same_stage")) m.keep_same_stage = detail::get_bool(j["keep_same_stage"], where, "keep_same_stage");
  if (j.contains("stages")) {
    const auto& s = j["stages"];
    detail::check_keys(s, where, "stages", {"open", "won", "lost"});
    if (!s.contains("open")) detail::mapping_fail(where, "stages needs \"open\": [names in pipeline order]");
    const auto open = detail::get_strings(s["open"], where, "stages.open");
    const std::string won = s.contains("won") ? detail::get_string(s["won"], where, "stages.won") : "Won";
    const std::string lost = s.contains("lost") ? detail::get_string(s["lost"], where, "stages.lost") : "Lost";
    try {
      m.stages = stage_list(open, won, lost);
    } catch (const std::invalid_argument& e) {
      detail::mapping_fail(where, std::string("stages: ") + e.what());
    }
  }
  if (j.contains("joins")) {
    const auto& js = j["joins"];
    if (!js.is_array()) detail::mapping_fail(where, "joins must be an array");
    for (std::size_t i = 0; i < js.size(); ++i) {
      const std::string path = "joins[" + std::to_string(i) + "]";
      detail::check_keys(js[i], where, path, {"name", "file", "csv", "key", "on", "key_map", "required"});
      for (const char* k : {"name", "file", "key", "on"})
        if (!js[i].contains(k)) detail::mapping_fail(where, path + " needs \"" + k + "\"");
      join_spec s;
      s.name = detail::get_string(js[i]["name"], where, path + ".name");
      s.file = detail::get_string(js[i]["file"], where, path + ".file");
      s.key = detail::get_string(js[i]["key"], where, path + ".key");
      s.on = detail::get_string(js[i]["on"], where, path + ".on");
      if (js[i].contains("csv")) s.format = detail::parse_format(js[i]["csv"], where, path + ".csv");
      if (js[i].contains("key_map")) s.key_map = detail::get_map(js[i]["key_map"], where, path + ".key_map");
      if (js[i].contains("required")) s.required = detail::get_bool(js[i]["required"], where, path + ".required");
      m.joins.push_back(std::move(s));
    }
  }
  if (j.contains("columns")) {
    const auto& cs = j["columns"];
    if (!cs.is_object()) detail::mapping_fail(where, "columns must be an object {table column: rule}");
    for (const auto& item : cs.items())
      m.columns.emplace_back(item.key(), detail::parse_rule(item.value(), where, "columns." + item.key(), false));
  }
  if (j.contains("attributes")) {
    const auto& as = j["attributes"];
    if (!as.is_object()) detail::mapping_fail(where, "attributes must be an object {attribute name: rule}");
    for (const auto& item : as.items()) {
      attribute_rule a;
      a.name = item.key();
      a.rule = detail::parse_rule(item.value(), where, "attributes." + item.key(), true);
      if (item.value().is_object() && item.value().contains("kind")) {
        const std::string k = detail::get_string(item.value()["kind"], where, "attributes." + item.key() + ".kind");
        if (k == "number") a.numeric = true;
        else if (k != "category") detail::mapping_fail(where, "attributes." + item.key() + ".kind must be \"category\" or \"number\"");
      }
      m.attributes.push_back(std::move(a));
    }
  }
  check_mapping(m);
  return m;
}

/// A mapping from JSON text; syntax errors become std::invalid_argument naming `where`.
template <class Json = nlohmann::ordered_json>
[[nodiscard]] table_mapping parse_mapping_text(std::string_view text, const std::string& where = "(json)") {
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const typename Json::parse_error& e) {
    detail::mapping_fail(where, std::string("not valid JSON: ") + e.what());
  }
  return parse_mapping<Json>(j, where);
}

/// A mapping from a JSON file (messages name the file).
template <class Json = nlohmann::ordered_json>
[[nodiscard]] table_mapping read_mapping_file(const std::filesystem::path& path) {
  return parse_mapping_text<Json>(read_text_file(path), path.filename().string());
}

}  // namespace io
SALESMETRICS_END_NAMESPACE
