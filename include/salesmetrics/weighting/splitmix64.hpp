// salesmetrics/weighting/splitmix64.hpp: a small portable PRNG for reproducible resampling.
//
// splitmix64 (Steele, Lea & Flood 2014): state += 0x9e3779b97f4a7c15, then two xor-shift-multiply
// rounds. Only 64-bit integer arithmetic, so a seed gives the same stream on every platform and
// compiler, unlike std::uniform_int_distribution, whose algorithm the standard leaves open.
//   next()          the next 64-bit output
//   below(n)        uniform integer in [0, n), unbiased: outputs < 2^64 mod n are rejected, then % n
//                   (n = 0 returns 0)
//   uniform01()     (next() >> 11) * 2^-53, uniform on [0, 1) with 53 random bits
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cstdint>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

class splitmix64 {
 public:
  explicit constexpr splitmix64(std::uint64_t seed) noexcept : state_(seed) {}

  constexpr std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  constexpr std::uint64_t below(std::uint64_t n) noexcept {
    if (n == 0) return 0;
    const std::uint64_t reject_under = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t r = next();
      if (r >= reject_under) return r % n;
    }
  }
  constexpr double uniform01() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
