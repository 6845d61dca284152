// salesmetrics/core/large_array_allocator.hpp: an allocator for the library's large arrays.
//
// Below 128 KiB an allocation starts on a cache line (SmallAlignment), so that a slot array's
// states never straddle two lines more than their size requires; output arrays ask only for
// their type's alignment. From 128 KiB on it is a whole block of pages, kept for the next call
// when freed (retained_memory.hpp: the page faults of mapping it again cost more than the work of
// some queries). An allocation of HugeFrom bytes or more starts on a 2 MiB boundary, is whole 2 MiB
// pages and, on Linux, is advised as transparent huge pages (madvise MADV_HUGEPAGE; a no-op
// where THP is off: the memory then stays in 4 KiB pages).
// Two thresholds, for two reasons:
// - huge_array_bytes (32 MiB, large_vector): arrays read at random. The engine reads group states
//   and reply states at random. In an array of hundreds
// of MB on 4 KiB pages nearly every such read misses the TLB, and the page-table walk itself
// misses the caches. Q5 of the peers' harness at 100M activities (2-vCPU Xeon, THP in madvise
// mode; 105 MB of reply states): 1 thread 2.19 -> 2.02 s, 2 threads 1.36 -> 1.24 s (measured
// with the advice from 2 MiB; from 32 MiB, Q5 at 100M measured the same: 1.85-1.91 s against
// 1.90-1.91 s on 1 thread, 1.15-1.16 s against 1.16-1.17 s on 2).
// Why not from 2 MiB: below a few tens of MB the walks stay in cache, while a fresh huge page
// costs a 2 MiB clear at its first fault (and, where THP defragmentation is on for advised memory,
// as with Debian's "madvise" default, possibly a wait for compaction). Advised from 2 MiB, Q5 at
// 10M (two 10.5 MB states at 2 threads) took 110-173 ms in the harness instead of 86-94.
// - output_huge_bytes (8 MiB, output_vector in default_init_allocator.hpp): arrays written from
//   start to end (result columns, per-row outputs), where every page is used and what counts is
//   the cost of a first touch. That cost varies by machine by an order of magnitude: on a 2-vCPU
//   AMD EPYC virtual machine (2026-12-07) a 4 KiB page's first touch took 9.2 us and a 2 MiB
//   page's 21-44 us (the first 2 MiB pages of a process 0.5 ms each: compaction), so 400 MB of
//   4 KiB pages took 940 ms to fault in against 21-44 ms on huge pages. Q2 of the peers' harness
//   at 100M (1.7 million result rows) took 0.46-0.74 s on 4 KiB pages and 0.17-0.31 s on huge ones.
//   Why not from 2 MiB: a partly used last page costs up to 2 MiB of memory, which counts for
//   arrays of a few MB. Advised from 2 MiB, the harness at 10M peaked at 450 MiB instead of 388
//   with no time gained; from 8 MiB, at 100M, it peaked 108 MiB lower than from 2 MiB, as fast.
// A latency-bound service that prefers 4 KiB pages everywhere defines SALESMETRICS_NO_HUGE_PAGES
// before including. The size classes cost at most 12.5 % more address space per array (untouched
// pages take no memory).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/retained_memory.hpp>

#include <algorithm>
#include <cstddef>
#include <new>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE

inline constexpr std::size_t cache_line_bytes = 64;
inline constexpr std::size_t huge_array_bytes = std::size_t{32} << 20;  // random access: advised from here
inline constexpr std::size_t output_huge_bytes = std::size_t{8} << 20;  // written in full: advised from here

namespace detail {
/// Allocates `bytes`; a request of `huge_from` bytes or more is aligned and advised as above.
/// From retain_from_bytes (128 KiB) on, the block is mapped whole and kept for reuse when freed
/// (retained_memory.hpp). Below it, an alignment of at most the default new's is a plain new:
/// glibc serves it from its heap, reusing freed memory, where an over-aligned one took twice the
/// page faults (Q2 of the harness at 10M: 2,827 against 1,461 a call).
[[nodiscard]] inline void* allocate_large_array(std::size_t bytes, std::size_t alignment, std::size_t huge_from) {
  if (bytes >= retain_from_bytes)
    return retained_blocks::instance().take(bytes, bytes >= huge_from ? block_kind::huge_pages : block_kind::pages);
  if (alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(bytes);
  return ::operator new(bytes, std::align_val_t{alignment});
}
inline void free_large_array(void* p, std::size_t bytes, std::size_t alignment, std::size_t huge_from) noexcept {
  if (bytes >= retain_from_bytes)
    return retained_blocks::instance().give(p, bytes, bytes >= huge_from ? block_kind::huge_pages : block_kind::pages);
  if (alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator delete(p);
  ::operator delete(p, std::align_val_t{alignment});
}
}  // namespace detail

/// SmallAlignment: the alignment below HugeFrom (cache lines for slot arrays; outputs need only
/// their type's).
template <class T, std::size_t HugeFrom = huge_array_bytes, std::size_t SmallAlignment = cache_line_bytes>
class large_array_allocator {
  static_assert(HugeFrom >= huge_page_bytes, "salesmetrics::large_array_allocator: huge pages from less than one huge page");
  static_assert(std::max(SmallAlignment, alignof(T)) <= small_page_bytes,
                "salesmetrics::large_array_allocator: an alignment beyond a 4 KiB page (blocks from 128 KiB are page-aligned)");

 public:
  using value_type = T;
  static constexpr std::size_t alignment = std::max(SmallAlignment, alignof(T));
  static constexpr std::size_t huge_from = HugeFrom;
  template <class U>
  struct rebind {
    using other = large_array_allocator<U, HugeFrom, SmallAlignment>;
  };

  large_array_allocator() noexcept = default;
  template <class U>
  large_array_allocator(const large_array_allocator<U, HugeFrom, SmallAlignment>&) noexcept {}

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(detail::allocate_large_array(n * sizeof(T), alignment, HugeFrom));
  }
  void deallocate(T* p, std::size_t n) noexcept { detail::free_large_array(p, n * sizeof(T), alignment, HugeFrom); }

  template <class U>
  friend bool operator==(const large_array_allocator&, const large_array_allocator<U, HugeFrom, SmallAlignment>&) noexcept {
    return true;
  }
};

/// A vector whose storage is a large array (above).
template <class T>
using large_vector = std::vector<T, large_array_allocator<T>>;

SALESMETRICS_END_NAMESPACE
