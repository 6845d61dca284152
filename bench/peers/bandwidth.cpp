// bench/peers/bandwidth.cpp: memory read bandwidth of this machine, measured in the same run as the queries.
//
//   bandwidth OUT.json [RUNS=7] [MIB=2048]
//
// Sums an array of MIB MiB of uint64 (far larger than the last-level cache) with 1 and with 2
// threads, each thread over its own contiguous half (first touched by that thread). One warm-up
// pass, then RUNS timed passes; GB/s = bytes / seconds / 1e9. Writes
//   {"bytes": B, "t1": {"median_GBps", "best_GBps", "worst_GBps", "runs_s": [...]}, "t2": {...}}
// The sums are checked against the closed form, so the compiler cannot drop the reads.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

std::uint64_t sum_range(const std::uint64_t* p, std::size_t n) {
  // Four independent accumulators: the loop is bound by loads, not by the add chain.
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  for (std::size_t i = 0; i < n; i += 4) {
    a += p[i];
    b += p[i + 1];
    c += p[i + 2];
    d += p[i + 3];
  }
  return a + b + c + d;
}

struct stats {
  double median, best, worst;
  std::vector<double> runs;
};

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.json [RUNS=7] [MIB=2048]\n", argv[0]);
    return 2;
  }
  const int runs = argc > 2 ? std::stoi(argv[2]) : 7;
  const std::size_t mib = argc > 3 ? std::stoul(argv[3]) : 2048;
  const std::size_t n = mib * 1024 * 1024 / 8;  // a multiple of 8, so halves are multiples of 4
  const std::size_t bytes = n * 8;
  auto data = std::make_unique_for_overwrite<std::uint64_t[]>(n);
  std::uint64_t* const p = data.get();
  {
    std::thread t([&] {
      for (std::size_t i = n / 2; i < n; ++i) p[i] = i;
    });
    for (std::size_t i = 0; i < n / 2; ++i) p[i] = i;
    t.join();
  }
  const std::uint64_t expected = static_cast<std::uint64_t>(n) * (n - 1) / 2;

  auto measure = [&](unsigned threads) {
    stats s{};
    for (int r = -1; r < runs; ++r) {
      std::vector<std::uint64_t> part(threads, 0);
      const auto t0 = std::chrono::steady_clock::now();
      std::vector<std::thread> pool;
      for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back([&, t] { part[t] = sum_range(p + n * t / threads, n / threads); });
      part[0] = sum_range(p, n / threads);
      for (auto& th : pool) th.join();
      const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::uint64_t total = 0;
      for (auto v : part) total += v;
      if (total != expected) throw std::runtime_error("bandwidth: wrong sum");
      if (r >= 0) s.runs.push_back(sec);
    }
    std::vector<double> sorted = s.runs;
    std::sort(sorted.begin(), sorted.end());
    const double med = sorted.size() % 2 ? sorted[sorted.size() / 2]
                                         : 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);
    s.median = static_cast<double>(bytes) / med / 1e9;
    s.best = static_cast<double>(bytes) / sorted.front() / 1e9;
    s.worst = static_cast<double>(bytes) / sorted.back() / 1e9;
    return s;
  };
  const stats s1 = measure(1), s2 = measure(2);

  std::FILE* f = std::fopen(argv[1], "wb");
  if (f == nullptr) throw std::runtime_error(std::string("cannot write ") + argv[1]);
  auto emit = [&](const char* key, const stats& s) {
    std::fprintf(f, "\"%s\":{\"median_GBps\":%.3f,\"best_GBps\":%.3f,\"worst_GBps\":%.3f,\"runs_s\":[", key, s.median, s.best, s.worst);
    for (std::size_t i = 0; i < s.runs.size(); ++i) std::fprintf(f, "%s%.6f", i ? "," : "", s.runs[i]);
    std::fprintf(f, "]}");
  };
  std::fprintf(f, "{\"bytes\":%zu,", bytes);
  emit("t1", s1);
  std::fprintf(f, ",");
  emit("t2", s2);
  std::fprintf(f, "}\n");
  std::fclose(f);
  std::fprintf(stderr, "bandwidth: 1 thread %.1f GB/s (best %.1f), 2 threads %.1f GB/s (best %.1f)\n", s1.median, s1.best, s2.median,
               s2.best);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return 1;
}
