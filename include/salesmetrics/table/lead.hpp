// salesmetrics/table/lead.hpp: leads, one row each.
//
// Columns (SCHEMA.md). Required: lead_id, created_ts (first contact). Optional: source (dense id
// into the sources dictionary), owner_rep_id, converted_ts (no_time = not converted),
// opportunity_id (the opportunity it converted into), status (open, converted, disqualified),
// plus named attribute columns (landing page, segment ...).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/column.hpp>

#include <array>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE

template <template <class> class Column>
struct lead_columns {
  using columns_type = lead_columns;
  static constexpr std::string_view table_name = "leads";
  static constexpr std::array<std::string_view, 2> required_columns{"lead_id", "created_ts"};

  BOOST_HANA_DEFINE_STRUCT(lead_columns,
    (Column<dense_id>, lead_id),
    (Column<timestamp>, created_ts),
    (Column<dense_id>, source),
    (Column<dense_id>, owner_rep_id),
    (Column<timestamp>, converted_ts),
    (Column<dense_id>, opportunity_id),
    (Column<lead_status>, status));

  [[nodiscard]] std::size_t size() const noexcept { return lead_id.size(); }
};

struct lead_view : lead_columns<column_view>, attribute_views {};

struct lead_store : lead_columns<column_vector>, attribute_stores {
  [[nodiscard]] lead_view view() const {
    lead_view v;
    detail::assign_view(v, *this);
    static_cast<attribute_views&>(v) = attribute_view_list();
    return v;
  }
};

SALESMETRICS_END_NAMESPACE
