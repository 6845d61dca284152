// Tests of relationship/reply_evaluation.hpp: evaluate_with_replies equals pairing the replies
// and evaluating over the reply column (pair_replies + metrics::evaluate, tested against the
// quadratic reference in relationship_brute_force.cpp), for every policy, window and metric set
// (one side, both sides, undeclared leaves) and both sweeps (compact and two-instant states),
// on random histories with many ties (more rows than a sweep block, so instants meet block
// boundaries) and on synthetic ones, and on data the one-sweep path does not take (rows out of
// ts order, subject threads).
#include <salesmetrics/metrics/activity_metrics.hpp>
#include <salesmetrics/relationship/health.hpp>
#include <salesmetrics/relationship/reply_evaluation.hpp>
#include <salesmetrics/relationship/reply_metrics.hpp>
#include <salesmetrics/synthetic/generate.hpp>

#include "relationship_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace relationship_reply_evaluation_test {
namespace {

using namespace salesmetrics;
namespace rel = salesmetrics::relationship;
namespace mx = salesmetrics::metrics;

/// The activities in ts order (stable), every column permuted alike.
void sort_by_ts(activity_store& a) {
  std::vector<std::size_t> order(a.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return a.ts[x] < a.ts[y]; });
  detail::for_each_column(a, [&](std::string_view, auto& col) {
    if (col.empty()) return;
    auto copy = col;
    for (std::size_t i = 0; i < order.size(); ++i) col[i] = copy[order[i]];
  });
}

template <class Table>
std::string csv(const Table& t) {
  std::ostringstream os;
  t.write_csv(os);
  return os.str();
}

/// The definition: pair the replies, then evaluate over the reply column.
template <class... Ms, class Key, class Policy>
std::string materialised(const crm_view& v, const Key& key, const mx::evaluate_options& o, const Policy& p) {
  const rel::reply_annotation pairs = rel::pair_replies(v, p);
  rel::annotated_view av = rel::detail::reply_evaluation_view(v, o);
  av.reply_ts = pairs.reply_ts;
  return csv(mx::evaluate<Ms...>(av, key, o, p));
}

template <class... Ms, class Key>
void check_sets(const crm_view& v, const Key& key, const mx::evaluate_options& o) {
  const std::string expected = materialised<Ms...>(v, key, o, seq);
  CHECK(csv(rel::evaluate_with_replies<Ms...>(v, key, o, seq)) == expected);
  CHECK(csv(rel::evaluate_with_replies<Ms...>(v, key, o, par(2, 1))) == expected);
  CHECK(csv(rel::evaluate_with_replies<Ms...>(v, key, o, par(3, 1))) == expected);
  // the two-instant sweep (evaluate_with_replies takes it only for states beyond 32 MiB)
  constexpr auto two_instant = rel::detail::sweep_states::two_instant;
  CHECK(csv(rel::detail::evaluate_with_replies_using<Ms...>(two_instant, v, key, o, seq)) == expected);
  CHECK(csv(rel::detail::evaluate_with_replies_using<Ms...>(two_instant, v, key, o, par(2, 1))) == expected);
  CHECK(csv(rel::detail::evaluate_with_replies_using<Ms...>(two_instant, v, key, o, par(3, 1))) == expected);
}

template <class Key>
void check_all(const crm_view& v, const Key& key, const mx::evaluate_options& o) {
  // ours only, theirs only, both (declared), and with a leaf that declares nothing (both)
  check_sets<rel::their_threaded_emails, rel::our_replies, rel::our_reply_rate, rel::our_mean_reply_hours, rel::our_median_reply_hours>(v, key, o);
  check_sets<rel::our_threaded_emails, rel::their_replies, rel::their_mean_reply_hours>(v, key, o);
  check_sets<rel::our_replies, rel::their_replies, rel::their_median_reply_hours>(v, key, o);
  check_sets<rel::our_replies, rel::their_reply_rate, mx::activity_count, mx::emails_sent>(v, key, o);
}

crm_data tied_history(std::uint32_t seed, std::size_t n) {
  crm_data d = reltest::random_history(seed, n);
  d.activities.subject_id.clear();  // threads by id only: the one-sweep path
  sort_by_ts(d.activities);
  return d;
}

}  // namespace

