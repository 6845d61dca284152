// salesmetrics/weighting/weighting_policy.hpp: the concept shared by time-decay, stage and custom weights.
//
// A weighting policy W maps an input (an age, a stage index, a deal row) to a weight:
//   const W& w;  w(x)  -> convertible to double
// and is copyable, so models (forecast, relationship health) can store it by value. The input type
// is the second parameter because each policy weighs something different:
//   WeightingPolicy<exponential_decay<30.0>, double>          age in days
//   WeightingPolicy<stage_probabilities, std::size_t>          stage index
// Depends on core only, so forecast/ and relationship/ can include it without the rest of weighting/.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <concepts>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

template <class W, class Input>
concept WeightingPolicy = std::copy_constructible<W> && requires(const W& w, const Input& x) {
  { w(x) } -> std::convertible_to<double>;
};

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
