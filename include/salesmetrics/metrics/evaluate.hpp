// salesmetrics/metrics/evaluate.hpp: one fused pass per table over the columns, grouped.
//
//   auto r = evaluate<win_rate, average_deal_size, emails_sent>(data.view(), group::rep,
//                                                               {.window = q3}, par(2));
//
// Plan (all fixed at compile time by metric_set): the leaf metrics are grouped by table and by
// anchor. For each table one loop runs over its rows; per row and anchor it tests the window
// once (and the leaves' row filters, when every leaf there has one: metric.hpp), maps the group
// key to a slot once (an array index; a hash slot only for huge key spaces) and updates every
// leaf state of that slot. A group exists when a row in the window reaches it that some leaf
// selects (a leaf without a row filter selects every row). No virtual calls, no allocation per row
// (states that hold values, like exact medians, grow amortised). par(n) gives each thread a
// contiguous chunk of every table and its own states; partial results are merged in chunk
// order with each metric's merge. Derived metrics are then computed per group from their
// dependencies' results.
//
// evaluate_partial() stops before the results: its partial_result holds the groups' absolute
// keys and leaf states, merges with another partial (from another thread, process or machine:
// save()/load() serialise it) and finish() turns it into the result table.
#pragma once
#include <salesmetrics/core/default_init_allocator.hpp>
#include <salesmetrics/core/large_array_allocator.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/execution.hpp>
#include <salesmetrics/metrics/context.hpp>
#include <salesmetrics/metrics/group_by.hpp>
#include <salesmetrics/metrics/hot_state.hpp>
#include <salesmetrics/metrics/metric.hpp>
#include <salesmetrics/metrics/metric_set.hpp>
#include <salesmetrics/metrics/result_table.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace metrics {

namespace detail {

inline constexpr std::int64_t none_key = std::numeric_limits<std::int64_t>::max();

template <class M> constexpr unsigned needs_of() {
  if constexpr (requires { M::needs; }) return M::needs;
  else return 0;
}
/// The context needs of every metric of a list (leaves and derived).
template <class L> struct list_needs;
template <class... Ms> struct list_needs<type_list<Ms...>> {
  static constexpr unsigned value = (0u | ... | needs_of<Ms>());
};

// ---- key components bound to the data -------------------------------------------------------

template <class K> struct bound;

/// The label of a value without a name: its decimal digits.
inline void append_integer(std::string& out, std::int64_t v) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
}

/// Id keys: code = id when 0 <= id < n, else n ("(none)").
template <class K>
  requires(!std::is_same_v<K, group::period_key> && !std::is_same_v<K, group::attribute_key> &&
           !std::is_same_v<K, group::everything_key>)
struct bound<K> {
  std::uint64_t n = 0;  // ids; the cardinality is n + 1
  const dictionary* names = nullptr;
  [[nodiscard]] std::uint64_t cardinality() const noexcept { return n + 1; }
  template <class T>
  [[nodiscard]] std::uint64_t code(const eval_context& c, const typename T::view_type& v, std::size_t i, timestamp) const noexcept {
    const auto id = static_cast<std::uint64_t>(static_cast<std::uint32_t>(id_reader<K, T>::read(c, v, i)));
    return id < n ? id : n;
  }
  [[nodiscard]] std::int64_t value(std::uint64_t code) const noexcept { return code < n ? static_cast<std::int64_t>(code) : none_key; }
  [[nodiscard]] std::uint64_t code_of_value(std::int64_t v) const noexcept { return v == none_key ? n : static_cast<std::uint64_t>(v); }
  void append_label(std::string& out, std::int64_t v) const {
    if (v == none_key) out += "(none)";
    else if (names != nullptr && static_cast<std::size_t>(v) < names->size()) names->append_name(out, static_cast<dense_id>(v));
    else append_integer(out, v);
  }
};

template <> struct bound<group::everything_key> {
  [[nodiscard]] std::uint64_t cardinality() const noexcept { return 1; }
  template <class T>
  [[nodiscard]] std::uint64_t code(const eval_context&, const typename T::view_type&, std::size_t, timestamp) const noexcept { return 0; }
  [[nodiscard]] std::int64_t value(std::uint64_t) const noexcept { return 0; }
  [[nodiscard]] std::uint64_t code_of_value(std::int64_t) const noexcept { return 0; }
  void append_label(std::string& out, std::int64_t) const { out += "all"; }
};

template <> struct bound<group::period_key> {
  calendar_period calendar{};
  std::int64_t first = 0;  // period index of code 0
  std::uint64_t n = 0;     // periods; code n = "(none)" (missing instant)
  // Months, quarters and fiscal periods need a civil-date conversion per instant; the days
  // the periods span are converted once instead: day_code[d - first_day] = code of unix day d.
  std::int64_t first_day = 0;
  std::vector<std::uint32_t> day_code;
  [[nodiscard]] std::uint64_t cardinality() const noexcept { return n + 1; }
  template <class T>
  [[nodiscard]] std::uint64_t code(const eval_context&, const typename T::view_type&, std::size_t, timestamp t) const noexcept {
    if (is_missing(t)) return n;
    const std::int64_t day = unix_day(t);
    if (const auto o = static_cast<std::uint64_t>(day - first_day); o < day_code.size()) return day_code[o];
    const auto c = static_cast<std::uint64_t>(calendar.index_of_day(day) - first);
    return c < n ? c : n;
  }
  /// Fills day_code for the days of the n periods (when they span at most 2^20 days).
  void tabulate() {
    day_code.clear();
    if (n == 0 || calendar.unit == period_unit::day || calendar.unit == period_unit::iso_week) return;
    first_day = calendar.start_day(first);
    const std::int64_t days = calendar.start_day(first + static_cast<std::int64_t>(n)) - first_day;
    if (days <= 0 || days > (std::int64_t{1} << 20)) return;
    day_code.resize(static_cast<std::size_t>(days));
    for (std::int64_t d = 0; d < days; ++d)
      day_code[static_cast<std::size_t>(d)] = static_cast<std::uint32_t>(calendar.index_of_day(first_day + d) - first);
  }
  [[nodiscard]] std::int64_t value(std::uint64_t code) const noexcept { return code < n ? first + static_cast<std::int64_t>(code) : none_key; }
  [[nodiscard]] std::uint64_t code_of_value(std::int64_t v) const noexcept {
    return v == none_key ? n : static_cast<std::uint64_t>(v - first);
  }
  void append_label(std::string& out, std::int64_t v) const { out += v == none_key ? "(none)" : calendar.label(v); }
};

template <> struct bound<group::attribute_key> {
  std::string column;
  attribute_view opportunity_attr{};  // for opportunities, activities and stage history (by their opportunity)
  attribute_view lead_attr{};
  std::uint64_t n = 0;
  [[nodiscard]] std::uint64_t cardinality() const noexcept { return n + 1; }
  template <class T>
  [[nodiscard]] std::uint64_t code(const eval_context& c, const typename T::view_type& v, std::size_t i, timestamp) const noexcept {
    dense_id id = no_id;
    if constexpr (std::is_same_v<T, opportunities_table>) id = at_or_none(opportunity_attr.codes, i);
    else if constexpr (std::is_same_v<T, leads_table>) id = at_or_none(lead_attr.codes, i);
    else if constexpr (std::is_same_v<T, activities_table>)
      id = v.opportunity_id.empty() ? no_id : at_or_none(opportunity_attr.codes, opportunity_row_of(c, v.opportunity_id[i]));
    else id = at_or_none(opportunity_attr.codes, opportunity_row_of(c, v.opportunity_id[i]));
    const auto u = static_cast<std::uint64_t>(static_cast<std::uint32_t>(id));
    return u < n ? u : n;
  }
  [[nodiscard]] std::int64_t value(std::uint64_t code) const noexcept { return code < n ? static_cast<std::int64_t>(code) : none_key; }
  [[nodiscard]] std::uint64_t code_of_value(std::int64_t v) const noexcept { return v == none_key ? n : static_cast<std::uint64_t>(v); }
  void append_label(std::string& out, std::int64_t v) const {
    const attribute_view& a = opportunity_attr.labels != nullptr ? opportunity_attr : lead_attr;
    if (v == none_key) out += "(none)";
    else if (a.labels != nullptr) a.labels->append_name(out, static_cast<dense_id>(v));
    else append_integer(out, v);
  }
};

template <class K> struct as_composite { using type = group::composite<K>; static group::composite<K> make(const K& k) { return {std::tuple<K>{k}}; } };
template <class... Ks> struct as_composite<group::composite<Ks...>> {
  using type = group::composite<Ks...>;
  static const type& make(const type& k) { return k; }
};

// ---- slots: dense array index, or a hash of the mixed-radix code ------------------------------

/// Open addressing, linear probing, power-of-two capacity; maps a key code to a slot number.
class slot_hash {
 public:
  void reserve(std::size_t n) { rehash(std::max<std::size_t>(16, std::bit_ceil(n * 2))); }
  /// The slot of `code`, inserting it as slot `next` when new (then returns next and sets `inserted`).
  std::uint32_t find_or_insert(std::uint64_t code, std::uint32_t next, bool& inserted) {
    if ((size_ + 1) * 2 > keys_.size()) rehash(keys_.empty() ? 64 : keys_.size() * 2);
    std::size_t h = mix(code) & (keys_.size() - 1);
    while (true) {
      if (slots_[h] == empty) {
        keys_[h] = code;
        slots_[h] = next;
        ++size_;
        inserted = true;
        return next;
      }
      if (keys_[h] == code) {
        inserted = false;
        return slots_[h];
      }
      h = (h + 1) & (keys_.size() - 1);
    }
  }

