// salesmetrics/weighting/commission.hpp: tiered commission schedules (marginal and flat), accelerators,
// decelerators, caps and milestone bonuses, in a run-time and a compile-time form.
//
// Amounts, quotas, caps, bonuses and payouts are salesmetrics::money (int64 cents). For a credited
// amount A (one rep, one period) and quota Q > 0, attainment = A / Q:
//   Tiers t = 0..n-1 start at from_0 = 0 < from_1 < ...; tier t covers (from_t, from_{t+1}], the
//   last one is unbounded. An amount exactly on a boundary belongs to the LOWER tier ("up to 1M at 5%").
//   marginal   each part of (0, A] is paid at the rate of the tier it lies in
//   flat       (slab) all of (0, A] is paid at the rate of the tier containing A
//   accelerator {above a, multiplier m}: the part of the amount above round(a * Q) is paid at rate x m
//              (thresholds ascending; a part above several thresholds uses the highest one only)
//   decelerator {below b, multiplier m}: if attainment < b, every tier line is paid at rate x m;
//              with several, the smallest b that attainment is below applies (only one)
//   cap        the commission (sum of tier lines) is limited to the cap; the reduction is a line
//   milestone bonus {at x, bonus B}: B is added when attainment >= x (each milestone once); bonuses
//              are outside the cap
// (0, A] is cut at the tier boundaries (marginal only) and at the accelerator thresholds; each piece
// is one payout line with its tier, accelerator band (-1 = none) and effective rate
// r = tier rate x accelerator x decelerator. Rounding rule: r is rounded to 9 decimal places, then each
// line pays round_half_away_from_zero(piece_cents x r) cents, computed exactly in 128-bit integers;
// totals are exact sums of the rounded lines. A <= 0 pays no commission (no clawback); a missing A
// gives a missing payout. Q is needed only by plans with accelerators, decelerators or bonuses:
// there, a missing or non-positive Q is an input_error naming the row.
// validate() (run time) and static_assert (compile time) reject: no tiers, from_0 != 0, boundaries
// not strictly increasing, a negative/NaN rate or multiplier, non-increasing or non-positive
// thresholds, a decelerator threshold above an accelerator threshold, a negative cap or bonus.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/problems.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if !defined(__SIZEOF_INT128__)
#error "salesmetrics/weighting/commission.hpp needs a compiler with __int128 (g++ or clang) for exact cent rounding"
#endif

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

enum class tier_mode : std::uint8_t { marginal = 0, flat = 1 };

struct commission_tier {
  money from;   // lower bound (exclusive); the first tier starts at 0
  double rate;  // 0.05 = 5%
};
struct accelerator {
  double above;       // attainment ratio
  double multiplier;  // applied to the rate of the part above `above * quota`
};
struct decelerator {
  double below;       // attainment ratio
  double multiplier;  // applied to every tier line when attainment < below
};
struct milestone_bonus {
  double at;    // attainment ratio
  money bonus;  // paid once when attainment >= at
};

/// Whole currency units as money (for template arguments: tier<currency_units(1'000'000), 0.07>).
[[nodiscard]] consteval money currency_units(std::int64_t units) { return money::from_cents(units * 100); }

enum class payout_line_kind : std::uint8_t { tier = 0, cap = 1, bonus = 2 };

struct payout_line {
  payout_line_kind kind = payout_line_kind::tier;
  std::int32_t index = -1;        // tier index (tier lines), milestone index (bonus lines), -1 (cap)
  std::int32_t accelerator = -1;  // accelerator band of a tier line, -1 = none
  money amount{};                 // the piece of the credited amount (tier lines), 0 otherwise
  double rate = 0.0;              // effective rate of a tier line (rounded to 9 decimals)
  money payout{};
  friend bool operator==(const payout_line&, const payout_line&) = default;
};

struct payout_summary {
  money amount{};
  double attainment = 0.0;  // NaN when the quota is not given / not needed
  money commission{};       // tier lines plus the cap line
  money bonus{};
  money total{};            // commission + bonus; money::missing() for a missing amount
};

