// salesmetrics/forecast/deal_flow.hpp: how the pipeline moved between two dates (pipeline waterfall).
//
//   forecast::deal_flow_result f = forecast::deal_flow(history, opportunities, stages, from, to);
//
// Each opportunity's state at `from` and at `to` comes from the stage history (forecast/as_of.hpp:
// rows with ts <= the date; the same single pass for both dates). "Open" = exists and its stage is
// not stages.won() / stages.lost(). Amounts here read a missing amount as 0 (so the waterfall
// balances); the period of an expected close date is options.period (default: months). The flow is
// net: only the two states are compared, not the path between them.
// Classes (flow_totals: deals and the sum of amounts, in cents):
//   starting        open at from (amount at from);   ending   open at to (amount at to)
//   created_open    not existing at from, open at to (amount at to)
//   created_won, created_lost   not existing at from, won / lost at to (amount at to)
//   won, lost       open at from, won / lost at to (amount at from: what left the pipeline)
//   won_booked      the same deals as `won`, amount at to (what was booked)
//   reopened        won or lost at from, open at to (amount at to)
//   stayed_closed   won or lost at both dates (not part of the pipeline; amount at to)
//   Deals open at both dates, each counted in one of:
//     advanced / moved_back / same_stage     stage index at to >, <, = stage index at from (the stage
//                                            list orders the open stages) (amount at to)
//   and independently in at most one of:
//     pushed / pulled_in   expected close period at to later / earlier than at from (both dates
//                          present; amount at to);  close_date_changed_missing: present on one side only
//   and in at most one of:
//     amount_increased / amount_decreased   amount at to > / < amount at from; `amount` sums the
//                          change (to - from), so amount_decreased.amount is negative
// Balance (checked by the tests):
//   ending.amount = starting.amount - won.amount - lost.amount + created_open.amount + reopened.amount
//                   + amount_increased.amount + amount_decreased.amount
//   ending.deals  = starting.deals - won.deals - lost.deals + created_open.deals + reopened.deals
// Amount and close date at a date: the history's values (carried forward), or the opportunity
// table's current values when the history lacks the column (as in as_of.hpp).
// options.keep_records: also one deal_flow_record per opportunity that exists at `to` or `from`.
// Errors (std::invalid_argument): to < from, a stage list without open stages, and the history
// errors of as_of.hpp.
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/forecast/as_of.hpp>
#include <salesmetrics/table/opportunity.hpp>
#include <salesmetrics/table/stage_history.hpp>
#include <salesmetrics/table/stages.hpp>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

struct flow_totals {
  std::int64_t deals = 0;
  money amount{};
  void add(money m) noexcept {
    ++deals;
    amount += m;
  }
  friend bool operator==(const flow_totals&, const flow_totals&) = default;
};

/// Flags of one deal's flow (bit set).
namespace flow {
inline constexpr std::uint32_t created = 1u << 0;
inline constexpr std::uint32_t won = 1u << 1;
inline constexpr std::uint32_t lost = 1u << 2;
inline constexpr std::uint32_t reopened = 1u << 3;
inline constexpr std::uint32_t stayed_closed = 1u << 4;
inline constexpr std::uint32_t advanced = 1u << 5;
inline constexpr std::uint32_t moved_back = 1u << 6;
inline constexpr std::uint32_t same_stage = 1u << 7;
inline constexpr std::uint32_t pushed = 1u << 8;
inline constexpr std::uint32_t pulled_in = 1u << 9;
inline constexpr std::uint32_t close_date_changed_missing = 1u << 10;
inline constexpr std::uint32_t amount_increased = 1u << 11;
inline constexpr std::uint32_t amount_decreased = 1u << 12;
inline constexpr std::uint32_t open_at_from = 1u << 13;
inline constexpr std::uint32_t open_at_to = 1u << 14;
}  // namespace flow

struct deal_flow_record {
  dense_id opportunity_id = no_id;
  std::uint32_t flags = 0;
  history_state from{};
  history_state to{};
};

struct deal_flow_options {
  calendar_period period = calendar_period::months();
  bool keep_records = false;
};

struct deal_flow_result {
  timestamp from = no_time, to = no_time;
  flow_totals starting, ending;
  flow_totals created_open, created_won, created_lost;
  flow_totals won, won_booked, lost;
  flow_totals reopened, stayed_closed;
  flow_totals advanced, moved_back, same_stage;
  flow_totals pushed, pulled_in, close_date_changed_missing;
  flow_totals amount_increased, amount_decreased;
  std::vector<deal_flow_record> records;
};

