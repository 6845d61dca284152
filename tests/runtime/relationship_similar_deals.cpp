// Similar won deals against a brute force of the definitions in similar_deals.hpp (features,
// standardisation over the won candidates, Euclidean distances, k nearest, KPIs side by side),
// on random data sets; too few won deals; bad queries.
#include "relationship_test_support.hpp"

#include <catch2/catch.hpp>

#include <salesmetrics/relationship/similar_deals.hpp>

#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace relationship_similar_deals_test {

using namespace salesmetrics;
using namespace salesmetrics::relationship;
using reltest::close;

namespace {

constexpr std::int64_t day = 86400;

crm_data random_deals(std::uint32_t seed, std::size_t n_opp) {
  crm_data d = reltest::random_history(seed, 1500);
  std::mt19937 rng(seed * 7 + 1);
  auto uni = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
  d.stages = schema_stages::runtime();
  for (std::size_t o = d.dictionaries.opportunities.size(); o < n_opp; ++o) d.dictionaries.opportunities.encode("opp" + std::to_string(o));
  for (auto& id : d.activities.opportunity_id) id = uni(0, 4) == 0 ? no_id : static_cast<dense_id>(uni(0, static_cast<std::int64_t>(n_opp) - 1));
  auto& o = d.opportunities;
  auto& segment = o.attribute("segment");
  for (const char* s : {"smb", "mid", "ent"}) segment.labels.encode(s);
  auto& product = o.attribute("product");
  for (const char* s : {"core", "addon"}) product.labels.encode(s);
  o.attributes.push_back(attribute_store{"employees", false, {}, {}, {}});
  o.attributes.push_back(attribute_store{"region", true, {}, {}, {}});  // not listed: ignored
  o.attributes.back().labels.encode("emea");
  for (std::size_t r = 0; r < n_opp; ++r) {
    o.opportunity_id.push_back(static_cast<dense_id>(n_opp - 1 - r));  // ids in reverse row order
    o.created_ts.push_back(from_unix(reltest::t_ref - uni(50, 300) * day));
    const auto s = uni(0, 9);
    const deal_status st = s < 5 ? deal_status::won : s < 8 ? deal_status::open : deal_status::lost;
    o.status.push_back(st);
    o.stage.push_back(st == deal_status::won && uni(0, 1) ? stage_index{5} : static_cast<stage_index>(uni(0, 4)));
    o.closed_ts.push_back(st == deal_status::open ? no_time : from_unix(reltest::t_ref + uni(-40, 5) * day));
    o.amount.push_back(uni(0, 6) == 0 ? money::missing() : money{uni(100, 10'000'000)});
    o.attributes[0].codes.push_back(uni(0, 5) == 0 ? no_id : static_cast<dense_id>(uni(0, 2)));
    o.attributes[1].codes.push_back(static_cast<dense_id>(uni(0, 1)));
    o.attributes[2].numbers.push_back(uni(0, 5) == 0 ? std::nan("") : static_cast<double>(uni(1, 5000)));
    o.attributes[3].codes.push_back(0);
  }
  auto& h = d.stage_history;
  for (std::size_t k = 0; k < n_opp * 2; ++k) {
    h.opportunity_id.push_back(static_cast<dense_id>(uni(0, static_cast<std::int64_t>(n_opp) - 1)));
    h.ts.push_back(from_unix(reltest::t_ref + uni(-200, 20) * day));
    h.from_stage.push_back(uni(0, 3) == 0 ? no_stage : static_cast<stage_index>(uni(0, 4)));
    h.to_stage.push_back(static_cast<stage_index>(uni(0, 6)));
  }
  return d;
}

struct brute {
  std::vector<std::vector<double>> z;  // by row
  std::vector<std::size_t> candidates;
};

brute brute_features(const crm_view& v, std::int64_t as_of, const std::map<std::vector<std::int64_t>, reltest::ref_panel>& kpi) {
  const auto& o = v.opportunities;
  const std::size_t n = o.size();
  const double nan = std::nan("");
  std::vector<std::vector<double>> cols;
  std::vector<double> amount(n, nan), stage(n, -1), employees(n);
  for (std::size_t r = 0; r < n; ++r)
    if (!o.amount[r].is_missing()) amount[r] = std::log(1.0 + static_cast<double>(o.amount[r].cents) / 100.0);
  cols.push_back(amount);
  for (int s = 0; s < 3; ++s) {  // segment one-hot
    std::vector<double> c(n);
    for (std::size_t r = 0; r < n; ++r) c[r] = o.attributes[0].codes[r] == s ? 1 : 0;
    cols.push_back(c);
  }
  for (int s = 0; s < 2; ++s) {  // product one-hot
    std::vector<double> c(n);
    for (std::size_t r = 0; r < n; ++r) c[r] = o.attributes[1].codes[r] == s ? 1 : 0;
    cols.push_back(c);
  }
  for (std::size_t r = 0; r < n; ++r) employees[r] = o.attributes[2].numbers[r];
  cols.push_back(employees);
  for (std::size_t r = 0; r < n; ++r) {
    double best = o.stage[r] >= 0 && o.stage[r] <= 4 ? o.stage[r] : -1;
    for (std::size_t i = 0; i < v.stage_history.size(); ++i) {
      if (v.stage_history.opportunity_id[i] != o.opportunity_id[r] || to_unix(v.stage_history.ts[i]) >= as_of) continue;
      for (stage_index s : {v.stage_history.from_stage[i], v.stage_history.to_stage[i]})
        if (s >= 0 && s <= 4) best = std::max(best, static_cast<double>(s));
    }
    if (best < 0) best = o.status[r] == deal_status::won ? 4 : nan;
    stage[r] = best / 4.0;
  }
  cols.push_back(stage);
  for (int k = 0; k < 3; ++k) {
    std::vector<double> c(n, nan);
    for (std::size_t r = 0; r < n; ++r) {
      auto it = kpi.find({o.opportunity_id[r]});
      if (it == kpi.end() || it->second.cur.n == 0) continue;
      c[r] = static_cast<double>(it->second.counts[2 * k] + it->second.counts[2 * k + 1]) / static_cast<double>(it->second.cur.n);
    }
    cols.push_back(c);
  }
  brute b;
  for (std::size_t r = 0; r < n; ++r)
    if (o.status[r] == deal_status::won && to_unix(o.closed_ts[r]) < as_of) b.candidates.push_back(r);
  b.z.assign(n, std::vector<double>(cols.size(), 0.0));
  for (std::size_t c = 0; c < cols.size(); ++c) {
    std::vector<double> vals;
    for (std::size_t r : b.candidates)
      if (!std::isnan(cols[c][r])) vals.push_back(cols[c][r]);
    if (vals.empty()) continue;
    const double mean = std::accumulate(vals.begin(), vals.end(), 0.0) / static_cast<double>(vals.size());
    double var = 0;
    for (double x : vals) var += (x - mean) * (x - mean);
    const double sd = std::sqrt(var / static_cast<double>(vals.size()));
    if (sd == 0) continue;
    for (std::size_t r = 0; r < n; ++r)
      if (!std::isnan(cols[c][r])) b.z[r][c] = (cols[c][r] - mean) / sd;
  }
  return b;
}

void check_kpis(const deal_kpis& got, const reltest::ref_panel* b) {
  if (b == nullptr) {
    CHECK(got.interactions == 0);
    CHECK(got.time_invested_hours == 0);
    CHECK(std::isnan(got.our_reply_rate));
    return;
  }
  CHECK(got.interactions == static_cast<double>(b->cur.n));
  CHECK(close(got.time_invested_hours, (b->meeting_attendee_minutes + b->minutes[2] + b->minutes[3] + 5.0 * double(b->counts[0]) +
                                        2.0 * double(b->counts[1])) / 60.0));
  CHECK(close(got.our_reply_rate, b->emails[0] ? double(b->replied[0]) / double(b->emails[0]) : std::nan("")));
  CHECK(close(got.their_reply_rate, b->emails[1] ? double(b->replied[1]) / double(b->emails[1]) : std::nan("")));
  CHECK(close(got.our_median_reply_hours, reltest::median(b->delays[0]) / 3600.0));
  CHECK(close(got.their_mean_reply_hours, b->replied[1] ? double(b->delay_sum[1]) / double(b->replied[1]) / 3600.0 : std::nan("")));
}

}  // namespace

