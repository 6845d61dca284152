// Tests of funnel/absorbing_chain.hpp: closed forms (gambler's ruin), exact series sums of Q^n,
// seeded Monte Carlo simulation of the chain, singularity detection and input checks.
#include <salesmetrics/funnel/absorbing_chain.hpp>

#include "funnel_test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace funnel_absorbing_chain_test {

namespace fn = salesmetrics::funnel;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// Gambler's ruin on capital 0..M: open positions i-1 <-> capital i (1..M-1), up with p.
void ruin_chain(int M, double p, MatrixXd& Q, MatrixXd& R) {
  const int T = M - 1;
  Q = MatrixXd::Zero(T, T);
  R = MatrixXd::Zero(T, 2);
  for (int i = 1; i <= M - 1; ++i) {
    if (i + 1 <= M - 1) Q(i - 1, i) = p;
    else R(i - 1, 0) = p;
    if (i - 1 >= 1) Q(i - 1, i - 2) = 1 - p;
    else R(i - 1, 1) = 1 - p;
  }
}

// A random substochastic Q with R; `leak_all` gives every row some absorption, otherwise about
// a third of the rows must pass through other stages to be absorbed.
void random_chain(funnel_test::rng& r, int T, bool leak_all, MatrixXd& Q, MatrixXd& R) {
  Q = MatrixXd::Zero(T, T);
  R = MatrixXd::Zero(T, 2);
  for (int i = 0; i < T; ++i) {
    double tot = 0;
    for (int j = 0; j < T; ++j) {
      Q(i, j) = r.uniform() < 0.3 ? 0.0 : r.uniform();
      tot += Q(i, j);
    }
    const bool leaks = leak_all || i == T - 1 || r.uniform() < 0.66;
    R(i, 0) = leaks ? 0.05 + r.uniform() * 0.5 : 0.0;
    R(i, 1) = leaks ? 0.05 + r.uniform() * 0.5 : 0.0;
    if (!leaks && i + 1 < T) {
      Q(i, i + 1) += 0.3;  // a path towards the last row, which leaks
      tot += 0.3;
    }
    tot += R(i, 0) + R(i, 1);
    Q.row(i) /= tot;
    R.row(i) /= tot;
  }
}

struct series_result {
  MatrixXd N;
  VectorXd mean, var;
};

// N = sum_n Q^n; E[T] = sum_n P(T > n) and E[T^2] = sum_n (2n + 1) P(T > n), P(T > n) = Q^n 1.
series_result series(const MatrixXd& Q, int terms) {
  const auto T = Q.rows();
  series_result s;
  s.N = MatrixXd::Zero(T, T);
  VectorXd surv = VectorXd::Ones(T), m2 = VectorXd::Zero(T);
  s.mean = VectorXd::Zero(T);
  MatrixXd P = MatrixXd::Identity(T, T);
  for (int n = 0; n < terms; ++n) {
    s.N += P;
    s.mean += surv;
    m2 += (2.0 * n + 1.0) * surv;
    P = P * Q;
    surv = Q * surv;
  }
  s.var = m2 - s.mean.cwiseProduct(s.mean);
  return s;
}

struct mc_result {
  VectorXd win, steps_mean, steps_var, days_mean;
};

// Simulates `runs` deals from each open position; dwell d(j) days added per visit of j.
mc_result simulate(const MatrixXd& Q, const MatrixXd& R, const VectorXd& d, int runs, std::uint64_t seed) {
  funnel_test::rng r(seed);
  const auto T = static_cast<int>(Q.rows());
  mc_result m;
  m.win = m.steps_mean = m.steps_var = m.days_mean = VectorXd::Zero(T);
  std::vector<double> w(static_cast<std::size_t>(T) + 2);
  for (int start = 0; start < T; ++start) {
    double wins = 0, s1 = 0, s2 = 0, days = 0;
    for (int k = 0; k < runs; ++k) {
      int cur = start;
      double steps = 0;
      while (true) {
        steps += 1;
        days += d(cur);
        for (int j = 0; j < T; ++j) w[static_cast<std::size_t>(j)] = Q(cur, j);
        w[static_cast<std::size_t>(T)] = R(cur, 0);
        w[static_cast<std::size_t>(T) + 1] = R(cur, 1);
        const int nx = r.pick(w, T + 2);
        if (nx == T) {
          wins += 1;
          break;
        }
        if (nx == T + 1) break;
        cur = nx;
      }
      s1 += steps;
      s2 += steps * steps;
    }
    m.win(start) = wins / runs;
    m.steps_mean(start) = s1 / runs;
    m.steps_var(start) = s2 / runs - (s1 / runs) * (s1 / runs);
    m.days_mean(start) = days / runs;
  }
  return m;
}

}  // namespace

