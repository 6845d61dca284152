// salesmetrics/weighting/scorecard.hpp: scorecards fixed at compile time, with weight profiles per segment.
//
//   using steady = scorecard<"steady", kpi<revenue, 1e6, 60.0>, kpi<calls, 100.0, 40.0>>;
//   using team   = segmented_scorecard<steady, weight_profile<"new_hire", 20.0, 80.0>>;
//   score_table s = score(team{}, results, segment_codes);   // or score(steady{}, results)
// Checks (static_assert, each naming the template and the fix; for a wrong total the compiler's
// note prints detail::scorecard_weights_must_total_100<fixed_string<N>{"<name>"}, <total>>):
//   * a scorecard has at least one KPI and its KPI weights total 100 (within 1e-9);
//   * a weight_profile's weights are >= 0 and total 100, and it has one weight per KPI, in KPI order.
// Segment code c picks profile c: 0 = the scorecard's own KPI weights, 1.. = the profiles in the
// order listed. An empty segment list scores everyone with profile 0. Attainment and the weighted
// total are defined in attainment.hpp and score_table.hpp; score() throws input_error for a column
// whose length differs from results.rows() or a segment code without a profile.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/weighting/fixed_string.hpp>
#include <salesmetrics/weighting/kpi.hpp>
#include <salesmetrics/weighting/result_source.hpp>
#include <salesmetrics/weighting/score_table.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

namespace detail {
inline constexpr double weight_total_tolerance = 1e-9;

[[nodiscard]] constexpr bool is_hundred(double total) noexcept {
  return total >= 100.0 - weight_total_tolerance && total <= 100.0 + weight_total_tolerance;
}
// The names of these checks appear in the compiler's note, with the scorecard's name and total.
template <fixed_string Name, double Total>
struct scorecard_weights_must_total_100 {
  static constexpr bool value = is_hundred(Total);
};
template <fixed_string Name, double Total>
struct weight_profile_weights_must_total_100 {
  static constexpr bool value = is_hundred(Total);
};
template <fixed_string Profile, std::size_t ProfileWeights, std::size_t ScorecardKpis>
struct weight_profile_needs_one_weight_per_kpi {
  static constexpr bool value = ProfileWeights == ScorecardKpis;
};
}  // namespace detail

template <fixed_string Name, Kpi... Kpis>
struct scorecard {
  static_assert(sizeof...(Kpis) > 0, "salesmetrics::weighting::scorecard<Name, Kpis...>: list at least one kpi<...>");
  static_assert(detail::scorecard_weights_must_total_100<Name, (0.0 + ... + Kpis::weight)>::value,
                "salesmetrics::weighting::scorecard<Name, Kpis...>: the KPI weights must total 100 (percent); the note "
                "below names the scorecard and its actual total: fix the kpi<..., Weight> values");
  static constexpr std::string_view name = Name.view();
  static constexpr std::size_t size = sizeof...(Kpis);
  static constexpr std::array<double, size> weights{Kpis::weight...};
};

template <fixed_string Name, double... Weights>
struct weight_profile {
  static_assert(sizeof...(Weights) > 0, "salesmetrics::weighting::weight_profile<Name, Weights...>: list one weight per KPI");
  static_assert(((Weights >= 0.0) && ...), "salesmetrics::weighting::weight_profile<Name, Weights...>: weights are "
                                           "percentages and must be >= 0");
  static_assert(detail::weight_profile_weights_must_total_100<Name, (0.0 + ... + Weights)>::value,
                "salesmetrics::weighting::weight_profile<Name, Weights...>: the weights must total 100 (percent); the "
                "note below names the profile and its actual total");
  static constexpr auto fixed_name = Name;
  static constexpr std::string_view name = Name.view();
  static constexpr std::size_t size = sizeof...(Weights);
  static constexpr std::array<double, size> weights{Weights...};
};

namespace detail {
template <class T> inline constexpr bool is_scorecard_v = false;
template <fixed_string N, class... K> inline constexpr bool is_scorecard_v<scorecard<N, K...>> = true;
template <class T> inline constexpr bool is_weight_profile_v = false;
template <fixed_string N, double... W> inline constexpr bool is_weight_profile_v<weight_profile<N, W...>> = true;
}  // namespace detail

