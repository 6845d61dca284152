// salesmetrics/forecast/random.hpp: small portable random number generators for simulations.
//
// Definitions. The standard library's engines are portable but its distributions
// (std::uniform_real_distribution, std::normal_distribution) are not: their algorithms are
// implementation-defined, so the same seed gives different numbers on libstdc++, libc++ and MSVC.
// The simulations here use only these generators and conversions, built from integer arithmetic:
//   splitmix64   (Steele, Lea, Flood 2014): state += 0x9E3779B97F4A7C15, then a mixing function;
//                used to expand one 64-bit seed into the xoshiro state.
//   xoshiro256** (Blackman, Vigna 2018): 256-bit state, period 2^256 - 1, passes BigCrush.
//   uniform01(x)      = (x >> 11) * 2^-53, a multiple of 2^-53 in [0, 1) (exact, no rounding).
//   uniform01_open(x) = ((x >> 12) + 0.5) * 2^-52, in [2^-53, 1 - 2^-53], for inverse-cdf sampling.
// Both generators model std::uniform_random_bit_generator.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cstdint>
#include <limits>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

class splitmix64 {
 public:
  using result_type = std::uint64_t;
  explicit constexpr splitmix64(std::uint64_t seed) noexcept : state_(seed) {}
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
  constexpr result_type operator()() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

class xoshiro256ss {
 public:
  using result_type = std::uint64_t;
  /// The 256-bit state is four consecutive splitmix64 outputs (never all zero).
  explicit constexpr xoshiro256ss(std::uint64_t seed) noexcept {
    splitmix64 sm(seed);
    for (auto& w : s_) w = sm();
  }
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
  constexpr result_type operator()() noexcept {
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

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

/// (x >> 11) * 2^-53: uniform on the 2^53 multiples of 2^-53 in [0, 1).
[[nodiscard]] constexpr double uniform01(std::uint64_t x) noexcept {
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}
/// ((x >> 12) + 0.5) * 2^-52: strictly inside (0, 1) (52 bits, so that the top value 1 - 2^-53
/// is representable), for inverse-cdf sampling.
[[nodiscard]] constexpr double uniform01_open(std::uint64_t x) noexcept {
  return (static_cast<double>(x >> 12) + 0.5) * 0x1.0p-52;
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
