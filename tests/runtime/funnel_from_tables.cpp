// Tests of funnel/from_tables.hpp and of the funnel functions over the table views: a shuffled
// stage_history_store sorted back, per-owner funnels through group_of_opportunities, snapshots
// from an opportunity_view, and consistency checks on a synthetic data set.
#include <salesmetrics/funnel/absorbing_chain.hpp>
#include <salesmetrics/funnel/fit_funnel.hpp>
#include <salesmetrics/funnel/from_tables.hpp>
#include <salesmetrics/funnel/funnel_view.hpp>
#include <salesmetrics/synthetic/generate.hpp>

#include "funnel_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

namespace funnel_from_tables_test {

namespace fn = salesmetrics::funnel;
namespace sm = salesmetrics;

TEST_CASE("table views plug into the fits; a shuffled history is sorted back", "[funnel][tables]") {
  const sm::stage_list stages({"a", "b", "c"});  // won 3, lost 4
  const fn::stage_layout L(stages);
  const auto h = funnel_test::random_history(L, 3, {400, 5, 0.9, 0.05, 0.1, true});
  // Shuffle the rows of the store (a permutation from the seeded RNG).
  std::vector<std::size_t> perm(h.opportunity_id.size());
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  funnel_test::rng g(9);
  for (std::size_t i = perm.size(); i-- > 1;) std::swap(perm[i], perm[static_cast<std::size_t>(g.below(i + 1))]);
  sm::stage_history_store store;
  for (std::size_t i : perm) {
    store.opportunity_id.push_back(h.opportunity_id[i]);
    store.ts.push_back(h.ts[i]);
    store.from_stage.push_back(h.from_stage[i]);
    store.to_stage.push_back(h.to_stage[i]);
  }
  const sm::stage_history_view view = store.view();
  CHECK_THROWS_WITH(fn::fit_transitions(view, stages), Catch::Contains("not sorted") || Catch::Contains("does not chain") ||
                                                          Catch::Contains("ts goes backwards") || Catch::Contains("creation row"));
  const fn::history_copy sorted = fn::sorted_history(view);
  // Equal (opportunity, ts) keys keep their relative order only within the shuffled input, so
  // compare on histories without equal timestamps inside one opportunity.
  bool ties = false;
  for (std::size_t i = 1; i < h.ts.size(); ++i) ties |= h.opportunity_id[i] == h.opportunity_id[i - 1] && h.ts[i] == h.ts[i - 1];
  if (!ties) {
    CHECK(sorted.opportunity_id == h.opportunity_id);
    CHECK(sorted.ts == h.ts);
    CHECK(sorted.from_stage == h.from_stage);
    CHECK(sorted.to_stage == h.to_stage);
  }
  // A sorted store's view goes straight in (StageHistoryColumns), with the stage_list.
  sm::stage_history_store in_order;
  in_order.opportunity_id = h.opportunity_id;
  in_order.ts = h.ts;
  in_order.from_stage = h.from_stage;
  in_order.to_stage = h.to_stage;
  const fn::transition_fit a = fn::fit_transitions(in_order.view(), stages);
  const fn::transition_fit b = fn::fit_transitions(h.view(), L);
  CHECK(a.counts == b.counts);
  CHECK(a.dwell_count == b.dwell_count);
  const fn::funnel_counts fa = fn::count_funnel(in_order.view(), sm::stage_list({"a", "b", "c"}));
  CHECK(fa.reached == fn::count_funnel(h.view(), L).reached);
}

TEST_CASE("group_of_opportunities maps opportunity ids to a key column", "[funnel][tables]") {
  sm::opportunity_store o;
  o.opportunity_id = {4, 0, 2};
  o.owner_rep_id = {7, 1, sm::no_id};
  const sm::opportunity_view v = o.view();
  const std::vector<sm::dense_id> g = fn::group_of_opportunities(v, v.owner_rep_id);
  CHECK(g == std::vector<sm::dense_id>{1, sm::no_id, sm::no_id, sm::no_id, 7});
  o.opportunity_id = {4, 0, 4};
  CHECK_THROWS_WITH(fn::group_of_opportunities(o.view(), o.view().owner_rep_id), Catch::Contains("opportunity id 4 appears in two rows"));
  CHECK_THROWS_WITH(fn::group_of_opportunities(v, std::span(v.owner_rep_id).first(2)), Catch::Contains("key column has 2 rows"));
}

TEST_CASE("funnels of a synthetic data set agree with its opportunity table", "[funnel][tables]") {
  sm::synthetic::config cfg;
  cfg.activities = 40'000;
  cfg.reps = 12;
  cfg.accounts = 200;
  cfg.contacts = 1'000;
  const sm::crm_data data = sm::synthetic::generate(cfg);
  const sm::crm_view v = data.view();
  const fn::stage_layout L(data.stages);
  const fn::history_copy h = fn::sorted_history(v.stage_history);
  const fn::transition_fit fit = fn::fit_transitions(h.view(), L);
  const fn::funnel_counts fc = fn::count_funnel(h.view(), L);
  const auto& opps = v.opportunities;
  std::int64_t won = 0, lost = 0, open = 0;
  for (std::size_t i = 0; i < opps.size(); ++i) {
    won += opps.status[i] == sm::deal_status::won;
    lost += opps.status[i] == sm::deal_status::lost;
    open += opps.status[i] == sm::deal_status::open;
  }
  REQUIRE(opps.size() > 300);
  CHECK(fc.opportunities == static_cast<std::int64_t>(opps.size()));
  CHECK(fc.won == won);
  CHECK(fc.lost == lost);
  CHECK(fc.open == open);
  CHECK(fit.counts.col(L.won()).sum() == won);
  CHECK(fit.counts.col(L.lost()).sum() == lost);

  // Snapshots keep each closed deal's last open stage, so the absorbing columns and the open
  // deals' stages agree exactly with the history; the open-to-open counts assume no skips.
  const fn::snapshot_fit s = fn::fit_from_snapshots(opps, L);
  CHECK(s.transitions.counts.col(L.won()) == fit.counts.col(L.won()));
  CHECK(s.transitions.counts.col(L.lost()) == fit.counts.col(L.lost()));
  CHECK(s.transitions.censored == fit.censored);

  // Per-owner funnels in one pass add up to the whole funnel.
  const std::vector<sm::dense_id> owner = fn::group_of_opportunities(opps, opps.owner_rep_id);
  const auto per_rep = fn::funnel_by_group(h.view(), L, owner, data.dictionaries.reps.size());
  std::vector<std::int64_t> reached(fc.reached.size(), 0);
  for (const auto& c : per_rep)
    for (std::size_t l = 0; l < reached.size(); ++l) reached[l] += c.reached[l];
  CHECK(reached == fc.reached);
  const auto per_rep_fits = fn::fit_transitions_by_group(h.view(), L, owner, data.dictionaries.reps.size());
  fn::count_matrix total = fn::count_matrix::Zero(fit.counts.rows(), fit.counts.cols());
  for (const auto& f : per_rep_fits) total += f.counts;
  CHECK(total == fit.counts);

  const fn::absorbing_chain c = fn::solve_absorbing_chain(fit, L);
  REQUIRE_FALSE(c.singular);
  // Later stages win more often in the generator's model (advance probabilities rise).
  CHECK(c.B(4, 0) > c.B(0, 0));
  CHECK(c.expected_days(0) > c.expected_days(4));
}

TEST_CASE("fit_funnel is the fit followed by the chain; singular chains are flagged", "[funnel][tables]") {
  const fn::stage_layout L = fn::stage_layout::numbered(3);
  const auto h = funnel_test::random_history(L, 12, {600, 1, 0.9, 0.0, 0.05, true});
  const fn::funnel_model m = fn::fit_funnel(h.view(), L);
  const fn::absorbing_chain c = fn::solve_absorbing_chain(fn::fit_transitions(h.view(), L), L);
  CHECK(m.fit.counts == fn::fit_transitions(h.view(), L).counts);
  CHECK((m.chain.B - c.B).cwiseAbs().maxCoeff() == 0.0);
  funnel_test::history_store never_left;
  never_left.add(0, 0, -1, 0);
  never_left.add(0, 86400, 0, 1);  // 1 is never left
  const fn::funnel_model s = fn::fit_funnel(never_left.view(), L);
  CHECK(s.chain.singular);
  CHECK(s.fit.counts(0, 1) == 1);
  fn::chain_options strict;
  CHECK_THROWS_WITH(fn::fit_funnel(never_left.view(), L, {}, strict), Catch::Contains("can never reach won or lost"));
}

}  // namespace funnel_from_tables_test
