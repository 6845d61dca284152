// salesmetrics/funnel/logistic_scorer.hpp: L2-penalised logistic regression for win probability.
//
// Features of deal i, in this column order: the intercept 1; each numeric column standardised,
// z = (x - mean) / sd with the mean and population sd (divide by the count) of its non-missing
// TRAINING values (sd 0 or no values: sd := 1, so the column is constant 0 after centring; a
// missing value, NaN, is imputed with the mean, i.e. z = 0); each categorical column one-hot
// over all its V values (a missing value: all zeros). With x_i the feature row, y_i the label
// (1 won, 0 lost), mu_i = 1 / (1 + exp(-x_i . b)) and D = diag(0, 1, ..., 1) (the intercept is
// not penalised), fit minimises
//     J(b) = sum_i [ log(1 + exp(x_i . b)) - y_i x_i . b ] + (lambda / 2) b' D b
// by Newton's method (IRLS): gradient g = X'(mu - y) + lambda D b, Hessian
// H = X' diag(mu (1 - mu)) X + lambda D, step = H^-1 g by an LDLT solve, halved until J decreases
// (at most 30 halvings); X is never formed densely: each row has at most 1 + p + F non-zero
// features, so one Newton step costs n (1 + p + F)^2 plus a d x d solve. Stops when
// max|g| <= tolerance * max(1, n) (converged = true) or after max_iterations. lambda = 0 is
// allowed but the optimum may not exist (separable data): the result then has converged = false.
// Scoring: p = 1 / (1 + exp(-x . b)), no clamping; one pass per feature column with the
// coefficients of the standardised features folded in advance, no allocation.
// Errors (std::invalid_argument): lambda < 0 or not finite, no training rows, unequal column
// lengths, labels not 0/1, values >= cardinality, scoring columns that differ from training.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/funnel/feature_columns.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

struct logistic_options {
  double lambda = 1.0;
  int max_iterations = 100;
  double tolerance = 1e-9;
};

// The Scalar parameter (only double is used) makes the scorer a class template: its members are
// instantiated when used, so a translation unit that includes this header without fitting does
// not instantiate the Eigen code (LDLT). logistic_scorer is the double scorer.
template <class Scalar = double>
class basic_logistic_scorer {
  using vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

 public:
  [[nodiscard]] static basic_logistic_scorer fit(std::span<const numeric_column> numeric, std::span<const categorical_column> categorical,
                                                 std::span<const std::uint8_t> won, const logistic_options& opt = {}) {
    const char* who = "funnel::logistic_scorer::fit";
    if (!(opt.lambda >= 0 && std::isfinite(opt.lambda))) detail::bad_feature(who, "lambda must be finite and >= 0");
    const std::size_t n = won.size();
    if (n == 0) detail::bad_feature(who, "no training deals");
    detail::check_labels(who, won);
    basic_logistic_scorer m;
    m.lambda_ = opt.lambda;
    for (const auto& c : categorical) m.card_.push_back(c.cardinality);
    m.check(numeric, categorical, n, who, true);
    m.learn_scaling(numeric);
    // Each row has k = 1 + p + F non-zero features at most (intercept, numeric, one per
    // categorical field), so X is kept as k (column, value) pairs per row: X b, X'r and X'WX
    // cost n k and n k^2 instead of n d and n d^2 (d grows with the categories' cardinalities).
    const sparse_rows X = m.rows(numeric, categorical, n, who);
    const std::size_t k = X.k;
    const Eigen::Index d = m.dimension();
    vector y(static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) y(static_cast<Eigen::Index>(i)) = won[i];
    vector pen = vector::Constant(d, opt.lambda);
    pen(0) = 0;
    vector b = vector::Zero(d), eta(static_cast<Eigen::Index>(n)), g(d);
    matrix H(d, d);
    auto linear = [&](const vector& beta, vector& out) {
      for (std::size_t i = 0; i < n; ++i) {
        double z = 0;
        for (std::size_t a = 0; a < k; ++a) z += X.val[i * k + a] * beta(X.col[i * k + a]);
        out(static_cast<Eigen::Index>(i)) = z;
      }
    };
    auto objective = [&](const vector& beta) {
      vector e(static_cast<Eigen::Index>(n));
      linear(beta, e);
      double J = 0;
      for (Eigen::Index i = 0; i < e.size(); ++i) J += softplus(e(i)) - y(i) * e(i);
      return J + 0.5 * beta.dot(pen.cwiseProduct(beta));
    };
    double J = objective(b);
    const double gtol = opt.tolerance * std::max(1.0, static_cast<double>(n));
    for (m.iterations_ = 0; m.iterations_ < opt.max_iterations; ++m.iterations_) {
      linear(b, eta);
      g = pen.cwiseProduct(b);
      H.setZero();
      for (std::size_t i = 0; i < n; ++i) {
        const double mu = sigmoid(eta(static_cast<Eigen::Index>(i)));
        const double r = mu - y(static_cast<Eigen::Index>(i)), w = mu * (1 - mu);
        const Eigen::Index* c = X.col.data() + i * k;
        const double* v = X.val.data() + i * k;
        for (std::size_t a = 0; a < k; ++a) {
          g(c[a]) += r * v[a];
          const double wa = w * v[a];
          for (std::size_t bb = 0; bb <= a; ++bb) H(c[a], c[bb]) += wa * v[bb];  // lower triangle (columns ascend per row)
        }
      }
      m.gradient_max_ = g.cwiseAbs().maxCoeff();
      if (m.gradient_max_ <= gtol) {
        m.converged_ = true;
        break;
      }
      H.diagonal() += pen;
      const vector step = H.template selfadjointView<Eigen::Lower>().ldlt().solve(g);
      if (!step.allFinite()) break;
      double t = 1.0;
      bool improved = false;
      for (int h = 0; h <= 30; ++h, t *= 0.5) {
        const vector cand = b - t * step;
        const double Jc = objective(cand);
        if (Jc <= J) {
          b = cand;
          J = Jc;
          improved = true;
          break;
        }
      }
      if (!improved) {
        // No decrease even for a tiny step: at the optimum up to rounding.
        m.converged_ = m.gradient_max_ <= 1e3 * gtol;
        break;
      }
    }
    m.coef_ = b;
    m.objective_ = J;
    m.fold();
    return m;
  }