 private:
  static constexpr std::uint32_t empty = std::numeric_limits<std::uint32_t>::max();
  static std::uint64_t mix(std::uint64_t x) noexcept {  // splitmix64 finaliser
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL; x ^= x >> 27; x *= 0x94d049bb133111ebULL; return x ^ (x >> 31);
  }
  void rehash(std::size_t cap) {
    std::vector<std::uint64_t> old_keys(cap);
    std::vector<std::uint32_t> old_slots(cap, empty);
    old_keys.swap(keys_);
    old_slots.swap(slots_);
    size_ = 0;
    for (std::size_t i = 0; i < old_slots.size(); ++i) {
      if (old_slots[i] == empty) continue;
      std::size_t h = mix(old_keys[i]) & (cap - 1);
      while (slots_[h] != empty) h = (h + 1) & (cap - 1);
      keys_[h] = old_keys[i];
      slots_[h] = old_slots[i];
      ++size_;
    }
  }
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> slots_;
  std::size_t size_ = 0;
};

}  // namespace detail

/// Leaf states per group with the groups' absolute keys (one value per key component, ids and
/// period indices; detail::none_key for "(none)"), sorted by key. Mergeable and serialisable.
template <class Set, std::size_t KeyArity>
class partial_result {
 public:
  using key_type = std::array<std::int64_t, KeyArity>;
  using state_type = typename Set::group_state;

  std::vector<key_type> keys;
  std::vector<state_type> states;

  /// Folds `other` in: groups present in both merge with each leaf's merge(); the result stays sorted.
  void merge(const partial_result& other) {
    std::vector<key_type> k;
    std::vector<state_type> s;
    k.reserve(keys.size() + other.keys.size());
    s.reserve(keys.size() + other.keys.size());
    std::size_t a = 0, b = 0;
    while (a < keys.size() || b < other.keys.size()) {
      if (b == other.keys.size() || (a < keys.size() && keys[a] < other.keys[b])) {
        k.push_back(keys[a]); s.push_back(std::move(states[a])); ++a;
      } else if (a == keys.size() || other.keys[b] < keys[a]) {
        k.push_back(other.keys[b]); s.push_back(other.states[b]); ++b;
      } else {
        k.push_back(keys[a]); s.push_back(std::move(states[a]));
        merge_states(s.back(), other.states[b]);
        ++a; ++b;
      }
    }
    keys = std::move(k);
    states = std::move(s);
  }

  static void merge_states(state_type& into, const state_type& from) {
    merge_leaves(into, from, std::make_index_sequence<Set::leaves::size>{});
  }

  /// Binary serialisation (host byte order): group count, then per group its key and each leaf
  /// state (trivially copyable states byte-wise, others through their save()).
  void save(std::string& out) const {
    append_pod(out, static_cast<std::uint64_t>(keys.size()));
    for (std::size_t g = 0; g < keys.size(); ++g) {
      append_pod(out, keys[g]);
      std::apply([&](const auto&... st) { (save_state(out, st), ...); }, states[g]);
    }
  }
  /// Reads what save() wrote; throws std::invalid_argument on truncated input.
  void load(std::string_view in) {
    std::uint64_t n = 0;
    read_pod(in, n);
    keys.resize(n);
    states.assign(n, state_type{});
    for (std::size_t g = 0; g < n; ++g) {
      read_pod(in, keys[g]);
      std::apply([&](auto&... st) { (load_state(in, st), ...); }, states[g]);
    }
    if (!in.empty()) throw std::invalid_argument("partial_result::load: trailing bytes after the last group");
  }

 private:
  template <std::size_t... I>
  static void merge_leaves(state_type& into, const state_type& from, std::index_sequence<I...>) {
    (std::tuple_element_t<I, to_tuple_t<typename Set::leaves>>::merge(std::get<I>(into), std::get<I>(from)), ...);
  }
  template <class L> struct to_tuple;
  template <class... Ls> struct to_tuple<type_list<Ls...>> { using type = std::tuple<Ls...>; };
  template <class L> using to_tuple_t = typename to_tuple<L>::type;

  template <class T> static void append_pod(std::string& out, const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T> static void read_pod(std::string_view& in, T& v) {
    if (in.size() < sizeof v) throw std::invalid_argument("partial_result::load: truncated input");
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
  }
  template <class S> static void save_state(std::string& out, const S& s) {
    if constexpr (std::is_trivially_copyable_v<S>) append_pod(out, s);
    else s.save(out);
  }
  template <class S> static void load_state(std::string_view& in, S& s) {
    if constexpr (std::is_trivially_copyable_v<S>) read_pod(in, s);
    else s.load(in);
  }
};

namespace detail {

template <class Set, class... Ks>
class engine {
 public:
  using key_type = group::composite<Ks...>;
  static constexpr std::size_t arity = sizeof...(Ks);
  using partial = partial_result<Set, arity>;
  using state_type = typename Set::group_state;
  using working = working_states<typename Set::leaves>;  // hot_state.hpp
  using work_type = typename working::type;

  engine(const crm_view& data, const key_type& key, const evaluate_options& opts) : data_(data) {
    prepare_context(opts);
    bind(key, std::index_sequence_for<Ks...>{});
  }

  template <class Policy>
  partial run(const Policy& policy) const {
    activity_rows_ = window_activity_rows();
    const unsigned threads = threads_for(policy);
    if constexpr (one_source) {
      if (!dense_ && partitions_fit()) return run_partitioned(threads);
    }
    if (threads == 1) return run_chunk(0, 1);
    std::vector<partial> parts(threads);
    salesmetrics::detail::run_on_threads(threads, [&](unsigned t) { parts[t] = run_chunk(t, threads); });
    for (unsigned t = 1; t < threads; ++t) parts[0].merge(parts[t]);  // chunk order: deterministic
    return std::move(parts[0]);
  }

  /// The result table of `p`. The labels are built first, per key component; then every group's
  /// row is independent, so threads fill disjoint row ranges (except for sets whose results read
  /// ctx.group_label, which the engine sets per group).
  template <class... Requested, class Policy = sequential_policy>
  result_table<Requested...> finish(const partial& p, const Policy& policy = seq) {
    const std::size_t n = p.keys.size();
    result_table<Requested...> out;
    label_rows(p.keys, out, policy.threads());
    out.resize(n);
    constexpr bool labels_in_context = (all_needs & needs::group_label) != 0;
    const unsigned threads = labels_in_context ? 1u : threads_for_groups(n, policy.threads());
    auto fill = [&](std::size_t begin, std::size_t end) {
      typename Set::group_results results{};
      for (std::size_t g = begin; g < end; ++g) {
        if constexpr (labels_in_context) ctx_.group_label = out.key_label(g);
        compute_results(p.states[g], results, std::make_index_sequence<Set::all::size>{});
        out.template set_row<typename Set::group_results, Set>(g, results);
      }
    };
    if (threads == 1) fill(0, n);
    else salesmetrics::detail::run_on_threads(threads, [&](unsigned t) { fill(n * t / threads, n * (t + 1) / threads); });
    return out;
  }

  [[nodiscard]] const eval_context& context() const noexcept { return ctx_; }

  /// run() then finish(), streaming the partitioned path's groups into the result rows.
  template <class... Requested, class Policy>
  result_table<Requested...> evaluate_table(const Policy& policy) {
    constexpr bool labels_in_context = (all_needs & needs::group_label) != 0;  // finish() sets the label per group
    if constexpr (one_source && !labels_in_context) {
      activity_rows_ = window_activity_rows();
      if (!dense_ && partitions_fit()) return table_partitioned<Requested...>(threads_for(policy));
    }
    return finish<Requested...>(run(policy), policy);
  }

 private:
  const crm_view& data_;
  eval_context ctx_;
  std::tuple<bound<Ks>...> bound_;
  std::array<std::uint64_t, arity> stride_{};
  std::uint64_t cardinality_ = 1;
  bool dense_ = true;
  mutable std::pair<std::size_t, std::size_t> activity_rows_{};  // set by run(): window_activity_rows()
  static constexpr double dense_byte_limit = 128.0 * 1024 * 1024;

  template <class L> struct leaf_tuple;
  template <class... Ls> struct leaf_tuple<type_list<Ls...>> { using type = std::tuple<Ls...>; };
  using leaves_tuple = typename leaf_tuple<typename Set::leaves>::type;
  static constexpr std::size_t leaf_count = Set::leaves::size;
  template <std::size_t I> using leaf = std::tuple_element_t<I, leaves_tuple>;

  static constexpr unsigned all_needs = list_needs<typename Set::all>::value;

