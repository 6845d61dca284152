// salesmetrics/relationship/similar_deals.hpp: the won deals most like an open one, and its KPIs side by side with theirs.
//
// Definitions
//   as_of        options.kpi.as_of, else one second after the latest completed activity (options.hpp)
//   candidates   won opportunities closed before as_of (a missing closed_ts counts as closed)
//   features     of an opportunity, in this order:
//     log_amount         ln(1 + amount in currency units); a missing amount is missing
//     ATTR=VALUE         for each name in options.attributes that is a categorical opportunity
//                        attribute: 1 if the deal has that value, else 0 (one feature per value; a
//                        missing value is 0 everywhere); absent attributes are skipped
//     ATTR               for a numeric attribute of that name: its value (NaN = missing)
//     stage_reached      the highest open stage the deal reached, over its stage history rows
//                        before as_of (from and to stages) and its stage column, divided by
//                        max(1, open stages - 1); a deal with no open stage on record: the last
//                        open stage if won, missing otherwise (needs the data's stage list)
//     share_emails, share_meetings, share_calls   its completed e-mails, meetings, calls over all
//                        its completed interactions before as_of; missing without interactions
//   standardising  z = (x - mean) / sd with the candidates' mean and population sd; a missing
//                  value gets z = 0 (the candidates' mean); a feature whose sd is 0 contributes 0
//   distance     the Euclidean distance between z vectors (one Eigen row-wise norm over the
//                candidates' z matrix)
//   neighbours   the k candidates nearest the query deal, nearest first (ties: smaller id)
//   too few      with fewer than options.min_won candidates there are no neighbours
//                (enough_won = false), only the deal's own KPIs
//   KPIs         each deal's relationship panel over its whole history before as_of (analyse()
//                with group::opportunity and the window [-inf, as_of)): interactions, time
//                invested by us (hours), our and their reply rates, mean and median reply hours.
//                A deal without activities has 0 interactions, 0 hours and NaN rates and delays.
//                neighbour_mean: each KPI's mean over the neighbours, NaN values skipped (NaN when
//                every neighbour's is NaN or there is no neighbour).
// The data set must outlive the similar_deals object (it keeps a crm_view of it).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/execution.hpp>
#include <salesmetrics/metrics/group_by.hpp>
#include <salesmetrics/relationship/decay_policy.hpp>
#include <salesmetrics/relationship/options.hpp>
#include <salesmetrics/relationship/panel.hpp>
#include <salesmetrics/relationship/reply_pairing.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace relationship {

struct similar_deals_options {
  std::size_t k = 5;
  std::size_t min_won = 5;
  std::vector<std::string> attributes{"segment", "size", "account_size", "client_size", "product"};
  relationship_options kpi{};  // as_of, e-mail minutes (the window is always [-inf, as_of))
};

struct deal_kpis {
  double interactions = 0;  // a double so that neighbour_mean can hold a mean
  double time_invested_hours = 0;
  double our_reply_rate = std::numeric_limits<double>::quiet_NaN();
  double their_reply_rate = std::numeric_limits<double>::quiet_NaN();
  double our_mean_reply_hours = std::numeric_limits<double>::quiet_NaN();
  double their_mean_reply_hours = std::numeric_limits<double>::quiet_NaN();
  double our_median_reply_hours = std::numeric_limits<double>::quiet_NaN();
  double their_median_reply_hours = std::numeric_limits<double>::quiet_NaN();
};

struct similar_deal {
  dense_id opportunity = no_id;
  std::string label;
  double distance = 0;
  deal_kpis kpis{};
};

struct similar_deals_result {
  dense_id opportunity = no_id;
  std::string label;
  bool enough_won = false;
  std::size_t candidates = 0;
  std::vector<std::string> features;
  std::vector<double> z;  // the deal's standardised features
  deal_kpis kpis{};
  std::vector<similar_deal> neighbours;
  deal_kpis neighbour_mean{};
};

