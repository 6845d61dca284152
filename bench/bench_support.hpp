// bench/bench_support.hpp: shared pieces of the benchmark binaries: a fast synthetic activity
// table (uniform reps, the peers' type mix, sorted timestamps) and the memory read bandwidth
// measured in the same binary, the reference for "how close to the limit".
#pragma once
#include <salesmetrics/core/random.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <vector>

namespace bench {

/// n activities over 3 years, 2,000 reps, 200,000 contacts; ~60% e-mails, 11% meetings, 29% calls.
inline const salesmetrics::crm_data& activities(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<salesmetrics::crm_data>> cache;
  auto& slot = cache[n];
  if (slot) return *slot;
  slot = std::make_unique<salesmetrics::crm_data>();
  auto& a = slot->activities;
  a.ts.resize(n); a.type.resize(n); a.direction.resize(n); a.rep_id.resize(n); a.contact_id.resize(n); a.duration_min.resize(n);
  salesmetrics::splitmix64 gen(42);
  const std::int64_t t0 = 1640995200, span = 3 * 365 * 86400;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t r = gen();
    a.ts[i] = salesmetrics::from_unix(t0 + static_cast<std::int64_t>(i * static_cast<std::uint64_t>(span) / n));
    const unsigned mix = r % 100;
    a.type[i] = mix < 60 ? salesmetrics::activity_type::email : mix < 71 ? salesmetrics::activity_type::meeting : salesmetrics::activity_type::phone_call;
    a.direction[i] = static_cast<salesmetrics::direction>((r >> 8) & 1);
    a.rep_id[i] = static_cast<std::int32_t>((r >> 16) % 2000);
    a.contact_id[i] = static_cast<std::int32_t>((r >> 32) % 200000);
    a.duration_min[i] = a.type[i] == salesmetrics::activity_type::email ? 0.f : static_cast<float>((r >> 48) % 360) * 0.25f;
  }
  slot->dictionaries.reps = salesmetrics::dictionary::integers(2000);
  return *slot;
}

/// Single-thread memory read bandwidth in bytes/s: sum of a 1 GiB array, best of 3 passes.
inline double read_bandwidth() {
  static double cached = 0;
  if (cached > 0) return cached;
  const std::size_t n = (std::size_t{1} << 30) / sizeof(std::uint64_t);
  std::vector<std::uint64_t> v(n, 1);
  double best = 0;
  for (int pass = 0; pass < 4; ++pass) {
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (std::size_t i = 0; i < n; i += 4) { s0 += v[i]; s1 += v[i + 1]; s2 += v[i + 2]; s3 += v[i + 3]; }
    benchmark::DoNotOptimize(s0 + s1 + s2 + s3);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (pass > 0) best = std::max(best, static_cast<double>(n * sizeof(std::uint64_t)) / sec);
  }
  cached = best;
  return best;
}

}  // namespace bench
