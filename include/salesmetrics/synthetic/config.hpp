// salesmetrics/synthetic/config.hpp: the knobs of the synthetic CRM generator, with defaults.
//
// Every field is documented with its meaning and default. Shares and probabilities are in
// [0, 1]; medians are of lognormal distributions whose log-scale spread is the matching
// `_sigma`. Times are UTC. The defaults describe a mid-sized B2B sales team over three years
// (2022-2024): 200 reps, 2,000 accounts, 20,000 contacts, 1,000,000 activity rows, about
// 20,000 opportunities and 40,000 leads; config::for_activities(n) scales the population
// with n (the benchmark's 10M rows get 2,000 reps, 20,000 accounts and 200,000 contacts).
// check() throws std::invalid_argument naming the first field out of range.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/time.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

SALESMETRICS_BEGIN_NAMESPACE
namespace synthetic {

struct config {
  // --- size and seed ---------------------------------------------------------------------
  std::uint64_t seed = 42;            ///< the same seed gives byte-identical data everywhere
  std::size_t activities = 1'000'000; ///< activity rows, exactly (completed + scheduled)
  std::size_t reps = 200;             ///< sales reps ("rep-0042")
  std::size_t accounts = 2'000;       ///< customer companies ("account-0042")
  std::size_t contacts = 20'000;      ///< customer people ("contact-00042"); each belongs to one account

  // --- time ------------------------------------------------------------------------------
  timestamp start = from_unix(1640995200);  ///< 2022-01-01T00:00:00Z, first possible activity
  timestamp end = from_unix(1735689600);    ///< 2025-01-01T00:00:00Z, "now": completed rows are before it
  double growth_per_year = 0.15;            ///< linear volume trend: day weight x (1 + g * years since start)
  double weekend_share = 0.06;              ///< share of episode starts on Saturday or Sunday
  double weekend_reply_deferral = 0.8;      ///< P(a reply due on a weekend waits until Monday 08:00-11:00)

  // --- who talks to whom -----------------------------------------------------------------
  double account_size_exponent = 0.8;       ///< Zipf exponent of contacts per account (every account has >= 1)
  double contact_activity_exponent = 0.6;   ///< Zipf exponent of activity per contact (over a random rank)
  double owner_share = 0.8;                 ///< P(an episode is with the account owner), else one of two secondary reps

  // --- activity mix (shares of completed rows; they must sum to 1) ------------------------
  double email_share = 0.60;
  double meeting_share = 0.11;
  double call_share = 0.29;
  double thread_inbound_start = 0.3;        ///< P(an e-mail thread is started by the customer)
  double reply_probability = 0.72;          ///< P(the rep answers an inbound e-mail)
  double reply_delay_median_hours = 2.5;    ///< rep reply delay (lognormal)
  double reply_delay_sigma = 1.1;
  double customer_reply_probability = 0.45; ///< P(the customer answers an outbound e-mail)
  double customer_delay_median_hours = 8.0; ///< customer reply delay (lognormal)
  double customer_delay_sigma = 1.2;
  std::size_t max_thread_length = 12;       ///< messages per thread at most (>= 2); the customer stops first
  double meeting_inbound_share = 0.2;       ///< P(a meeting was requested by the customer)
  double call_inbound_share = 0.25;         ///< P(a call was placed by the customer)
  double call_median_minutes = 4.0;         ///< call duration (lognormal, multiples of 0.25 min, 0.25..240)
  double call_sigma = 0.9;
  double scheduled_share = 0.01;            ///< share of rows that are scheduled meetings/calls after `end`
  int scheduled_horizon_days = 30;          ///< scheduled rows fall in the days after `end`
  double opportunity_link_share = 0.75;     ///< P(an activity names an opportunity of its account open at its ts)
  /// Fill the threads dictionary with "thread-0000042" names. Off by default: thread ids only
  /// pair replies, and a dictionary costs ~100 bytes and ~1 us per name (2.6M threads at 10M
  /// rows); an empty dictionary means the ids are plain integers (validate() skips its range).
  bool name_threads = false;

