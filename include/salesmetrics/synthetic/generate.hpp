// salesmetrics/synthetic/generate.hpp: seeded, platform-independent CRM histories of any size.
//
// synthetic::generate(cfg) returns a crm_data that validate() accepts without a problem. The
// same config gives byte-identical tables and dictionaries on every platform (integer-only
// randomness, see synthetic/random.hpp). The model, with the config fields that drive it:
//  population   reps "rep-0000".., accounts "account-0000".. each owned by a uniform rep, with
//               a region (na 40%, emea 35%, apac 17%, latam 8%); contacts "contact-0000"..:
//               the first min(accounts, contacts) one per account, the rest by Zipf
//               (account_size_exponent) over a random account ranking. An account's segment is
//               enterprise (>= 3x the mean contacts per account), mid_market (>= the mean) or smb.
//               Each contact has an activity weight Zipf(contact_activity_exponent) over a
//               random rank and two secondary reps (uniform, not the account owner).
//  seasonality  an instant in [start, end) is a day drawn with weight (weekday: 1, Sat/Sun: w
//               with 2w/(5+2w) = weekend_share) x (1 + growth_per_year x years since start),
//               an hour of a fixed UTC business-hours profile and a uniform second.
//  activities   episodes until exactly `activities` rows exist (the last episode may be cut):
//               a contact by weight, its account, the owner (owner_share) or a secondary rep,
//               a start instant and a kind chosen so the expected row shares are the config's
//               e-mail/meeting/call shares.
//                 e-mail thread: thread_id (dense, "thread-0000"..), a subject from a fixed list,
//                 started inbound with thread_inbound_start; an inbound e-mail is answered by
//                 the rep with reply_probability after a lognormal delay, an outbound one by
//                 the customer with customer_reply_probability (never as the last allowed
//                 message, so every inbound e-mail can be answered); a reply due on Sat/Sun
//                 waits until Monday 08:00-11:00 with weekend_reply_deferral; delays are at
//                 least 60 s, so ts strictly increases within a thread; the thread stops at `end`.
//                 duration_min 0, our_attendees 1.
//                 meeting: starts on a quarter hour, planned 15/30/45/60/90 min plus a jitter
//                 of up to +-2 min, kept in 15..90, multiples of 0.25; our_attendees 1..3;
//                 inbound (customer-requested) with meeting_inbound_share.
//                 call: lognormal duration in multiples of 0.25 min (0.25..240); inbound with
//                 call_inbound_share; our_attendees 1.
//               An activity names (opportunity_link_share) an opportunity of its account that
//               is open at its ts, the latest created among the 8 latest created before ts (a
//               thread names the one open at its start, as long as it stays open).
//               Scheduled rows (scheduled_share of all rows): meetings (60%, 30 or 60 min) and
//               calls (15 min), outbound, status scheduled, on weekdays 08:00-18:00 of the
//               scheduled_horizon_days days after `end`. Every other row is completed, before
//               `end`. The table is sorted by ts (ties in generation order). activity_id and
//               lead_id are absent (the row index is the activity id).
//  opportunities  round(activities / activities_per_opportunity), ids "opp-0000".. in order
//               of created_ts: lead_sourced_share of them come from converted leads (created
//               at the conversion, the lead's source), the rest are created at a seasonal
//               instant with source outbound 70% / partner 15% / referral 15%. Account: that
//               of a contact drawn by activity weight; owner: the account owner. Amount:
//               lognormal(amount_median x segment factor (enterprise 2.5, mid_market 1, smb
//               0.45), amount_sigma) in whole cents, at least 1.00. Attributes segment, product
//               (core 50%, analytics 25%, integrations 15%, services 10%) and region.
//  stage history  the five stages of schema_stages, then won and lost. Created in
//               prospecting; after a lognormal dwell (dwell_median_days, at least one hour)
//               the deal advances with advance_probability[stage] (closing -> won; skipping one
//               stage with skip_probability), moves back one stage with regress_probability
//               (not from prospecting, at most twice), or else is lost. A change due at or
//               after `end` never happens: the deal is open. Changes that keep the deal open
//               revise the amount (amount_revision_probability, lognormal factor) and push
//               expected_close_ts (close_push_probability). expected_close_ts starts at
//               created_ts + lognormal(expected_cycle_median_days). One row per change, the
//               creation row first, amount and expected_close_ts after the change; a closed
//               deal's closing row is at its closed_ts and its `stage` is the last open stage.
//               probability: 0.1/0.2/0.4/0.6/0.8 by stage, 1 won, 0 lost. forecast_category:
//               won closed, lost omitted, open omitted with omitted_share else pipeline
//               (prospecting, qualification), best_case (proposal), commit (negotiation, closing).
//  leads        round(lead-sourced opportunities / lead_conversion_rate) leads "lead-0000".. in
//               order of created_ts (seasonal), source organic_search 30%, paid_search 20%,
//               social 12%, email_campaign 15%, referral 13%, event 10%, owner = the owner of
//               an account drawn like an opportunity's. A uniform subset converts after a
//               lognormal delay (resampled up to 8 times if it would fall at or after `end`,
//               else the lead does not convert); the others are open when younger than
//               lead_open_days at `end`, else open with stale_lead_open_share or disqualified.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/synthetic/config.hpp>
#include <salesmetrics/synthetic/random.hpp>
#include <salesmetrics/table/dataset.hpp>
#include <salesmetrics/table/stages.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace synthetic {
namespace detail {

// Independent random streams, so each part of the data set has its own sequence.
inline constexpr std::uint64_t population_stream = 1, leads_stream = 2, opportunities_stream = 3, history_stream = 4,
                               activities_stream = 5, scheduled_stream = 6;

inline constexpr std::array<std::string_view, 24> subject_lines{
    "Introduction",          "Pricing question",      "Demo follow-up",        "Proposal draft",
    "Contract review",       "Renewal terms",         "Onboarding plan",       "Security questionnaire",
    "Integration options",   "Invoice",               "Meeting recap",         "Quarterly business review",
    "Support escalation",    "Product roadmap",       "Trial extension",       "Discount request",
    "Reference call",        "Implementation timeline", "Legal redlines",      "Procurement process",
    "Budget approval",       "Feature request",       "Training session",      "Case study"};
inline constexpr std::array<std::string_view, 8> source_names{"organic_search", "paid_search", "social", "email_campaign",
                                                              "referral",       "event",       "outbound", "partner"};
inline constexpr std::array<std::uint64_t, 8> lead_source_weights{30, 20, 12, 15, 13, 10, 0, 0};
inline constexpr std::array<std::uint64_t, 8> direct_source_weights{0, 0, 0, 0, 15, 0, 70, 15};
inline constexpr std::array<std::string_view, 3> segment_names{"enterprise", "mid_market", "smb"};
inline constexpr std::array<double, 3> segment_amount_factor{2.5, 1.0, 0.45};
inline constexpr std::array<std::string_view, 4> product_names{"core", "analytics", "integrations", "services"};
inline constexpr std::array<std::uint64_t, 4> product_weights{50, 25, 15, 10};
inline constexpr std::array<std::string_view, 4> region_names{"na", "emea", "apac", "latam"};
inline constexpr std::array<std::uint64_t, 4> region_weights{40, 35, 17, 8};
/// UTC hour-of-day profile of episode starts (business hours).
inline constexpr std::array<std::uint64_t, 24> hour_weights{1,  1,  1,  1,  1,  2,  4,  10, 30, 60, 75, 70,
                                                            55, 60, 70, 65, 55, 35, 15, 8,  5,  3,  2,  1};
inline constexpr std::array<int, 5> meeting_minutes{15, 30, 45, 60, 90};
inline constexpr std::array<std::uint64_t, 5> meeting_weights{10, 40, 15, 30, 5};
inline constexpr std::array<float, 5> stage_probability{0.1f, 0.2f, 0.4f, 0.6f, 0.8f};
inline constexpr std::array<forecast_category, 5> stage_forecast{forecast_category::pipeline, forecast_category::pipeline,
                                                                 forecast_category::best_case, forecast_category::commit,
                                                                 forecast_category::commit};
inline constexpr std::int64_t day_s = 86400;

/// "rep-0042": the prefix and i zero-padded to the width of n - 1 (at least 4 digits).
inline dictionary numbered_dictionary(std::string_view prefix, std::size_t n) {
  int width = 4;
  for (std::size_t x = n > 0 ? n - 1 : 0, p = 10000; x >= p && width < 20; p *= 10) ++width;
  dictionary d;
  std::string name(prefix);
  char digits[32];
  for (std::size_t i = 0; i < n; ++i) {
    const int len = std::snprintf(digits, sizeof digits, "%0*llu", width, static_cast<unsigned long long>(i));
    name.resize(prefix.size());
    name.append(digits, static_cast<std::size_t>(len));
    d.encode(name);
  }
  return d;
}

template <std::size_t N>
discrete make_discrete(const std::array<std::uint64_t, N>& w) {
  return discrete(std::span<const std::uint64_t>(w.data(), w.size()));
}

inline bool is_weekend(std::int64_t unix_day) noexcept { return iso_weekday(unix_day) >= 6; }

/// Floor division by a positive divisor.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/// The people and the calendar shared by every table.
struct population {
  std::int64_t start = 0, end = 0;  // unix seconds
  std::int64_t first_day = 0;
  discrete days, hours;
  std::vector<dense_id> account_owner;
  std::vector<std::uint8_t> account_segment, account_region;
  std::vector<dense_id> contact_account;
  std::vector<dense_id> contact_secondary;  // two per contact
  struct contact_info {
    dense_id contact, account, owner, secondary[2];
  };
  std::vector<contact_info> by_rank;  // contacts in order of their activity rank (one cache line per draw)
  discrete contact_rank;
  chance owner;

