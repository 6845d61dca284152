// Reply pairing on hand-built threads: rows out of order, several e-mails answered by one reply,
// replies to replies, same-instant e-mails, no reply, thread ids vs rebuilt subject threads, and
// the reply statistics that follow (window end cuts late replies).
#include <catch2/catch.hpp>

#include <salesmetrics/relationship/panel.hpp>
#include <salesmetrics/relationship/reply_pairing.hpp>
#include <salesmetrics/relationship/subject.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace relationship_reply_pairing_test {

using namespace salesmetrics;
using namespace salesmetrics::relationship;

namespace {

struct row {
  std::int64_t ts;
  direction dir;
  dense_id thread;
  activity_type type = activity_type::email;
  activity_status status = activity_status::completed;
  dense_id rep = 0, contact = 0;
  const char* subject = nullptr;
};

crm_data build(const std::vector<row>& rows, bool thread_column = true) {
  crm_data d;
  d.dictionaries.reps.encode("ann");
  d.dictionaries.reps.encode("bob");
  d.dictionaries.contacts.encode("carl");
  d.dictionaries.contacts.encode("dora");
  auto& a = d.activities;
  for (const row& r : rows) {
    a.ts.push_back(from_unix(r.ts));
    a.type.push_back(r.type);
    a.direction.push_back(r.dir);
    a.rep_id.push_back(r.rep);
    a.contact_id.push_back(r.contact);
    if (thread_column) a.thread_id.push_back(r.thread);
    a.subject_id.push_back(r.subject ? d.dictionaries.subjects.encode(r.subject) : no_id);
    a.status.push_back(r.status);
  }
  return d;
}

constexpr auto out = direction::outbound;
constexpr auto in = direction::inbound;

}  // namespace

TEST_CASE("pairing inside one thread: out-of-order rows, two e-mails one reply, replies to replies, ties", "[relationship][replies]") {
  // thread 7, listed out of order; thread 8 interleaves in time
  const crm_data d = build({
      {300, out, 7},  // 0: our answer to rows 1 and 2
      {100, in, 7},   // 1: customer
      {200, in, 7},   // 2: customer again before we answered
      {500, in, 7},   // 3: customer answers our answer (a reply to a reply)
      {600, out, 7},  // 4: our answer to row 3
      {600, in, 7},   // 5: at the same instant as row 4: neither answers the other
      {150, in, 8},   // 6: another thread: our e-mail of thread 7 at 300 is not its reply
      {900, out, 8},  // 7: ... this one is
  });
  const reply_annotation r = pair_replies(d.view());
  CHECK(r.threaded_emails == 8);
  CHECK(r.threads == 2);
  CHECK(r.reply_ts[1] == 300);
  CHECK(r.reply_ts[2] == 300);
  CHECK(r.reply_ts[0] == 500);
  CHECK(r.reply_ts[3] == 600);
  CHECK(r.reply_ts[4] == no_reply);
  CHECK(r.reply_ts[5] == no_reply);
  CHECK(r.reply_ts[6] == 900);
  CHECK(r.reply_ts[7] == no_reply);
  CHECK(r.replied_emails == 5);
}

TEST_CASE("rows that are not threaded e-mails get no pairing", "[relationship][replies]") {
  const crm_data d = build({
      {100, in, 3},
      {200, out, 3, activity_type::meeting},                               // a meeting is no e-mail
      {250, out, 3, activity_type::email, activity_status::scheduled},     // nor is a scheduled e-mail
      {300, out, no_id},                                                   // no thread id, no subject
      {400, out, 3},
      {50, out, 9},                                                        // a thread with a single e-mail
  });
  const reply_annotation r = pair_replies(d.view());
  CHECK(r.reply_ts[0] == 400);
  CHECK(r.reply_ts[1] == not_threaded);
  CHECK(r.reply_ts[2] == not_threaded);
  CHECK(r.reply_ts[3] == not_threaded);
  CHECK(r.reply_ts[4] == no_reply);
  CHECK(r.reply_ts[5] == no_reply);
  CHECK(r.threaded_emails == 3);
}

