// salesmetrics/metrics/where.hpp: restricting any metric to the rows a predicate accepts.
//
//   where<type_is<activity_type::meeting> && direction_is<direction::inbound>, activity_count>
// A filtered leaf updates only on accepted rows; a filtered derived metric is the same formula
// over filtered dependencies (so where<P, win_rate> is won/(won+lost) among the rows P accepts).
// The predicate must test the metric's table; leaves of other tables are left unfiltered.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/metrics/metric.hpp>
#include <salesmetrics/metrics/predicates.hpp>

#include <boost/hana/transform.hpp>
#include <boost/hana/type.hpp>

#include <string_view>
#include <type_traits>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

template <auto Pred, class M> struct where;

template <auto Pred, LeafMetric M>
  requires(!std::is_same_v<typename decltype(Pred)::table, typename M::table>)
struct where<Pred, M> : M {};  // a predicate over another table leaves this leaf unfiltered

template <auto Pred, LeafMetric M>
  requires std::is_same_v<typename decltype(Pred)::table, typename M::table>
struct where<Pred, M> : M {
  // Any state M updates: its state, and its hot state if it has one (metric.hpp).
  template <class S>
    requires requires(S& s, const typename M::table::view_type& v, std::size_t i, const eval_context& c) { M::update(s, v, i, c); }
  static void update(S& s, const typename M::table::view_type& v, std::size_t i, const eval_context& c) {
    if (Pred(v, i)) M::update(s, v, i, c);
  }
};

namespace detail {
template <auto Pred, class R>
struct filtered_results {
  const R& r;
  template <class D> auto get() const { return r.template get<where<Pred, D>>(); }
};
}  // namespace detail

template <auto Pred, DerivedMetric M>
struct where<Pred, M> {
  static_assert(RowPredicate<decltype(Pred)>, "salesmetrics::where<Pred, M>: Pred is not a row predicate (type_is<...>, status_is<...> ...)");
  static constexpr std::string_view name = M::name;
  using result_type = typename M::result_type;
  static constexpr auto dependencies = boost::hana::transform(M::dependencies, [](auto t) {
    return boost::hana::type_c<where<Pred, typename decltype(t)::type>>;
  });
  template <class R> static result_type result(const R& r, const eval_context& c) {
    return M::result(detail::filtered_results<Pred, R>{r}, c);
  }
};

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