namespace detail {
[[nodiscard]] inline deal_kpis kpis_of(const relationship_panel& p) {
  return {static_cast<double>(p.interactions),
          p.time_invested_hours_ours,
          p.our_replies.rate,
          p.their_replies.rate,
          p.our_replies.mean_hours,
          p.their_replies.mean_hours,
          p.our_replies.median_hours,
          p.their_replies.median_hours};
}
[[nodiscard]] inline double nan_mean(const std::vector<double>& v) {
  double s = 0;
  std::size_t n = 0;
  for (double x : v)
    if (!std::isnan(x)) s += x, ++n;
  return n == 0 ? std::numeric_limits<double>::quiet_NaN() : s / static_cast<double>(n);
}
}  // namespace detail

/// Built once per data set; query() answers for any open opportunity.
template <DecayPolicy D = default_decay>
class similar_deals {
 public:
  template <ExecutionPolicy Policy = sequential_policy>
  explicit similar_deals(const crm_view& data, similar_deals_options options = {}, const Policy& policy = seq)
      : similar_deals(data, pair_replies(data, policy), std::move(options), policy) {}

  template <ExecutionPolicy Policy = sequential_policy>
  similar_deals(const crm_view& data, const reply_annotation& replies, similar_deals_options options, const Policy& policy = seq)
      : options_(std::move(options)), data_(data) {
    relationship_options kpi = options_.kpi;
    kpi.window = {};
    kpi.top_n = 0;
    as_of_ = resolve_windows(data.activities, kpi).as_of;
    kpi.window = {time_window{}.from, as_of_};
    kpi.as_of = as_of_;
    const relationship_report report = analyse<D>(data, metrics::group::opportunity, kpi, replies, policy);
    build_features(report);
  }

  [[nodiscard]] timestamp as_of() const noexcept { return as_of_; }
  [[nodiscard]] std::size_t candidates() const noexcept { return candidate_rows_.size(); }
  [[nodiscard]] const std::vector<std::string>& feature_names() const noexcept { return names_; }