/// A plan's parts as spans: what the evaluation reads, shared by both forms.
struct commission_plan_view {
  std::string_view name;
  tier_mode mode = tier_mode::marginal;
  std::span<const commission_tier> tiers;
  std::span<const accelerator> accelerators;
  std::span<const decelerator> decelerators;
  std::span<const milestone_bonus> bonuses;
  money cap = money::missing();  // missing = no cap

  [[nodiscard]] bool needs_quota() const noexcept {
    return !accelerators.empty() || !decelerators.empty() || !bonuses.empty();
  }
};

namespace detail {
__extension__ typedef __int128 int128;

/// round_half_away_from_zero(cents * nano / 1e9), exact.
[[nodiscard]] inline std::int64_t apply_nano_rate(std::int64_t cents, std::int64_t nano) noexcept {
  constexpr int128 scale = 1'000'000'000;
  const int128 p = static_cast<int128>(cents) * nano;
  int128 q = p / scale;
  const int128 r = p % scale;
  if ((r < 0 ? -r : r) * 2 >= scale) q += p < 0 ? -1 : 1;
  return static_cast<std::int64_t>(q);
}
[[nodiscard]] inline std::int64_t to_nano(double rate) noexcept { return std::llround(rate * 1e9); }

/// round_half_away_from_zero(a * quota) in cents.
[[nodiscard]] inline std::int64_t threshold_cents(double a, money quota) noexcept {
  return std::llround(a * static_cast<double>(quota.cents));
}

/// Problems of a plan view (empty = valid); `who` prefixes each message.
[[nodiscard]] inline std::vector<std::string> plan_problems(const commission_plan_view& p) {
  std::vector<std::string> out;
  auto num = [](double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return std::string(buf);
  };
  if (p.tiers.empty()) out.push_back("has no tiers");
  for (std::size_t t = 0; t < p.tiers.size(); ++t) {
    const std::string who = "tier #" + std::to_string(t + 1) + ": ";
    const commission_tier& x = p.tiers[t];
    if (x.from.is_missing()) out.push_back(who + "'from' is missing");
    else if (t == 0 && x.from.cents != 0) out.push_back(who + "the first tier must start at 0, not " + to_string(x.from));
    else if (t > 0 && !p.tiers[t - 1].from.is_missing() && !(x.from > p.tiers[t - 1].from))
      out.push_back(who + "'from' " + to_string(x.from) + " must be above tier #" + std::to_string(t) + "'s " +
                    to_string(p.tiers[t - 1].from));
    if (!(x.rate >= 0.0) || !std::isfinite(x.rate)) out.push_back(who + "rate must be a finite number >= 0");
  }
  for (std::size_t j = 0; j < p.accelerators.size(); ++j) {
    const std::string who = "accelerator #" + std::to_string(j + 1) + ": ";
    const accelerator& a = p.accelerators[j];
    if (!(a.above > 0.0) || !std::isfinite(a.above)) out.push_back(who + "'above' must be a finite attainment > 0");
    else if (j > 0 && !(a.above > p.accelerators[j - 1].above))
      out.push_back(who + "'above' " + num(a.above) + " must exceed the previous accelerator's " +
                    num(p.accelerators[j - 1].above));
    if (!(a.multiplier >= 0.0) || !std::isfinite(a.multiplier)) out.push_back(who + "multiplier must be a finite number >= 0");
  }
  for (std::size_t j = 0; j < p.decelerators.size(); ++j) {
    const std::string who = "decelerator #" + std::to_string(j + 1) + ": ";
    const decelerator& d = p.decelerators[j];
    if (!(d.below > 0.0) || !std::isfinite(d.below)) out.push_back(who + "'below' must be a finite attainment > 0");
    else if (j > 0 && !(d.below > p.decelerators[j - 1].below))
      out.push_back(who + "'below' " + num(d.below) + " must exceed the previous decelerator's " +
                    num(p.decelerators[j - 1].below));
    if (!(d.multiplier >= 0.0) || !std::isfinite(d.multiplier)) out.push_back(who + "multiplier must be a finite number >= 0");
    if (!p.accelerators.empty() && d.below > p.accelerators.front().above)
      out.push_back(who + "'below' " + num(d.below) + " is above accelerator #1's 'above' " +
                    num(p.accelerators.front().above));
  }
  for (std::size_t j = 0; j < p.bonuses.size(); ++j) {
    const std::string who = "bonus #" + std::to_string(j + 1) + ": ";
    if (!(p.bonuses[j].at >= 0.0) || !std::isfinite(p.bonuses[j].at)) out.push_back(who + "'at' must be a finite attainment >= 0");
    if (p.bonuses[j].bonus.is_missing() || p.bonuses[j].bonus.cents < 0) out.push_back(who + "bonus must be >= 0");
  }
  if (!p.cap.is_missing() && p.cap.cents < 0) out.push_back("cap must be >= 0");
  return out;
}

/// Appends the lines of one payout to `lines` and returns the summary. `row` names the row in errors.
inline payout_summary compute_lines(const commission_plan_view& p, money amount, money quota, std::int64_t row,
                                    std::vector<payout_line>& lines) {
  payout_summary s;
  s.amount = amount;
  s.attainment = std::numeric_limits<double>::quiet_NaN();
  if (amount.is_missing()) {
    s.commission = s.bonus = s.total = money::missing();
    return s;
  }
  if (p.needs_quota()) {
    if (quota.is_missing() || quota.cents <= 0)
      throw input_error(problem{"commission plan '" + std::string(p.name) + "'", row, "quota",
                                "quota must be > 0 for a plan with accelerators, decelerators or bonuses (got " +
                                    (quota.is_missing() ? std::string("none") : to_string(quota)) + ")"});
    s.attainment = static_cast<double>(amount.cents) / static_cast<double>(quota.cents);
  }
  double decel = 1.0;
  for (const decelerator& d : p.decelerators)
    if (s.attainment < d.below) {
      decel = d.multiplier;
      break;
    }
  const std::int64_t a = amount.cents;
  std::int64_t commission = 0;
  if (a > 0) {
    // The reached tier (flat mode): the last one whose lower bound is below A.
    std::size_t reached = 0;
    while (reached + 1 < p.tiers.size() && p.tiers[reached + 1].from.cents < a) ++reached;
    std::size_t tier = 0;  // tier of the current piece (marginal)
    std::int32_t band = -1;
    std::size_t next_acc = 0;
    std::int64_t lo = 0;
    while (lo < a) {
      // Advance tier/band to those containing (lo, lo + epsilon].
      if (p.mode == tier_mode::marginal)
        while (tier + 1 < p.tiers.size() && p.tiers[tier + 1].from.cents <= lo) ++tier;
      while (next_acc < p.accelerators.size() && threshold_cents(p.accelerators[next_acc].above, quota) <= lo)
        band = static_cast<std::int32_t>(next_acc++);
      std::int64_t hi = a;
      if (p.mode == tier_mode::marginal && tier + 1 < p.tiers.size()) hi = std::min(hi, p.tiers[tier + 1].from.cents);
      if (next_acc < p.accelerators.size()) hi = std::min(hi, threshold_cents(p.accelerators[next_acc].above, quota));
      const std::size_t t = p.mode == tier_mode::marginal ? tier : reached;
      const double acc = band >= 0 ? p.accelerators[static_cast<std::size_t>(band)].multiplier : 1.0;
      const std::int64_t nano = to_nano(p.tiers[t].rate * acc * decel);
      payout_line line;
      line.kind = payout_line_kind::tier;
      line.index = static_cast<std::int32_t>(t);
      line.accelerator = band;
      line.amount = money::from_cents(hi - lo);
      line.rate = static_cast<double>(nano) / 1e9;
      line.payout = money::from_cents(apply_nano_rate(hi - lo, nano));
      commission += line.payout.cents;
      lines.push_back(line);
      lo = hi;
    }
  }
  if (!p.cap.is_missing() && commission > p.cap.cents) {
    payout_line line;
    line.kind = payout_line_kind::cap;
    line.payout = money::from_cents(p.cap.cents - commission);
    lines.push_back(line);
    commission = p.cap.cents;
  }
  std::int64_t bonus = 0;
  for (std::size_t j = 0; j < p.bonuses.size(); ++j)
    if (s.attainment >= p.bonuses[j].at) {
      payout_line line;
      line.kind = payout_line_kind::bonus;
      line.index = static_cast<std::int32_t>(j);
      line.payout = p.bonuses[j].bonus;
      bonus += line.payout.cents;
      lines.push_back(line);
    }
  s.commission = money::from_cents(commission);
  s.bonus = money::from_cents(bonus);
  s.total = money::from_cents(commission + bonus);
  return s;
}
}  // namespace detail