TEST_CASE("similar won deals match a brute force of the definitions", "[relationship][similar]") {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    const crm_data d = random_deals(seed, 40);
    const crm_view v = d.view();
    similar_deals_options opts;
    opts.k = 4;
    opts.attributes = {"segment", "product", "employees", "absent"};
    opts.kpi.as_of = from_unix(reltest::t_ref);
    const similar_deals<> model(v, opts, par(2, 1));
    const reltest::windows_ref w{time_window{}.from.time_since_epoch().count(), reltest::t_ref, reltest::t_ref, false, 0, 0, 0};
    const auto kpi = reltest::brute_panels(v, record_kind::opportunity, w, opts.kpi, 30.0);
    const brute b = brute_features(v, reltest::t_ref, kpi);
    CHECK(model.candidates() == b.candidates.size());
    REQUIRE(model.feature_names().size() == b.z[0].size());
    CHECK(model.feature_names()[0] == "log_amount");
    CHECK(model.feature_names()[1] == "segment=smb");
    CHECK(model.feature_names().back() == "share_calls");
    const auto& o = v.opportunities;
    for (std::size_t r = 0; r < o.size(); ++r) {
      INFO("seed " << seed << " row " << r);
      if (o.status[r] != deal_status::open) {
        CHECK_THROWS_AS(model.query(o.opportunity_id[r]), std::invalid_argument);
        continue;
      }
      const similar_deals_result q = model.query(o.opportunity_id[r]);
      for (std::size_t c = 0; c < b.z[r].size(); ++c) CHECK(close(q.z[c], b.z[r][c]));
      std::vector<std::pair<double, std::int64_t>> dist;
      for (std::size_t c : b.candidates) {
        double s = 0;
        for (std::size_t f = 0; f < b.z[r].size(); ++f) s += (b.z[r][f] - b.z[c][f]) * (b.z[r][f] - b.z[c][f]);
        dist.push_back({std::sqrt(s), o.opportunity_id[c]});
      }
      std::sort(dist.begin(), dist.end());
      REQUIRE(q.enough_won);
      REQUIRE(q.neighbours.size() == 4);
      std::vector<double> act;
      for (std::size_t k = 0; k < 4; ++k) {
        CHECK(close(q.neighbours[k].distance, dist[k].first));
        if (q.neighbours[k].opportunity != dist[k].second) CHECK(close(dist[k].first, q.neighbours[k].distance));  // tie
        auto it = kpi.find({q.neighbours[k].opportunity});
        check_kpis(q.neighbours[k].kpis, it == kpi.end() ? nullptr : &it->second);
        act.push_back(q.neighbours[k].kpis.interactions);
      }
      CHECK(close(q.neighbour_mean.interactions, std::accumulate(act.begin(), act.end(), 0.0) / 4.0));
      auto self = kpi.find({o.opportunity_id[r]});
      check_kpis(q.kpis, self == kpi.end() ? nullptr : &self->second);
    }
  }
}

TEST_CASE("too few won deals: no neighbours, the deal's own KPIs still reported", "[relationship][similar]") {
  const crm_data d = random_deals(9, 40);
  similar_deals_options opts;
  opts.kpi.as_of = from_unix(reltest::t_ref);
  opts.min_won = 1000;
  const similar_deals<> model(d.view(), opts);
  const auto& o = d.opportunities;
  std::size_t open_row = 0;
  while (o.status[open_row] != deal_status::open) ++open_row;
  const similar_deals_result q = model.query(o.opportunity_id[open_row]);
  CHECK_FALSE(q.enough_won);
  CHECK(q.neighbours.empty());
  CHECK(q.candidates == model.candidates());
  CHECK(std::isnan(q.neighbour_mean.our_reply_rate));
  CHECK_THROWS_WITH(model.query(4000), Catch::Contains("no opportunity with id 4000"));
}

}  // namespace relationship_similar_deals_test
