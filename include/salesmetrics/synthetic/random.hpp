// salesmetrics/synthetic/random.hpp: a portable seeded random source and its distributions.
//
// Everything here is integer arithmetic, so a seed gives the same numbers with every compiler,
// standard library, CPU and optimisation level (no std:: distributions, no libm, no
// floating-point contraction to worry about). Definitions:
//   rng            xoshiro256** (Blackman & Vigna), its state filled by splitmix64 from
//                  (seed, stream); different streams are independent sequences.
//   below(n)       uniform integer in [0, n): Lemire's multiply-shift with rejection (exact).
//   chance         a probability p quantised to a 64-bit threshold t = floor(p * 2^64):
//                  the event is next() < t, so P = t / 2^64 (p >= 1: always, p <= 0: never).
//   normal_q16     an approximately standard normal deviate times 2^16: the Irwin-Hall sum of
//                  twelve 16-bit uniforms minus its mean (mean 0, sd 1 - 2^-33, support +-6,
//                  excess kurtosis -0.1): realistic for synthetic data, exact on every platform.
//   exp2 / log2    fixed point (Q32 exponents): 2^y from a 64-entry table of 2^(i/64) and a
//                  degree-4 polynomial (relative error < 1e-11); log2 bit by bit by squaring.
//   lognormal      median * 2^(sigma/ln2 * z) = median * e^(sigma z) with z = normal_q16 / 2^16,
//                  rounded to the nearest integer unit (seconds, cents, quarter-minutes).
//   discrete       inverse-CDF sampling over integer weights: cumulative sums and a guide
//                  table (Chen & Asau) so a draw costs O(1) expected steps.
//   zipf           discrete over ranks 1..n with weight k^-s (the weights computed with exp2/log2).
// Configuration values given as doubles are converted once (probability thresholds, Q16
// parameters) by multiplications by powers of two and rounding, which IEEE makes exact.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/random.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace synthetic {

