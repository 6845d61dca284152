// salesmetrics/core/calendar.hpp: calendar periods (day, ISO week, month, quarter, fiscal year).
//
// A period is identified by a dense integer index so that grouping by period is an array lookup:
//   day          days since 1970-01-01 (UTC)
//   iso_week     ISO-8601 weeks since the Monday 1969-12-29 (weeks start on Monday)
//   month        year * 12 + (month - 1)
//   quarter      year * 4 + (quarter - 1)
//   fiscal_year  the fiscal year's number, named after the calendar year in which it ENDS
//                (start month 2 => FY2025 runs 2024-02-01 .. 2025-01-31); start month 1 => calendar year
//   fiscal_quarter fiscal_year * 4 + (fiscal quarter - 1)
// All periods are UTC. label() turns an index back into "2024-03-15", "2024-W07", "2024-03",
// "2024-Q1", "FY2025", "FY2025-Q1".
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/time.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

SALESMETRICS_BEGIN_NAMESPACE

enum class period_unit : std::uint8_t { day, iso_week, month, quarter, fiscal_year, fiscal_quarter };

/// Civil date parts of a UTC instant (Hinnant's days-to-civil through std::chrono).
struct civil_date {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

[[nodiscard]] constexpr civil_date civil_from_days(std::int64_t days) noexcept {
  // Howard Hinnant's algorithm, valid over the whole int64 range we use.
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

[[nodiscard]] constexpr std::int64_t days_from_civil(int year, unsigned month, unsigned day) noexcept {
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

[[nodiscard]] constexpr civil_date civil(timestamp t) noexcept { return civil_from_days(unix_day(t)); }

/// ISO weekday, 1 = Monday .. 7 = Sunday.
[[nodiscard]] constexpr unsigned iso_weekday(std::int64_t unix_days) noexcept {
  // 1970-01-01 was a Thursday (4).
  const std::int64_t r = ((unix_days % 7) + 7) % 7;  // 0 = Thursday
  return static_cast<unsigned>((r + 3) % 7) + 1;
}

/// A calendar period kind with its fiscal start month (1..12, used by the fiscal units only).
struct calendar_period {
  period_unit unit = period_unit::month;
  unsigned fiscal_start_month = 1;

  [[nodiscard]] constexpr std::int64_t index(timestamp t) const noexcept { return index_of_day(unix_day(t)); }

  [[nodiscard]] constexpr std::int64_t index_of_day(std::int64_t d) const noexcept {
    switch (unit) {
      case period_unit::day: return d;
      case period_unit::iso_week: {
        const std::int64_t since_monday = d + 3;  // 1969-12-29 is day -3
        return since_monday >= 0 ? since_monday / 7 : -((-since_monday + 6) / 7);
      }
      default: break;
    }
    const civil_date c = civil_from_days(d);
    switch (unit) {
      case period_unit::month: return std::int64_t{c.year} * 12 + (c.month - 1);
      case period_unit::quarter: return std::int64_t{c.year} * 4 + (c.month - 1) / 3;
      case period_unit::fiscal_year: return fiscal_year_of(c);
      case period_unit::fiscal_quarter: {
        const unsigned months_in = (c.month + 12 - fiscal_start_month) % 12;
        return fiscal_year_of(c) * 4 + months_in / 3;
      }
      default: return 0;
    }
  }

  /// First instant of the period with this index.
  [[nodiscard]] constexpr timestamp start(std::int64_t idx) const noexcept {
    return from_unix(start_day(idx) * seconds_per_day);
  }
  /// First instant after the period (the start of the next one).
  [[nodiscard]] constexpr timestamp end(std::int64_t idx) const noexcept { return start(idx + 1); }

  [[nodiscard]] constexpr std::int64_t start_day(std::int64_t idx) const noexcept {
    switch (unit) {
      case period_unit::day: return idx;
      case period_unit::iso_week: return idx * 7 - 3;
      case period_unit::month: return days_from_civil(static_cast<int>(floor_div(idx, 12)), static_cast<unsigned>(mod(idx, 12)) + 1, 1);
      case period_unit::quarter:
        return days_from_civil(static_cast<int>(floor_div(idx, 4)), static_cast<unsigned>(mod(idx, 4)) * 3 + 1, 1);
      case period_unit::fiscal_year: return fiscal_start_day(idx, 0);
      case period_unit::fiscal_quarter: return fiscal_start_day(floor_div(idx, 4), static_cast<unsigned>(mod(idx, 4)) * 3);
    }
    return 0;
  }

  [[nodiscard]] std::string label(std::int64_t idx) const {
    char buf[32];
    switch (unit) {
      case period_unit::day: {
        const civil_date c = civil_from_days(idx);
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
        break;
      }
      case period_unit::iso_week: {
        // The ISO year of a week is the calendar year of its Thursday.
        const std::int64_t thursday = start_day(idx) + 3;
        const civil_date c = civil_from_days(thursday);
        const std::int64_t jan4 = days_from_civil(c.year, 1, 4);
        const std::int64_t week1_monday = jan4 - (iso_weekday(jan4) - 1);
        std::snprintf(buf, sizeof buf, "%04d-W%02d", c.year, static_cast<int>((start_day(idx) - week1_monday) / 7 + 1));
        break;
      }
      case period_unit::month:
        std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(floor_div(idx, 12)), static_cast<int>(mod(idx, 12)) + 1);
        break;
      case period_unit::quarter:
        std::snprintf(buf, sizeof buf, "%04d-Q%d", static_cast<int>(floor_div(idx, 4)), static_cast<int>(mod(idx, 4)) + 1);
        break;
      case period_unit::fiscal_year: std::snprintf(buf, sizeof buf, "FY%04d", static_cast<int>(idx)); break;
      case period_unit::fiscal_quarter:
        std::snprintf(buf, sizeof buf, "FY%04d-Q%d", static_cast<int>(floor_div(idx, 4)), static_cast<int>(mod(idx, 4)) + 1);
        break;
    }
    return buf;
  }

  [[nodiscard]] static constexpr calendar_period days() noexcept { return {period_unit::day, 1}; }
  [[nodiscard]] static constexpr calendar_period iso_weeks() noexcept { return {period_unit::iso_week, 1}; }
  [[nodiscard]] static constexpr calendar_period months() noexcept { return {period_unit::month, 1}; }
  [[nodiscard]] static constexpr calendar_period quarters() noexcept { return {period_unit::quarter, 1}; }
  [[nodiscard]] static calendar_period fiscal_years(unsigned start_month) { return {period_unit::fiscal_year, checked(start_month)}; }
  [[nodiscard]] static calendar_period fiscal_quarters(unsigned start_month) {
    return {period_unit::fiscal_quarter, checked(start_month)};
  }

 private:
  static constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
  }
  static constexpr std::int64_t mod(std::int64_t a, std::int64_t b) noexcept { return a - floor_div(a, b) * b; }
  static unsigned checked(unsigned m) {
    if (m < 1 || m > 12) throw std::invalid_argument("calendar_period: fiscal start month must be 1..12");
    return m;
  }
  [[nodiscard]] constexpr std::int64_t fiscal_year_of(const civil_date& c) const noexcept {
    // Named after the calendar year in which the fiscal year ends.
    return fiscal_start_month == 1 ? c.year : (c.month >= fiscal_start_month ? c.year + 1 : c.year);
  }
  [[nodiscard]] constexpr std::int64_t fiscal_start_day(std::int64_t fy, unsigned months_in) const noexcept {
    const int start_year = static_cast<int>(fiscal_start_month == 1 ? fy : fy - 1);
    const unsigned m0 = fiscal_start_month - 1 + months_in;  // 0-based month from start_year's January
    return days_from_civil(start_year + static_cast<int>(m0 / 12), m0 % 12 + 1, 1);
  }
};

SALESMETRICS_END_NAMESPACE
