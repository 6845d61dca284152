// bench/peers/salesmetrics_queries.cpp: the reference queries Q1-Q5 computed WITH the salesmetrics library.
//
//   salesmetrics_queries BINDIR OUTPREFIX [RUNS=7] [THREADS=1,2] [QUERIES=q1,q2,q3,q4,q5]
//
// Load (timed apart, reported as load_s and validate_s):
//   the raw column files of BINDIR (export.cpp's format) are memory-mapped (MAP_POPULATE) and used
//   in place where the file's type is the library's in-memory type (zero copy: activities ts, type,
//   direction, rep_id, contact_id, account_id, opportunity_id, duration_min; opportunities
//   opportunity_id, account_id, owner_rep_id, created_ts, expected_close_ts, stage, status; every
//   stage_history column). Converted into owned vectors: activities.thread_id (int64 -> dense_id),
//   opportunities.closed_ts (-1 -> no_time) and amount (float64 units -> exact int64 cents, checked
//   to round-trip). activity_id is not loaded (the row index is the id, as the format says). Then
//   one dictionary per id space sized from the data (the key index the engine reuses across
//   queries) and validate() over the whole data set with require_sorted_activities (the data
//   contract: Q2 may then read max(ts) as the last row's ts, and activity_view::ts_sorted is set,
//   so the engine's window search and the reply pairing do not check the order again).
// Queries (each: 1 warm-up, RUNS timed runs, wall clock; the result is the library's result
// table, with groups a peer would not list removed inside the timed part):
//   Q1  metrics::evaluate<activity_count, emails_sent, emails_received, meetings_ours, meetings_theirs,
//       calls_made, calls_received, total_duration_minutes, last_interaction>(view, group::rep, {}, policy)
//   Q2  evaluate<emails_sent, emails_received, meetings, calls, emails_in_per_out> grouped by
//       group::by(group::rep, group::contact) over the window [max(ts) - 60 days, max(ts)] (both
//       ends included: time_window is half-open, so to = max(ts) + 1 s)
//   Q3  funnel::fit_transitions without dwell times: transition counts (creation rows counted by
//       `starts`) and, from the same pass, `entered` (distinct opportunities that reached each stage)
//   Q4  evaluate<open_count, open_amount, weighted_amount_exact> grouped by
//       group::period(calendar_period::months()) (open deals are snapshot metrics placed by
//       expected close date; their row filter lists only months with an open deal). Q4 asks for
//       sum(amount x p) without rounding: weighted_amount_exact below computes it exactly. The
//       library's weighted_pipeline<> (each deal's term rounded to the cent) is evaluated after
//       the timed runs, for q4_weighted_pipeline.csv; timed with it, Q4 took 9 % longer (10M).
//   Q5  relationship::evaluate_with_replies<their_threaded_emails, our_replies, our_reply_rate,
//       mean_reply_seconds> grouped by rep: the reply pairing's sweep and the metrics in one pass
//       (no reply column); reps without an inbound e-mail are dropped
// THREADS: 1 runs with `seq`, n > 1 with `par(n)`. Q3 has no parallel entry point in the library:
// its t2 figure runs the same sequential code.
// QUERIES (a comma list) restricts the run, e.g. to measure one query's peak memory on its own.
// Output: OUTPREFIX-t<threads>.json (timings, cpu/wall, load, peak RSS) and OUTPREFIX-t<threads>/q*.csv
// (the peers' column names; q4_weighted_pipeline.csv also holds the library's weighted_pipeline,
// which rounds every deal's weighted amount to the cent, for the checker to compare).
#include <salesmetrics/core/execution.hpp>
#include <salesmetrics/funnel/transition_counts.hpp>
#include <salesmetrics/metrics/activity_metrics.hpp>
#include <salesmetrics/metrics/evaluate.hpp>
#include <salesmetrics/metrics/opportunity_metrics.hpp>
#include <salesmetrics/relationship/reply_evaluation.hpp>
#include <salesmetrics/relationship/reply_metrics.hpp>
#include <salesmetrics/table/dataset.hpp>
#include <salesmetrics/table/validate.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace sm = salesmetrics;
namespace mx = salesmetrics::metrics;
namespace fs = std::filesystem;

