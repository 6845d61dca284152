// salesmetrics/core/execution.hpp: execution policies for the metric engine and the batch models.
//
// seq runs on the calling thread. par{n} splits the rows into n contiguous chunks, evaluates
// each into its own states on its own std::thread and merges the states in chunk order, so the
// result does not depend on scheduling.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <concepts>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE

struct sequential_policy {
  [[nodiscard]] static constexpr unsigned threads() noexcept { return 1; }
};

struct parallel_policy {
  unsigned thread_count = 0;  // 0 = std::thread::hardware_concurrency()
  [[nodiscard]] unsigned threads() const noexcept {
    return thread_count != 0 ? thread_count : std::max(1u, std::thread::hardware_concurrency());
  }
};

inline constexpr sequential_policy seq{};
[[nodiscard]] inline parallel_policy par(unsigned threads = 0) noexcept { return parallel_policy{threads}; }

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
