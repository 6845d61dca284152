// salesmetrics/relationship/record_key.hpp: the RecordKey concept (which records a relationship panel is built for).
//
// Definitions: a record key is one of the metric engine's group keys
//   metrics::group::contact                                   one panel per contact (the customer's person)
//   metrics::group::account                                   one panel per account (the customer's company)
//   metrics::group::opportunity                               one panel per opportunity
//   metrics::group::lead                                      one panel per lead
//   metrics::group::by(metrics::group::rep, metrics::group::contact)  one panel per seller-contact pair
// An activity belongs to the record its row names (activities.contact_id, account_id,
// opportunity_id, lead_id; rep_id and contact_id for a pair). Activities whose record id is
// missing (no_id, or the column is absent) belong to no record and are not reported.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/metrics/group_by.hpp>

#include <cstdint>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

enum class record_kind : std::uint8_t { contact, account, opportunity, lead, rep_contact };

[[nodiscard]] constexpr std::string_view to_string(record_kind k) noexcept {
  switch (k) {
    case record_kind::contact: return "contact";
    case record_kind::account: return "account";
    case record_kind::opportunity: return "opportunity";
    case record_kind::lead: return "lead";
    case record_kind::rep_contact: return "rep_contact";
  }
  return "";
}

/// record_key_traits<K>::kind names the record of a key; undefined for other keys.
template <class K> struct record_key_traits {};
template <> struct record_key_traits<metrics::group::contact_key> {
  static constexpr record_kind kind = record_kind::contact;
};
template <> struct record_key_traits<metrics::group::account_key> {
  static constexpr record_kind kind = record_kind::account;
};
template <> struct record_key_traits<metrics::group::opportunity_key> {
  static constexpr record_kind kind = record_kind::opportunity;
};
template <> struct record_key_traits<metrics::group::lead_key> {
  static constexpr record_kind kind = record_kind::lead;
};
template <> struct record_key_traits<metrics::group::composite<metrics::group::rep_key, metrics::group::contact_key>> {
  static constexpr record_kind kind = record_kind::rep_contact;
};

template <class K>
concept RecordKey = requires {
  { record_key_traits<K>::kind } -> std::convertible_to<record_kind>;
};

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
