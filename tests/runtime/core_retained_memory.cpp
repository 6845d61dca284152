// Tests of core/retained_memory.hpp: the size classes, reuse of a freed block by the next
// allocation of its class, the limit, the bound on memory (kept + live never above the peak of
// live, plus a quarter) against a model on random sequences, and blocks handed out once under two threads.
#include <salesmetrics/core/large_array_allocator.hpp>
#include <salesmetrics/core/retained_memory.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <random>
#include <thread>
#include <vector>

namespace core_retained_memory_test {

using namespace salesmetrics;
using detail::block_class_bytes;
using detail::block_kind;
using detail::retained_blocks;

constexpr std::size_t KiB = 1024, MiB = 1024 * KiB;

/// Each test starts with nothing kept and a known limit, and leaves the default behind.
struct fresh_blocks {
  explicit fresh_blocks(std::size_t limit) {
    (void)release_retained_memory();
    set_retained_memory_limit(limit);
  }
  ~fresh_blocks() {
    (void)release_retained_memory();
    set_retained_memory_limit(default_retained_limit_bytes);
  }
  fresh_blocks(const fresh_blocks&) = delete;
  fresh_blocks& operator=(const fresh_blocks&) = delete;
};

std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

TEST_CASE("retained memory: size classes are whole pages with 4 significant bits", "[core][retained_memory]") {
  // Hand-computed.
  CHECK(block_class_bytes(1, block_kind::pages) == 4 * KiB);
  CHECK(block_class_bytes(128 * KiB, block_kind::pages) == 128 * KiB);      // 32 pages: 1 significant bit
  CHECK(block_class_bytes(128 * KiB + 1, block_kind::pages) == 144 * KiB);  // 33 pages -> 36
  CHECK(block_class_bytes(17 * 4 * KiB, block_kind::pages) == 18 * 4 * KiB);
  CHECK(block_class_bytes(15 * 4 * KiB + 7, block_kind::pages) == 16 * 4 * KiB);
  CHECK(block_class_bytes(3 * MiB, block_kind::huge_pages) == 4 * MiB);
  CHECK(block_class_bytes(33 * MiB, block_kind::huge_pages) == 36 * MiB);  // 17 huge pages -> 18
  // Properties on random sizes: covers, at most 12.5 % above the whole pages, a fixed point,
  // monotone.
  std::mt19937_64 rng(20261207);
  for (int k = 0; k < 100000; ++k) {
    const std::size_t bytes = std::uniform_int_distribution<std::size_t>(1, std::size_t{1} << (8 + k % 30))(rng);
    for (const block_kind kind : {block_kind::pages, block_kind::huge_pages}) {
      const std::size_t page = kind == block_kind::pages ? small_page_bytes : huge_page_bytes;
      const std::size_t whole = (bytes + page - 1) / page * page;
      const std::size_t c = block_class_bytes(bytes, kind);
      REQUIRE(c >= whole);
      REQUIRE(c % page == 0);
      REQUIRE(c - whole <= whole / 8);
      REQUIRE(block_class_bytes(c, kind) == c);
      REQUIRE(block_class_bytes(bytes + 1, kind) >= c);
    }
  }
}

TEST_CASE("retained memory: a freed block is reused by the next allocation of its class", "[core][retained_memory]") {
  fresh_blocks guard(64 * MiB);
  retained_blocks& blocks = retained_blocks::instance();
  const auto before = blocks.stats();
  void* const p = blocks.take(MiB, block_kind::pages);
  CHECK(address(p) % small_page_bytes == 0);
  std::memset(p, 0x5a, MiB);
  blocks.give(p, MiB, block_kind::pages);
  CHECK(retained_memory_bytes() == MiB);
  void* const q = blocks.take(MiB - 100, block_kind::pages);  // the same class
  CHECK(q == p);
  CHECK(static_cast<const unsigned char*>(q)[MiB - 1] == 0x5a);  // the same pages, not cleared
  CHECK(retained_memory_bytes() == 0);
  const auto after = blocks.stats();
  CHECK(after.reused == before.reused + 1);
  CHECK(after.mapped == before.mapped + 1);
  // Another kind or class is not served from it.
  blocks.give(q, MiB - 100, block_kind::pages);
  void* const huge = blocks.take(MiB, block_kind::huge_pages);
  CHECK(huge != p);
  CHECK(address(huge) % huge_page_bytes == 0);
  std::memset(huge, 1, 2 * MiB);  // the whole class is usable
  blocks.give(huge, MiB, block_kind::huge_pages);
  // The allocator's arrays go through it: a large_vector freed and made again takes the block back.
  const std::uint32_t* first = nullptr;
  {
    large_vector<std::uint32_t> v(300000, 7u);
    first = v.data();
  }
  large_vector<std::uint32_t> again(300000, 8u);
  CHECK(again.data() == first);
  CHECK(again[299999] == 8u);
}

TEST_CASE("retained memory: the limit, release and a limit of zero", "[core][retained_memory]") {
  fresh_blocks guard(3 * MiB);
  retained_blocks& blocks = retained_blocks::instance();
  void* const a = blocks.take(2 * MiB, block_kind::pages);
  void* const b = blocks.take(2 * MiB, block_kind::pages);
  blocks.give(a, 2 * MiB, block_kind::pages);
  CHECK(retained_memory_bytes() == 2 * MiB);
  blocks.give(b, 2 * MiB, block_kind::pages);  // over the limit: the older block goes back
  CHECK(retained_memory_bytes() == 2 * MiB);
  CHECK(blocks.take(2 * MiB, block_kind::pages) == b);  // the one kept is the more recent
  blocks.give(b, 2 * MiB, block_kind::pages);
  void* const big = blocks.take(4 * MiB, block_kind::pages);  // no block of its class: b goes back first
  CHECK(retained_memory_bytes() == 0);
  blocks.give(big, 4 * MiB, block_kind::pages);  // larger than the limit: never kept
  CHECK(retained_memory_bytes() == 0);
  void* const c = blocks.take(MiB, block_kind::pages);
  blocks.give(c, MiB, block_kind::pages);
  CHECK(release_retained_memory() == MiB);
  CHECK(retained_memory_bytes() == 0);
  set_retained_memory_limit(0);
  CHECK(retained_memory_limit() == 0);
  void* const d = blocks.take(MiB, block_kind::pages);
  blocks.give(d, MiB, block_kind::pages);
  CHECK(retained_memory_bytes() == 0);  // keeping is off
}

TEST_CASE("retained memory: kept + live never exceeds 1.25x the peak of live, against a model", "[core][retained_memory]") {
  fresh_blocks guard(48 * MiB);
  retained_blocks& blocks = retained_blocks::instance();
  struct live_block {
    void* p;
    std::size_t bytes;
    block_kind kind;
  };
  // The model: kept blocks as (class, kind), least recently freed first, with the rules of the
  // header written out plainly.
  struct kept_block {
    std::size_t bytes;
    block_kind kind;
  };
  std::vector<kept_block> model;
  std::vector<live_block> live;
  const auto start = blocks.stats();
  // Class bytes handed out (by anyone: the count starts from the blocks live before the test),
  // and the most at once.
  std::size_t live_bytes = start.live_bytes, peak = start.peak_live_bytes, model_reused = 0;
  std::mt19937_64 rng(7);
  const std::size_t sizes[] = {128 * KiB, 200 * KiB, MiB, 3 * MiB, 5 * MiB + 1, 12 * MiB};
  for (int step = 0; step < 4000; ++step) {
    if (live.empty() || (live.size() < 12 && rng() % 2 == 0)) {
      const std::size_t bytes = sizes[rng() % std::size(sizes)];
      const block_kind kind = rng() % 3 == 0 ? block_kind::huge_pages : block_kind::pages;
      const std::size_t c = block_class_bytes(bytes, kind);
      auto hit = std::find_if(model.rbegin(), model.rend(), [&](const kept_block& k) { return k.bytes == c && k.kind == kind; });
      if (hit != model.rend()) {
        model.erase(std::next(hit).base());
        ++model_reused;
      } else {  // hand back the oldest until kept + live + c fits in max(1.25 peak, live + c)
        std::size_t kept = 0;
        for (const kept_block& m : model) kept += m.bytes;
        while (!model.empty() && kept + live_bytes + c > std::max(peak + peak / 4, live_bytes + c)) {
          kept -= model.front().bytes;
          model.erase(model.begin());
        }
      }
      void* const p = blocks.take(bytes, kind);
      static_cast<unsigned char*>(p)[bytes - 1] = 1;
      live.push_back({p, bytes, kind});
      live_bytes += c;
      peak = std::max(peak, live_bytes);
    } else {
      const std::size_t k = rng() % live.size();
      const live_block b = live[k];
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
      const std::size_t c = block_class_bytes(b.bytes, b.kind);
      live_bytes -= c;
      if (c <= 48 * MiB) {
        std::size_t kept = 0;
        for (const kept_block& m : model) kept += m.bytes;
        while (!model.empty() && kept + c > 48 * MiB) {
          kept -= model.front().bytes;
          model.erase(model.begin());
        }
        model.push_back({c, b.kind});
      }
      blocks.give(b.p, b.bytes, b.kind);
    }
    std::size_t model_kept = 0;
    for (const kept_block& m : model) model_kept += m.bytes;
    const auto now = blocks.stats();
    REQUIRE(now.kept_bytes == model_kept);
    REQUIRE(now.kept_blocks == model.size());
    REQUIRE(now.reused - start.reused == model_reused);
    REQUIRE(now.live_bytes == live_bytes);
    REQUIRE(now.peak_live_bytes == peak);
    REQUIRE(now.kept_bytes + live_bytes <= peak + peak / 4);
  }
  for (const live_block& b : live) blocks.give(b.p, b.bytes, b.kind);
  CHECK(model_reused > 100);  // the sequence did exercise reuse
}

TEST_CASE("retained memory: two threads never get the same block", "[core][retained_memory]") {
  fresh_blocks guard(32 * MiB);
  retained_blocks& blocks = retained_blocks::instance();
  auto work = [&blocks](unsigned char tag, bool& clean) {
    std::mt19937 rng(tag);
    std::vector<std::pair<unsigned char*, std::size_t>> mine;
    for (int step = 0; step < 3000; ++step) {
      if (mine.size() < 4 && rng() % 2 == 0) {
        const std::size_t bytes = (rng() % 2 == 0) ? 128 * KiB : 512 * KiB;
        auto* p = static_cast<unsigned char*>(blocks.take(bytes, block_kind::pages));
        std::memset(p, tag, bytes);
        mine.emplace_back(p, bytes);
      } else if (!mine.empty()) {
        auto [p, bytes] = mine.back();
        mine.pop_back();
        // Nobody else wrote into it while it was ours.
        clean = clean && std::all_of(p, p + bytes, [tag](unsigned char x) { return x == tag; });
        blocks.give(p, bytes, block_kind::pages);
      }
    }
    for (auto [p, bytes] : mine) blocks.give(p, bytes, block_kind::pages);
  };
  bool clean1 = true, clean2 = true;
  std::thread other(work, static_cast<unsigned char>(1), std::ref(clean1));
  work(2, clean2);
  other.join();
  CHECK(clean1);
  CHECK(clean2);
}

}  // namespace core_retained_memory_test
