// salesmetrics/funnel/naive_bayes_scorer.hpp: naive-Bayes win probability, in the manner of
// Odoo's predictive lead scoring.
//
// Training on closed deals (won[i] = 1 won, 0 lost) with F categorical fields and, optionally,
// the stage. With smoothing alpha > 0 (default 1, Laplace):
//   W, L             number of won, lost training deals
//   n_won(f, v)      won deals whose field f is v (missing values are not counted); n_lost alike
//   N_won(f)         sum_v n_won(f, v); N_lost(f) alike; V(f) the cardinality of f
//   P(v | won, f)  = (n_won(f, v) + alpha) / (N_won(f) + alpha V(f)), P(v | lost, f) alike
//   Stage, as Odoo counts it: a won deal counts (won) for EVERY open stage (it passed them all);
//   a lost deal counts (lost) for every open stage up to and including the stage where it was
//   lost (stage[i], an open stage). Then n_won(stage, k), n_lost(stage, k) are these counts and
//   P(k | won, stage) = (n_won(stage, k) + alpha) / (sum_k n_won(stage, k) + alpha T), T open stages.
//   prior log-odds  = log((W + alpha) / (L + alpha))
//   llr(f, v)       = log P(v | won, f) - log P(v | lost, f)
//   log-odds(deal)  = prior + sum over its non-missing fields of llr(f, v) [+ llr(stage, its stage)]
//   score           = clamp(1 / (1 + exp(-log-odds)), 0.01, 0.99)
// The clamp (options clamp_low/clamp_high, default 0.01/0.99 as Odoo) keeps sparse tables from
// claiming certainty: a value seen only in won deals would otherwise push a score to ~1.
// Scoring reads the precomputed llr tables: one table lookup per field per deal, no allocation.
// Errors (std::invalid_argument): alpha <= 0, columns of unequal length, a value >= cardinality,
// a label other than 0/1, a lost deal (or a scored deal) whose stage is not an open stage, a
// stage out of range, an empty training set, fields given at scoring that differ in number or
// cardinality from training.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/funnel/feature_columns.hpp>
#include <salesmetrics/funnel/stage_layout.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

struct naive_bayes_options {
  double alpha = 1.0;
  double clamp_low = 0.01;
  double clamp_high = 0.99;
};

class naive_bayes_scorer {
 public:
  /// Fit without the stage feature.
  [[nodiscard]] static naive_bayes_scorer fit(std::span<const categorical_column> fields, std::span<const std::uint8_t> won,
                                              const naive_bayes_options& opt = {}) {
    return fit_impl(fields, won, {}, nullptr, opt);
  }
  /// Fit with the stage feature: stage[i] is where a lost deal was lost (ignored for won deals).
  [[nodiscard]] static naive_bayes_scorer fit(std::span<const categorical_column> fields, std::span<const std::int8_t> stage,
                                              const stage_layout& stages, std::span<const std::uint8_t> won,
                                              const naive_bayes_options& opt = {}) {
    return fit_impl(fields, won, stage, &stages, opt);
  }