TEST_CASE("gambler's ruin: absorption probabilities and expected duration match the closed forms", "[funnel][chain]") {
  for (const double p : {0.4, 0.5, 0.62}) {
    const int M = 10;
    MatrixXd Q, R;
    ruin_chain(M, p, Q, R);
    const fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R);
    REQUIRE_FALSE(c.singular);
    const double q = 1 - p;
    for (int i = 1; i <= M - 1; ++i) {
      double win, dur;
      if (p == 0.5) {
        win = static_cast<double>(i) / M;
        dur = static_cast<double>(i) * (M - i);
        // Var of the symmetric walk's exit time from (0, M) started at i.
        const double var = i * (M - i) * (static_cast<double>(i) * i + static_cast<double>(M - i) * (M - i) - 2) / 3.0;
        CHECK(c.steps_variance(i - 1) == Approx(var).epsilon(1e-10));
      } else {
        const double rr = q / p;
        win = (1 - std::pow(rr, i)) / (1 - std::pow(rr, M));
        dur = i / (q - p) - (M / (q - p)) * (1 - std::pow(rr, i)) / (1 - std::pow(rr, M));
      }
      CHECK(c.B(i - 1, 0) == Approx(win).epsilon(1e-12));
      CHECK(c.B(i - 1, 1) == Approx(1 - win).epsilon(1e-12));
      CHECK(c.expected_steps(i - 1) == Approx(dur).epsilon(1e-12));
    }
  }
}

TEST_CASE("N, expected steps and their variance equal the series sums of Q^n", "[funnel][chain]") {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    funnel_test::rng r(seed);
    MatrixXd Q, R;
    random_chain(r, 2 + static_cast<int>(seed % 5), seed % 2 == 0, Q, R);
    const fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R);
    const series_result s = series(Q, 4000);
    INFO("seed " << seed);
    CHECK((c.N - s.N).cwiseAbs().maxCoeff() < 1e-9 * s.N.cwiseAbs().maxCoeff());
    CHECK((c.expected_steps - s.mean).cwiseAbs().maxCoeff() < 1e-9 * s.mean.maxCoeff());
    CHECK((c.steps_variance - s.var).cwiseAbs().maxCoeff() < 1e-8 * s.var.maxCoeff());
    // Rows of B sum to 1 and B = N R.
    CHECK((c.B.rowwise().sum() - VectorXd::Ones(Q.rows())).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((c.B - s.N * R).cwiseAbs().maxCoeff() < 1e-9);
    CHECK(c.rcond > 1e-6);
  }
}

TEST_CASE("win probability, steps and days agree with a seeded Monte Carlo simulation", "[funnel][chain]") {
  for (std::uint64_t seed : {11u, 12u, 13u}) {
    funnel_test::rng r(seed);
    MatrixXd Q, R;
    const int T = 3 + static_cast<int>(seed % 3);
    random_chain(r, T, false, Q, R);
    VectorXd d(T);
    for (int j = 0; j < T; ++j) d(j) = 1 + 20 * r.uniform();
    const fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R, d);
    const int runs = 100000;
    const mc_result m = simulate(Q, R, d, runs, seed * 7919);
    INFO("seed " << seed);
    for (int i = 0; i < T; ++i) {
      const double pw = c.B(i, 0);
      CHECK(std::abs(m.win(i) - pw) < 5 * std::sqrt(pw * (1 - pw) / runs) + 1e-12);
      const double se_steps = std::sqrt(c.steps_variance(i) / runs);
      CHECK(std::abs(m.steps_mean(i) - c.expected_steps(i)) < 5 * se_steps);
      CHECK(m.steps_var(i) == Approx(c.steps_variance(i)).epsilon(0.06));
      CHECK(m.days_mean(i) == Approx(c.expected_days(i)).epsilon(0.03));
    }
    CHECK((c.expected_days - c.N * d).cwiseAbs().maxCoeff() < 1e-9);
  }
}

