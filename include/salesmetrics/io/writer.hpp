// salesmetrics/io/writer.hpp: canonical CSV and JSON output of tables, dictionaries and stage lists.
//
// Canonical CSV (what canonical_mapping() reads back, so load(write(x)) == x):
//   header      the canonical names (schema.hpp) of the required columns and of the optional columns
//               that are present, in store order, then "attr.NAME" / "num.NAME" attribute columns
//   ids         the dictionary name when dictionaries are given (an id whose name is empty cannot be
//               written: it would read back as missing), else the dense integer
//   timestamps  format_timestamp ("2017-03-01T00:00:00Z"); stages by name from the stage list (else
//               the index); enums by their canonical names; money by to_string(money); floats and
//               numeric attributes by the shortest text that reads back to the same value
//   missing     no_time, no_id, no_stage, NaN and money::missing() are written as empty fields
//   quoting     a field is quoted (RFC 4180, "" for ") when it contains the separator, '"', CR or
//               LF; lines end with LF
// Dictionaries: write_dictionaries gives rows (dictionary, id, name) for every dictionary of
// crm_dictionaries (by member name) and every categorical attribute ("opportunities.attr.NAME",
// "leads.attr.NAME"); load_dictionaries restores them with the same ids, so that a data set written
// by write_data_set and read by load_data_set has identical dense ids. Stage lists: rows
// (stage, kind) with kind open, won or lost, in list order.
// JSON: to_json(view, ...) gives an array with one object per row, keyed by the canonical names,
// missing values as null.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/io/csv_reader.hpp>
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/mapping.hpp>
#include <salesmetrics/io/schema.hpp>
#include <salesmetrics/io/values.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace io {

namespace detail {

inline void write_field(std::ostream& os, std::string_view s, char sep) {
  bool quote = false;
  for (char c : s)
    if (c == sep || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  if (!quote) {
    os << s;
    return;
  }
  os << '"';
  for (char c : s) {
    if (c == '"') os << '"';
    os << c;
  }
  os << '"';
}

inline constexpr std::string_view dictionary_names[] = {"reps", "contacts", "accounts", "opportunities", "leads",
                                                         "threads", "subjects", "sources", "activities"};

inline dictionary* dictionary_by_name(crm_dictionaries& d, std::string_view n) {
  dictionary* all[] = {&d.reps, &d.contacts, &d.accounts, &d.opportunities, &d.leads,
                       &d.threads, &d.subjects, &d.sources, &d.activities};
  for (std::size_t i = 0; i < std::size(all); ++i)
    if (dictionary_names[i] == n) return all[i];
  return nullptr;
}

/// Text of one cell; empty for a missing value. `member` selects the dictionary of an id column.
template <class T>
std::string cell_text(const T& v, std::string_view member, const crm_dictionaries* dicts, const stage_list* stages) {
  if constexpr (std::is_same_v<T, timestamp>) {
    return is_missing(v) ? std::string() : format_timestamp(v);
  } else if constexpr (std::is_same_v<T, dense_id>) {
    if (v < 0) return {};
    if (!dicts) return std::to_string(v);
    const dictionary* d = dictionary_for(*dicts, member);
    const std::string& name = d->name(v);
    if (name.empty())
      throw std::invalid_argument("write: id " + std::to_string(v) + " of column " + std::string(member) +
                                  " has an empty name, which would read back as missing");
    return name;
  } else if constexpr (std::is_same_v<T, stage_index>) {
    if (v < 0) return {};
    return stages ? stages->name(v) : std::to_string(v);
  } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    return std::isnan(v) ? std::string() : format_double(static_cast<double>(v));
  } else if constexpr (std::is_same_v<T, money>) {
    return to_string(v);
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    return std::to_string(static_cast<unsigned>(v));
  } else {
    return std::string(to_string(v));
  }
}

template <class View>
constexpr bool view_has_attributes = std::is_same_v<View, opportunity_view> || std::is_same_v<View, lead_view>;

}  // namespace detail

/// Writes a table view as canonical CSV.
template <class View>
void write_csv(std::ostream& os, const View& v, const crm_dictionaries* dicts = nullptr, const stage_list* stages = nullptr,
               char separator = ',') {
  using cols = typename View::columns_type;
  const std::size_t n = row_count(v);
  std::vector<bool> present;
  bool first = true;
  salesmetrics::detail::for_each_column(v, [&](std::string_view member, const auto& col) {
    const bool on = salesmetrics::detail::is_required<cols>(member) || has(col);
    present.push_back(on);
    if (!on) return;
    if (!first) os << separator;
    first = false;
    detail::write_field(os, canonical_name(member), separator);
  });
  if constexpr (detail::view_has_attributes<View>)
    for (const auto& a : v.attributes) {
      os << separator;
      detail::write_field(os, std::string(a.categorical() ? categorical_attribute_prefix : numeric_attribute_prefix) +
                                  std::string(a.name), separator);
    }
  os << '\n';
  for (std::size_t r = 0; r < n; ++r) {
    std::size_t k = 0;
    first = true;
    salesmetrics::detail::for_each_column(v, [&](std::string_view member, const auto& col) {
      if (!present[k++]) return;
      if (!first) os << separator;
      first = false;
      detail::write_field(os, detail::cell_text(col[r], member, dicts, stages), separator);
    });
    if constexpr (detail::view_has_attributes<View>)
      for (const auto& a : v.attributes) {
        os << separator;
        if (a.categorical()) {
          const dense_id c = a.codes[r];
          if (c >= 0) detail::write_field(os, a.labels->name(c), separator);
        } else {
          detail::write_field(os, detail::cell_text(a.numbers[r], "", nullptr, nullptr), separator);
        }
      }
    os << '\n';
  }
}