  /// Scores into out (one per deal). `stage` must be given iff the model was fitted with it.
  void score(std::span<const categorical_column> fields, std::span<const std::int8_t> stage, std::span<double> out) const {
    const char* who = "funnel::naive_bayes_scorer::score";
    const std::size_t n = out.size();
    check_fields(fields, who, n);
    if (uses_stage_ != !stage.empty() || (uses_stage_ && stage.size() != n))
      detail::bad_feature(who, uses_stage_ ? "the model uses the stage: pass one stage per deal" : "the model was fitted without the stage: pass an empty stage span");
    std::fill(out.begin(), out.end(), prior_);
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const double* t = llr_.data() + offset_[f];
      const auto card = static_cast<std::size_t>(cardinality_[f]);
      const dense_id* v = fields[f].values.data();
      for (std::size_t i = 0; i < n; ++i) {
        const dense_id x = v[i];
        if (x < 0) continue;
        if (static_cast<std::size_t>(x) >= card) [[unlikely]]
          detail::bad_value(who, f, i, x, card);
        out[i] += t[x];
      }
    }
    if (uses_stage_) {
      for (std::size_t i = 0; i < n; ++i) {
        const int s = stage[i];
        if (s < 0 || static_cast<std::size_t>(s) >= stage_llr_.size() || std::isnan(stage_llr_[static_cast<std::size_t>(s)])) [[unlikely]]
          detail::bad_feature(who, std::string("row ") + std::to_string(i) + ": stage " + std::to_string(s) + " is not an open stage");
        out[i] += stage_llr_[static_cast<std::size_t>(s)];
      }
    }
    for (double& z : out) z = std::clamp(1.0 / (1.0 + std::exp(-z)), clamp_low_, clamp_high_);
  }

  /// Prior log-odds log((W + alpha) / (L + alpha)).
  [[nodiscard]] double prior_log_odds() const noexcept { return prior_; }
  /// llr(f, v) (definition in the header comment).
  [[nodiscard]] double log_likelihood_ratio(std::size_t field, dense_id value) const {
    return llr_.at(offset_.at(field) + static_cast<std::size_t>(value));
  }
  /// llr(stage, k) by stage index; NaN for won/lost.
  [[nodiscard]] double stage_log_likelihood_ratio(int stage) const { return stage_llr_.at(static_cast<std::size_t>(stage)); }
  [[nodiscard]] std::int64_t won_count(std::size_t field, dense_id value) const { return n_won_.at(offset_.at(field) + static_cast<std::size_t>(value)); }
  [[nodiscard]] std::int64_t lost_count(std::size_t field, dense_id value) const { return n_lost_.at(offset_.at(field) + static_cast<std::size_t>(value)); }
  [[nodiscard]] std::int64_t stage_won_count(int stage) const { return stage_won_.at(static_cast<std::size_t>(stage)); }
  [[nodiscard]] std::int64_t stage_lost_count(int stage) const { return stage_lost_.at(static_cast<std::size_t>(stage)); }
  [[nodiscard]] bool uses_stage() const noexcept { return uses_stage_; }

 private:
  static naive_bayes_scorer fit_impl(std::span<const categorical_column> fields, std::span<const std::uint8_t> won,
                                     std::span<const std::int8_t> stage, const stage_layout* L, const naive_bayes_options& opt) {
    const char* who = "funnel::naive_bayes_scorer::fit";
    if (!(opt.alpha > 0 && std::isfinite(opt.alpha))) detail::bad_feature(who, std::string("alpha must be finite and > 0, got ") + std::to_string(opt.alpha));
    if (!(opt.clamp_low >= 0 && opt.clamp_low <= opt.clamp_high && opt.clamp_high <= 1))
      detail::bad_feature(who, "need 0 <= clamp_low <= clamp_high <= 1");
    const std::size_t n = won.size();
    if (n == 0) detail::bad_feature(who, "no training deals");
    detail::check_labels(who, won);
    naive_bayes_scorer m;
    m.clamp_low_ = opt.clamp_low;
    m.clamp_high_ = opt.clamp_high;
    std::size_t total = 0;
    for (const auto& c : fields) {
      m.offset_.push_back(total);
      m.cardinality_.push_back(static_cast<std::int64_t>(c.cardinality));
      total += c.cardinality;
    }
    m.check_fields(fields, who, n);
    m.n_won_.assign(total, 0);
    m.n_lost_.assign(total, 0);
    std::int64_t W = 0;
    for (std::size_t i = 0; i < n; ++i) W += won[i];
    const std::int64_t Lc = static_cast<std::int64_t>(n) - W;
    for (std::size_t f = 0; f < fields.size(); ++f)
      for (std::size_t i = 0; i < n; ++i) {
        const dense_id x = fields[f].values[i];
        if (x < 0) continue;
        if (static_cast<std::size_t>(x) >= fields[f].cardinality) detail::bad_value(who, f, i, x, fields[f].cardinality);
        ++(won[i] ? m.n_won_ : m.n_lost_)[m.offset_[f] + static_cast<std::size_t>(x)];
      }
    const double a = opt.alpha;
    m.prior_ = std::log((static_cast<double>(W) + a) / (static_cast<double>(Lc) + a));
    m.llr_.assign(total, 0);
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const std::size_t b = m.offset_[f], V = fields[f].cardinality;
      double nw = 0, nl = 0;
      for (std::size_t v = 0; v < V; ++v) {
        nw += static_cast<double>(m.n_won_[b + v]);
        nl += static_cast<double>(m.n_lost_[b + v]);
      }
      const double dv = static_cast<double>(V);
      for (std::size_t v = 0; v < V; ++v)
        m.llr_[b + v] = std::log((static_cast<double>(m.n_won_[b + v]) + a) / (nw + a * dv)) -
                        std::log((static_cast<double>(m.n_lost_[b + v]) + a) / (nl + a * dv));
    }
    if (L != nullptr) {
      m.uses_stage_ = true;
      detail::check_rows(who, "stage", stage.size(), n);
      const std::size_t S = L->size();
      const auto& tr = L->transient_stages();
      m.stage_won_.assign(S, 0);
      m.stage_lost_.assign(S, 0);
      std::vector<std::int64_t> lost_at(tr.size(), 0);
      for (std::size_t i = 0; i < n; ++i) {
        const int s = stage[i];
        if (s < 0 || static_cast<std::size_t>(s) >= S)
          detail::bad_feature(who, std::string("row ") + std::to_string(i) + ": stage " + std::to_string(s) + " is outside 0.." + std::to_string(S - 1));
        if (won[i]) continue;
        const int p = L->position(s);
        if (p < 0)
          detail::bad_feature(who, std::string("row ") + std::to_string(i) + ": a lost deal needs the open stage where it was lost, got stage " + std::to_string(s));
        ++lost_at[static_cast<std::size_t>(p)];
      }
      std::int64_t suffix = 0;  // lost deals lost at position >= p
      for (std::size_t p = tr.size(); p-- > 0;) {
        suffix += lost_at[p];
        m.stage_lost_[static_cast<std::size_t>(tr[p])] = suffix;
        m.stage_won_[static_cast<std::size_t>(tr[p])] = W;
      }
      double nw = 0, nl = 0;
      for (int k : tr) {
        nw += static_cast<double>(m.stage_won_[static_cast<std::size_t>(k)]);
        nl += static_cast<double>(m.stage_lost_[static_cast<std::size_t>(k)]);
      }
      const double dT = static_cast<double>(tr.size());
      m.stage_llr_.assign(S, std::numeric_limits<double>::quiet_NaN());
      for (int k : tr) {
        const auto ku = static_cast<std::size_t>(k);
        m.stage_llr_[ku] = std::log((static_cast<double>(m.stage_won_[ku]) + a) / (nw + a * dT)) -
                           std::log((static_cast<double>(m.stage_lost_[ku]) + a) / (nl + a * dT));
      }
    }
    return m;
  }

  void check_fields(std::span<const categorical_column> fields, const char* who, std::size_t n) const {
    if (fields.size() != cardinality_.size())
      detail::bad_feature(who, std::string("got ") + std::to_string(fields.size()) + " categorical fields, the model has " + std::to_string(cardinality_.size()));
    for (std::size_t f = 0; f < fields.size(); ++f) {
      if (static_cast<std::int64_t>(fields[f].cardinality) != cardinality_[f])
        detail::bad_feature(who, std::string("field ") + std::to_string(f) + " has cardinality " + std::to_string(fields[f].cardinality) + ", the model " +
                                     std::to_string(cardinality_[f]));
      detail::check_rows(who, (std::string("categorical field ") + std::to_string(f)).c_str(), fields[f].values.size(), n);
    }
  }

  double prior_ = 0;
  double clamp_low_ = 0.01;
  double clamp_high_ = 0.99;
  bool uses_stage_ = false;
  std::vector<std::size_t> offset_;
  std::vector<std::int64_t> cardinality_;
  std::vector<std::int64_t> n_won_, n_lost_;
  std::vector<double> llr_;
  std::vector<std::int64_t> stage_won_, stage_lost_;
  std::vector<double> stage_llr_;
};

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