TEST_CASE("evaluate_with_replies equals pairing then evaluating, across blocks and ties", "[relationship][replies]") {
  // 40,000 rows over 140 days, half of them on the hour and 15 threads: many e-mails of one
  // thread share an instant, and blocks of 16,384 rows end inside such instants.
  for (std::uint32_t seed : {3u, 4u}) {
    crm_data d = tied_history(seed, 40000);
    INFO("seed " << seed);
    const crm_view v = d.view();
    check_all(v, mx::group::rep, {});
    check_all(v, mx::group::by(mx::group::rep, mx::group::contact), {});
    const time_window last_month{from_unix(reltest::t_ref - 30 * reltest::day_s), from_unix(reltest::t_ref)};
    check_sets<rel::their_threaded_emails, rel::our_replies, rel::our_reply_rate, rel::our_mean_reply_hours, rel::our_median_reply_hours>(
        v, mx::group::contact, mx::evaluate_options{.window = last_month});
    check_sets<rel::our_replies, rel::their_reply_rate, mx::activity_count, mx::emails_sent>(v, mx::group::contact,
                                                                                             mx::evaluate_options{.window = last_month});
    crm_view promised = v;
    promised.activities.ts_sorted = true;
    check_sets<rel::their_threaded_emails, rel::our_replies>(promised, mx::group::rep, {});
    // as_of from the end of rows promised in ts order (scheduled rows at the end are skipped)
    CHECK(rel::resolve_as_of(promised.activities, {}, no_time) == rel::resolve_as_of(v.activities, {}, no_time));
  }
}

TEST_CASE("evaluate_with_replies never splits an instant between two sweep blocks", "[relationship][replies]") {
  // 40,000 rows on 50 instants: every block boundary falls inside an instant of some 800 rows,
  // where e-mails of one thread at the same instant must not answer each other.
  crm_data d = reltest::random_history(9, 40000);
  d.activities.subject_id.clear();
  for (auto& t : d.activities.ts) t = from_unix(reltest::t_ref - (to_unix(t) % 50) * 3600);
  sort_by_ts(d.activities);
  check_all(d.view(), mx::group::rep, {});
}

TEST_CASE("evaluate_with_replies on a synthetic history (dense thread ids, many threads)", "[relationship][replies]") {
  crm_data d = synthetic::generate(synthetic::config::for_activities(60000, 7));
  sort_by_ts(d.activities);
  const crm_view v = d.view();
  check_all(v, mx::group::rep, {});
  check_sets<rel::our_replies, rel::their_replies, rel::their_median_reply_hours>(v, mx::group::account, {});
  // (contact, opportunity): too many codes for dense slots, so hashed groups, which the
  // paired-only pass makes without an update when none of their rows is a paired e-mail
  check_sets<rel::their_threaded_emails, rel::our_replies, rel::our_reply_rate>(v, mx::group::by(mx::group::contact, mx::group::opportunity), {});
  // the health inputs read the customer's replies to our e-mails
  check_sets<rel::health_score<>, rel::health_responsiveness<>, rel::our_replies>(
      v, mx::group::rep, mx::evaluate_options{.window = time_window{v.activities.ts[v.activities.size() / 2], from_unix(std::int64_t{1} << 40)}});
}

TEST_CASE("evaluate_with_replies falls back to the reply column where one sweep cannot pair", "[relationship][replies]") {
  // Rows out of ts order, and subject threads (e-mails without a thread id): the same results
  // through pair_replies, and the same as the sorted rows give.
  crm_data shuffled = reltest::random_history(5, 3000);
  shuffled.activities.subject_id.clear();
  crm_data sorted = shuffled;
  sort_by_ts(sorted.activities);
  const std::string expected = csv(rel::evaluate_with_replies<rel::our_replies, rel::their_replies>(sorted.view(), mx::group::rep));
  CHECK(csv(rel::evaluate_with_replies<rel::our_replies, rel::their_replies>(shuffled.view(), mx::group::rep)) == expected);
  CHECK(csv(rel::evaluate_with_replies<rel::our_replies, rel::their_replies>(shuffled.view(), mx::group::rep, {}, par(2, 1))) == expected);
  crm_data subjects = reltest::random_history(6, 3000);
  sort_by_ts(subjects.activities);
  check_sets<rel::their_threaded_emails, rel::our_replies, rel::their_replies>(subjects.view(), mx::group::contact, {});
}