  /// Whether leaf I is the first leaf reading its table (resp. its table with its anchor): the
  /// per-table scans of bind() run once per table, not once per leaf.
  template <std::size_t I> static constexpr bool first_leaf_of_table() {
    return []<std::size_t... J>(std::index_sequence<J...>) {
      return !(std::is_same_v<typename leaf<J>::table, typename leaf<I>::table> || ...);
    }(std::make_index_sequence<I>{});
  }
  template <std::size_t I> static constexpr bool first_leaf_of_source() {
    return []<std::size_t... J>(std::index_sequence<J...>) {
      return !((std::is_same_v<typename leaf<J>::table, typename leaf<I>::table> &&
                std::is_same_v<anchor_of_t<leaf<J>>, anchor_of_t<leaf<I>>>) || ...);
    }(std::make_index_sequence<I>{});
  }

  template <class T> static constexpr bool reads_table() {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (std::is_same_v<typename leaf<I>::table, T> || ...);
    }(std::make_index_sequence<leaf_count>{});
  }
  /// ctx.opportunity_row (opportunity id -> row) costs a pass over the opportunities per
  /// evaluation; it is built only for what reads it: stage-history rows keyed by the deal's rep
  /// or account, attribute keys (read through the deal), the stage-entered column and metrics
  /// that declare needs::opportunity_row.
  static constexpr bool maps_opportunity_rows =
      (all_needs & (needs::opportunity_row | needs::stage_entered)) != 0 || (std::is_same_v<Ks, group::attribute_key> || ...) ||
      (reads_table<stage_history_table>() && ((std::is_same_v<Ks, group::rep_key> || std::is_same_v<Ks, group::account_key>) || ...));

  void prepare_context(const evaluate_options& opts) {
    ctx_.window = opts.window;
    ctx_.data = &data_;
    ctx_.inputs = &opts.inputs;
    const auto& opp = data_.opportunities;
    if (maps_opportunity_rows && !opp.opportunity_id.empty()) {
      dense_id max_id = -1;
      for (dense_id id : opp.opportunity_id) max_id = std::max(max_id, id);
      ctx_.opportunity_row.assign(static_cast<std::size_t>(max_id + 1), no_id);
      for (std::size_t r = 0; r < opp.opportunity_id.size(); ++r)
        if (opp.opportunity_id[r] >= 0) ctx_.opportunity_row[static_cast<std::size_t>(opp.opportunity_id[r])] = static_cast<dense_id>(r);
    }
    ctx_.as_of = opts.as_of;
    if (is_missing(ctx_.as_of) && (all_needs & (needs::as_of | needs::stage_entered)) != 0) ctx_.as_of = default_as_of();
    if (all_needs & needs::stage_entered) fill_stage_entered();
    if (all_needs & needs::first_win) fill_first_win();
    if (all_needs & needs::marketing_source) fill_marketing(opts);
  }

  /// The policy's threads for this pass's rows (parallel_policy::threads_for_rows; a policy
  /// without it: its threads). Call after window_activity_rows().
  template <class Policy>
  [[nodiscard]] unsigned threads_for(const Policy& policy) const {
    std::size_t rows = 0;
    []<std::size_t... I>(std::index_sequence<I...>, const crm_view& d, std::pair<std::size_t, std::size_t> activity_rows, std::size_t& r) {
      ((first_leaf_of_table<I>() ? void(r += std::is_same_v<typename leaf<I>::table, activities_table>
                                                 ? activity_rows.second - activity_rows.first
                                                 : leaf<I>::table::of(d).size())
                                 : void()),
       ...);
    }(std::make_index_sequence<leaf_count>{}, data_, activity_rows_, rows);
    if constexpr (requires { { policy.threads_for_rows(rows) } -> std::convertible_to<unsigned>; }) return std::max(1u, policy.threads_for_rows(rows));
    else return std::max(1u, static_cast<unsigned>(policy.threads()));
  }

  /// The activity rows that can fall in the window. Activities exported in ts order (the usual
  /// case) let a bounded window go straight to its rows by binary search: one pass to check the
  /// order saves reading every column of the rows outside the window. Otherwise every row.
  [[nodiscard]] std::pair<std::size_t, std::size_t> window_activity_rows() const {
    const auto& ts = data_.activities.ts;
    const bool bounded = ctx_.window.from != time_window{}.from || ctx_.window.to != time_window{}.to;
    if (!reads_table<activities_table>() || !bounded || !rows_in_time_order(data_.activities)) return {0, ts.size()};
    return {static_cast<std::size_t>(std::lower_bound(ts.begin(), ts.end(), ctx_.window.from) - ts.begin()),
            static_cast<std::size_t>(std::lower_bound(ts.begin(), ts.end(), ctx_.window.to) - ts.begin())};
  }

  /// The window's end when bounded, else one second after the latest instant in the data.
  [[nodiscard]] timestamp default_as_of() const {
    if (ctx_.window.to != time_window{}.to) return ctx_.window.to;
    std::int64_t latest = std::numeric_limits<std::int64_t>::min();
    auto scan = [&](const auto& col) { for (timestamp t : col) if (!is_missing(t)) latest = std::max(latest, to_unix(t)); };
    scan(data_.activities.ts);
    scan(data_.opportunities.created_ts);
    scan(data_.opportunities.closed_ts);
    scan(data_.stage_history.ts);
    scan(data_.leads.created_ts);
    return latest == std::numeric_limits<std::int64_t>::min() ? timestamp{} : from_unix(latest + 1);
  }

  void fill_stage_entered() {
    const auto& opp = data_.opportunities;
    ctx_.stage_entered.assign(opp.created_ts.begin(), opp.created_ts.end());
    const auto& h = data_.stage_history;
    for (std::size_t i = 0; i < h.opportunity_id.size(); ++i) {
      const dense_id row = opportunity_row_of(ctx_, h.opportunity_id[i]);
      if (row < 0 || h.ts[i] >= ctx_.as_of) continue;
      auto& e = ctx_.stage_entered[static_cast<std::size_t>(row)];
      if (h.ts[i] > e) e = h.ts[i];
    }
  }

  void fill_first_win() {
    const auto& opp = data_.opportunities;
    ctx_.first_win_of_account.assign(opp.opportunity_id.size(), 0);
    if (opp.account_id.empty() || opp.closed_ts.empty()) return;
    std::vector<dense_id> first;  // by account: row of its earliest won deal
    for (std::size_t r = 0; r < opp.opportunity_id.size(); ++r) {
      if (opp.status[r] != deal_status::won || opp.account_id[r] < 0) continue;
      const auto a = static_cast<std::size_t>(opp.account_id[r]);
      if (a >= first.size()) first.resize(a + 1, no_id);
      const dense_id f = first[a];
      if (f < 0 || opp.closed_ts[r] < opp.closed_ts[static_cast<std::size_t>(f)]) first[a] = static_cast<dense_id>(r);
    }
    for (dense_id f : first)
      if (f >= 0) ctx_.first_win_of_account[static_cast<std::size_t>(f)] = 1;
  }

  void fill_marketing(const evaluate_options& opts) {
    if (opts.marketing_sources.empty())
      throw std::invalid_argument("salesmetrics::evaluate: marketing_sourced_share needs evaluate_options::marketing_sources "
                                  "(the lead sources that count as marketing)");
    if (data_.dictionaries == nullptr)
      throw std::invalid_argument("salesmetrics::evaluate: marketing_sources are names; the data has no sources dictionary");
    const dictionary& d = data_.dictionaries->sources;
    ctx_.marketing_source.assign(d.size(), false);
    for (const auto& s : opts.marketing_sources)
      if (auto id = d.find(s)) ctx_.marketing_source[static_cast<std::size_t>(*id)] = true;
  }

  template <std::size_t... I>
  void bind(const key_type& key, std::index_sequence<I...>) {
    (bind_one(std::get<I>(key.parts), std::get<I>(bound_)), ...);
    std::uint64_t stride = 1;
    double product = 1;
    for (std::size_t k = arity; k-- > 0;) {
      stride_[k] = stride;
      const std::uint64_t c = cardinality_at(k);
      product *= static_cast<double>(c);
      stride *= c;
    }
    cardinality_ = stride;
    std::size_t rows = 0;
    []<std::size_t... J>(std::index_sequence<J...>, std::size_t& r, const crm_view& d) {
      ((r += leaf<J>::table::of(d).size()), ...);
    }(std::make_index_sequence<leaf_count>{}, rows, data_);
    // Dense slots cost cardinality x (state + touched flag) bytes per thread whether used or not;
    // take them when that stays small and the key space is not far larger than the data.
    const double bytes = product * static_cast<double>(sizeof(work_type) + 1);
    dense_ = bytes <= dense_byte_limit && product <= 4.0 * static_cast<double>(rows) + 65536.0;
    if (product > 1.8e19) throw std::length_error("salesmetrics::evaluate: the group key space exceeds 64 bits");
  }

  [[nodiscard]] std::uint64_t cardinality_at(std::size_t k) const {
    std::uint64_t c = 0;
    std::size_t i = 0;
    std::apply([&](const auto&... b) { ((c = (i++ == k ? b.cardinality() : c)), ...); }, bound_);
    return c;
  }

