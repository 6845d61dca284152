// Shared by the relationship tests: a random CRM history generator (the test's own, std::mt19937)
// and an independent brute-force computation of every relationship KPI, written from the
// definitions in the headers (quadratic reply search, std::regex subjects, std::map groups).
#pragma once
#include <salesmetrics/relationship/panel.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

namespace reltest {

using namespace salesmetrics;

inline constexpr std::int64_t day_s = 86400;
inline constexpr std::int64_t t_ref = 1'700'006'400;  // 2023-11-15T00:00:00Z

/// A random history around t_ref: ties, scheduled rows, tasks, missing ids, thread ids and subjects.
inline crm_data random_history(std::uint32_t seed, std::size_t n, bool with_thread_ids = true) {
  std::mt19937 rng(seed);
  auto uni = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
  crm_data d;
  for (int r = 0; r < 5; ++r) d.dictionaries.reps.encode("rep" + std::to_string(r));
  for (int c = 0; c < 12; ++c) d.dictionaries.contacts.encode("contact" + std::to_string(c));
  for (int a = 0; a < 4; ++a) d.dictionaries.accounts.encode("account" + std::to_string(a));
  for (int o = 0; o < 6; ++o) d.dictionaries.opportunities.encode("opp" + std::to_string(o));
  for (int l = 0; l < 3; ++l) d.dictionaries.leads.encode("lead" + std::to_string(l));
  for (const char* s : {"Budget", "Re: Budget", "RE:Budget", "Fwd: re: Budget ", "budget", "Plan", "FW : Plan", "Re:", "  ",
                        "Report: Q3", "re re: Plan", "Re Q3"})
    d.dictionaries.subjects.encode(s);
  auto& a = d.activities;
  for (std::size_t i = 0; i < n; ++i) {
    // hours around t_ref: -130 days .. +10 days, on the hour half of the time (ties)
    std::int64_t ts = t_ref + uni(-130 * 24, 10 * 24) * 3600;
    if (uni(0, 1)) ts += uni(0, 3599);
    if (uni(0, 40) == 0) ts = t_ref - 60 * day_s + uni(-1, 1);  // the window's first second and its neighbours
    if (uni(0, 40) == 0) ts = t_ref + uni(-1, 0);               // its last second and as_of itself
    a.ts.push_back(from_unix(ts));
    const auto r = uni(0, 99);
    a.type.push_back(r < 55 ? activity_type::email : r < 75 ? activity_type::meeting : r < 95 ? activity_type::phone_call
                                                    : r < 98 ? activity_type::task : activity_type::note);
    a.direction.push_back(uni(0, 1) ? direction::inbound : direction::outbound);
    a.rep_id.push_back(static_cast<dense_id>(uni(0, 4)));
    const auto contact = static_cast<dense_id>(uni(0, 12) == 0 ? no_id : uni(0, 11));
    a.contact_id.push_back(contact);
    a.account_id.push_back(contact < 0 ? (uni(0, 1) ? no_id : static_cast<dense_id>(uni(0, 3))) : contact % 4);
    a.opportunity_id.push_back(uni(0, 3) == 0 ? no_id : static_cast<dense_id>(uni(0, 5)));
    a.lead_id.push_back(uni(0, 2) == 0 ? static_cast<dense_id>(uni(0, 2)) : no_id);
    a.duration_min.push_back(uni(0, 9) == 0 ? std::nanf("") : static_cast<float>(uni(0, 360)) * 0.25f);
    a.thread_id.push_back(with_thread_ids && uni(0, 1) ? static_cast<dense_id>(uni(0, 14)) : no_id);
    a.subject_id.push_back(uni(0, 8) == 0 ? no_id : static_cast<dense_id>(uni(0, 11)));
    a.status.push_back(uni(0, 9) == 0 ? activity_status::scheduled : activity_status::completed);
    a.our_attendees.push_back(static_cast<std::uint8_t>(uni(0, 3)));
  }
  return d;
}

// ---- brute force ----------------------------------------------------------------------------------

inline std::string regex_normalise(std::string s) {
  static const std::regex prefix("^[ \\t]*(fwd|fw|re)[ \\t]*:", std::regex::icase);
  std::smatch m;
  while (std::regex_search(s, m, prefix)) s = m.suffix().str();
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

using thread_key = std::tuple<int, std::int64_t, std::string, std::int64_t, std::int64_t>;

inline bool completed(const activity_view& a, std::size_t i) { return a.status.empty() || a.status[i] == activity_status::completed; }
inline bool interaction(const activity_view& a, std::size_t i) {
  return completed(a, i) && (a.type[i] == activity_type::email || a.type[i] == activity_type::meeting || a.type[i] == activity_type::phone_call);
}

inline std::optional<thread_key> key_of(const crm_view& v, std::size_t i) {
  const auto& a = v.activities;
  if (a.type[i] != activity_type::email || !completed(a, i)) return std::nullopt;
  if (!a.thread_id.empty() && a.thread_id[i] >= 0) return thread_key{0, a.thread_id[i], "", 0, 0};
  if (a.subject_id.empty() || a.subject_id[i] < 0) return std::nullopt;
  const std::string s = regex_normalise(v.dictionaries->subjects.name(a.subject_id[i]));
  if (s.empty()) return std::nullopt;
  return thread_key{1, 0, s, a.rep_id[i], a.contact_id.empty() ? -1 : a.contact_id[i]};
}

/// reply ts per row: nullopt = not threaded; INT64_MAX = no reply.
inline std::vector<std::optional<std::int64_t>> brute_replies(const crm_view& v) {
  const auto& a = v.activities;
  std::vector<std::optional<thread_key>> keys(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) keys[i] = key_of(v, i);
  std::vector<std::optional<std::int64_t>> out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!keys[i]) continue;
    std::int64_t best = std::numeric_limits<std::int64_t>::max();
    for (std::size_t j = 0; j < a.size(); ++j)
      if (keys[j] && *keys[j] == *keys[i] && a.direction[j] != a.direction[i] && a.ts[j] > a.ts[i])
        best = std::min(best, to_unix(a.ts[j]));
    out[i] = best;
  }
  return out;
}

