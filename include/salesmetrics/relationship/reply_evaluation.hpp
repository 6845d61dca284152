// salesmetrics/relationship/reply_evaluation.hpp: reply metrics evaluated in the sweep that pairs the replies.
//
//   auto t = relationship::evaluate_with_replies<their_threaded_emails, our_replies, our_reply_rate>(
//       data, metrics::group::rep, {}, par(2));
//
// Definition: the result equals pairing the replies (pair_replies(data, policy), reply_pairing.hpp)
// and evaluating Metrics with metrics::evaluate over the annotated view of `data` whose current
// window is opts.window, seen from opts.as_of (default as in options.hpp: the window's end when
// it is bounded above, else one second after the latest completed activity), with no previous
// window and the default relationship_options. Every metric must read activities by their ts (the reply metrics,
// interaction counts, activity counts ...): a static_assert says so otherwise.
// Only the replies its metrics read are paired (reply_sides in annotated_view.hpp): e.g. for
// our replies, the customer's e-mails look up the thread's next e-mail of ours and ours are
// only recorded, as 4 bytes per thread. How: no reply column is materialised. The activity rows are swept backwards in ts order in
// blocks of about 16,384 rows (cut between instants, which the sweep never splits); the sweep
// writes a block's replies into a buffer of that size and the block's rows are added to the
// metric states at once, reading their replies from the buffer while it and the block's columns
// are still in cache. So the pairing's per-row output (8 bytes per row written, and read again
// by a second pass, plus its page faults) is gone: 8 bytes per thread of state and one buffer.
// par(n): worker r owns the threads [r T / n, (r + 1) T / n) of the T thread ids, with their
// e-mails, and the other rows of the r-th n-th of the table. Each worker sweeps every row, so
// the replies of its threads are exact, but looks up state only for its threads and adds only
// its own rows; the workers' partial states are merged in order, as par(n) merges chunks.
// When the one-sweep path does not apply (rows not in ts order, e-mails that only a subject
// threads, thread ids too sparse to index: reply_pairing.hpp's fast-path conditions) this
// pairs with pair_replies and evaluates over its annotation: the same results, at the cost
// of the reply column.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/execution.hpp>
#include <salesmetrics/metrics/evaluate.hpp>
#include <salesmetrics/relationship/annotated_view.hpp>
#include <salesmetrics/relationship/options.hpp>
#include <salesmetrics/relationship/reply_pairing.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

namespace detail {

inline constexpr std::size_t fused_block_rows = 16384;

/// The replies a set's leaves read (annotated_view.hpp): what each declares, both for a leaf
/// that declares nothing.
template <class Leaf>
constexpr unsigned replies_read_by() {
  if constexpr (requires { Leaf::replies_read; }) return static_cast<unsigned>(Leaf::replies_read);
  else return static_cast<unsigned>(reply_sides::both);
}
template <class Leaves> struct replies_read_by_all;
template <class... Ls> struct replies_read_by_all<metrics::type_list<Ls...>> {
  static constexpr unsigned value = (0u | ... | replies_read_by<Ls>());
};

/// The rows a fused worker adds: the threaded e-mails of its threads [first_thread,
/// end_thread) and the other rows of [first_row, end_row).
struct worker_rows {
  static constexpr bool skips = true;
  const dense_id* thread_id;
  const activity_type* type;
  const activity_status* status;  // nullptr: no status column
  dense_id first_thread, end_thread;
  std::size_t first_row, end_row;
  [[nodiscard]] bool skip(std::size_t i) const noexcept {
    const dense_id t = thread_id[i];
    const bool threaded = type[i] == activity_type::email && (status == nullptr || status[i] == activity_status::completed) && t >= 0;
    return threaded ? (t < first_thread || t >= end_thread) : (i < first_row || i >= end_row);
  }
};

/// One worker's sweep: every row of the table backwards, block by block; each block's replies
/// (of this worker's threads) go to a buffer that the block's metric update then reads.
template <class Offset, reply_sides Sides, class Engine, class Owner>
typename Engine::partial fused_worker(const Engine& engine, const annotated_view& base, const rows_in_order& rows, std::size_t slots,
                                      std::int64_t first_ts, const Owner& owner) {
  const activity_view& a = base.activities;
  const std::size_t n = a.size();
  const timestamp* const ts = a.ts.data();
  const direction* const dir = a.direction.data();
  std::vector<reply_state<Offset, Sides>> state(slots);
  std::vector<std::int64_t> replies(fused_block_rows);
  annotated_view view = base;  // the metrics read the current block's replies through it
  auto acc = engine.start(view);
  for (std::size_t end = n; end > 0;) {
    std::size_t begin = end > fused_block_rows ? end - fused_block_rows : 0;
    while (begin > 0 && ts[begin - 1] == ts[begin]) --begin;  // an instant is never split
    if (end - begin > replies.size()) replies.resize(end - begin);
    sweep_replies(rows, begin, end, ts, dir, first_ts, state.data(), replies.data(), begin);
    view.reply_ts = std::span<const std::int64_t>(replies.data(), end - begin);
    view.reply_first = begin;
    engine.accumulate_activity_rows(acc, begin, end, owner);
    end = begin;
  }
  return engine.take(acc);
}

template <class Offset, reply_sides Sides, class Engine>
typename Engine::partial fused_sweep(const Engine& engine, const annotated_view& base, const sweep_plan& plan, unsigned threads) {
  const activity_view& a = base.activities;
  const std::size_t n = a.size();
  const activity_status* const status = a.status.empty() ? nullptr : a.status.data();
  threads = static_cast<unsigned>(std::clamp<std::size_t>(std::min(n, plan.id_slots), 1, std::max(1u, threads)));
  if (threads == 1) {
    const rows_in_order rows{a.thread_id.data(), a.type.data(), status, a.ts.data(), no_time};
    return fused_worker<Offset, Sides>(engine, base, rows, plan.id_slots, plan.first, typename Engine::every_row{});
  }
  std::vector<typename Engine::partial> parts(threads);
  salesmetrics::detail::run_on_threads(threads, [&](unsigned r) {
    const auto lo = static_cast<dense_id>(plan.id_slots * r / threads), hi = static_cast<dense_id>(plan.id_slots * (r + 1) / threads);
    const rows_in_order rows{a.thread_id.data(), a.type.data(), status, a.ts.data(), no_time, lo, hi};
    const worker_rows owner{a.thread_id.data(), a.type.data(), status, lo, hi, n * r / threads, n * (r + 1) / threads};
    parts[r] = fused_worker<Offset, Sides>(engine, base, rows, static_cast<std::size_t>(hi - lo), plan.first, owner);
  });
  for (unsigned r = 1; r < threads; ++r) parts[0].merge(parts[r]);  // worker order: deterministic
  return std::move(parts[0]);
}

/// The annotated view the definition above evaluates over (its reply column set by the caller).
[[nodiscard]] inline annotated_view reply_evaluation_view(const crm_view& data, const metrics::evaluate_options& opts) {
  static const relationship_options defaults{};
  annotated_view v;
  static_cast<crm_view&>(v) = data;
  v.windows.current = opts.window;
  v.windows.previous = time_window{opts.window.from, opts.window.from};  // none
  v.windows.has_previous = false;
  v.windows.as_of = resolve_as_of(data.activities, opts.window, opts.as_of);
  v.windows.previous_as_of = v.windows.as_of;
  v.options = &defaults;
  return v;
}

}  // namespace detail