/// One payout with its breakdown.
struct payout : payout_summary {
  std::vector<payout_line> lines;

  /// Sum of the tier lines of tier t (before the cap).
  [[nodiscard]] money tier_total(std::size_t t) const noexcept {
    money m{};
    for (const payout_line& l : lines)
      if (l.kind == payout_line_kind::tier && l.index == static_cast<std::int32_t>(t)) m += l.payout;
    return m;
  }
};

/// Payouts of many rows (rep x period); lines of row i are lines[offset[i] .. offset[i+1]).
struct payout_table {
  std::vector<payout_summary> rows;
  std::vector<payout_line> lines;
  std::vector<std::size_t> offset;  // rows.size() + 1 entries

  [[nodiscard]] std::span<const payout_line> lines_of(std::size_t row) const noexcept {
    return std::span<const payout_line>(lines).subspan(offset[row], offset[row + 1] - offset[row]);
  }
};

namespace detail {
inline void throw_if_invalid(const commission_plan_view& p) {
  const std::vector<std::string> problems = plan_problems(p);
  if (!problems.empty())
    throw input_error(problem{"commission plan '" + std::string(p.name) + "'", -1, {}, problems.front()});
}
inline payout compute_one(const commission_plan_view& p, money amount, money quota) {
  payout out;
  static_cast<payout_summary&>(out) = compute_lines(p, amount, quota, -1, out.lines);
  return out;
}
inline payout_table compute_many(const commission_plan_view& p, std::span<const money> amounts,
                                 std::span<const money> quotas) {
  if (!quotas.empty() && quotas.size() != amounts.size())
    throw input_error(problem{"commission plan '" + std::string(p.name) + "'", -1, "quota",
                              std::to_string(quotas.size()) + " quotas for " + std::to_string(amounts.size()) + " amounts"});
  payout_table t;
  t.rows.resize(amounts.size());
  t.offset.resize(amounts.size() + 1);
  t.lines.reserve(amounts.size() * (p.tiers.size() + p.accelerators.size() + 1));
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    t.offset[i] = t.lines.size();
    t.rows[i] = compute_lines(p, amounts[i], quotas.empty() ? money::missing() : quotas[i],
                              static_cast<std::int64_t>(i), t.lines);
  }
  t.offset[amounts.size()] = t.lines.size();
  return t;
}
}  // namespace detail

