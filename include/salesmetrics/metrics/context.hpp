// salesmetrics/metrics/context.hpp: what a metric may read besides its own row.
//
// evaluate_options are the runtime knobs of one evaluation: the time window [from, to), the
// "as of" instant for snapshot metrics (open deal ages, next scheduled interaction, stalled
// deals; default: the window's end when bounded, else the latest instant in the data), user
// inputs per group (quota, spend, margin, NPS ...: name -> group label -> value), and the list
// of lead sources that count as marketing-sourced. The engine turns them into an
// eval_context, adding per-opportunity columns derived once from the stage history when a
// metric in the set asks for them.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

/// Values supplied by the user per group, keyed by the group's label (e.g. a rep's name, or
/// "Moses Frase / 2017-Q1" for composite keys). A missing entry reads as NaN.
using input_table = std::map<std::string, std::map<std::string, double, std::less<>>, std::less<>>;

struct evaluate_options {
  time_window window{};
  timestamp as_of = no_time;
  input_table inputs{};
  std::vector<std::string> marketing_sources{};
};

/// What a metric may ask the engine to prepare, with `static constexpr unsigned needs = ...;`
/// (bits may be or-ed). Leaves ask for the per-row columns; a derived metric that reads
/// group_label asks for it, so that evaluations without one never build the labels' string.
namespace needs {
inline constexpr unsigned as_of = 1;             // ctx.as_of must be set
inline constexpr unsigned stage_entered = 2;     // ctx.stage_entered (implies as_of)
inline constexpr unsigned first_win = 4;         // ctx.first_win_of_account
inline constexpr unsigned marketing_source = 8;  // ctx.marketing_source
inline constexpr unsigned group_label = 16;      // ctx.group_label while results are computed
inline constexpr unsigned opportunity_row = 32;  // ctx.opportunity_row (a row that links to a deal reads the deal)
}  // namespace needs

struct eval_context {
  time_window window{};
  timestamp as_of = no_time;
  const crm_view* data = nullptr;
  const input_table* inputs = nullptr;
  std::vector<bool> marketing_source;             // by source id, filled when a metric needs it
  std::vector<timestamp> stage_entered;           // by opportunity row: when its current stage began
  std::vector<std::uint8_t> first_win_of_account; // by opportunity row: 1 if its account's first won deal
  std::vector<std::int32_t> opportunity_row;      // by opportunity id: its row, -1 if absent (needs::opportunity_row)
  std::string group_label;                         // while computing results: the group's label (needs::group_label)
};

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
