// Exact quantiles against a sorted copy; the sketch's answers within its own guaranteed bound,
// across merges and serialisation; quantile metrics through the engine, sequential = parallel.
#include <salesmetrics/detail/quantile_sketch.hpp>
#include <salesmetrics/metrics/catalog.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

namespace metrics_quantiles_test {

using namespace salesmetrics;
using namespace salesmetrics::metrics;

namespace {
std::uint64_t true_rank(const std::vector<std::int64_t>& sorted, double v) {  // values <= v
  return static_cast<std::uint64_t>(std::upper_bound(sorted.begin(), sorted.end(), static_cast<std::int64_t>(v)) - sorted.begin());
}
}  // namespace

TEST_CASE("exact value list quantiles follow the type-7 definition", "[quantiles]") {
  metrics::detail::value_list l;
  for (std::int64_t v : {7, 1, 3, 9}) l.add(v);
  CHECK(l.quantile(0.5) == 5.0);              // (3 + 7) / 2
  CHECK(l.quantile(0.9) == Approx(8.4));      // h = 2.7: 7 + 0.7 * (9 - 7)
  CHECK(l.quantile(0.0) == 1.0);
  CHECK(l.quantile(1.0) == 9.0);
  CHECK(std::isnan(metrics::detail::value_list{}.quantile(0.5)));
}

TEST_CASE("the quantile sketch stays within its reported rank error bound", "[quantiles]") {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> amount(10.0, 1.2);
    std::vector<std::int64_t> all;
    metrics::detail::quantile_sketch<64> parts[3];
    for (int i = 0; i < 60000; ++i) {
      const auto v = static_cast<std::int64_t>(amount(rng));
      all.push_back(v);
      parts[i % 3].add(v);
    }
    std::string bytes;
    parts[2].save(bytes);
    metrics::detail::quantile_sketch<64> loaded;
    std::string_view in(bytes);
    loaded.load(in);
    CHECK(in.empty());
    parts[0].merge(parts[1]);
    parts[0].merge(loaded);
    std::sort(all.begin(), all.end());
    const auto& s = parts[0];
    REQUIRE(s.count() == all.size());
    CHECK(s.rank_error_bound() > 0);
    CHECK(s.rank_error_bound() < all.size() / 4);  // the bound is informative, not vacuous
    for (double q : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
      const double v = s.quantile(q);
      const double target = q * static_cast<double>(all.size());
      // The answer's true rank is within the bound of the target (both directions, counting ties).
      const auto hi = true_rank(all, v);
      const auto lo = static_cast<std::uint64_t>(std::lower_bound(all.begin(), all.end(), static_cast<std::int64_t>(v)) - all.begin());
      INFO("seed " << seed << " q " << q);
      CHECK(static_cast<double>(hi) + static_cast<double>(s.rank_error_bound()) + 1 >= target);
      CHECK(static_cast<double>(lo) <= target + static_cast<double>(s.rank_error_bound()) + 1);
    }
  }
}

TEST_CASE("quantile metrics: exact equals brute force, sketch close, parallel equals sequential", "[quantiles]") {
  crm_data d;
  std::mt19937 rng(3);
  auto& o = d.opportunities;
  for (int i = 0; i < 5000; ++i) {
    o.opportunity_id.push_back(i);
    o.created_ts.push_back(from_unix(1600000000 + static_cast<std::int64_t>(rng() % 1000000)));
    o.status.push_back(i % 3 == 0 ? deal_status::lost : deal_status::won);
    o.stage.push_back(1);
    o.closed_ts.push_back(o.created_ts.back() + seconds{rng() % 5000000});
    o.amount.push_back(money{static_cast<std::int64_t>(rng() % 10000000)});
  }
  std::vector<std::int64_t> won;
  for (int i = 0; i < 5000; ++i)
    if (o.status[i] == deal_status::won) won.push_back(o.amount[i].cents);
  metrics::detail::value_list ref;
  for (auto v : won) ref.add(v);
  using exact90 = won_amount_quantile<0.9>;
  using sketch90 = won_amount_quantile<0.9, quantiles::sketch<128>>;
  const auto r1 = evaluate<exact90, sketch90, median_deal_size>(d.view(), group::everything);
  const auto r2 = evaluate<exact90, sketch90, median_deal_size>(d.view(), group::everything, {}, par(2, 1));
  CHECK(r1.column<exact90>()[0] == money{std::llround(ref.quantile(0.9))});
  CHECK(r1.column<median_deal_size>()[0] == money{std::llround(ref.quantile(0.5))});
  CHECK(r2.column<exact90>()[0] == r1.column<exact90>()[0]);
  const double rel = std::abs(r1.column<sketch90>()[0].units() - ref.quantile(0.9) / 100.0) / (ref.quantile(0.9) / 100.0);
  CHECK(rel < 0.05);
}

}  // namespace metrics_quantiles_test