  /// p(won) per deal into out.
  void score(std::span<const numeric_column> numeric, std::span<const categorical_column> categorical, std::span<double> out) const {
    const char* who = "funnel::logistic_scorer::score";
    const std::size_t n = out.size();
    check(numeric, categorical, n, who, false);
    std::fill(out.begin(), out.end(), folded_intercept_);
    for (std::size_t j = 0; j < numeric.size(); ++j) {
      const double w = folded_[j], mean = mean_[j];
      const double* x = numeric[j].values.data();
      for (std::size_t i = 0; i < n; ++i) {
        const double v = x[i];
        out[i] += std::isnan(v) ? 0.0 : w * (v - mean);
      }
    }
    Eigen::Index off = 1 + static_cast<Eigen::Index>(numeric.size());
    for (std::size_t f = 0; f < categorical.size(); ++f) {
      const double* w = coef_.data() + off;
      const dense_id* v = categorical[f].values.data();
      for (std::size_t i = 0; i < n; ++i) {
        const dense_id x = v[i];
        if (x < 0) continue;
        if (static_cast<std::size_t>(x) >= card_[f]) [[unlikely]]
          detail::bad_value(who, f, i, x, card_[f]);
        out[i] += w[x];
      }
      off += static_cast<Eigen::Index>(card_[f]);
    }
    for (double& z : out) z = sigmoid(z);
  }

  /// The design matrix of these columns with the training standardisation (for inspection/tests).
  [[nodiscard]] matrix design_matrix(std::span<const numeric_column> numeric, std::span<const categorical_column> categorical) const {
    const std::size_t n = numeric.empty() ? (categorical.empty() ? 0 : categorical[0].values.size()) : numeric[0].values.size();
    check(numeric, categorical, n, "funnel::logistic_scorer::design_matrix", false);
    return design(numeric, categorical, n, "funnel::logistic_scorer::design_matrix");
  }

  /// Coefficients b over the standardised features (intercept first).
  [[nodiscard]] const vector& coefficients() const noexcept { return coef_; }
  [[nodiscard]] const std::vector<double>& means() const noexcept { return mean_; }
  [[nodiscard]] const std::vector<double>& sds() const noexcept { return sd_; }
  [[nodiscard]] double lambda() const noexcept { return lambda_; }
  [[nodiscard]] int iterations() const noexcept { return iterations_; }
  [[nodiscard]] bool converged() const noexcept { return converged_; }
  [[nodiscard]] double gradient_max() const noexcept { return gradient_max_; }
  [[nodiscard]] double objective() const noexcept { return objective_; }

  [[nodiscard]] static double sigmoid(double z) noexcept {
    if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
    const double e = std::exp(z);
    return e / (1.0 + e);
  }
  /// log(1 + exp(z)) without overflow.
  [[nodiscard]] static double softplus(double z) noexcept { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }

 private:
  struct sparse_rows {
    std::size_t k = 0;
    std::vector<Eigen::Index> col;  // n * k, ascending within a row
    std::vector<double> val;        // n * k; a missing category has value 0
  };

  [[nodiscard]] Eigen::Index dimension() const {
    Eigen::Index d = 1 + static_cast<Eigen::Index>(mean_.size());
    for (std::size_t c : card_) d += static_cast<Eigen::Index>(c);
    return d;
  }