  // --- opportunities ---------------------------------------------------------------------
  double activities_per_opportunity = 50.0; ///< opportunities = round(activities / this)
  double amount_median = 25'000.0;          ///< currency units (whole cents), scaled by segment
  double amount_sigma = 1.0;
  /// P(advancing) from prospecting, qualification, proposal, negotiation, closing (closing -> won).
  std::array<double, 5> advance_probability{0.65, 0.70, 0.75, 0.80, 0.85};
  double skip_probability = 0.04;           ///< P(an advance skips one stage)
  double regress_probability = 0.02;        ///< P(moving back one stage) at a stage change, taken from the loss
                                            ///< mass; never from prospecting, at most 2 per deal
  double dwell_median_days = 16.0;          ///< time in a stage (lognormal, at least one hour)
  double dwell_sigma = 0.8;
  double expected_cycle_median_days = 75.0; ///< expected_close_ts - created_ts at creation (lognormal)
  double expected_cycle_sigma = 0.5;
  double amount_revision_probability = 0.15;///< P(a stage change also revises the amount) ...
  double amount_revision_sigma = 0.15;      ///< ... by a lognormal factor of median 1
  double close_push_probability = 0.2;      ///< P(a stage change pushes expected_close_ts) ...
  double close_push_median_days = 21.0;     ///< ... by a lognormal delay
  double close_push_sigma = 0.6;
  double omitted_share = 0.05;              ///< P(an open deal's forecast category is omitted)

  // --- leads -----------------------------------------------------------------------------
  double lead_sourced_share = 0.4;          ///< share of opportunities created by converting a lead
  double lead_conversion_rate = 0.2;        ///< leads = lead-sourced opportunities / this
  double lead_conversion_median_days = 12.0;///< created_ts -> converted_ts (lognormal)
  double lead_conversion_sigma = 0.8;
  int lead_open_days = 60;                  ///< unconverted leads younger than this are open
  double stale_lead_open_share = 0.3;       ///< older unconverted leads: P(still open), else disqualified

  /// A population sized for `n` activity rows: reps n/5000, accounts n/500, contacts n/50
  /// (at least 3, 5 and 20), everything else at its default.
  [[nodiscard]] static config for_activities(std::size_t n, std::uint64_t seed = 42) {
    config c;
    c.seed = seed;
    c.activities = n;
    c.reps = n / 5000 < 3 ? 3 : n / 5000;
    c.accounts = n / 500 < 5 ? 5 : n / 500;
    c.contacts = n / 50 < 20 ? 20 : n / 50;
    return c;
  }

