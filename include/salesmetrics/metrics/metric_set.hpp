// salesmetrics/metrics/metric_set.hpp: resolving the requested metrics into an evaluation plan.
//
// metric_set<Requested...> walks each metric's depends_on transitively with Hana, checks every
// metric on the way (detail::diagnose_metric names what a type lacks), rejects cycles, and
// keeps each metric once, dependencies before dependants (win_rate and average_deal_size share
// one won_count). The leaves are what the fused pass updates; the derived metrics are computed
// per group from their dependencies' results afterwards.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/metrics/metric.hpp>

#include <boost/hana/append.hpp>
#include <boost/hana/contains.hpp>
#include <boost/hana/flatten.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/transform.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

template <class... Ts> struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

namespace detail {

template <class T, class List> struct index_in;
template <class T, class... Ts> struct index_in<T, type_list<Ts...>> {
  static constexpr std::size_t value = [] {
    constexpr bool same[] = {std::is_same_v<T, Ts>..., false};
    for (std::size_t i = 0; i < sizeof...(Ts); ++i)
      if (same[i]) return i;
    return sizeof...(Ts);
  }();
};
template <class T, class List> inline constexpr bool contains_v = index_in<T, List>::value < List::size;

template <class List, template <class> class Pred> struct filter;
template <template <class> class Pred> struct filter<type_list<>, Pred> { using type = type_list<>; };
template <class T, class... Ts, template <class> class Pred> struct filter<type_list<T, Ts...>, Pred> {
  using rest = typename filter<type_list<Ts...>, Pred>::type;
  template <class L> struct prepend;
  template <class... Us> struct prepend<type_list<Us...>> { using type = type_list<T, Us...>; };
  using type = std::conditional_t<Pred<T>::value, typename prepend<rest>::type, rest>;
};

template <class M> struct is_leaf : std::bool_constant<LeafMetric<M>> {};
template <class M> struct is_derived : std::bool_constant<DerivedMetric<M>> {};

namespace hana = boost::hana;

/// M's dependency closure, dependencies first and M last; Path holds the metrics being resolved.
template <class M, class... Path>
constexpr auto closure_of() {
  constexpr bool cyclic = (std::is_same_v<M, Path> || ...);
  static_assert(!cyclic, "salesmetrics: cyclic dependency: this metric depends on itself through its depends_on list "
                         "(see 'with M = ...' and 'Path = ...' in the note above); break the cycle");
  if constexpr (cyclic) {
    return hana::tuple_t<>;
  } else if constexpr (!diagnose_metric<M>()) {
    return hana::tuple_t<>;  // diagnosed above; stop the cascade
  } else if constexpr (LeafMetric<M>) {
    return hana::tuple_t<M>;
  } else {
    auto deps = hana::transform(M::dependencies, [](auto t) {
      using D = typename decltype(t)::type;
      return closure_of<D, Path..., M>();
    });
    return hana::append(hana::flatten(deps), hana::type_c<M>);
  }
}

template <class... Requested>
constexpr auto resolve() {
  auto all = hana::flatten(hana::make_tuple(closure_of<Requested>()...));
  return hana::fold_left(all, hana::tuple_t<>, [](auto acc, auto t) {
    if constexpr (decltype(hana::contains(acc, t))::value) return acc;
    else return hana::append(acc, t);
  });
}

template <class HanaTypes> struct to_type_list_impl;
template <class... H> struct to_type_list_impl<hana::tuple<H...>> { using type = type_list<typename H::type...>; };
template <class HanaTypes> using to_type_list = typename to_type_list_impl<std::remove_cvref_t<HanaTypes>>::type;

template <class List> struct states_of;
template <class... Ls> struct states_of<type_list<Ls...>> { using type = std::tuple<typename Ls::state...>; };
template <class List> struct results_of;
template <class... Ms> struct results_of<type_list<Ms...>> { using type = std::tuple<typename Ms::result_type...>; };

}  // namespace detail

template <class... Requested>
struct metric_set {
  static_assert(sizeof...(Requested) > 0, "salesmetrics::evaluate<...>: name at least one metric");
  using requested = type_list<Requested...>;
  using all = detail::to_type_list<decltype(detail::resolve<Requested...>())>;  // dependencies first
  using leaves = typename detail::filter<all, detail::is_leaf>::type;
  using group_state = typename detail::states_of<leaves>::type;   // one per group, leaves side by side
  using group_results = typename detail::results_of<all>::type;  // every resolved metric's result
};

/// Read-only access to the results of one group, handed to a derived metric M's result().
/// get<D>() fails to compile unless D is one of M's declared dependencies.
template <class Set, class M>
class dependency_results {
 public:
  explicit dependency_results(const typename Set::group_results& r) noexcept : r_(r) {}

  template <class D>
  [[nodiscard]] auto get() const {
    constexpr bool declared = decltype(boost::hana::contains(M::dependencies, boost::hana::type_c<D>))::value;
    static_assert(declared, "salesmetrics: a derived metric's result() reads a metric that is not in its depends_on<...> "
                            "list (see 'with M = ...' and 'D = ...'); add D to M's depends_on");
    if constexpr (declared) return std::get<detail::index_in<D, typename Set::all>::value>(r_);
    else return typename D::result_type{};
  }

 private:
  const typename Set::group_results& r_;
};

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
