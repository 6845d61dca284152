// salesmetrics/core/execution.hpp: execution policies for the metric engine and the batch models.
//
// seq runs on the calling thread. par{n} splits the rows into n contiguous chunks, evaluates
// each into its own states on its own std::thread and merges the states in chunk order, so the
// result does not depend on scheduling.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <concepts>
#include <thread>

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

SALESMETRICS_END_NAMESPACE
