// salesmetrics/relationship/reply_metrics.hpp: how often and how fast each side answers the other's e-mails.
//
// Definitions (metric-engine metrics over an annotated_view; pairing in reply_pairing.hpp)
//   their threaded e-mails   completed inbound e-mails with a thread key, ts in the current window
//   our reply                the reply of such an e-mail (our first strictly later e-mail of the
//                            thread), counted only when its ts is before the window's end (a reply
//                            after the end was not known then); delay = reply ts - e-mail ts (> 0)
//   our threaded e-mails / their reply   the same with the sides swapped
// E-mails without a thread key cannot be paired and are in neither numerator nor denominator.
// | metric                    | definition                                              | empty group           |
// |---------------------------|---------------------------------------------------------|-----------------------|
// | their_threaded_emails     | their threaded e-mails                                  | 0                     |
// | our_replies               | of those, the ones we replied to                        | 0                     |
// | our_reply_rate            | our_replies / their_threaded_emails                     | NaN when no e-mail    |
// | our_mean_reply_hours      | mean delay of our replies / 3600                        | NaN when no reply     |
// | our_median_reply_hours    | median delay of our replies / 3600 (the mean of the two | NaN when no reply     |
// |                           | middle delays for an even count; exact, all delays kept)|                       |
// | our_threaded_emails, their_replies, their_reply_rate, their_mean_reply_hours,          |
// | their_median_reply_hours  | the same for the customer answering our e-mails                                 |
// One reply answering two e-mails counts for both (each e-mail has its own delay).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/detail/metric_states.hpp>
#include <salesmetrics/metrics/metric.hpp>
#include <salesmetrics/relationship/annotated_view.hpp>
#include <salesmetrics/relationship/reply_pairing.hpp>

#include <cstdint>
#include <string>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

/// What reply_stats gives per group.
struct reply_counts {
  std::int64_t emails = 0;     // threaded e-mails of the answered side in the window
  std::int64_t replied = 0;    // of those, answered before the window's end
  std::int64_t delay_sum = 0;  // seconds, over the answered ones
};

namespace detail {
/// Row i as an e-mail of direction Answered: whether it counts (a threaded e-mail in the
/// current window), whether it was answered before the window's end, and then its delay in
/// seconds (0 otherwise). Computed without branches: e-mail or not, the side and the reply
/// are data-dependent coin flips that a branch would mispredict on every other row.
struct reply_outcome {
  bool counts = false;
  bool answered = false;
  std::int64_t delay = 0;
};
template <direction Answered>
[[nodiscard]] SALESMETRICS_HOT_INLINE inline reply_outcome reply_of(const activity_view& v, std::size_t i, const metrics::eval_context& c) noexcept {
  const annotated_view& a = annotated(c);
  const std::int64_t reply = a.reply_of_row(i);  // not_threaded covers scheduled rows, other types and sides too
  const timestamp t = v.ts[i];
  const bool counts = (v.type[i] == activity_type::email) & (v.direction[i] == Answered) & (reply != not_threaded) &
                      (t >= a.windows.current.from) & (t < a.windows.current.to);
  // no_reply is the largest value, so "before the window's end" also rejects it
  const bool answered = counts & (reply < to_unix(a.windows.current.to));
  return {counts, answered, answered ? reply - to_unix(t) : 0};
}
}  // namespace detail

/// Leaf: reply counts of the threaded e-mails sent in direction Answered (inbound: the
/// customer's e-mails and our replies; outbound: ours and theirs). Trivially copyable.
template <direction Answered>
struct reply_stats {
  static constexpr std::string_view name = Answered == direction::inbound ? "our_reply_stats" : "their_reply_stats";
  static constexpr reply_sides replies_read = Answered == direction::inbound ? reply_sides::ours : reply_sides::theirs;
  static constexpr bool updates_paired_emails_only = true;  // reply_of counts no not_threaded row
  using table = metrics::activities_table;
  using state = reply_counts;
  using result_type = reply_counts;
  SALESMETRICS_HOT_INLINE static void update(state& s, const activity_view& v, std::size_t i, const metrics::eval_context& c) noexcept {
    const detail::reply_outcome o = detail::reply_of<Answered>(v, i, c);
    s.emails += o.counts;
    s.replied += o.answered;
    s.delay_sum += o.delay;
  }
  static void merge(state& a, const state& b) noexcept {
    a.emails += b.emails;
    a.replied += b.replied;
    a.delay_sum += b.delay_sum;
  }
  static result_type result(const state& s, const metrics::eval_context&) noexcept { return s; }
};

