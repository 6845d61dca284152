// salesmetrics/core/time.hpp: instants, durations and missing times.
//
// An instant is std::chrono::sys_seconds (UTC seconds since 1970-01-01). A missing instant
// (an open deal's close date, a lead that never converted) is `no_time`, the smallest
// representable value, so it sorts before every real instant and is tested with is_missing().
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

SALESMETRICS_BEGIN_NAMESPACE

using timestamp = std::chrono::sys_seconds;
using seconds = std::chrono::seconds;

inline constexpr timestamp no_time{seconds{std::numeric_limits<std::int64_t>::min()}};

[[nodiscard]] constexpr bool is_missing(timestamp t) noexcept { return t == no_time; }

[[nodiscard]] constexpr timestamp from_unix(std::int64_t s) noexcept { return timestamp{seconds{s}}; }
[[nodiscard]] constexpr std::int64_t to_unix(timestamp t) noexcept { return t.time_since_epoch().count(); }

inline constexpr std::int64_t seconds_per_day = 86400;

/// Days since 1970-01-01 of the UTC civil date of `t` (floor division, correct before 1970).
[[nodiscard]] constexpr std::int64_t unix_day(timestamp t) noexcept {
  const std::int64_t s = to_unix(t);
  return s >= 0 ? s / seconds_per_day : -((-s + seconds_per_day - 1) / seconds_per_day);
}

/// Length of [from, to) in days as a double (for cycle lengths and ages).
/// Whether the instants are in non-decreasing order. Checked a block at a time with a
/// branch-free test the compiler vectorises (std::is_sorted stops at every pair), stopping at
/// the first block out of order.
[[nodiscard]] inline bool in_time_order(std::span<const timestamp> ts) noexcept {
  constexpr std::size_t block = 2048;
  for (std::size_t b = 1; b < ts.size(); b += block) {
    const std::size_t e = std::min(ts.size(), b + block);
    bool ordered = true;
    for (std::size_t i = b; i < e; ++i) ordered &= to_unix(ts[i - 1]) <= to_unix(ts[i]);
    if (!ordered) return false;
  }
  return true;
}

[[nodiscard]] constexpr double days_between(timestamp from, timestamp to) noexcept {
  return static_cast<double>(to_unix(to) - to_unix(from)) / static_cast<double>(seconds_per_day);
}

/// A half-open time window [from, to). The default window is unbounded.
struct time_window {
  timestamp from{seconds{std::numeric_limits<std::int64_t>::min() + 1}};
  timestamp to{seconds{std::numeric_limits<std::int64_t>::max()}};

  [[nodiscard]] constexpr bool contains(timestamp t) const noexcept { return from <= t && t < to; }
  [[nodiscard]] static constexpr time_window all() noexcept { return {}; }
  /// The `days` days ending at `end` (exclusive): [end - days, end).
  [[nodiscard]] static constexpr time_window last_days(timestamp end, std::int64_t days) noexcept {
    return {end - seconds{days * seconds_per_day}, end};
  }
};

SALESMETRICS_END_NAMESPACE