// ---- metrics this benchmark adds (ordinary user-defined metrics of the engine) -----------------

/// Q2's ratio: e-mails received / e-mails sent; NaN (printed as NULL) when none was sent.
struct emails_in_per_out : mx::depends_on<mx::emails_received, mx::emails_sent> {
  static constexpr std::string_view name = "emails_in_per_out";
  using result_type = double;
  template <class R> static double result(const R& r, const mx::eval_context&) {
    const std::int64_t sent = r.template get<mx::emails_sent>();
    return sent == 0 ? std::numeric_limits<double>::quiet_NaN()
                     : static_cast<double>(r.template get<mx::emails_received>()) / static_cast<double>(sent);
  }
};

/// Q4's weighted amount without per-deal rounding: sum over open deals of cents x 10 p[stage]
/// (p = 0.1, 0.2, 0.4, 0.6, 0.8 are whole tenths, so the sum is exact in int64). The library's
/// weighted_pipeline<> rounds each deal's term to the cent (money stays exact cents); the peers
/// sum amount x p in float64, which this metric reproduces without rounding error.
struct weighted_tenth_cents {
  static constexpr std::string_view name = "weighted_tenth_cents";
  using table = mx::opportunities_table;
  using anchor = mx::anchor::snapshot;
  using state = std::int64_t;
  using result_type = std::int64_t;
  static bool selects(const sm::opportunity_view& v, std::size_t i, const mx::eval_context&) noexcept {
    return v.status[i] == sm::deal_status::open;  // the row filter: the engine skips the other deals
  }
  static void update(state& s, const sm::opportunity_view& v, std::size_t i, const mx::eval_context&) noexcept {
    static constexpr std::int64_t tenths[8] = {1, 2, 4, 6, 8, 0, 0, 0};
    if (v.status[i] != sm::deal_status::open || v.amount[i].is_missing()) return;
    s += v.amount[i].cents * tenths[static_cast<std::uint8_t>(v.stage[i]) & 7];
  }
  static void merge(state& a, const state& b) noexcept { a += b; }
  static result_type result(const state& s, const mx::eval_context&) noexcept { return s; }
};
struct weighted_amount_exact : mx::depends_on<weighted_tenth_cents> {
  static constexpr std::string_view name = "weighted_amount_exact";
  using result_type = double;  // currency units
  template <class R> static double result(const R& r, const mx::eval_context&) {
    return static_cast<double>(r.template get<weighted_tenth_cents>()) / 1000.0;
  }
};

/// Q5's mean delay in seconds, from the library's reply statistics of inbound e-mails.
struct mean_reply_seconds : mx::depends_on<sm::relationship::reply_stats<sm::direction::inbound>> {
  static constexpr std::string_view name = "mean_reply_seconds";
  using result_type = double;
  template <class R> static double result(const R& r, const mx::eval_context&) {
    const sm::relationship::reply_counts c = r.template get<sm::relationship::reply_stats<sm::direction::inbound>>();
    return c.replied == 0 ? std::numeric_limits<double>::quiet_NaN()
                          : static_cast<double>(c.delay_sum) / static_cast<double>(c.replied);
  }
};

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ---- loading ----------------------------------------------------------------------------------

/// A read-only, prefaulted mapping of one column file.
class mapped_file {
 public:
  explicit mapped_file(const fs::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY);
    if (fd < 0) fail("cannot open " + p.string());
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      fail("cannot stat " + p.string());
    }
    bytes_ = static_cast<std::size_t>(st.st_size);
    if (bytes_ > 0) {
      addr_ = ::mmap(nullptr, bytes_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (addr_ == MAP_FAILED) {
        ::close(fd);
        fail("cannot map " + p.string());
      }
    }
    ::close(fd);
  }
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;
  ~mapped_file() {
    if (addr_ != nullptr && addr_ != MAP_FAILED) ::munmap(addr_, bytes_);
  }
  [[nodiscard]] const void* data() const noexcept { return addr_; }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }

 private:
  void* addr_ = nullptr;
  std::size_t bytes_ = 0;
};

