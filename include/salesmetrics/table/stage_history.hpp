// salesmetrics/table/stage_history.hpp: opportunity stage history, one row per stage change.
//
// Columns (SCHEMA.md). Required: opportunity_id, ts, from_stage (no_stage = the creation row),
// to_stage. Optional: amount and expected_close_ts, the values after the change (deal flow:
// pushed, pulled in, increased, decreased). Rows are expected sorted by (opportunity_id, ts);
// validate() checks the order and that rows chain (from_stage = the previous row's to_stage).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/column.hpp>
#include <salesmetrics/table/stages.hpp>

#include <array>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE

template <template <class> class Column>
struct stage_history_columns {
  using columns_type = stage_history_columns;
  static constexpr std::string_view table_name = "stage_history";
  static constexpr std::array<std::string_view, 4> required_columns{"opportunity_id", "ts", "from_stage", "to_stage"};

  BOOST_HANA_DEFINE_STRUCT(stage_history_columns,
    (Column<dense_id>, opportunity_id),
    (Column<timestamp>, ts),
    (Column<stage_index>, from_stage),
    (Column<stage_index>, to_stage),
    (Column<money>, amount),
    (Column<timestamp>, expected_close_ts));

  [[nodiscard]] std::size_t size() const noexcept { return opportunity_id.size(); }
};

struct stage_history_view : stage_history_columns<column_view> {};

struct stage_history_store : stage_history_columns<column_vector> {
  [[nodiscard]] stage_history_view view() const {
    stage_history_view v;
    detail::assign_view(v, *this);
    return v;
  }
};

SALESMETRICS_END_NAMESPACE
