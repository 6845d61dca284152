// Tests of funnel/naive_bayes_scorer.hpp and funnel/logistic_scorer.hpp: hand-computed two-field
// naive Bayes (with and without the stage), brute-force naive Bayes on random data, logistic
// regression against closed forms, a zero gradient at the optimum and plain gradient descent.
#include <salesmetrics/funnel/deal_scoring.hpp>

#include "funnel_test_support.hpp"

#include <Eigen/Eigenvalues>
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

namespace funnel_deal_scoring_test {

namespace fn = salesmetrics::funnel;
using salesmetrics::dense_id;
using salesmetrics::no_id;

namespace {
struct nb_data {
  std::vector<dense_id> a{0, 0, 1, 1, 0, 1};
  std::vector<dense_id> b{0, 1, 1, 2, 2, no_id};
  std::vector<std::uint8_t> won{1, 1, 1, 0, 0, 0};
  std::vector<std::int8_t> stage{3, 3, 3, 2, 0, 1};  // won deals: ignored; lost at 2, 0, 1
  std::vector<fn::categorical_column> fields() const { return {{a, 2}, {b, 3}}; }
};
}  // namespace

TEST_CASE("naive Bayes on a hand-computed two-field example", "[funnel][scoring][nb]") {
  const nb_data d;
  const auto fields = d.fields();
  const fn::naive_bayes_scorer m = fn::naive_bayes_scorer::fit(fields, d.won);
  // W = L = 3: prior log(4/4) = 0. A: P(A0|won) = 3/5, P(A0|lost) = 2/5. B (deal 6 missing):
  // P(B0|won) = 2/6, P(B0|lost) = 1/5; P(B1|won) = 3/6, P(B1|lost) = 1/5; P(B2|won) = 1/6, P(B2|lost) = 3/5.
  CHECK(m.prior_log_odds() == Approx(0.0).margin(1e-15));
  CHECK(m.log_likelihood_ratio(0, 0) == Approx(std::log(1.5)));
  CHECK(m.log_likelihood_ratio(0, 1) == Approx(std::log(2.0 / 3)));
  CHECK(m.log_likelihood_ratio(1, 0) == Approx(std::log(5.0 / 3)));
  CHECK(m.log_likelihood_ratio(1, 1) == Approx(std::log(2.5)));
  CHECK(m.log_likelihood_ratio(1, 2) == Approx(std::log(5.0 / 18)));
  CHECK(m.won_count(1, 1) == 2);
  CHECK(m.lost_count(1, 2) == 2);
  // Score (A0, B1): odds 3/2 * 5/2 = 15/4 -> 15/19; (A1, B2): 2/3 * 5/18 = 5/27 -> 5/32; (A1, -): 2/3 -> 2/5.
  const std::vector<dense_id> sa{0, 1, 1}, sb{1, 2, no_id};
  const std::vector<fn::categorical_column> sf{{sa, 2}, {sb, 3}};
  std::vector<double> out(3);
  m.score(sf, {}, out);
  CHECK(out[0] == Approx(15.0 / 19).epsilon(1e-14));
  CHECK(out[1] == Approx(5.0 / 32).epsilon(1e-14));
  CHECK(out[2] == Approx(0.4).epsilon(1e-14));

  // With the stage: won deals count for stages 0, 1, 2 (3 each); lost deals count up to where they
  // were lost: stage 0: 3, stage 1: 2, stage 2: 1. P(k|won) = 4/12; P(k|lost) = 4/9, 3/9, 2/9.
  const fn::stage_layout L = fn::stage_layout::numbered(3);
  const fn::naive_bayes_scorer ms = fn::naive_bayes_scorer::fit(fields, d.stage, L, d.won);
  CHECK(ms.stage_won_count(1) == 3);
  CHECK(ms.stage_lost_count(0) == 3);
  CHECK(ms.stage_lost_count(1) == 2);
  CHECK(ms.stage_lost_count(2) == 1);
  CHECK(ms.stage_log_likelihood_ratio(0) == Approx(std::log(0.75)));
  CHECK(ms.stage_log_likelihood_ratio(1) == Approx(0.0).margin(1e-15));
  CHECK(ms.stage_log_likelihood_ratio(2) == Approx(std::log(1.5)));
  const std::vector<std::int8_t> st{2, 0, 1};
  ms.score(sf, st, out);
  CHECK(out[0] == Approx(45.0 / 53).epsilon(1e-14));  // 15/4 * 3/2 = 45/8
  CHECK(out[1] == Approx(5.0 / 41).epsilon(1e-14));   // 5/27 * 3/4 = 5/36
  CHECK(out[2] == Approx(0.4).epsilon(1e-14));

  // Small alpha: (A0, B1) has odds (2.01/1.01) * (2.01/3.03)/(0.01/2.03) ~ 268, p ~ 0.9963 -> clamped.
  fn::naive_bayes_options o;
  o.alpha = 0.01;
  fn::naive_bayes_scorer::fit(fields, d.won, o).score(sf, {}, out);
  CHECK(out[0] == 0.99);
  o.clamp_high = 1.0;
  fn::naive_bayes_scorer::fit(fields, d.won, o).score(sf, {}, out);
  const double odds = (2.01 / 1.01) * ((2.01 / 3.03) / (0.01 / 2.03));
  CHECK(out[0] == Approx(odds / (1 + odds)).epsilon(1e-12));
}

TEST_CASE("naive Bayes agrees with a direct brute-force evaluation of its definition", "[funnel][scoring][nb]") {
  const fn::stage_layout L = fn::stage_layout::numbered(4);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    funnel_test::rng g(seed);
    const int n = 400, F = 3;
    const std::size_t card[F] = {2, 5, 9};
    std::vector<std::vector<dense_id>> cols(F, std::vector<dense_id>(n));
    std::vector<std::uint8_t> won(n);
    std::vector<std::int8_t> stage(n);
    for (int i = 0; i < n; ++i) {
      for (int f = 0; f < F; ++f)
        cols[static_cast<std::size_t>(f)][static_cast<std::size_t>(i)] =
            g.uniform() < 0.1 ? no_id : static_cast<dense_id>(g.below(card[f] - (f == 2 ? 1 : 0)));  // value 8 of field 2 unseen
      won[static_cast<std::size_t>(i)] = g.uniform() < 0.35 + 0.1 * (cols[0][static_cast<std::size_t>(i)] == 1);
      stage[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(g.below(4));
    }
    std::vector<fn::categorical_column> fields;
    for (int f = 0; f < F; ++f) fields.push_back({cols[static_cast<std::size_t>(f)], card[f]});
    fn::naive_bayes_options o;
    o.alpha = 0.5;
    o.clamp_low = 0;
    o.clamp_high = 1;
    const fn::naive_bayes_scorer m = fn::naive_bayes_scorer::fit(fields, stage, L, won, o);
    // Score some random deals, including the unseen value.
    const int k = 50;
    std::vector<std::vector<dense_id>> sc(F, std::vector<dense_id>(k));
    std::vector<std::int8_t> sst(k);
    for (int i = 0; i < k; ++i) {
      for (int f = 0; f < F; ++f) sc[static_cast<std::size_t>(f)][static_cast<std::size_t>(i)] = g.uniform() < 0.1 ? no_id : static_cast<dense_id>(g.below(card[f]));
      sst[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(g.below(4));
    }
    std::vector<fn::categorical_column> sfields;
    for (int f = 0; f < F; ++f) sfields.push_back({sc[static_cast<std::size_t>(f)], card[f]});
    std::vector<double> out(k);
    m.score(sfields, sst, out);
    for (int i = 0; i < k; ++i) {
      // Brute force: recount the training rows for this deal's values.
      double W = 0, Lc = 0;
      for (int r = 0; r < n; ++r) (won[static_cast<std::size_t>(r)] ? W : Lc) += 1;
      double lo = std::log((W + 0.5) / (Lc + 0.5));
      for (int f = 0; f < F; ++f) {
        const dense_id v = sc[static_cast<std::size_t>(f)][static_cast<std::size_t>(i)];
        if (v < 0) continue;
        double nw = 0, nl = 0, Nw = 0, Nl = 0;
        for (int r = 0; r < n; ++r) {
          const dense_id x = cols[static_cast<std::size_t>(f)][static_cast<std::size_t>(r)];
          if (x < 0) continue;
          const bool w = won[static_cast<std::size_t>(r)];
          (w ? Nw : Nl) += 1;
          if (x == v) (w ? nw : nl) += 1;
        }
        const double V = static_cast<double>(card[f]);
        lo += std::log((nw + 0.5) / (Nw + 0.5 * V)) - std::log((nl + 0.5) / (Nl + 0.5 * V));
      }
      // Stage: won deals count at every stage, lost deals at stages <= where lost.
      const int s = sst[static_cast<std::size_t>(i)];
      double sw = 0, sl = 0, Sw = 0, Sl = 0;
      for (int r = 0; r < n; ++r)
        for (int q = 0; q < 4; ++q) {
          const bool counts = won[static_cast<std::size_t>(r)] || q <= stage[static_cast<std::size_t>(r)];
          if (!counts) continue;
          (won[static_cast<std::size_t>(r)] ? Sw : Sl) += 1;
          if (q == s) (won[static_cast<std::size_t>(r)] ? sw : sl) += 1;
        }
      lo += std::log((sw + 0.5) / (Sw + 2.0)) - std::log((sl + 0.5) / (Sl + 2.0));
      INFO("seed " << seed << " deal " << i);
      CHECK(out[static_cast<std::size_t>(i)] == Approx(1 / (1 + std::exp(-lo))).epsilon(1e-12));
    }
  }
}

TEST_CASE("naive Bayes argument checks", "[funnel][scoring][nb]") {
  const nb_data d;
  const auto fields = d.fields();
  const fn::stage_layout L = fn::stage_layout::numbered(3);
  fn::naive_bayes_options o;
  o.alpha = 0;
  CHECK_THROWS_WITH(fn::naive_bayes_scorer::fit(fields, d.won, o), Catch::Contains("alpha must be finite and > 0"));
  std::vector<std::uint8_t> bad = d.won;
  bad[2] = 2;
  CHECK_THROWS_WITH(fn::naive_bayes_scorer::fit(fields, bad, {}), Catch::Contains("label of row 2 is 2"));
  std::vector<std::int8_t> st = d.stage;
  st[3] = 3;  // a lost deal "lost at won"
  CHECK_THROWS_WITH(fn::naive_bayes_scorer::fit(fields, st, L, d.won), Catch::Contains("row 3: a lost deal needs the open stage"));
  const fn::naive_bayes_scorer m = fn::naive_bayes_scorer::fit(fields, d.won);
  std::vector<double> out(6);
  const std::vector<dense_id> big{0, 0, 0, 0, 0, 7};
  const std::vector<fn::categorical_column> bf{{d.a, 2}, {big, 3}};
  CHECK_THROWS_WITH(m.score(bf, {}, out), Catch::Contains("categorical field 1, row 5: value 7"));
  CHECK_THROWS_WITH(m.score(fields, d.stage, out), Catch::Contains("fitted without the stage"));
  const std::vector<fn::categorical_column> wrong{{d.a, 3}, {d.b, 3}};
  CHECK_THROWS_WITH(m.score(wrong, {}, out), Catch::Contains("field 0 has cardinality 3, the model 2"));
  std::vector<double> short_out(5);
  CHECK_THROWS_WITH(m.score(fields, {}, short_out), Catch::Contains("has 6 rows, expected 5"));
}

TEST_CASE("logistic regression: closed forms of saturated models", "[funnel][scoring][logit]") {
  // Intercept only (a constant numeric column has sd 0 and contributes nothing): b0 = logit(3/8).
  const std::vector<std::uint8_t> y{1, 0, 0, 1, 0, 1, 0, 0};
  const std::vector<double> c(8, 5.0);
  const std::vector<fn::numeric_column> num{{c}};
  const fn::logistic_scorer m = fn::logistic_scorer::fit(num, {}, y, {0.0, 100, 1e-12});
  CHECK(m.converged());
  CHECK(m.coefficients()(0) == Approx(std::log(3.0 / 5)).epsilon(1e-10));
  CHECK(m.coefficients()(1) == Approx(0.0).margin(1e-12));

  // One binary feature, lambda = 0: x = 0 has 1 of 4 won, x = 1 has 3 of 4 won. Standardised
  // z = +-1, so b0 - b1 = logit(1/4) = -log 3 and b0 + b1 = log 3: b0 = 0, b1 = log 3.
  const std::vector<double> x{0, 0, 0, 0, 1, 1, 1, 1};
  const std::vector<std::uint8_t> y2{1, 0, 0, 0, 1, 1, 1, 0};
  const std::vector<fn::numeric_column> nx{{x}};
  const fn::logistic_scorer m2 = fn::logistic_scorer::fit(nx, {}, y2, {0.0, 100, 1e-12});
  CHECK(m2.converged());
  CHECK(m2.means()[0] == 0.5);
  CHECK(m2.sds()[0] == 0.5);
  CHECK(m2.coefficients()(0) == Approx(0.0).margin(1e-9));
  CHECK(m2.coefficients()(1) == Approx(std::log(3.0)).epsilon(1e-9));
  std::vector<double> p(8);
  m2.score(nx, {}, p);
  CHECK(p[0] == Approx(0.25).epsilon(1e-9));
  CHECK(p[7] == Approx(0.75).epsilon(1e-9));
  // With lambda = 4 the optimum solves g(b1) = 4 (sigma(b1) - 3/4) - 4 (sigma(-b1) - 1/4) ... + 4 b1 = 0
  // i.e. 8 sigma(b1) - 6 + 4 b1 = 0 by symmetry (b0 = 0); bisection gives b1.
  const fn::logistic_scorer m3 = fn::logistic_scorer::fit(nx, {}, y2, {4.0, 100, 1e-12});
  double lo = 0, hi = 2;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (8 / (1 + std::exp(-mid)) - 6 + 4 * mid < 0 ? lo : hi) = mid;
  }
  CHECK(m3.coefficients()(0) == Approx(0.0).margin(1e-9));
  CHECK(m3.coefficients()(1) == Approx(lo).epsilon(1e-9));
}

TEST_CASE("logistic regression: zero gradient at the optimum and agreement with gradient descent", "[funnel][scoring][logit]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    funnel_test::rng g(seed);
    const int n = 300;
    std::vector<double> x1(n), x2(n);
    std::vector<dense_id> cat(n);
    std::vector<std::uint8_t> y(n);
    for (int i = 0; i < n; ++i) {
      const auto u = static_cast<std::size_t>(i);
      x1[u] = 100 + 30 * (g.uniform() + g.uniform() - 1);
      x2[u] = g.uniform() < 0.05 ? std::nan("") : g.uniform() * 5;
      cat[u] = g.uniform() < 0.05 ? no_id : static_cast<dense_id>(g.below(3));
      const double z = 0.03 * (x1[u] - 100) - 0.4 * (std::isnan(x2[u]) ? 2.5 : x2[u]) + 0.8 * (cat[u] == 2) + 0.5;
      y[u] = g.uniform() < 1 / (1 + std::exp(-z));
    }
    const std::vector<fn::numeric_column> num{{x1}, {x2}};
    const std::vector<fn::categorical_column> cats{{cat, 3}};
    const double lambda = 0.5 + static_cast<double>(seed);
    const fn::logistic_scorer m = fn::logistic_scorer::fit(num, cats, y, {lambda, 100, 1e-12});
    INFO("seed " << seed);
    REQUIRE(m.converged());
    const Eigen::MatrixXd X = m.design_matrix(num, cats);
    REQUIRE(X.cols() == 6);
    Eigen::VectorXd yy(n);
    for (int i = 0; i < n; ++i) yy(i) = y[static_cast<std::size_t>(i)];
    auto grad = [&](const Eigen::VectorXd& b) {
      Eigen::VectorXd mu = X * b;
      for (int i = 0; i < n; ++i) mu(i) = 1 / (1 + std::exp(-mu(i)));
      Eigen::VectorXd gr = X.transpose() * (mu - yy);
      gr.tail(5) += lambda * b.tail(5);
      return gr;
    };
    CHECK(grad(m.coefficients()).cwiseAbs().maxCoeff() < 1e-8);
    // Accelerated gradient descent (Nesterov, FISTA's momentum) from zero with step
    // 1/Lipschitz(grad) = 1 / (||X||_2^2 / 4 + lambda): an independent route to the optimum that
    // needs far fewer steps than plain descent (which took 200,000 and 45 s under ASan).
    const Eigen::MatrixXd XtX = X.transpose() * X;
    const double lip = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(XtX).eigenvalues().maxCoeff() / 4 + lambda;
    Eigen::VectorXd b = Eigen::VectorXd::Zero(6), previous = b;
    double t = 1;
    int steps = 0;
    for (; steps < 200000 && (steps < 100 || grad(b).cwiseAbs().maxCoeff() > 1e-11); ++steps) {
      const double t_next = (1 + std::sqrt(1 + 4 * t * t)) / 2;
      const Eigen::VectorXd y = b + ((t - 1) / t_next) * (b - previous);
      previous = b;
      b = y - grad(y) / lip;
      t = t_next;
    }
    INFO("accelerated descent steps " << steps);
    CHECK((b - m.coefficients()).cwiseAbs().maxCoeff() < 1e-6);
    // Scoring = sigmoid(X b), with the NaN imputation and missing categories.
    std::vector<double> p(n);
    m.score(num, cats, p);
    const Eigen::VectorXd eta = X * m.coefficients();
    for (int i = 0; i < n; ++i) CHECK(p[static_cast<std::size_t>(i)] == Approx(1 / (1 + std::exp(-eta(i)))).epsilon(1e-12));
  }
}

