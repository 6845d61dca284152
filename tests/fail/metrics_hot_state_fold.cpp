// Must not compile: a leaf with a narrow hot state but no fold into its full state; the
// diagnostic names the missing member. (Without the macro the same leaf has its fold.)
// expect-error: this leaf metric has a hot_state but no `static void fold\(state&, const hot_state&\)`
#include <salesmetrics/metrics/catalog.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {
namespace mx = salesmetrics::metrics;

struct narrow_count {
  static constexpr std::string_view name = "narrow_count";
  using table = mx::activities_table;
  using state = std::int64_t;
  using hot_state = std::uint32_t;
  static constexpr std::uint64_t hot_rows = 0xFFFF'FFFF;
  using result_type = std::int64_t;
  template <class S> static void update(S& s, const salesmetrics::activity_view&, std::size_t, const mx::eval_context&) { ++s; }
#ifndef SALESMETRICS_SHOULD_FAIL_TO_BUILD
  static void fold(state& s, const hot_state& h) { s += h; }
#endif
  static void merge(state& a, const state& b) { a += b; }
  static result_type result(const state& s, const mx::eval_context&) { return s; }
};

[[maybe_unused]] auto run(const salesmetrics::crm_view& v) { return mx::evaluate<narrow_count>(v, mx::group::rep); }
}  // namespace