  population(const config& cfg, rng& r) : start(to_unix(cfg.start)), end(to_unix(cfg.end)), owner(cfg.owner_share) {
    first_day = floor_div(start, day_s);
    const std::int64_t last_day = floor_div(end - 1, day_s);
    const double w = cfg.weekend_share * 5.0 / (2.0 * (1.0 - cfg.weekend_share));
    const std::int64_t weekend_q16 = to_fixed(w, 16), growth_q16 = to_fixed(cfg.growth_per_year, 16);
    std::vector<std::uint64_t> day_w;
    day_w.reserve(static_cast<std::size_t>(last_day - first_day + 1));
    for (std::int64_t d = first_day; d <= last_day; ++d) {
      const std::int64_t weekday = is_weekend(d) ? weekend_q16 : 65536;
      const std::int64_t trend = std::max<std::int64_t>(1, 65536 + growth_q16 * (d - first_day) * 4 / 1461);
      day_w.push_back(static_cast<std::uint64_t>(std::max<std::int64_t>(1, weekday * trend)));
    }
    days = discrete(day_w);
    hours = make_discrete(hour_weights);

    const std::size_t n_acc = cfg.accounts, n_con = cfg.contacts, n_rep = cfg.reps;
    const discrete regions = make_discrete(region_weights);
    account_owner.resize(n_acc);
    account_region.resize(n_acc);
    for (std::size_t a = 0; a < n_acc; ++a) {
      account_owner[a] = static_cast<dense_id>(r.below(n_rep));
      account_region[a] = static_cast<std::uint8_t>(regions(r));
    }
    contact_account.resize(n_con);
    const std::size_t direct = std::min(n_acc, n_con);
    for (std::size_t c = 0; c < direct; ++c) contact_account[c] = static_cast<dense_id>(c);
    if (n_con > direct) {
      const std::vector<std::uint32_t> account_of_rank = random_permutation(n_acc, r);
      const discrete sizes(zipf_weights(n_acc, cfg.account_size_exponent));
      for (std::size_t c = direct; c < n_con; ++c) contact_account[c] = static_cast<dense_id>(account_of_rank[sizes(r)]);
    }
    std::vector<std::size_t> size(n_acc, 0);
    for (dense_id a : contact_account) ++size[static_cast<std::size_t>(a)];
    account_segment.resize(n_acc);
    for (std::size_t a = 0; a < n_acc; ++a)
      account_segment[a] = size[a] * n_acc >= 3 * n_con ? 0 : size[a] * n_acc >= n_con ? 1 : 2;
    contact_secondary.resize(2 * n_con);
    for (std::size_t c = 0; c < n_con; ++c) {
      const auto own = static_cast<std::uint64_t>(account_owner[static_cast<std::size_t>(contact_account[c])]);
      for (int k = 0; k < 2; ++k) {
        std::uint64_t x = n_rep > 1 ? r.below(n_rep - 1) : 0;
        if (n_rep > 1 && x >= own) ++x;  // uniform over the reps other than the owner
        contact_secondary[2 * c + static_cast<std::size_t>(k)] = static_cast<dense_id>(x);
      }
    }
    const std::vector<std::uint32_t> contact_of_rank = random_permutation(n_con, r);
    by_rank.resize(n_con);
    for (std::size_t k = 0; k < n_con; ++k) {
      const std::size_t c = contact_of_rank[k];
      const dense_id acc = contact_account[c];
      by_rank[k] = {static_cast<dense_id>(c), acc, account_owner[static_cast<std::size_t>(acc)],
                    {contact_secondary[2 * c], contact_secondary[2 * c + 1]}};
    }
    contact_rank = discrete(zipf_weights(n_con, cfg.contact_activity_exponent));
  }