  /// The non-zero features of each row: intercept, standardised numeric, one per categorical.
  [[nodiscard]] sparse_rows rows(std::span<const numeric_column> numeric, std::span<const categorical_column> categorical, std::size_t n,
                                 const char* who) const {
    sparse_rows X;
    X.k = 1 + numeric.size() + categorical.size();
    X.col.resize(n * X.k);
    X.val.resize(n * X.k);
    for (std::size_t i = 0; i < n; ++i) {
      Eigen::Index* c = X.col.data() + i * X.k;
      double* v = X.val.data() + i * X.k;
      c[0] = 0;
      v[0] = 1.0;
      for (std::size_t j = 0; j < numeric.size(); ++j) {
        const double x = numeric[j].values[i];
        c[1 + j] = static_cast<Eigen::Index>(1 + j);
        v[1 + j] = std::isnan(x) ? 0.0 : (x - mean_[j]) / sd_[j];
      }
      Eigen::Index off = 1 + static_cast<Eigen::Index>(numeric.size());
      for (std::size_t f = 0; f < categorical.size(); ++f) {
        const dense_id x = categorical[f].values[i];
        if (x >= 0 && static_cast<std::size_t>(x) >= card_[f]) detail::bad_value(who, f, i, x, card_[f]);
        c[1 + numeric.size() + f] = x < 0 ? off : off + x;
        v[1 + numeric.size() + f] = x < 0 ? 0.0 : 1.0;
        off += static_cast<Eigen::Index>(card_[f]);
      }
    }
    return X;
  }

  void check(std::span<const numeric_column> numeric, std::span<const categorical_column> categorical, std::size_t n, const char* who,
             bool training) const {
    if (!training && (numeric.size() != mean_.size() || categorical.size() != card_.size()))
      detail::bad_feature(who, std::string("got ") + std::to_string(numeric.size()) + " numeric and " + std::to_string(categorical.size()) +
                                   std::string(" categorical columns, the model has ") + std::to_string(mean_.size()) + " and " + std::to_string(card_.size()));
    for (std::size_t j = 0; j < numeric.size(); ++j)
      detail::check_rows(who, (std::string("numeric column ") + std::to_string(j)).c_str(), numeric[j].values.size(), n);
    for (std::size_t f = 0; f < categorical.size(); ++f) {
      detail::check_rows(who, (std::string("categorical column ") + std::to_string(f)).c_str(), categorical[f].values.size(), n);
      if (categorical[f].cardinality != card_[f])
        detail::bad_feature(who, std::string("categorical column ") + std::to_string(f) + " has cardinality " + std::to_string(categorical[f].cardinality) +
                                     std::string(", the model ") + std::to_string(card_[f]));
    }
  }

  /// Mean and sd of each numeric column over its non-missing training values.
  void learn_scaling(std::span<const numeric_column> numeric) {
    for (const auto& c : numeric) {
      double sum = 0, ss = 0;
      std::size_t k = 0;
      for (double v : c.values)
        if (!std::isnan(v)) {
          sum += v;
          ++k;
        }
      const double mean = k == 0 ? 0.0 : sum / static_cast<double>(k);
      for (double v : c.values)
        if (!std::isnan(v)) ss += (v - mean) * (v - mean);
      const double sd = k == 0 ? 0.0 : std::sqrt(ss / static_cast<double>(k));
      mean_.push_back(mean);
      sd_.push_back(sd > 0 ? sd : 1.0);
    }
  }

  matrix design(std::span<const numeric_column> numeric, std::span<const categorical_column> categorical, std::size_t n,
                const char* who) const {
    Eigen::Index d = 1 + static_cast<Eigen::Index>(numeric.size());
    for (std::size_t c : card_) d += static_cast<Eigen::Index>(c);
    matrix X = matrix::Zero(static_cast<Eigen::Index>(n), d);
    X.col(0).setOnes();
    for (std::size_t j = 0; j < numeric.size(); ++j)
      for (std::size_t i = 0; i < n; ++i) {
        const double v = numeric[j].values[i];
        X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(1 + j)) = std::isnan(v) ? 0.0 : (v - mean_[j]) / sd_[j];
      }
    Eigen::Index off = 1 + static_cast<Eigen::Index>(numeric.size());
    for (std::size_t f = 0; f < categorical.size(); ++f) {
      for (std::size_t i = 0; i < n; ++i) {
        const dense_id x = categorical[f].values[i];
        if (x < 0) continue;
        if (static_cast<std::size_t>(x) >= card_[f]) detail::bad_value(who, f, i, x, card_[f]);
        X(static_cast<Eigen::Index>(i), off + x) = 1.0;
      }
      off += static_cast<Eigen::Index>(card_[f]);
    }
    return X;
  }

  void fold() {
    folded_.resize(mean_.size());
    folded_intercept_ = coef_(0);
    for (std::size_t j = 0; j < mean_.size(); ++j) folded_[j] = coef_(static_cast<Eigen::Index>(1 + j)) / sd_[j];
  }

  double lambda_ = 1.0;
  std::vector<std::size_t> card_;
  std::vector<double> mean_, sd_, folded_;
  double folded_intercept_ = 0;
  vector coef_;
  int iterations_ = 0;
  bool converged_ = false;
  double gradient_max_ = 0;
  double objective_ = 0;
};
using logistic_scorer = basic_logistic_scorer<>;

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