/// Everything the views point into: the mappings and the converted columns.
struct loaded_data {
  std::vector<std::unique_ptr<mapped_file>> files;
  std::vector<sm::dense_id> thread_id;
  std::vector<sm::timestamp> closed_ts;
  std::vector<sm::money> amount;
  sm::crm_dictionaries dictionaries;
  sm::stage_list stages = sm::schema_stages::runtime();
  sm::crm_view view;
  std::size_t mapped_bytes = 0;
  std::size_t converted_bytes = 0;

  /// The file as `count` values of T, read in place. File type F must have T's size and
  /// representation (checked at compile time by the caller's choice of T; sizes checked here).
  template <class T, class File>
  std::span<const T> column(const fs::path& dir, const char* name, std::size_t expected_rows) {
    static_assert(sizeof(T) == sizeof(File) && std::is_trivially_copyable_v<T>, "zero-copy needs the same width");
    auto f = std::make_unique<mapped_file>(dir / (std::string(name) + ".bin"));
    if (f->bytes() % sizeof(T) != 0) fail(std::string(name) + ".bin: size is not a multiple of " + std::to_string(sizeof(T)));
    const std::size_t n = f->bytes() / sizeof(T);
    if (expected_rows != static_cast<std::size_t>(-1) && n != expected_rows)
      fail(std::string(name) + ".bin: " + std::to_string(n) + " rows, expected " + std::to_string(expected_rows));
    mapped_bytes += f->bytes();
    // The mapping holds objects of the file's type; T is layout-identical (a one-member wrapper of
    // the same integer, or an enum over it), and mmap'ed storage implicitly creates them.
    std::span<const T> s(static_cast<const T*>(f->data()), n);
    files.push_back(std::move(f));
    return s;
  }
};

static_assert(sizeof(sm::timestamp) == 8 && sizeof(sm::activity_type) == 1 && sizeof(sm::direction) == 1 &&
              sizeof(sm::deal_status) == 1 && sizeof(sm::stage_index) == 1 && sizeof(sm::dense_id) == 4);

std::size_t max_id_plus_one(std::span<const sm::dense_id> a, std::size_t n = 0) {
  for (sm::dense_id id : a)
    if (id >= 0 && static_cast<std::size_t>(id) >= n) n = static_cast<std::size_t>(id) + 1;
  return n;
}