  template <class K, class B>
  void bind_one(const K&, B& b) {
    b.names = dictionary_of<K>(data_);
    std::uint64_t n = b.names != nullptr ? b.names->size() : 0;
    // Ids beyond the dictionary (or without one): size the key space from the data itself.
    []<std::size_t... I>(std::index_sequence<I...>, const crm_view& d, const eval_context& c, std::uint64_t& n) {
      ((first_leaf_of_table<I>() ? scan_ids<K, typename leaf<I>::table>(d, c, n) : void()), ...);
    }(std::make_index_sequence<leaf_count>{}, data_, ctx_, n);
    b.n = n;
  }
  template <class K, class T>
  static void scan_ids(const crm_view& d, const eval_context& c, std::uint64_t& n) {
    if constexpr (requires(const typename T::view_type& v) { id_reader<K, T>::read(c, v, 0); }) {
      if (d.dictionaries != nullptr && dictionary_of<K>(d) != nullptr && !dictionary_of<K>(d)->empty()) return;
      const auto& v = T::of(d);
      for (std::size_t i = 0; i < v.size(); ++i) {
        const dense_id id = id_reader<K, T>::read(c, v, i);
        if (id >= 0) n = std::max(n, static_cast<std::uint64_t>(id) + 1);
      }
    }
  }
  void bind_one(const group::everything_key&, bound<group::everything_key>&) {}
  void bind_one(const group::attribute_key& k, bound<group::attribute_key>& b) {
    b.column = k.column;
    if (auto a = data_.opportunities.attribute(k.column); a && a->categorical()) b.opportunity_attr = *a;
    if (auto a = data_.leads.attribute(k.column); a && a->categorical()) b.lead_attr = *a;
    if (b.opportunity_attr.labels == nullptr && b.lead_attr.labels == nullptr)
      throw std::invalid_argument("salesmetrics::evaluate: no categorical attribute column '" + k.column +
                                  "' in the opportunities or leads table");
    b.n = std::max(b.opportunity_attr.labels ? b.opportunity_attr.labels->size() : 0,
                   b.lead_attr.labels ? b.lead_attr.labels->size() : 0);
  }
  void bind_one(const group::period_key& k, bound<group::period_key>& b) {
    b.calendar = k.calendar;
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
    const bool bounded = ctx_.window.from != time_window{}.from && ctx_.window.to != time_window{}.to;
    bool scan_all = !bounded;
    []<std::size_t... I>(std::index_sequence<I...>, bool& s) {
      ((s = s || anchor_ignores_window<anchor_of_t<leaf<I>>>), ...);
    }(std::make_index_sequence<leaf_count>{}, scan_all);
    if (bounded) {
      lo = k.calendar.index(ctx_.window.from);
      hi = k.calendar.index(ctx_.window.to - seconds{1});
    }
    if (scan_all) {
      []<std::size_t... I>(std::index_sequence<I...>, const crm_view& d, const eval_context& c, const calendar_period& cal,
                          std::int64_t& lo, std::int64_t& hi) {
        ((first_leaf_of_source<I>() ? scan_periods<leaf<I>>(d, c, cal, lo, hi) : void()), ...);
      }(std::make_index_sequence<leaf_count>{}, data_, ctx_, k.calendar, lo, hi);
    }
    b.first = lo <= hi ? lo : 0;
    b.n = lo <= hi ? static_cast<std::uint64_t>(hi - lo + 1) : 0;
    b.tabulate();
  }
  /// Period indices are monotonic in time, so the range comes from the earliest and latest
  /// instants: one min/max pass per source, no calendar arithmetic per row. The range may be
  /// wider than the rows that count: it takes every present instant (clamped to the window),
  /// also of rows outside the window or that no row filter selects. Their periods get slots but
  /// no row, so they list no group; in exchange the pass is two 64-bit reductions that
  /// vectorise (Q4 at 10M: 0.277 ms testing the window and the filters per row, 0.242 without).
  template <class L>
  static void scan_periods(const crm_view& d, const eval_context& c, const calendar_period& cal, std::int64_t& lo, std::int64_t& hi) {
    using A = anchor_of_t<L>;
    const auto v = L::table::of(d);  // a local copy: its column pointers stay in registers
    // Instants as offsets from the smallest int64, which keeps their order and makes no_time 0:
    // the minimum over offset - 1 then skips it (0 - 1 wraps to the largest value).
    constexpr std::uint64_t sign = std::uint64_t{1} << 63;
    std::uint64_t low = std::numeric_limits<std::uint64_t>::max(), high = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::uint64_t x = static_cast<std::uint64_t>(to_unix(A::of(v, i))) ^ sign;
      low = std::min(low, x - 1);
      high = std::max(high, x);
    }
    if (high == 0) return;  // no instant present
    std::int64_t first = static_cast<std::int64_t>((low + 1) ^ sign), last = static_cast<std::int64_t>(high ^ sign);
    if constexpr (!anchor_ignores_window<A>) {
      first = std::max(first, to_unix(c.window.from));
      last = std::min(last, to_unix(c.window.to) - 1);
      if (first > last) return;
    }
    lo = std::min(lo, cal.index(from_unix(first)));
    hi = std::max(hi, cal.index(from_unix(last)));
  }

  // ---- the fused pass -----------------------------------------------------------------------

