// Tests of funnel/reverse_funnel.hpp: hand-solved chains, reach probabilities against a seeded
// simulation, infinity/zero conventions and argument checks.
#include <salesmetrics/funnel/reverse_funnel.hpp>

#include "funnel_test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

namespace funnel_reverse_funnel_test {

namespace fn = salesmetrics::funnel;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using salesmetrics::money;

TEST_CASE("reverse funnel of a two-stage chain, solved by hand", "[funnel][reverse]") {
  // 0 -> 1 (0.5) or lost (0.5); 1 -> won (0.4) or lost (0.6). B = (0.2, 0.4).
  MatrixXd Q(2, 2), R(2, 2);
  Q << 0, 0.5, 0, 0;
  R << 0, 0.5, 0.4, 0.6;
  const fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R);
  const fn::reverse_funnel r = fn::reverse_funnel_for_wins(c, 10);
  CHECK(r.win_probability_per_lead == Approx(0.2));
  CHECK(r.leads_needed == Approx(50));
  CHECK(r.deals_needed_at_stage(0) == Approx(50));
  CHECK(r.deals_needed_at_stage(1) == Approx(25));
  CHECK(r.reach_probability(0) == 1.0);
  CHECK(r.reach_probability(1) == Approx(0.5));
  CHECK(r.expected_reaching(1) == Approx(25));
  CHECK(r.expected_visits(0) == Approx(50));

  // Revenue: 100,000.00 at 2,500.00 per won deal = 40 wins = 200 leads.
  const fn::reverse_funnel rv = fn::reverse_funnel_for_revenue(c, money::from_cents(10'000'000), money::from_cents(250'000));
  CHECK(rv.wins_needed == 40.0);
  CHECK(rv.leads_needed == Approx(200));

  // Entering half at each stage: p = 0.3.
  VectorXd e(2);
  e << 0.5, 0.5;
  CHECK(fn::reverse_funnel_for_wins(c, 3, e).leads_needed == Approx(10));
}

TEST_CASE("reverse funnel with a backward move: visits repeat, reach does not", "[funnel][reverse]") {
  // 1 -> 0 with 0.2: N = [[1, .5], [.2, 1]] / 0.9, B(0) = N(0,1) * 0.4 = 0.2222...
  MatrixXd Q(2, 2), R(2, 2);
  Q << 0, 0.5, 0.2, 0;
  R << 0, 0.5, 0.4, 0.4;
  const fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R);
  const fn::reverse_funnel r = fn::reverse_funnel_for_wins(c, 2);
  CHECK(r.win_probability_per_lead == Approx(0.2 / 0.9));
  CHECK(r.leads_needed == Approx(9));
  CHECK(r.reach_probability(1) == Approx(0.5));
  CHECK(r.expected_visits(0) == Approx(9 / 0.9));
  CHECK(r.expected_visits(1) == Approx(9 * 0.5 / 0.9));
}

TEST_CASE("reach probabilities and visits agree with a seeded simulation", "[funnel][reverse]") {
  for (std::uint64_t seed : {3u, 4u, 5u}) {
    funnel_test::rng g(seed);
    const int T = 4;
    MatrixXd Q = MatrixXd::Zero(T, T), R(T, 2);
    for (int i = 0; i < T; ++i) {
      double tot = 0;
      for (int j = 0; j < T; ++j) tot += Q(i, j) = g.uniform() < 0.3 ? 0.0 : g.uniform();
      R(i, 0) = 0.1 + 0.3 * g.uniform();
      R(i, 1) = 0.1 + 0.3 * g.uniform();
      tot += R(i, 0) + R(i, 1);
      Q.row(i) /= tot;
      R.row(i) /= tot;
    }
    VectorXd e(T);
    e << 0.6, 0.3, 0.1, 0.0;
    const fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R);
    const fn::reverse_funnel r = fn::reverse_funnel_for_wins(c, 1, e);
    const int runs = 100000;
    std::vector<double> reached(T, 0), visits(T, 0), w(T + 2);
    double wins = 0;
    for (int k = 0; k < runs; ++k) {
      int cur = g.pick(e, T);
      std::vector<bool> seen(T, false);
      while (true) {
        seen[static_cast<std::size_t>(cur)] = true;
        visits[static_cast<std::size_t>(cur)] += 1;
        for (int j = 0; j < T; ++j) w[static_cast<std::size_t>(j)] = Q(cur, j);
        w[T] = R(cur, 0);
        w[T + 1] = R(cur, 1);
        const int nx = g.pick(w, T + 2);
        if (nx >= T) {
          wins += nx == T;
          break;
        }
        cur = nx;
      }
      for (int j = 0; j < T; ++j) reached[static_cast<std::size_t>(j)] += seen[static_cast<std::size_t>(j)];
    }
    INFO("seed " << seed);
    const double p = r.win_probability_per_lead;
    CHECK(std::abs(wins / runs - p) < 5 * std::sqrt(p * (1 - p) / runs));
    const VectorXd v = (e.transpose() * c.N).transpose();
    for (int j = 0; j < T; ++j) {
      const double q = r.reach_probability(j);
      CHECK(std::abs(reached[static_cast<std::size_t>(j)] / runs - q) < 5 * std::sqrt(q * (1 - q) / runs) + 1e-12);
      CHECK(visits[static_cast<std::size_t>(j)] / runs == Approx(v(j)).epsilon(0.03));
      CHECK(r.expected_reaching(j) == Approx(r.leads_needed * q));
    }
  }
}

