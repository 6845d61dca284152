// salesmetrics/core/retained_memory.hpp: large blocks kept for the next call instead of handed back.
//
// Why: an evaluation allocates its scratch and result arrays afresh and frees them when done.
// glibc gives freed blocks of that size back to the kernel (it unmaps them, or trims the top of
// its heap), so the next call takes a page fault for every 4 KiB it touches again. Q2 of the
// peers' harness at 10M on 1 thread (2-vCPU AMD EPYC VM, 9.2 us a fault): 1,319-1,419 faults a
// call, 13 ms of its 36 (session 14); with kept blocks 0, and 15-18 ms instead of 29-30. The
// large arrays (large_array_allocator.hpp) therefore take their blocks of retain_from
// (128 KiB) bytes or more from here:
// - A block is mapped in a size class: whole 4 KiB pages (2 MiB pages for huge-page arrays),
//   rounded up to 4 significant bits of the page count, so at most 12.5 % more address space;
//   pages never touched take no memory.
// - A freed block is kept, up to the limit (default 512 MiB), and the next allocation of the
//   same class and kind takes it back, the most recently freed first (its pages are already
//   mapped, and the likeliest still in cache).
// - An allocation that finds no block first hands back the least recently freed ones, as many as
//   it takes for kept + live to stay within 1.25x the most that was live at once (or the new
//   live, if more). So the kept blocks raise memory by at most a quarter of what the program's
//   large arrays already needed at once (tested against a model). Why the quarter: a call frees
//   some arrays midway and maps others, so the blocks it uses in all exceed its peak, and its
//   caller may still hold the previous call's result. Bounded by the peak alone, each call
//   handed back blocks that its own later allocations then missed: Q2 of the harness at 10M
//   took 56 misses in 7 calls, against 13 (all in the first call) with the quarter, and 2,135
//   page faults a call against 1,319 without keeping anything.
// - release_retained_memory() hands every kept block back; set_retained_memory_limit(0) stops
//   keeping. Sanitizer builds keep nothing unless a limit is set, and take their blocks from
//   operator new, so that use after free and overflows stay visible.
// Thread-safe: one mutex, taken a few times per evaluation, never per row; blocks are unmapped
// under it only when the kept set shrinks.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define SALESMETRICS_SANITIZED 1
#endif
#endif
#if !defined(SALESMETRICS_SANITIZED) && (defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__))
#define SALESMETRICS_SANITIZED 1
#endif

#if defined(__linux__) && !defined(SALESMETRICS_SANITIZED)
#define SALESMETRICS_MAP_BLOCKS 1
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

SALESMETRICS_BEGIN_NAMESPACE

inline constexpr std::size_t retain_from_bytes = std::size_t{128} << 10;  // smaller blocks stay with malloc
inline constexpr std::size_t small_page_bytes = std::size_t{4} << 10;
inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;
#if defined(SALESMETRICS_SANITIZED)
inline constexpr std::size_t default_retained_limit_bytes = 0;
#else
inline constexpr std::size_t default_retained_limit_bytes = std::size_t{512} << 20;
#endif

namespace detail {

/// Page-aligned blocks, or 2 MiB-aligned ones advised as transparent huge pages.
enum class block_kind : std::uint8_t { pages, huge_pages };

/// The bytes a block of `bytes` is mapped with: whole pages of its kind, the count rounded up to
/// 4 significant bits (classes 8, 9, ..., 15, 16, 18, ..., 30, 32, 36, ... pages).
[[nodiscard]] constexpr std::size_t block_class_bytes(std::size_t bytes, block_kind kind) noexcept {
  const std::size_t page = kind == block_kind::huge_pages ? huge_page_bytes : small_page_bytes;
  std::size_t pages = bytes / page + (bytes % page != 0);
  const auto width = static_cast<unsigned>(std::bit_width(pages));
  if (width > 4) {
    const unsigned drop = width - 4;
    pages = ((pages >> drop) + ((pages & ((std::size_t{1} << drop) - 1)) != 0)) << drop;
  }
  return pages * page;
}

class retained_blocks {
 public:
  struct statistics {
    std::size_t kept_bytes = 0, kept_blocks = 0;
    std::size_t live_bytes = 0, peak_live_bytes = 0;  // blocks handed out (class bytes): now, and the most at once
    std::uint64_t reused = 0, mapped = 0, handed_back = 0;  // blocks, since the program started
  };