  /// A seasonal instant in [start, end).
  std::int64_t instant(rng& r) const {
    for (int attempt = 0; attempt < 64; ++attempt) {
      const std::int64_t d = first_day + static_cast<std::int64_t>(days(r));
      const std::int64_t t = d * day_s + static_cast<std::int64_t>(hours(r)) * 3600 + static_cast<std::int64_t>(r.below(3600));
      if (t >= start && t < end) return t;
    }
    return start + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(end - start)));  // very short ranges
  }
  /// A contact drawn by activity weight.
  const contact_info& contact(rng& r) const { return by_rank[contact_rank(r)]; }
  /// The rep of an episode with contact c: the account owner or one of the two secondary reps.
  dense_id rep_for(const contact_info& c, rng& r) const {
    if (r(owner)) return c.owner;
    return c.secondary[r.below(2)];
  }
};

struct lead_record {
  std::int64_t created;
  dense_id account;
  std::uint8_t source;
};

struct opportunity_record {
  std::int64_t created;
  dense_id account;
  std::uint8_t source;
  std::int64_t lead;  // index into the leads table, -1 when sales-sourced
};

/// Leads and the opportunities' creation; fills d.leads and returns the opportunity records
/// sorted by created_ts (their order is their id).
inline std::vector<opportunity_record> make_leads_and_openings(const config& cfg, const population& pop, crm_data& d) {
  const auto n_opps = static_cast<std::size_t>(
      std::llround(static_cast<double>(cfg.activities) / cfg.activities_per_opportunity));
  const auto n_conv_target = std::min<std::size_t>(
      n_opps, static_cast<std::size_t>(std::llround(static_cast<double>(n_opps) * cfg.lead_sourced_share)));
  std::size_t n_leads = 0;
  if (cfg.lead_conversion_rate > 0.0)
    n_leads = std::max(n_conv_target, static_cast<std::size_t>(std::llround(static_cast<double>(n_conv_target) /
                                                                            cfg.lead_conversion_rate)));

  rng r(cfg.seed, leads_stream);
  const discrete lead_sources = make_discrete(lead_source_weights);
  std::vector<lead_record> leads(n_leads);
  for (auto& l : leads) {
    l.created = pop.instant(r);
    l.account = pop.contact(r).account;
    l.source = static_cast<std::uint8_t>(lead_sources(r));
  }
  std::stable_sort(leads.begin(), leads.end(), [](const lead_record& a, const lead_record& b) { return a.created < b.created; });

  // A uniform subset of n_conv_target leads tries to convert (partial Fisher-Yates).
  std::vector<std::uint32_t> pick(n_leads);
  for (std::size_t i = 0; i < n_leads; ++i) pick[i] = static_cast<std::uint32_t>(i);
  std::vector<std::int64_t> converted(n_leads, to_unix(no_time));
  const lognormal conversion(cfg.lead_conversion_median_days * day_s, cfg.lead_conversion_sigma);
  for (std::size_t k = 0; k < n_conv_target; ++k) {
    std::swap(pick[k], pick[k + static_cast<std::size_t>(r.below(n_leads - k))]);
    const std::size_t i = pick[k];
    for (int attempt = 0; attempt < 8; ++attempt) {
      const std::int64_t t = leads[i].created + std::max<std::int64_t>(3600, static_cast<std::int64_t>(conversion(r)));
      if (t < pop.end) {
        converted[i] = t;
        break;
      }
    }
  }

  std::vector<opportunity_record> opps;
  opps.reserve(n_opps);
  for (std::size_t i = 0; i < n_leads; ++i)
    if (converted[i] != to_unix(no_time))
      opps.push_back({converted[i], leads[i].account, leads[i].source, static_cast<std::int64_t>(i)});
  rng ro(cfg.seed, opportunities_stream);
  const discrete direct_sources = make_discrete(direct_source_weights);
  while (opps.size() < n_opps) {
    const std::int64_t created = pop.instant(ro);
    const dense_id account = pop.contact(ro).account;
    opps.push_back({created, account, static_cast<std::uint8_t>(direct_sources(ro)), -1});
  }
  std::stable_sort(opps.begin(), opps.end(),
                   [](const opportunity_record& a, const opportunity_record& b) { return a.created < b.created; });

  lead_store& ls = d.leads;
  ls.lead_id.resize(n_leads);
  ls.created_ts.resize(n_leads);
  ls.source.resize(n_leads);
  ls.owner_rep_id.resize(n_leads);
  ls.converted_ts.resize(n_leads);
  ls.opportunity_id.assign(n_leads, no_id);
  ls.status.resize(n_leads);
  const chance stale_open(cfg.stale_lead_open_share);
  const std::int64_t young = pop.end - std::int64_t{cfg.lead_open_days} * day_s;
  for (std::size_t i = 0; i < n_leads; ++i) {
    ls.lead_id[i] = static_cast<dense_id>(i);
    ls.created_ts[i] = from_unix(leads[i].created);
    ls.source[i] = leads[i].source;
    ls.owner_rep_id[i] = pop.account_owner[static_cast<std::size_t>(leads[i].account)];
    if (converted[i] != to_unix(no_time)) {
      ls.converted_ts[i] = from_unix(converted[i]);
      ls.status[i] = lead_status::converted;
    } else {
      ls.converted_ts[i] = no_time;
      ls.status[i] = leads[i].created >= young || r(stale_open) ? lead_status::open : lead_status::disqualified;
    }
  }
  for (std::size_t o = 0; o < opps.size(); ++o)
    if (opps[o].lead >= 0) ls.opportunity_id[static_cast<std::size_t>(opps[o].lead)] = static_cast<dense_id>(o);
  return opps;
}

