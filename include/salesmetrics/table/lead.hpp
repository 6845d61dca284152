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
#include <optional>
#include <string_view>
#include <vector>

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

struct lead_view : lead_columns<column_view> {
  std::vector<attribute_view> attributes;

  [[nodiscard]] std::optional<attribute_view> attribute(std::string_view name) const {
    for (const auto& a : attributes)
      if (a.name == name) return a;
    return std::nullopt;
  }
};

struct lead_store : lead_columns<column_vector> {
  std::vector<attribute_store> attributes;

  [[nodiscard]] lead_view view() const {
    lead_view v;
    detail::assign_view(v, *this);
    for (const auto& a : attributes) v.attributes.push_back(a.view());
    return v;
  }
  attribute_store& attribute(std::string_view name) {
    for (auto& a : attributes)
      if (a.name == name) return a;
    attributes.push_back(attribute_store{std::string(name), true, {}, {}, {}});
    return attributes.back();
  }
};

SALESMETRICS_END_NAMESPACE
