// salesmetrics/forecast/poisson_binomial.hpp: exact distribution of the number of deals won.
//
// Definitions. Deal i is won independently with probability p_i (0 <= p_i <= 1). The number of
// deals won, K = sum_i X_i with X_i ~ Bernoulli(p_i), follows the Poisson-binomial law:
//   pmf[k] = P(K = k), k = 0..n;   cdf(k) = P(K <= k);   mean = sum p_i;   variance = sum p_i(1-p_i);
//   quantile(q) = the smallest k with cdf(k) >= q (inverse of the cdf, q in [0, 1]; quantile(0) is
//   the smallest k with positive probability up to the truncation below).
// An empty span gives the point mass at 0 (pmf = {1}, mean = variance = 0).
//
// Methods.
//   recurrence (default): the stable dynamic programme f_i[k] = (1-p_i) f_{i-1}[k] + p_i f_{i-1}[k-1].
//     Every step is a convex combination of non-negative numbers, so no cancellation occurs: each
//     entry carries a relative error of at most ~2n ulp. To avoid denormal arithmetic (100x slower
//     on x86) entries below 1e-300 are set to 0 and the loop only visits the window of entries above
//     that threshold; the total mass dropped is below n * (n+1) * 1e-300. O(n * width) time, where
//     width <= n + 1 is the support window (about mean +- 40 standard deviations for large n).
//   fft: divide and conquer product of the generating polynomials prod_i (1 - p_i + p_i z); blocks
//     of 64 deals use the recurrence, larger products use Eigen's FFT convolution. O(n log^2 n).
//     FFT rounding is absolute, not relative: entries carry an absolute error of about 1e-15 * log2 n
//     (tests check < 1e-12 against the recurrence); negative round-off is clamped to 0. Use it for
//     n in the hundreds of thousands; the recurrence is preferred whenever tail probabilities matter.
// Invalid input (a p_i that is NaN or outside [0, 1]) throws std::invalid_argument naming the index.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <unsupported/Eigen/FFT>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast {

enum class poisson_binomial_method { recurrence, fft };

/// The law of the number of successes; pmf has n + 1 entries.
class poisson_binomial {
 public:
  poisson_binomial() : pmf_{1.0}, cdf_{1.0} {}
  poisson_binomial(std::vector<double> pmf, double mean, double variance)
      : pmf_(std::move(pmf)), mean_(mean), variance_(variance) {
    cdf_.resize(pmf_.size());
    double s = 0.0;
    for (std::size_t k = 0; k < pmf_.size(); ++k) {
      s += pmf_[k];
      cdf_[k] = std::min(s, 1.0);
    }
  }

  [[nodiscard]] std::size_t trials() const noexcept { return pmf_.size() - 1; }
  [[nodiscard]] const std::vector<double>& pmf() const noexcept { return pmf_; }
  [[nodiscard]] double pmf(std::size_t k) const noexcept { return k < pmf_.size() ? pmf_[k] : 0.0; }
  /// Cumulative probabilities cdf[k] = P(K <= k), accumulated left to right (capped at 1).
  [[nodiscard]] const std::vector<double>& cdf() const noexcept { return cdf_; }
  [[nodiscard]] double cdf(std::size_t k) const noexcept { return k < cdf_.size() ? cdf_[k] : 1.0; }
  /// Exact moments from the probabilities (not from the pmf): sum p_i and sum p_i (1 - p_i).
  [[nodiscard]] double mean() const noexcept { return mean_; }
  [[nodiscard]] double variance() const noexcept { return variance_; }
  /// Smallest k with P(K <= k) >= q. Throws std::invalid_argument unless 0 <= q <= 1.
  [[nodiscard]] std::size_t quantile(double q) const {
    if (!(q >= 0.0 && q <= 1.0))
      throw std::invalid_argument("poisson_binomial::quantile: q must be in [0, 1], got " + std::to_string(q));
    if (q == 0.0) {  // the smallest value with positive probability
      for (std::size_t k = 0; k < pmf_.size(); ++k)
        if (pmf_[k] > 0.0) return k;
      return 0;
    }
    // A last cdf entry slightly below 1 through rounding must not make quantile(1) fall off the end.
    const auto it = std::lower_bound(cdf_.begin(), cdf_.end(), q);
    if (it == cdf_.end()) {
      for (std::size_t k = pmf_.size(); k-- > 0;)
        if (pmf_[k] > 0.0) return k;
    }
    return static_cast<std::size_t>(it - cdf_.begin());
  }

 private:
  std::vector<double> pmf_;
  std::vector<double> cdf_;
  double mean_ = 0.0;
  double variance_ = 0.0;
};