/// Opportunities and their stage histories.
inline void make_opportunities(const config& cfg, const population& pop, const std::vector<opportunity_record>& opps,
                               crm_data& d) {
  rng r(cfg.seed, history_stream);
  const std::size_t n = opps.size();
  opportunity_store& os = d.opportunities;
  stage_history_store& hs = d.stage_history;
  os.opportunity_id.resize(n);
  os.created_ts.resize(n);
  os.stage.resize(n);
  os.status.resize(n);
  os.account_id.resize(n);
  os.owner_rep_id.resize(n);
  os.expected_close_ts.resize(n);
  os.closed_ts.resize(n);
  os.amount.resize(n);
  os.probability.resize(n);
  os.forecast_category.resize(n);
  os.source.resize(n);
  // Create the three attribute columns before taking references (attribute() may reallocate).
  (void)os.attribute("segment");
  (void)os.attribute("product");
  (void)os.attribute("region");
  attribute_store& segment = os.attribute("segment");
  attribute_store& product = os.attribute("product");
  attribute_store& region = os.attribute("region");
  for (auto s : segment_names) segment.labels.encode(s);
  for (auto s : product_names) product.labels.encode(s);
  for (auto s : region_names) region.labels.encode(s);
  segment.codes.resize(n);
  product.codes.resize(n);
  region.codes.resize(n);
  const std::size_t expected_rows = n * 4;
  hs.opportunity_id.reserve(expected_rows);
  hs.ts.reserve(expected_rows);
  hs.from_stage.reserve(expected_rows);
  hs.to_stage.reserve(expected_rows);
  hs.amount.reserve(expected_rows);
  hs.expected_close_ts.reserve(expected_rows);

  std::array<lognormal, 3> amount;
  for (std::size_t s = 0; s < 3; ++s)
    amount[s] = lognormal(cfg.amount_median * 100.0 * segment_amount_factor[s], cfg.amount_sigma);
  const discrete products = make_discrete(product_weights);
  const lognormal cycle(cfg.expected_cycle_median_days * day_s, cfg.expected_cycle_sigma);
  const lognormal dwell(cfg.dwell_median_days * day_s, cfg.dwell_sigma);
  const lognormal revision(1.0, cfg.amount_revision_sigma);
  const lognormal push(cfg.close_push_median_days * day_s, cfg.close_push_sigma);
  std::array<chance, 5> advance;
  for (std::size_t s = 0; s < 5; ++s) advance[s] = chance(cfg.advance_probability[s]);
  const chance regress(cfg.regress_probability), skip(cfg.skip_probability), revise(cfg.amount_revision_probability),
      push_close(cfg.close_push_probability), omitted(cfg.omitted_share);
  constexpr stage_index last_open = 4, won = schema_stages::won, lost = schema_stages::lost;

  for (std::size_t o = 0; o < n; ++o) {
    const opportunity_record& rec = opps[o];
    const auto acc = static_cast<std::size_t>(rec.account);
    const std::uint8_t seg = pop.account_segment[acc];
    const auto id = static_cast<dense_id>(o);
    std::int64_t cents = std::max<std::int64_t>(100, static_cast<std::int64_t>(std::min<std::uint64_t>(amount[seg](r), 1ULL << 60)));
    std::int64_t expected = rec.created + std::max<std::int64_t>(day_s, static_cast<std::int64_t>(cycle(r)));
    segment.codes[o] = seg;
    product.codes[o] = static_cast<dense_id>(products(r));
    region.codes[o] = pop.account_region[acc];

    auto row = [&](std::int64_t ts, stage_index from, stage_index to) {
      hs.opportunity_id.push_back(id);
      hs.ts.push_back(from_unix(ts));
      hs.from_stage.push_back(from);
      hs.to_stage.push_back(to);
      hs.amount.push_back(money::from_cents(cents));
      hs.expected_close_ts.push_back(from_unix(expected));
    };
    row(rec.created, no_stage, 0);
    stage_index stage = 0;
    std::int64_t t = rec.created;
    int regressions = 0;
    deal_status status = deal_status::open;
    std::int64_t closed = to_unix(no_time);
    for (;;) {
      const std::int64_t next = t + std::max<std::int64_t>(3600, static_cast<std::int64_t>(std::min<std::uint64_t>(dwell(r), 1ULL << 40)));
      if (next >= pop.end) break;  // still in flight at the end of the history
      const std::uint64_t u = r.next();
      const chance adv = advance[static_cast<std::size_t>(stage)];
      stage_index to;
      if (adv.always || u < adv.threshold) {
        if (stage == last_open) to = won;
        else if (stage + 2 <= last_open && r(skip)) to = static_cast<stage_index>(stage + 2);
        else to = static_cast<stage_index>(stage + 1);
      } else if (stage > 0 && regressions < 2 && (regress.always || u - adv.threshold < regress.threshold)) {
        to = static_cast<stage_index>(stage - 1);
        ++regressions;
      } else {
        to = lost;
      }
      if (to != won && to != lost) {
        if (r(revise)) cents = std::max<std::int64_t>(100, static_cast<std::int64_t>(std::min<std::uint64_t>(
                                                               revision.scale(r, static_cast<std::uint64_t>(cents)), 1ULL << 60)));
        if (r(push_close)) expected += std::max<std::int64_t>(day_s, static_cast<std::int64_t>(std::min<std::uint64_t>(push(r), 1ULL << 40)));
      }
      row(next, stage, to);
      t = next;
      if (to == won || to == lost) {
        status = to == won ? deal_status::won : deal_status::lost;
        closed = next;
        break;
      }
      stage = to;
    }
    os.opportunity_id[o] = id;
    os.created_ts[o] = from_unix(rec.created);
    os.stage[o] = stage;
    os.status[o] = status;
    os.account_id[o] = rec.account;
    os.owner_rep_id[o] = pop.account_owner[acc];
    os.expected_close_ts[o] = from_unix(expected);
    os.closed_ts[o] = from_unix(closed);
    os.amount[o] = money::from_cents(cents);
    os.source[o] = rec.source;
    if (status == deal_status::won) {
      os.probability[o] = 1.f;
      os.forecast_category[o] = forecast_category::closed;
    } else if (status == deal_status::lost) {
      os.probability[o] = 0.f;
      os.forecast_category[o] = forecast_category::omitted;
    } else {
      os.probability[o] = stage_probability[static_cast<std::size_t>(stage)];
      os.forecast_category[o] = r(omitted) ? forecast_category::omitted : stage_forecast[static_cast<std::size_t>(stage)];
    }
  }
}

