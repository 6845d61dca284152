// salesmetrics/relationship/decay_policy.hpp: the DecayPolicy concept (time-decay weights of the relationship health).
//
// Definition: a decay policy D is a default-constructible type whose value weighs an event at
// instant `event` seen from instant `now`:
//   D{}(event, now) -> weight (double), 1 for an event at or after `now`, falling with age.
// The half-life is part of the type (a template parameter), so every metric that uses the policy
// is a distinct type and the policy costs nothing to pass around. The library's policy is
// weighting::exponential_decay<HalfLifeDays> (weighting/time_decay.hpp): 0.5^(age days / half-life),
// which relationship/ uses by default with a 30-day half-life (default_decay).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/weighting/time_decay.hpp>
#include <salesmetrics/weighting/weighting_policy.hpp>

#include <concepts>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

template <class D>
concept DecayPolicy = std::default_initializable<D> && weighting::WeightingPolicy<D, double> &&
                      requires(const D& d, timestamp event, timestamp now) {
                        { d(event, now) } -> std::convertible_to<double>;
                      };

/// The default decay of relationship/: a 30-day half-life.
using default_decay = weighting::exponential_decay<30.0>;

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