TEST_CASE("zero and infinity conventions", "[funnel][reverse]") {
  // Stage 1 can never win; stage 0 only reaches stage 1 or lost.
  MatrixXd Q(2, 2), R(2, 2);
  Q << 0, 0.5, 0, 0;
  R << 0, 0.5, 0, 1;
  const fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R);
  const double inf = std::numeric_limits<double>::infinity();
  fn::reverse_funnel r = fn::reverse_funnel_for_wins(c, 5);
  CHECK(r.win_probability_per_lead == 0.0);
  CHECK(r.leads_needed == inf);
  CHECK(r.deals_needed_at_stage(1) == inf);
  CHECK(r.expected_reaching(1) == inf);
  VectorXd e(2);
  e << 0, 1;
  r = fn::reverse_funnel_for_wins(c, 5, e);
  CHECK(r.expected_reaching(0) == 0.0);  // never reached from stage 1: 0 * inf taken as 0
  r = fn::reverse_funnel_for_wins(c, 0);
  CHECK(r.leads_needed == 0.0);
  CHECK(r.deals_needed_at_stage(1) == 0.0);
  CHECK(r.expected_visits(0) == 0.0);
  // Zero average deal size with a positive target: infinitely many wins.
  MatrixXd Q2(1, 1), R2(1, 2);
  Q2 << 0;
  R2 << 0.5, 0.5;
  const fn::absorbing_chain c2 = fn::solve_absorbing_chain(Q2, R2);
  CHECK(fn::reverse_funnel_for_revenue(c2, money::from_cents(100), money::from_cents(0)).leads_needed == inf);
  CHECK(fn::reverse_funnel_for_revenue(c2, money::from_cents(0), money::from_cents(0)).leads_needed == 0.0);
  // Singular chain: NaN throughout.
  MatrixXd Q3(1, 1), R3(1, 2);
  Q3 << 1;
  R3 << 0, 0;
  fn::chain_options flag;
  flag.on_singular = fn::singular_policy::flag;
  const fn::absorbing_chain c3 = fn::solve_absorbing_chain(Q3, R3, VectorXd(), flag);
  CHECK(std::isnan(fn::reverse_funnel_for_wins(c3, 4).leads_needed));
}

TEST_CASE("reverse funnel arguments are checked", "[funnel][reverse]") {
  MatrixXd Q(2, 2), R(2, 2);
  Q << 0, 0.5, 0, 0;
  R << 0, 0.5, 0.4, 0.6;
  const fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R);
  CHECK_THROWS_WITH(fn::reverse_funnel_for_wins(c, -1), Catch::Contains("target wins must be >= 0"));
  CHECK_THROWS_WITH(fn::reverse_funnel_for_wins(c, std::nan("")), Catch::Contains("target wins"));
  CHECK_THROWS_WITH(fn::reverse_funnel_for_wins(c, 1, VectorXd::Ones(3) / 3), Catch::Contains("3 entries"));
  VectorXd e(2);
  e << 0.7, 0.7;
  CHECK_THROWS_WITH(fn::reverse_funnel_for_wins(c, 1, e), Catch::Contains("sum to 1"));
  CHECK_THROWS_WITH(fn::reverse_funnel_for_revenue(c, money::missing(), money::from_cents(5)), Catch::Contains("target revenue"));
  CHECK_THROWS_WITH(fn::reverse_funnel_for_revenue(c, money::from_cents(5), money::from_cents(-5)), Catch::Contains("average won-deal size"));
}

TEST_CASE("entry distribution from a fitted history", "[funnel][reverse]") {
  const fn::stage_layout L = fn::stage_layout::numbered(3);
  funnel_test::history_store h;
  h.add(0, 0, -1, 0);
  h.add(1, 0, -1, 0);
  h.add(2, 0, -1, 2);
  h.add(3, 0, -1, 3);  // created won: ignored
  const fn::transition_fit f = fn::fit_transitions(h.view(), L);
  const VectorXd e = fn::entry_distribution(f, L);
  CHECK(e(0) == Approx(2.0 / 3));
  CHECK(e(1) == 0.0);
  CHECK(e(2) == Approx(1.0 / 3));
  funnel_test::history_store none;
  none.add(0, 0, -1, 4);
  CHECK_THROWS_WITH(fn::entry_distribution(fn::fit_transitions(none.view(), L), L), Catch::Contains("no opportunity starts in an open stage"));
}

}  // namespace funnel_reverse_funnel_test