/// Opportunities per account in creation order, for linking activities. Times are seconds
/// since `start` (config::check() keeps histories under 2^32 s); the creation times of an
/// account are contiguous so the binary search stays in few cache lines.
struct account_opportunities {
  struct entry {
    std::uint32_t closed;  // UINT32_MAX while open
    dense_id id;
  };
  std::int64_t origin;
  std::vector<std::size_t> offset;  // accounts + 1
  std::vector<std::uint32_t> created;
  std::vector<entry> entries;
  std::vector<std::int64_t> closed_by_id;  // unix seconds, max while open

  account_opportunities(const opportunity_store& os, std::size_t accounts, std::int64_t start)
      : origin(start), offset(accounts + 1, 0) {
    const std::size_t n = os.opportunity_id.size();
    for (std::size_t o = 0; o < n; ++o) ++offset[static_cast<std::size_t>(os.account_id[o]) + 1];
    for (std::size_t a = 0; a < accounts; ++a) offset[a + 1] += offset[a];
    created.resize(n);
    entries.resize(n);
    closed_by_id.resize(n);
    std::vector<std::size_t> fill(offset.begin(), offset.end() - 1);
    for (std::size_t o = 0; o < n; ++o) {  // ids are in creation order, so each account's list is too
      const std::size_t k = fill[static_cast<std::size_t>(os.account_id[o])]++;
      created[k] = static_cast<std::uint32_t>(to_unix(os.created_ts[o]) - start);
      entries[k] = {is_missing(os.closed_ts[o]) ? std::numeric_limits<std::uint32_t>::max()
                                                : static_cast<std::uint32_t>(to_unix(os.closed_ts[o]) - start),
                    static_cast<dense_id>(o)};
      closed_by_id[o] = is_missing(os.closed_ts[o]) ? std::numeric_limits<std::int64_t>::max() : to_unix(os.closed_ts[o]);
    }
  }

