// bench/peers/export.cpp: writes a salesmetrics synthetic history in the peer benchmark format.
//
//   export N OUTDIR [--bin-only] [--seed S]
//
// Generates synthetic::generate(synthetic::config::for_activities(N, S)) and writes
//   OUTDIR/bin/<table>/<column>.bin   raw little-endian columns (no header)
//   OUTDIR/csv/<table>.csv            header line, ',' separator, "none" as -1 (skipped with --bin-only)
//   OUTDIR/meta.json                  row counts, seed, timings
// in the layout of /work/shared/peers/SCHEMA.md (docs in bench/README.md):
//   activities     activity_id int64 (= row index), ts int64, type uint8, direction uint8, rep_id,
//                  contact_id, account_id, opportunity_id int32 (-1 none), duration_min float32,
//                  thread_id int64 (-1 none)
//   opportunities  opportunity_id, account_id, owner_rep_id int32, created_ts, expected_close_ts,
//                  closed_ts int64 (-1 open), stage uint8 0..4, status uint8, amount float64 (cents / 100)
//   stage_history  opportunity_id int32, ts int64, from_stage int8 (-1 creation), to_stage int8 (5 won, 6 lost)
// Conversions from the library's in-memory model, each checked (the program stops with a message
// naming the row when a check fails, so the file never holds a value that does not round-trip):
//   - money is exact int64 cents; the file holds cents / 100.0. |cents| < 2^53 / 100 is required,
//     so llround(x * 100) gives the cents back exactly.
//   - a closed opportunity's `stage` may be the won/lost index in the library's model; the format
//     wants the last open stage, which is the from_stage of the deal's closing history row.
//   - missing instants (no_time) become -1; missing ids stay -1 (no_id).
//   - duration_min must be a multiple of 0.25 minute (exact in float32, and its shortest decimal
//     form round-trips); NaN is rejected (the format has no NULL).
//   - activities must be sorted by ts, and ts must strictly increase within a thread.
// The generator's scheduled rows (1 %, dated after the history's end) are exported as ordinary
// rows: the format has no status column, so every engine, ours included, sees the same rows.
#include <salesmetrics/synthetic/generate.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace sm = salesmetrics;
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

template <class T>
void write_column(const fs::path& dir, std::string_view name, const std::vector<T>& v) {
  const fs::path p = dir / (std::string(name) + ".bin");
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (f == nullptr) fail("cannot open " + p.string());
  if (!v.empty() && std::fwrite(v.data(), sizeof(T), v.size(), f) != v.size()) fail("short write to " + p.string());
  if (std::fclose(f) != 0) fail("cannot close " + p.string());
}

/// A buffered CSV writer with std::to_chars formatting (floats in shortest round-trip form).
class csv_writer {
 public:
  explicit csv_writer(const fs::path& p) : path_(p), f_(std::fopen(p.c_str(), "wb")) {
    if (f_ == nullptr) fail("cannot open " + p.string());
    buf_.resize(1 << 20);
  }
  csv_writer(const csv_writer&) = delete;
  csv_writer& operator=(const csv_writer&) = delete;
  ~csv_writer() {
    if (f_ != nullptr) std::fclose(f_);
  }
  void text(std::string_view s) {
    room(s.size());
    std::memcpy(buf_.data() + used_, s.data(), s.size());
    used_ += s.size();
  }
  template <class T>
  void value(T v) {
    room(48);
    const auto r = std::to_chars(buf_.data() + used_, buf_.data() + buf_.size(), v);
    if (r.ec != std::errc{}) fail("to_chars failed in " + path_.string());
    used_ = static_cast<std::size_t>(r.ptr - buf_.data());
  }
  void sep() { text(","); }
  void end_row() { text("\n"); }
  void close() {
    flush();
    if (std::fclose(f_) != 0) fail("cannot close " + path_.string());
    f_ = nullptr;
  }

 private:
  void room(std::size_t n) {
    if (used_ + n > buf_.size()) flush();
  }
  void flush() {
    if (used_ != 0 && std::fwrite(buf_.data(), 1, used_, f_) != used_) fail("short write to " + path_.string());
    used_ = 0;
  }
  fs::path path_;
  std::FILE* f_;
  std::vector<char> buf_;
  std::size_t used_ = 0;
};

std::int64_t unix_or_minus1(sm::timestamp t) { return sm::is_missing(t) ? -1 : sm::to_unix(t); }

