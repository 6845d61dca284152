// salesmetrics/metrics/predicates.hpp: row filters fixed at compile time.
//
// A predicate is an empty constant object naming its table and testing one row:
//   type_is<activity_type::email> && direction_is<direction::inbound>
//   status_is<deal_status::won> || status_is<deal_status::lost>
//   !stage_is<0>
// They compose with &&, || and ! into new constant objects, so they can be template arguments
// (where<type_is<activity_type::meeting>, activity_count>) and cost nothing at run time.
// Combining predicates over different tables does not compile.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/metrics/tables.hpp>

#include <concepts>
#include <cstddef>
#include <type_traits>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

template <class P>
concept RowPredicate = std::is_empty_v<P> && requires { typename P::table; } &&
                       requires(const P p, const typename P::table::view_type& v, std::size_t i) {
                         { p(v, i) } -> std::convertible_to<bool>;
                       };

namespace pred {
template <activity_type T> struct type_is_t {
  using table = activities_table;
  constexpr bool operator()(const activity_view& v, std::size_t i) const noexcept { return v.type[i] == T; }
};
template <salesmetrics::direction D> struct direction_is_t {
  using table = activities_table;
  constexpr bool operator()(const activity_view& v, std::size_t i) const noexcept { return v.direction[i] == D; }
};
/// Rows without a status column count as completed.
template <activity_status S> struct activity_status_is_t {
  using table = activities_table;
  constexpr bool operator()(const activity_view& v, std::size_t i) const noexcept {
    return (v.status.empty() ? activity_status::completed : v.status[i]) == S;
  }
};
template <deal_status S> struct status_is_t {
  using table = opportunities_table;
  constexpr bool operator()(const opportunity_view& v, std::size_t i) const noexcept { return v.status[i] == S; }
};
template <int S> struct stage_is_t {
  using table = opportunities_table;
  constexpr bool operator()(const opportunity_view& v, std::size_t i) const noexcept { return v.stage[i] == S; }
};
template <salesmetrics::forecast_category C> struct forecast_category_is_t {
  using table = opportunities_table;
  constexpr bool operator()(const opportunity_view& v, std::size_t i) const noexcept {
    return !v.forecast_category.empty() && v.forecast_category[i] == C;
  }
};
template <int S> struct to_stage_is_t {
  using table = stage_history_table;
  constexpr bool operator()(const stage_history_view& v, std::size_t i) const noexcept { return v.to_stage[i] == S; }
};
template <lead_status S> struct lead_status_is_t {
  using table = leads_table;
  constexpr bool operator()(const lead_view& v, std::size_t i) const noexcept {
    return !v.status.empty() && v.status[i] == S;
  }
};

template <class A, class B> struct and_t {
  static_assert(std::is_same_v<typename A::table, typename B::table>,
                "salesmetrics: '&&' combines row predicates over different tables; both sides must test the same table");
  using table = typename A::table;
  constexpr bool operator()(const typename table::view_type& v, std::size_t i) const noexcept { return A{}(v, i) && B{}(v, i); }
};
template <class A, class B> struct or_t {
  static_assert(std::is_same_v<typename A::table, typename B::table>,
                "salesmetrics: '||' combines row predicates over different tables; both sides must test the same table");
  using table = typename A::table;
  constexpr bool operator()(const typename table::view_type& v, std::size_t i) const noexcept { return A{}(v, i) || B{}(v, i); }
};
template <class A> struct not_t {
  using table = typename A::table;
  constexpr bool operator()(const typename table::view_type& v, std::size_t i) const noexcept { return !A{}(v, i); }
};

template <RowPredicate A, RowPredicate B> constexpr and_t<A, B> operator&&(A, B) noexcept { return {}; }
template <RowPredicate A, RowPredicate B> constexpr or_t<A, B> operator||(A, B) noexcept { return {}; }
template <RowPredicate A> constexpr not_t<A> operator!(A) noexcept { return {}; }
}  // namespace pred

template <activity_type T> inline constexpr pred::type_is_t<T> type_is{};
template <salesmetrics::direction D> inline constexpr pred::direction_is_t<D> direction_is{};
template <activity_status S> inline constexpr pred::activity_status_is_t<S> activity_status_is{};
template <deal_status S> inline constexpr pred::status_is_t<S> status_is{};
template <int S> inline constexpr pred::stage_is_t<S> stage_is{};
template <salesmetrics::forecast_category C> inline constexpr pred::forecast_category_is_t<C> forecast_category_is{};
template <int S> inline constexpr pred::to_stage_is_t<S> to_stage_is{};
template <lead_status S> inline constexpr pred::lead_status_is_t<S> lead_status_is{};

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
