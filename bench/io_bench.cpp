// bench/io_bench.cpp: CSV ingestion throughput (bytes/s) of a canonical activity table.
//
// The input is generated in memory once: 1,000,000 rows (about 96 MB) with the columns ts
// (ISO-8601), type, direction, rep_id, contact_id, account_id, opportunity_id (empty in 1/3 of
// the rows), duration_min, thread_id and subject (a quoted field with a comma in 1/10 of the rows).
//   BM_tokenize   csv_reader alone (every field of every record visited)
//   BM_load       the full load_table into a fresh crm_data (parse, dictionary-encode, append)
// Run: io_bench --benchmark_min_time=2   (MB/s in the bytes_per_second column)
#include <salesmetrics/io/csv_reader.hpp>
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/values.hpp>

#include <benchmark/benchmark.h>

#include <random>
#include <string>

namespace {

const std::string& activity_csv() {
  static const std::string text = [] {
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<int> rep(0, 199), contact(0, 49999), account(0, 4999), opp(0, 19999), type(0, 2),
        dir(0, 1), third(0, 2), tenth(0, 9), minutes(0, 120);
    std::uniform_int_distribution<std::int64_t> ts(1483228800, 1577836800);
    const char* types[] = {"email", "meeting", "phone_call"};
    const char* dirs[] = {"outbound", "inbound"};
    std::string s = "ts,type,direction,rep_id,contact_id,account_id,opportunity_id,duration_min,thread_id,subject\n";
    s.reserve(120u * 1000000u);
    for (int i = 0; i < 1000000; ++i) {
      s += salesmetrics::io::format_timestamp(salesmetrics::from_unix(ts(rng)));
      s += ',';
      s += types[type(rng)];
      s += ',';
      s += dirs[dir(rng)];
      s += ",rep";
      s += std::to_string(rep(rng));
      s += ",c";
      s += std::to_string(contact(rng));
      s += ",acct";
      s += std::to_string(account(rng));
      s += ',';
      if (third(rng)) s += "opp" + std::to_string(opp(rng));
      s += ',';
      s += std::to_string(minutes(rng));
      s += ".5,t";
      s += std::to_string(i / 3);
      s += tenth(rng) ? ",Quarterly review\n" : ",\"Re: pricing, next steps\"\n";
    }
    return s;
  }();
  return text;
}

void BM_tokenize(benchmark::State& state) {
  const std::string& text = activity_csv();
  for (auto _ : state) {
    salesmetrics::io::csv_reader reader(text);
    salesmetrics::io::csv_record rec;
    std::size_t fields = 0, bytes = 0;
    while (reader.next(rec)) {
      fields += rec.size();
      bytes += rec[rec.size() - 1].size();
    }
    benchmark::DoNotOptimize(fields);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_tokenize)->Unit(benchmark::kMillisecond);

void BM_load(benchmark::State& state) {
  const std::string& text = activity_csv();
  const auto mapping = salesmetrics::io::canonical_mapping(salesmetrics::io::table_kind::activities);
  for (auto _ : state) {
    salesmetrics::crm_data data;
    const auto r = salesmetrics::io::load_table(text, mapping, data);
    benchmark::DoNotOptimize(r.loaded);
    benchmark::DoNotOptimize(data.activities.ts.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_load)->Unit(benchmark::kMillisecond);

}  // namespace
