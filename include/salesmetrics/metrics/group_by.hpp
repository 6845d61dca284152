// salesmetrics/metrics/group_by.hpp: group keys and how each table's rows map to them.
//
// Keys: group::rep, contact, account, opportunity, lead, source, period(calendar_period),
// attribute("segment"), everything (one group), and combinations: group::by(group::rep,
// group::period(calendar_period::months())). Each key component maps a row to a dense code;
// a combination is a mixed-radix code, so grouping is an array index (a hash map is used only
// when the product of the components' sizes is far larger than the data, e.g. rep x contact).
//
// Which table reads which key:
//   rep          activities.rep_id, opportunities.owner_rep_id, leads.owner_rep_id,
//                stage_history through its opportunity's owner
//   contact      activities.contact_id
//   account      activities.account_id, opportunities.account_id, stage_history through its opportunity
//   opportunity  activities.opportunity_id, opportunities.opportunity_id, stage_history.opportunity_id,
//                leads.opportunity_id
//   lead         activities.lead_id, leads.lead_id
//   source       opportunities.source, leads.source
//   period       the metric's anchor instant (activities.ts, opportunities.created_ts/closed_ts/...)
//   attribute    an attribute column of opportunities (activities and stage history through their
//                opportunity) or of leads
// A key a table cannot read fails to compile, naming the key and the table. A missing value
// (no_id, an absent optional column, a missing instant) falls into the group labelled "(none)":
// rows are never dropped because their key is missing.
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/metrics/context.hpp>
#include <salesmetrics/metrics/tables.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {
namespace group {

struct rep_key { static constexpr std::string_view name = "rep"; };
struct contact_key { static constexpr std::string_view name = "contact"; };
struct account_key { static constexpr std::string_view name = "account"; };
struct opportunity_key { static constexpr std::string_view name = "opportunity"; };
struct lead_key { static constexpr std::string_view name = "lead"; };
struct source_key { static constexpr std::string_view name = "source"; };
struct everything_key { static constexpr std::string_view name = "all"; };
struct period_key {
  static constexpr std::string_view name = "period";
  calendar_period calendar{};
};
struct attribute_key {
  static constexpr std::string_view name = "attribute";
  std::string column;
};

inline constexpr rep_key rep{};
inline constexpr contact_key contact{};
inline constexpr account_key account{};
inline constexpr opportunity_key opportunity{};
inline constexpr lead_key lead{};
inline constexpr source_key source{};
inline constexpr everything_key everything{};
[[nodiscard]] constexpr period_key period(calendar_period c) noexcept { return {c}; }
[[nodiscard]] inline attribute_key attribute(std::string column) { return {std::move(column)}; }

/// A combination of key components, in output order.
template <class... Keys>
struct composite {
  std::tuple<Keys...> parts;
};
template <class... Keys>
[[nodiscard]] composite<Keys...> by(Keys... keys) {
  return {std::tuple<Keys...>{std::move(keys)...}};
}

}  // namespace group

template <class K> struct is_group_key : std::false_type {};
template <> struct is_group_key<group::rep_key> : std::true_type {};
template <> struct is_group_key<group::contact_key> : std::true_type {};
template <> struct is_group_key<group::account_key> : std::true_type {};
template <> struct is_group_key<group::opportunity_key> : std::true_type {};
template <> struct is_group_key<group::lead_key> : std::true_type {};
template <> struct is_group_key<group::source_key> : std::true_type {};
template <> struct is_group_key<group::everything_key> : std::true_type {};
template <> struct is_group_key<group::period_key> : std::true_type {};
template <> struct is_group_key<group::attribute_key> : std::true_type {};

template <class K>
concept GroupKeyComponent = is_group_key<K>::value;

namespace detail {

inline dense_id opportunity_row_of(const eval_context& ctx, dense_id opp) noexcept {
  return opp >= 0 && static_cast<std::size_t>(opp) < ctx.opportunity_row.size() ? ctx.opportunity_row[static_cast<std::size_t>(opp)]
                                                                                 : no_id;
}
template <class Column>
inline dense_id at_or_none(const Column& c, dense_id row) noexcept {
  return row >= 0 && !c.empty() ? c[static_cast<std::size_t>(row)] : no_id;
}
template <class Column>
inline dense_id at_or_none(const Column& c, std::size_t row) noexcept {
  return c.empty() ? no_id : c[row];
}

}  // namespace detail

/// id_reader<Key, Table>::read(ctx, view, row) gives the row's dense id for an id key. Readers of
/// an activity column also name it, column(view) (nullptr when absent), so that callers who
/// visit rows at random can fetch it ahead.
template <class Key, class T> struct id_reader;  // undefined: the table cannot read that key