  template <class T>
  [[nodiscard]] static std::uint64_t code_of(const std::tuple<bound<Ks>...>& key, const std::array<std::uint64_t, arity>& stride,
                                             const eval_context& ctx, const typename T::view_type& v, std::size_t i,
                                             timestamp t) noexcept {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      // The last key's stride is 1: the only (or innermost) key's code is not multiplied
      // (Q1 at 10M: 31.5 -> 30.5 ms).
      return (((I + 1 == sizeof...(I)) ? std::get<I>(key).template code<T>(ctx, v, i, t)
                                       : std::get<I>(key).template code<T>(ctx, v, i, t) * stride[I]) + ...);
    }(std::index_sequence_for<Ks...>{});
  }

  /// Leaves of table T with anchor A, as indices into the leaf list.
  template <class T, class A>
  static constexpr auto leaves_of() {
    constexpr std::size_t count = []<std::size_t... I>(std::index_sequence<I...>) {
      return ((std::is_same_v<typename leaf<I>::table, T> && std::is_same_v<anchor_of_t<leaf<I>>, A> ? 1u : 0u) + ... + 0u);
    }(std::make_index_sequence<leaf_count>{});
    std::array<std::size_t, count> out{};
    std::size_t n = 0;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((std::is_same_v<typename leaf<I>::table, T> && std::is_same_v<anchor_of_t<leaf<I>>, A> ? (void)(out[n++] = I) : (void)0), ...);
    }(std::make_index_sequence<leaf_count>{});
    return out;
  }

  /// Whether every leaf of table T with anchor A has a row filter (metric.hpp, `selects`): its pass
  /// then tests them before computing the key, and skips the rows none of them selects.
  template <class T, class A, std::size_t... L>
  static constexpr bool all_filter_rows(std::index_sequence<L...>) {
    constexpr auto idx = leaves_of<T, A>();
    return (SelectiveLeaf<leaf<idx[L]>> && ...);
  }
  template <class T, class A>
  static constexpr bool source_filters_rows = all_filter_rows<T, A>(std::make_index_sequence<leaves_of<T, A>().size()>{});

  template <class T, class A, std::size_t... L>
  [[nodiscard]] static bool any_selects(const typename T::view_type& v, std::size_t i, const eval_context& ctx, std::index_sequence<L...>) noexcept {
    constexpr auto idx = leaves_of<T, A>();
    // `|`, not `||`: the filters are cheap and pure, and one test of the combined condition
    // replaces a branch per leaf (Q4, three leaves that select the same open deals: 0.33 ->
    // 0.31 ms at 10M).
    return (static_cast<bool>(leaf<idx[L]>::selects(v, i, ctx)) | ...);
  }
  /// Whether a leaf of table T with anchor A selects row i (always, unless they all filter rows).
  template <class T, class A>
  [[nodiscard]] static bool selected(const typename T::view_type& v, std::size_t i, const eval_context& ctx) noexcept {
    if constexpr (!source_filters_rows<T, A>) return true;
    else return any_selects<T, A>(v, i, ctx, std::make_index_sequence<leaves_of<T, A>().size()>{});
  }

  /// Distinct anchors of table T's leaves, as a tuple of anchor types.
  template <class T>
  static constexpr auto anchors_of() {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      auto all = boost::hana::make_tuple(boost::hana::type_c<std::conditional_t<std::is_same_v<typename leaf<I>::table, T>,
                                                                                 anchor_of_t<leaf<I>>, void>>...);
      return boost::hana::fold_left(all, boost::hana::tuple_t<>, [](auto acc, auto a) {
        if constexpr (std::is_same_v<typename decltype(a)::type, void> || decltype(boost::hana::contains(acc, a))::value) return acc;
        else return boost::hana::append(acc, a);
      });
    }(std::make_index_sequence<leaf_count>{});
  }

  struct chunk_state {
    // Arrays by slot on large_vector: read at random, they gain from huge pages (large_array_allocator.hpp).
    large_vector<work_type> states;      // working states (hot_state.hpp), by slot
    large_vector<std::uint8_t> touched;  // dense: group reached by a row
    std::vector<std::uint64_t> codes;    // hashed: code of each slot
    slot_hash hash;
    large_vector<state_type> spilled;    // by slot: the hot states folded so far (only passes longer than their capacity)
    std::uint64_t absorbed = 0;         // rows since the last spill
  };

  /// Folds every slot's hot states into its spilled state (working_states::spill).
  void spill(chunk_state& cs) const {
    if (cs.spilled.size() < cs.states.size()) cs.spilled.resize(cs.states.size());
    for (std::size_t s = 0; s < cs.states.size(); ++s)
      if (!dense_ || cs.touched[s]) working::spill(cs.spilled[s], cs.states[s]);
    cs.absorbed = 0;
  }
  /// Slot s's full state: its spilled state (if any) plus its working state.
  [[nodiscard]] static state_type slot_state(chunk_state& cs, std::size_t s) {
    return working::take(cs.states[s], s < cs.spilled.size() ? &cs.spilled[s] : nullptr);
  }

 public:
  // ---- accumulation in pieces (sets whose leaves all read activities by their ts) -------------
  // A pass that produces a row annotation as it goes (relationship/reply_evaluation.hpp pairs
  // replies block by block) feeds the rows to the engine block by block instead of through
  // evaluate: start() gives empty states whose metrics see `seen_as` as ctx.data (e.g. an
  // annotated view of the same tables), accumulate_activity_rows() adds the rows of [begin,
  // end) that the window keeps and `owner` does not skip, take() returns the partial. Several
  // accumulations over disjoint rows merge like the chunks of par(n).
  static constexpr bool accumulates_activity_rows() {
    return one_source && std::is_same_v<typename leaf<0>::table, activities_table> && std::is_same_v<anchor_of_t<leaf<0>>, anchor::activity_time>;
  }
  /// The row test of an ordinary pass: every row is the pass's.
  struct every_row {
    static constexpr bool skips = false;
    static constexpr bool skip(std::size_t) noexcept { return false; }
  };
  class accumulation {
    friend class engine;
    chunk_state cs_;
    eval_context ctx_;
  };
  [[nodiscard]] accumulation start(const crm_view& seen_as) const {
    static_assert(accumulates_activity_rows(), "salesmetrics: accumulating rows in pieces needs a metric set whose leaves all read activities");
    accumulation a;
    a.cs_ = empty_chunk_state();
    a.ctx_ = ctx_;
    a.ctx_.data = &seen_as;
    return a;
  }
  /// Adds rows [begin, end), but those `owner.skip(i)` (and static `skips`, as in every_row)
  /// leaves to another accumulation.
  template <class Owner>
  void accumulate_activity_rows(accumulation& a, std::size_t begin, std::size_t end, const Owner& owner) const {
    accumulate_rows(a, row_range{begin, end}, owner);
  }
  /// Fetches activity row i's key columns into the cache, for a caller that will add rows it
  /// visits at random (accumulate_activity_rows with a list): the deferred e-mails of a parallel
  /// reply sweep.
  void prefetch_activity_keys([[maybe_unused]] std::size_t i) const noexcept {
#if defined(__GNUC__)
    const activity_view& v = data_.activities;
    auto fetch = [&]<class K>(std::type_identity<K>) {
      if constexpr (requires { id_reader<K, activities_table>::column(v); })
        if (const dense_id* c = id_reader<K, activities_table>::column(v); c != nullptr) __builtin_prefetch(c + i);
    };
    (fetch(std::type_identity<Ks>{}), ...);
#endif
  }
  /// Adds the listed rows (any order).
  void accumulate_activity_rows(accumulation& a, std::span<const std::uint32_t> rows) const {
    accumulate_rows(a, row_list{rows.data(), rows.size()}, every_row{});
  }
  /// Makes the groups of rows [begin, end) that the window keeps and `owner` does not skip, and
  /// updates no state: the ordinary pass with no leaf. For a caller that knows which rows change
  /// a state (a reply sweep and the e-mails it paired): touching the range and adding the listed
  /// rows gives the partial that adding the range gives, at the cost of a key per row instead
  /// of every leaf's update.
  template <class Owner>
  void touch_activity_rows(accumulation& a, std::size_t begin, std::size_t end, const Owner& owner) const {
    accumulate_rows<false>(a, row_range{begin, end}, owner);
  }
  [[nodiscard]] partial take(accumulation& a) const { return to_partial(a.cs_); }

 private:
  /// The rows a pass visits: a range, or a list.
  struct row_range {
    std::size_t begin, end;
    [[nodiscard]] std::size_t size() const noexcept { return end - begin; }
    [[nodiscard]] std::size_t operator[](std::size_t j) const noexcept { return begin + j; }
  };
  struct row_list {
    const std::uint32_t* rows;
    std::size_t count;
    [[nodiscard]] std::size_t size() const noexcept { return count; }
    [[nodiscard]] std::size_t operator[](std::size_t j) const noexcept { return rows[j]; }
  };
  /// Update = false: no leaf is updated, the rows only make their groups (touch_activity_rows).
  template <bool Update = true, class Rows, class Owner>
  void accumulate_rows(accumulation& a, const Rows& rows, const Owner& owner) const {
    using A = anchor::activity_time;
    const activity_view& v = data_.activities;
    constexpr std::size_t updated = Update ? leaves_of<activities_table, A>().size() : 0;
    constexpr auto leaves = std::make_index_sequence<updated>{};
    const bool windowed = a.ctx_.window.from != time_window{}.from || a.ctx_.window.to != time_window{}.to;
    if (dense_ && windowed) update_rows<activities_table, A, true, true>(a.cs_, a.ctx_, v, rows, owner, leaves);
    else if (dense_) update_rows<activities_table, A, true, false>(a.cs_, a.ctx_, v, rows, owner, leaves);
    else if (windowed) update_rows<activities_table, A, false, true>(a.cs_, a.ctx_, v, rows, owner, leaves);
    else update_rows<activities_table, A, false, false>(a.cs_, a.ctx_, v, rows, owner, leaves);
  }

  // The hot loop. Everything it reads besides the columns is copied into locals first: a store
  // to an int64 state may alias any int64/uint64 the compiler cannot see is private (span sizes,
  // window bounds, key sizes), which would force reloading them on every row. `skip` leaves out
  // rows another pass owns (accumulate_activity_rows); `ctx` is what the metrics see.
  // Activities without a status column (every row completed) get a loop of their own, in which
  // the local view's status is a constant empty span: each leaf's completed() test then folds
  // away instead of testing the column on every row (Q1 at 10M, 1 thread: 30.5 -> 26.0 ms). The
  // flag is a template argument: a view cleared by the caller and passed by reference did not
  // fold. The partitioned block pass has no such copy: it waits on rows gathered at random, and
  // with one Q2 showed no difference (10M, alternated runs in both orders: within 3 %).
  template <class T, class A, bool Dense, bool Windowed, class Rows, class Skip, std::size_t... L>
  void update_rows(chunk_state& cs, const eval_context& ctx, const typename T::view_type& view, const Rows& rows, const Skip& skip,
                   std::index_sequence<L...> leaves) const {
    if constexpr (std::is_same_v<T, activities_table>)
      if (view.status.empty()) return update_rows_of<T, A, Dense, Windowed, true>(cs, ctx, view, rows, skip, leaves);
    update_rows_of<T, A, Dense, Windowed, false>(cs, ctx, view, rows, skip, leaves);
  }
  template <class T, class A, bool Dense, bool Windowed, bool NoStatus, class Rows, class Skip, std::size_t... L>
  void update_rows_of(chunk_state& cs, const eval_context& ctx, const typename T::view_type& view, const Rows& rows, const Skip& skip,
                      std::index_sequence<L...>) const {
    [[maybe_unused]] constexpr auto idx = leaves_of<T, A>();  // (no leaf: touch_activity_rows)
    typename T::view_type v = view;
    if constexpr (NoStatus) v.status = {};
    const time_window window = ctx.window;
    const std::tuple<bound<Ks>...> key = bound_;
    const std::array<std::uint64_t, arity> stride = stride_;
    work_type* const states = Dense ? cs.states.data() : nullptr;
    std::uint8_t* const touched = Dense ? cs.touched.data() : nullptr;
    const Rows r = rows;
    // Pieces of at most the hot states' capacity (one piece unless a hot state could overflow).
    for (std::size_t j0 = 0; j0 < r.size();) {
      std::size_t j1 = r.size();
      if constexpr (working::capacity < unlimited_rows && sizeof...(L) > 0) {  // (no leaf: nothing absorbed)
        if (cs.absorbed == working::capacity) spill(cs);
        j1 = j0 + static_cast<std::size_t>(std::min<std::uint64_t>(r.size() - j0, working::capacity - cs.absorbed));
        cs.absorbed += j1 - j0;
      }
      for (std::size_t j = j0; j < j1; ++j) {
        const std::size_t i = r[j];
        if constexpr (Skip::skips)
          if (skip.skip(i)) continue;
        const timestamp t = A::of(v, i);
        if constexpr (Windowed && !anchor_ignores_window<A>)
          if (!window.contains(t)) continue;
        if (!selected<T, A>(v, i, ctx)) continue;
        const std::uint64_t code = code_of<T>(key, stride, ctx, v, i, t);
        [[maybe_unused]] work_type* st;
        if constexpr (Dense) {
          touched[code] = 1;
          st = states + code;
        } else {
          bool inserted = false;
          const std::size_t slot = cs.hash.find_or_insert(code, static_cast<std::uint32_t>(cs.states.size()), inserted);
          if (inserted) {
            cs.states.emplace_back();
            cs.codes.push_back(code);
          }
          st = &cs.states[slot];
        }
        (leaf<idx[L]>::update(std::get<idx[L]>(*st), v, i, ctx), ...);
      }
      j0 = j1;
    }
  }

  // ---- the partitioned path: key spaces too large for dense slots, one table and anchor ------
  // The codes are cut into blocks of 2^block_bits consecutive codes whose dense slots fit in
  // cache. The rows are counted per block and scattered block by block (a counting sort) with
  // their code within the block, then each block's rows update its dense slots and the block's
  // few touched slots, sorted, become its groups: no hashing, groups already in code order, and
  // threads that take disjoint blocks produce disjoint groups that are simply concatenated.
  // Costs 8 bytes per row kept plus 4 bytes per block and thread. The scatter keeps the code
  // because recomputing it read the key columns at random: it was 71 % of the block pass (Q2 at
  // 100M, 1 thread: blocks 320 -> 159 ms). The width balances the two arrays read at random:
  // the per-block row counts (the count and scatter passes) and a block's slots (the block
  // pass). A key space of 2^s codes gets blocks of 2^b with b at least the cache-sized width and
  // about (s + 2 - log2 state bytes) / 2 (rep x contact at 100M activities: 20,000 x 2,000,001
  // codes in blocks of 2^16; Q2 357 -> 303 ms against 2^14), and at most 2^22 blocks; a width
  // over 16 times the cache-sized one takes the hash instead.
  static constexpr bool one_source = []<std::size_t... I>(std::index_sequence<I...>) {
    return ((std::is_same_v<typename leaf<I>::table, typename leaf<0>::table> &&
             std::is_same_v<anchor_of_t<leaf<I>>, anchor_of_t<leaf<0>>>) && ...);
  }(std::make_index_sequence<leaf_count>{});
  static constexpr unsigned cache_block_bits =
      std::clamp(static_cast<unsigned>(std::bit_width((std::size_t{1} << 20) / sizeof(work_type))) - 1u, 8u, 18u);
  static constexpr unsigned max_block_count_bits = 22;
  static constexpr std::size_t groups_per_thread = 16384;  // results and labels: below this a thread costs more than it saves
  /// Threads for a pass over n groups: one per groups_per_thread, at least 1, at most `threads`.
  [[nodiscard]] static unsigned threads_for_groups(std::size_t n, unsigned threads) noexcept {
    return static_cast<unsigned>(std::clamp<std::size_t>(n / groups_per_thread, 1, std::max(1u, threads)));
  }
  /// The block width for this key space: cache-sized, or wider to balance the per-block counts
  /// against the slots, and so that there are at most 2^22 blocks.
  [[nodiscard]] unsigned block_bits() const noexcept {
    const auto space_bits = static_cast<unsigned>(std::bit_width(cardinality_ - 1));
    constexpr auto state_bits = static_cast<unsigned>(std::bit_width(sizeof(work_type)) - 1);
    const unsigned balanced = space_bits + 2 > state_bits ? (space_bits + 2 - state_bits) / 2 : 0u;
    return std::max({cache_block_bits, balanced, space_bits > max_block_count_bits ? space_bits - max_block_count_bits : 0u});
  }

  [[nodiscard]] bool partitions_fit() const noexcept {
    const std::size_t rows = leaf<0>::table::of(data_).size();
    return rows <= std::numeric_limits<std::uint32_t>::max() && block_bits() <= cache_block_bits + 4;
  }

  partial run_partitioned(unsigned threads) const {
    std::vector<partial> parts;
    partition_pass(threads, parts, [&](partial& p, std::size_t groups_at_most) {
      p.keys.reserve(groups_at_most);
      p.states.reserve(groups_at_most);
    }, [&](partial& p, std::uint64_t code, state_type& st) {
      p.keys.push_back(key_of(code));
      p.states.push_back(std::move(st));
    });
    for (std::size_t t = 1; t < parts.size(); ++t) {  // disjoint blocks, in order: concatenate
      parts[0].keys.insert(parts[0].keys.end(), parts[t].keys.begin(), parts[t].keys.end());
      parts[0].states.insert(parts[0].states.end(), std::make_move_iterator(parts[t].states.begin()),
                             std::make_move_iterator(parts[t].states.end()));
      parts[t] = partial{};  // freed as soon as appended
    }
    return std::move(parts[0]);
  }

  /// The partitioned pass: `out` gets one collector per thread; each receives the groups of its
  /// blocks in code order, `add(collector, code, state)`, after `reserve(collector, bound)`.
  /// Thread 0's collector is told every thread's bound: it is the one the others are appended
  /// to, and its room (address space only: untouched pages take no memory) spares a
  /// reallocation that would hold old and new copies at once.
  template <class Collector, class Reserve, class Add>
  void partition_pass(unsigned threads, std::vector<Collector>& out, Reserve&& reserve, Add&& add) const {
    using T = typename leaf<0>::table;
    using A = anchor_of_t<leaf<0>>;
    const typename T::view_type v = T::of(data_);
    const auto [first, last] = std::is_same_v<A, anchor::activity_time> ? activity_rows_ : std::pair<std::size_t, std::size_t>{0, v.size()};
    const std::size_t n = last - first;
    const unsigned block_bits = this->block_bits();
    const auto blocks = static_cast<std::size_t>(((cardinality_ - 1) >> block_bits) + 1);
    const bool windowed = ctx_.window.from != time_window{}.from || ctx_.window.to != time_window{}.to || may_be_missing<A>();
    threads = static_cast<unsigned>(std::clamp<std::size_t>(n, 1, threads));
    // f(row, code) for the rows of [b, e) the window keeps.
    auto each_row = [&](std::size_t b, std::size_t e, auto&& f) {
      const time_window window = ctx_.window;
      const std::tuple<bound<Ks>...> key = bound_;
      const std::array<std::uint64_t, arity> stride = stride_;
      for (std::size_t i = b; i < e; ++i) {
        const timestamp t = A::of(v, i);
        if constexpr (!anchor_ignores_window<A>)
          if (windowed && !window.contains(t)) continue;
        if (!selected<T, A>(v, i, ctx_)) continue;
        f(i, code_of<T>(key, stride, ctx_, v, i, t));
      }
    };
    auto chunk = [&](unsigned t) { return first + n * t / threads; };
    // 1. rows per block, per thread; 2. offsets (block-major, then thread: rows keep their order)
    std::vector<large_vector<std::uint32_t>> at(threads, large_vector<std::uint32_t>(blocks + 1, 0));
    salesmetrics::detail::run_on_threads(threads, [&](unsigned t) {
      std::uint32_t* const c = at[t].data();
      each_row(chunk(t), chunk(t + 1), [c, block_bits](std::size_t, std::uint64_t code) { ++c[code >> block_bits]; });
    });
    large_vector<std::uint32_t> block_start(blocks + 1, 0);
    std::uint32_t total = 0;
    for (std::size_t k = 0; k < blocks; ++k) {
      block_start[k] = total;
      for (unsigned t = 0; t < threads; ++t) {
        const std::uint32_t c = at[t][k];
        at[t][k] = total;
        total += c;
      }
    }
    block_start[blocks] = total;
    // 3. scatter the rows: index and code within the block
    struct row_in_block {
      std::uint32_t row, local;  // local: the code within its block
    };
    large_vector<row_in_block> rows(total);
    salesmetrics::detail::run_on_threads(threads, [&](unsigned t) {
      std::uint32_t* const pos = at[t].data();
      row_in_block* const out = rows.data();
      const std::uint64_t local_mask = (std::uint64_t{1} << block_bits) - 1;
      each_row(chunk(t), chunk(t + 1), [pos, out, block_bits, local_mask](std::size_t i, std::uint64_t code) {
        out[pos[code >> block_bits]++] = {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(code & local_mask)};
      });
    });
    at.clear();
    // 4. blocks, split between threads by rows: dense slots per block, groups in code order
    std::vector<std::size_t> first_block(threads + 1, blocks);
    for (unsigned t = 0, k = 0; t < threads; ++t) {
      const std::uint64_t target = std::uint64_t{total} * t / threads;
      while (k < blocks && block_start[k] < target) ++k;
      first_block[t] = t == 0 ? 0 : k;
    }
    out.resize(threads);
    salesmetrics::detail::run_on_threads(threads, [&](unsigned t) {
      large_vector<work_type> slots;  // grown to the largest slot used (small inputs stay small)
      std::vector<std::uint8_t> seen;
      std::vector<std::uint32_t> touched;
      large_vector<state_type> spilled;  // by slot, for blocks of more rows than the hot states' capacity
      Collector& p = out[t];
      reserve(p, t == 0 ? total : block_start[first_block[t + 1]] - block_start[first_block[t]]);  // groups <= rows
      for (std::size_t k = first_block[t]; k < first_block[t + 1]; ++k) {
        const std::uint32_t block_end = block_start[k + 1];
        bool block_spilled = false;
        for (std::uint32_t r0 = block_start[k]; r0 < block_end;) {
          const auto r1 = static_cast<std::uint32_t>(r0 + std::min<std::uint64_t>(block_end - r0, working::capacity));
          if (r0 != block_start[k]) {  // the hot states are full: fold them
            if (spilled.size() < slots.size()) spilled.resize(slots.size());
            for (std::uint32_t local : touched) working::spill(spilled[local], slots[local]);
            block_spilled = true;
          }
          for (std::uint32_t r = r0; r < r1; ++r) {
            const std::size_t i = rows[r].row;
            const std::uint32_t local = rows[r].local;
            if (local >= seen.size()) {
              seen.resize(std::bit_ceil(std::size_t{local} + 1), 0);
              slots.resize(seen.size());
            }
            if (!seen[local]) {
              seen[local] = 1;
              touched.push_back(local);
              slots[local] = work_type{};
            }
            work_type& st = slots[local];
            [&]<std::size_t... L>(std::index_sequence<L...>) {
              (leaf<L>::update(std::get<L>(st), v, i, ctx_), ...);
            }(std::make_index_sequence<leaf_count>{});
          }
          r0 = r1;
        }
        std::sort(touched.begin(), touched.end());
        for (std::uint32_t local : touched) {
          state_type* const folded = block_spilled && local < spilled.size() ? &spilled[local] : nullptr;
          state_type st = working::take(slots[local], folded);
          if (folded != nullptr) *folded = state_type{};  // the next block's identity
          add(p, (static_cast<std::uint64_t>(k) << block_bits) | local, st);
          seen[local] = 0;
        }
        touched.clear();
      }
    });
  }

  /// evaluate() on the partitioned path: each block's groups go straight to result rows (key
  /// and requested results), never into a partial of every group's states (at Q2's 170,000
  /// groups of 144 bytes, 24 MB that the results then sat next to).
  template <class... Requested>
  result_table<Requested...> table_partitioned(unsigned threads) const {
    // Keys and metric columns are not zero-filled when grown: the threads' copies below are
    // their first write (Q2 at 100M on 2 threads: this concatenation 18.6 -> 12-14 ms).
    using key_vector = output_vector<typename partial::key_type>;
    struct rows_of_thread {
      key_vector keys;
      result_table<Requested...> table;
      typename Set::group_results results{};  // one group's, computed in place
    };
    std::vector<rows_of_thread> parts;
    partition_pass(threads, parts, [](rows_of_thread& r, std::size_t groups_at_most) {
      r.keys.reserve(groups_at_most);
      r.table.reserve(groups_at_most);
    }, [&](rows_of_thread& r, std::uint64_t code, state_type& st) {
      compute_results(st, r.results, std::make_index_sequence<Set::all::size>{});
      r.keys.push_back(key_of(code));
      r.table.template append_row<typename Set::group_results, Set>(r.results);
    });
    // Disjoint blocks, in order: the threads' rows are concatenated after thread 0's, every thread
    // copying an equal share of them (one thread copying them all was 24 of Q2's 260 ms at 100M).
    std::vector<std::size_t> at(parts.size() + 1, 0);  // first row of each thread's rows in the result
    for (std::size_t t = 0; t < parts.size(); ++t) at[t + 1] = at[t] + parts[t].keys.size();
    result_table<Requested...> out = std::move(parts[0].table);
    key_vector keys = std::move(parts[0].keys);
    const std::size_t copied = at.back() - at[1];
    if (copied > 0) {
      keys.resize(at.back());
      out.grow(at.back());
      salesmetrics::detail::run_on_threads(threads, [&](unsigned t) {
        const std::size_t begin = at[1] + copied * t / threads, end = at[1] + copied * (t + 1) / threads;
        for (std::size_t q = 1; q < parts.size(); ++q) {  // the pieces of [begin, end) in thread q's rows
          const std::size_t from = std::max(begin, at[q]), to = std::min(end, at[q + 1]);
          if (from >= to) continue;
          std::copy(parts[q].keys.begin() + static_cast<std::ptrdiff_t>(from - at[q]),
                    parts[q].keys.begin() + static_cast<std::ptrdiff_t>(to - at[q]), keys.begin() + static_cast<std::ptrdiff_t>(from));
          out.copy_rows(from, parts[q].table, from - at[q], to - at[q]);
        }
      });
    }
    parts.clear();
    label_rows(keys, out, threads);
    return out;
  }

  /// Anchors whose instant is a required column are never missing.
  template <class A>
  static constexpr bool may_be_missing() {
    return !std::is_same_v<A, anchor::activity_time> && !std::is_same_v<A, anchor::history_time> &&
           !std::is_same_v<A, anchor::lead_created> && !std::is_same_v<A, anchor::created>;
  }

  template <class T>
  void run_table(chunk_state& cs, unsigned chunk, unsigned chunks) const {
    if constexpr (reads_table<T>()) {
      const auto& v = T::of(data_);
      boost::hana::for_each(anchors_of<T>(), [&](auto a) {
        using A = typename decltype(a)::type;
        // Rows placed by activities.ts read only the window's rows when those are in ts order.
        const auto [first, last] = std::is_same_v<A, anchor::activity_time> ? activity_rows_ : std::pair<std::size_t, std::size_t>{0, v.size()};
        const std::size_t n = last - first;
        const std::size_t begin = first + n * chunk / chunks, end = first + n * (chunk + 1) / chunks;
        constexpr auto leaves = std::make_index_sequence<leaves_of<T, A>().size()>{};
        // An unbounded window only has to reject missing instants (no_time), which it does not
        // contain; anchors that are never missing skip the test entirely.
        const bool windowed = ctx_.window.from != time_window{}.from || ctx_.window.to != time_window{}.to || may_be_missing<A>();
        if (dense_ && windowed) update_rows<T, A, true, true>(cs, ctx_, v, row_range{begin, end}, every_row{}, leaves);
        else if (dense_) update_rows<T, A, true, false>(cs, ctx_, v, row_range{begin, end}, every_row{}, leaves);
        else if (windowed) update_rows<T, A, false, true>(cs, ctx_, v, row_range{begin, end}, every_row{}, leaves);
        else update_rows<T, A, false, false>(cs, ctx_, v, row_range{begin, end}, every_row{}, leaves);
      });
    }
  }

  [[nodiscard]] chunk_state empty_chunk_state() const {
    chunk_state cs;
    if (dense_) {
      cs.states.assign(static_cast<std::size_t>(cardinality_), work_type{});
      cs.touched.assign(static_cast<std::size_t>(cardinality_), 0);
    }
    return cs;
  }

  partial run_chunk(unsigned chunk, unsigned chunks) const {
    chunk_state cs = empty_chunk_state();
    run_table<activities_table>(cs, chunk, chunks);
    run_table<opportunities_table>(cs, chunk, chunks);
    run_table<stage_history_table>(cs, chunk, chunks);
    run_table<leads_table>(cs, chunk, chunks);
    return to_partial(cs);
  }

  /// The groups a chunk's rows reached, in key order, with their states.
  partial to_partial(chunk_state& cs) const {
    partial p;
    if (dense_) {
      for (std::size_t c = 0; c < cs.touched.size(); ++c) {
        if (!cs.touched[c]) continue;
        p.keys.push_back(key_of(c));
        p.states.push_back(slot_state(cs, c));
      }
    } else {
      std::vector<std::uint32_t> order(cs.codes.size());
      for (std::uint32_t s = 0; s < order.size(); ++s) order[s] = s;
      std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return cs.codes[a] < cs.codes[b]; });
      p.keys.reserve(order.size());
      p.states.reserve(order.size());
      for (std::uint32_t s : order) {
        p.keys.push_back(key_of(cs.codes[s]));
        p.states.push_back(slot_state(cs, s));
      }
    }
    return p;
  }

  /// The key of a code: component I is (code mod stride[I-1]) / stride[I], outermost first, so
  /// each component but the last costs one division, whose remainder is the rest of the code.
  [[nodiscard]] typename partial::key_type key_of(std::uint64_t code) const {
    typename partial::key_type k{};
    std::uint64_t rest = code;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((k[I] = std::get<I>(bound_).value([&] {
         if constexpr (I + 1 == arity) return rest;  // stride 1
         else {
           const std::uint64_t c = rest / stride_[I];
           rest -= c * stride_[I];
           return c;
         }
       }())),
       ...);
    }(std::index_sequence_for<Ks...>{});
    return k;
  }

  /// The result's key columns: names, values (-1 = none) and labels, one row per key; on up to
  /// `threads` threads (one per groups_per_thread groups).
  template <class... Requested>
  void label_rows(std::span<const typename partial::key_type> keys, result_table<Requested...>& out, unsigned threads) const {
    const std::size_t n = keys.size();
    threads = threads_for_groups(n, threads);
    out.key_names = {std::string(Ks::name)...};
    out.key_values.assign(arity, {});
    for (auto& column : out.key_values) column.resize(n);  // not zero-filled: the threads below write every row
    salesmetrics::detail::run_on_threads(threads, [&](unsigned t) {
      for (std::size_t g = n * t / threads; g < n * (t + 1) / threads; ++g)
        for (std::size_t k = 0; k < arity; ++k) out.key_values[k][g] = keys[g][k] == none_key ? -1 : keys[g][k];
    });
    out.key_labels.resize(arity);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (label_component<I>(keys, out.key_labels[I], threads), ...);
    }(std::index_sequence_for<Ks...>{});
  }

  /// Component I's labels: its distinct values, marked by code, are labelled in code order (one
  /// ordered pass over the dictionary rather than a random read per group); rows index them.
  /// Threads mark and index disjoint groups, and label disjoint code ranges into buffers of their
  /// own, joined in order (Q2 at 100M, 1.7 million groups: the labels were 75 of its 330 ms, on
  /// one thread). A key space far larger than the groups is sorted by value instead of marked.
  template <std::size_t I>
  void label_component(std::span<const typename partial::key_type> keys, key_label_column& labels, unsigned threads) const {
    const auto& b = std::get<I>(bound_);
    const std::size_t n = keys.size();
    labels.index.resize(n);
    labels.chars.clear();
    labels.ends.clear();
    constexpr auto unused = std::numeric_limits<std::uint32_t>::max();
    const std::uint64_t codes = b.cardinality();
    if (codes <= 4 * static_cast<std::uint64_t>(n) + 65536) {
      large_vector<std::uint32_t> slot(static_cast<std::size_t>(codes), unused);
      auto groups_of = [&](unsigned t) { return std::pair{n * t / threads, n * (t + 1) / threads}; };
      auto codes_of = [&](unsigned t) { return std::pair{codes * t / threads, codes * (t + 1) / threads}; };
      // 1. mark the codes in use (atomic_ref: threads may mark one code at once, with the same 0)
      std::atomic<bool> fits = true;  // partials from other shards may hold values this data's key space lacks
      salesmetrics::detail::run_on_threads(threads, [&](unsigned t) {
        for (auto [g, end] = groups_of(t); g < end; ++g) {
          const std::uint64_t c = b.code_of_value(keys[g][I]);
          if (c >= codes) {
            fits = false;
            return;
          }
          std::atomic_ref<std::uint32_t>(slot[static_cast<std::size_t>(c)]).store(0, std::memory_order_relaxed);
        }
      });
      if (fits) {
        // 2. number the marked codes in code order and label them, per code range
        std::vector<std::uint32_t> first_label(threads + 1, 0);
        salesmetrics::detail::run_on_threads(threads, [&](unsigned t) {
          std::uint32_t marked = 0;
          for (auto [c, end] = codes_of(t); c < end; ++c) marked += slot[static_cast<std::size_t>(c)] != unused;
          first_label[t + 1] = marked;
        });
        for (unsigned t = 0; t < threads; ++t) first_label[t + 1] += first_label[t];
        std::vector<key_label_column> part(threads);
        labels.ends.reserve(first_label[threads]);
        salesmetrics::detail::run_on_threads(threads, [&](unsigned t) {
          key_label_column& p = t == 0 ? labels : part[t];  // range 0 labels in place: nothing to join
          if (t != 0) p.ends.reserve(first_label[t + 1] - first_label[t]);
          std::uint32_t next = first_label[t];
          for (auto [c, end] = codes_of(t); c < end; ++c) {
            if (slot[static_cast<std::size_t>(c)] == unused) continue;
            slot[static_cast<std::size_t>(c)] = next++;
            b.append_label(p.chars, b.value(c));
            p.end_label();
          }
        });
        for (unsigned t = 1; t < threads; ++t) {
          const std::size_t base = labels.chars.size();
          labels.chars += part[t].chars;
          for (std::size_t e : part[t].ends) labels.ends.push_back(base + e);
          part[t] = key_label_column{};
        }
        // 3. every row's label
        salesmetrics::detail::run_on_threads(threads, [&](unsigned t) {
          for (auto [g, end] = groups_of(t); g < end; ++g)
            labels.index[g] = slot[static_cast<std::size_t>(b.code_of_value(keys[g][I]))];
        });
        return;
      }
    }
    // Sorted by value (labelled by value, so values outside the key space are labelled too).
    std::vector<std::pair<std::int64_t, std::uint32_t>> by_value(n);
    for (std::size_t g = 0; g < n; ++g) by_value[g] = {keys[g][I], static_cast<std::uint32_t>(g)};
    std::sort(by_value.begin(), by_value.end());
    for (std::size_t j = 0; j < n; ++j) {
      if (j == 0 || by_value[j].first != by_value[j - 1].first) {
        b.append_label(labels.chars, by_value[j].first);
        labels.end_label();
      }
      labels.index[by_value[j].second] = static_cast<std::uint32_t>(labels.ends.size() - 1);
    }
  }

  template <std::size_t... M>
  void compute_results(const state_type& st, typename Set::group_results& r, std::index_sequence<M...>) const {
    (compute_one<M>(st, r), ...);  // in resolution order: dependencies first
  }
  template <std::size_t M>
  void compute_one(const state_type& st, typename Set::group_results& r) const {
    using metric = std::tuple_element_t<M, typename leaf_tuple<typename Set::all>::type>;
    if constexpr (LeafMetric<metric>)
      std::get<M>(r) = metric::result(std::get<index_in<metric, typename Set::leaves>::value>(st), ctx_);
    else
      std::get<M>(r) = metric::result(dependency_results<Set, metric>(r), ctx_);
  }
};

