// salesmetrics/core/enums.hpp: the typed codes of the CRM tables and their text forms.
//
// Each enum is one byte in memory. parse_<enum>(text) accepts the canonical names below and the
// spellings Salesforce and Dynamics 365 exports use (case-insensitive, spaces/underscores/hyphens
// ignored); it returns std::nullopt for anything else, and the loader reports the row.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE

enum class activity_type : std::uint8_t { email = 0, meeting = 1, phone_call = 2, task = 3, note = 4 };
enum class direction : std::uint8_t { outbound = 0, inbound = 1 };  // outbound = initiated by our side
enum class activity_status : std::uint8_t { completed = 0, scheduled = 1 };
enum class deal_status : std::uint8_t { open = 0, won = 1, lost = 2 };
enum class forecast_category : std::uint8_t { pipeline = 0, best_case = 1, commit = 2, closed = 3, omitted = 4 };
enum class lead_status : std::uint8_t { open = 0, converted = 1, disqualified = 2 };

/// Number of values of each enum (for dense per-code arrays).
template <class E> inline constexpr std::size_t enum_count = 0;
template <> inline constexpr std::size_t enum_count<activity_type> = 5;
template <> inline constexpr std::size_t enum_count<direction> = 2;
template <> inline constexpr std::size_t enum_count<activity_status> = 2;
template <> inline constexpr std::size_t enum_count<deal_status> = 3;
template <> inline constexpr std::size_t enum_count<forecast_category> = 5;
template <> inline constexpr std::size_t enum_count<lead_status> = 3;

template <class E> [[nodiscard]] constexpr std::size_t index_of(E e) noexcept { return static_cast<std::size_t>(e); }

namespace detail {
template <std::size_t N> using names_t = std::array<std::string_view, N>;
inline constexpr names_t<5> activity_type_names{"email", "meeting", "phone_call", "task", "note"};
inline constexpr names_t<2> direction_names{"outbound", "inbound"};
inline constexpr names_t<2> activity_status_names{"completed", "scheduled"};
inline constexpr names_t<3> deal_status_names{"open", "won", "lost"};
inline constexpr names_t<5> forecast_category_names{"pipeline", "best_case", "commit", "closed", "omitted"};
inline constexpr names_t<3> lead_status_names{"open", "converted", "disqualified"};

/// Lower-cases ASCII and drops ' ', '_', '-' so "Phone Call", "phone_call" and "PhoneCall" compare equal.
inline std::string fold_code(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ' ' || c == '_' || c == '-') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

struct alias {
  std::string_view folded;
  std::uint8_t code;
};

template <class E, std::size_t N, std::size_t M>
std::optional<E> parse_code(std::string_view text, const names_t<N>& names, const std::array<alias, M>& aliases) {
  const std::string f = fold_code(text);
  for (std::size_t i = 0; i < N; ++i)
    if (fold_code(names[i]) == f) return static_cast<E>(i);
  for (const alias& a : aliases)
    if (a.folded == f) return static_cast<E>(a.code);
  return std::nullopt;
}
}  // namespace detail

[[nodiscard]] constexpr std::string_view to_string(activity_type e) noexcept { return detail::activity_type_names[index_of(e)]; }
[[nodiscard]] constexpr std::string_view to_string(direction e) noexcept { return detail::direction_names[index_of(e)]; }
[[nodiscard]] constexpr std::string_view to_string(activity_status e) noexcept { return detail::activity_status_names[index_of(e)]; }
[[nodiscard]] constexpr std::string_view to_string(deal_status e) noexcept { return detail::deal_status_names[index_of(e)]; }
[[nodiscard]] constexpr std::string_view to_string(forecast_category e) noexcept { return detail::forecast_category_names[index_of(e)]; }
[[nodiscard]] constexpr std::string_view to_string(lead_status e) noexcept { return detail::lead_status_names[index_of(e)]; }

// Aliases: Salesforce Task.TaskSubtype / Event, Dynamics activitytypecode, common free-text spellings.
[[nodiscard]] inline std::optional<activity_type> parse_activity_type(std::string_view s) {
  static constexpr std::array<detail::alias, 9> aliases{{{"e-mail", 0}, {"mail", 0}, {"event", 1}, {"appointment", 1},
                                                         {"call", 2}, {"phonecall", 2}, {"phone", 2}, {"todo", 3},
                                                         {"annotation", 4}}};
  return detail::parse_code<activity_type>(s, detail::activity_type_names, aliases);
}
[[nodiscard]] inline std::optional<direction> parse_direction(std::string_view s) {
  // No "true"/"false": exports disagree on which one means outgoing (Dynamics directioncode: true = outgoing).
  static constexpr std::array<detail::alias, 6> aliases{{{"out", 0}, {"sent", 0}, {"outgoing", 0},
                                                         {"in", 1}, {"received", 1}, {"incoming", 1}}};
  return detail::parse_code<direction>(s, detail::direction_names, aliases);
}
[[nodiscard]] inline std::optional<activity_status> parse_activity_status(std::string_view s) {
  static constexpr std::array<detail::alias, 7> aliases{{{"done", 0}, {"closed", 0}, {"completed", 0}, {"open", 1},
                                                         {"notstarted", 1}, {"planned", 1}, {"inprogress", 1}}};
  return detail::parse_code<activity_status>(s, detail::activity_status_names, aliases);
}
[[nodiscard]] inline std::optional<deal_status> parse_deal_status(std::string_view s) {
  static constexpr std::array<detail::alias, 4> aliases{{{"closedwon", 1}, {"closedlost", 2}, {"inprogress", 0}, {"active", 0}}};
  return detail::parse_code<deal_status>(s, detail::deal_status_names, aliases);
}
[[nodiscard]] inline std::optional<forecast_category> parse_forecast_category(std::string_view s) {
  static constexpr std::array<detail::alias, 3> aliases{{{"bestcase", 1}, {"won", 3}, {"omit", 4}}};
  return detail::parse_code<forecast_category>(s, detail::forecast_category_names, aliases);
}
[[nodiscard]] inline std::optional<lead_status> parse_lead_status(std::string_view s) {
  static constexpr std::array<detail::alias, 3> aliases{{{"qualified", 1}, {"won", 1}, {"lost", 2}}};
  return detail::parse_code<lead_status>(s, detail::lead_status_names, aliases);
}

SALESMETRICS_END_NAMESPACE
