// Tests of core/execution.hpp: how many threads a pass takes, and run_on_threads.
#include <salesmetrics/core/execution.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <stdexcept>

namespace core_execution_test {

using namespace salesmetrics;

TEST_CASE("par(n) takes one thread per min_rows_per_thread rows, at least one, at most n", "[core][execution]") {
  constexpr std::size_t m = parallel_policy::default_min_rows_per_thread;
  CHECK(par(2).threads_for_rows(0) == 1);
  CHECK(par(2).threads_for_rows(m - 1) == 1);
  CHECK(par(2).threads_for_rows(2 * m - 1) == 1);
  CHECK(par(2).threads_for_rows(2 * m) == 2);
  CHECK(par(4).threads_for_rows(3 * m + 5) == 3);
  CHECK(par(4).threads_for_rows(100 * m) == 4);
  CHECK(par(3, 1).threads_for_rows(2) == 2);  // every thread, whatever the rows: but not more threads than rows
  CHECK(par(3, 1).threads_for_rows(1000) == 3);
  CHECK(par(3, 0).threads_for_rows(1000) == 3);  // 0 reads as 1
}

TEST_CASE("run_on_threads runs every index once and rethrows the first error", "[core][execution]") {
  std::atomic<unsigned> sum{0};
  detail::run_on_threads(4, [&](unsigned t) { sum += t + 1; });
  CHECK(sum == 10);
  CHECK_THROWS_AS(detail::run_on_threads(3, [](unsigned t) {
                    if (t == 2) throw std::runtime_error("boom");
                  }),
                  std::runtime_error);
}

}  // namespace core_execution_test
