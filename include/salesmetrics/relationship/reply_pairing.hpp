// salesmetrics/relationship/reply_pairing.hpp: pairs every e-mail with the other side's first later e-mail of its thread.
//
// Definitions
//   threaded e-mail  a completed e-mail row (no status column = completed) with a thread key.
//   thread key       the row's thread_id when it has one (>= 0). Otherwise, when the row has a
//                    subject, the pair (normalised subject, participant pair): the subject after
//                    normalise_subject (subject.hpp) together with (rep_id, contact_id), so that
//                    "Re: Budget" between Ann and Carl joins Ann and Carl's "Budget" but not Bob
//                    and Carl's. A subject that normalises to "" forms no thread; a row with
//                    neither a thread id nor a subject has no thread key. Without a subjects
//                    dictionary (null or empty) the raw subject id is the subject; an id
//                    outside a non-empty dictionary forms no thread.
//   reply            of a threaded inbound e-mail (the customer wrote): our first outbound
//                    threaded e-mail of the same thread with a strictly later ts; of a threaded
//                    outbound e-mail: the customer's first inbound one with a strictly later ts.
//                    One e-mail can be the reply to several (two customer e-mails, then ours:
//                    ours answers both); e-mails at the same instant never reply to each other;
//                    a reply to a reply is paired the same way (each e-mail looks forward only).
// Result: reply_ts[row] = the reply's ts in unix seconds for a threaded e-mail that has one,
// no_reply for a threaded e-mail without one, not_threaded for every other row. Replies are
// sought over the whole table; the metrics decide which count (those before their window ends).
// `from` (optional) pairs only the e-mails at or after it; earlier rows are left not_threaded.
// Nothing is lost for the e-mails paired: a reply is strictly later, so it is at or after `from`
// too. An analysis whose windows start at `from` needs no more (relationship::analyse uses it).
// Cost: one pass that classifies the rows (and checks whether they are in ts order), then ONE
// backward sweep in ts order keeping, per thread, the earliest later e-mail of each side: O(rows),
// no sort when the rows are already in ts order (a stable sort of the threaded e-mails' rows by
// ts otherwise). Thread ids index the per-thread state directly when they are dense (at most
// 4 per threaded e-mail, or < 65,536); sparse ids and subject threads are first numbered through
// a hash map. par(n): the rows are split into n ts ranges swept at once, each with its own
// per-thread state; the e-mails left unanswered inside a range then take the earliest answer of
// the ranges after it. Memory: 8 bytes per row for reply_ts, 8 bytes per thread (per range; 16
// when the ts span 68 years or more), twice that once those states exceed 32 MiB (the
// branch-free two-instant sweep, sweep_states below), plus 8 bytes per threaded e-mail when the
// rows must be numbered or sorted; nothing per row is allocated.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/default_init_allocator.hpp>
#include <salesmetrics/core/execution.hpp>
#include <salesmetrics/core/large_array_allocator.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/relationship/subject.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <iterator>
#include <numeric>
#include <stdexcept>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

inline constexpr std::int64_t not_threaded = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t no_reply = std::numeric_limits<std::int64_t>::max();

struct reply_annotation {
  output_vector<std::int64_t> reply_ts;  // per activity row (see above)
  std::size_t threaded_emails = 0;     // rows with a thread key
  std::size_t replied_emails = 0;      // of those, rows with a reply
  std::size_t threads = 0;             // distinct thread keys
  timestamp paired_from = no_time;     // e-mails before this were not paired (no_time: all were)
};

/// Which replies are paired: ours (to the customer's inbound e-mails), theirs (to our outbound
/// ones) or both. pair_replies pairs both; evaluate_with_replies only the sides its metrics
/// read (reply_evaluation.hpp, annotated_view.hpp).
enum class reply_sides : unsigned { ours = 1, theirs = 2, both = 3 };