namespace detail {

struct u128 {
  std::uint64_t hi, lo;
};

/// Full 64x64 -> 128-bit product (the same bits with or without a native 128-bit type).
[[nodiscard]] constexpr u128 mul_wide(std::uint64_t a, std::uint64_t b) noexcept {
#if defined(__SIZEOF_INT128__)
  __extension__ using uint128 = unsigned __int128;
  const uint128 p = static_cast<uint128>(a) * b;
  return {static_cast<std::uint64_t>(p >> 64), static_cast<std::uint64_t>(p)};
#else
  const std::uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
  const std::uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const std::uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
  return {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (p00 & 0xffffffffu)};
#endif
}

/// (a * b) >> s for 0 < s < 128, rounded to nearest (ties up); saturates at 2^64 - 1.
[[nodiscard]] constexpr std::uint64_t mul_shift_round(std::uint64_t a, std::uint64_t b, unsigned s) noexcept {
  u128 p = mul_wide(a, b);
  // add 2^(s-1)
  if (s - 1 < 64) {
    const std::uint64_t add = std::uint64_t{1} << (s - 1);
    const std::uint64_t lo = p.lo + add;
    p.hi += lo < p.lo ? 1 : 0;
    p.lo = lo;
  } else {
    p.hi += std::uint64_t{1} << (s - 1 - 64);
  }
  if (s >= 64) return s == 64 ? p.hi : p.hi >> (s - 64);
  if ((p.hi >> s) != 0) return std::numeric_limits<std::uint64_t>::max();
  return (p.hi << (64 - s)) | (p.lo >> s);
}

/// (a * b) >> 62, truncated; callers keep the result below 2^64.
[[nodiscard]] constexpr std::uint64_t mul_q62(std::uint64_t a, std::uint64_t b) noexcept {
  const u128 p = mul_wide(a, b);
  return (p.hi << 2) | (p.lo >> 62);
}

/// 2^(i/64) in Q62, i = 0..63 (exact decimal computation, rounded).
inline constexpr std::array<std::uint64_t, 64> exp2_table{
    0x4000000000000000ULL, 0x40b268f9de0183baULL, 0x4166c34c5615d0ecULL, 0x421d1461d66f2023ULL,
    0x42d561b3e6243d8aULL, 0x438fb0cb4f468808ULL, 0x444c0740496d4294ULL, 0x450a6abaa4b77ecdULL,
    0x45cae0f1f545eb73ULL, 0x468d6fadbf2dd4f3ULL, 0x47521cc5a2e6a9e0ULL, 0x4818ee218a3358eeULL,
    0x48e1e9b9d588e19bULL, 0x49ad159789f37496ULL, 0x4a7a77d47f7b84b1ULL, 0x4b4a169b900c2d00ULL,
    0x4c1bf828c6dc54b8ULL, 0x4cf022c9905bfd32ULL, 0x4dc69cdceaa72a9cULL, 0x4e9f6cd3967fdba8ULL,
    0x4f7a993048d088d7ULL, 0x50582887dcb8a7e1ULL, 0x513821818624b40cULL, 0x521a8ad704f3404fULL,
    0x52ff6b54d8a89c75ULL, 0x53e6c9da74b29ab5ULL, 0x54d0ad5a753e077cULL, 0x55bd1cdad49f699cULL,
    0x56ac1f752150a563ULL, 0x579dbc56b48521baULL, 0x5891fac0e95612c8ULL, 0x5988e20954889245ULL,
    0x5a827999fcef3242ULL, 0x5b7ec8f19468bbc9ULL, 0x5c7dd7a3b17dcf75ULL, 0x5d7fad59099f22feULL,
    0x5e8451cfac061b5fULL, 0x5f8bccdb3d398841ULL, 0x6096266533384a2bULL, 0x61a3666d124bb204ULL,
    0x62b39508aa836d6fULL, 0x63c6ba6455dcd8aeULL, 0x64dcdec3371793d1ULL, 0x65f60a7f79393e2eULL,
    0x6712460a8fc24072ULL, 0x683199ed779592caULL, 0x69540ec8f895722dULL, 0x6a79ad55e7f6fd10ULL,
    0x6ba27e656b4eb57aULL, 0x6cce8ae13c57ebdbULL, 0x6dfddbcbed791babULL, 0x6f307a412f074892ULL,
    0x70666f76154a7089ULL, 0x719fc4b95f452d29ULL, 0x72dc8373be41a454ULL, 0x741cb5281e25ee34ULL,
    0x75606373ee921c97ULL, 0x76a7980f6cca15c2ULL, 0x77f25ccdee6d7ae6ULL, 0x7940bb9e2cffd89dULL,
    0x7a92be8a92436616ULL, 0x7be86fb985689ddcULL, 0x7d41d96db915019dULL, 0x7e9f06067a4360baULL};

inline constexpr std::uint64_t ln2_q62 = 3196577161300663915ULL;  // ln 2 * 2^62, rounded

/// Arithmetic floor division by 2^32 of a signed value (well defined for negatives).
[[nodiscard]] constexpr std::int64_t floor_shift32(std::int64_t y) noexcept {
  return y >= 0 ? y >> 32 : -((-(y + 1)) >> 32) - 1;
}

}  // namespace detail

/// 2^(y / 2^32) as a Q62 mantissa in [2^62, 2^63) and an integer exponent: 2^y = m / 2^62 * 2^e.
struct exp2_result {
  std::uint64_t mantissa_q62;
  std::int64_t exponent;
};

[[nodiscard]] constexpr exp2_result exp2_q32(std::int64_t y_q32) noexcept {
  const std::int64_t e = detail::floor_shift32(y_q32);
  const auto frac = static_cast<std::uint64_t>(y_q32 - (e << 32));  // 0 .. 2^32-1
  const std::uint64_t i = frac >> 26;                               // top 6 bits: table index
  const std::uint64_t r_q62 = (frac & ((std::uint64_t{1} << 26) - 1)) << 30;  // remainder < 1/64, Q62
  const std::uint64_t t = detail::mul_q62(r_q62, detail::ln2_q62);           // r ln 2
  const std::uint64_t t2 = detail::mul_q62(t, t), t3 = detail::mul_q62(t2, t), t4 = detail::mul_q62(t3, t);
  const std::uint64_t poly = (std::uint64_t{1} << 62) + t + t2 / 2 + t3 / 6 + t4 / 24;  // e^(r ln 2)
  std::uint64_t m = detail::mul_q62(detail::exp2_table[i], poly);
  if (m >= (std::uint64_t{1} << 63)) m = (std::uint64_t{1} << 63) - 1;  // never reached; keeps the invariant
  return {m, e};
}