TEST_CASE("a stage that never leaves or a closed loop is singular: throw or flag", "[funnel][chain]") {
  MatrixXd Q(3, 3), R(3, 2);
  Q << 0.2, 0.5, 0.0,  //
      0.0, 1.0, 0.0,   // never leaves
      0.1, 0.0, 0.2;
  R << 0.2, 0.1, 0, 0, 0.4, 0.3;
  CHECK_THROWS_WITH(fn::solve_absorbing_chain(Q, R), Catch::Contains("never reach won or lost") && Catch::Contains("position 1"));
  fn::chain_options flag;
  flag.on_singular = fn::singular_policy::flag;
  fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R, VectorXd(), flag);
  CHECK(c.singular);
  CHECK(c.never_absorbed == std::vector<int>{1});
  CHECK(std::isnan(c.B(0, 0)));
  CHECK(std::isnan(c.expected_steps(2)));

  // A loop 0 <-> 1 with no way out; 2 leaks.
  MatrixXd Q2(3, 3), R2(3, 2);
  Q2 << 0, 1, 0, 1, 0, 0, 0.5, 0, 0;
  R2 << 0, 0, 0, 0, 0.5, 0;
  c = fn::solve_absorbing_chain(Q2, R2, VectorXd(), flag);
  CHECK(c.singular);
  CHECK(c.never_absorbed == std::vector<int>{0, 1});

  // Structurally fine but numerically singular: leaks 1e-15.
  MatrixXd Q3(2, 2), R3(2, 2);
  Q3 << 1 - 1e-15, 0, 0.5, 0.25;
  R3 << 0, 1e-15, 0.25, 0;
  CHECK_THROWS_WITH(fn::solve_absorbing_chain(Q3, R3), Catch::Contains("numerically singular"));
  c = fn::solve_absorbing_chain(Q3, R3, VectorXd(), flag);
  CHECK(c.singular);
  CHECK(c.never_absorbed.empty());
  CHECK(c.rcond < 1e-12);
}

TEST_CASE("the chain rejects inputs that are not a row-stochastic canonical form", "[funnel][chain]") {
  MatrixXd Q(2, 2), R(2, 2);
  Q << 0.5, 0.2, 0.1, 0.1;
  R << 0.2, 0.1, 0.4, 0.4;
  CHECK_NOTHROW(fn::solve_absorbing_chain(Q, R));
  MatrixXd Rbad = R;
  Rbad(1, 1) = 0.3;
  CHECK_THROWS_WITH(fn::solve_absorbing_chain(Q, Rbad), Catch::Contains("row 1 of [Q R] sums to 0.9"));
  MatrixXd Qneg = Q;
  Qneg(0, 1) = -0.1;
  Qneg(0, 0) = 0.8;
  CHECK_THROWS_WITH(fn::solve_absorbing_chain(Qneg, R), Catch::Contains("not a probability"));
  CHECK_THROWS_WITH(fn::solve_absorbing_chain(MatrixXd(2, 3), R), Catch::Contains("square"));
  CHECK_THROWS_WITH(fn::solve_absorbing_chain(Q, MatrixXd(2, 3)), Catch::Contains("2x2 (won, lost)"));
  CHECK_THROWS_WITH(fn::solve_absorbing_chain(Q, R, VectorXd(3)), Catch::Contains("dwell_days has 3 entries"));
}

