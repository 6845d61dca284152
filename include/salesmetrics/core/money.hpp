// salesmetrics/core/money.hpp: exact money in integer minor units.
//
// Amounts are held as a signed 64-bit count of cents (1/100 of the currency unit), so sums are
// exact, associative and identical between sequential and parallel runs ("correct to the last
// cent"). Text is parsed exactly ("1054", "-3.5", "1,054.25" is rejected: thousands separators
// are ambiguous across locales). Doubles are rounded half away from zero to the nearest cent.
// A missing amount is money::missing() and is skipped by the metrics that sum amounts.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cmath>
#include <compare>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE

/// round(x) to the nearest integer, halves away from zero: std::llround for finite |x| < 2^63,
/// inline and without a branch (the fractional part x - trunc(x) is exact in binary floating
/// point; whether it reaches a half is a coin flip for real amounts, which a branch would
/// mispredict half the time). For per-row rounding in hot loops. Larger magnitudes saturate at
/// +-(2^63 - 1024) and NaN gives the negative bound: defined for any input (a weight read from
/// unvalidated data may be anything), where llround's result would be unspecified.
[[nodiscard]] inline std::int64_t round_half_away(double x) noexcept {
  constexpr double bound = 9223372036854774784.0;  // 2^63 - 1024, the largest double below 2^63
  x = std::fmin(std::fmax(x, -bound), bound);      // fmax(NaN, -bound) is -bound
  const auto t = static_cast<std::int64_t>(x);
  const double frac = x - static_cast<double>(t);
  return t + static_cast<std::int64_t>(frac >= 0.5) - static_cast<std::int64_t>(frac <= -0.5);
}

struct money {
  std::int64_t cents = 0;

  [[nodiscard]] static constexpr money from_cents(std::int64_t c) noexcept { return money{c}; }
  [[nodiscard]] static constexpr money missing() noexcept { return money{std::numeric_limits<std::int64_t>::min()}; }
  [[nodiscard]] static money from_double(double units) noexcept { return money{std::llround(units * 100.0)}; }

  [[nodiscard]] constexpr bool is_missing() const noexcept { return cents == std::numeric_limits<std::int64_t>::min(); }
  [[nodiscard]] constexpr double units() const noexcept { return static_cast<double>(cents) / 100.0; }

  constexpr money& operator+=(money o) noexcept { cents += o.cents; return *this; }
  constexpr money& operator-=(money o) noexcept { cents -= o.cents; return *this; }
  [[nodiscard]] friend constexpr money operator+(money a, money b) noexcept { return money{a.cents + b.cents}; }
  [[nodiscard]] friend constexpr money operator-(money a, money b) noexcept { return money{a.cents - b.cents}; }
  [[nodiscard]] friend constexpr money operator-(money a) noexcept { return money{-a.cents}; }
  friend constexpr auto operator<=>(money, money) noexcept = default;
};

/// "1054.00", "-3.50"; "" for a missing amount.
[[nodiscard]] inline std::string to_string(money m) {
  if (m.is_missing()) return {};
  const bool neg = m.cents < 0;
  const std::uint64_t a = neg ? static_cast<std::uint64_t>(-(m.cents + 1)) + 1 : static_cast<std::uint64_t>(m.cents);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", neg ? "-" : "", static_cast<unsigned long long>(a / 100),
                static_cast<unsigned long long>(a % 100));
  return buf;
}

/// Exact decimal parse: optional sign, digits, optional '.' and up to 2 decimals (more decimals
/// are accepted only when they are zeros, e.g. "12.500"). Returns nullopt on anything else.
[[nodiscard]] inline std::optional<money> parse_money(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  std::size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  std::int64_t whole = 0;
  std::size_t digits = 0;
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 1000;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
    if (whole > limit) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
  }
  std::int64_t frac = 0;
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++frac_digits) {
      if (frac_digits < 2) frac = frac * 10 + (s[i] - '0');
      else if (s[i] != '0') return std::nullopt;  // sub-cent precision would be lost
    }
  }
  if (i != s.size() || (digits == 0 && frac_digits == 0)) return std::nullopt;
  if (frac_digits == 1) frac *= 10;
  const std::int64_t c = whole * 100 + frac;
  return money{neg ? -c : c};
}

SALESMETRICS_END_NAMESPACE
