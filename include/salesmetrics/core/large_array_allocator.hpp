// salesmetrics/core/large_array_allocator.hpp: an allocator for the library's large arrays.
//
// Every allocation starts on a cache line, so that a slot array's states never straddle two lines
// more than their size requires. An allocation of 2 MiB or more also starts on a 2 MiB boundary,
// is rounded up to whole 2 MiB and, on Linux, is advised as transparent huge pages
// (madvise MADV_HUGEPAGE; a no-op where THP is off, the memory then stays in 4 KiB pages).
// Why: the engine reads group states, columns gathered by row and reply states at random. With
// 4 KiB pages nearly every such read of an array of hundreds of MB misses the TLB, and the first
// write of every 4 KiB page faults. Q5 of the peers' harness at 100M activities (2-vCPU Xeon, THP
// in madvise mode; 105 MB of reply states): 1 thread 2.19 -> 2.02 s, 2 threads 1.36 -> 1.24 s.
// The rounding costs at most 2 MiB of address space per array (untouched pages take no memory).
// Where THP defragmentation is on for advised memory (defrag "madvise", the Debian default), the
// first fault of a huge page may wait for the kernel to compact memory (seen here: a 105 MB
// array's first fill taking 300 ms instead of 25 on a fragmented machine). A latency-bound
// service that prefers 4 KiB pages defines SALESMETRICS_NO_HUGE_PAGES before including.
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

namespace detail {
/// Allocates `bytes`; a huge-page-sized request is aligned and advised as above.
[[nodiscard]] inline void* allocate_large_array(std::size_t bytes, std::size_t alignment) {
  if (bytes < huge_page_bytes) return ::operator new(bytes, std::align_val_t{alignment});
  const std::size_t rounded = (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
  void* p = ::operator new(rounded, std::align_val_t{huge_page_bytes});
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(SALESMETRICS_NO_HUGE_PAGES)
  (void)::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure leaves 4 KiB pages
#endif
  return p;
}
inline void free_large_array(void* p, std::size_t bytes, std::size_t alignment) noexcept {
  ::operator delete(p, std::align_val_t{bytes < huge_page_bytes ? alignment : huge_page_bytes});
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