  /// The program's one set (never destroyed: arrays may be freed during static destruction).
  static retained_blocks& instance() noexcept {
    alignas(retained_blocks) static unsigned char storage[sizeof(retained_blocks)];
    static retained_blocks* const blocks = ::new (storage) retained_blocks;
    return *blocks;
  }

  /// A block of at least `bytes` (>= retain_from_bytes): a kept one of its class, or a new one.
  [[nodiscard]] void* take(std::size_t bytes, block_kind kind) {
    if (bytes > (std::size_t{1} << 62)) throw std::bad_alloc();
    const std::size_t size = block_class_bytes(bytes, kind);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (std::size_t k = kept_.size(); k-- > 0;)
        if (kept_[k].bytes == size && kept_[k].kind == kind) {
          void* const p = kept_[k].address;
          kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(k));
          kept_bytes_ -= size;
          ++reused_;
          note_taken(size);
          return p;
        }
      // None: hand back the least recently freed blocks, as many as it takes for kept + live
      // to stay within 1.25x the largest live so far (or the new live, if that is larger).
      const std::size_t allowed = std::max(peak_live_bytes_ + peak_live_bytes_ / 4, live_bytes_ + size);
      hand_back_oldest_while([&](std::size_t) { return kept_bytes_ + live_bytes_ + size > allowed; });
      ++mapped_;
      note_taken(size);
    }
    try {
      return map(size, kind);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      live_bytes_ -= size;
      throw;
    }
  }

  /// Keeps `p` (from take(bytes, kind)) for the next take of its class, or hands it back.
  void give(void* p, std::size_t bytes, block_kind kind) noexcept {
    const block freed{p, block_class_bytes(bytes, kind), kind};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      live_bytes_ -= freed.bytes;
      const std::size_t limit = limit_.load(std::memory_order_relaxed);
      if (freed.bytes <= limit && reserve_bookkeeping()) {
        // Room under the limit and the block count (then push_back cannot throw).
        hand_back_oldest_while([&](std::size_t left) { return kept_bytes_ + freed.bytes > limit || left >= max_blocks; });
        kept_.push_back(freed);
        kept_bytes_ += freed.bytes;
        return;
      }
      ++handed_back_;
    }
    unmap(freed);
  }

  /// Hands back the kept blocks beyond `limit` bytes (0: all, and the largest live so far
  /// starts again from what is live now); returns the bytes handed back.
  std::size_t trim(std::size_t limit) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t before = kept_bytes_;
    hand_back_oldest_while([&](std::size_t) { return kept_bytes_ > limit; });
    if (limit == 0) peak_live_bytes_ = live_bytes_;
    return before - kept_bytes_;
  }

  void set_limit(std::size_t bytes) noexcept {
    limit_.store(bytes, std::memory_order_relaxed);
    (void)trim(bytes);
  }
  [[nodiscard]] std::size_t limit() const noexcept { return limit_.load(std::memory_order_relaxed); }

  [[nodiscard]] statistics stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return {kept_bytes_, kept_.size(), live_bytes_, peak_live_bytes_, reused_, mapped_, handed_back_};
  }

 private:
  struct block {
    void* address;
    std::size_t bytes;  // the class size it was mapped with
    block_kind kind;
  };
  static constexpr std::size_t max_blocks = 256;  // bounds the search of take()

  retained_blocks() = default;

  void note_taken(std::size_t size) noexcept {  // under the lock
    live_bytes_ += size;
    peak_live_bytes_ = std::max(peak_live_bytes_, live_bytes_);
  }

  /// Under the lock: unmaps the least recently freed blocks while `more(blocks kept)` holds.
  /// Unmapped under the lock: it happens only when the kept set has to shrink, and needs no
  /// allocation, so give() and trim() stay noexcept.
  template <class More>
  void hand_back_oldest_while(More&& more) noexcept {
    std::size_t count = 0;
    while (count < kept_.size() && more(kept_.size() - count)) {
      unmap(kept_[count]);
      kept_bytes_ -= kept_[count].bytes;
      ++count;
    }
    kept_.erase(kept_.begin(), kept_.begin() + static_cast<std::ptrdiff_t>(count));
    handed_back_ += count;
  }

  /// Under the lock: room for max_blocks entries, reserved once; false if that allocation fails.
  [[nodiscard]] bool reserve_bookkeeping() noexcept {
    if (kept_.capacity() >= max_blocks) return true;
    try {
      kept_.reserve(max_blocks);
      return true;
    } catch (...) {
      return false;
    }
  }

  [[nodiscard]] static void* map(std::size_t size, block_kind kind) {
#if defined(SALESMETRICS_MAP_BLOCKS)
    // Huge-page blocks start on a 2 MiB boundary: map one huge page more and cut the ends off.
    const std::size_t extra = kind == block_kind::huge_pages ? huge_page_bytes : 0;
    void* const raw = ::mmap(nullptr, size + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    auto* p = static_cast<unsigned char*>(raw);
    if (extra != 0) {
      const std::uintptr_t at = reinterpret_cast<std::uintptr_t>(p);
      const std::size_t head = (huge_page_bytes - at % huge_page_bytes) % huge_page_bytes;
      if (head != 0) (void)::munmap(p, head);
      if (extra - head != 0) (void)::munmap(p + head + size, extra - head);
      p += head;
    }
#else
    void* const p = ::operator new(size, std::align_val_t{kind == block_kind::huge_pages ? huge_page_bytes : small_page_bytes});
#endif
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(SALESMETRICS_NO_HUGE_PAGES)
    if (kind == block_kind::huge_pages) (void)::madvise(p, size, MADV_HUGEPAGE);  // advice only: failure leaves 4 KiB pages
#endif
    return p;
  }

  static void unmap(const block& b) noexcept {
#if defined(SALESMETRICS_MAP_BLOCKS)
    (void)::munmap(b.address, b.bytes);
#else
    ::operator delete(b.address, std::align_val_t{b.kind == block_kind::huge_pages ? huge_page_bytes : small_page_bytes});
#endif
  }

  mutable std::mutex mutex_;
  std::vector<block> kept_;  // least recently freed first
  std::size_t kept_bytes_ = 0, live_bytes_ = 0, peak_live_bytes_ = 0;
  std::uint64_t reused_ = 0, mapped_ = 0, handed_back_ = 0;
  std::atomic<std::size_t> limit_{default_retained_limit_bytes};
};

}  // namespace detail

/// Bytes of freed large arrays kept for reuse (core/retained_memory.hpp).
[[nodiscard]] inline std::size_t retained_memory_bytes() { return detail::retained_blocks::instance().stats().kept_bytes; }

/// Hands every kept block back to the system (say, after a large one-off evaluation); returns
/// the bytes handed back.
inline std::size_t release_retained_memory() noexcept { return detail::retained_blocks::instance().trim(0); }

/// At most `bytes` of freed large arrays are kept (0: none); blocks beyond it are handed back now.
inline void set_retained_memory_limit(std::size_t bytes) noexcept { detail::retained_blocks::instance().set_limit(bytes); }
[[nodiscard]] inline std::size_t retained_memory_limit() noexcept { return detail::retained_blocks::instance().limit(); }

SALESMETRICS_END_NAMESPACE