struct activities_out {
  std::vector<std::int64_t> activity_id, ts, thread_id;
  std::vector<std::uint8_t> type, direction;
  std::vector<std::int32_t> rep_id, contact_id, account_id, opportunity_id;
  std::vector<float> duration_min;
};
struct opportunities_out {
  std::vector<std::int32_t> opportunity_id, account_id, owner_rep_id;
  std::vector<std::int64_t> created_ts, expected_close_ts, closed_ts;
  std::vector<std::uint8_t> stage, status;
  std::vector<double> amount;
};
struct history_out {
  std::vector<std::int32_t> opportunity_id;
  std::vector<std::int64_t> ts;
  std::vector<std::int8_t> from_stage, to_stage;
};

activities_out convert_activities(const sm::activity_view& a) {
  const std::size_t n = a.size();
  activities_out o;
  o.activity_id.resize(n);
  o.ts.resize(n);
  o.thread_id.resize(n);
  o.type.resize(n);
  o.direction.resize(n);
  o.rep_id.resize(n);
  o.contact_id.resize(n);
  o.account_id.resize(n);
  o.opportunity_id.resize(n);
  o.duration_min.resize(n);
  if (a.contact_id.size() != n || a.account_id.size() != n || a.opportunity_id.size() != n || a.duration_min.size() != n ||
      a.thread_id.size() != n)
    fail("activities: the generator did not fill contact_id, account_id, opportunity_id, duration_min and thread_id");
  std::vector<std::int64_t> last_in_thread;  // by thread id: ts of its latest row so far
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t ts = sm::to_unix(a.ts[i]);
    if (i > 0 && ts < o.ts[i - 1]) fail("activities row " + std::to_string(i) + ": not sorted by ts");
    const auto type = static_cast<std::uint8_t>(a.type[i]);
    if (type > 2) fail("activities row " + std::to_string(i) + ": type code " + std::to_string(type) + " is not email/meeting/phone_call");
    const float d = a.duration_min[i];
    if (!(d >= 0.0f) || std::floor(d * 4.0f) != d * 4.0f)
      fail("activities row " + std::to_string(i) + ": duration_min " + std::to_string(d) + " is not a multiple of 0.25");
    if (a.rep_id[i] < 0 || a.contact_id[i] < 0 || a.account_id[i] < 0)
      fail("activities row " + std::to_string(i) + ": missing rep, contact or account id");
    const sm::dense_id th = a.thread_id[i];
    if (th >= 0) {
      const auto t = static_cast<std::size_t>(th);
      if (t >= last_in_thread.size()) last_in_thread.resize(std::max(t + 1, last_in_thread.size() * 2), INT64_MIN);
      if (last_in_thread[t] >= ts)
        fail("activities row " + std::to_string(i) + ": ts does not strictly increase within thread " + std::to_string(th));
      last_in_thread[t] = ts;
    }
    o.activity_id[i] = static_cast<std::int64_t>(i);
    o.ts[i] = ts;
    o.thread_id[i] = th < 0 ? -1 : th;
    o.type[i] = type;
    o.direction[i] = static_cast<std::uint8_t>(a.direction[i]);
    o.rep_id[i] = a.rep_id[i];
    o.contact_id[i] = a.contact_id[i];
    o.account_id[i] = a.account_id[i];
    o.opportunity_id[i] = a.opportunity_id[i] < 0 ? -1 : a.opportunity_id[i];
    o.duration_min[i] = d;
  }
  return o;
}