template <class Card, class... Profiles>
struct segmented_scorecard {
  static_assert(detail::is_scorecard_v<Card>,
                "salesmetrics::weighting::segmented_scorecard<Card, Profiles...>: Card must be a scorecard<...>");
  static_assert((detail::is_weight_profile_v<Profiles> && ...),
                "salesmetrics::weighting::segmented_scorecard<Card, Profiles...>: every profile must be a weight_profile<...>");
  static_assert((detail::weight_profile_needs_one_weight_per_kpi<Profiles::fixed_name, Profiles::size, Card::size>::value && ...),
                "salesmetrics::weighting::segmented_scorecard<Card, Profiles...>: each weight_profile needs exactly one "
                "weight per KPI of the scorecard, in KPI order (the note below names the profile)");
  using card = Card;
  static constexpr std::size_t kpi_count = Card::size;
  static constexpr std::size_t profile_count = 1 + sizeof...(Profiles);
  /// weights[p * kpi_count + k]: percent weight of KPI k in profile p (0 = the scorecard's own).
  static constexpr std::array<double, kpi_count * profile_count> weights = [] {
    std::array<double, kpi_count * profile_count> w{};
    std::size_t p = 0;
    auto put = [&](const auto& arr) {
      for (std::size_t k = 0; k < arr.size() && k < kpi_count; ++k) w[p * kpi_count + k] = arr[k];
      ++p;
    };
    put(Card::weights);
    (put(Profiles::weights), ...);
    return w;
  }();
  [[nodiscard]] static std::vector<std::string> profile_names() {
    return {std::string(Card::name), std::string(Profiles::name)...};
  }
};

namespace detail {
template <class Card> struct scorecard_parts;
template <fixed_string N, class... K>
struct scorecard_parts<scorecard<N, K...>> {
  template <class R> static constexpr bool readable_by = ResultSource<R, typename K::metric...>;
  static std::vector<std::string> kpi_names() { return {std::string(K::name())...}; }

  template <class R>
  static void score_all(score_table& t, const R& r, missing_policy missing) {
    std::size_t k = 0;
    (score_one<K>(t, k++, r, missing), ...);
  }
  template <class One, class R>
  static void score_one(score_table& t, std::size_t k, const R& r, missing_policy missing) {
    auto&& col = r.template column<typename One::metric>();
    score_table::access::check_column_size(N.view(), One::name(), detail::column_size(col),
                                          t.rows());
    score_table::access::add_kpi(t, k, col, One::target, One::direction, One::cap, One::floor, missing);
  }
};
}  // namespace detail

/// Scores every row of `results` into `out` (reusing its memory). See the header comment.
template <class Card, class... Profiles, class R>
void score_into(score_table& out, const segmented_scorecard<Card, Profiles...>&, const R& results,
                std::span<const std::int32_t> segments = {}, score_options options = {}) {
  using parts = detail::scorecard_parts<Card>;
  static_assert(ResultSource<R>, "salesmetrics::weighting::score(card, results): results must provide rows() and "
                                 "key_label(row) (see weighting/result_source.hpp)");
  if constexpr (!parts::template readable_by<R>) {
    static_assert(parts::template readable_by<R>,
                  "salesmetrics::weighting::score(card, results): results has no column<Metric>() for a KPI of the "
                  "scorecard; add the metric to the metric set, or supply it with with_column<Metric>()");
  } else {
    using seg = segmented_scorecard<Card, Profiles...>;
    score_table::access::begin(out, static_cast<std::size_t>(results.rows()), Card::name, parts::kpi_names(),
                               seg::profile_names(), seg::weights, segments);
    parts::score_all(out, results, options.missing);
    score_table::access::finish(out, options.missing);
  }
}

template <class Card, class... Profiles, class R>
[[nodiscard]] score_table score(const segmented_scorecard<Card, Profiles...>& card, const R& results,
                                std::span<const std::int32_t> segments = {}, score_options options = {}) {
  score_table t;
  score_into(t, card, results, segments, options);
  return t;
}

/// A scorecard without profiles: everyone is scored with the KPI weights.
template <fixed_string N, class... K, class R>
[[nodiscard]] score_table score(const scorecard<N, K...>&, const R& results, score_options options = {}) {
  score_table t;
  score_into(t, segmented_scorecard<scorecard<N, K...>>{}, results, {}, options);
  return t;
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