/// Writes every dictionary (and the categorical attributes' labels) as rows (dictionary, id, name).
inline void write_dictionaries(std::ostream& os, const crm_data& data) {
  os << "dictionary,id,name\n";
  auto dump = [&](std::string_view dname, const dictionary& d) {
    for (std::size_t i = 0; i < d.size(); ++i) {
      detail::write_field(os, dname, ',');
      os << ',' << i << ',';
      detail::write_field(os, d.name(static_cast<dense_id>(i)), ',');
      os << '\n';
    }
  };
  auto& dicts = const_cast<crm_dictionaries&>(data.dictionaries);
  for (auto name : detail::dictionary_names) dump(name, *detail::dictionary_by_name(dicts, name));
  for (const auto& a : data.opportunities.attributes)
    if (a.is_categorical) dump("opportunities.attr." + a.name, a.labels);
  for (const auto& a : data.leads.attributes)
    if (a.is_categorical) dump("leads.attr." + a.name, a.labels);
}

/// Reads rows written by write_dictionaries into `data` (whose dictionaries must be empty); ids must
/// run 0, 1, 2 ... per dictionary. Errors throw input_error naming the line.
inline void load_dictionaries(std::string_view text, crm_data& data, const std::string& name = "dictionaries.csv") {
  csv_reader reader(text);
  csv_record rec;
  if (!reader.next(rec) || rec.size() != 3 || rec[0] != "dictionary" || rec[1] != "id" || rec[2] != "name")
    throw input_error(problem{name, -1, {}, "expected the header dictionary,id,name", 1});
  std::int64_t row = -1;
  while (reader.next(rec)) {
    ++row;
    if (!rec.ok()) throw input_error(problem{name, row, {}, rec.error_message(), rec.line()});
    if (rec.size() != 3) throw input_error(problem{name, row, {}, "expected 3 fields, found " + std::to_string(rec.size()), rec.line()});
    dictionary* d = detail::dictionary_by_name(data.dictionaries, rec[0]);
    const std::string_view dn = rec[0];
    if (!d) {
      for (auto [prefix, store_attrs] : {std::pair<std::string_view, int>{"opportunities.attr.", 0}, {"leads.attr.", 1}})
        if (dn.starts_with(prefix)) {
          const std::string attr(dn.substr(prefix.size()));
          d = store_attrs == 0 ? &data.opportunities.attribute(attr).labels : &data.leads.attribute(attr).labels;
        }
    }
    if (!d) throw input_error(problem{name, row, "dictionary", "unknown dictionary '" + std::string(dn) + "'", rec.line()});
    const auto id = parse_int64(rec[1]);
    if (!id || static_cast<std::size_t>(*id) != d->size())
      throw input_error(problem{name, row, "id", "expected id " + std::to_string(d->size()) + ", found '" + std::string(rec[1]) + "'",
                                rec.line()});
    if (rec[2].empty() || d->find(rec[2]))
      throw input_error(problem{name, row, "name", "empty or repeated name '" + std::string(rec[2]) + "'", rec.line()});
    d->encode(rec[2]);
  }
}

inline void write_stages(std::ostream& os, const stage_list& s) {
  os << "stage,kind\n";
  for (std::size_t i = 0; i < s.size(); ++i) {
    detail::write_field(os, s.names()[i], ',');
    const auto idx = static_cast<stage_index>(i);
    os << ',' << (idx == s.won() ? "won" : idx == s.lost() ? "lost" : "open") << '\n';
  }
}

inline stage_list load_stages(std::string_view text, const std::string& name = "stages.csv") {
  csv_reader reader(text);
  csv_record rec;
  if (!reader.next(rec) || rec.size() != 2 || rec[0] != "stage" || rec[1] != "kind")
    throw input_error(problem{name, -1, {}, "expected the header stage,kind", 1});
  std::vector<std::string> open;
  std::string won, lost;
  std::int64_t row = -1;
  while (reader.next(rec)) {
    ++row;
    if (!rec.ok() || rec.size() != 2) throw input_error(problem{name, row, {}, "expected 2 fields: stage,kind", rec.line()});
    const std::string_view kind = rec[1];
    const bool order_ok = (kind == "open" && won.empty()) || (kind == "won" && won.empty()) ||
                          (kind == "lost" && !won.empty() && lost.empty());
    if (!order_ok)
      throw input_error(problem{name, row, "kind",
                                "expected open stages, then one won and one lost stage; found '" + std::string(kind) + "'",
                                rec.line()});
    if (kind == "open") open.emplace_back(rec[0]);
    else if (kind == "won") won = std::string(rec[0]);
    else lost = std::string(rec[0]);
  }
  if (won.empty() && lost.empty() && open.empty()) return {};
  if (won.empty() || lost.empty()) throw input_error(problem{name, -1, {}, "the won and lost stages are missing", -1});
  return stage_list(std::move(open), std::move(won), std::move(lost));
}