namespace detail {

inline constexpr double pb_tiny = 1e-300;

inline void check_probabilities(std::span<const double> p, const char* who) {
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!(p[i] >= 0.0 && p[i] <= 1.0))
      throw std::invalid_argument(std::string(who) + ": probability at index " + std::to_string(i) +
                                  " must be in [0, 1], got " + std::to_string(p[i]));
}

/// Recurrence over p into a pmf of size p.size() + 1 (inputs already checked).
inline std::vector<double> pb_recurrence(std::span<const double> p) {
  const std::size_t n = p.size();
  std::vector<double> f(n + 1, 0.0), g(n + 1, 0.0);
  f[0] = 1.0;
  std::size_t lo = 0, hi = 0;  // f is zero outside [lo, hi]
  for (std::size_t i = 0; i < n; ++i) {
    const double pi = p[i], qi = 1.0 - pi;
    // g[k] = qi f[k] + pi f[k-1] on [lo, hi + 1]; two buffers so the loop vectorises.
    g[lo] = qi * f[lo] + (lo > 0 ? pi * f[lo - 1] : 0.0);
    for (std::size_t k = lo + 1; k <= hi; ++k) g[k] = qi * f[k] + pi * f[k - 1];
    g[hi + 1] = pi * f[hi];
    std::size_t nlo = lo, nhi = hi + 1;
    while (nlo < nhi && g[nlo] < pb_tiny) g[nlo++] = 0.0;
    while (nhi > nlo && g[nhi] < pb_tiny) g[nhi--] = 0.0;
    f.swap(g);
    // g now holds the previous f: clear its window so that g is all zero again and f is zero
    // outside [nlo, nhi] (f[lo - 1] above then reads 0).
    for (std::size_t k = lo; k <= hi; ++k) g[k] = 0.0;
    lo = nlo;
    hi = nhi;
  }
  return f;
}

// The FFT path is a template over Scalar (only double is used) so that it is instantiated when
// used: a translation unit that includes this header without computing the law does not
// instantiate Eigen's FFT.

/// Linear convolution of two non-negative coefficient vectors (FFT above a small size).
template <class Scalar = double>
std::vector<double> pb_convolve(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t out = a.size() + b.size() - 1;
  std::vector<double> r(out, 0.0);
  if (std::min(a.size(), b.size()) <= 64) {
    for (std::size_t i = 0; i < a.size(); ++i)
      for (std::size_t j = 0; j < b.size(); ++j) r[i + j] += a[i] * b[j];
    return r;
  }
  std::size_t nfft = 1;
  while (nfft < out) nfft <<= 1;
  std::vector<double> pa(a), pbv(b);
  pa.resize(nfft, 0.0);
  pbv.resize(nfft, 0.0);
  Eigen::FFT<Scalar> fft;
  std::vector<std::complex<double>> fa, fb;
  fft.fwd(fa, pa);
  fft.fwd(fb, pbv);
  for (std::size_t k = 0; k < fa.size(); ++k) fa[k] *= fb[k];
  std::vector<double> full;
  fft.inv(full, fa, static_cast<Eigen::Index>(nfft));
  for (std::size_t k = 0; k < out; ++k) r[k] = std::max(0.0, full[k]);
  return r;
}

template <class Scalar = double>
std::vector<double> pb_fft(std::span<const double> p) {
  constexpr std::size_t block = 64;
  std::vector<std::vector<double>> level;
  for (std::size_t i = 0; i < p.size(); i += block)
    level.push_back(pb_recurrence(p.subspan(i, std::min(block, p.size() - i))));
  if (level.empty()) return {1.0};
  while (level.size() > 1) {
    std::vector<std::vector<double>> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(pb_convolve<Scalar>(level[i], level[i + 1]));
    if (level.size() % 2 == 1) next.push_back(std::move(level.back()));
    level.swap(next);
  }
  return std::move(level.front());
}

}  // namespace detail

/// The Poisson-binomial law of the number of successes among independent Bernoulli(p_i).
template <class Scalar = double>
[[nodiscard]] poisson_binomial poisson_binomial_distribution(std::span<const double> p,
                                                             poisson_binomial_method method = poisson_binomial_method::recurrence) {
  detail::check_probabilities(p, "poisson_binomial_distribution");
  double mean = 0.0, var = 0.0;
  for (double pi : p) {
    mean += pi;
    var += pi * (1.0 - pi);
  }
  std::vector<double> pmf = method == poisson_binomial_method::fft ? detail::pb_fft<Scalar>(p) : detail::pb_recurrence(p);
  return poisson_binomial(std::move(pmf), mean, var);
}

}  // namespace forecast
SALESMETRICS_END_NAMESPACE
