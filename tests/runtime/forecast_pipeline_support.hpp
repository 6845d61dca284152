// tests/runtime/forecast_pipeline_support.hpp: random opportunity tables and stage histories for the
// pipeline-forecast tests (pipeline, outcomes, timing, as-of, deal flow). Seeded; every optional
// value is sometimes missing so the "(none)" paths are exercised.
#pragma once
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/forecast/as_of.hpp>
#include <salesmetrics/core/random.hpp>
#include <salesmetrics/table/opportunity.hpp>
#include <salesmetrics/table/stage_history.hpp>
#include <salesmetrics/table/stages.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <vector>

namespace pipetest {

namespace sm = salesmetrics;

/// 2024-01-01T00:00:00Z
inline constexpr std::int64_t t2024 = 1704067200;
inline constexpr std::int64_t day = 86400;

struct rng {
  salesmetrics::xoshiro256ss x;
  explicit rng(std::uint64_t seed) : x(seed) {}
  std::uint64_t operator()() { return x(); }
  std::uint64_t below(std::uint64_t n) { return x() % n; }
  bool chance(double p) { return salesmetrics::uniform01(x()) < p; }
  double uniform() { return salesmetrics::uniform01(x()); }
};

struct table_shape {
  std::size_t n = 500;
  int open_stages = 5;
  int reps = 12;
  int segments = 3;
  std::int64_t span_days = 400;  // expected/closed dates in [t2024 - span/2, t2024 + span/2)
  double missing = 0.08;         // share of each optional value missing
};

/// A random opportunity table over `open_stages` open stages plus won and lost.
inline sm::opportunity_store random_opportunities(std::uint64_t seed, const table_shape& s = {}) {
  rng r(seed);
  sm::opportunity_store o;
  sm::attribute_store& seg = o.attribute("segment");
  for (int k = 0; k < s.segments; ++k) seg.labels.encode("seg" + std::to_string(k));
  const auto won = static_cast<sm::stage_index>(s.open_stages), lost = static_cast<sm::stage_index>(s.open_stages + 1);
  auto when = [&] { return sm::from_unix(t2024 - s.span_days / 2 * day + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(s.span_days * day)))); };
  for (std::size_t i = 0; i < s.n; ++i) {
    o.opportunity_id.push_back(static_cast<sm::dense_id>(i));
    o.created_ts.push_back(sm::from_unix(t2024 - 400 * day));
    const auto u = r.below(10);
    const sm::deal_status st = u < 6 ? sm::deal_status::open : u < 8 ? sm::deal_status::won : sm::deal_status::lost;
    o.status.push_back(st);
    const auto open_stage = static_cast<sm::stage_index>(r.below(static_cast<std::uint64_t>(s.open_stages)));
    o.stage.push_back(st == sm::deal_status::open ? open_stage : (r.chance(0.5) ? open_stage : (st == sm::deal_status::won ? won : lost)));
    o.owner_rep_id.push_back(r.chance(s.missing) ? sm::no_id : static_cast<sm::dense_id>(r.below(static_cast<std::uint64_t>(s.reps))));
    o.account_id.push_back(static_cast<sm::dense_id>(r.below(50)));
    o.expected_close_ts.push_back(r.chance(s.missing) ? sm::no_time : when());
    o.closed_ts.push_back(st == sm::deal_status::open || r.chance(s.missing) ? sm::no_time : when());
    // Amounts in cents; some odd, some with .5-producing weights.
    o.amount.push_back(r.chance(s.missing) ? sm::money::missing() : sm::money{static_cast<std::int64_t>(r.below(5'000'000)) + 1});
    o.probability.push_back(r.chance(s.missing) ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(r.below(101)) / 100.f);
    o.forecast_category.push_back(static_cast<sm::forecast_category>(r.below(5)));
    o.source.push_back(sm::no_id);
    seg.codes.push_back(r.chance(s.missing) ? sm::no_id : static_cast<sm::dense_id>(r.below(static_cast<std::uint64_t>(s.segments))));
  }
  return o;
}

struct history_shape {
  std::size_t opportunities = 200;
  int open_stages = 4;
  std::int64_t span_days = 500;   // creation times in [t2024 - span, t2024)
  double close_per_step = 0.15;   // P(a change closes the deal)
  double reopen = 0.05;           // P(a closed deal reopens at its next change)
  double amount_missing = 0.05;   // P(a row's amount is missing)
  double close_missing = 0.05;
  int max_rows = 9;
  double tie = 0.1;               // P(a row has the same ts as the previous one)
};

struct history_data {
  sm::stage_history_store history;
  sm::opportunity_store opportunities;  // current state (last row), with owner and a segment attribute
  sm::stage_list stages;
};