template <> struct id_reader<group::rep_key, activities_table> {
  static dense_id read(const eval_context&, const activity_view& v, std::size_t i) noexcept { return v.rep_id[i]; }
  static const dense_id* column(const activity_view& v) noexcept { return v.rep_id.empty() ? nullptr : v.rep_id.data(); }
};
template <> struct id_reader<group::rep_key, opportunities_table> {
  static dense_id read(const eval_context&, const opportunity_view& v, std::size_t i) noexcept { return detail::at_or_none(v.owner_rep_id, i); }
};
template <> struct id_reader<group::rep_key, leads_table> {
  static dense_id read(const eval_context&, const lead_view& v, std::size_t i) noexcept { return detail::at_or_none(v.owner_rep_id, i); }
};
template <> struct id_reader<group::rep_key, stage_history_table> {
  static dense_id read(const eval_context& c, const stage_history_view& v, std::size_t i) noexcept {
    return detail::at_or_none(c.data->opportunities.owner_rep_id, detail::opportunity_row_of(c, v.opportunity_id[i]));
  }
};
template <> struct id_reader<group::contact_key, activities_table> {
  static dense_id read(const eval_context&, const activity_view& v, std::size_t i) noexcept { return detail::at_or_none(v.contact_id, i); }
  static const dense_id* column(const activity_view& v) noexcept { return v.contact_id.empty() ? nullptr : v.contact_id.data(); }
};
template <> struct id_reader<group::account_key, activities_table> {
  static dense_id read(const eval_context&, const activity_view& v, std::size_t i) noexcept { return detail::at_or_none(v.account_id, i); }
  static const dense_id* column(const activity_view& v) noexcept { return v.account_id.empty() ? nullptr : v.account_id.data(); }
};
template <> struct id_reader<group::account_key, opportunities_table> {
  static dense_id read(const eval_context&, const opportunity_view& v, std::size_t i) noexcept { return detail::at_or_none(v.account_id, i); }
};
template <> struct id_reader<group::account_key, stage_history_table> {
  static dense_id read(const eval_context& c, const stage_history_view& v, std::size_t i) noexcept {
    return detail::at_or_none(c.data->opportunities.account_id, detail::opportunity_row_of(c, v.opportunity_id[i]));
  }
};
template <> struct id_reader<group::opportunity_key, activities_table> {
  static dense_id read(const eval_context&, const activity_view& v, std::size_t i) noexcept { return detail::at_or_none(v.opportunity_id, i); }
  static const dense_id* column(const activity_view& v) noexcept { return v.opportunity_id.empty() ? nullptr : v.opportunity_id.data(); }
};
template <> struct id_reader<group::opportunity_key, opportunities_table> {
  static dense_id read(const eval_context&, const opportunity_view& v, std::size_t i) noexcept { return v.opportunity_id[i]; }
};
template <> struct id_reader<group::opportunity_key, stage_history_table> {
  static dense_id read(const eval_context&, const stage_history_view& v, std::size_t i) noexcept { return v.opportunity_id[i]; }
};
template <> struct id_reader<group::opportunity_key, leads_table> {
  static dense_id read(const eval_context&, const lead_view& v, std::size_t i) noexcept { return detail::at_or_none(v.opportunity_id, i); }
};
template <> struct id_reader<group::lead_key, activities_table> {
  static dense_id read(const eval_context&, const activity_view& v, std::size_t i) noexcept { return detail::at_or_none(v.lead_id, i); }
  static const dense_id* column(const activity_view& v) noexcept { return v.lead_id.empty() ? nullptr : v.lead_id.data(); }
};
template <> struct id_reader<group::lead_key, leads_table> {
  static dense_id read(const eval_context&, const lead_view& v, std::size_t i) noexcept { return v.lead_id[i]; }
};
template <> struct id_reader<group::source_key, opportunities_table> {
  static dense_id read(const eval_context&, const opportunity_view& v, std::size_t i) noexcept { return detail::at_or_none(v.source, i); }
};
template <> struct id_reader<group::source_key, leads_table> {
  static dense_id read(const eval_context&, const lead_view& v, std::size_t i) noexcept { return detail::at_or_none(v.source, i); }
};

template <class Key, class T>
inline constexpr bool key_readable = requires(const eval_context& c, const typename T::view_type& v, std::size_t i) {
  id_reader<Key, T>::read(c, v, i);
} || std::is_same_v<Key, group::period_key> || std::is_same_v<Key, group::attribute_key> ||
                                     std::is_same_v<Key, group::everything_key>;

/// The dictionary of an id key's space, or null.
template <class Key>
const dictionary* dictionary_of(const crm_view& data) noexcept {
  if (data.dictionaries == nullptr) return nullptr;
  const crm_dictionaries& d = *data.dictionaries;
  if constexpr (std::is_same_v<Key, group::rep_key>) return &d.reps;
  else if constexpr (std::is_same_v<Key, group::contact_key>) return &d.contacts;
  else if constexpr (std::is_same_v<Key, group::account_key>) return &d.accounts;
  else if constexpr (std::is_same_v<Key, group::opportunity_key>) return &d.opportunities;
  else if constexpr (std::is_same_v<Key, group::lead_key>) return &d.leads;
  else if constexpr (std::is_same_v<Key, group::source_key>) return &d.sources;
  else return nullptr;
}

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
