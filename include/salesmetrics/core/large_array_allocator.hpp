// salesmetrics/core/large_array_allocator.hpp: an allocator for the library's large arrays.
//
// Every allocation starts on a cache line, so that a slot array's states never straddle two lines
// more than their size requires. An allocation of huge_array_bytes (32 MiB) or more also starts on
// a 2 MiB boundary, is rounded up to whole 2 MiB pages and, on Linux, is advised as transparent
// huge pages (madvise MADV_HUGEPAGE; a no-op where THP is off: the memory then stays in 4 KiB
// pages). Why: the engine reads group states and reply states at random. In an array of hundreds
// of MB on 4 KiB pages nearly every such read misses the TLB, and the page-table walk itself
// misses the caches. Q5 of the peers' harness at 100M activities (2-vCPU Xeon, THP in madvise
// mode; 105 MB of reply states): 1 thread 2.19 -> 2.02 s, 2 threads 1.36 -> 1.24 s (measured
// with the advice from 2 MiB; from 32 MiB, Q5 at 100M measured the same: 1.85-1.91 s against
// 1.90-1.91 s on 1 thread, 1.15-1.16 s against 1.16-1.17 s on 2).
// Why not from 2 MiB: below a few tens of MB the walks stay in cache, while a fresh huge page
// costs a 2 MiB clear at its first fault (and, where THP defragmentation is on for advised memory,
// as with Debian's "madvise" default, possibly a wait for compaction). Advised from 2 MiB, Q5 at
// 10M (two 10.5 MB states at 2 threads) took 110-173 ms in the harness instead of 86-94.
// A latency-bound service that prefers 4 KiB pages everywhere defines SALESMETRICS_NO_HUGE_PAGES
// before including. The rounding costs under 2 MiB of address space per array.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <cstddef>
#include <new>
#include <vector>

#if defined(__linux__) && !defined(SALESMETRICS_NO_HUGE_PAGES)
#include <sys/mman.h>
#endif

SALESMETRICS_BEGIN_NAMESPACE

inline constexpr std::size_t cache_line_bytes = 64;
inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;
inline constexpr std::size_t huge_array_bytes = std::size_t{32} << 20;  // advised from this size on

namespace detail {
/// Allocates `bytes`; a request of huge_array_bytes or more is aligned and advised as above.
[[nodiscard]] inline void* allocate_large_array(std::size_t bytes, std::size_t alignment) {
  if (bytes < huge_array_bytes) return ::operator new(bytes, std::align_val_t{alignment});
  const std::size_t rounded = (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
  void* p = ::operator new(rounded, std::align_val_t{huge_page_bytes});
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(SALESMETRICS_NO_HUGE_PAGES)
  (void)::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure leaves 4 KiB pages
#endif
  return p;
}
inline void free_large_array(void* p, std::size_t bytes, std::size_t alignment) noexcept {
  ::operator delete(p, std::align_val_t{bytes < huge_array_bytes ? alignment : huge_page_bytes});
}
}  // namespace detail

template <class T>
class large_array_allocator {
 public:
  using value_type = T;
  static constexpr std::size_t alignment = std::max(cache_line_bytes, alignof(T));

  large_array_allocator() noexcept = default;
  template <class U>
  large_array_allocator(const large_array_allocator<U>&) noexcept {}

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(detail::allocate_large_array(n * sizeof(T), alignment));
  }
  void deallocate(T* p, std::size_t n) noexcept { detail::free_large_array(p, n * sizeof(T), alignment); }

  template <class U>
  friend bool operator==(const large_array_allocator&, const large_array_allocator<U>&) noexcept {
    return true;
  }
};

/// A vector whose storage is a large array (above).
template <class T>
using large_vector = std::vector<T, large_array_allocator<T>>;

SALESMETRICS_END_NAMESPACE
