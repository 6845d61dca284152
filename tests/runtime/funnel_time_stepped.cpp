// Tests of funnel/time_stepped.hpp: the stated construction, long-horizon limits against the
// absorbing chain, expected time against N d / h, a seeded simulation of the step chain, and
// argument checks.
#include <salesmetrics/funnel/time_stepped.hpp>

#include "funnel_test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

namespace funnel_time_stepped_test {

namespace fn = salesmetrics::funnel;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {
void chain(funnel_test::rng& g, int T, MatrixXd& Q, MatrixXd& R) {
  Q = MatrixXd::Zero(T, T);
  R.resize(T, 2);
  for (int i = 0; i < T; ++i) {
    double tot = 0;
    for (int j = 0; j < T; ++j) tot += Q(i, j) = g.uniform() < 0.4 ? 0.0 : g.uniform();
    R(i, 0) = 0.1 + 0.4 * g.uniform();
    R(i, 1) = 0.1 + 0.4 * g.uniform();
    tot += R(i, 0) + R(i, 1);
    Q.row(i) /= tot;
    R.row(i) /= tot;
  }
}
}  // namespace

TEST_CASE("the per-step matrix follows the stated construction", "[funnel][time]") {
  MatrixXd Q(2, 2), R(2, 2);
  Q << 0.1, 0.5, 0.0, 0.0;
  R << 0.2, 0.2, 0.4, 0.6;
  VectorXd d(2);
  d << 10, 0.5;  // 10 days: stay 0.9; half a day: left at once
  const fn::step_model m = fn::make_step_model(Q, R, d, 1.0);
  CHECK(m.stay(0) == Approx(0.9));
  CHECK(m.stay(1) == 0.0);
  CHECK(m.Qs(0, 0) == Approx(0.9 + 0.1 * 0.1));
  CHECK(m.Qs(0, 1) == Approx(0.1 * 0.5));
  CHECK(m.Rs(0, 0) == Approx(0.1 * 0.2));
  CHECK(m.Rs(1, 1) == Approx(0.6));
  for (int i = 0; i < 2; ++i) CHECK(m.Qs.row(i).sum() + m.Rs.row(i).sum() == Approx(1.0).epsilon(1e-15));
  // Weekly steps: 10 days = 10/7 steps, stay 1 - 0.7 = 0.3.
  CHECK(fn::make_step_model(Q, R, d, 7.0).stay(0) == Approx(0.3));
  const fn::absorption_curves c = fn::absorption_by_step(m, 3);
  // By hand from stage 1: won at the first step with 0.4, then nothing more.
  CHECK(c.won_by(1, 0) == Approx(0.4));
  CHECK(c.won_by(1, 2) == Approx(0.4));
  // From stage 0: step 1: 0.02; step 2: 0.02 + 0.91 * 0.02 + 0.05 * 0.4.
  CHECK(c.won_by(0, 0) == Approx(0.02));
  CHECK(c.won_by(0, 1) == Approx(0.02 + 0.91 * 0.02 + 0.05 * 0.4));
}

TEST_CASE("long horizons reach the chain's win probabilities and expected days", "[funnel][time]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    funnel_test::rng g(seed);
    const int T = 4;
    MatrixXd Q, R;
    chain(g, T, Q, R);
    VectorXd d(T);
    for (int j = 0; j < T; ++j) d(j) = 2 + 15 * g.uniform();
    for (const double h : {1.0, 7.0}) {
      const VectorXd dd = h == 7.0 ? VectorXd(d * 4) : d;  // weekly: longer dwell so that every m >= 1
      const fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R, dd);
      const fn::step_model m = fn::make_step_model(Q, R, dd, h);
      const int H = 6000;
      const fn::absorption_curves a = fn::absorption_by_step(m, H);
      INFO("seed " << seed << " step " << h);
      for (int i = 0; i < T; ++i) {
        CHECK(a.won_by(i, H - 1) == Approx(c.B(i, 0)).epsilon(1e-9));
        CHECK(a.lost_by(i, H - 1) == Approx(c.B(i, 1)).epsilon(1e-9));
        // E[steps] = sum_{s >= 0} P(not absorbed after s steps).
        double steps = 1.0;
        for (int s = 0; s + 1 < H; ++s) steps += 1.0 - a.won_by(i, s) - a.lost_by(i, s);
        CHECK(steps * h == Approx(c.expected_days(i)).epsilon(1e-8));
        for (int s = 1; s < H; ++s) REQUIRE(a.won_by(i, s) >= a.won_by(i, s - 1) - 1e-15);
      }
    }
  }
}

