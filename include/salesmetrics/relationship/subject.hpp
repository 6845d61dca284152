// salesmetrics/relationship/subject.hpp: the normalised e-mail subject that rebuilds threads when an export has no thread id.
//
// Definition: normalise_subject(s) repeats, while it applies,
//   skip spaces and tabs; match one of the prefixes "re", "fwd", "fw" in any letter case;
//   skip spaces and tabs; require ':'
// and then trims spaces and tabs (also at the end). So "RE: Re:FW : Budget " -> "Budget" and
// "Fwd: re: Budget" -> "Budget". Nothing else changes: the remaining text keeps its letter case
// and inner spacing ("Budget" and "budget" are different subjects), and a word that only starts
// like a prefix is kept ("Report: Q3" stays "Report: Q3", "Re Q3" stays "Re Q3").
// The result is a view into `s`; "" when nothing is left (such subjects do not form threads).
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cstddef>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

namespace detail {
[[nodiscard]] constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }
[[nodiscard]] constexpr char lower_ascii(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
/// Length of the reply/forward prefix (token, blanks, ':') at the start of s, or 0.
[[nodiscard]] constexpr std::size_t prefix_length(std::string_view s) noexcept {
  for (std::string_view token : {std::string_view("fwd"), std::string_view("fw"), std::string_view("re")}) {
    if (s.size() < token.size()) continue;
    bool match = true;
    for (std::size_t k = 0; k < token.size(); ++k) match = match && lower_ascii(s[k]) == token[k];
    if (!match) continue;
    std::size_t i = token.size();
    while (i < s.size() && is_blank(s[i])) ++i;
    if (i < s.size() && s[i] == ':') return i + 1;
  }
  return 0;
}
}  // namespace detail

[[nodiscard]] constexpr std::string_view normalise_subject(std::string_view s) noexcept {
  while (true) {
    while (!s.empty() && detail::is_blank(s.front())) s.remove_prefix(1);
    const std::size_t p = detail::prefix_length(s);
    if (p == 0) break;
    s.remove_prefix(p);
  }
  while (!s.empty() && detail::is_blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
