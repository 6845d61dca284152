// salesmetrics/relationship/reply_evaluation.hpp: reply metrics evaluated in the sweep that pairs the replies.
//
//   auto t = relationship::evaluate_with_replies<their_threaded_emails, our_replies, our_reply_rate>(
//       data, metrics::group::rep, {}, par(2));
//
// Definition: the result equals pairing the replies (pair_replies(data, policy), reply_pairing.hpp)
// and evaluating Metrics with metrics::evaluate over the annotated view of `data` whose current
// window is opts.window, seen from opts.as_of (default as in options.hpp: the window's end when
// it is bounded above, else one second after the latest completed activity), with no previous
// window and the default relationship_options. Every metric must read activities by their ts
// (the reply metrics, interaction counts, activity counts ...): a static_assert says so otherwise.
// Only the replies the metrics read are paired (replies_read, annotated_view.hpp): for our
// replies alone, the customer's e-mails look up the thread's next e-mail of ours and ours are
// only recorded, in 4 bytes per thread (8 for both sides). Once those states exceed 32 MiB, the
// branch-free two-instant sweep runs instead, on twice the bytes (reply_pairing.hpp,
// sweep_states: Q5 at 100M 10 % faster, at 10M 20 % slower).
// How: no reply column is materialised. The activity rows are swept backwards in ts order in
// blocks of about 16,384 rows (cut between instants, which the sweep never splits); the sweep
// writes a block's replies into a buffer of that size and the block's rows are added to the
// metric states at once, reading their replies from the buffer while it and the block's columns
// are still in cache. So the pairing's per-row output (8 bytes per row, written and read again
// by a second pass, plus its page faults) is gone. When every leaf updates on paired e-mails
// only (updates_paired_emails_only, annotated_view.hpp: the reply metrics), the block's rows
// only make their groups and the paired e-mails alone go through the leaves' updates (Q5 at
// 10M, 1 thread, two rounds of 4 alternated processes on a noisy VM: 136-200 -> 120-138 ms and
// 149-217 -> 132-173 ms; the plain loop 119-138 and 118-151 ms).
// par(n): the rows are split into n ts ranges swept at once, each with its own per-thread state.
// An e-mail whose reply is not inside its own range waits (it is left out of the update); once
// every range is swept, the earliest e-mails of the ranges after it give it its reply, as
// pair_replies stitches its ranges, and it is added then. The partial states merge in order.
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
#include <type_traits>
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
/// Whether every leaf declares that only the e-mails the sweep pairs change its state
/// (updates_paired_emails_only, annotated_view.hpp).
template <class Leaf>
constexpr bool updates_paired_emails_only() {
  if constexpr (requires { Leaf::updates_paired_emails_only; }) return Leaf::updates_paired_emails_only;
  else return false;
}
template <class Leaves> struct paired_emails_update_all;
template <class... Ls> struct paired_emails_update_all<metrics::type_list<Ls...>> {
  static constexpr bool value = (updates_paired_emails_only<Ls>() && ...);
};

/// A reply the sweep of one ts range could not find: it may lie in a later range. The row is
/// left out of the metric update until the later ranges are known.
inline constexpr std::int64_t deferred_reply = std::numeric_limits<std::int64_t>::min() + 1;

/// The last range's rows relative to each other range's (split_at_instants): the others also
/// collect their unanswered e-mails. Q5 at 10M, 2 threads, thread cpu time of the sweep: with
/// equal ranges the first took 2-14 % longer than the last (5 runs, 10 % on average); 12 % more
/// rows for the last overshot (6-11 % shorter, 2 runs); with 6 %, -6 % to +20 % (3 runs, 5 % on
/// average: the machine's noise is of the same size as the effect).
inline constexpr double deferring_range_cost = 1.06;

/// The rows a block's update leaves out: those whose reply is deferred.
struct not_deferred {
  static constexpr bool skips = true;
  const std::int64_t* replies;  // the block's buffer ...
  std::size_t first;            // ... from this row on
  [[nodiscard]] bool skip(std::size_t i) const noexcept { return replies[i - first] == deferred_reply; }
};

/// One ts range's share of the sweep: its per-thread state, its metric states, the view through
/// which the metrics read the current block's replies, and its deferred e-mails.
template <class State, class Engine>
struct fused_range {
  large_vector<State> state;  // by thread, read at random: on huge pages
  std::vector<std::int64_t> replies;  // the block buffer
  std::vector<std::uint32_t> paired;  // the block's paired e-mails (rows), when only they update
  std::vector<std::uint32_t> deferred;  // rows, in descending order
  annotated_view view;
  typename Engine::accumulation acc;
};