TEST_CASE("logistic regression argument checks", "[funnel][scoring][logit]") {
  const std::vector<double> x{1, 2, 3};
  const std::vector<dense_id> c{0, 1, 5};
  const std::vector<std::uint8_t> y{1, 0, 1};
  const std::vector<fn::numeric_column> num{{x}};
  const std::vector<fn::categorical_column> cats{{c, 2}};
  CHECK_THROWS_WITH(fn::logistic_scorer::fit(num, cats, y), Catch::Contains("categorical field 0, row 2: value 5"));
  CHECK_THROWS_WITH(fn::logistic_scorer::fit(num, {}, std::vector<std::uint8_t>{}), Catch::Contains("no training deals"));
  CHECK_THROWS_WITH(fn::logistic_scorer::fit(num, {}, std::vector<std::uint8_t>{1, 0}), Catch::Contains("numeric column 0 has 3 rows, expected 2"));
  CHECK_THROWS_WITH(fn::logistic_scorer::fit(num, {}, y, {-1.0, 10, 1e-9}), Catch::Contains("lambda"));
  const fn::logistic_scorer m = fn::logistic_scorer::fit(num, {}, y);
  std::vector<double> out(3);
  CHECK_THROWS_WITH(m.score(num, cats, out), Catch::Contains("the model has 1 and 0"));
}

}  // namespace funnel_deal_scoring_test