std::unique_ptr<loaded_data> load(const fs::path& bin, double& load_s, double& validate_s) {
  const auto t0 = std::chrono::steady_clock::now();
  auto d = std::make_unique<loaded_data>();
  constexpr auto any = static_cast<std::size_t>(-1);
  const fs::path A = bin / "activities", O = bin / "opportunities", H = bin / "stage_history";

  sm::activity_view& a = d->view.activities;
  a.ts = d->column<sm::timestamp, std::int64_t>(A, "ts", any);
  const std::size_t n = a.ts.size();
  a.type = d->column<sm::activity_type, std::uint8_t>(A, "type", n);
  a.direction = d->column<sm::direction, std::uint8_t>(A, "direction", n);
  a.rep_id = d->column<sm::dense_id, std::int32_t>(A, "rep_id", n);
  a.contact_id = d->column<sm::dense_id, std::int32_t>(A, "contact_id", n);
  a.account_id = d->column<sm::dense_id, std::int32_t>(A, "account_id", n);
  a.opportunity_id = d->column<sm::dense_id, std::int32_t>(A, "opportunity_id", n);
  a.duration_min = d->column<float, float>(A, "duration_min", n);
  {
    // Read in 1 MiB pieces rather than mapped whole: the 8-byte file would otherwise be resident
    // next to its 4-byte conversion, and count in the process's peak memory.
    std::ifstream f(A / "thread_id.bin", std::ios::binary);
    if (!f || fs::file_size(A / "thread_id.bin") != n * 8) fail("thread_id.bin: missing or of the wrong size");
    d->thread_id.resize(n);
    std::vector<std::int64_t> piece(std::size_t{1} << 17);
    for (std::size_t at = 0; at < n; at += piece.size()) {
      const std::size_t m = std::min(piece.size(), n - at);
      if (!f.read(reinterpret_cast<char*>(piece.data()), static_cast<std::streamsize>(m * 8))) fail("thread_id.bin: read failed");
      for (std::size_t j = 0; j < m; ++j) {
        const std::int64_t t = piece[j];
        if (t < -1 || t > std::numeric_limits<sm::dense_id>::max()) fail("thread_id row " + std::to_string(at + j) + " does not fit a dense_id");
        d->thread_id[at + j] = static_cast<sm::dense_id>(t);
      }
    }
    a.thread_id = d->thread_id;
    d->converted_bytes += n * sizeof(sm::dense_id);
  }

  sm::opportunity_view& o = d->view.opportunities;
  o.opportunity_id = d->column<sm::dense_id, std::int32_t>(O, "opportunity_id", any);
  const std::size_t m = o.opportunity_id.size();
  o.account_id = d->column<sm::dense_id, std::int32_t>(O, "account_id", m);
  o.owner_rep_id = d->column<sm::dense_id, std::int32_t>(O, "owner_rep_id", m);
  o.created_ts = d->column<sm::timestamp, std::int64_t>(O, "created_ts", m);
  o.expected_close_ts = d->column<sm::timestamp, std::int64_t>(O, "expected_close_ts", m);
  o.stage = d->column<sm::stage_index, std::uint8_t>(O, "stage", m);
  o.status = d->column<sm::deal_status, std::uint8_t>(O, "status", m);
  {
    mapped_file fc(O / "closed_ts.bin"), fa(O / "amount.bin");
    if (fc.bytes() != m * 8 || fa.bytes() != m * 8) fail("opportunities: closed_ts.bin or amount.bin has the wrong size");
    const auto* closed = static_cast<const std::int64_t*>(fc.data());
    const auto* amount = static_cast<const double*>(fa.data());
    d->closed_ts.resize(m);
    d->amount.resize(m);
    for (std::size_t i = 0; i < m; ++i) {
      d->closed_ts[i] = closed[i] == -1 ? sm::no_time : sm::from_unix(closed[i]);
      const sm::money c = sm::money::from_double(amount[i]);
      if (c.units() != amount[i]) fail("opportunities row " + std::to_string(i) + ": amount is not a whole number of cents");
      d->amount[i] = c;
    }
    o.closed_ts = d->closed_ts;
    o.amount = d->amount;
    d->converted_bytes += m * 16;
  }

  sm::stage_history_view& h = d->view.stage_history;
  h.opportunity_id = d->column<sm::dense_id, std::int32_t>(H, "opportunity_id", any);
  const std::size_t k = h.opportunity_id.size();
  h.ts = d->column<sm::timestamp, std::int64_t>(H, "ts", k);
  h.from_stage = d->column<sm::stage_index, std::int8_t>(H, "from_stage", k);
  h.to_stage = d->column<sm::stage_index, std::int8_t>(H, "to_stage", k);

  // The key index: dense integer dictionaries sized from the data, reused by every query.
  sm::crm_dictionaries& dict = d->dictionaries;
  dict.reps = sm::dictionary::integers(max_id_plus_one(o.owner_rep_id, max_id_plus_one(a.rep_id)));
  dict.contacts = sm::dictionary::integers(max_id_plus_one(a.contact_id));
  dict.accounts = sm::dictionary::integers(max_id_plus_one(o.account_id, max_id_plus_one(a.account_id)));
  dict.opportunities = sm::dictionary::integers(max_id_plus_one(o.opportunity_id));
  d->view.dictionaries = &d->dictionaries;
  d->view.stages = &d->stages;
  load_s = seconds_since(t0);

  const auto t1 = std::chrono::steady_clock::now();
  const sm::problem_report report = sm::validate(d->view, sm::validate_options{.require_sorted_activities = true});
  if (!report.ok())
    fail("validate() found " + std::to_string(report.size()) + " problems; the first: " + report.problems.front().to_string());
  // The order was checked once, here at ingest: the queries rely on it instead of re-checking.
  d->view.activities.ts_sorted = true;
  validate_s = seconds_since(t1);
  return d;
}

// ---- results as the peers print them ------------------------------------------------------------