/// Sweeps rows [first_row, end_row) backwards, block by block (blocks end between instants):
/// the block's replies go to the buffer, then the block's rows to the metric states. With
/// `defer`, an e-mail without a reply in the range waits (fused_range::deferred). With
/// PairedOnly (every leaf updates on paired e-mails only), the block's rows only make their
/// groups and its paired e-mails alone are added: Q5 at 10M runs the leaves' updates on 23.8 %
/// of the rows (the customer's threaded e-mails).
template <class State, bool PairedOnly, class Engine>
void sweep_range(const Engine& engine, fused_range<State, Engine>& w, const rows_in_order& rows, std::int64_t first_ts,
                 std::size_t first_row, std::size_t end_row, bool defer) {
  const activity_view& a = w.view.activities;
  const timestamp* const ts = a.ts.data();
  const direction* const dir = a.direction.data();
  for (std::size_t end = end_row; end > first_row;) {
    std::size_t begin = end - first_row > fused_block_rows ? end - fused_block_rows : first_row;
    while (begin > first_row && ts[begin - 1] == ts[begin]) --begin;  // an instant is never split
    if (end - begin > w.replies.size()) w.replies.resize(end - begin);
    std::int64_t* const out = w.replies.data();
    sweep_replies(rows, begin, end, ts, dir, first_ts, std::span(w.state), out, begin);
    w.view.reply_ts = std::span<const std::int64_t>(out, end - begin);
    w.view.reply_first = begin;
    if (defer)
      for (std::size_t i = end; i-- > begin;)
        if (out[i - begin] == no_reply) {
          w.deferred.push_back(static_cast<std::uint32_t>(i));
          out[i - begin] = deferred_reply;
        }
    if constexpr (PairedOnly) {
      if (end - begin > w.paired.size()) w.paired.resize(end - begin);
      std::uint32_t* const list = w.paired.data();
      std::size_t m = 0;
      for (std::size_t i = begin; i < end; ++i) {  // no branch: e-mail or not is a coin flip
        list[m] = static_cast<std::uint32_t>(i);
        m += (out[i - begin] != not_threaded) & (out[i - begin] != deferred_reply);
      }
      // A deferred e-mail's group is marked here too; its update comes with add_deferred.
      engine.touch_activity_rows(w.acc, begin, end, typename Engine::every_row{});
      engine.accumulate_activity_rows(w.acc, std::span<const std::uint32_t>(list, m));
    } else if (defer) {
      engine.accumulate_activity_rows(w.acc, begin, end, not_deferred{out, begin});
    } else {
      engine.accumulate_activity_rows(w.acc, begin, end, typename Engine::every_row{});
    }
    end = begin;
  }
}

/// Deferred e-mails `d` of a range (rows in descending order) take their replies from `later`
/// (the earliest e-mails of every later range) and go to w's metric states, a window of at most
/// a block of rows at a time.
template <class State, class Engine>
void add_deferred(const Engine& engine, std::span<const std::uint32_t> d, fused_range<State, Engine>& w, const rows_in_order& rows,
                  std::int64_t first_ts, const State* later) {
  using Offset = typename State::offset;
  constexpr Offset none = State::none;
  const direction* const dir = w.view.activities.direction.data();
  // The later states are read in thread order, at random (Q5 at 100M: 210 MB of them, and a
  // deferred e-mail for every unanswered one): fetched `ahead` e-mails early. The e-mails' own
  // columns are sparse rows of memory the sweep left long ago, fetched twice as early: those the
  // reply reads, and the key columns of the metric update that follows (Q5 at 100M, 2 threads,
  // 3.3 million deferred e-mails: 91-98 -> 61-66 ms; fetching every column of the row instead
  // gained nothing).
  constexpr std::size_t ahead = 16;
  for (std::size_t g = 0; g < d.size();) {
    const std::size_t top = d[g];
    std::size_t e = g;
    while (e < d.size() && top - d[e] < fused_block_rows) ++e;
    const std::size_t low = d[e - 1];
    if (top - low + 1 > w.replies.size()) w.replies.resize(top - low + 1);
    for (std::size_t j = g; j < e; ++j) {
#if defined(__GNUC__)
      if (j + ahead < d.size()) __builtin_prefetch(&later[rows.hint(d[j + ahead])]);
      if (j + 2 * ahead < d.size()) {
        const std::size_t q = d[j + 2 * ahead];
        rows.prefetch(q);
        __builtin_prefetch(dir + q);
        engine.prefetch_activity_keys(q);
      }
#endif
      const std::size_t i = d[j];
      const Offset r = reply_in(later[rows.slot(i)], dir[i] == direction::inbound);
      w.replies[i - low] = r == none ? no_reply : first_ts + r;
    }
    w.view.reply_ts = std::span<const std::int64_t>(w.replies.data(), top - low + 1);
    w.view.reply_first = low;
    engine.accumulate_activity_rows(w.acc, d.subspan(g, e - g));
    g = e;
  }
}