/// Pairs the replies and evaluates Metrics over them in the same sweep (see the header comment).
template <class... Metrics, class Key, ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] auto evaluate_with_replies(const crm_view& data, const Key& key, const metrics::evaluate_options& opts = {},
                                         const Policy& policy = seq) {
  namespace md = metrics::detail;
  if constexpr (md::metrics_ok<Metrics...>()) {
    using set = metrics::metric_set<Metrics...>;
    using composite = typename md::as_composite<Key>::type;
    if constexpr (md::keys_ok<set, composite>()) {
      using engine_type = typename md::engine_for<set, composite>::type;
      static_assert(engine_type::accumulates_activity_rows(),
                    "salesmetrics::relationship::evaluate_with_replies: every metric must read activities by their ts "
                    "(reply metrics, interaction and activity counts); evaluate deal metrics with metrics::evaluate");
      if (data.activities.size() >= detail::no_slot)
        throw std::length_error("salesmetrics::relationship::evaluate_with_replies: more than 2^32-2 activity rows");
      const annotated_view base = detail::reply_evaluation_view(data, opts);
      const dictionary* subjects = data.dictionaries != nullptr ? &data.dictionaries->subjects : nullptr;
      const detail::sweep_plan plan = data.activities.thread_id.empty() ? detail::sweep_plan{} : detail::plan_sweep(data.activities, subjects, no_time);
      if (!plan.in_order_by_id) {  // pair first, then evaluate over the reply column: the same results
        const reply_annotation pairs = pair_replies(data, policy);
        annotated_view av = base;
        av.reply_ts = pairs.reply_ts;
        return metrics::evaluate<Metrics...>(av, key, opts, policy);
      }
      engine_type engine(base, md::as_composite<Key>::make(key), opts);
      const bool narrow = static_cast<std::uint64_t>(plan.last) - static_cast<std::uint64_t>(plan.first) <
                          std::uint64_t{std::numeric_limits<std::int32_t>::max()};
      constexpr unsigned read = detail::replies_read_by_all<typename set::leaves>::value;
      constexpr reply_sides sides = read == 0 ? reply_sides::ours : static_cast<reply_sides>(read);  // (none: either does)
      const auto partial = narrow ? detail::fused_sweep<std::int32_t, sides>(engine, base, plan, policy.threads())
                                  : detail::fused_sweep<std::int64_t, sides>(engine, base, plan, policy.threads());
      return engine.template finish<Metrics...>(partial, policy);
    }
  }
}

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