  /// `opp` while it is still open at t (a thread outliving its deal stops naming it).
  dense_id still_open(dense_id opp, std::int64_t t) const noexcept {
    return opp >= 0 && closed_by_id[static_cast<std::size_t>(opp)] >= t ? opp : no_id;
  }

  /// With probability `link`, the latest-created opportunity of the account open at t among its
  /// 8 latest created at or before t (no_id when there is none); otherwise no_id.
  dense_id at(dense_id account, std::int64_t t, chance link, rng& r) const {
    if (!r(link)) return no_id;  // decided first: the search is skipped for unlinked rows
    const std::int64_t rel = t - origin;
    if (rel < 0) return no_id;
    const std::uint32_t t32 = rel > std::int64_t{std::numeric_limits<std::uint32_t>::max()} ? std::numeric_limits<std::uint32_t>::max()
                                                                                          : static_cast<std::uint32_t>(rel);
    const auto a = static_cast<std::size_t>(account);
    const std::uint32_t* b = created.data() + offset[a];
    const std::uint32_t* it = std::upper_bound(b, created.data() + offset[a + 1], t32);
    for (int k = 0; k < 8 && it != b; ++k) {
      --it;
      const entry& e = entries[static_cast<std::size_t>(it - created.data())];
      if (e.closed >= t32) return e.id;
    }
    return no_id;
  }
};

/// Expected messages per e-mail thread (ignoring the end of the history), Q32, exact integers.
inline std::uint64_t expected_thread_length_q32(const config& cfg) {
  const auto q32 = [](double p) { return static_cast<std::uint64_t>(to_fixed(p, 32)); };
  const std::uint64_t reply = q32(cfg.reply_probability), customer = q32(cfg.customer_reply_probability);
  std::uint64_t in = q32(cfg.thread_inbound_start), out = (std::uint64_t{1} << 32) - in, total = 0;
  for (std::size_t k = 1; k <= cfg.max_thread_length; ++k) {
    total += in + out;
    const std::uint64_t next_out = (in * reply) >> 32;
    const std::uint64_t next_in = k + 2 <= cfg.max_thread_length ? (out * customer) >> 32 : 0;
    in = next_in;
    out = next_out;
  }
  return std::max<std::uint64_t>(total, 1);
}

/// One generated activity row, kept together until the rows are sorted by ts.
struct activity_row {
  std::int64_t ts;
  dense_id rep, contact, account, opportunity, thread, subject;
  float minutes;
  activity_type type;
  direction dir;
  activity_status status;
  std::uint8_t attendees;
};