/// value * 2^(y / 2^32), rounded to nearest; saturates at 2^64 - 1.
[[nodiscard]] constexpr std::uint64_t scale_exp2(std::uint64_t value, std::int64_t y_q32) noexcept {
  if (value == 0) return 0;
  const exp2_result r = exp2_q32(y_q32);
  // value * m / 2^62 * 2^e = (value * m) >> (62 - e)
  const std::int64_t shift = 62 - r.exponent;
  if (shift >= 128) return 0;
  if (shift <= 0) return std::numeric_limits<std::uint64_t>::max();  // >= value * 2^62: saturate
  return detail::mul_shift_round(value, r.mantissa_q62, static_cast<unsigned>(shift));
}

/// log2(x) * 2^32 for x >= 1, truncated (32 fractional bits computed by repeated squaring).
[[nodiscard]] constexpr std::int64_t log2_q32(std::uint64_t x) noexcept {
  if (x == 0) return std::numeric_limits<std::int64_t>::min();
  const int n = std::bit_width(x) - 1;
  std::uint64_t m = n >= 62 ? x >> (n - 62) : x << (62 - n);  // [2^62, 2^63) = [1, 2) in Q62
  std::int64_t result = static_cast<std::int64_t>(n) << 32;
  for (int bit = 31; bit >= 0; --bit) {
    m = detail::mul_q62(m, m);  // [1, 4)
    if (m >= (std::uint64_t{1} << 63)) {
      m >>= 1;
      result |= std::int64_t{1} << bit;
    }
  }
  return result;
}

/// A probability as a 64-bit threshold (see the header comment).
struct chance {
  std::uint64_t threshold = 0;
  bool always = false;

  constexpr chance() = default;
  /// p in [0, 1]; outside is clamped. Exact: p * 2^64 only scales the exponent.
  explicit chance(double p) noexcept {
    if (!(p > 0.0)) return;
    if (p >= 1.0) {
      always = true;
      return;
    }
    threshold = static_cast<std::uint64_t>(std::ldexp(p, 64));
  }
  [[nodiscard]] static constexpr chance from_threshold(std::uint64_t t) noexcept {
    chance c;
    c.threshold = t;
    return c;
  }
};

/// Converts a double to the nearest integer after scaling by 2^bits (exact scaling, IEEE rounding).
[[nodiscard]] inline std::int64_t to_fixed(double x, int bits) { return std::llround(std::ldexp(x, bits)); }

/// xoshiro256** (core/random.hpp) seeded with the stream-mixed seed, plus the integer-only
/// sampling helpers below.
class rng {
 public:
  explicit constexpr rng(std::uint64_t seed, std::uint64_t stream = 0) noexcept
      : gen_(seed ^ (0x6a09e667f3bcc909ULL * (stream + 1))) {}

  constexpr std::uint64_t next() noexcept { return gen_.next(); }

  /// Uniform in [0, n); n must be > 0 (Lemire's multiply-and-reject, core/random.hpp).
  constexpr std::uint64_t below(std::uint64_t n) noexcept { return gen_.below(n); }

  /// Uniform in [lo, hi] (inclusive), lo <= hi.
  constexpr std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
    if (span == 0) return static_cast<std::int64_t>(next());  // the whole 64-bit range
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + below(span));
  }

  constexpr bool operator()(chance c) noexcept { return c.always || next() < c.threshold; }

  /// Irwin-Hall(12) standard normal approximation, times 2^16.
  constexpr std::int64_t normal_q16() noexcept {
    std::int64_t sum = 0;
    for (int k = 0; k < 3; ++k) {
      const std::uint64_t x = next();
      sum += static_cast<std::int64_t>(x & 0xffff) + static_cast<std::int64_t>((x >> 16) & 0xffff) +
             static_cast<std::int64_t>((x >> 32) & 0xffff) + static_cast<std::int64_t>(x >> 48);
    }
    return sum - 393210;  // 12 * 65535 / 2
  }

 private:
  xoshiro256ss gen_;
};

/// Lognormal with a given median (in integer units) and log-scale sigma.
class lognormal {
 public:
  constexpr lognormal() = default;
  /// `median` in units (>= 0, rounded to an integer), `sigma` the sd of the natural log.
  lognormal(double median, double sigma)
      : median_(static_cast<std::uint64_t>(std::llround(std::max(0.0, median)))),
        sigma_log2_q16_(to_fixed(sigma / 0.69314718055994530942, 16)) {
    if (!(sigma >= 0.0) || sigma > 8.0) throw std::invalid_argument("synthetic::lognormal: sigma must be in [0, 8]");
  }
  /// A draw, rounded to the nearest unit.
  constexpr std::uint64_t operator()(rng& r) const noexcept { return scale(r, median_); }
  /// value * e^(sigma z): a multiplicative lognormal perturbation of `value` with median `value`.
  constexpr std::uint64_t scale(rng& r, std::uint64_t value) const noexcept {
    return scale_exp2(value, sigma_log2_q16_ * r.normal_q16());
  }
  [[nodiscard]] constexpr std::uint64_t median() const noexcept { return median_; }