  /// Throws std::invalid_argument naming the first field out of range.
  void check() const {
    auto fail = [](const char* field, const char* rule) {
      throw std::invalid_argument(std::string("synthetic::config: ") + field + " " + rule);
    };
    auto share = [&](double v, const char* field) {
      if (!(v >= 0.0 && v <= 1.0)) fail(field, "must be in [0, 1]");
    };
    auto positive = [&](double v, const char* field) {
      if (!(v > 0.0 && v < 1e12)) fail(field, "must be positive (and below 1e12)");
    };
    auto sigma = [&](double v, const char* field) {
      if (!(v >= 0.0 && v <= 4.0)) fail(field, "must be in [0, 4]");
    };
    if (reps == 0) fail("reps", "must be at least 1");
    if (accounts == 0) fail("accounts", "must be at least 1");
    if (contacts == 0) fail("contacts", "must be at least 1");
    if (reps > 100'000'000 || accounts > 100'000'000 || contacts > 100'000'000) fail("reps/accounts/contacts", "must be at most 1e8");
    if (activities > 2'000'000'000) fail("activities", "must be at most 2e9");
    if (!(end > start)) fail("end", "must be after start");
    if (to_unix(end) - to_unix(start) > std::int64_t{100} * 366 * 86400) fail("end", "must be at most 100 years after start");
    const double years = static_cast<double>(to_unix(end) - to_unix(start)) / (365.25 * 86400.0);
    if (!(growth_per_year > -1.0 / years && growth_per_year < 100.0))
      fail("growth_per_year", "must keep 1 + growth * years positive (and be below 100)");
    share(weekend_share, "weekend_share");
    if (weekend_share >= 1.0) fail("weekend_share", "must be below 1");
    share(weekend_reply_deferral, "weekend_reply_deferral");
    if (!(account_size_exponent >= 0.0 && account_size_exponent <= 4.0)) fail("account_size_exponent", "must be in [0, 4]");
    if (!(contact_activity_exponent >= 0.0 && contact_activity_exponent <= 4.0))
      fail("contact_activity_exponent", "must be in [0, 4]");
    share(owner_share, "owner_share");
    share(email_share, "email_share");
    share(meeting_share, "meeting_share");
    share(call_share, "call_share");
    const double mix = email_share + meeting_share + call_share;
    if (mix < 0.999999 || mix > 1.000001) fail("email_share + meeting_share + call_share", "must sum to 1");
    share(thread_inbound_start, "thread_inbound_start");
    share(reply_probability, "reply_probability");
    positive(reply_delay_median_hours, "reply_delay_median_hours");
    sigma(reply_delay_sigma, "reply_delay_sigma");
    share(customer_reply_probability, "customer_reply_probability");
    positive(customer_delay_median_hours, "customer_delay_median_hours");
    sigma(customer_delay_sigma, "customer_delay_sigma");
    if (max_thread_length < 2 || max_thread_length > 1000) fail("max_thread_length", "must be in [2, 1000]");
    share(meeting_inbound_share, "meeting_inbound_share");
    share(call_inbound_share, "call_inbound_share");
    positive(call_median_minutes, "call_median_minutes");
    sigma(call_sigma, "call_sigma");
    share(scheduled_share, "scheduled_share");
    if (scheduled_horizon_days < 1 || scheduled_horizon_days > 3660) fail("scheduled_horizon_days", "must be in [1, 3660]");
    share(opportunity_link_share, "opportunity_link_share");
    if (!(activities_per_opportunity >= 1.0 && activities_per_opportunity < 1e12))
      fail("activities_per_opportunity", "must be at least 1");
    if (!(amount_median >= 0.01 && amount_median <= 1e12)) fail("amount_median", "must be in [0.01, 1e12]");
    sigma(amount_sigma, "amount_sigma");
    for (double p : advance_probability) {
      share(p, "advance_probability");
      if (p + regress_probability > 1.0) fail("advance_probability + regress_probability", "must be at most 1");
    }
    share(skip_probability, "skip_probability");
    share(regress_probability, "regress_probability");
    positive(dwell_median_days, "dwell_median_days");
    sigma(dwell_sigma, "dwell_sigma");
    positive(expected_cycle_median_days, "expected_cycle_median_days");
    sigma(expected_cycle_sigma, "expected_cycle_sigma");
    share(amount_revision_probability, "amount_revision_probability");
    sigma(amount_revision_sigma, "amount_revision_sigma");
    share(close_push_probability, "close_push_probability");
    positive(close_push_median_days, "close_push_median_days");
    sigma(close_push_sigma, "close_push_sigma");
    share(omitted_share, "omitted_share");
    share(lead_sourced_share, "lead_sourced_share");
    share(lead_conversion_rate, "lead_conversion_rate");
    if (lead_sourced_share > 0.0 && !(lead_conversion_rate > 0.0))
      fail("lead_conversion_rate", "must be positive when lead_sourced_share is");
    positive(lead_conversion_median_days, "lead_conversion_median_days");
    sigma(lead_conversion_sigma, "lead_conversion_sigma");
    if (lead_open_days < 0) fail("lead_open_days", "must be >= 0");
    share(stale_lead_open_share, "stale_lead_open_share");
  }
};

}  // namespace synthetic
SALESMETRICS_END_NAMESPACE