/// Writes dictionaries.csv, stages.csv and one canonical CSV per table into `dir` (created).
inline void write_data_set(const std::filesystem::path& dir, const crm_data& data) {
  std::filesystem::create_directories(dir);
  auto open = [&](const char* f) {
    std::ofstream os(dir / f, std::ios::binary);
    if (!os) throw std::runtime_error("write_data_set: cannot create " + (dir / f).string());
    return os;
  };
  const crm_view v = data.view();
  { auto os = open("dictionaries.csv"); write_dictionaries(os, data); }
  { auto os = open("stages.csv"); write_stages(os, data.stages); }
  { auto os = open("activities.csv"); write_csv(os, v.activities, &data.dictionaries, &data.stages); }
  { auto os = open("opportunities.csv"); write_csv(os, v.opportunities, &data.dictionaries, &data.stages); }
  { auto os = open("stage_history.csv"); write_csv(os, v.stage_history, &data.dictionaries, &data.stages); }
  { auto os = open("leads.csv"); write_csv(os, v.leads, &data.dictionaries, &data.stages); }
}

// A template only so that the table loaders it calls are instantiated in the translation units
// that call it, not in every one that includes this header; Data is always crm_data.
/// Reads a directory written by write_data_set (strict: the first bad row throws).
template <class Data = crm_data>
[[nodiscard]] Data load_data_set(const std::filesystem::path& dir) {
  Data data;
  load_dictionaries(read_text_file(dir / "dictionaries.csv"), data);
  data.stages = load_stages(read_text_file(dir / "stages.csv"));
  (void)load_file<Data>(dir / "activities.csv", canonical_mapping(table_kind::activities), data);
  for (auto [file, table] : {std::pair{"opportunities.csv", table_kind::opportunities},
                             std::pair{"stage_history.csv", table_kind::stage_history}}) {
    // Without a stage list only a header-only file can be read (the loader needs stage names).
    const std::string text = read_text_file(dir / file);
    csv_reader reader(text);
    csv_record rec;
    const bool rows = reader.next(rec) && reader.next(rec);
    if (rows || data.stages.size() > 0)
      (void)load_table<Data>(text, canonical_mapping(table), data, {true, dir}, file);
  }
  (void)load_file<Data>(dir / "leads.csv", canonical_mapping(table_kind::leads), data);
  return data;
}

// Json (always nlohmann::ordered_json) makes the JSON code dependent, so that nlohmann's templates
// are instantiated in the translation units that call to_json, not in every one that includes this header.
/// One JSON object per row, keyed by canonical names; missing values are null.
template <class View, class Json = nlohmann::ordered_json>
[[nodiscard]] Json to_json(const View& v, const crm_dictionaries* dicts = nullptr, const stage_list* stages = nullptr) {
  using cols = typename View::columns_type;
  Json rows = Json::array();
  const std::size_t n = row_count(v);
  for (std::size_t r = 0; r < n; ++r) {
    Json row = Json::object();
    salesmetrics::detail::for_each_column(v, [&](std::string_view member, const auto& col) {
      if (!salesmetrics::detail::is_required<cols>(member) && !has(col)) return;
      using T = typename std::remove_cvref_t<decltype(col)>::value_type;
      const std::string key(canonical_name(member));
      const T& x = col[r];
      if constexpr (std::is_same_v<T, float>) {
        row[key] = std::isnan(x) ? Json() : Json(static_cast<double>(x));
      } else if constexpr (std::is_same_v<T, money>) {
        row[key] = x.is_missing() ? Json() : Json(to_string(x));
      } else if constexpr (std::is_same_v<T, std::uint8_t>) {
        row[key] = static_cast<unsigned>(x);
      } else if constexpr (std::is_same_v<T, dense_id>) {
        if (x < 0) row[key] = nullptr;
        else if (dicts) row[key] = dictionary_for(*dicts, member)->name(x);
        else row[key] = x;
      } else {
        const std::string t = detail::cell_text(x, member, dicts, stages);
        row[key] = t.empty() ? Json() : Json(t);
      }
    });
    if constexpr (detail::view_has_attributes<View>)
      for (const auto& a : v.attributes) {
        const std::string key(a.name);
        if (a.categorical()) row[key] = a.codes[r] < 0 ? Json() : Json(a.labels->name(a.codes[r]));
        else row[key] = std::isnan(a.numbers[r]) ? Json() : Json(a.numbers[r]);
      }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace io
SALESMETRICS_END_NAMESPACE
