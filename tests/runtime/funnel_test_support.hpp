// Test and benchmark support for the funnel module: a seeded RNG (splitmix64 seeding a
// xoshiro256**) and a generator of random stage histories with every oddity the fit handles
// (skips, backward moves, self-moves, reopened deals, missing creation rows, equal timestamps,
// censored open deals).
#pragma once
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/random.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/funnel/history_columns.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

namespace funnel_test {

/// The library's xoshiro256** (core/random.hpp) with the helpers the funnel tests use.
class rng {
 public:
  explicit rng(std::uint64_t seed) : gen_(seed) {}
  std::uint64_t next() { return gen_.next(); }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)); }
  /// Index drawn from unnormalised non-negative weights.
  template <class W>
  int pick(const W& w, int count) {
    double tot = 0;
    for (int i = 0; i < count; ++i) tot += w[i];
    double u = uniform() * tot;
    for (int i = 0; i < count; ++i) {
      if (u < w[i]) return i;
      u -= w[i];
    }
    for (int i = count; i-- > 0;)
      if (w[i] > 0) return i;
    return 0;
  }

 private:
  salesmetrics::xoshiro256ss gen_;
};

struct history_store {
  std::vector<salesmetrics::dense_id> opportunity_id;
  std::vector<salesmetrics::timestamp> ts;
  std::vector<std::int8_t> from_stage;
  std::vector<std::int8_t> to_stage;
  std::vector<salesmetrics::dense_id> group_of;  // by opportunity id

  salesmetrics::funnel::history_columns view() const { return {opportunity_id, ts, from_stage, to_stage}; }
  void add(salesmetrics::dense_id o, std::int64_t t, int f, int to) {
    opportunity_id.push_back(o);
    ts.push_back(salesmetrics::from_unix(t));
    from_stage.push_back(static_cast<std::int8_t>(f));
    to_stage.push_back(static_cast<std::int8_t>(to));
  }
};

struct history_params {
  std::size_t opportunities = 500;
  std::size_t groups = 1;
  double creation_row = 0.9;   // share of opportunities with a creation row
  double reopen = 0.05;        // chance a closed deal is reopened
  double stop_open = 0.08;     // chance per step that the history ends while open (censored)
  bool oddities = true;        // skips, backward and self moves
};

/// Random stage history over `L`, sorted by (opportunity_id, ts), ids with gaps.
inline history_store random_history(const salesmetrics::funnel::stage_layout& L, std::uint64_t seed, const history_params& p = {}) {
  rng r(seed);
  history_store h;
  const int S = static_cast<int>(L.size());
  const auto& tr = L.transient_stages();
  const int T = static_cast<int>(tr.size());
  salesmetrics::dense_id id = 0;
  std::vector<double> w(static_cast<std::size_t>(S));
  for (std::size_t k = 0; k < p.opportunities; ++k) {
    id += 1 + static_cast<salesmetrics::dense_id>(r.below(3));
    while (h.group_of.size() <= static_cast<std::size_t>(id)) h.group_of.push_back(salesmetrics::no_id);
    h.group_of[static_cast<std::size_t>(id)] =
        r.uniform() < 0.05 ? salesmetrics::no_id : static_cast<salesmetrics::dense_id>(r.below(p.groups));
    std::int64_t t = 1'600'000'000 + static_cast<std::int64_t>(r.below(400 * 86400));
    int pos = p.oddities ? static_cast<int>(r.below(static_cast<std::uint64_t>(std::min(T, 2)))) : 0;
    int cur = tr[static_cast<std::size_t>(pos)];
    if (r.uniform() < p.creation_row) h.add(id, t, -1, cur);
    for (int step = 0; step < 40; ++step) {
      if (r.uniform() < p.stop_open && !L.is_absorbing(cur)) break;
      if (L.is_absorbing(cur)) {
        if (r.uniform() >= p.reopen) break;
      }
      for (int j = 0; j < S; ++j) {
        const int pj = L.position(j), pc = L.position(cur);
        double x = 0;
        if (L.is_absorbing(cur)) x = pj >= 0 ? 1.0 : 0.0;  // reopen into an open stage
        else if (j == L.won()) x = 0.15 + 0.1 * pc / std::max(1, T - 1);
        else if (j == L.lost()) x = 0.2;
        else if (pj == pc + 1) x = 1.0;
        else if (p.oddities && pj > pc + 1) x = 0.15;
        else if (p.oddities && pj < pc) x = 0.1;
        else if (p.oddities && j == cur) x = 0.05;
        w[static_cast<std::size_t>(j)] = x;
      }
      if (pos == T - 1 && !L.is_absorbing(cur)) w[static_cast<std::size_t>(L.won())] += 0.8;
      const int next = r.pick(w, S);
      const double gap = r.uniform() < 0.05 ? 0.0 : -std::log(1.0 - r.uniform()) * 86400.0 * (3.0 + 5.0 * r.uniform());
      t += static_cast<std::int64_t>(gap);
      h.add(id, t, cur, next);
      cur = next;
      pos = L.position(cur);
    }
  }
  return h;
}

}  // namespace funnel_test
