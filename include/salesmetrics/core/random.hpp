// salesmetrics/core/random.hpp: the library's portable pseudo-random generators.
//
// Every seeded computation (synthetic data, Monte Carlo forecasts, bootstrap intervals, test
// data) draws from these, never from std:: distributions, whose outputs differ between standard
// libraries: the same seed gives the same numbers on every platform.
//   splitmix64     Steele, Lea & Flood's 64-bit mixer; also seeds xoshiro256ss
//   xoshiro256ss   Blackman & Vigna's xoshiro256**, state = four splitmix64 outputs of the seed
// Both are UniformRandomBitGenerators (operator()) with next(), below(n) (unbiased, Lemire's
// multiply-and-reject) and uniform01(). uniform01(x) = (x >> 11) 2^-53 lies in [0, 1);
// uniform01_open(x) = ((x >> 12) + 0.5) 2^-52 lies strictly inside (0, 1).
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cstdint>
#include <limits>

SALESMETRICS_BEGIN_NAMESPACE

[[nodiscard]] constexpr double uniform01(std::uint64_t x) noexcept { return static_cast<double>(x >> 11) * 0x1.0p-53; }
[[nodiscard]] constexpr double uniform01_open(std::uint64_t x) noexcept {
  return (static_cast<double>(x >> 12) + 0.5) * 0x1.0p-52;
}

namespace detail {
/// Uniform in [0, n) from a 64-bit source, without modulo bias; 0 when n == 0.
template <class G>
constexpr std::uint64_t below(G& g, std::uint64_t n) noexcept {
  if (n == 0) return 0;
  auto wide = [](std::uint64_t a, std::uint64_t b) {  // 64 x 64 -> 128 bits as (hi, lo)
    const std::uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32, b_lo = b & 0xffffffffu, b_hi = b >> 32;
    const std::uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
    const std::uint64_t mid = (p0 >> 32) + (p1 & 0xffffffffu) + (p2 & 0xffffffffu);
    struct r { std::uint64_t hi, lo; };
    return r{p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32), (mid << 32) | (p0 & 0xffffffffu)};
  };
  auto m = wide(g.next(), n);
  if (m.lo < n) {
    const std::uint64_t reject_below = (0 - n) % n;  // 2^64 mod n
    while (m.lo < reject_below) m = wide(g.next(), n);
  }
  return m.hi;
}
}  // namespace detail

class splitmix64 {
 public:
  using result_type = std::uint64_t;
  explicit constexpr splitmix64(std::uint64_t seed) noexcept : state_(seed) {}
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
  constexpr result_type next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  constexpr result_type operator()() noexcept { return next(); }
  constexpr std::uint64_t below(std::uint64_t n) noexcept { return detail::below(*this, n); }
  constexpr double uniform01() noexcept { return salesmetrics::uniform01(next()); }

 private:
  std::uint64_t state_;
};

class xoshiro256ss {
 public:
  using result_type = std::uint64_t;
  /// The 256-bit state is four consecutive splitmix64 outputs of the seed (never all zero).
  explicit constexpr xoshiro256ss(std::uint64_t seed) noexcept {
    splitmix64 sm(seed);
    for (auto& w : s_) w = sm();
  }
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
  constexpr result_type next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  constexpr result_type operator()() noexcept { return next(); }
  constexpr std::uint64_t below(std::uint64_t n) noexcept { return detail::below(*this, n); }
  constexpr double uniform01() noexcept { return salesmetrics::uniform01(next()); }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

SALESMETRICS_END_NAMESPACE