/// A commission plan built at run time. Call validate() or let compute() throw on the first problem.
struct commission_plan {
  std::string name;
  tier_mode mode = tier_mode::marginal;
  std::vector<commission_tier> tiers;
  std::vector<accelerator> accelerators;
  std::vector<decelerator> decelerators;
  std::vector<milestone_bonus> bonuses;
  money cap = money::missing();  // missing = no cap

  [[nodiscard]] commission_plan_view view() const noexcept {
    return {name, mode, tiers, accelerators, decelerators, bonuses, cap};
  }
  /// Every problem, as "commission plan '<name>': tier #2: ...".
  [[nodiscard]] problem_report validate() const {
    problem_report r;
    for (const std::string& s : detail::plan_problems(view()))
      r.add(problem{"commission plan '" + name + "'", -1, {}, s});
    return r;
  }
  /// One payout (amount and quota of one rep and period).
  [[nodiscard]] payout compute(money amount, money quota = money::missing()) const {
    detail::throw_if_invalid(view());
    return detail::compute_one(view(), amount, quota);
  }
  /// One payout per row; `quotas` may be empty for plans that do not need them.
  [[nodiscard]] payout_table compute(std::span<const money> amounts, std::span<const money> quotas = {}) const {
    detail::throw_if_invalid(view());
    return detail::compute_many(view(), amounts, quotas);
  }
};