/// The opportunities in the format's convention; a closed deal's stage comes from its closing history row.
opportunities_out convert_opportunities(const sm::opportunity_view& v, const sm::stage_history_view& h, const sm::stage_list& stages) {
  const std::size_t n = v.size();
  std::vector<std::int64_t> last_row(n, -1);
  for (std::size_t r = 0; r < h.size(); ++r) {
    const sm::dense_id id = h.opportunity_id[r];
    if (id < 0 || static_cast<std::size_t>(id) >= n) fail("stage_history row " + std::to_string(r) + ": unknown opportunity");
    last_row[static_cast<std::size_t>(id)] = static_cast<std::int64_t>(r);
  }
  opportunities_out o;
  o.opportunity_id.resize(n);
  o.account_id.resize(n);
  o.owner_rep_id.resize(n);
  o.created_ts.resize(n);
  o.expected_close_ts.resize(n);
  o.closed_ts.resize(n);
  o.stage.resize(n);
  o.status.resize(n);
  o.amount.resize(n);
  constexpr std::int64_t max_exact_cents = (std::int64_t{1} << 53) / 100;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string row = "opportunities row " + std::to_string(i);
    if (v.opportunity_id[i] != static_cast<sm::dense_id>(i)) fail(row + ": opportunity_id is not the row index");
    const sm::deal_status status = v.status[i];
    sm::stage_index stage = v.stage[i];
    if (stages.is_closed(stage)) {  // library convention: the terminal stage; the format wants the last open stage
      const std::int64_t r = last_row[i];
      if (r < 0 || h.to_stage[static_cast<std::size_t>(r)] != stage) fail(row + ": closed stage without a closing history row");
      stage = h.from_stage[static_cast<std::size_t>(r)];
    }
    if (!stages.is_open(stage)) fail(row + ": stage " + std::to_string(stage) + " is not an open stage 0..4");
    if ((status == sm::deal_status::open) != sm::is_missing(v.closed_ts[i])) fail(row + ": closed_ts disagrees with status");
    if (sm::is_missing(v.expected_close_ts[i])) fail(row + ": expected_close_ts is missing (the format has no NULL)");
    const sm::money m = v.amount[i];
    if (m.is_missing() || m.cents < 0 || m.cents >= max_exact_cents) fail(row + ": amount missing, negative or too large to round-trip");
    o.opportunity_id[i] = v.opportunity_id[i];
    o.account_id[i] = v.account_id[i];
    o.owner_rep_id[i] = v.owner_rep_id[i];
    o.created_ts[i] = sm::to_unix(v.created_ts[i]);
    o.expected_close_ts[i] = sm::to_unix(v.expected_close_ts[i]);
    o.closed_ts[i] = unix_or_minus1(v.closed_ts[i]);
    o.stage[i] = static_cast<std::uint8_t>(stage);
    o.status[i] = static_cast<std::uint8_t>(status);
    o.amount[i] = static_cast<double>(m.cents) / 100.0;
    if (std::llround(o.amount[i] * 100.0) != m.cents) fail(row + ": amount does not round-trip through cents / 100");
  }
  return o;
}

history_out convert_history(const sm::stage_history_view& h) {
  const std::size_t n = h.size();
  history_out o;
  o.opportunity_id.assign(h.opportunity_id.begin(), h.opportunity_id.end());
  o.ts.resize(n);
  o.from_stage.assign(h.from_stage.begin(), h.from_stage.end());
  o.to_stage.assign(h.to_stage.begin(), h.to_stage.end());
  for (std::size_t r = 0; r < n; ++r) {
    o.ts[r] = sm::to_unix(h.ts[r]);
    if (r > 0 && (o.opportunity_id[r] < o.opportunity_id[r - 1] ||
                  (o.opportunity_id[r] == o.opportunity_id[r - 1] && o.ts[r] < o.ts[r - 1])))
      fail("stage_history row " + std::to_string(r) + ": not sorted by (opportunity_id, ts)");
  }
  return o;
}

void write_csv_activities(const fs::path& p, const activities_out& a) {
  csv_writer w(p);
  w.text("activity_id,ts,type,direction,rep_id,contact_id,account_id,opportunity_id,duration_min,thread_id\n");
  for (std::size_t i = 0; i < a.ts.size(); ++i) {
    w.value(a.activity_id[i]); w.sep();
    w.value(a.ts[i]); w.sep();
    w.value(static_cast<unsigned>(a.type[i])); w.sep();
    w.value(static_cast<unsigned>(a.direction[i])); w.sep();
    w.value(a.rep_id[i]); w.sep();
    w.value(a.contact_id[i]); w.sep();
    w.value(a.account_id[i]); w.sep();
    w.value(a.opportunity_id[i]); w.sep();
    w.value(a.duration_min[i]); w.sep();
    w.value(a.thread_id[i]); w.end_row();
  }
  w.close();
}

void write_csv_opportunities(const fs::path& p, const opportunities_out& o) {
  csv_writer w(p);
  w.text("opportunity_id,account_id,owner_rep_id,created_ts,expected_close_ts,closed_ts,stage,status,amount\n");
  for (std::size_t i = 0; i < o.opportunity_id.size(); ++i) {
    w.value(o.opportunity_id[i]); w.sep();
    w.value(o.account_id[i]); w.sep();
    w.value(o.owner_rep_id[i]); w.sep();
    w.value(o.created_ts[i]); w.sep();
    w.value(o.expected_close_ts[i]); w.sep();
    w.value(o.closed_ts[i]); w.sep();
    w.value(static_cast<unsigned>(o.stage[i])); w.sep();
    w.value(static_cast<unsigned>(o.status[i])); w.sep();
    w.value(o.amount[i]); w.end_row();
  }
  w.close();
}

