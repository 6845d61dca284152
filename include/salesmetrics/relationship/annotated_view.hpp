// salesmetrics/relationship/annotated_view.hpp: the data set as the relationship metrics see it.
//
// The relationship metrics are ordinary metric-engine metrics, but they need three things a
// plain crm_view does not carry: the reply pairing of every row (reply_pairing.hpp), the
// resolved windows (current, previous, as_of; options.hpp) and the options (e-mail minutes,
// health weights). annotated_view is a crm_view with those attached; the relationship entry
// points (panel.hpp, similar_deals.hpp) build one and pass it to metrics::evaluate, whose
// eval_context then points at it (eval_context::data), where the metrics read it back.
// Definition of the contract: the metrics of relationship/ may only be evaluated over an
// annotated_view (evaluating them over a plain crm_view is a programming error: they read
// fields that view does not have). The window selectors name which window a metric uses.
// A leaf that reads reply_of_row declares which replies it reads,
//   static constexpr reply_sides replies_read = reply_sides::ours;   // or theirs, both
// (ours: the replies to the customer's inbound e-mails; theirs: to our outbound ones):
// evaluate_with_replies (reply_evaluation.hpp) pairs only the sides its leaves declare, and
// both when any of its leaves declares nothing. A leaf whose update leaves its state unchanged
// on every row whose reply_of_row is not_threaded (all but the threaded e-mails of the sides
// paired) may declare
//   static constexpr bool updates_paired_emails_only = true;
// when every leaf of a set does, evaluate_with_replies updates the states from those e-mails
// alone (the other rows only make their groups).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/metrics/context.hpp>
#include <salesmetrics/relationship/options.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

struct annotated_view : crm_view {
  /// reply_annotation::reply_ts of activity rows reply_first, reply_first + 1, ...: every row
  /// (reply_first = 0), or the block a fused pass is evaluating (reply_evaluation.hpp).
  std::span<const std::int64_t> reply_ts;
  std::size_t reply_first = 0;
  analysis_windows windows{};
  const relationship_options* options = nullptr;

  /// The reply annotation of activity row i (reply_pairing.hpp: a ts, no_reply or not_threaded).
  [[nodiscard]] std::int64_t reply_of_row(std::size_t i) const noexcept { return reply_ts[i - reply_first]; }
};

/// The current window, seen from as_of.
struct current_window {
  [[nodiscard]] static const time_window& window(const annotated_view& a) noexcept { return a.windows.current; }
  [[nodiscard]] static timestamp as_of(const annotated_view& a) noexcept { return a.windows.as_of; }
};
/// The previous window, seen from previous_as_of (empty when there is none).
struct previous_window {
  [[nodiscard]] static const time_window& window(const annotated_view& a) noexcept { return a.windows.previous; }
  [[nodiscard]] static timestamp as_of(const annotated_view& a) noexcept { return a.windows.previous_as_of; }
};

namespace detail {
/// The annotated view behind an evaluation's context (see the contract above).
[[nodiscard]] inline const annotated_view& annotated(const metrics::eval_context& c) noexcept {
  return static_cast<const annotated_view&>(*c.data);
}
[[nodiscard]] inline bool completed(const activity_view& v, std::size_t i) noexcept {
  return v.status.empty() || v.status[i] == activity_status::completed;
}
/// The interaction cell of a row: type (e-mail 0, meeting 1, phone call 2) x 2 + direction
/// (outbound 0 = by us, inbound 1 = by them); -1 for tasks, notes and unknown type codes.
[[nodiscard]] inline int interaction_cell(const activity_view& v, std::size_t i) noexcept {
  const auto t = static_cast<unsigned>(v.type[i]);
  return t > 2 ? -1 : static_cast<int>(t * 2 + (static_cast<unsigned>(v.direction[i]) & 1u));
}
}  // namespace detail

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
