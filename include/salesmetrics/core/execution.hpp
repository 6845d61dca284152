// salesmetrics/core/execution.hpp: execution policies for the metric engine and the batch models.
//
// seq runs on the calling thread. par{n} splits the rows into n contiguous chunks, evaluates
// each into its own states on its own std::thread and merges the states in chunk order, so the
// result does not depend on scheduling. A pass over few rows takes fewer threads
// (parallel_policy::min_rows_per_thread); par(n, 1) takes n whatever the rows.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE

struct sequential_policy {
  [[nodiscard]] static constexpr unsigned threads() noexcept { return 1; }
};

struct parallel_policy {
  /// A pass over fewer rows than this per thread starts fewer threads: below it, starting one and
  /// the second core's cold caches cost more than the thread saves (the metric engine's Q4 at
  /// 10M, one pass over 200,000 deals: 0.24 ms on one thread, 0.28 ms on two). Not higher: Q2
  /// at 10M, 430,000 rows in the window at about 45 ns each, takes 20 ms on one and 14 on two.
  static constexpr std::size_t default_min_rows_per_thread = std::size_t{1} << 17;

  unsigned thread_count = 0;  // 0 = std::thread::hardware_concurrency()
  std::size_t min_rows_per_thread = default_min_rows_per_thread;  // 1: every thread, whatever the rows
  [[nodiscard]] unsigned threads() const noexcept {
    return thread_count != 0 ? thread_count : std::max(1u, std::thread::hardware_concurrency());
  }
  /// The threads for a pass over `rows` rows: threads(), fewer if each would get under
  /// min_rows_per_thread rows, at least one.
  [[nodiscard]] unsigned threads_for_rows(std::size_t rows) const noexcept {
    return static_cast<unsigned>(std::clamp<std::size_t>(rows / std::max<std::size_t>(1, min_rows_per_thread), 1, threads()));
  }
};

inline constexpr sequential_policy seq{};
[[nodiscard]] inline parallel_policy par(unsigned threads = 0,
                                         std::size_t min_rows_per_thread = parallel_policy::default_min_rows_per_thread) noexcept {
  return parallel_policy{threads, min_rows_per_thread};
}

template <class P>
concept ExecutionPolicy = requires(const P& p) {
  { p.threads() } -> std::convertible_to<unsigned>;
};

namespace detail {
/// Runs f(t) for t = 0..n-1: t = 0 on the calling thread, the others on their own threads;
/// joins them all, then rethrows the first exception any of them threw.
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

SALESMETRICS_END_NAMESPACE