TEST_CASE("P(won by step) agrees with a seeded simulation of the step chain", "[funnel][time]") {
  funnel_test::rng g(99);
  const int T = 3;
  MatrixXd Q, R;
  chain(g, T, Q, R);
  VectorXd d(T);
  d << 4, 9, 0.5;
  const fn::step_model m = fn::make_step_model(Q, R, d, 1.0);
  const int H = 30;
  const fn::absorption_curves a = fn::absorption_by_step(m, H);
  const int runs = 60000;
  std::vector<double> w(T + 2);
  for (int start = 0; start < T; ++start) {
    std::vector<double> won_at(H, 0);
    for (int k = 0; k < runs; ++k) {
      int cur = start;
      for (int s = 0; s < H; ++s) {
        // One step: stay with stay(cur), else jump as the chain says.
        if (g.uniform() < m.stay(cur)) continue;
        for (int j = 0; j < T; ++j) w[static_cast<std::size_t>(j)] = Q(cur, j);
        w[T] = R(cur, 0);
        w[T + 1] = R(cur, 1);
        const int nx = g.pick(w, T + 2);
        if (nx == T) won_at[static_cast<std::size_t>(s)] += 1;
        if (nx >= T) break;
        cur = nx;
      }
    }
    double cum = 0;
    for (int s = 0; s < H; ++s) {
      cum += won_at[static_cast<std::size_t>(s)];
      const double p = a.won_by(start, s);
      INFO("start " << start << " step " << s);
      CHECK(std::abs(cum / runs - p) < 5 * std::sqrt(p * (1 - p) / runs) + 1e-12);
    }
  }
}

TEST_CASE("step model from a fitted history, a never-left stage and bad arguments", "[funnel][time]") {
  const fn::stage_layout L = fn::stage_layout::numbered(2);  // 0, 1 open; 2 won; 3 lost
  funnel_test::history_store h;
  h.add(0, 0, -1, 0);
  h.add(0, 3 * 86400, 0, 1);  // 1 is never left
  const fn::transition_fit f = fn::fit_transitions(h.view(), L);
  const fn::step_model m = fn::make_step_model(f, L);
  CHECK(m.stages == std::vector<int>{0, 1});
  CHECK(m.stay(0) == Approx(1 - 1.0 / 3));
  CHECK(m.stay(1) == 1.0);
  const fn::absorption_curves a = fn::absorption_by_step(m, 50);
  CHECK(a.won_by.cwiseAbs().maxCoeff() == 0.0);

  MatrixXd Q(2, 2), R(2, 2);
  Q << 0, 0.5, 0, 0;
  R << 0, 0.5, 0.4, 0.6;
  VectorXd d(2);
  d << std::nan(""), 2;
  CHECK_THROWS_WITH(fn::make_step_model(Q, R, d), Catch::Contains("open position 0 has dwell nan"));
  d << -1, 2;
  CHECK_THROWS_WITH(fn::make_step_model(Q, R, d), Catch::Contains("finite mean dwell >= 0"));
  d << 1, 2;
  CHECK_THROWS_WITH(fn::make_step_model(Q, R, d, 0.0), Catch::Contains("step_days must be finite and > 0"));
  CHECK_THROWS_WITH(fn::make_step_model(Q, R, VectorXd(3)), Catch::Contains("dwell_days has 3 entries"));
  CHECK(fn::absorption_by_step(fn::make_step_model(Q, R, d), 0).won_by.cols() == 0);
}

}  // namespace funnel_time_stepped_test