 private:
  std::uint64_t median_ = 0;
  std::int64_t sigma_log2_q16_ = 0;
};

/// Inverse-CDF sampling over non-negative integer weights, with a guide table.
class discrete {
 public:
  discrete() = default;
  explicit discrete(std::span<const std::uint64_t> weights) {
    cumulative_.reserve(weights.size());
    std::uint64_t total = 0;
    for (std::uint64_t w : weights) {
      if (w > std::numeric_limits<std::uint64_t>::max() - total)
        throw std::invalid_argument("synthetic::discrete: the weights overflow 64 bits");
      total += w;
      cumulative_.push_back(total);
    }
    if (total == 0) throw std::invalid_argument("synthetic::discrete: all weights are zero");
    // Buckets of `width_` weight units; guide_[j] = first index whose cumulative weight exceeds
    // j * width_, so a draw x starts its search at guide_[x / width_].
    if (weights.size() > std::numeric_limits<std::uint32_t>::max() / 4)
      throw std::invalid_argument("synthetic::discrete: at most 2^30 weights");
    width_ = std::max<std::uint64_t>(1, total / (2 * std::max<std::size_t>(1, weights.size())));
    guide_.resize(static_cast<std::size_t>(total / width_) + 1);
    std::size_t i = 0;
    for (std::size_t j = 0; j < guide_.size(); ++j) {
      const std::uint64_t bound = static_cast<std::uint64_t>(j) * width_;  // <= total
      while (i < cumulative_.size() && cumulative_[i] <= bound) ++i;
      guide_[j] = static_cast<std::uint32_t>(i);
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return cumulative_.size(); }
  [[nodiscard]] std::uint64_t total() const noexcept { return cumulative_.empty() ? 0 : cumulative_.back(); }

  /// An index drawn with probability weight[i] / total.
  std::size_t operator()(rng& r) const noexcept {
    const std::uint64_t x = r.below(total());
    std::size_t i = guide_[static_cast<std::size_t>(x / width_)];
    while (cumulative_[i] <= x) ++i;
    return i;
  }

 private:
  std::vector<std::uint64_t> cumulative_;
  std::vector<std::uint32_t> guide_;  // about two buckets per weight
  std::uint64_t width_ = 1;
};

/// Weights of Zipf(s) over ranks 1..n, w_k = base * k^-s with base = 2^(62 - bit_width(n)), so
/// their sum stays below 2^62; every weight is at least 1.
[[nodiscard]] inline std::vector<std::uint64_t> zipf_weights(std::size_t n, double s) {
  if (!(s >= 0.0) || s > 16.0) throw std::invalid_argument("synthetic::zipf_weights: the exponent must be in [0, 16]");
  std::vector<std::uint64_t> w(n);
  const std::uint64_t base = std::uint64_t{1} << (62 - std::bit_width(static_cast<std::uint64_t>(std::max<std::size_t>(n, 1))));
  const auto s_q32 = static_cast<std::uint64_t>(to_fixed(s, 32));  // <= 2^36
  for (std::size_t k = 1; k <= n; ++k) {
    const auto l = static_cast<std::uint64_t>(log2_q32(k));  // Q32, < 2^38
    const detail::u128 p = detail::mul_wide(s_q32, l);        // Q64, < 2^74
    const auto y = -static_cast<std::int64_t>((p.hi << 32) | (p.lo >> 32));  // -s log2 k, Q32
    w[k - 1] = std::max<std::uint64_t>(1, scale_exp2(base, y));
  }
  return w;
}

/// Fisher-Yates shuffle of 0..n-1.
template <class Index = std::uint32_t>
[[nodiscard]] std::vector<Index> random_permutation(std::size_t n, rng& r) {
  std::vector<Index> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<Index>(i);
  for (std::size_t i = n; i > 1; --i) std::swap(p[i - 1], p[static_cast<std::size_t>(r.below(i))]);
  return p;
}

}  // namespace synthetic
SALESMETRICS_END_NAMESPACE