TEST_CASE("evaluate_with_replies keeps the groups whose rows pair no e-mail", "[relationship][replies]") {
  // The reply leaves update on paired e-mails only, so the sweep adds only those and the other
  // rows just make their groups: rep 4 has only calls, rep 3 only e-mails without a thread,
  // and both must still be groups (0 e-mails, NaN rate), as a pass over every row makes them.
  crm_data d = tied_history(11, 20000);
  auto& a = d.activities;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.rep_id[i] == 4) a.type[i] = activity_type::phone_call;
    if (a.rep_id[i] == 3) a.thread_id[i] = no_id;
  }
  const crm_view v = d.view();
  STATIC_REQUIRE(rel::detail::paired_emails_update_all<mx::metric_set<rel::their_threaded_emails, rel::our_replies>::leaves>::value);
  STATIC_REQUIRE(!rel::detail::paired_emails_update_all<mx::metric_set<rel::our_replies, mx::activity_count>::leaves>::value);
  const auto t = rel::evaluate_with_replies<rel::their_threaded_emails, rel::our_reply_rate>(v, mx::group::rep);
  REQUIRE(t.rows() == 5);
  CHECK(t.template column<rel::their_threaded_emails>()[3] == 0);
  CHECK(t.template column<rel::their_threaded_emails>()[4] == 0);
  CHECK(std::isnan(t.template column<rel::our_reply_rate>()[4]));
  CHECK(t.template column<rel::their_threaded_emails>()[0] > 0);
  check_all(v, mx::group::rep, {});
  check_all(v, mx::group::by(mx::group::rep, mx::group::contact), {});
  const time_window last_week{from_unix(reltest::t_ref - 7 * reltest::day_s), from_unix(reltest::t_ref)};
  check_sets<rel::their_threaded_emails, rel::our_replies, rel::our_median_reply_hours>(v, mx::group::contact,
                                                                                        mx::evaluate_options{.window = last_week});
}

TEST_CASE("the leaves declaring updates_paired_emails_only change no state on the other rows", "[relationship][replies]") {
  // The promise evaluate_with_replies relies on: a row whose reply annotation is not_threaded
  // (no e-mail, no thread, scheduled, or the side not paired) leaves the state as it was.
  const crm_data d = tied_history(12, 4000);
  const crm_view v = d.view();
  const rel::reply_annotation pairs = rel::pair_replies(v, seq);
  rel::annotated_view av = rel::detail::reply_evaluation_view(v, {});
  av.reply_ts = pairs.reply_ts;
  mx::eval_context c;
  c.data = &av;
  std::size_t others = 0, threaded = 0;
  rel::reply_stats<direction::inbound>::state ours{}, ours_paired{};
  rel::reply_stats<direction::outbound>::state theirs{}, theirs_paired{};
  rel::reply_delays<direction::inbound>::state our_delays{};
  rel::reply_delays<direction::outbound>::state their_delays{};
  STATIC_REQUIRE(rel::detail::updates_paired_emails_only<rel::reply_stats<direction::inbound>>());
  STATIC_REQUIRE(rel::detail::updates_paired_emails_only<rel::reply_delays<direction::outbound>>());
  for (std::size_t i = 0; i < v.activities.size(); ++i) {
    if (av.reply_of_row(i) != rel::not_threaded) {
      ++threaded;
      rel::reply_stats<direction::inbound>::update(ours_paired, v.activities, i, c);
      rel::reply_stats<direction::outbound>::update(theirs_paired, v.activities, i, c);
      continue;
    }
    ++others;
    rel::reply_stats<direction::inbound>::update(ours, v.activities, i, c);
    rel::reply_stats<direction::outbound>::update(theirs, v.activities, i, c);
    rel::reply_delays<direction::inbound>::update(our_delays, v.activities, i, c);
    rel::reply_delays<direction::outbound>::update(their_delays, v.activities, i, c);
  }
  REQUIRE(others > 1000);
  REQUIRE(threaded > 500);
  CHECK((ours.emails == 0 && ours.replied == 0 && ours.delay_sum == 0));
  CHECK((theirs.emails == 0 && theirs.replied == 0 && theirs.delay_sum == 0));
  CHECK(our_delays.delays.values.empty());
  CHECK(their_delays.delays.values.empty());
  CHECK((ours_paired.replied > 0 && theirs_paired.replied > 0));  // the paired rows do change them
}

TEST_CASE("evaluate_with_replies without e-mails, threads or rows", "[relationship][replies]") {
  crm_data d = tied_history(8, 500);
  d.activities.thread_id.clear();  // nothing to pair: no thread ids and no subjects
  check_sets<rel::their_threaded_emails, rel::our_replies, mx::activity_count>(d.view(), mx::group::rep, {});
  crm_data empty;
  CHECK(rel::evaluate_with_replies<rel::our_replies>(empty.view(), mx::group::rep).rows() == 0);
}

}  // namespace relationship_reply_evaluation_test