TEST_CASE("threads rebuilt from normalised subjects and the participant pair", "[relationship][replies]") {
  // No thread ids (the Enron case). Ann (rep 0) and Carl (contact 0) discuss "Budget".
  std::vector<row> rows = {
      {100, out, no_id, activity_type::email, activity_status::completed, 0, 0, "Budget"},
      {150, in, no_id, activity_type::email, activity_status::completed, 1, 0, "Re: Budget"},     // Bob-Carl: another pair
      {200, in, no_id, activity_type::email, activity_status::completed, 0, 0, "RE: re:Budget"},  // Carl answers Ann
      {260, out, no_id, activity_type::email, activity_status::completed, 0, 0, "Fwd: Budget "},  // Ann answers Carl
      {300, out, no_id, activity_type::email, activity_status::completed, 0, 0, "budget"},        // case differs: own thread
      {400, in, no_id, activity_type::email, activity_status::completed, 0, 1, "Re: Budget"},     // Ann-Dora: another pair
      {500, in, no_id, activity_type::email, activity_status::completed, 0, 0, "Re:"},            // normalises to "": no thread
      {600, out, no_id, activity_type::email, activity_status::completed, 1, 0, "Budget"},        // Bob answers Carl's row 1
  };
  for (bool thread_column : {false, true}) {  // a thread_id column of no_id falls back to subjects too
    const crm_data d = build(rows, thread_column);
    const reply_annotation r = pair_replies(d.view());
    CHECK(r.reply_ts[0] == 200);
    CHECK(r.reply_ts[2] == 260);
    CHECK(r.reply_ts[3] == no_reply);
    CHECK(r.reply_ts[1] == 600);
    CHECK(r.reply_ts[7] == no_reply);
    CHECK(r.reply_ts[4] == no_reply);
    CHECK(r.reply_ts[5] == no_reply);
    CHECK(r.reply_ts[6] == not_threaded);
    CHECK(r.threads == 4);  // Ann-Carl Budget, Bob-Carl Budget, Ann-Carl budget, Ann-Dora Budget
  }
}

TEST_CASE("the reply statistics of a panel: rates, mean and median delays, late replies cut at the window end", "[relationship][replies]") {
  const std::int64_t t0 = 1'700'006'400;  // as_of
  const std::int64_t h = 3600;
  // All with Carl (contact 0). Window: the 60 days before t0.
  const crm_data d = build({
      {t0 - 10 * 86400, in, 1},            // answered after 2 h
      {t0 - 10 * 86400 + 2 * h, out, 1},   //   our reply, answered by them after 5 h
      {t0 - 10 * 86400 + 7 * h, in, 1},    //   their reply, answered after 4 h
      {t0 - 10 * 86400 + 11 * h, out, 1},  //   not answered
      {t0 - 5 * 86400, in, 2},             // answered after 8 h
      {t0 - 5 * 86400 + 8 * h, out, 2},
      {t0 - 2 * h, in, 3},                 // answered only after the window's end: counts as not answered
      {t0 + 3 * h, out, 3},
      {t0 - 70 * 86400, in, 4},            // before the window: not counted (its reply is inside)
      {t0 - 59 * 86400, out, 4},           //   inside, not answered
  });
  relationship_options o;
  o.as_of = from_unix(t0);
  const relationship_report r = analyse(d.view(), metrics::group::contact, o);
  REQUIRE(r.panels.size() == 1);
  const relationship_panel& p = r.panels[0];
  // ours: their e-mails inside = rows 0, 2, 4, 6 -> answered 0 (2 h), 2 (4 h), 4 (8 h)
  CHECK(p.our_replies.emails == 4);
  CHECK(p.our_replies.replied == 3);
  CHECK(p.our_replies.rate == Approx(0.75));
  CHECK(p.our_replies.mean_hours == Approx((2.0 + 4.0 + 8.0) / 3.0));
  CHECK(p.our_replies.median_hours == Approx(4.0));
  // theirs: our e-mails inside = rows 1, 3, 5, 9 -> answered 1 (5 h) only
  CHECK(p.their_replies.emails == 4);
  CHECK(p.their_replies.replied == 1);
  CHECK(p.their_replies.rate == Approx(0.25));
  CHECK(p.their_replies.mean_hours == Approx(5.0));
  CHECK(p.their_replies.median_hours == Approx(5.0));
  CHECK(p.emails.by_us == 4);
  CHECK(p.emails.by_them == 4);
  CHECK(p.email_ratio_by_them == Approx(1.0));
}