/// Writes the rows into the activity columns sorted by ts, ties in generation order (LSD radix
/// sort of (ts - origin, row index) packed in 64-bit keys, then one gather).
inline void store_sorted(std::vector<activity_row>& rows, std::int64_t origin, activity_store& a) {
  const std::size_t n = rows.size();
  std::vector<std::uint64_t> keys(n);
  std::int64_t max_off = 0;
  for (const activity_row& row : rows) max_off = std::max(max_off, row.ts - origin);
  const int idx_bits = std::bit_width(static_cast<std::uint64_t>(n > 1 ? n - 1 : 1));
  const int key_bits = std::bit_width(static_cast<std::uint64_t>(max_off));
  if (idx_bits + key_bits <= 64) {
    std::vector<std::uint64_t> buffer(n);
    for (std::size_t i = 0; i < n; ++i) keys[i] = (static_cast<std::uint64_t>(rows[i].ts - origin) << idx_bits) | i;
    constexpr int digit = 11;
    constexpr std::uint64_t digit_mask = (1u << digit) - 1;
    for (int shift = idx_bits; shift < idx_bits + key_bits; shift += digit) {
      std::array<std::size_t, (1u << digit) + 1> count{};
      for (std::uint64_t k : keys) ++count[((k >> shift) & digit_mask) + 1];
      for (std::size_t b = 1; b < count.size(); ++b) count[b] += count[b - 1];
      for (std::uint64_t k : keys) buffer[count[(k >> shift) & digit_mask]++] = k;
      keys.swap(buffer);
    }
    const std::uint64_t mask = (std::uint64_t{1} << idx_bits) - 1;
    for (auto& k : keys) k &= mask;
  } else {  // histories longer than the key can hold: a stable comparison sort
    for (std::size_t i = 0; i < n; ++i) keys[i] = i;
    std::stable_sort(keys.begin(), keys.end(), [&](std::uint64_t x, std::uint64_t y) { return rows[x].ts < rows[y].ts; });
  }
  a.ts.resize(n);
  a.type.resize(n);
  a.direction.resize(n);
  a.rep_id.resize(n);
  a.contact_id.resize(n);
  a.account_id.resize(n);
  a.opportunity_id.resize(n);
  a.duration_min.resize(n);
  a.thread_id.resize(n);
  a.subject_id.resize(n);
  a.status.resize(n);
  a.our_attendees.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
#if defined(__GNUC__)
    if (i + 16 < n) __builtin_prefetch(&rows[static_cast<std::size_t>(keys[i + 16])]);  // a random gather: hide the latency
#endif
    const activity_row& row = rows[static_cast<std::size_t>(keys[i])];
    a.ts[i] = from_unix(row.ts);
    a.type[i] = row.type;
    a.direction[i] = row.dir;
    a.rep_id[i] = row.rep;
    a.contact_id[i] = row.contact;
    a.account_id[i] = row.account;
    a.opportunity_id[i] = row.opportunity;
    a.duration_min[i] = row.minutes;
    a.thread_id[i] = row.thread;
    a.subject_id[i] = row.subject;
    a.status[i] = row.status;
    a.our_attendees[i] = row.attendees;
  }
}