/// par(n): the rows are split into n ts ranges (at changes of instant) swept at once, each with
/// its own per-thread state; an e-mail without a reply inside its range waits. The states of
/// the ranges after each range then give the waiting e-mails their replies (as pair_replies
/// stitches its ranges), and they are added, every thread taking a part of them into metric
/// states of its own (parts_of_earlier_ranges). The metric states merge in range order.
template <class State, bool PairedOnly, class Engine>
typename Engine::partial fused_sweep(const Engine& engine, const annotated_view& base, const sweep_plan& plan, unsigned threads) {
  const activity_view& a = base.activities;
  const std::size_t n = a.size();
  const activity_status* const status = a.status.empty() ? nullptr : a.status.data();
  const rows_in_order rows{a.thread_id.data(), a.type.data(), status, a.ts.data(), no_time};
  const unsigned ranges = static_cast<unsigned>(std::clamp<std::size_t>(n, 1, std::max(1u, threads)));
  // Every range but the last collects its unanswered e-mails and leaves them out of its metric
  // pass, so the last range takes more rows (deferring_range_cost).
  const std::vector<std::size_t> bounds = split_at_instants(0, n, ranges, [&](std::size_t p) { return a.ts[p]; }, deferring_range_cost);
  std::vector<fused_range<State, Engine>> w(ranges);
  for (auto& x : w) {
    x.view = base;
    x.replies.resize(fused_block_rows);
  }
  salesmetrics::detail::run_on_threads(ranges, [&](unsigned r) {
    w[r].state.assign(plan.id_slots + State::sink_states, State{});
    w[r].acc = engine.start(w[r].view);
    sweep_range<State, PairedOnly>(engine, w[r], rows, plan.first, bounds[r], bounds[r + 1], r + 1 < ranges);
  });
  if (ranges > 1) {
    // w[r].state becomes the earliest e-mails of ranges r.. (suffix); range r reads w[r + 1]'s.
    for (unsigned r = ranges - 1; r-- > 1;)
      for (std::size_t s = 0; s < plan.id_slots; ++s) keep_earliest(w[r].state[s], w[r + 1].state[s]);
    const std::vector<range_part> parts = parts_of_earlier_ranges(ranges, threads, [&](unsigned r) { return w[r].deferred.size(); });
    std::vector<fused_range<State, Engine>> adders(parts.size());  // sized first: each accumulation points at its view
    salesmetrics::detail::run_on_threads(static_cast<unsigned>(parts.size()), [&](unsigned t) {
      const range_part& p = parts[t];
      fused_range<State, Engine>& x = adders[t];
      x.view = base;
      x.replies.resize(fused_block_rows);
      x.acc = engine.start(x.view);
      add_deferred(engine, std::span<const std::uint32_t>(w[p.range].deferred).subspan(p.begin, p.end - p.begin), x, rows, plan.first,
                   w[p.range + 1].state.data());
    });
    typename Engine::partial out = engine.take(w[0].acc);
    for (unsigned r = 0; r < ranges; ++r) {  // range order, each range's deferred parts after it: deterministic
      if (r > 0) out.merge(engine.take(w[r].acc));
      for (std::size_t t = 0; t < parts.size(); ++t)
        if (parts[t].range == r) out.merge(engine.take(adders[t].acc));
    }
    return out;
  }
  return engine.take(w[0].acc);
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

/// evaluate_with_replies (below) with the sweep `states` says (by_size there; the tests run both).
template <class... Metrics, class Key, ExecutionPolicy Policy>
[[nodiscard]] auto evaluate_with_replies_using(sweep_states states, const crm_view& data, const Key& key, const metrics::evaluate_options& opts,
                                               const Policy& policy) {
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
        const reply_annotation pairs = pair_replies_with(states, data.activities, subjects, policy, no_time);
        annotated_view av = base;
        av.reply_ts = pairs.reply_ts;
        return metrics::evaluate<Metrics...>(av, key, opts, policy);
      }
      engine_type engine(base, md::as_composite<Key>::make(key), opts);
      constexpr unsigned read = detail::replies_read_by_all<typename set::leaves>::value;
      constexpr reply_sides sides = read == 0 ? reply_sides::ours : static_cast<reply_sides>(read);  // (none: either does)
      constexpr bool paired_only = detail::paired_emails_update_all<typename set::leaves>::value;
      const auto partial = detail::with_sweep_state<sides>(plan.first, plan.last, plan.id_slots, states, [&]<class State>(std::type_identity<State>) {
        return detail::fused_sweep<State, paired_only>(engine, base, plan, policy.threads());
      });
      return engine.template finish<Metrics...>(partial, policy);
    }
  }
}

}  // namespace detail

/// Pairs the replies and evaluates Metrics over them in the same sweep (see the header comment).
template <class... Metrics, class Key, ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] auto evaluate_with_replies(const crm_view& data, const Key& key, const metrics::evaluate_options& opts = {},
                                         const Policy& policy = seq) {
  return detail::evaluate_with_replies_using<Metrics...>(detail::sweep_states::by_size, data, key, opts, policy);
}

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
