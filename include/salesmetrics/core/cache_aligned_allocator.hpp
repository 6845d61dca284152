// salesmetrics/core/cache_aligned_allocator.hpp: vectors whose storage starts on a cache line.
//
// The fused pass keeps one working state per group in a vector and reads a random one per row.
// A 64-byte state in storage that starts 16 bytes into a line (what a large malloc returns)
// spans two lines, and every row then touches both: aligned, one.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <cstddef>
#include <new>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE

inline constexpr std::size_t cache_line_bytes = 64;

template <class T>
class cache_aligned_allocator {
 public:
  using value_type = T;
  static constexpr std::align_val_t alignment{std::max(cache_line_bytes, alignof(T))};

  cache_aligned_allocator() noexcept = default;
  template <class U>
  cache_aligned_allocator(const cache_aligned_allocator<U>&) noexcept {}

  [[nodiscard]] T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), alignment)); }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, alignment); }

  template <class U>
  friend bool operator==(const cache_aligned_allocator&, const cache_aligned_allocator<U>&) noexcept {
    return true;
  }
};

/// A vector whose first element starts a cache line.
template <class T>
using cache_aligned_vector = std::vector<T, cache_aligned_allocator<T>>;

SALESMETRICS_END_NAMESPACE
