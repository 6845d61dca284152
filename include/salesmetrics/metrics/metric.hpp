// salesmetrics/metrics/metric.hpp: what a metric is (the Metric concepts) and depends_on.
//
// A *leaf* metric reads one table row by row:
//   struct my_metric {
//     static constexpr std::string_view name = "my_metric";   // column name in results
//     using table = activities_table;                          // which table it reads
//     using state = std::int64_t;                              // value-initialised = identity
//     using result_type = std::int64_t;                        // int64, double, money or timestamp
//     static void update(state&, const activity_view&, std::size_t row, const eval_context&);
//     static void merge(state&, const state&);                 // associative, identity = state{}
//     static result_type result(const state&, const eval_context&);
//     // optional: using anchor = anchor::closed;  (opportunities: which instant places the row)
//     // optional: static bool selects(const opportunity_view&, std::size_t row, const eval_context&);
//   };
// `selects` is a row filter: true for every row whose update may change the state (update must
// leave the state unchanged on the others). When every leaf of a table and anchor has one, the
// engine tests them before it computes the row's group key, and a row none of them selects
// neither updates nor creates a group (e.g. open pipeline by month lists the months with an
// open deal, not every month a closed deal was expected in). A leaf without it selects every row.
// Keep it cheap and free of side effects: the engine evaluates every leaf's filter on every
// row (no short circuit, so that the loops testing them need no branch per leaf).
// A *derived* metric computes from other metrics' results of the same group:
//   struct my_ratio : depends_on<a, b> {
//     static constexpr std::string_view name = "my_ratio";
//     using result_type = double;
//     template <class R> static double result(const R& r, const eval_context&) {
//       return r.template get<a>() / r.template get<b>(); }
//   };
// States must be trivially copyable, or provide `save(std::string&)`/`load(std::string_view&)`
// member functions, so that partial states from other threads, processes or machines merge.
// A leaf may also keep a narrower *hot state* while the pass runs (metrics/hot_state.hpp):
//     using hot_state = std::array<std::uint32_t, 11>;       // value-initialised = identity
//     static constexpr std::uint64_t hot_rows = 0xFFFF'FFFF;  // rows one hot state may absorb
//     static void update(hot_state&, const activity_view&, std::size_t row, const eval_context&);
//     static void fold(state&, const hot_state&);             // adds a hot state into a state
// The engine then updates hot states and folds them into states at the end of the pass, and
// after every hot_rows rows of it, so the narrow counters cannot overflow. What stays in
// cache is the hot states, one per group: Q1 at 100M has 20,000 groups.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/metrics/context.hpp>
#include <salesmetrics/metrics/tables.hpp>

#include <boost/hana/type.hpp>
#include <boost/hana/tuple.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

/// Lists the metrics a derived metric computes from (resolved transitively, de-duplicated).
template <class... Deps>
struct depends_on {
  static constexpr auto dependencies = boost::hana::tuple_t<Deps...>;
};

template <class R>
concept MetricResult = std::same_as<R, std::int64_t> || std::same_as<R, double> || std::same_as<R, money> ||
                       std::same_as<R, timestamp>;

/// Every metric has a name and a result type. Metrics shown in a result table must have a
/// MetricResult; internal building blocks (e.g. the per type and direction count array) may not.
template <class M>
concept Named = requires {
  { M::name } -> std::convertible_to<std::string_view>;
  typename M::result_type;
} && std::copyable<typename M::result_type> && std::default_initializable<typename M::result_type>;

template <class S>
concept SerializableState = std::is_trivially_copyable_v<S> || requires(const S& s, S& t, std::string& out, std::string_view& in) {
  s.save(out);
  t.load(in);
};

template <class M>
concept LeafMetric = Named<M> && requires { typename M::table; typename M::state; } && Table<typename M::table> &&
                     std::default_initializable<typename M::state> && SerializableState<typename M::state> &&
                     requires(typename M::state& s, const typename M::state& c, const typename M::table::view_type& v,
                              std::size_t i, const eval_context& ctx) {
                       M::update(s, v, i, ctx);
                       M::merge(s, c);
                       { M::result(c, ctx) } -> std::convertible_to<typename M::result_type>;
                     };

/// A leaf metric with a narrow working state (see "hot state" above).
template <class M>
concept HotLeaf = LeafMetric<M> && requires {
  typename M::hot_state;
  { M::hot_rows } -> std::convertible_to<std::uint64_t>;
} && std::default_initializable<typename M::hot_state> && std::is_trivially_copyable_v<typename M::hot_state> &&
                  requires(typename M::hot_state& h, typename M::state& s, const typename M::table::view_type& v, std::size_t i,
                           const eval_context& c) {
                    M::update(h, v, i, c);
                    M::fold(s, std::as_const(h));
                  };