/// Leaf: every reply delay of reply_stats (seconds), kept for the exact median; only the
/// median metrics depend on it, so counts and means never pay for the list.
template <direction Answered>
struct reply_delays {
  static constexpr std::string_view name = Answered == direction::inbound ? "our_reply_delays" : "their_reply_delays";
  static constexpr reply_sides replies_read = Answered == direction::inbound ? reply_sides::ours : reply_sides::theirs;
  static constexpr bool updates_paired_emails_only = true;
  using table = metrics::activities_table;
  struct state {
    metrics::detail::value_list delays;
    void save(std::string& out) const { delays.save(out); }
    void load(std::string_view& in) { delays.load(in); }
  };
  using result_type = double;  // the median in seconds, NaN without a reply
  static void update(state& s, const activity_view& v, std::size_t i, const metrics::eval_context& c) {
    const detail::reply_outcome o = detail::reply_of<Answered>(v, i, c);
    if (o.answered) s.delays.add(o.delay);
  }
  static void merge(state& a, const state& b) { a.delays.merge(b.delays); }
  static result_type result(const state& s, const metrics::eval_context&) { return s.delays.quantile(0.5); }
};

namespace detail {
template <direction Answered>
struct reply_metric : metrics::depends_on<reply_stats<Answered>> {
  template <class R> static reply_counts counts(const R& r) { return r.template get<reply_stats<Answered>>(); }
};
template <direction Answered>
struct threaded_emails : reply_metric<Answered> {
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const metrics::eval_context&) { return reply_metric<Answered>::counts(r).emails; }
};
template <direction Answered>
struct replies : reply_metric<Answered> {
  using result_type = std::int64_t;
  template <class R> static std::int64_t result(const R& r, const metrics::eval_context&) { return reply_metric<Answered>::counts(r).replied; }
};
template <direction Answered>
struct reply_rate : reply_metric<Answered> {
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context&) {
    const reply_counts n = reply_metric<Answered>::counts(r);
    return metrics::detail::ratio(static_cast<double>(n.replied), static_cast<double>(n.emails));
  }
};
template <direction Answered>
struct mean_reply_hours : reply_metric<Answered> {
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context&) {
    const reply_counts n = reply_metric<Answered>::counts(r);
    return metrics::detail::ratio(static_cast<double>(n.delay_sum), static_cast<double>(n.replied)) / 3600.0;
  }
};
template <direction Answered>
struct median_reply_hours : metrics::depends_on<reply_delays<Answered>> {
  using result_type = double;
  template <class R> static double result(const R& r, const metrics::eval_context&) {
    return r.template get<reply_delays<Answered>>() / 3600.0;
  }
};
}  // namespace detail

struct their_threaded_emails : detail::threaded_emails<direction::inbound> { static constexpr std::string_view name = "their_threaded_emails"; };
struct our_replies : detail::replies<direction::inbound> { static constexpr std::string_view name = "our_replies"; };
struct our_reply_rate : detail::reply_rate<direction::inbound> { static constexpr std::string_view name = "our_reply_rate"; };
struct our_mean_reply_hours : detail::mean_reply_hours<direction::inbound> { static constexpr std::string_view name = "our_mean_reply_hours"; };
struct our_median_reply_hours : detail::median_reply_hours<direction::inbound> { static constexpr std::string_view name = "our_median_reply_hours"; };

struct our_threaded_emails : detail::threaded_emails<direction::outbound> { static constexpr std::string_view name = "our_threaded_emails"; };
struct their_replies : detail::replies<direction::outbound> { static constexpr std::string_view name = "their_replies"; };
struct their_reply_rate : detail::reply_rate<direction::outbound> { static constexpr std::string_view name = "their_reply_rate"; };
struct their_mean_reply_hours : detail::mean_reply_hours<direction::outbound> { static constexpr std::string_view name = "their_mean_reply_hours"; };
struct their_median_reply_hours : detail::median_reply_hours<direction::outbound> { static constexpr std::string_view name = "their_median_reply_hours"; };

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