void write_csv_history(const fs::path& p, const history_out& h) {
  csv_writer w(p);
  w.text("opportunity_id,ts,from_stage,to_stage\n");
  for (std::size_t r = 0; r < h.ts.size(); ++r) {
    w.value(h.opportunity_id[r]); w.sep();
    w.value(h.ts[r]); w.sep();
    w.value(static_cast<int>(h.from_stage[r])); w.sep();
    w.value(static_cast<int>(h.to_stage[r])); w.end_row();
  }
  w.close();
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s N OUTDIR [--bin-only] [--seed S] [--reps R]\n", argv[0]);
    return 2;
  }
  const std::size_t n = std::stoull(argv[1]);
  const fs::path out = argv[2];
  bool bin_only = false;
  std::uint64_t seed = 42;
  std::size_t reps = 0;  // 0: the population for_activities(n) sizes (n / 5000)
  for (int i = 3; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--bin-only") bin_only = true;
    else if (a == "--seed" && i + 1 < argc) seed = std::stoull(argv[++i]);
    // Another rep count with the rest of the population as for_activities(n): measures how
    // the per-rep states' size changes a query's cost (bench/README, "Scaling").
    else if (a == "--reps" && i + 1 < argc) reps = std::stoull(argv[++i]);
    else fail("unknown argument " + std::string(a));
  }

  auto t0 = std::chrono::steady_clock::now();
  sm::synthetic::config population = sm::synthetic::config::for_activities(n, seed);
  if (reps != 0) population.reps = reps;
  const sm::crm_data data = sm::synthetic::generate(population);
  const double gen_s = seconds_since(t0);
  const sm::crm_view v = data.view();

  t0 = std::chrono::steady_clock::now();
  const activities_out act = convert_activities(v.activities);
  const opportunities_out opp = convert_opportunities(v.opportunities, v.stage_history, data.stages);
  const history_out hist = convert_history(v.stage_history);

  const fs::path ba = out / "bin" / "activities", bo = out / "bin" / "opportunities", bh = out / "bin" / "stage_history";
  for (const auto& d : {ba, bo, bh}) fs::create_directories(d);
  write_column(ba, "activity_id", act.activity_id);
  write_column(ba, "ts", act.ts);
  write_column(ba, "type", act.type);
  write_column(ba, "direction", act.direction);
  write_column(ba, "rep_id", act.rep_id);
  write_column(ba, "contact_id", act.contact_id);
  write_column(ba, "account_id", act.account_id);
  write_column(ba, "opportunity_id", act.opportunity_id);
  write_column(ba, "duration_min", act.duration_min);
  write_column(ba, "thread_id", act.thread_id);
  write_column(bo, "opportunity_id", opp.opportunity_id);
  write_column(bo, "account_id", opp.account_id);
  write_column(bo, "owner_rep_id", opp.owner_rep_id);
  write_column(bo, "created_ts", opp.created_ts);
  write_column(bo, "expected_close_ts", opp.expected_close_ts);
  write_column(bo, "closed_ts", opp.closed_ts);
  write_column(bo, "stage", opp.stage);
  write_column(bo, "status", opp.status);
  write_column(bo, "amount", opp.amount);
  write_column(bh, "opportunity_id", hist.opportunity_id);
  write_column(bh, "ts", hist.ts);
  write_column(bh, "from_stage", hist.from_stage);
  write_column(bh, "to_stage", hist.to_stage);
  const double bin_s = seconds_since(t0);

  double csv_s = 0;
  if (!bin_only) {
    t0 = std::chrono::steady_clock::now();
    fs::create_directories(out / "csv");
    write_csv_activities(out / "csv" / "activities.csv", act);
    write_csv_opportunities(out / "csv" / "opportunities.csv", opp);
    write_csv_history(out / "csv" / "stage_history.csv", hist);
    csv_s = seconds_since(t0);
  }

  std::FILE* m = std::fopen((out / "meta.json").c_str(), "wb");
  if (m == nullptr) fail("cannot write meta.json");
  std::fprintf(m,
               "{\"generator\":\"salesmetrics::synthetic::generate(config::for_activities(%zu, %llu))\",\"seed\":%llu,"
               "\"activities\":%zu,\"opportunities\":%zu,\"stage_history\":%zu,\"reps\":%zu,\"contacts\":%zu,\"accounts\":%zu,"
               "\"generate_s\":%.3f,\"bin_s\":%.3f,\"csv_s\":%.3f,\"csv\":%s}\n",
               n, static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed), act.ts.size(), opp.amount.size(),
               hist.ts.size(), data.dictionaries.reps.size(), data.dictionaries.contacts.size(), data.dictionaries.accounts.size(), gen_s,
               bin_s, csv_s, bin_only ? "false" : "true");
  std::fclose(m);
  std::fprintf(stderr, "export: %zu activities, %zu opportunities, %zu stage_history rows; generate %.1f s, bin %.1f s, csv %.1f s\n",
               act.ts.size(), opp.amount.size(), hist.ts.size(), gen_s, bin_s, csv_s);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "export: %s\n", e.what());
  return 1;
}
