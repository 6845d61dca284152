// salesmetrics/table/opportunity.hpp: opportunities (deals), one row each.
//
// Columns (SCHEMA.md). Required: opportunity_id, created_ts, stage, status. Optional:
//   account_id, owner_rep_id      dense ids
//   expected_close_ts             forecast close date (may be past for slipped deals); no_time = none
//   closed_ts                     no_time while open
//   amount                        exact money; money::missing() = unknown
//   probability                   the CRM's own probability, 0..1; NaN = unknown
//   forecast_category             pipeline, best_case, commit, closed, omitted
//   source                        dense id into the sources dictionary (lead source / origin)
// plus any number of named attribute columns (segment, product, region, client size ...).
// `stage` is an index into the data set's stage_list. For a closed deal it is either the
// terminal stage matching `status` or the last open stage the deal was in (the benchmark
// format's convention); validate() accepts both and rejects a terminal stage that contradicts
// the status.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/column.hpp>
#include <salesmetrics/table/stages.hpp>

#include <array>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE

template <template <class> class Column>
struct opportunity_columns {
  using columns_type = opportunity_columns;
  static constexpr std::string_view table_name = "opportunities";
  static constexpr std::array<std::string_view, 4> required_columns{"opportunity_id", "created_ts", "stage", "status"};

  BOOST_HANA_DEFINE_STRUCT(opportunity_columns,
    (Column<dense_id>, opportunity_id),
    (Column<timestamp>, created_ts),
    (Column<stage_index>, stage),
    (Column<deal_status>, status),
    (Column<dense_id>, account_id),
    (Column<dense_id>, owner_rep_id),
    (Column<timestamp>, expected_close_ts),
    (Column<timestamp>, closed_ts),
    (Column<money>, amount),
    (Column<float>, probability),
    (Column<salesmetrics::forecast_category>, forecast_category),
    (Column<dense_id>, source));

  [[nodiscard]] std::size_t size() const noexcept { return opportunity_id.size(); }
};

struct opportunity_view : opportunity_columns<column_view>, attribute_views {};

struct opportunity_store : opportunity_columns<column_vector>, attribute_stores {
  [[nodiscard]] opportunity_view view() const {
    opportunity_view v;
    detail::assign_view(v, *this);
    static_cast<attribute_views&>(v) = attribute_view_list();
    return v;
  }
};

SALESMETRICS_END_NAMESPACE