TEST_CASE("no replies: rates and delays are NaN, ratios with a silent side are NaN", "[relationship][replies]") {
  const std::int64_t t0 = 1'700'006'400;
  const crm_data d = build({{t0 - 86400, out, 1}, {t0 - 2 * 86400, out, 2}});
  relationship_options o;
  o.as_of = from_unix(t0);
  const relationship_report r = analyse(d.view(), metrics::group::contact, o);
  REQUIRE(r.panels.size() == 1);
  const relationship_panel& p = r.panels[0];
  CHECK(p.our_replies.emails == 0);
  CHECK(std::isnan(p.our_replies.rate));
  CHECK(std::isnan(p.our_replies.mean_hours));
  CHECK(std::isnan(p.our_replies.median_hours));
  CHECK(p.their_replies.emails == 2);
  CHECK(p.their_replies.replied == 0);
  CHECK(p.their_replies.rate == 0.0);
  CHECK(std::isnan(p.their_replies.median_hours));
  CHECK(p.email_ratio_by_them == 0.0);       // 0 of theirs / 2 of ours
  CHECK(std::isnan(p.email_ratio_by_us));    // they sent none
}

TEST_CASE("normalise_subject strips repeated reply and forward prefixes only", "[relationship][subject]") {
  static_assert(normalise_subject("Re: Budget") == "Budget");
  CHECK(normalise_subject("RE: Re:FW : Budget ") == "Budget");
  CHECK(normalise_subject("Fwd: re: Budget") == "Budget");
  CHECK(normalise_subject("fWd:FW:rE:  Q3 plan\t") == "Q3 plan");
  CHECK(normalise_subject("Budget") == "Budget");
  CHECK(normalise_subject("budget") == "budget");        // letter case of the subject is kept
  CHECK(normalise_subject("Report: Q3") == "Report: Q3");  // a word starting like a prefix is kept
  CHECK(normalise_subject("Re Q3") == "Re Q3");          // no colon, no prefix
  CHECK(normalise_subject("Re: Re: ") == "");
  CHECK(normalise_subject("") == "");
  CHECK(normalise_subject("  \t ") == "");
  CHECK(normalise_subject("Q3: Re: x") == "Q3: Re: x");  // prefixes only at the start
  CHECK(normalise_subject("Re:Re:Re:Re: deep") == "deep");
}

TEST_CASE("normalised subject ids: one id per distinct normalised subject, integer dictionaries included", "[relationship][subject]") {
  const dictionary words(std::vector<std::string>{"Budget", "Re: Budget", "Re:", "budget", "FW: Re: Budget", "7"});
  CHECK(relationship::detail::normalised_subject_ids(words) == std::vector<std::int32_t>{0, 0, -1, 1, 0, 2});
  // An integer dictionary stores no names; it numbers its subjects as a stored one would.
  std::vector<std::string> digits;
  for (int i = 0; i < 25; ++i) digits.push_back(std::to_string(i));
  const dictionary stored(digits);
  REQUIRE_FALSE(stored.is_integers());
  const dictionary integers = dictionary::integers(25);
  REQUIRE(integers.is_integers());
  CHECK(relationship::detail::normalised_subject_ids(integers) == relationship::detail::normalised_subject_ids(stored));
}

TEST_CASE("ts ranges for the threads: equal or weighted, never splitting an instant", "[relationship][replies]") {
  // ts of positions 0..11: instants of several rows at positions 2-4 and 6-7.
  const std::vector<int> ts{0, 1, 2, 2, 2, 3, 4, 4, 5, 6, 7, 8};
  auto at = [&](std::size_t p) { return ts[p]; };
  using salesmetrics::relationship::detail::split_at_instants;
  CHECK(split_at_instants(0, 12, 2, at) == std::vector<std::size_t>{0, 6, 12});
  CHECK(split_at_instants(0, 12, 3, at) == std::vector<std::size_t>{0, 5, 8, 12});   // 4 -> 5: instant 2 kept whole
  CHECK(split_at_instants(0, 12, 1, at) == std::vector<std::size_t>{0, 12});
  // The last range weighs 2: 12 rows / (1 + 2) = 4 per unit, so the first bound is at 4 -> 5.
  CHECK(split_at_instants(0, 12, 2, at, 2.0) == std::vector<std::size_t>{0, 5, 12});
  CHECK(split_at_instants(0, 12, 3, at, 2.0) == std::vector<std::size_t>{0, 5, 6, 12});
  // Weight 0 leaves the last range empty; a tiny one, a row.
  CHECK(split_at_instants(0, 12, 2, at, 0.0) == std::vector<std::size_t>{0, 12, 12});
  CHECK(split_at_instants(0, 12, 2, at, 1e-9) == std::vector<std::size_t>{0, 11, 12});
  CHECK(split_at_instants(3, 3, 2, at, 1.06) == std::vector<std::size_t>{3, 3, 3});
}

}  // namespace relationship_reply_pairing_test