namespace detail {
/// The flags of one deal between two states (header comment).
[[nodiscard]] inline std::uint32_t flow_flags(const history_state& a, const history_state& b, const stage_list& stages,
                                              const calendar_period& cal) noexcept {
  auto open = [&](const history_state& s) { return s.exists && s.stage != stages.won() && s.stage != stages.lost(); };
  auto closed = [&](const history_state& s) { return s.exists && !open(s); };
  std::uint32_t f = 0;
  const bool oa = open(a), ob = open(b);
  if (oa) f |= flow::open_at_from;
  if (ob) f |= flow::open_at_to;
  if (!a.exists && b.exists) f |= flow::created;
  if (oa && closed(b)) f |= b.stage == stages.won() ? flow::won : flow::lost;
  if (!a.exists && closed(b)) f |= b.stage == stages.won() ? flow::won : flow::lost;
  if (closed(a) && ob) f |= flow::reopened;
  if (closed(a) && closed(b)) f |= flow::stayed_closed;
  if (oa && ob) {
    f |= b.stage > a.stage ? flow::advanced : b.stage < a.stage ? flow::moved_back : flow::same_stage;
    const bool ca = !is_missing(a.expected_close), cb = !is_missing(b.expected_close);
    if (ca && cb) {
      const std::int64_t pa = cal.index(a.expected_close), pb = cal.index(b.expected_close);
      if (pb > pa) f |= flow::pushed;
      if (pb < pa) f |= flow::pulled_in;
    } else if (ca != cb) {
      f |= flow::close_date_changed_missing;
    }
    const std::int64_t ma = a.amount.is_missing() ? 0 : a.amount.cents, mb = b.amount.is_missing() ? 0 : b.amount.cents;
    if (mb > ma) f |= flow::amount_increased;
    if (mb < ma) f |= flow::amount_decreased;
  }
  return f;
}
}  // namespace detail

[[nodiscard]] inline deal_flow_result deal_flow(const stage_history_view& h, const opportunity_view& o, const stage_list& stages,
                                                timestamp from, timestamp to, const deal_flow_options& options = {}) {
  if (to < from) throw std::invalid_argument("salesmetrics::forecast::deal_flow: `to` is before `from`");
  if (stages.size() < 3) throw std::invalid_argument("salesmetrics::forecast::deal_flow: the stage list needs open stages, won and lost");
  const std::vector<std::int32_t> row_of = detail::rows_by_id(o);
  const bool history_amount = !h.amount.empty(), history_close = !h.expected_close_ts.empty();
  deal_flow_result r;
  r.from = from;
  r.to = to;
  const timestamp dates[2] = {from, to};
  for_each_as_of(h, dates, [&](dense_id id, std::span<const history_state> st) {
    history_state a = st[0], b = st[1];
    if (!a.exists && !b.exists) return;
    if (!history_amount || !history_close) {
      const std::int32_t row = static_cast<std::size_t>(id) < row_of.size() ? row_of[static_cast<std::size_t>(id)] : -1;
      const auto rr = static_cast<std::size_t>(row);
      if (!history_amount) a.amount = b.amount = row >= 0 && !o.amount.empty() ? o.amount[rr] : money::missing();
      if (!history_close) a.expected_close = b.expected_close = row >= 0 && !o.expected_close_ts.empty() ? o.expected_close_ts[rr] : no_time;
    }
    const std::uint32_t f = detail::flow_flags(a, b, stages, options.period);
    const money ma{a.amount.is_missing() ? 0 : a.amount.cents}, mb{b.amount.is_missing() ? 0 : b.amount.cents};
    if (f & flow::open_at_from) r.starting.add(ma);
    if (f & flow::open_at_to) r.ending.add(mb);
    if (f & flow::created) {
      if (f & flow::open_at_to) r.created_open.add(mb);
      else if (f & flow::won) r.created_won.add(mb);
      else r.created_lost.add(mb);
    } else if (f & flow::open_at_from) {
      if (f & flow::won) {
        r.won.add(ma);
        r.won_booked.add(mb);
      }
      if (f & flow::lost) r.lost.add(ma);
    }
    if (f & flow::reopened) r.reopened.add(mb);
    if (f & flow::stayed_closed) r.stayed_closed.add(mb);
    if (f & flow::advanced) r.advanced.add(mb);
    if (f & flow::moved_back) r.moved_back.add(mb);
    if (f & flow::same_stage) r.same_stage.add(mb);
    if (f & flow::pushed) r.pushed.add(mb);
    if (f & flow::pulled_in) r.pulled_in.add(mb);
    if (f & flow::close_date_changed_missing) r.close_date_changed_missing.add(mb);
    if (f & flow::amount_increased) r.amount_increased.add(mb - ma);
    if (f & flow::amount_decreased) r.amount_decreased.add(mb - ma);
    if (options.keep_records) r.records.push_back({id, f, a, b});
  });
  return r;
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