namespace detail {

inline constexpr std::uint32_t no_slot = std::numeric_limits<std::uint32_t>::max();

/// Per e-mail thread during the backward sweep: the earliest e-mail of each side seen so far
/// (all of them strictly later than the rows still to come, see sweep_replies), as seconds
/// after `base`. Offset is std::int32_t when the e-mails span less than 68 years (8 bytes per
/// thread: twice as many threads stay in cache), std::int64_t otherwise. Pairing one side
/// keeps only the other side's earliest e-mail: 4 bytes per thread.
template <class Offset, reply_sides Sides = reply_sides::both>
struct reply_state {
  using offset = Offset;
  static constexpr std::size_t sink_states = 0;
  static constexpr Offset none = std::numeric_limits<Offset>::max();
  Offset next_out = none;  // our earliest later e-mail
  Offset next_in = none;   // the customer's earliest later e-mail
  [[nodiscard]] constexpr bool touched() const noexcept { return next_out != none || next_in != none; }
};
template <class Offset>
struct reply_state<Offset, reply_sides::ours> {
  using offset = Offset;
  static constexpr std::size_t sink_states = 0;
  static constexpr Offset none = std::numeric_limits<Offset>::max();
  Offset next_out = none;
};
template <class Offset>
struct reply_state<Offset, reply_sides::theirs> {
  using offset = Offset;
  static constexpr std::size_t sink_states = 0;
  static constexpr Offset none = std::numeric_limits<Offset>::max();
  Offset next_in = none;
};

/// The reply an e-mail of direction `inbound` finds in a thread's state (none: none, or its
/// side is not paired).
template <class Offset, reply_sides Sides>
[[nodiscard]] constexpr Offset reply_in(const reply_state<Offset, Sides>& s, bool inbound) noexcept {
  if constexpr (Sides == reply_sides::both) return inbound ? s.next_out : s.next_in;
  else if constexpr (Sides == reply_sides::ours) return inbound ? s.next_out : reply_state<Offset, Sides>::none;
  else return inbound ? reply_state<Offset, Sides>::none : s.next_in;
}
/// x becomes the earlier of x's and y's e-mails of each side (the states of two ts ranges).
template <class Offset, reply_sides Sides>
constexpr void keep_earliest(reply_state<Offset, Sides>& x, const reply_state<Offset, Sides>& y) noexcept {
  if constexpr (Sides != reply_sides::theirs) x.next_out = std::min(x.next_out, y.next_out);
  if constexpr (Sides != reply_sides::ours) x.next_in = std::min(x.next_in, y.next_in);
}

/// Per-thread states larger than this are beyond the core's caches: the sweep fetches them
/// ahead, and by_size below picks the two-instant sweep for them.
inline constexpr std::size_t far_reply_state_bytes = std::size_t{32} << 20;

/// Which sweep pairs the replies: the one over reply_state (compact), the branch-free one over
/// two_instant_state, or by_size: two_instant once the compact states would exceed
/// far_reply_state_bytes. Both give the same replies. Q5 (1 thread, alternated runs): at 10M
/// (10.5 MB of compact states, 27 % of rows sharing their second with another) compact took
/// 143-148 ms, two_instant 174-175; at 100M (105 MB, 79 % sharing) compact 2.06-2.09 s,
/// two_instant 1.85-1.89; 10M rows over 110 days (the 10M's states, ties as at 100M): 176-184
/// against 172-181 ms, the same within the noise. So the states' size decides.
enum class sweep_states { by_size, compact, two_instant };

/// The rows themselves, already in ts order, each e-mail's thread id its slot (the fast path).
struct rows_in_order {
  const dense_id* thread_id;
  const activity_type* type;
  const activity_status* status;  // nullptr: no status column
  const timestamp* ts;
  timestamp from;
  [[nodiscard]] static constexpr std::size_t row(std::size_t p) noexcept { return p; }
  [[nodiscard]] SALESMETRICS_HOT_INLINE std::uint32_t slot(std::size_t p) const noexcept {
    const bool yes = type[p] == activity_type::email && (status == nullptr || status[p] == activity_status::completed) &&
                     thread_id[p] >= 0 && ts[p] >= from;
    return yes ? static_cast<std::uint32_t>(thread_id[p]) : no_slot;
  }
  /// A slot worth prefetching for position p (any valid slot when p is no e-mail).
  [[nodiscard]] std::uint32_t hint(std::size_t p) const noexcept { return static_cast<std::uint32_t>(std::max(thread_id[p], dense_id{0})); }
  /// Fetches the columns slot(p) reads into the cache (for rows visited at random).
  void prefetch([[maybe_unused]] std::size_t p) const noexcept {
#if defined(__GNUC__)
    __builtin_prefetch(thread_id + p);
    __builtin_prefetch(type + p);
    __builtin_prefetch(ts + p);
    if (status != nullptr) __builtin_prefetch(status + p);
#endif
  }
};

/// A threaded e-mail's row and its thread's slot (the general path: numbered and/or sorted).
struct slotted_row {
  std::uint32_t row;
  std::uint32_t slot;
};
struct numbered_rows {
  const slotted_row* e;
  [[nodiscard]] std::size_t row(std::size_t p) const noexcept { return e[p].row; }
  [[nodiscard]] std::uint32_t slot(std::size_t p) const noexcept { return e[p].slot; }
  [[nodiscard]] std::uint32_t hint(std::size_t p) const noexcept { return e[p].slot; }
};

/// Sweeps positions [begin, end) of `seq` backwards, writing each threaded e-mail's reply and
/// then recording it as its thread's earliest e-mail of its side, and not_threaded for every
/// other position: the rows' output is written once, here, at reply_ts[row - out_first]. Rows
/// at the same instant are answered before any of them is recorded, so they never reply to
/// each other.
struct sweep_counts {
  std::size_t threaded = 0;  // threaded e-mails swept
  std::size_t replied = 0;   // of those, given a reply
};
template <class Sequence, class Offset, reply_sides Sides>
sweep_counts sweep_replies(const Sequence& sequence, std::size_t begin, std::size_t end, const timestamp* ts, const direction* dir,
                          std::int64_t base, std::span<reply_state<Offset, Sides>> states, std::int64_t* reply_ts,
                          std::size_t out_first = 0) noexcept {
  constexpr Offset none = reply_state<Offset, Sides>::none;
  reply_state<Offset, Sides>* const state = states.data();
  // A local copy: its column pointers then stay in registers instead of being reloaded after
  // every store to the states and the output.
  const Sequence seq = sequence;
  // The states are read in thread order, i.e. at random: fetching the one needed `ahead`
  // rows from now overlaps the cache misses (measured at 10M: the sweep took 25 % less time).
  // Pairing one side, only states beyond the caches are worth it (Q5, 4-byte states: 10.5 MB
  // at 10M, 131 ms without, 143 with; 105 MB at 100M, 2.25 s without, 2.09 s with).
  constexpr std::size_t ahead = 16;
  const bool prefetch = Sides == reply_sides::both || states.size_bytes() > far_reply_state_bytes;
  std::size_t threaded = 0, replied = 0;
  // The reply of e-mail m (thread slot s). A side that is not paired writes not_threaded, and
  // its e-mails do not read the state (the branch on the direction costs less than the miss).
  auto answer = [&](std::size_t m, std::uint32_t s) {
    const std::size_t row = seq.row(m);
    const bool inbound = dir[row] == direction::inbound;
    Offset r = none;
    bool paired = true;
    if constexpr (Sides == reply_sides::both) {
      r = inbound ? state[s].next_out : state[s].next_in;
    } else if constexpr (Sides == reply_sides::ours) {
      paired = inbound;
      if (inbound) r = state[s].next_out;
    } else {
      paired = !inbound;
      if (!inbound) r = state[s].next_in;
    }
    reply_ts[row - out_first] = !paired ? not_threaded : r == none ? no_reply : base + r;
    threaded += paired;
    replied += paired & (r != none);
  };
  // E-mail m becomes its side's earliest (kept only when the other side's replies are paired).
  auto record = [&](std::size_t m, std::uint32_t s, Offset offset) {
    const bool inbound = dir[seq.row(m)] == direction::inbound;
    if constexpr (Sides == reply_sides::both) (inbound ? state[s].next_in : state[s].next_out) = offset;
    else if constexpr (Sides == reply_sides::ours) { if (!inbound) state[s].next_out = offset; }
    else { if (inbound) state[s].next_in = offset; }
  };
  for (std::size_t k = end; k-- > begin;) {
#if defined(__GNUC__)
    // Pairing both sides every e-mail reads its state. Pairing one side, only that side's
    // e-mails do (the others only store, which does not stall): there the prefetches cost more
    // than they save while the states stay in cache (see above).
    if (prefetch && k >= begin + ahead) __builtin_prefetch(&state[seq.hint(k - ahead)], 1);
#endif
    const timestamp t = ts[seq.row(k)];
    const auto offset = static_cast<Offset>(to_unix(t) - base);
    if (k > begin && ts[seq.row(k - 1)] == t) [[unlikely]] {  // several rows at one instant
      std::size_t first = k;
      while (first > begin && ts[seq.row(first - 1)] == t) --first;
      for (std::size_t m = first; m <= k; ++m) {  // answer the instant's e-mails
        if (const std::uint32_t s = seq.slot(m); s != no_slot) answer(m, s);
        else reply_ts[seq.row(m) - out_first] = not_threaded;
      }
      for (std::size_t m = first; m <= k; ++m)  // then record them
        if (const std::uint32_t s = seq.slot(m); s != no_slot) record(m, s, offset);
      k = first;
      continue;
    }
    if (const std::uint32_t s = seq.slot(k); s != no_slot) {  // a lone instant (the common case)
      answer(k, s);
      record(k, s, offset);
    } else {
      reply_ts[seq.row(k) - out_first] = not_threaded;
    }
  }
  return {threaded, replied};
}

/// Per e-mail thread for the branch-free sweep below: of each paired side, the earliest e-mail
/// so far and the earliest one after that e-mail's instant. A row then finds the other side's
/// first e-mail strictly after its own instant whether or not rows of its instant were recorded
/// already, so an instant's rows need no second pass. Twice reply_state's bytes; the sweep's
/// rows that are no threaded e-mail read and write one of sink_states states after the threads'
/// (so a sweep's span of states has sink_states more than there are threads; none for reply_state).
template <class Offset, reply_sides Sides = reply_sides::both>
struct two_instant_state {
  using offset = Offset;
  static constexpr std::size_t sink_states = 8;  // a power of 2
  static constexpr Offset none = std::numeric_limits<Offset>::max();
  struct side_state {
    Offset earliest = none;
    Offset after = none;  // the earliest after `earliest`'s instant
  };
  side_state side[Sides == reply_sides::both ? 2 : 1];  // both: [0] ours (outbound), [1] the customer's
  [[nodiscard]] constexpr bool touched() const noexcept {
    return std::any_of(std::begin(side), std::end(side), [](const side_state& x) { return x.earliest != none; });
  }
};
template <class Offset, reply_sides Sides>
[[nodiscard]] constexpr Offset reply_in(const two_instant_state<Offset, Sides>& s, bool inbound) noexcept {
  constexpr Offset none = two_instant_state<Offset, Sides>::none;
  if constexpr (Sides == reply_sides::both) return s.side[inbound ? 0 : 1].earliest;
  else if constexpr (Sides == reply_sides::ours) return inbound ? s.side[0].earliest : none;
  else return inbound ? none : s.side[0].earliest;
}
/// x (the state of a ts range) followed by y (the state of the ranges after it: all its
/// e-mails are later than all of x's).
template <class Offset, reply_sides Sides>
constexpr void keep_earliest(two_instant_state<Offset, Sides>& x, const two_instant_state<Offset, Sides>& y) noexcept {
  constexpr Offset none = two_instant_state<Offset, Sides>::none;
  for (std::size_t i = 0; i < std::size(x.side); ++i) {
    if (x.side[i].earliest == none) x.side[i] = y.side[i];
    else if (x.side[i].after == none) x.side[i].after = y.side[i].earliest;
  }
}

/// sweep_replies with two_instant_state: the same result, with no branch on a row's type, side
/// or instant, and every e-mail reads its state (recording one needs the earliest so far), so
/// the states are always fetched ahead. `states` holds the threads' states, then the sinks.
template <class Sequence, class Offset, reply_sides Sides>
sweep_counts sweep_replies(const Sequence& sequence, std::size_t begin, std::size_t end, const timestamp* ts, const direction* dir,
                          std::int64_t base, std::span<two_instant_state<Offset, Sides>> states, std::int64_t* reply_ts,
                          std::size_t out_first = 0) noexcept {
  using state_type = two_instant_state<Offset, Sides>;
  constexpr Offset none = state_type::none;
  constexpr bool both = Sides == reply_sides::both;
  state_type* const state = states.data();
  const std::size_t sinks = states.size() - state_type::sink_states;
  const Sequence seq = sequence;  // (see sweep_replies above)
  constexpr std::size_t ahead = 16;  // as above
  std::size_t threaded = 0, replied = 0;
  for (std::size_t k = end; k-- > begin;) {
#if defined(__GNUC__)
    if (k >= begin + ahead) __builtin_prefetch(&state[seq.hint(k - ahead)], 1);
#endif
    const std::size_t row = seq.row(k);
    const auto t = static_cast<Offset>(to_unix(ts[row]) - base);
    const std::uint32_t s = seq.slot(k);
    const bool email = s != no_slot;
    // consecutive rows that are no e-mail use different sinks: no chain of stores and loads
    state_type& st = state[email ? std::size_t{s} : sinks + (k & (state_type::sink_states - 1))];
    const bool inbound = dir[row] == direction::inbound;
    // The reply: the other side's first e-mail strictly after t (every recorded one is at or after t).
    const auto& other = st.side[both && !inbound ? 1 : 0];
    const Offset r = other.earliest > t ? other.earliest : other.after;
    const bool paired = email && (both || (Sides == reply_sides::ours) == inbound);
    reply_ts[row - out_first] = !paired ? not_threaded : r == none ? no_reply : base + r;
    threaded += paired;
    replied += paired & (r != none);
    // Then this e-mail becomes its side's earliest (when the other side's replies are paired).
    const bool records = both || (Sides == reply_sides::ours) != inbound;
    auto& mine = st.side[both && inbound ? 1 : 0];
    const Offset e = mine.earliest;
    mine.after = records && t < e ? e : mine.after;
    mine.earliest = records ? t : e;
  }
  return {threaded, replied};
}

/// Gives the e-mails of [begin, end) still without a reply the earliest answer in `later`
/// (the state of every range after this one). Returns how many got one.
template <class Sequence, class State>
std::size_t answer_from_later(const Sequence& seq, std::size_t begin, std::size_t end, const direction* dir, std::int64_t base,
                              const State* later, std::int64_t* reply_ts) noexcept {
  using Offset = typename State::offset;
  constexpr Offset none = State::none;
  std::size_t replied = 0;
  for (std::size_t p = begin; p < end; ++p) {
    const std::uint32_t s = seq.slot(p);
    if (s == no_slot) continue;
    const std::size_t row = seq.row(p);
    if (reply_ts[row] != no_reply) continue;
    const Offset r = reply_in(later[s], dir[row] == direction::inbound);
    reply_ts[row] = r == none ? no_reply : base + r;
    replied += r != none;
  }
  return replied;
}

/// A part of an earlier range's leftover work: [begin, end) of range `range`'s items.
struct range_part {
  unsigned range;
  std::size_t begin, end;
};
/// After `ranges` ranges were swept at once, every range but the last looks up its unanswered
/// e-mails in the later ranges' states. Cut into parts so that all `threads` threads take some:
/// at 2 threads only the first range has any, a quarter of its e-mails (3.4 million rows in Q5
/// at 100M). items(r): how many items range r has. Parts of one range are in item order.
template <class Items>
[[nodiscard]] std::vector<range_part> parts_of_earlier_ranges(unsigned ranges, unsigned threads, Items&& items) {
  std::vector<range_part> parts;
  if (ranges < 2) return parts;
  const unsigned per_range = std::max(1u, threads / (ranges - 1));
  for (unsigned r = 0; r + 1 < ranges; ++r) {
    const std::size_t m = items(r);
    for (unsigned k = 0; k < per_range; ++k) parts.push_back({r, m * k / per_range, m * (k + 1) / per_range});
  }
  return parts;
}

/// `ranges` + 1 bounds that cut positions [begin, end) into nearly equal ranges, each bound moved
/// forward to the next change of instant (ts_at(p): position p's ts), so that no instant is split.
/// `last_weight`: the last range's size relative to the others' (1: all equal; more when the
/// other ranges have work the last one has not).
template <class TsAt>
[[nodiscard]] std::vector<std::size_t> split_at_instants(std::size_t begin, std::size_t end, unsigned ranges, TsAt&& ts_at,
                                                         double last_weight = 1.0) {
  std::vector<std::size_t> bounds(ranges + 1);
  const double total_weight = ranges - 1 + last_weight;
  for (unsigned r = 0; r <= ranges; ++r) {
    std::size_t b = last_weight == 1.0 || r == ranges
                        ? begin + (end - begin) * r / ranges
                        : std::min(end, begin + static_cast<std::size_t>(static_cast<double>(end - begin) * r / total_weight));
    if (r > 0) b = std::max(b, bounds[r - 1]);
    while (b > begin && b < end && ts_at(b - 1) == ts_at(b)) ++b;
    bounds[r] = b;
  }
  return bounds;
}

/// The normalised subject id of every subject in the dictionary (-1 when it normalises to "").
[[nodiscard]] inline std::vector<std::int32_t> normalised_subject_ids(const dictionary& subjects) {
  std::vector<std::int32_t> out(subjects.size(), -1);
  // A canonical decimal integer is its own normalised subject, and no two are the same.
  if (subjects.is_integers()) {
    std::iota(out.begin(), out.end(), 0);
    return out;
  }
  const std::span<const std::string> names = subjects.stored_names();
  std::unordered_map<std::string_view, std::int32_t> ids;  // views into the dictionary's names
  ids.reserve(names.size());
  for (std::size_t s = 0; s < names.size(); ++s) {
    const std::string_view n = normalise_subject(names[s]);
    if (n.empty()) continue;
    out[s] = ids.emplace(n, static_cast<std::int32_t>(ids.size())).first->second;
  }
  return out;
}

/// The sweep over positions [begin, end) of `seq`, split into `ranges` ts ranges run at once;
/// every threaded e-mail's ts lies in [base, base + max State::offset).
template <class State, class Sequence>
void pair_in_ranges(const Sequence& seq, std::size_t begin, std::size_t end, std::size_t slots, unsigned ranges,
                    std::int64_t base, const activity_view& a, reply_annotation& out) {
  const timestamp* const ts = a.ts.data();
  const direction* const dir = a.direction.data();
  std::int64_t* const reply_ts = out.reply_ts.data();
  const std::size_t size = end - begin;
  ranges = static_cast<unsigned>(std::clamp<std::size_t>(size, 1, std::max(1u, ranges)));
  const std::vector<std::size_t> bounds = split_at_instants(begin, end, ranges, [&](std::size_t p) { return ts[seq.row(p)]; });
  std::vector<large_vector<State>> state(ranges);  // read at random: on huge pages
  std::vector<sweep_counts> counts(ranges);
  salesmetrics::detail::run_on_threads(ranges, [&](unsigned r) {
    state[r].assign(slots + State::sink_states, State{});
    counts[r] = sweep_replies(seq, bounds[r], bounds[r + 1], ts, dir, base, std::span(state[r]), reply_ts);
  });
  // state[r] becomes the earliest e-mails of ranges r.. (suffix), then every range but the
  // last looks up its unanswered e-mails in the suffix after it.
  for (unsigned r = ranges - 1; r-- > 1;)
    for (std::size_t s = 0; s < slots; ++s) keep_earliest(state[r][s], state[r + 1][s]);
  const std::vector<range_part> parts = parts_of_earlier_ranges(ranges, ranges, [&](unsigned r) { return bounds[r + 1] - bounds[r]; });
  std::vector<std::size_t> late(parts.size(), 0);
  if (!parts.empty())  // (run_on_threads(0, f) would still run f(0))
    salesmetrics::detail::run_on_threads(static_cast<unsigned>(parts.size()), [&](unsigned t) {
      const range_part& p = parts[t];
      late[t] = answer_from_later(seq, bounds[p.range] + p.begin, bounds[p.range] + p.end, dir, base, state[p.range + 1].data(), reply_ts);
    });
  out.threaded_emails = 0;
  for (unsigned r = 0; r < ranges; ++r) {
    out.threaded_emails += counts[r].threaded;
    out.replied_emails += counts[r].replied;
  }
  for (const std::size_t l : late) out.replied_emails += l;
  for (std::size_t s = 0; s < slots; ++s)
    out.threads += state[0][s].touched() || (ranges > 1 && state[1][s].touched());
}

/// Calls f(std::type_identity<State>{}) with the per-thread state a sweep of `slots` threads
/// keeps: 4-byte offsets when the ts range [first, last] allows it, the two-instant state as
/// `states` says (sweep_states).
template <reply_sides Sides, class F>
decltype(auto) with_sweep_state(std::int64_t first, std::int64_t last, std::size_t slots, sweep_states states, F&& f) {
  // (unsigned: no overflow whatever the ts; last >= first)
  const bool narrow =
      static_cast<std::uint64_t>(last) - static_cast<std::uint64_t>(first) < std::uint64_t{std::numeric_limits<std::int32_t>::max()};
  const std::size_t compact_bytes = slots * (narrow ? sizeof(reply_state<std::int32_t, Sides>) : sizeof(reply_state<std::int64_t, Sides>));
  const bool two_instant = states == sweep_states::two_instant || (states == sweep_states::by_size && compact_bytes > far_reply_state_bytes);
  if (narrow)
    return two_instant ? f(std::type_identity<two_instant_state<std::int32_t, Sides>>{}) : f(std::type_identity<reply_state<std::int32_t, Sides>>{});
  return two_instant ? f(std::type_identity<two_instant_state<std::int64_t, Sides>>{}) : f(std::type_identity<reply_state<std::int64_t, Sides>>{});
}

/// pair_in_ranges with the state with_sweep_state picks.
template <class Sequence>
void pair_in_ranges(const Sequence& seq, std::size_t begin, std::size_t end, std::size_t slots, unsigned ranges,
                    std::int64_t first, std::int64_t last, const activity_view& a, reply_annotation& out, sweep_states states) {
  with_sweep_state<reply_sides::both>(first, last, slots, states, [&]<class State>(std::type_identity<State>) {
    pair_in_ranges<State>(seq, begin, end, slots, ranges, first, a, out);
  });
}

/// A completed e-mail at or after `from`: a row pairing considers (it still needs a thread key).
[[nodiscard]] inline bool pairable_email(const activity_view& a, std::size_t i, timestamp from) noexcept {
  return a.type[i] == activity_type::email && (a.status.empty() || a.status[i] == activity_status::completed) && a.ts[i] >= from;
}
/// The normalised subject of row i (by normalised_subject_ids, or the raw id without a
/// dictionary), or -1 when it forms no thread.
[[nodiscard]] inline std::int64_t subject_of(const activity_view& a, const std::vector<std::int32_t>& norm, std::size_t i) noexcept {
  if (a.subject_id.empty() || a.subject_id[i] < 0) return -1;
  const auto s = static_cast<std::size_t>(a.subject_id[i]);
  return norm.empty() ? static_cast<std::int64_t>(s) : s < norm.size() ? norm[s] : -1;
}

/// What the sweep needs to know before it starts, and whether the fast path applies: rows in
/// ts order, every threaded e-mail threaded by its thread id (no e-mail that only a subject
/// threads), thread ids dense enough to index the per-thread state (at most 2 per row swept, or
/// < 65,536). The rows to sweep are [begin, n); ts range [first, last].
struct sweep_plan {
  bool in_order_by_id = false;
  bool in_order = false;
  std::size_t begin = 0;
  std::size_t id_slots = 0;
  std::int64_t first = 0, last = 0;
  std::vector<std::int32_t> normalised_subjects;
};
[[nodiscard]] inline sweep_plan plan_sweep(const activity_view& a, const dictionary* subjects, timestamp from) {
  sweep_plan plan;
  const std::size_t n = a.size();
  const bool has_thread = !a.thread_id.empty(), has_subject = !a.subject_id.empty();
  if (has_subject && subjects != nullptr) plan.normalised_subjects = normalised_subject_ids(*subjects);
  // Are the rows in ts order, and their ts range (offsets in the per-thread state).
  plan.in_order = rows_in_time_order(a);
  plan.first = n > 0 ? to_unix(a.ts[0]) : 0;
  plan.last = n > 0 ? to_unix(a.ts[n - 1]) : 0;
  if (!plan.in_order)
    for (std::size_t i = 0; i < n; ++i) {
      plan.first = std::min(plan.first, to_unix(a.ts[i]));
      plan.last = std::max(plan.last, to_unix(a.ts[i]));
    }
  // In ts order the rows before `from` are a prefix the sweep can skip.
  plan.begin = plan.in_order ? static_cast<std::size_t>(std::lower_bound(a.ts.begin(), a.ts.end(), from) - a.ts.begin()) : 0;
  // The largest thread id of any row bounds the e-mails' ids (a plain max the compiler vectorises).
  dense_id max_id = -1;
  if (has_thread)
    for (std::size_t i = plan.begin; i < n; ++i) max_id = std::max(max_id, a.thread_id[i]);
  plan.id_slots = static_cast<std::size_t>(max_id) + 1;
  // E-mails without a thread id matter only when a subject can thread them.
  bool subject_rows = false;
  if (has_subject)
    for (std::size_t i = plan.begin; i < n && !subject_rows; ++i)
      subject_rows = pairable_email(a, i, from) && (!has_thread || a.thread_id[i] < 0) && subject_of(a, plan.normalised_subjects, i) >= 0;
  plan.in_order_by_id = plan.in_order && has_thread && !subject_rows &&
                        plan.id_slots <= std::max<std::size_t>(2 * (n - plan.begin), std::size_t{1} << 16);
  return plan;
}

/// pair_replies (below) with the sweep `states` says (by_size for pair_replies; the tests run both).
template <ExecutionPolicy Policy>
[[nodiscard]] reply_annotation pair_replies_with(sweep_states states, const activity_view& activities, const dictionary* subjects,
                                                 const Policy& policy, timestamp from) {
  const activity_view& a = activities;
  const std::size_t n = a.size();
  if (n >= detail::no_slot)
    throw std::length_error("salesmetrics::relationship::pair_replies: more than 2^32-2 activity rows");
  reply_annotation out;
  out.reply_ts.resize(n);  // uninitialised: every path below writes each row once
  out.paired_from = from;
  const bool has_thread = !a.thread_id.empty(), has_subject = !a.subject_id.empty();
  if (!has_thread && !has_subject) {
    std::fill(out.reply_ts.begin(), out.reply_ts.end(), not_threaded);
    return out;
  }
  const detail::sweep_plan plan = detail::plan_sweep(a, subjects, from);
  const std::vector<std::int32_t>& norm = plan.normalised_subjects;
  const std::size_t begin = plan.begin;
  const std::int64_t first = plan.first, last = plan.last;
  const std::size_t id_slots = plan.id_slots;
  const activity_status* const status = a.status.empty() ? nullptr : a.status.data();
  auto candidate = [&](std::size_t i) noexcept { return detail::pairable_email(a, i, from); };
  // The normalised subject of a row without a thread id, or -1 when it forms no thread.
  auto subject_of = [&](std::size_t i) noexcept { return detail::subject_of(a, norm, i); };
  if (plan.in_order_by_id) {
    // The sweep writes rows [begin, n); the rows before `from` are not paired.
    std::fill(out.reply_ts.begin(), out.reply_ts.begin() + static_cast<std::ptrdiff_t>(begin), not_threaded);
    const detail::rows_in_order rows{a.thread_id.data(), a.type.data(), status, a.ts.data(), from};
    detail::pair_in_ranges(rows, begin, n, id_slots, policy.threads(), first, last, a, out, states);
    return out;
  }
  // The general path sweeps the threaded e-mails only: every other row is not_threaded.
  std::fill(out.reply_ts.begin(), out.reply_ts.end(), not_threaded);
  std::size_t by_id = 0, without_id = 0;
  for (std::size_t i = begin; i < n; ++i) {
    const bool email = candidate(i);
    const bool with_id = has_thread && a.thread_id[i] >= 0;
    by_id += email && with_id;
    without_id += email && !with_id;
  }
  if (by_id == 0 && (without_id == 0 || !has_subject)) return out;
  const bool dense_ids = by_id == 0 || id_slots <= std::max<std::size_t>(4 * by_id, std::size_t{1} << 16);

  // General path: number the threads (dense ids keep their id), list the threaded e-mails,
  // and order them by ts when the rows are not.
  std::vector<detail::slotted_row> e;
  e.reserve(by_id + without_id);
  std::size_t slots = dense_ids ? id_slots : 0;
  std::unordered_map<dense_id, std::uint32_t> sparse_ids;
  struct subject_thread {
    std::int64_t subject;
    std::uint64_t pair;
    bool operator==(const subject_thread&) const = default;
  };
  struct subject_thread_hash {
    std::size_t operator()(const subject_thread& k) const noexcept {
      return std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(k.subject) * 0x9E3779B97F4A7C15ull ^ k.pair);
    }
  };
  std::unordered_map<subject_thread, std::uint32_t, subject_thread_hash> subject_threads;
  auto number = [&slots](auto& map, const auto& key) {
    const auto [it, added] = map.try_emplace(key, static_cast<std::uint32_t>(slots));
    slots += added;
    return it->second;
  };
  for (std::size_t i = begin; i < n; ++i) {
    if (!candidate(i)) continue;
    std::uint32_t slot = detail::no_slot;
    if (has_thread && a.thread_id[i] >= 0) {
      slot = dense_ids ? static_cast<std::uint32_t>(a.thread_id[i]) : number(sparse_ids, a.thread_id[i]);
    } else if (const std::int64_t subject = subject_of(i); subject >= 0) {
      const auto contact = a.contact_id.empty() ? std::uint32_t{0xffffffffu} : static_cast<std::uint32_t>(a.contact_id[i]);
      const std::uint64_t pair = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a.rep_id[i])) << 32) | contact;
      slot = number(subject_threads, subject_thread{subject, pair});
    }
    if (slot != detail::no_slot) e.push_back({static_cast<std::uint32_t>(i), slot});
  }
  if (!plan.in_order)
    std::stable_sort(e.begin(), e.end(), [&](const detail::slotted_row& x, const detail::slotted_row& y) { return a.ts[x.row] < a.ts[y.row]; });
  out.threaded_emails = e.size();
  detail::pair_in_ranges(detail::numbered_rows{e.data()}, 0, e.size(), slots, policy.threads(), first, last, a, out, states);
  return out;
}

}  // namespace detail

/// Pairs replies in `activities` (see above); `subjects` is the subjects dictionary or null.
template <ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] reply_annotation pair_replies(const activity_view& activities, const dictionary* subjects,
                                            const Policy& policy = seq, timestamp from = no_time) {
  return detail::pair_replies_with(detail::sweep_states::by_size, activities, subjects, policy, from);
}

/// Pairs replies in the data set's activities, normalising subjects with its subjects dictionary.
template <ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] reply_annotation pair_replies(const crm_view& data, const Policy& policy = seq, timestamp from = no_time) {
  return pair_replies(data.activities, data.dictionaries != nullptr ? &data.dictionaries->subjects : nullptr, policy, from);
}

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
