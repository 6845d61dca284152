// salesmetrics/metrics/hot_state.hpp: the per-group working state of the fused pass.
//
// The pass updates one working state per group; it is what has to stay in cache while the rows
// stream by. A leaf with a hot state (metric.hpp) works in it, narrower than its state (uint32
// counters instead of int64); the others work in their state. Q1 at 100M activities groups by
// 20,000 reps: with int64 states (208 bytes a rep) they overflow the 2 MB L2 and the pass took
// 744 ms; with 64-byte working states, 337 ms (the plain loop's 64-byte accumulators: 273 ms).
//
// A hot state takes at most its leaf's hot_rows rows. The engine counts the rows of a pass and,
// before the capacity would be exceeded, *spills*: folds every hot state into a full state kept
// beside it and resets it to its identity. At the end every working state is *taken*: the hot
// ones folded into their full state, the others moved into theirs. A pass of fewer rows than the
// capacity (any pass under 4 billion rows, for uint32 counters) never spills.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/metrics/metric.hpp>
#include <salesmetrics/metrics/metric_set.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <tuple>
#include <utility>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics::detail {

inline constexpr std::uint64_t unlimited_rows = std::numeric_limits<std::uint64_t>::max();

template <class L> struct working_state_of {
  using type = typename L::state;
  static constexpr std::uint64_t capacity = unlimited_rows;
};
template <HotLeaf L> struct working_state_of<L> {
  using type = typename L::hot_state;
  static constexpr std::uint64_t capacity = L::hot_rows;
  static_assert(L::hot_rows > 0, "salesmetrics: a leaf metric's hot_rows must be at least 1");
};

/// The working states of a leaf list, side by side like its group_state.
template <class Leaves> struct working_states;
template <class... Ls> struct working_states<type_list<Ls...>> {
  using type = std::tuple<typename working_state_of<Ls>::type...>;
  using full_type = std::tuple<typename Ls::state...>;
  static constexpr bool any_hot = (HotLeaf<Ls> || ...);
  /// Rows a working state may take between spills: the least of its hot leaves' capacities.
  static constexpr std::uint64_t capacity = std::min({unlimited_rows, working_state_of<Ls>::capacity...});

  /// Folds the hot leaves' working states into `full` and resets them; the others stay.
  static void spill(full_type& full, type& work) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (spill_one<Ls>(std::get<I>(full), std::get<I>(work)), ...);
    }(std::index_sequence_for<Ls...>{});
  }

  /// The group's state: `spilled` (what earlier spills folded, else the identity) plus `work`,
  /// which is left spent.
  static full_type take(type& work, full_type* spilled) {
    if constexpr (!any_hot) {
      if (spilled == nullptr) return std::move(work);
    }
    full_type full = spilled != nullptr ? std::move(*spilled) : full_type{};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (take_one<Ls>(std::get<I>(full), std::get<I>(work)), ...);
    }(std::index_sequence_for<Ls...>{});
    return full;
  }

 private:
  template <class L, class W>
  static void spill_one(typename L::state& full, W& work) {
    if constexpr (HotLeaf<L>) {
      L::fold(full, work);
      work = W{};
    }
  }
  template <class L, class W>
  static void take_one(typename L::state& full, W& work) {
    if constexpr (HotLeaf<L>) L::fold(full, work);
    else full = std::move(work);  // never spilled: `full` is still the identity
  }
};

}  // namespace metrics::detail
SALESMETRICS_END_NAMESPACE