std::string fmt(double v) {
  if (std::isnan(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
std::string fmt(std::int64_t v) { return std::to_string(v); }
std::string fmt(sm::timestamp t) { return sm::is_missing(t) ? "" : std::to_string(sm::to_unix(t)); }
std::string fmt(sm::money m) { return m.is_missing() ? "" : fmt(m.units()); }

class csv_out {
 public:
  csv_out(const fs::path& p, const std::string& header) : f_(p) {
    if (!f_) fail("cannot write " + p.string());
    f_ << header << '\n';
  }
  template <class... T>
  void row(const T&... v) {
    bool first = true;
    ((f_ << (first ? "" : ",") << fmt(v), first = false), ...);
    f_ << '\n';
  }

 private:
  std::ofstream f_;
};

template <class Table>
std::vector<std::size_t> all_rows(const Table& t) {
  std::vector<std::size_t> r(t.rows());
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = i;
  return r;
}

// ---- the queries --------------------------------------------------------------------------------

using q1_table = mx::result_table<mx::activity_count, mx::emails_sent, mx::emails_received, mx::meetings_ours, mx::meetings_theirs,
                                  mx::calls_made, mx::calls_received, mx::total_duration_minutes, mx::last_interaction>;

template <class Policy>
auto q1(const sm::crm_view& v, const Policy& p) {
  return mx::evaluate<mx::activity_count, mx::emails_sent, mx::emails_received, mx::meetings_ours, mx::meetings_theirs, mx::calls_made,
                      mx::calls_received, mx::total_duration_minutes, mx::last_interaction>(v, mx::group::rep, {}, p);
}

/// [max(ts) - 60 days, max(ts)], both ends included. Activities are validated sorted by ts at
/// load, so max(ts) is the last row's ts.
sm::time_window q2_window(const sm::crm_view& v) {
  if (v.activities.ts.empty()) return sm::time_window{};
  const std::int64_t max_ts = sm::to_unix(v.activities.ts.back());
  return sm::time_window{sm::from_unix(max_ts - 60 * sm::seconds_per_day), sm::from_unix(max_ts + 1)};
}

template <class Policy>
auto q2(const sm::crm_view& v, const Policy& p) {
  return mx::evaluate<mx::emails_sent, mx::emails_received, mx::meetings, mx::calls, emails_in_per_out>(
      v, mx::group::by(mx::group::rep, mx::group::contact), mx::evaluate_options{.window = q2_window(v)}, p);
}

/// The transition counts and, from the same pass, the opportunities that entered each stage
/// (counts only: Q3 asks for no dwell times, so the fit reads no ts).
sm::funnel::transition_fit q3(const sm::crm_view& v) {
  const sm::funnel::stage_layout layout(*v.stages);
  return sm::funnel::fit_transitions(v.stage_history, layout, sm::funnel::transition_options{.dwell = false, .median = false});
}

template <class... Extra, class Policy>
auto q4(const sm::crm_view& v, const Policy& p) {
  auto t = mx::evaluate<mx::open_count, mx::open_amount, weighted_amount_exact, Extra...>(v, mx::group::period(sm::calendar_period::months()), {}, p);
  std::vector<std::size_t> keep;
  const auto n = t.template column<mx::open_count>();
  for (std::size_t r = 0; r < t.rows(); ++r)
    if (n[r] > 0 && t.key_values[0][r] >= 0) keep.push_back(r);
  return std::make_pair(std::move(t), std::move(keep));
}

/// Pairing and metrics in one sweep (no reply column); the window is the whole history: every
/// e-mail counts, and a reply counts whenever it came.
template <class Policy>
auto q5(const sm::crm_view& v, const Policy& p) {
  auto t = sm::relationship::evaluate_with_replies<sm::relationship::their_threaded_emails, sm::relationship::our_replies,
                                                   sm::relationship::our_reply_rate, mean_reply_seconds>(v, mx::group::rep, {}, p);
  std::vector<std::size_t> keep;
  const auto n = t.template column<sm::relationship::their_threaded_emails>();
  for (std::size_t r = 0; r < t.rows(); ++r)
    if (n[r] > 0) keep.push_back(r);
  return std::make_pair(std::move(t), std::move(keep));
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// One warm-up, then `runs` timed calls; records the wall times and the process cpu / wall ratio.
/// (Each call frees the previous result before computing the next, as its assignment would
/// after: the process never holds two results, which would count in its peak memory.)
template <class F>
void time_runs(nlohmann::json& out, const char* name, int runs, F&& f) {
  f();  // warm-up
  std::vector<double> t;
  const double c0 = process_cpu_seconds();
  const auto w0 = std::chrono::steady_clock::now();
  for (int r = 0; r < runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(seconds_since(t0));
  }
  out["queries"][name] = t;
  out["cpu_over_wall"][name] = (process_cpu_seconds() - c0) / seconds_since(w0);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.empty() ? 0.0 : v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

template <class Policy>
nlohmann::json run_all(const sm::crm_view& v, const Policy& p, int runs, const fs::path& dir, const std::string& only) {
  nlohmann::json q;
  fs::create_directories(dir);
  auto wanted = [&](const char* name) { return only.empty() || ("," + only + ",").find("," + std::string(name) + ",") != std::string::npos; };
  if (wanted("q1")) {
    std::optional<q1_table> res;
    time_runs(q, "q1", runs, [&] { res.reset(); res = q1(v, p); });
    const auto& t = *res;
    csv_out c(dir / "q1.csv", "rep_id,n,email_out,email_in,meeting_out,meeting_in,call_out,call_in,sum_duration,max_ts");
    for (std::size_t r = 0; r < t.rows(); ++r)
      c.row(t.key_values[0][r], t.column<mx::activity_count>()[r], t.column<mx::emails_sent>()[r], t.column<mx::emails_received>()[r],
            t.column<mx::meetings_ours>()[r], t.column<mx::meetings_theirs>()[r], t.column<mx::calls_made>()[r],
            t.column<mx::calls_received>()[r], t.column<mx::total_duration_minutes>()[r], t.column<mx::last_interaction>()[r]);
  }
  if (wanted("q2")) {
    std::optional<decltype(q2(v, p))> res;
    time_runs(q, "q2", runs, [&] { res.reset(); res = q2(v, p); });
    const auto& t = *res;
    csv_out c(dir / "q2.csv", "rep_id,contact_id,emails_out,emails_in,meetings,calls,ratio");
    for (std::size_t r = 0; r < t.rows(); ++r)
      c.row(t.key_values[0][r], t.key_values[1][r], t.template column<mx::emails_sent>()[r], t.template column<mx::emails_received>()[r],
            t.template column<mx::meetings>()[r], t.template column<mx::calls>()[r], t.template column<emails_in_per_out>()[r]);
  }
  if (wanted("q3")) {
    std::optional<sm::funnel::transition_fit> res;
    time_runs(q, "q3", runs, [&] { res.reset(); res = q3(v); });
    const auto& f = *res;
    if (f.creations != f.opportunities) fail("q3: some opportunity has no creation row; starts() would not count creation rows");
    csv_out c(dir / "q3_transitions.csv", "from_stage,to_stage,n");
    const auto S = static_cast<std::int64_t>(f.stage_count());
    for (std::int64_t t = 0; t < S; ++t)
      if (f.starts(t) > 0) c.row(std::int64_t{-1}, t, static_cast<std::int64_t>(f.starts(t)));
    for (std::int64_t a = 0; a < S; ++a)
      for (std::int64_t b = 0; b < S; ++b)
        if (f.counts(a, b) > 0) c.row(a, b, static_cast<std::int64_t>(f.counts(a, b)));
    csv_out r(dir / "q3_reached.csv", "stage,n_opps");
    for (Eigen::Index s = 0; s < f.entered.size(); ++s)
      if (f.entered(s) > 0) r.row(static_cast<std::int64_t>(s), static_cast<std::int64_t>(f.entered(s)));
  }
  if (wanted("q4")) {
    std::optional<decltype(q4(v, p))> res;
    time_runs(q, "q4", runs, [&] { res.reset(); res = q4(v, p); });
    const auto month_of = [](std::int64_t idx) { return (idx / 12) * 100 + idx % 12 + 1; };  // idx = year * 12 + month - 1
    {
      const auto& [t, keep] = *res;
      csv_out c(dir / "q4.csv", "month,n,sum_amount,weighted_amount");
      for (std::size_t r : keep)
        c.row(month_of(t.key_values[0][r]), t.template column<mx::open_count>()[r], t.template column<mx::open_amount>()[r],
              t.template column<weighted_amount_exact>()[r]);
    }
    res.reset();
    const auto [t, keep] = q4<mx::weighted_pipeline<>>(v, p);  // untimed: the library's rounded variant
    csv_out w(dir / "q4_weighted_pipeline.csv", "month,n,weighted_pipeline,weighted_amount");
    for (std::size_t r : keep)
      w.row(month_of(t.key_values[0][r]), t.template column<mx::open_count>()[r], t.template column<mx::weighted_pipeline<>>()[r],
            t.template column<weighted_amount_exact>()[r]);
  }
  if (wanted("q5")) {
    std::optional<decltype(q5(v, p))> res;
    time_runs(q, "q5", runs, [&] { res.reset(); res = q5(v, p); });
    const auto& [t, keep] = *res;
    csv_out c(dir / "q5.csv", "rep_id,n_inbound,n_replied,reply_rate,mean_delay_s");
    for (std::size_t r : keep)
      c.row(t.key_values[0][r], t.template column<sm::relationship::their_threaded_emails>()[r],
            t.template column<sm::relationship::our_replies>()[r], t.template column<sm::relationship::our_reply_rate>()[r],
            t.template column<mean_reply_seconds>()[r]);
  }
  return q;
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s BINDIR OUTPREFIX [RUNS=7] [THREADS=1,2] [QUERIES=q1,q2,q3,q4,q5]\n", argv[0]);
    return 2;
  }
  const fs::path bin = argv[1];
  const std::string prefix = argv[2];
  const int runs = argc > 3 ? std::stoi(argv[3]) : 7;
  std::vector<unsigned> threads;
  {
    const std::string list = argc > 4 ? argv[4] : "1,2";
    std::size_t pos = 0;
    while (pos <= list.size()) {
      const std::size_t comma = std::min(list.find(',', pos), list.size());
      threads.push_back(static_cast<unsigned>(std::stoul(list.substr(pos, comma - pos))));
      pos = comma + 1;
    }
  }
  const std::string only = argc > 5 ? argv[5] : "";
  double load_s = 0, validate_s = 0;
  const auto data = load(bin, load_s, validate_s);
  const sm::crm_view& v = data->view;
  const long rss_after_load = peak_rss_kib();
  std::fprintf(stderr, "salesmetrics: loaded %zu activities, %zu opportunities, %zu stage_history rows in %.3f s (validate %.3f s)\n",
               v.activities.size(), v.opportunities.size(), v.stage_history.size(), load_s, validate_s);

  for (unsigned th : threads) {
    const fs::path dir = prefix + "-t" + std::to_string(th);
    nlohmann::json res = th <= 1 ? run_all(v, sm::seq, runs, dir, only) : run_all(v, sm::par(th), runs, dir, only);
    res["engine"] = "salesmetrics";
    res["version"] = "0.1.0 (g++ " __VERSION__ ", -O3 -march=native)";
    res["threads"] = th;
    res["rows"] = v.activities.size();
    res["opportunities"] = v.opportunities.size();
    res["stage_history"] = v.stage_history.size();
    res["load_s"] = load_s;
    res["validate_s"] = validate_s;
    res["load_note"] = "mmap of the binary columns (zero copy where the type matches; thread_id, closed_ts, amount converted), "
                       "id dictionaries; validate() timed apart";
    res["mapped_bytes"] = data->mapped_bytes;
    res["converted_bytes"] = data->converted_bytes;
    res["peak_rss_after_load_kib"] = rss_after_load;
    res["peak_rss_kib"] = peak_rss_kib();
    res["notes"] = {{"q3", "funnel::fit_transitions has no parallel entry point: t2 runs the sequential code"}};
    std::ofstream(prefix + "-t" + std::to_string(th) + ".json") << res.dump() << '\n';
    for (const auto& [name, times] : res["queries"].items())
      std::fprintf(stderr, "salesmetrics t%u %s median %.6f s (cpu/wall %.2f)\n", th, name.c_str(), median(times.get<std::vector<double>>()),
                   res["cpu_over_wall"][name].get<double>());
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "salesmetrics_queries: %s\n", e.what());
  return 1;
}