/// The activity table: completed episodes, then scheduled rows, then the sort by ts.
inline std::size_t make_activities(const config& cfg, const population& pop, const account_opportunities& links,
                                   crm_data& d) {
  const std::size_t n = cfg.activities;
  std::vector<activity_row> rows;
  rows.reserve(n);
  const std::size_t n_scheduled =
      std::min(n, static_cast<std::size_t>(std::llround(static_cast<double>(n) * cfg.scheduled_share)));
  const chance link(cfg.opportunity_link_share);

  auto emit = [&](std::int64_t ts, activity_type type, direction dir, dense_id rep, dense_id contact, dense_id account,
                  dense_id opp, float minutes, dense_id thread, dense_id subject, activity_status status,
                  std::uint8_t attendees) {
    rows.push_back({ts, rep, contact, account, opp, thread, subject, minutes, type, dir, status, attendees});
  };

  // Episode kinds weighted so that expected row shares match the config (a thread has E[L] rows).
  const std::uint64_t el = expected_thread_length_q32(cfg);
  const auto q32 = [](double p) { return static_cast<std::uint64_t>(to_fixed(p, 32)); };
  const std::array<std::uint64_t, 3> kind_w{(q32(cfg.email_share) << 28) / el, q32(cfg.meeting_share) >> 4,
                                            q32(cfg.call_share) >> 4};
  const discrete kinds(kind_w);
  const discrete meeting_len = make_discrete(meeting_weights);
  const chance thread_in(cfg.thread_inbound_start), reply(cfg.reply_probability), customer(cfg.customer_reply_probability),
      defer(cfg.weekend_reply_deferral), meeting_in(cfg.meeting_inbound_share), call_in(cfg.call_inbound_share);
  const lognormal rep_delay(cfg.reply_delay_median_hours * 3600.0, cfg.reply_delay_sigma);
  const lognormal customer_delay(cfg.customer_delay_median_hours * 3600.0, cfg.customer_delay_sigma);
  const lognormal call_quarters(cfg.call_median_minutes * 4.0, cfg.call_sigma);
  const auto n_subjects = static_cast<std::uint64_t>(subject_lines.size());

  rng r(cfg.seed, activities_stream);
  std::size_t remaining = n - n_scheduled;
  dense_id threads = 0;
  while (remaining > 0) {
    const auto& who = pop.contact(r);
    const dense_id contact = who.contact, account = who.account;
    const dense_id rep = pop.rep_for(who, r);
    const std::int64_t t0 = pop.instant(r);
    switch (kinds(r)) {
      case 0: {  // e-mail thread
        const dense_id thread = threads++;
        const auto subject = static_cast<dense_id>(r.below(n_subjects));
        const dense_id opp = links.at(account, t0, link, r);
        direction dir = r(thread_in) ? direction::inbound : direction::outbound;
        std::int64_t t = t0;
        for (std::size_t len = 1;; ++len) {
          emit(t, activity_type::email, dir, rep, contact, account, links.still_open(opp, t), 0.f, thread, subject,
               activity_status::completed, 1);
          if (--remaining == 0) break;
          std::uint64_t delay;
          if (dir == direction::inbound) {
            if (!r(reply)) break;
            delay = rep_delay(r);
            dir = direction::outbound;
          } else {
            if (len + 2 > cfg.max_thread_length || !r(customer)) break;
            delay = customer_delay(r);
            dir = direction::inbound;
          }
          t += static_cast<std::int64_t>(std::clamp<std::uint64_t>(delay, 60, std::uint64_t{1} << 40));
          const std::int64_t day = floor_div(t, day_s);
          if (is_weekend(day) && r(defer))
            t = (day + 8 - static_cast<std::int64_t>(iso_weekday(day))) * day_s + 8 * 3600 +
                static_cast<std::int64_t>(r.below(3 * 3600));
          if (t >= pop.end) break;
        }
        break;
      }
      case 1: {  // meeting
        std::int64_t t = t0 - (t0 % 900 + 900) % 900;
        if (t < pop.start) t = t0;
        const int planned_quarters = meeting_minutes[meeting_len(r)] * 4;
        const auto quarters = std::clamp<std::int64_t>(planned_quarters + r.between(-8, 8), 60, 360);
        const std::uint64_t x = r.below(10);
        const auto attendees = static_cast<std::uint8_t>(x < 6 ? 1 : x < 9 ? 2 : 3);  // 60% / 30% / 10%
        const direction dir = r(meeting_in) ? direction::inbound : direction::outbound;
        emit(t, activity_type::meeting, dir, rep, contact, account, links.at(account, t, link, r),
             static_cast<float>(quarters) * 0.25f, no_id, no_id, activity_status::completed, attendees);
        --remaining;
        break;
      }
      default: {  // phone call
        const auto quarters = std::clamp<std::uint64_t>(call_quarters(r), 1, 960);
        const direction dir = r(call_in) ? direction::inbound : direction::outbound;
        emit(t0, activity_type::phone_call, dir, rep, contact, account, links.at(account, t0, link, r),
             static_cast<float>(quarters) * 0.25f, no_id, no_id, activity_status::completed, 1);
        --remaining;
        break;
      }
    }
  }

  rng rs(cfg.seed, scheduled_stream);
  const std::int64_t first = floor_div(pop.end - 1, day_s) + 1;  // the first day entirely at or after `end`
  for (std::size_t i = 0; i < n_scheduled; ++i) {
    const auto& who = pop.contact(rs);
    const dense_id contact = who.contact, account = who.account;
    const dense_id rep = pop.rep_for(who, rs);
    std::int64_t day = first + static_cast<std::int64_t>(rs.below(static_cast<std::uint64_t>(cfg.scheduled_horizon_days)));
    if (is_weekend(day)) day += 8 - static_cast<std::int64_t>(iso_weekday(day));
    const std::int64_t t = day * day_s + 8 * 3600 + static_cast<std::int64_t>(rs.below(40)) * 900;
    const bool meeting = rs.below(10) < 6;
    const float minutes = meeting ? (rs.below(2) == 0 ? 30.f : 60.f) : 15.f;
    emit(t, meeting ? activity_type::meeting : activity_type::phone_call, direction::outbound, rep, contact, account,
         links.at(account, t, link, rs), minutes, no_id, no_id, activity_status::scheduled, 1);
  }
  store_sorted(rows, pop.start, d.activities);
  return static_cast<std::size_t>(threads);
}

}  // namespace detail

/// A complete, valid CRM data set drawn from `cfg` (see the model above). Throws
/// std::invalid_argument when cfg.check() does.
[[nodiscard]] inline crm_data generate(const config& cfg) {
  cfg.check();
  crm_data d;
  d.stages = schema_stages::runtime();
  rng r(cfg.seed, detail::population_stream);
  const detail::population pop(cfg, r);
  const std::vector<detail::opportunity_record> opps = detail::make_leads_and_openings(cfg, pop, d);
  detail::make_opportunities(cfg, pop, opps, d);
  const detail::account_opportunities links(d.opportunities, cfg.accounts, to_unix(cfg.start));
  const std::size_t threads = detail::make_activities(cfg, pop, links, d);

  crm_dictionaries& dict = d.dictionaries;
  dict.reps = detail::numbered_dictionary("rep-", cfg.reps);
  dict.accounts = detail::numbered_dictionary("account-", cfg.accounts);
  dict.contacts = detail::numbered_dictionary("contact-", cfg.contacts);
  dict.opportunities = detail::numbered_dictionary("opp-", d.opportunities.opportunity_id.size());
  dict.leads = detail::numbered_dictionary("lead-", d.leads.lead_id.size());
  if (cfg.name_threads) dict.threads = detail::numbered_dictionary("thread-", threads);
  for (auto s : detail::subject_lines) dict.subjects.encode(s);
  for (auto s : detail::source_names) dict.sources.encode(s);
  return d;
}

}  // namespace synthetic
SALESMETRICS_END_NAMESPACE