/// Random histories sorted by (opportunity_id, ts): a creation row, then random moves among all
/// stages (forward, back, self, close, reopen); amounts and expected close dates change at random.
/// Some opportunity ids are skipped (gaps) and a few opportunities of the table have no history.
inline history_data random_history(std::uint64_t seed, const history_shape& s = {}) {
  rng r(seed);
  history_data d;
  std::vector<std::string> names;
  for (int k = 0; k < s.open_stages; ++k) names.push_back("s" + std::to_string(k));
  d.stages = sm::stage_list(names);
  const auto won = d.stages.won(), lost = d.stages.lost();
  auto& h = d.history;
  auto& o = d.opportunities;
  sm::attribute_store& seg = o.attribute("segment");
  seg.labels.encode("a");
  seg.labels.encode("b");
  sm::dense_id id = 0;
  for (std::size_t i = 0; i < s.opportunities; ++i, ++id) {
    if (r.chance(0.1)) ++id;  // a gap in the ids
    const bool no_history = r.chance(0.03);
    std::int64_t t = t2024 - s.span_days * day + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(s.span_days * day)));
    const std::int64_t created = t;
    sm::stage_index stage = static_cast<sm::stage_index>(r.below(static_cast<std::uint64_t>(s.open_stages)));
    sm::money amount = sm::money{static_cast<std::int64_t>(r.below(1'000'000)) + 100};
    sm::timestamp close = sm::from_unix(t + static_cast<std::int64_t>(r.below(200)) * day);
    auto row = [&](sm::stage_index from, sm::stage_index to) {
      h.opportunity_id.push_back(id);
      h.ts.push_back(sm::from_unix(t));
      h.from_stage.push_back(from);
      h.to_stage.push_back(to);
      h.amount.push_back(r.chance(s.amount_missing) ? sm::money::missing() : amount);
      h.expected_close_ts.push_back(r.chance(s.close_missing) ? sm::no_time : close);
    };
    sm::timestamp closed_at = sm::no_time;
    if (!no_history) {
      row(sm::no_stage, stage);
      const int rows = 1 + static_cast<int>(r.below(static_cast<std::uint64_t>(s.max_rows)));
      for (int k = 1; k < rows; ++k) {
        if (!r.chance(s.tie)) t += 1 + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(40 * day)));
        const bool is_closed = stage == won || stage == lost;
        sm::stage_index to;
        if (is_closed) {
          if (!r.chance(s.reopen)) break;
          to = static_cast<sm::stage_index>(r.below(static_cast<std::uint64_t>(s.open_stages)));
        } else if (r.chance(s.close_per_step)) {
          to = r.chance(0.4) ? won : lost;
        } else {
          to = static_cast<sm::stage_index>(r.below(static_cast<std::uint64_t>(s.open_stages)));
        }
        if (r.chance(0.3)) amount = sm::money{amount.cents + static_cast<std::int64_t>(r.below(200'001)) - 100'000 + 1};
        if (amount.cents < 1) amount = sm::money{1};
        if (r.chance(0.3)) close = sm::from_unix(sm::to_unix(close) + (static_cast<std::int64_t>(r.below(121)) - 60) * day);
        row(stage, to);
        stage = to;
        closed_at = (to == won || to == lost) ? sm::from_unix(t) : sm::no_time;
      }
    }
    o.opportunity_id.push_back(id);
    o.created_ts.push_back(sm::from_unix(created));
    o.stage.push_back(stage);
    o.status.push_back(stage == won ? sm::deal_status::won : stage == lost ? sm::deal_status::lost : sm::deal_status::open);
    o.owner_rep_id.push_back(static_cast<sm::dense_id>(r.below(7)));
    o.account_id.push_back(sm::no_id);
    o.expected_close_ts.push_back(close);
    o.closed_ts.push_back(closed_at);
    o.amount.push_back(amount);
    o.probability.push_back(0.5f);
    o.forecast_category.push_back(sm::forecast_category::pipeline);
    o.source.push_back(sm::no_id);
    seg.codes.push_back(static_cast<sm::dense_id>(r.below(2)));
  }
  return d;
}

/// Brute force for the as-of tests: for each opportunity its rows in table order; the state at D
/// is read from the rows with ts <= D (forecast/as_of.hpp's definition, computed directly).
struct replay {
  std::map<sm::dense_id, std::vector<std::size_t>> rows;
  const sm::stage_history_store& h;
  explicit replay(const sm::stage_history_store& hist) : h(hist) {
    for (std::size_t r = 0; r < h.opportunity_id.size(); ++r) rows[h.opportunity_id[r]].push_back(r);
  }
  sm::forecast::history_state state(sm::dense_id id, sm::timestamp d) const {
    std::vector<std::size_t> upto;
    for (std::size_t r : rows.at(id))
      if (h.ts[r] <= d) upto.push_back(r);
    sm::forecast::history_state s;
    if (upto.empty()) return s;
    s.exists = true;
    s.created = h.ts[upto.front()];
    s.stage = h.to_stage[upto.back()];
    // Entered: walk back while the rows go to this stage.
    std::size_t k = upto.size();
    while (k > 0 && h.to_stage[upto[k - 1]] == s.stage) --k;
    s.stage_entered = h.ts[upto[k]];
    for (std::size_t r : upto) {
      if (!h.amount.empty() && !h.amount[r].is_missing()) s.amount = h.amount[r];
      if (!h.expected_close_ts.empty() && !sm::is_missing(h.expected_close_ts[r])) s.expected_close = h.expected_close_ts[r];
    }
    return s;
  }
};

}  // namespace pipetest
