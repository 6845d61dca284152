// Health score components on hand-computed cases, the grade cut-offs, the trend threshold, the
// renormalisation when responsiveness is undefined, and the half-life as a template parameter.
#include <catch2/catch.hpp>

#include <salesmetrics/relationship/health.hpp>
#include <salesmetrics/relationship/panel.hpp>

#include <cmath>
#include <limits>
#include <vector>

namespace relationship_health_test {

using namespace salesmetrics;
using namespace salesmetrics::relationship;

namespace {
constexpr std::int64_t day = 86400;
constexpr std::int64_t t0 = 1'700'006'400;

struct row {
  std::int64_t ts;
  activity_type type;
  direction dir;
  dense_id thread = no_id;
};

crm_data build(const std::vector<row>& rows) {
  crm_data d;
  d.dictionaries.reps.encode("ann");
  d.dictionaries.contacts.encode("carl");
  auto& a = d.activities;
  for (const row& r : rows) {
    a.ts.push_back(from_unix(r.ts));
    a.type.push_back(r.type);
    a.direction.push_back(r.dir);
    a.rep_id.push_back(0);
    a.contact_id.push_back(0);
    a.thread_id.push_back(r.thread);
  }
  return d;
}
}  // namespace

TEST_CASE("health components of a hand-computed history (half-life 30 days)", "[relationship][health]") {
  // as_of t0; ages 30, 15, 60 and 10 days -> weights 0.5, 0.5^0.5, 0.25, 0.5^(1/3)
  const crm_data d = build({{t0 - 30 * day, activity_type::email, direction::outbound, 1},
                            {t0 - 15 * day, activity_type::email, direction::inbound, 1},   // their reply to the first
                            {t0 - 60 * day, activity_type::phone_call, direction::outbound},  // the window's first second
                            {t0 - 10 * day, activity_type::email, direction::outbound, 2}});  // unanswered
  relationship_options o;
  o.as_of = from_unix(t0);
  const relationship_report r = analyse(d.view(), metrics::group::contact, o);
  REQUIRE(r.panels.size() == 1);
  const health_components& h = r.panels[0].health.current;
  const double w_reply = 0.70710678118654752, w_last = 0.79370052598409973;  // 0.5^(1/2), 0.5^(1/3)
  const double w_us = 0.5 + 0.25 + w_last, w_them = w_reply;
  CHECK(h.recency == Approx(w_last).epsilon(1e-12));
  CHECK(h.frequency == Approx((w_us + w_them) / 10.0).epsilon(1e-12));
  CHECK(h.frequency == Approx(0.225080731).epsilon(1e-8));
  CHECK(h.reciprocity == Approx(2 * w_them / (w_us + w_them)).epsilon(1e-12));
  CHECK(h.responsiveness == Approx(0.5 / (0.5 + w_last)).epsilon(1e-12));
  const double score = 100 * (0.3 * h.recency + 0.3 * h.frequency + 0.2 * h.reciprocity + 0.2 * h.responsiveness);
  CHECK(h.score == Approx(score).epsilon(1e-12));
  CHECK(h.score == Approx(50.85948).epsilon(1e-6));  // 0.3 x 0.79370 + 0.3 x 0.22508 + 0.2 x 0.62831 + 0.2 x 0.38649
  CHECK(r.panels[0].health.grade == health_grade::fair);
  // the previous window (t0-120 d .. t0-60 d) is empty: score 0, so the trend is improving
  CHECK(r.panels[0].health.previous.score == 0.0);
  CHECK(std::isnan(r.panels[0].health.previous.responsiveness));
  CHECK(r.panels[0].health.trend == health_trend::improving);
}

TEST_CASE("without our threaded e-mails responsiveness is left out and the weights renormalised", "[relationship][health]") {
  const crm_data d = build({{t0 - 30 * day, activity_type::phone_call, direction::inbound}});
  relationship_options o;
  o.as_of = from_unix(t0);
  const relationship_report r = analyse(d.view(), metrics::group::contact, o);
  REQUIRE(r.panels.size() == 1);
  const health_components& h = r.panels[0].health.current;
  CHECK(h.recency == Approx(0.5));
  CHECK(h.frequency == Approx(0.05));
  CHECK(h.reciprocity == 0.0);
  CHECK(std::isnan(h.responsiveness));
  CHECK(h.score == Approx(100 * (0.3 * 0.5 + 0.3 * 0.05) / 0.8));  // 20.625
  CHECK(r.panels[0].health.grade == health_grade::poor);
}

TEST_CASE("the half-life is a template parameter (time_decay.hpp's exponential_decay)", "[relationship][health]") {
  const crm_data d = build({{t0 - 10 * day, activity_type::meeting, direction::outbound},
                            {t0 - 20 * day, activity_type::meeting, direction::inbound}});
  relationship_options o;
  o.as_of = from_unix(t0);
  const auto r10 = analyse<weighting::exponential_decay<10.0>>(d.view(), metrics::group::contact, o);
  REQUIRE(r10.panels.size() == 1);
  const health_components& h = r10.panels[0].health.current;
  CHECK(h.recency == Approx(0.5));
  CHECK(h.frequency == Approx((0.5 + 0.25) / 10));
  CHECK(h.reciprocity == Approx(2 * 0.25 / 0.75));
  CHECK(r10.panels[0].top_contacts.at(0).contact.weighted == Approx(0.75));
  const auto r30 = analyse(d.view(), metrics::group::contact, o);
  CHECK(r30.panels[0].health.current.recency == Approx(std::pow(0.5, 10.0 / 30.0)));
}

TEST_CASE("compute_health on states built by hand", "[relationship][health]") {
  relationship_options o;
  health_state s;  // nothing at all
  health_components h = compute_health<default_decay>(s, from_unix(t0), o);
  CHECK(h.recency == 0.0);
  CHECK(h.frequency == 0.0);
  CHECK(h.reciprocity == 0.0);
  CHECK(std::isnan(h.responsiveness));
  CHECK(h.score == 0.0);
  s = {3, t0 - 30 * day, 6.0, 6.0, 2.0, 1.0};  // balanced, frequent, half answered
  h = compute_health<default_decay>(s, from_unix(t0), o);
  CHECK(h.recency == Approx(0.5));
  CHECK(h.frequency == 1.0);  // capped
  CHECK(h.reciprocity == 1.0);
  CHECK(h.responsiveness == 0.5);
  CHECK(h.score == Approx(100 * (0.15 + 0.3 + 0.2 + 0.1)));
  o.weights = {0, 0, 0, 1};  // only responsiveness, and it is undefined: NaN
  s.w_sent = 0;
  CHECK(std::isnan(compute_health<default_decay>(s, from_unix(t0), o).score));
}

TEST_CASE("grade cut-offs and trend threshold", "[relationship][health]") {
  relationship_options o;  // good >= 70, fair >= 40, threshold 5
  CHECK(grade_of(70.0, o) == health_grade::good);
  CHECK(grade_of(69.999, o) == health_grade::fair);
  CHECK(grade_of(40.0, o) == health_grade::fair);
  CHECK(grade_of(39.999, o) == health_grade::poor);
  CHECK(grade_of(std::nan(""), o) == health_grade::poor);
  o.good_from = 80;
  o.fair_from = 50;
  CHECK(grade_of(75, o) == health_grade::fair);
  CHECK(grade_of(45, o) == health_grade::poor);
  CHECK(trend_of(70, 64.5, true, o) == health_trend::improving);
  CHECK(trend_of(70, 65, true, o) == health_trend::steady);  // exactly the threshold: steady
  CHECK(trend_of(60, 65, true, o) == health_trend::steady);
  CHECK(trend_of(59.5, 65, true, o) == health_trend::declining);
  CHECK(trend_of(70, 10, false, o) == health_trend::unavailable);
  CHECK(trend_of(std::nan(""), 10, true, o) == health_trend::unavailable);
  o.trend_threshold = 0;
  CHECK(trend_of(50, 50, true, o) == health_trend::steady);
  CHECK(trend_of(50.001, 50, true, o) == health_trend::improving);
}

TEST_CASE("bad options are rejected with the field's name", "[relationship][health]") {
  relationship_options o;
  o.weights = {0, 0, 0, 0};
  CHECK_THROWS_WITH(o.check(), Catch::Contains("health weights"));
  o = {};
  o.fair_from = 80;
  CHECK_THROWS_WITH(o.check(), Catch::Contains("cut-offs"));
  o = {};
  o.frequency_target = 0;
  CHECK_THROWS_WITH(o.check(), Catch::Contains("frequency_target"));
  o = {};
  o.email_read_minutes = -1;
  CHECK_THROWS_WITH(o.check(), Catch::Contains("email_read_minutes"));
}

}  // namespace relationship_health_test