// ---- compile-time form ----

template <money From, double Rate>
struct tier {
  static constexpr commission_tier value{From, Rate};
};
template <double Above, double Multiplier>
struct accelerate_above {
  static constexpr accelerator value{Above, Multiplier};
};
template <double Below, double Multiplier>
struct decelerate_below {
  static constexpr decelerator value{Below, Multiplier};
};
template <double At, money Bonus>
struct bonus_at {
  static constexpr milestone_bonus value{At, Bonus};
};
template <money Cap>
struct cap_at {
  static constexpr money value = Cap;
};

namespace detail {
template <class T> inline constexpr bool is_tier_v = false;
template <money F, double R> inline constexpr bool is_tier_v<tier<F, R>> = true;
template <class T> inline constexpr bool is_accelerator_v = false;
template <double A, double M> inline constexpr bool is_accelerator_v<accelerate_above<A, M>> = true;
template <class T> inline constexpr bool is_decelerator_v = false;
template <double B, double M> inline constexpr bool is_decelerator_v<decelerate_below<B, M>> = true;
template <class T> inline constexpr bool is_bonus_v = false;
template <double A, money B> inline constexpr bool is_bonus_v<bonus_at<A, B>> = true;
template <class T> inline constexpr bool is_cap_v = false;
template <money C> inline constexpr bool is_cap_v<cap_at<C>> = true;

template <class X>
constexpr void take_cap(money& c) noexcept {
  if constexpr (is_cap_v<X>) c = X::value;
}
template <class T, std::size_t N>
constexpr bool finite_nonneg(const std::array<T, N>& a, double T::*field) {
  for (const T& x : a)
    if (!(x.*field >= 0.0) || x.*field > 1e300) return false;
  return true;
}
template <class T, std::size_t N>
constexpr bool strictly_increasing_positive(const std::array<T, N>& a, double T::*field) {
  for (std::size_t i = 0; i < N; ++i)
    if (!(a[i].*field > 0.0) || a[i].*field > 1e300 || (i > 0 && !(a[i].*field > a[i - 1].*field))) return false;
  return true;
}
template <class Want, class... X>
constexpr auto collect() {
  constexpr std::size_t n = (std::size_t{0} + ... + (Want::template match<X> ? 1 : 0));
  std::array<typename Want::type, n> out{};
  std::size_t i = 0;
  ((Want::template match<X> ? (void)(out[i++] = Want::template get<X>()) : (void)0), ...);
  return out;
}
struct want_accelerator {
  using type = accelerator;
  template <class X> static constexpr bool match = is_accelerator_v<X>;
  template <class X> static constexpr type get() { if constexpr (match<X>) return X::value; else return {}; }
};
struct want_decelerator {
  using type = decelerator;
  template <class X> static constexpr bool match = is_decelerator_v<X>;
  template <class X> static constexpr type get() { if constexpr (match<X>) return X::value; else return {}; }
};
struct want_bonus {
  using type = milestone_bonus;
  template <class X> static constexpr bool match = is_bonus_v<X>;
  template <class X> static constexpr type get() { if constexpr (match<X>) return X::value; else return {}; }
};
}  // namespace detail

