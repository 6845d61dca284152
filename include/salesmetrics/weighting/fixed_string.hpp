// salesmetrics/weighting/fixed_string.hpp: a string usable as a template argument (scorecard, profile and badge names).
//
// fixed_string<N> holds N chars including the terminating '\0', so `scorecard<"steady", ...>`
// deduces N = 7. It is a structural type (public array member), which C++20 requires of class
// non-type template parameters, and compilers print it as fixed_string<7>{"steady"} in
// diagnostics, which is how compile-time errors name the offending scorecard.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cstddef>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

template <std::size_t N>
struct fixed_string {
  static_assert(N >= 1, "salesmetrics::weighting::fixed_string<N>: N counts the terminating '\\0', so N >= 1");
  char data[N]{};

  constexpr fixed_string(const char (&s)[N]) noexcept {  // NOLINT: implicit on purpose ("name" -> fixed_string)
    for (std::size_t i = 0; i < N; ++i) data[i] = s[i];
  }
  /// The characters before the terminating '\0'.
  [[nodiscard]] constexpr std::string_view view() const noexcept { return std::string_view(data, N - 1); }
  [[nodiscard]] static constexpr std::size_t size() noexcept { return N - 1; }
};

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
