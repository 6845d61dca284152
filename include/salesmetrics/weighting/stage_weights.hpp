// salesmetrics/weighting/stage_weights.hpp: a probability per pipeline stage, as a weighting policy.
//
// Definition: weight(stage) = p[stage], the probability that a deal currently in `stage` is won
// (stage = index into the stage list, as in SCHEMA.md). Every p must lie in [0, 1].
//   stage_probabilities{{0.1, 0.2, 0.4, 0.6, 0.8}}   run-time list; the constructor throws
//                                                   std::invalid_argument naming the offending
//                                                   index if a p is outside [0, 1] or NaN
//   fixed_stage_weights<0.1, 0.2, 0.4, 0.6, 0.8>     compile-time list; static_assert on the same
// A stage outside the list gives NaN from operator() (undefined, so a bad stage cannot silently
// count as 0); at(stage) throws std::out_of_range instead. Depends on core only.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <array>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

/// Stage probabilities chosen at run time.
class stage_probabilities {
 public:
  stage_probabilities() = default;
  stage_probabilities(std::initializer_list<double> p) : p_(p) { check(); }
  explicit stage_probabilities(std::vector<double> p) : p_(std::move(p)) { check(); }

  [[nodiscard]] double operator()(std::size_t stage) const noexcept {
    return stage < p_.size() ? p_[stage] : std::numeric_limits<double>::quiet_NaN();
  }
  [[nodiscard]] double at(std::size_t stage) const {
    if (stage >= p_.size())
      throw std::out_of_range("salesmetrics::weighting::stage_probabilities: stage " + std::to_string(stage) +
                              " is outside the " + std::to_string(p_.size()) + " stages given");
    return p_[stage];
  }
  [[nodiscard]] std::size_t size() const noexcept { return p_.size(); }
  [[nodiscard]] std::span<const double> values() const noexcept { return p_; }

 private:
  void check() const {
    for (std::size_t i = 0; i < p_.size(); ++i)
      if (!(p_[i] >= 0.0 && p_[i] <= 1.0))
        throw std::invalid_argument("salesmetrics::weighting::stage_probabilities: probability of stage " +
                                    std::to_string(i) + " is " + std::to_string(p_[i]) + ", expected a value in [0, 1]");
  }
  std::vector<double> p_;
};

/// Stage probabilities fixed at compile time.
template <double... P>
struct fixed_stage_weights {
  static_assert(sizeof...(P) > 0, "salesmetrics::weighting::fixed_stage_weights<P...>: list at least one stage probability");
  static_assert(((P >= 0.0 && P <= 1.0) && ...),
                "salesmetrics::weighting::fixed_stage_weights<P...>: every stage probability must lie in [0, 1]");
  static constexpr std::array<double, sizeof...(P)> probabilities{P...};

  [[nodiscard]] constexpr double operator()(std::size_t stage) const noexcept {
    return stage < probabilities.size() ? probabilities[stage] : std::numeric_limits<double>::quiet_NaN();
  }
  [[nodiscard]] double at(std::size_t stage) const {
    if (stage >= probabilities.size())
      throw std::out_of_range("salesmetrics::weighting::fixed_stage_weights: stage " + std::to_string(stage) +
                              " is outside the " + std::to_string(probabilities.size()) + " stages given");
    return probabilities[stage];
  }
  [[nodiscard]] static constexpr std::size_t size() noexcept { return sizeof...(P); }
};

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
