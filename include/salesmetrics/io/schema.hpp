// salesmetrics/io/schema.hpp: the file-side names of the four tables' columns and their id spaces.
//
// Definitions:
//   table_kind          activities, opportunities, stage_history, leads (SCHEMA.md order).
//   canonical name      the column's name in canonical files = the SCHEMA.md name = the store's
//                       member name, except activities.subject_id whose file column is "subject"
//                       (the text; the store keeps its dense id in the subjects dictionary).
//   id space            every dense-id column is encoded in one dictionary of crm_dictionaries:
//                       activity_id -> activities, rep_id and owner_rep_id -> reps, contact_id ->
//                       contacts, account_id -> accounts, opportunity_id -> opportunities,
//                       lead_id -> leads, thread_id -> threads, subject_id -> subjects, source -> sources.
//   attribute columns   in canonical files a categorical attribute NAME is the column "attr.NAME",
//                       a numeric one "num.NAME" (opportunities and leads only).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace io {

enum class table_kind : std::uint8_t { activities, opportunities, stage_history, leads };

inline constexpr std::string_view categorical_attribute_prefix = "attr.";
inline constexpr std::string_view numeric_attribute_prefix = "num.";

[[nodiscard]] constexpr std::string_view to_string(table_kind t) noexcept {
  switch (t) {
    case table_kind::activities: return "activities";
    case table_kind::opportunities: return "opportunities";
    case table_kind::stage_history: return "stage_history";
    case table_kind::leads: return "leads";
  }
  return {};
}

[[nodiscard]] inline std::optional<table_kind> parse_table_kind(std::string_view s) noexcept {
  for (auto t : {table_kind::activities, table_kind::opportunities, table_kind::stage_history, table_kind::leads})
    if (to_string(t) == s) return t;
  return std::nullopt;
}

/// The file-side name of a store member.
[[nodiscard]] constexpr std::string_view canonical_name(std::string_view member) noexcept {
  return member == "subject_id" ? std::string_view("subject") : member;
}

/// The dictionary that encodes a dense-id column of this name, or nullptr for other columns.
[[nodiscard]] inline dictionary* dictionary_for(crm_dictionaries& d, std::string_view member) noexcept {
  if (member == "activity_id") return &d.activities;
  if (member == "rep_id" || member == "owner_rep_id") return &d.reps;
  if (member == "contact_id") return &d.contacts;
  if (member == "account_id") return &d.accounts;
  if (member == "opportunity_id") return &d.opportunities;
  if (member == "lead_id") return &d.leads;
  if (member == "thread_id") return &d.threads;
  if (member == "subject_id") return &d.subjects;
  if (member == "source") return &d.sources;
  return nullptr;
}
[[nodiscard]] inline const dictionary* dictionary_for(const crm_dictionaries& d, std::string_view member) noexcept {
  return dictionary_for(const_cast<crm_dictionaries&>(d), member);
}

/// Calls f(columns-type tag) for the store type of a table kind: f(activity_store{}) etc. are not
/// constructed; f receives a pointer of the right type (nullptr) to dispatch at compile time.
template <class F>
decltype(auto) visit_table(table_kind t, F&& f) {
  switch (t) {
    case table_kind::activities: return f(static_cast<activity_store*>(nullptr));
    case table_kind::opportunities: return f(static_cast<opportunity_store*>(nullptr));
    case table_kind::stage_history: return f(static_cast<stage_history_store*>(nullptr));
    case table_kind::leads: return f(static_cast<lead_store*>(nullptr));
  }
  return f(static_cast<activity_store*>(nullptr));
}

/// Canonical (file) names of a table's columns, in store order.
[[nodiscard]] inline std::vector<std::string> canonical_columns(table_kind t) {
  return visit_table(t, [](auto* tag) {
    using store = std::remove_pointer_t<decltype(tag)>;
    std::vector<std::string> names;
    store s;
    salesmetrics::detail::for_each_column(s, [&](std::string_view name, const auto&) {
      names.emplace_back(canonical_name(name));
    });
    return names;
  });
}

/// True for the required columns of the table (by canonical name).
[[nodiscard]] inline bool is_required_column(table_kind t, std::string_view canonical) {
  return visit_table(t, [&](auto* tag) {
    using cols = typename std::remove_pointer_t<decltype(tag)>::columns_type;
    return salesmetrics::detail::is_required<cols>(canonical);
  });
}

[[nodiscard]] constexpr bool has_attributes(table_kind t) noexcept {
  return t == table_kind::opportunities || t == table_kind::leads;
}

}  // namespace io
SALESMETRICS_END_NAMESPACE