struct person {
  std::int64_t n = 0;
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  double w = 0;
};

struct health_ref {
  std::int64_t n = 0, last = std::numeric_limits<std::int64_t>::min();
  double w_us = 0, w_them = 0, w_sent = 0, w_answered = 0;
};

struct ref_panel {
  std::array<std::int64_t, 6> counts{};
  std::array<double, 4> minutes{};   // meetings us, them, calls us, them
  double meeting_attendee_minutes = 0;
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  std::array<std::int64_t, 2> emails{}, replied{}, delay_sum{};  // [0] = ours (their e-mails), [1] = theirs
  std::array<std::vector<std::int64_t>, 2> delays;
  std::map<std::int64_t, std::array<std::int32_t, 6>> timeline;
  health_ref cur, prev;
  std::map<std::int64_t, person> contacts, reps;
  std::map<std::pair<std::int64_t, std::int64_t>, person> contact_reps;
};

inline double decay(double age_days, double half_life) { return age_days <= 0 ? 1.0 : std::pow(0.5, age_days / half_life); }

inline double median(std::vector<std::int64_t> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? static_cast<double>(v[n / 2]) : (static_cast<double>(v[n / 2 - 1]) + static_cast<double>(v[n / 2])) / 2.0;
}

/// Record ids of row i for a kind; empty when missing.
inline std::vector<std::int64_t> record_of(const activity_view& a, std::size_t i, relationship::record_kind k) {
  using relationship::record_kind;
  auto get = [&](const std::span<const dense_id>& c) -> std::int64_t { return c.empty() ? -1 : c[i]; };
  std::vector<std::int64_t> key;
  switch (k) {
    case record_kind::contact: key = {get(a.contact_id)}; break;
    case record_kind::account: key = {get(a.account_id)}; break;
    case record_kind::opportunity: key = {get(a.opportunity_id)}; break;
    case record_kind::lead: key = {get(a.lead_id)}; break;
    case record_kind::rep_contact: key = {a.rep_id[i], get(a.contact_id)}; break;
  }
  for (auto x : key)
    if (x < 0) return {};
  return key;
}

struct windows_ref {
  std::int64_t from, to, as_of;
  bool has_prev;
  std::int64_t pfrom, pto, pas_of;
};

