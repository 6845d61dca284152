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
// Cost: one pass building (thread key, ts, row) entries for the threaded e-mails, ONE sort of
// those entries (par(n): n chunks sorted on n threads, then merged), one pass over the sorted
// runs (par(n): split at thread boundaries). Memory: 32 bytes per threaded e-mail plus 8 bytes
// per row for reply_ts; nothing is allocated per row.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/execution.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/relationship/subject.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

inline constexpr std::int64_t not_threaded = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t no_reply = std::numeric_limits<std::int64_t>::max();

struct reply_annotation {
  std::vector<std::int64_t> reply_ts;  // per activity row (see above)
  std::size_t threaded_emails = 0;     // rows with a thread key
  std::size_t replied_emails = 0;      // of those, rows with a reply
  std::size_t threads = 0;             // distinct thread keys
  timestamp paired_from = no_time;     // e-mails before this were not paired (no_time: all were)
};

namespace detail {

/// One threaded e-mail: its thread key (thread, pair), ts and row; ordered by key, ts, row.
struct thread_entry {
  std::uint64_t thread;
  std::uint64_t pair;  // all ones for thread ids; (rep << 32 | contact) for subject threads
  std::int64_t ts;
  std::uint32_t row;

  [[nodiscard]] friend constexpr bool operator<(const thread_entry& a, const thread_entry& b) noexcept {
    if (a.thread != b.thread) return a.thread < b.thread;
    if (a.pair != b.pair) return a.pair < b.pair;
    if (a.ts != b.ts) return a.ts < b.ts;
    return a.row < b.row;
  }
  [[nodiscard]] constexpr bool same_thread(const thread_entry& o) const noexcept { return thread == o.thread && pair == o.pair; }
};

/// The normalised subject id of every subject in the dictionary (-1 when it normalises to "").
[[nodiscard]] inline std::vector<std::int32_t> normalised_subject_ids(const dictionary& subjects) {
  std::vector<std::int32_t> out(subjects.size(), -1);
  std::unordered_map<std::string_view, std::int32_t> ids;  // views into the dictionary's names
  ids.reserve(subjects.size());
  for (std::size_t s = 0; s < subjects.size(); ++s) {
    const std::string_view n = normalise_subject(subjects.name(static_cast<dense_id>(s)));
    if (n.empty()) continue;
    out[s] = ids.emplace(n, static_cast<std::int32_t>(ids.size())).first->second;
  }
  return out;
}

/// Runs f(t) for t = 0..n-1, t > 0 on their own threads; rethrows the first exception.
template <class F>
void run_on_threads(unsigned n, F&& f) {
  if (n <= 1) {
    f(0u);
    return;
  }
  std::exception_ptr error;
  std::mutex m;
  std::vector<std::thread> pool;
  pool.reserve(n - 1);
  auto guarded = [&](unsigned t) {
    try {
      f(t);
    } catch (...) {
      std::lock_guard lock(m);
      if (!error) error = std::current_exception();
    }
  };
  for (unsigned t = 1; t < n; ++t) pool.emplace_back(guarded, t);
  guarded(0u);
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace detail

/// Pairs replies in `activities` (see above); `subjects` is the subjects dictionary or null.
template <ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] reply_annotation pair_replies(const activity_view& activities, const dictionary* subjects,
                                            const Policy& policy = seq, timestamp from = no_time) {
  const activity_view& a = activities;
  const std::size_t n = a.size();
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("salesmetrics::relationship::pair_replies: more than 2^32-1 activity rows");
  reply_annotation out;
  out.reply_ts.assign(n, not_threaded);
  out.paired_from = from;
  const bool has_thread = !a.thread_id.empty(), has_subject = !a.subject_id.empty();
  if (!has_thread && !has_subject) return out;
  const std::vector<std::int32_t> norm = has_subject && subjects != nullptr ? detail::normalised_subject_ids(*subjects)
                                                                            : std::vector<std::int32_t>{};
  constexpr std::uint64_t id_pair = std::numeric_limits<std::uint64_t>::max();

  // The thread key of row i, or false when it has none.
  auto key_of = [&](std::size_t i, std::uint64_t& thread, std::uint64_t& pair) noexcept {
    if (a.type[i] != activity_type::email || !(a.status.empty() || a.status[i] == activity_status::completed) || a.ts[i] < from)
      return false;
    if (has_thread && a.thread_id[i] >= 0) {
      thread = static_cast<std::uint64_t>(a.thread_id[i]);
      pair = id_pair;
      return true;
    }
    if (!has_subject || a.subject_id[i] < 0) return false;
    const auto s = static_cast<std::size_t>(a.subject_id[i]);
    const std::int64_t subject = norm.empty() ? static_cast<std::int64_t>(s) : s < norm.size() ? norm[s] : -1;
    if (subject < 0) return false;
    thread = static_cast<std::uint64_t>(subject);
    const auto contact = a.contact_id.empty() ? std::uint32_t{0xffffffffu} : static_cast<std::uint32_t>(a.contact_id[i]);
    pair = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a.rep_id[i])) << 32) | contact;
    return true;
  };

  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t t = 0, p = 0;
    count += key_of(i, t, p);
  }
  std::vector<detail::thread_entry> e;
  e.reserve(count);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t t = 0, p = 0;
    if (key_of(i, t, p)) e.push_back({t, p, to_unix(a.ts[i]), static_cast<std::uint32_t>(i)});
  }
  out.threaded_emails = e.size();

  // The one sort: by (thread key, ts, row); chunks sorted in parallel, then merged in order.
  const unsigned threads = e.size() < (std::size_t{1} << 15) ? 1u : std::max(1u, static_cast<unsigned>(policy.threads()));
  std::vector<std::size_t> bounds(threads + 1);
  for (unsigned t = 0; t <= threads; ++t) bounds[t] = e.size() * t / threads;
  detail::run_on_threads(threads, [&](unsigned t) {
    std::sort(e.begin() + static_cast<std::ptrdiff_t>(bounds[t]), e.begin() + static_cast<std::ptrdiff_t>(bounds[t + 1]));
  });
  for (unsigned t = 1; t < threads; ++t)
    std::inplace_merge(e.begin(), e.begin() + static_cast<std::ptrdiff_t>(bounds[t]), e.begin() + static_cast<std::ptrdiff_t>(bounds[t + 1]));

  // Pairing: each thread's run scanned backwards, instants grouped, remembering the earliest
  // later e-mail of each side. Runs are split between workers at thread boundaries.
  for (unsigned t = 1; t < threads; ++t) {
    std::size_t b = std::max(bounds[t], bounds[t - 1]);
    while (b > 0 && b < e.size() && e[b - 1].same_thread(e[b])) ++b;
    bounds[t] = b;
  }
  std::vector<std::size_t> thread_counts(threads, 0), replied(threads, 0);
  std::int64_t* const reply_ts = out.reply_ts.data();
  const auto* const dir = a.direction.data();
  detail::run_on_threads(threads, [&](unsigned t) {
    std::size_t end = bounds[t + 1];
    const std::size_t begin = bounds[t];
    while (end > begin) {
      std::size_t start = end - 1;
      while (start > begin && e[start - 1].same_thread(e[end - 1])) --start;
      ++thread_counts[t];
      std::int64_t next_out = no_reply, next_in = no_reply;  // earliest strictly later e-mail of each side
      std::size_t j = end;
      while (j > start) {
        std::size_t k = j - 1;
        while (k > start && e[k - 1].ts == e[j - 1].ts) --k;
        for (std::size_t m = k; m < j; ++m) {
          const std::int64_t r = dir[e[m].row] == direction::inbound ? next_out : next_in;
          reply_ts[e[m].row] = r;
          replied[t] += r != no_reply;
        }
        for (std::size_t m = k; m < j; ++m) (dir[e[m].row] == direction::inbound ? next_in : next_out) = e[m].ts;
        j = k;
      }
      end = start;
    }
  });
  for (unsigned t = 0; t < threads; ++t) {
    out.threads += thread_counts[t];
    out.replied_emails += replied[t];
  }
  return out;
}

/// Pairs replies in the data set's activities, normalising subjects with its subjects dictionary.
template <ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] reply_annotation pair_replies(const crm_view& data, const Policy& policy = seq, timestamp from = no_time) {
  return pair_replies(data.activities, data.dictionaries != nullptr ? &data.dictionaries->subjects : nullptr, policy, from);
}

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