template <class Set, class Key> struct engine_for;
template <class Set, class... Ks> struct engine_for<Set, group::composite<Ks...>> { using type = engine<Set, Ks...>; };

/// Every requested metric is a metric (each failure diagnosed by its own static_assert).
template <class... Metrics>
consteval bool metrics_ok() {
  return (diagnose_metric<Metrics>() & ... & true);
}

template <class Composite, class Table> struct key_fits_table;
template <class... Ks, class Table> struct key_fits_table<group::composite<Ks...>, Table> {
  static constexpr bool value = (key_readable<Ks, Table> && ...);
};
template <class Composite, class Leaves> struct key_fits;
template <class Composite, class... Ls> struct key_fits<Composite, type_list<Ls...>> {
  static constexpr bool value = (key_fits_table<Composite, typename Ls::table>::value && ...);
};
template <class Composite> struct all_key_components;
template <class... Ks> struct all_key_components<group::composite<Ks...>> {
  static constexpr bool value = (GroupKeyComponent<Ks> && ...);
};

/// One diagnostic for a key that some metric's table cannot read; true when evaluation may proceed.
template <class Set, class Composite>
consteval bool keys_ok() {
  constexpr bool components = all_key_components<Composite>::value;
  static_assert(components, "salesmetrics::evaluate: the group key is not a salesmetrics::metrics::group key "
                            "(use group::rep, group::contact, group::period(...), group::by(...), ...)");
  if constexpr (!components) {
    return false;
  } else {
    constexpr bool fits = key_fits<Composite, typename Set::leaves>::value;
    static_assert(fits, "salesmetrics::evaluate: a metric's table cannot be grouped by this key: e.g. opportunities "
                        "have no contact and leads no account; group by a key every metric's table carries "
                        "(see group_by.hpp for which table reads which key)");
    return fits;
  }
}

}  // namespace detail