inline std::map<std::vector<std::int64_t>, ref_panel> brute_panels(const crm_view& v, relationship::record_kind kind,
                                                                     const windows_ref& w, const relationship::relationship_options& o,
                                                                     double half_life) {
  const auto& a = v.activities;
  const auto replies = brute_replies(v);
  std::map<std::vector<std::int64_t>, ref_panel> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto key = record_of(a, i, kind);
    if (key.empty()) continue;
    const std::int64_t t = to_unix(a.ts[i]);
    const bool is_int = interaction(a, i);
    const bool out_dir = a.direction[i] == direction::outbound;
    const int type = static_cast<int>(a.type[i]);
    const bool in_cur = t >= w.from && t < w.to, in_prev = w.has_prev && t >= w.pfrom && t < w.pto;
    const bool sched = !a.status.empty() && a.status[i] == activity_status::scheduled && type <= 2 && t >= w.as_of;
    if (!(is_int && (in_cur || in_prev)) && !sched) continue;
    ref_panel& p = out[key];
    if (sched) p.next = std::min(p.next, t);
    if (!is_int) continue;
    auto health = [&](health_ref& h, std::int64_t as_of, std::int64_t to) {
      ++h.n;
      h.last = std::max(h.last, t);
      const double wgt = decay(static_cast<double>(as_of - t) / 86400.0, half_life);
      (out_dir ? h.w_us : h.w_them) += wgt;
      if (out_dir && type == 0 && replies[i]) {
        h.w_sent += wgt;
        if (*replies[i] < to) h.w_answered += wgt;
      }
      return wgt;
    };
    if (in_prev) health(p.prev, w.pas_of, w.pto);
    if (!in_cur) continue;
    const double wgt = health(p.cur, w.as_of, w.to);
    const int cell = type * 2 + (out_dir ? 0 : 1);
    ++p.counts[static_cast<std::size_t>(cell)];
    const double minutes = a.duration_min.empty() || std::isnan(a.duration_min[i]) ? 0.0 : static_cast<double>(a.duration_min[i]);
    if (type == 1) {
      p.minutes[out_dir ? 0 : 1] += minutes;
      p.meeting_attendee_minutes += minutes * std::max(1, static_cast<int>(a.our_attendees[i]));
    } else if (type == 2) {
      p.minutes[out_dir ? 2 : 3] += minutes;
    }
    std::int64_t day = t / day_s - (t % day_s < 0);
    ++p.timeline[day][static_cast<std::size_t>(cell)];
    if (type == 0 && replies[i]) {
      const int side = out_dir ? 1 : 0;
      ++p.emails[side];
      if (*replies[i] < w.to) {
        ++p.replied[side];
        p.delay_sum[side] += *replies[i] - t;
        p.delays[side].push_back(*replies[i] - t);
      }
    }
    auto touch = [&](person& pp) {
      ++pp.n;
      pp.last = std::max(pp.last, t);
      pp.w += wgt;
    };
    if (!a.contact_id.empty() && a.contact_id[i] >= 0) touch(p.contacts[a.contact_id[i]]);
    touch(p.reps[a.rep_id[i]]);
    if (!a.contact_id.empty() && a.contact_id[i] >= 0) touch(p.contact_reps[{a.contact_id[i], a.rep_id[i]}]);
  }
  (void)o;
  return out;
}

inline relationship::health_components brute_health(const health_ref& h, std::int64_t as_of, const relationship::relationship_options& o,
                                                    double half_life) {
  relationship::health_components c;
  const double total = h.w_us + h.w_them;
  c.recency = h.n == 0 ? 0.0 : decay(static_cast<double>(as_of - h.last) / 86400.0, half_life);
  c.frequency = std::min(1.0, total / o.frequency_target);
  c.reciprocity = total > 0 ? 2 * std::min(h.w_us, h.w_them) / total : 0.0;
  c.responsiveness = h.w_sent > 0 ? h.w_answered / h.w_sent : std::nan("");
  double num = 0, den = 0;
  const double comp[4] = {c.recency, c.frequency, c.reciprocity, c.responsiveness};
  const double wt[4] = {o.weights.recency, o.weights.frequency, o.weights.reciprocity, o.weights.responsiveness};
  for (int k = 0; k < 4; ++k)
    if (!std::isnan(comp[k]) && wt[k] > 0) num += wt[k] * comp[k], den += wt[k];
  c.score = den > 0 ? 100 * num / den : std::nan("");
  return c;
}

/// Equal, or both NaN, or within 1e-9 relative (1e-12 absolute near 0).
inline bool close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)) + 1e-12;
}

}  // namespace reltest