TEST_CASE("from a full matrix over a stage list with won/lost in the middle", "[funnel][chain]") {
  // Stages: a(0) won(1) b(2) lost(3) c(4); open positions a=0, b=1, c=2.
  const fn::stage_layout L({"a", "won", "b", "lost", "c"}, 1, 3);
  MatrixXd P = MatrixXd::Zero(5, 5);
  P.row(0) << 0.1, 0.2, 0.5, 0.2, 0.0;
  P.row(1) << 0.3, 0.0, 0.0, 0.0, 0.7;  // ignored (absorbing)
  P.row(2) << 0.0, 0.3, 0.1, 0.3, 0.3;
  P.row(3) << 0.0, 0.0, 0.0, 0.0, 0.0;  // ignored
  P.row(4) << 0.2, 0.4, 0.0, 0.4, 0.0;
  VectorXd dwell(5);
  dwell << 2, 99, 3, 99, 5;
  const fn::absorbing_chain c = fn::solve_absorbing_chain(P, L, dwell);
  CHECK(c.stages == std::vector<int>{0, 2, 4});
  MatrixXd Q(3, 3), R(3, 2);
  Q << 0.1, 0.5, 0.0, 0.0, 0.1, 0.3, 0.2, 0.0, 0.0;
  R << 0.2, 0.2, 0.3, 0.3, 0.4, 0.4;
  VectorXd d(3);
  d << 2, 3, 5;
  const fn::absorbing_chain ref = fn::solve_absorbing_chain(Q, R, d);
  CHECK((c.B - ref.B).cwiseAbs().maxCoeff() == 0.0);
  CHECK((c.expected_days - ref.expected_days).cwiseAbs().maxCoeff() == 0.0);
  // By symmetry of won and lost in every row, P(win) = 1/2 from every stage.
  for (int i = 0; i < 3; ++i) CHECK(c.B(i, 0) == Approx(0.5).epsilon(1e-14));

  P(4, 4) = 1.0;
  P(4, 0) = P(4, 1) = P(4, 3) = 0.0;
  CHECK_THROWS_WITH(fn::solve_absorbing_chain(P, L), Catch::Contains("stage(s) 4 can never reach won or lost"));
  CHECK_THROWS_WITH(fn::solve_absorbing_chain(MatrixXd::Zero(4, 4), L), Catch::Contains("the stage list has 5 stages"));
}

TEST_CASE("the chain of a fitted history uses its probabilities and mean dwell", "[funnel][chain]") {
  const fn::stage_layout L = fn::stage_layout::numbered(4);
  for (std::uint64_t seed : {21u, 22u}) {
    const auto h = funnel_test::random_history(L, seed, {3000, 1, 0.9, 0.0, 0.05, true});
    const fn::transition_fit fit = fn::fit_transitions(h.view(), L);
    const fn::absorbing_chain c = fn::solve_absorbing_chain(fit, L);
    REQUIRE_FALSE(c.singular);
    VectorXd d(4);
    for (int i = 0; i < 4; ++i) d(i) = fit.dwell_mean_days(i);
    CHECK((c.expected_days - c.N * d).cwiseAbs().maxCoeff() < 1e-9);
    for (int i = 0; i < 4; ++i) CHECK(c.Q(i, (i + 1) % 4) == fit.probabilities(i, (i + 1) % 4));
  }
}

TEST_CASE("an unknown dwell only affects the stages that can visit it", "[funnel][chain]") {
  // 0 -> 1 -> won/lost; 2 -> won/lost. Dwell of 0 unknown.
  MatrixXd Q(3, 3), R(3, 2);
  Q << 0, 1, 0, 0, 0, 0, 0, 0, 0;
  R << 0, 0, 0.5, 0.5, 0.2, 0.8;
  VectorXd d(3);
  d << std::nan(""), 4, 7;
  const fn::absorbing_chain c = fn::solve_absorbing_chain(Q, R, d);
  CHECK(std::isnan(c.expected_days(0)));
  CHECK(c.expected_days(1) == 4.0);
  CHECK(c.expected_days(2) == 7.0);
}

}  // namespace funnel_absorbing_chain_test
