// salesmetrics/relationship/timeline_metrics.hpp: daily interaction counts over the window and the longest silences.
//
// Definitions (metric-engine metrics over an annotated_view; interactions as in interaction_metrics.hpp)
//   window days   the UTC days D0..D1 the current window touches: D0 = day of `from`, D1 = day of
//                 `to` - 1 s. A side left unbounded (the default window is bounded) takes the first
//                 (D0) or last (D1) day with an interaction instead.
//   timeline      for each window day and cell (e-mail/meeting/call x by us/by them) the number of
//                 interactions that day; kept sparse: only days with an interaction are stored.
// | metric                    | definition                                                         | empty group |
// |---------------------------|--------------------------------------------------------------------|-------------|
// | active_days               | window days with at least one interaction                          | 0           |
// | longest_silence_days      | the longest run of consecutive window days without an interaction, | D1 - D0 + 1 |
// |                           | counting the runs before the first and after the last interaction  | (0 when a   |
// |                           | (an account silent for its last 40 days shows 40)                   | side is unbounded) |
// | longest_gap_between_days  | the longest run of days without an interaction strictly between    | 0           |
// |                           | two days with interactions (d_next - d - 1); 0 with < 2 active days |             |
// State: one 8-byte code (day x 8 + cell) per interaction, merged by concatenation; sorted only
// when read.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/detail/metric_states.hpp>
#include <salesmetrics/metrics/metric.hpp>
#include <salesmetrics/relationship/annotated_view.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

/// One day of a timeline: interactions per cell (e-mails by us, by them, meetings by us, by
/// them, calls by us, by them).
struct timeline_day {
  std::int64_t day = 0;  // days since 1970-01-01 (UTC)
  std::array<std::int32_t, 6> counts{};
  friend bool operator==(const timeline_day&, const timeline_day&) = default;
};

struct timeline_gaps {
  std::int64_t active_days = 0;
  std::int64_t longest_silence_days = 0;
  std::int64_t longest_gap_between_days = 0;
};

namespace detail {
[[nodiscard]] constexpr std::int64_t floor_div8(std::int64_t c) noexcept { return c >= 0 ? c / 8 : -((-c + 7) / 8); }
}  // namespace detail

/// Leaf: the interactions of the current window as day x cell codes.
struct daily_timeline {
  static constexpr std::string_view name = "daily_timeline";
  using table = metrics::activities_table;
  struct state {
    std::vector<std::int64_t> codes;
    void save(std::string& out) const { metrics::detail::save_vector(out, codes); }
    void load(std::string_view& in) { metrics::detail::load_vector(in, codes); }
  };
  using result_type = timeline_gaps;
  static void update(state& s, const activity_view& v, std::size_t i, const metrics::eval_context& c) {
    const int cell = detail::interaction_cell(v, i);
    if (cell < 0 || !detail::completed(v, i) || !detail::annotated(c).windows.current.contains(v.ts[i])) return;
    s.codes.push_back(unix_day(v.ts[i]) * 8 + cell);
  }
  static void merge(state& a, const state& b) { a.codes.insert(a.codes.end(), b.codes.begin(), b.codes.end()); }

  /// The sparse timeline, ordered by day.
  [[nodiscard]] static std::vector<timeline_day> days(const state& s) {
    std::vector<std::int64_t> codes(s.codes);
    std::sort(codes.begin(), codes.end());
    std::vector<timeline_day> out;
    for (std::int64_t code : codes) {
      const std::int64_t day = detail::floor_div8(code);
      if (out.empty() || out.back().day != day) out.push_back({day, {}});
      ++out.back().counts[static_cast<std::size_t>(code - day * 8)];
    }
    return out;
  }

  /// Gaps over the window days of `w` (see the definitions above), from the sorted active days.
  [[nodiscard]] static timeline_gaps gaps(const std::vector<std::int64_t>& active, const time_window& w) {
    timeline_gaps g;
    g.active_days = static_cast<std::int64_t>(active.size());
    const bool bounded_from = w.from != time_window{}.from, bounded_to = w.to != time_window{}.to;
    if (active.empty()) {
      if (bounded_from && bounded_to) g.longest_silence_days = unix_day(w.to - seconds{1}) - unix_day(w.from) + 1;
      return g;
    }
    const std::int64_t d0 = bounded_from ? unix_day(w.from) : active.front();
    const std::int64_t d1 = bounded_to ? unix_day(w.to - seconds{1}) : active.back();
    for (std::size_t k = 1; k < active.size(); ++k)
      g.longest_gap_between_days = std::max(g.longest_gap_between_days, active[k] - active[k - 1] - 1);
    g.longest_silence_days = std::max({g.longest_gap_between_days, active.front() - d0, d1 - active.back()});
    return g;
  }

  static result_type result(const state& s, const metrics::eval_context& c) {
    std::vector<std::int64_t> active;
    active.reserve(s.codes.size());
    for (std::int64_t code : s.codes) active.push_back(detail::floor_div8(code));
    std::sort(active.begin(), active.end());
    active.erase(std::unique(active.begin(), active.end()), active.end());
    return gaps(active, detail::annotated(c).windows.current);
  }
};

struct active_days : metrics::depends_on<daily_timeline> {
  static constexpr std::string_view name = "active_days";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const metrics::eval_context&) {
    return r.template get<daily_timeline>().active_days;
  }
};
struct longest_silence_days : metrics::depends_on<daily_timeline> {
  static constexpr std::string_view name = "longest_silence_days";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const metrics::eval_context&) {
    return r.template get<daily_timeline>().longest_silence_days;
  }
};
struct longest_gap_between_days : metrics::depends_on<daily_timeline> {
  static constexpr std::string_view name = "longest_gap_between_days";
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const metrics::eval_context&) {
    return r.template get<daily_timeline>().longest_gap_between_days;
  }
};

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