/// A leaf metric with a row filter (see `selects` above).
template <class M>
concept SelectiveLeaf = LeafMetric<M> && requires(const typename M::table::view_type& v, std::size_t i, const eval_context& c) {
  { M::selects(v, i, c) } -> std::convertible_to<bool>;
};

template <class M>
concept DerivedMetric = Named<M> && requires { M::dependencies; } && !requires { typename M::table; };

template <class M>
concept Metric = LeafMetric<M> || DerivedMetric<M>;

/// The anchor (row instant) of a leaf metric: its own `anchor`, else its table's default.
template <class M> struct anchor_of { using type = typename default_anchor<typename M::table>::type; };
template <class M> requires requires { typename M::anchor; } struct anchor_of<M> { using type = typename M::anchor; };
template <class M> using anchor_of_t = typename anchor_of<M>::type;

namespace detail {

/// One static_assert per missing piece, so the compiler names the metric (in the instantiation
/// note "with M = ...") and the message names what to add. Returns whether M is a Metric.
template <class M>
consteval bool diagnose_metric() {
  constexpr bool has_name = requires { { M::name } -> std::convertible_to<std::string_view>; };
  static_assert(has_name, "salesmetrics: this type is not a metric: it has no `static constexpr std::string_view name`");
  constexpr bool has_result_type = requires { typename M::result_type; };
  static_assert(has_result_type, "salesmetrics: this metric has no `using result_type = ...;` (std::int64_t, double, money or timestamp)");
  constexpr bool has_table = requires { typename M::table; };
  constexpr bool has_deps = requires { M::dependencies; };
  static_assert(has_table || has_deps,
                "salesmetrics: this metric neither reads a table (`using table = activities_table;` plus state/update/merge/result) "
                "nor derives from others (inherit depends_on<...> and define result(results, ctx))");
  if constexpr (has_table) {
    static_assert(Table<typename M::table>, "salesmetrics: this metric's `table` must be activities_table, opportunities_table, "
                                            "stage_history_table or leads_table");
    constexpr bool has_state = requires { typename M::state; };
    static_assert(has_state, "salesmetrics: this leaf metric has no `using state = ...;`");
    if constexpr (has_state && Table<typename M::table>) {
      using S = typename M::state;
      using V = typename M::table::view_type;
      static_assert(std::default_initializable<S>, "salesmetrics: this metric's state must be default-constructible (the identity)");
      static_assert(SerializableState<S>, "salesmetrics: this metric's state is not trivially copyable: give it save(std::string&) "
                                          "and load(std::string_view&) so partial states can be merged across processes");
      static_assert(requires(S& s, const V& v, std::size_t i, const eval_context& c) { M::update(s, v, i, c); },
                    "salesmetrics: this leaf metric has no `static void update(state&, const <table>_view&, std::size_t row, "
                    "const eval_context&)` for its table (is it used on the wrong table?)");
      static_assert(requires(S& s, const S& o) { M::merge(s, o); },
                    "salesmetrics: this leaf metric has no `static void merge(state&, const state&)`");
      static_assert(requires(const S& s, const eval_context& c) { M::result(s, c); },
                    "salesmetrics: this leaf metric has no `static result_type result(const state&, const eval_context&)`");
      if constexpr (requires { typename M::hot_state; }) {
        using H = typename M::hot_state;
        static_assert(requires { { M::hot_rows } -> std::convertible_to<std::uint64_t>; },
                      "salesmetrics: this leaf metric has a hot_state but no `static constexpr std::uint64_t hot_rows` "
                      "(how many rows one hot state absorbs before it must be folded)");
        static_assert(std::default_initializable<H> && std::is_trivially_copyable_v<H>,
                      "salesmetrics: this metric's hot_state must be trivially copyable and default-constructible (the identity)");
        static_assert(requires(H& h, const V& v, std::size_t i, const eval_context& c) { M::update(h, v, i, c); },
                      "salesmetrics: this leaf metric has a hot_state but no `static void update(hot_state&, const <table>_view&, "
                      "std::size_t row, const eval_context&)`");
        static_assert(requires(S& s, const H& h) { M::fold(s, h); },
                      "salesmetrics: this leaf metric has a hot_state but no `static void fold(state&, const hot_state&)`");
      }
    }
  }
  return Metric<M>;
}

}  // namespace detail
}  // namespace metrics
SALESMETRICS_END_NAMESPACE