/// Evaluates Metrics over the data, grouped by `key`, in `opts.window`, with `policy`; returns a
/// result_table<Metrics...>.
template <class... Metrics, class Key, ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] auto evaluate(const crm_view& data, const Key& key, const evaluate_options& opts = {}, const Policy& policy = seq) {
  if constexpr (detail::metrics_ok<Metrics...>()) {
    using set = metric_set<Metrics...>;
    using composite = typename detail::as_composite<Key>::type;
    if constexpr (detail::keys_ok<set, composite>()) {
      typename detail::engine_for<set, composite>::type e(data, detail::as_composite<Key>::make(key), opts);
      return e.template evaluate_table<Metrics...>(policy);
    }
  }
}

/// The partial states of an evaluation, to merge with partials computed elsewhere.
template <class... Metrics, class Key, ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] auto evaluate_partial(const crm_view& data, const Key& key, const evaluate_options& opts = {},
                                    const Policy& policy = seq) {
  if constexpr (detail::metrics_ok<Metrics...>()) {
    using set = metric_set<Metrics...>;
    using composite = typename detail::as_composite<Key>::type;
    if constexpr (detail::keys_ok<set, composite>()) {
      typename detail::engine_for<set, composite>::type e(data, detail::as_composite<Key>::make(key), opts);
      return e.run(policy);
    }
  }
}

/// Turns merged partial states into the result table. `data` and `key` must describe the same key
/// space as the partials' (the same dictionaries and calendar); `data` may hold any shard.
template <class... Metrics, class Key, class Partial, ExecutionPolicy Policy = sequential_policy>
[[nodiscard]] auto finish(const crm_view& data, const Key& key, const Partial& partial, const evaluate_options& opts = {},
                          const Policy& policy = seq) {
  if constexpr (detail::metrics_ok<Metrics...>()) {
    using set = metric_set<Metrics...>;
    using composite = typename detail::as_composite<Key>::type;
    if constexpr (detail::keys_ok<set, composite>()) {
      typename detail::engine_for<set, composite>::type e(data, detail::as_composite<Key>::make(key), opts);
      return e.template finish<Metrics...>(partial, policy);
    }
  }
}

}  // namespace metrics
SALESMETRICS_END_NAMESPACE