/// tier_schedule<tier_mode::marginal, tier<currency_units(0), 0.05>, tier<currency_units(1'000'000), 0.07>>
template <tier_mode Mode, class... Tiers>
struct tier_schedule {
  static_assert(sizeof...(Tiers) > 0, "salesmetrics::weighting::tier_schedule<Mode, Tiers...>: list at least one tier<From, Rate>");
  static_assert((detail::is_tier_v<Tiers> && ...),
                "salesmetrics::weighting::tier_schedule<Mode, Tiers...>: every tier must be a tier<From, Rate>");
  static constexpr tier_mode mode = Mode;
  static constexpr std::array<commission_tier, sizeof...(Tiers)> tiers{Tiers::value...};
  static_assert(tiers[0].from.cents == 0, "salesmetrics::weighting::tier_schedule: the first tier must start at "
                                          "tier<currency_units(0), Rate>");
  static_assert([] {
    for (std::size_t i = 1; i < tiers.size(); ++i)
      if (!(tiers[i].from > tiers[i - 1].from)) return false;
    return true;
  }(), "salesmetrics::weighting::tier_schedule: tier lower bounds must be strictly increasing");
  static_assert(detail::finite_nonneg(tiers, &commission_tier::rate),
                "salesmetrics::weighting::tier_schedule: tier rates must be finite and >= 0");
};
template <class... Tiers> using marginal_tiers = tier_schedule<tier_mode::marginal, Tiers...>;
template <class... Tiers> using flat_tiers = tier_schedule<tier_mode::flat, Tiers...>;

/// fixed_commission_plan<Schedule, accelerate_above<1.0, 1.5>, decelerate_below<0.5, 0.5>, cap_at<...>, bonus_at<...>>
template <class Schedule, class... Extras>
struct fixed_commission_plan {
  static_assert(((detail::is_accelerator_v<Extras> || detail::is_decelerator_v<Extras> || detail::is_bonus_v<Extras> ||
                  detail::is_cap_v<Extras>) && ...),
                "salesmetrics::weighting::fixed_commission_plan<Schedule, Extras...>: extras must be accelerate_above, "
                "decelerate_below, bonus_at or cap_at");
  static_assert((std::size_t{0} + ... + (detail::is_cap_v<Extras> ? 1 : 0)) <= 1,
                "salesmetrics::weighting::fixed_commission_plan: give at most one cap_at<...>");
  static constexpr std::array accelerators = detail::collect<detail::want_accelerator, Extras...>();
  static constexpr std::array decelerators = detail::collect<detail::want_decelerator, Extras...>();
  static constexpr std::array bonuses = detail::collect<detail::want_bonus, Extras...>();
  static constexpr money cap = [] {
    money c = money::missing();
    (detail::take_cap<Extras>(c), ...);
    return c;
  }();
  static_assert(detail::strictly_increasing_positive(accelerators, &accelerator::above) &&
                    detail::finite_nonneg(accelerators, &accelerator::multiplier),
                "salesmetrics::weighting::fixed_commission_plan: accelerator thresholds must be > 0 and increasing, "
                "multipliers finite and >= 0");
  static_assert(detail::strictly_increasing_positive(decelerators, &decelerator::below) &&
                    detail::finite_nonneg(decelerators, &decelerator::multiplier),
                "salesmetrics::weighting::fixed_commission_plan: decelerator thresholds must be > 0 and increasing, "
                "multipliers finite and >= 0");
  static_assert(accelerators.empty() || decelerators.empty() || decelerators.back().below <= accelerators.front().above,
                "salesmetrics::weighting::fixed_commission_plan: a decelerator threshold is above an accelerator threshold");
  static_assert([] {
    for (const auto& b : bonuses)
      if (!(b.at >= 0.0) || b.bonus.cents < 0) return false;
    return true;
  }(), "salesmetrics::weighting::fixed_commission_plan: bonus thresholds and amounts must be >= 0");
  static_assert(cap.is_missing() || cap.cents >= 0, "salesmetrics::weighting::fixed_commission_plan: the cap must be >= 0");

  [[nodiscard]] static constexpr commission_plan_view view() noexcept {
    return {"fixed", Schedule::mode, Schedule::tiers, accelerators, decelerators, bonuses, cap};
  }
  [[nodiscard]] static payout compute(money amount, money quota = money::missing()) {
    return detail::compute_one(view(), amount, quota);
  }
  [[nodiscard]] static payout_table compute(std::span<const money> amounts, std::span<const money> quotas = {}) {
    return detail::compute_many(view(), amounts, quotas);
  }
};

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
