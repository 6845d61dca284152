// salesmetrics/io/values.hpp: parsing and formatting of the cell values of CRM files.
//
// Definitions (exactly what is accepted; anything else gives std::nullopt and the loader rejects
// the row naming the column). An empty field never reaches these functions: it is "missing".
//   parse_timestamp
//     unix seconds   an optional '-' and 1..18 digits: 910930020 (so 20170301 is a unix time, not a date)
//     date           YYYY-MM-DD                              midnight UTC: 2017-03-01 = 1488326400
//     date-time      YYYY-MM-DD{T|t|' '}HH:MM[:SS[{.|,}digits]][zone]
//                    zone: Z, z, +HH:MM, -HH:MM, +HHMM, -HHMM, +HH or -HH; none = UTC.
//                    The offset is converted to UTC (10:00+02:00 = 08:00Z). A fractional second is
//                    dropped (floor to the second, the fraction being non-negative).
//     ranges         year 0000..9999 (4 digits), month 01..12, day 01..last day of that month
//                    (Gregorian leap years), hour 00..23, minute 00..59, second 00..59, offset hour
//                    00..23, offset minute 00..59; every part has exactly the digits shown. Slash
//                    dates (3/1/2017) are rejected: day and month order is ambiguous.
//   format_timestamp  "YYYY-MM-DDTHH:MM:SSZ" (years 0..9999), unix seconds otherwise; parse_timestamp
//                    reads back exactly the same instant.
//   parse_double     decimal or scientific notation with an optional sign ("1e3", "-0.5", "+2");
//                    inf, nan, hex floats, thousands separators and surrounding spaces are rejected.
//   format_double    shortest text that parses back to the same double (std::to_chars).
//   parse_bool       true/false, t/f, yes/no, y/n, 1/0 (case-insensitive).
//   parse_int64      an optional '-' and digits, within int64.
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/time.hpp>

#include <charconv>
#include <cstdio>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

SALESMETRICS_BEGIN_NAMESPACE
namespace io {

namespace detail {
[[nodiscard]] constexpr bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

[[nodiscard]] constexpr unsigned days_in_month(int year, int month) noexcept {
  constexpr unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29u : days[month - 1];
}
}  // namespace detail

[[nodiscard]] inline std::optional<std::int64_t> parse_int64(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

[[nodiscard]] constexpr std::optional<timestamp> parse_timestamp(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  // unix seconds
  if (s.size() <= 19 && s.find_first_not_of("0123456789", s[0] == '-' ? 1 : 0) == std::string_view::npos) {
    const std::size_t first = s[0] == '-' ? 1 : 0;
    if (s.size() == first || s.size() - first > 18) return std::nullopt;
    std::int64_t v = 0;
    for (std::size_t i = first; i < s.size(); ++i) v = v * 10 + (s[i] - '0');
    return from_unix(first ? -v : v);
  }
  int year = 0, month = 0, day = 0;
  if (s.size() < 10 || !detail::digits(s, 0, 4, year) || s[4] != '-' || !detail::digits(s, 5, 2, month) || s[7] != '-' ||
      !detail::digits(s, 8, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > detail::days_in_month(year, month))
    return std::nullopt;
  std::int64_t t = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * seconds_per_day;
  if (s.size() == 10) return from_unix(t);
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int hour = 0, minute = 0, second = 0;
  if (!detail::digits(s, 11, 2, hour) || s.size() < 16 || s[13] != ':' || !detail::digits(s, 14, 2, minute))
    return std::nullopt;
  std::size_t i = 16;
  if (i < s.size() && s[i] == ':') {
    if (!detail::digits(s, i + 1, 2, second)) return std::nullopt;
    i += 3;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      const std::size_t frac_begin = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == frac_begin) return std::nullopt;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  t += hour * 3600 + minute * 60 + second;
  if (i == s.size()) return from_unix(t);
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return from_unix(t);
  if (s[i] != '+' && s[i] != '-') return std::nullopt;
  const int sign = s[i] == '-' ? -1 : 1;
  int oh = 0, om = 0;
  if (!detail::digits(s, i + 1, 2, oh)) return std::nullopt;
  const std::size_t rest = s.size() - (i + 3);
  if (rest == 3) {
    if (s[i + 3] != ':' || !detail::digits(s, i + 4, 2, om)) return std::nullopt;
  } else if (rest == 2) {
    if (!detail::digits(s, i + 3, 2, om)) return std::nullopt;
  } else if (rest != 0) {
    return std::nullopt;
  }
  if (oh > 23 || om > 59) return std::nullopt;
  // local time = UTC + offset, so UTC = local - offset
  return from_unix(t - sign * (oh * 3600 + om * 60));
}

[[nodiscard]] inline std::string format_timestamp(timestamp t) {
  const std::int64_t s = to_unix(t);
  const std::int64_t day = unix_day(t);
  const civil_date c = civil_from_days(day);
  if (c.year < 0 || c.year > 9999) return std::to_string(s);
  const std::int64_t sod = s - day * seconds_per_day;
  const auto sec = static_cast<unsigned>(sod);  // 0 .. 86399
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02uZ", c.year, c.month % 100, c.day % 100, (sec / 3600) % 100,
                sec / 60 % 60, sec % 60);
  return buf;
}

[[nodiscard]] inline std::optional<double> parse_double(std::string_view s) noexcept {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s[0] == '+' || s[0] == ' ') return std::nullopt;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (ec != std::errc{} || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

[[nodiscard]] inline std::string format_double(double v) {
  char buf[64];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, ptr) : std::string();
}

[[nodiscard]] inline std::optional<bool> parse_bool(std::string_view s) noexcept {
  auto eq = [&](std::string_view w) {
    if (s.size() != w.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
      if (c != w[i]) return false;
    }
    return true;
  };
  if (eq("true") || eq("t") || eq("yes") || eq("y") || eq("1")) return true;
  if (eq("false") || eq("f") || eq("no") || eq("n") || eq("0")) return false;
  return std::nullopt;
}

}  // namespace io
SALESMETRICS_END_NAMESPACE