  /// The neighbours of an open opportunity; throws std::invalid_argument for an unknown id or a closed deal.
  [[nodiscard]] similar_deals_result query(dense_id opportunity) const {
    const auto& o = data_.opportunities;
    const std::size_t row = row_of(opportunity);
    if (o.status[row] != deal_status::open)
      throw std::invalid_argument("salesmetrics::relationship::similar_deals::query: opportunity " + label_of(row) +
                                  " is not open (similar won deals are sought for open deals)");
    similar_deals_result r;
    r.opportunity = opportunity;
    r.label = label_of(row);
    r.candidates = candidate_rows_.size();
    r.features = names_;
    r.kpis = kpis_[row];
    const Eigen::RowVectorXd q = z_.row(static_cast<Eigen::Index>(row));
    r.z.assign(q.data(), q.data() + q.size());
    r.enough_won = candidate_rows_.size() >= std::max<std::size_t>(options_.min_won, 1);
    if (!r.enough_won) return r;
    Eigen::MatrixXd candidates(static_cast<Eigen::Index>(candidate_rows_.size()), z_.cols());
    for (std::size_t c = 0; c < candidate_rows_.size(); ++c)
      candidates.row(static_cast<Eigen::Index>(c)) = z_.row(static_cast<Eigen::Index>(candidate_rows_[c]));
    const Eigen::VectorXd distance = (candidates.rowwise() - q).rowwise().norm();
    std::vector<std::size_t> order(candidate_rows_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    const std::size_t k = std::min(options_.k, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), [&](std::size_t a, std::size_t b) {
      const double da = distance(static_cast<Eigen::Index>(a)), db = distance(static_cast<Eigen::Index>(b));
      if (da != db) return da < db;
      return o.opportunity_id[candidate_rows_[a]] < o.opportunity_id[candidate_rows_[b]];
    });
    std::vector<std::vector<double>> columns(8);
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t crow = candidate_rows_[order[i]];
      r.neighbours.push_back({o.opportunity_id[crow], label_of(crow), distance(static_cast<Eigen::Index>(order[i])), kpis_[crow]});
      const deal_kpis& n = kpis_[crow];
      const double v[8] = {n.interactions, n.time_invested_hours, n.our_reply_rate, n.their_reply_rate,
                           n.our_mean_reply_hours, n.their_mean_reply_hours, n.our_median_reply_hours, n.their_median_reply_hours};
      for (std::size_t c = 0; c < 8; ++c) columns[c].push_back(v[c]);
    }
    r.neighbour_mean = {detail::nan_mean(columns[0]), detail::nan_mean(columns[1]), detail::nan_mean(columns[2]),
                        detail::nan_mean(columns[3]), detail::nan_mean(columns[4]), detail::nan_mean(columns[5]),
                        detail::nan_mean(columns[6]), detail::nan_mean(columns[7])};
    return r;
  }

 private:
  [[nodiscard]] std::size_t row_of(dense_id id) const {
    if (id >= 0 && static_cast<std::size_t>(id) < row_by_id_.size() && row_by_id_[static_cast<std::size_t>(id)] >= 0)
      return static_cast<std::size_t>(row_by_id_[static_cast<std::size_t>(id)]);
    throw std::invalid_argument("salesmetrics::relationship::similar_deals::query: no opportunity with id " + std::to_string(id));
  }
  [[nodiscard]] std::string label_of(std::size_t row) const {
    const dense_id id = data_.opportunities.opportunity_id[row];
    if (data_.dictionaries != nullptr && static_cast<std::size_t>(id) < data_.dictionaries->opportunities.size())
      return data_.dictionaries->opportunities.name(id);
    return std::to_string(id);
  }

  void build_features(const relationship_report& report) {
    const opportunity_view& o = data_.opportunities;
    const std::size_t n = o.size();
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    dense_id max_id = -1;
    for (dense_id id : o.opportunity_id) max_id = std::max(max_id, id);
    row_by_id_.assign(static_cast<std::size_t>(max_id + 1), -1);
    for (std::size_t r = 0; r < n; ++r)
      if (o.opportunity_id[r] >= 0) row_by_id_[static_cast<std::size_t>(o.opportunity_id[r])] = static_cast<std::int32_t>(r);

    // KPIs and activity mix from the lifetime panels.
    kpis_.assign(n, deal_kpis{});
    std::vector<std::array<double, 3>> mix(n, {nan, nan, nan});
    for (const relationship_panel& p : report.panels) {
      const dense_id id = p.key[0];
      if (id < 0 || static_cast<std::size_t>(id) >= row_by_id_.size() || row_by_id_[static_cast<std::size_t>(id)] < 0) continue;
      const auto row = static_cast<std::size_t>(row_by_id_[static_cast<std::size_t>(id)]);
      kpis_[row] = detail::kpis_of(p);
      if (p.interactions > 0) {
        const double total = static_cast<double>(p.interactions);
        mix[row] = {static_cast<double>(p.emails.by_us + p.emails.by_them) / total,
                    static_cast<double>(p.meetings.by_us + p.meetings.by_them) / total,
                    static_cast<double>(p.calls.by_us + p.calls.by_them) / total};
      }
    }

    // Raw features, one column each.
    std::vector<std::vector<double>> cols;
    names_.clear();
    {
      std::vector<double> amount(n, nan);
      if (!o.amount.empty())
        for (std::size_t r = 0; r < n; ++r)
          if (!o.amount[r].is_missing()) amount[r] = std::log1p(std::max(0.0, o.amount[r].units()));
      cols.push_back(std::move(amount));
      names_.push_back("log_amount");
    }
    for (const std::string& name : options_.attributes) {
      const auto a = o.attribute(name);
      if (!a || a->size() != n) continue;
      if (a->categorical()) {
        for (std::size_t v = 0; v < a->labels->size(); ++v) {
          std::vector<double> col(n, 0.0);
          for (std::size_t r = 0; r < n; ++r) col[r] = a->codes[r] == static_cast<dense_id>(v) ? 1.0 : 0.0;
          cols.push_back(std::move(col));
          names_.push_back(name + "=" + a->labels->name(static_cast<dense_id>(v)));
        }
      } else {
        cols.emplace_back(a->numbers.begin(), a->numbers.end());
        names_.push_back(name);
      }
    }
    if (data_.stages != nullptr && data_.stages->open_count() > 0) {
      const stage_list& st = *data_.stages;
      std::vector<double> reached(n, -1.0);
      auto see = [&](std::size_t row, stage_index s) {
        if (st.is_open(s)) reached[row] = std::max(reached[row], static_cast<double>(s));
      };
      for (std::size_t r = 0; r < n; ++r) see(r, o.stage[r]);
      const stage_history_view& h = data_.stage_history;
      for (std::size_t i = 0; i < h.size(); ++i) {
        const dense_id id = h.opportunity_id[i];
        if (id < 0 || static_cast<std::size_t>(id) >= row_by_id_.size() || row_by_id_[static_cast<std::size_t>(id)] < 0 ||
            !(h.ts[i] < as_of_))
          continue;
        const auto row = static_cast<std::size_t>(row_by_id_[static_cast<std::size_t>(id)]);
        see(row, h.from_stage[i]);
        see(row, h.to_stage[i]);
      }
      const double last = static_cast<double>(st.open_count() - 1);
      const double scale = std::max(1.0, last);
      for (std::size_t r = 0; r < n; ++r) {
        if (reached[r] < 0) reached[r] = o.status[r] == deal_status::won ? last : nan;
        reached[r] = reached[r] / scale;
      }
      cols.push_back(std::move(reached));
      names_.push_back("stage_reached");
    }
    for (std::size_t k = 0; k < 3; ++k) {
      std::vector<double> col(n);
      for (std::size_t r = 0; r < n; ++r) col[r] = mix[r][k];
      cols.push_back(std::move(col));
      names_.push_back(k == 0 ? "share_emails" : k == 1 ? "share_meetings" : "share_calls");
    }

    // Candidates and standardisation.
    candidate_rows_.clear();
    for (std::size_t r = 0; r < n; ++r)
      if (o.status[r] == deal_status::won && (o.closed_ts.empty() || is_missing(o.closed_ts[r]) || o.closed_ts[r] < as_of_))
        candidate_rows_.push_back(r);
    z_.setZero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t c = 0; c < cols.size(); ++c) {
      double sum = 0;
      std::size_t count = 0;
      for (std::size_t r : candidate_rows_)
        if (!std::isnan(cols[c][r])) sum += cols[c][r], ++count;
      if (count == 0) continue;
      const double mean = sum / static_cast<double>(count);
      double ss = 0;
      for (std::size_t r : candidate_rows_)
        if (!std::isnan(cols[c][r])) ss += (cols[c][r] - mean) * (cols[c][r] - mean);
      const double sd = std::sqrt(ss / static_cast<double>(count));
      if (!(sd > 0)) continue;
      for (std::size_t r = 0; r < n; ++r)
        if (!std::isnan(cols[c][r])) z_(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = (cols[c][r] - mean) / sd;
    }
  }

  similar_deals_options options_;
  crm_view data_;
  timestamp as_of_{};
  std::vector<std::int32_t> row_by_id_;
  std::vector<std::size_t> candidate_rows_;
  std::vector<std::string> names_;
  std::vector<deal_kpis> kpis_;
  Eigen::MatrixXd z_;  // opportunity rows x features, standardised
};

}  // namespace relationship
SALESMETRICS_END_NAMESPACE
