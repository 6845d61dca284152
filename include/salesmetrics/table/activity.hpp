// salesmetrics/table/activity.hpp: the activity history (one row per e-mail, meeting or call).
//
// Columns (SCHEMA.md). Required: ts, type, direction, rep_id. Optional (empty = absent):
//   activity_id     dense id of the user's activity id (the row index is the id when absent)
//   contact_id, account_id, opportunity_id, lead_id, thread_id   dense ids, no_id = none
//   duration_min    minutes (meetings, calls); NaN = unknown
//   subject_id      dense id of the subject text in the subjects dictionary (reply threading)
//   status          completed or scheduled
//   our_attendees   our people in a meeting (0 = unknown, counted as 1)
// Memory: 8 + 1 + 1 + 4 (ts, type, direction, rep) bytes per row for the required columns, plus
// the width of each optional column present; no per-row heap objects.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/column.hpp>

#include <array>
#include <cstdint>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE

template <template <class> class Column>
struct activity_columns {
  using columns_type = activity_columns;
  static constexpr std::string_view table_name = "activities";
  static constexpr std::array<std::string_view, 4> required_columns{"ts", "type", "direction", "rep_id"};

  BOOST_HANA_DEFINE_STRUCT(activity_columns,
    (Column<timestamp>, ts),
    (Column<activity_type>, type),
    (Column<salesmetrics::direction>, direction),
    (Column<dense_id>, rep_id),
    (Column<dense_id>, activity_id),
    (Column<dense_id>, contact_id),
    (Column<dense_id>, account_id),
    (Column<dense_id>, opportunity_id),
    (Column<dense_id>, lead_id),
    (Column<float>, duration_min),
    (Column<dense_id>, thread_id),
    (Column<dense_id>, subject_id),
    (Column<activity_status>, status),
    (Column<std::uint8_t>, our_attendees));

  [[nodiscard]] std::size_t size() const noexcept { return ts.size(); }
};

/// Non-owning columns over anyone's memory.
struct activity_view : activity_columns<column_view> {
  /// The caller's promise that ts is non-decreasing, established once at ingest (SCHEMA.md: e.g.
  /// validate() with require_sorted_activities reported no problem). Windows then go straight to
  /// their rows and reply pairing skips its order check. false = unknown: whoever needs the order
  /// checks it (one pass over ts). A false promise gives wrong results.
  bool ts_sorted = false;
};

/// Whether the activities are in ts order: promised (ts_sorted) or checked now.
[[nodiscard]] inline bool rows_in_time_order(const activity_view& a) noexcept { return a.ts_sorted || in_time_order(a.ts); }

/// Owning columns, filled by loaders and the generator.
struct activity_store : activity_columns<column_vector> {
  [[nodiscard]] activity_view view() const {
    activity_view v;
    detail::assign_view(v, *this);
    return v;
  }
  void reserve(std::size_t n) {
    detail::for_each_column(*this, [n](std::string_view, auto& col) { col.reserve(n); });
  }
};

SALESMETRICS_END_NAMESPACE
