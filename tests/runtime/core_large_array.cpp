// Tests of core/large_array_allocator.hpp and output_vector: alignment, the huge-page advice,
// the two thresholds (32 MiB for arrays read at random, 8 MiB for outputs), and vectors that grow
// across a threshold.
#include <salesmetrics/core/default_init_allocator.hpp>
#include <salesmetrics/core/large_array_allocator.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace core_large_array_test {

using namespace salesmetrics;

std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

#if defined(__linux__)
/// The VmFlags of the mapping that holds `p`, from /proc/self/smaps ("" if not found).
std::string vm_flags_of(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t from = 0, to = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> from >> dash >> to && dash == '-') {
      inside = from <= address(p) && address(p) < to;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) return line;
  }
  return "";
}
#endif

TEST_CASE("large_array_allocator: cache-line aligned below 32 MiB, 2 MiB aligned from there", "[core][large_array]") {
  large_array_allocator<std::uint8_t> bytes;
  std::uint8_t* small = bytes.allocate(100);
  CHECK(address(small) % cache_line_bytes == 0);
  bytes.deallocate(small, 100);

  large_array_allocator<double> doubles;
  const std::size_t n = huge_array_bytes / sizeof(double) + 1;  // just over the threshold
  double* big = doubles.allocate(n);
  CHECK(address(big) % huge_page_bytes == 0);
  for (std::size_t i = 0; i < n; ++i) big[i] = static_cast<double>(i);  // the whole range is usable
  CHECK(big[n - 1] == static_cast<double>(n - 1));
#if defined(__linux__)
  // The advice is visible as the mapping's "hg" flag where the kernel has transparent huge pages;
  // SALESMETRICS_NO_HUGE_PAGES (test_core_no_huge_pages) leaves it out.
  if (std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled")) {
#if defined(SALESMETRICS_NO_HUGE_PAGES)
    CHECK(vm_flags_of(big).find(" hg") == std::string::npos);
#else
    CHECK(vm_flags_of(big).find(" hg") != std::string::npos);
#endif
  } else {
    WARN("no transparent huge pages in this kernel: the advice is not checked");
  }
#endif
  doubles.deallocate(big, n);

  CHECK_THROWS_AS(doubles.allocate(static_cast<std::size_t>(-1) / 4), std::bad_array_new_length);
}

TEST_CASE("large_vector keeps its elements when it grows across the threshold", "[core][large_array]") {
  large_vector<std::uint32_t> v;
  for (std::uint32_t i = 0; i < 10'000'000; ++i) v.push_back(i * 7u);  // 40 MB, reallocated from small to large
  bool same = true;
  for (std::uint32_t i = 0; i < v.size(); ++i) same = same && v[i] == i * 7u;
  CHECK(same);
  CHECK(address(v.data()) % huge_page_bytes == 0);
  v.resize(10);
  v.shrink_to_fit();  // back below the threshold: freed by the same rule it was allocated by
  CHECK(v.size() == 10);
  CHECK(v[9] == 63u);
}

TEST_CASE("output_vector: resize leaves trivial elements as allocated, on a large array", "[core][large_array]") {
  output_vector<std::int64_t> out;
  out.resize(output_huge_bytes / sizeof(std::int64_t) + 3);  // output arrays are advised from 8 MiB, not 32
  CHECK(address(out.data()) % huge_page_bytes == 0);
#if defined(__linux__) && !defined(SALESMETRICS_NO_HUGE_PAGES)
  if (std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled")) CHECK(vm_flags_of(out.data()).find(" hg") != std::string::npos);
#endif
  // The threshold travels with rebinding (vector<T>'s allocator is rebound for its elements).
  using rebound = std::allocator_traits<large_array_allocator<char, output_huge_bytes>>::rebind_alloc<double>;
  STATIC_REQUIRE(rebound::huge_from == output_huge_bytes);
  STATIC_REQUIRE(large_array_allocator<double>::huge_from == huge_array_bytes);
  std::uint8_t* small = large_array_allocator<std::uint8_t, output_huge_bytes>().allocate(output_huge_bytes - 1);
  CHECK(address(small) % cache_line_bytes == 0);  // just under: an ordinary allocation
  large_array_allocator<std::uint8_t, output_huge_bytes>().deallocate(small, output_huge_bytes - 1);
  // An output's small array takes a plain new and goes back through the plain delete (the
  // sanitizer build checks that the two match).
  output_vector<double> few(1000, 2.5);
  few.resize(2000, 1.5);  // reallocated: the first block freed by the small path
  CHECK(few[999] == 2.5);
  CHECK(few[1999] == 1.5);
  out.back() = 42;
  out.resize(out.size() + 1, 7);  // the valued overloads still initialise
  CHECK(out.back() == 7);
  CHECK(out[out.size() - 2] == 42);
}

}  // namespace core_large_array_test
