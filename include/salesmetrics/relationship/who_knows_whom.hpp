// salesmetrics/relationship/who_knows_whom.hpp: the most active people on both sides of a record, and who knows each contact best.
//
// Definitions (interactions of the current window, as in interaction_metrics.hpp; weighted = the
// decay-weighted interaction count W_us + W_them of health.hpp, which rewards frequency and recency)
//   top contacts     the record's contacts (activities.contact_id; missing contacts are left out)
//                    ranked by interactions (more first), then later last interaction, then
//                    smaller contact id; the first top_n. For a contact record: the contact itself.
//   top reps         our people (activities.rep_id) on the record, ranked the same way.
//   best reps of a contact   the reps who interacted with that contact on this record, ranked by
//                    weighted interactions (more first), then later last interaction, then more
//                    interactions, then smaller rep id; the first top_n.
// Seller-contact pair records have no lists. Each list is computed with the metric engine: one
// evaluation per key (record x contact, record x rep, record x contact x rep; contact x rep for
// contact records).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/execution.hpp>
#include <salesmetrics/metrics/evaluate.hpp>
#include <salesmetrics/relationship/annotated_view.hpp>
#include <salesmetrics/relationship/decay_policy.hpp>
#include <salesmetrics/relationship/health.hpp>
#include <salesmetrics/relationship/record_key.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

struct person_activity {
  dense_id id = no_id;
  std::string label;
  std::int64_t interactions = 0;
  timestamp last = no_time;
  double weighted = 0;
};

struct contact_relations {
  person_activity contact;
  std::vector<person_activity> best_reps;
};

namespace detail {

[[nodiscard]] inline bool more_active(const person_activity& a, const person_activity& b) noexcept {
  if (a.interactions != b.interactions) return a.interactions > b.interactions;
  if (a.last != b.last) return a.last > b.last;
  return a.id < b.id;
}
[[nodiscard]] inline bool knows_better(const person_activity& a, const person_activity& b) noexcept {
  if (a.weighted != b.weighted) return a.weighted > b.weighted;
  if (a.last != b.last) return a.last > b.last;
  if (a.interactions != b.interactions) return a.interactions > b.interactions;
  return a.id < b.id;
}

/// Sort position of a key value in a result table: ids ascending, "(none)" (-1) last.
[[nodiscard]] constexpr std::int64_t key_order(std::int64_t v) noexcept { return v < 0 ? std::numeric_limits<std::int64_t>::max() : v; }

/// Rows [begin, end) of a result table whose first N key components equal `prefix`.
template <class Table, std::size_t N>
[[nodiscard]] std::pair<std::size_t, std::size_t> block(const Table& t, const std::array<std::int64_t, N>& prefix) {
  auto compare = [&](std::size_t row) {  // <0: row before the block, 0: inside, >0: after
    for (std::size_t k = 0; k < N; ++k) {
      const std::int64_t a = key_order(t.key_values[k][row]), b = key_order(prefix[k]);
      if (a != b) return a < b ? -1 : 1;
    }
    return 0;
  };
  std::size_t lo = 0, hi = t.rows();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (compare(mid) < 0) lo = mid + 1;
    else hi = mid;
  }
  std::size_t end = lo, top = t.rows();
  while (end < top) {
    const std::size_t mid = end + (top - end) / 2;
    if (compare(mid) <= 0) end = mid + 1;
    else top = mid;
  }
  return {lo, end};
}

template <class D, class Table>
[[nodiscard]] person_activity person_at(const Table& t, std::size_t row, std::size_t component) {
  return {static_cast<dense_id>(t.key_values[component][row]), std::string(t.key_labels[component][row]),
          t.template column<interactions<D>>()[row], t.template column<last_interaction<D>>()[row],
          t.template column<weighted_interactions<D>>()[row]};
}

template <class D, class Table, std::size_t N, class Less>
[[nodiscard]] std::vector<person_activity> ranked(const Table& t, const std::array<std::int64_t, N>& prefix, std::size_t top_n,
                                                  Less less) {
  const auto [b, e] = block(t, prefix);
  std::vector<person_activity> people;
  for (std::size_t r = b; r < e; ++r) {
    if (t.key_values[N][r] < 0) continue;  // missing contact
    person_activity p = person_at<D>(t, r, N);
    if (p.interactions > 0) people.push_back(std::move(p));
  }
  const std::size_t n = std::min(top_n, people.size());
  std::partial_sort(people.begin(), people.begin() + static_cast<std::ptrdiff_t>(n), people.end(), less);
  people.resize(n);
  return people;
}

}  // namespace detail

/// The who-knows-whom lists of every record of kind Key (see the definitions above).
template <DecayPolicy D, RecordKey Key>
class who_knows_whom {
  using table = metrics::result_table<interactions<D>, last_interaction<D>, weighted_interactions<D>>;

 public:
  /// Evaluates the people tables over `av`'s current window.
  template <ExecutionPolicy Policy>
  who_knows_whom(const annotated_view& av, const Key& key, std::size_t top_n, const Policy& policy) : top_n_(top_n) {
    if (top_n_ == 0) return;
    namespace group = metrics::group;
    const metrics::evaluate_options eo{av.windows.current, av.windows.as_of, {}, {}};
    constexpr record_kind kind = record_key_traits<Key>::kind;
    if constexpr (kind == record_kind::contact) {
      by_contact_rep_ = people(av, group::by(group::contact, group::rep), eo, policy);
    } else if constexpr (kind != record_kind::rep_contact) {
      by_contact_ = people(av, group::by(key, group::contact), eo, policy);
      by_rep_ = people(av, group::by(key, group::rep), eo, policy);
      by_contact_rep_ = people(av, group::by(key, group::contact, group::rep), eo, policy);
    }
  }

  /// Fills the lists of one record; `self` is the contact record's own activity (contacts only).
  void fill(dense_id record, const person_activity& self, std::vector<contact_relations>& contacts,
            std::vector<person_activity>& reps) const {
    contacts.clear();
    reps.clear();
    if (top_n_ == 0) return;
    constexpr record_kind kind = record_key_traits<Key>::kind;
    if constexpr (kind == record_kind::contact) {
      const std::array<std::int64_t, 1> id{record};
      contacts.push_back({self, detail::ranked<D>(*by_contact_rep_, id, top_n_, detail::knows_better)});
      reps = detail::ranked<D>(*by_contact_rep_, id, top_n_, detail::more_active);
    } else if constexpr (kind != record_kind::rep_contact) {
      const std::array<std::int64_t, 1> id{record};
      for (person_activity& c : detail::ranked<D>(*by_contact_, id, top_n_, detail::more_active)) {
        const std::array<std::int64_t, 2> pair{record, c.id};
        auto best = detail::ranked<D>(*by_contact_rep_, pair, top_n_, detail::knows_better);
        contacts.push_back({std::move(c), std::move(best)});
      }
      reps = detail::ranked<D>(*by_rep_, id, top_n_, detail::more_active);
    }
  }

 private:
  template <class K, class Policy>
  static table people(const annotated_view& av, const K& key, const metrics::evaluate_options& eo, const Policy& policy) {
    return metrics::evaluate<interactions<D>, last_interaction<D>, weighted_interactions<D>>(av, key, eo, policy);
  }

  std::size_t top_n_;
  std::optional<table> by_contact_, by_rep_, by_contact_rep_;
};

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
