// Past one machine: each MPI rank evaluates the rep scorecard on its shard of the activity
// history, serialises its partial metric states, and rank 0 merges them (in rank order) into the
// final result, then checks it equals a single-process evaluation of the whole history exactly.
//
//   mpirun -np 4 ./distributed_scorecard [activities]
//
// The same partial_result::save()/load()/merge() plug into any engine's aggregation step: a Spark
// or Flink aggregator keeps the bytes as its buffer, a SQL user-defined aggregate keeps them as its
// state; merge order does not change the result because every built-in state merges exactly.
#include <salesmetrics/metrics/catalog.hpp>
#include <salesmetrics/synthetic/generate.hpp>

#include <mpi.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace salesmetrics;
using namespace salesmetrics::metrics;

#define SCORECARD activity_count, emails_sent, emails_received, meetings, calls_made, calls_received, \
                  total_duration_minutes, time_invested_hours<>, unique_contacts, active_days, last_interaction, won_amount

namespace {
/// Rows [begin, end) of every activity column; the other tables are kept whole on rank 0 only.
crm_view shard(const crm_data& d, int rank, int ranks) {
  crm_view v = d.view();
  const std::size_t n = v.activities.size();
  const std::size_t b = n * static_cast<std::size_t>(rank) / static_cast<std::size_t>(ranks);
  const std::size_t e = n * static_cast<std::size_t>(rank + 1) / static_cast<std::size_t>(ranks);
  salesmetrics::detail::for_each_column(v.activities, [&](std::string_view, auto& col) {
    if (!col.empty()) col = col.subspan(b, e - b);
  });
  if (rank != 0) v.opportunities = {};  // each deal is counted once: on rank 0
  return v;
}
}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);

  synthetic::config cfg = synthetic::config::for_activities(argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200'000);
  const crm_data data = synthetic::generate(cfg);  // deterministic: every rank sees the same ids
  const crm_view mine = shard(data, rank, ranks);

  std::string bytes;
  evaluate_partial<SCORECARD>(mine, group::rep).save(bytes);

  // Gather the serialised partials on rank 0.
  const int size = static_cast<int>(bytes.size());
  std::vector<int> sizes(static_cast<std::size_t>(ranks));
  MPI_Gather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<int> offsets(static_cast<std::size_t>(ranks), 0);
  std::string all;
  if (rank == 0) {
    for (int r = 1; r < ranks; ++r) offsets[static_cast<std::size_t>(r)] = offsets[static_cast<std::size_t>(r - 1)] + sizes[static_cast<std::size_t>(r - 1)];
    all.resize(static_cast<std::size_t>(offsets.back() + sizes.back()));
  }
  MPI_Gatherv(bytes.data(), size, MPI_BYTE, all.data(), sizes.data(), offsets.data(), MPI_BYTE, 0, MPI_COMM_WORLD);

  int status = 0;
  if (rank == 0) {
    using partial_t = decltype(evaluate_partial<SCORECARD>(mine, group::rep));
    partial_t merged;
    for (int r = 0; r < ranks; ++r) {
      partial_t p;
      p.load(std::string_view(all).substr(static_cast<std::size_t>(offsets[static_cast<std::size_t>(r)]),
                                          static_cast<std::size_t>(sizes[static_cast<std::size_t>(r)])));
      merged.merge(p);
    }
    const auto distributed = finish<SCORECARD>(data.view(), group::rep, merged);
    const auto single = evaluate<SCORECARD>(data.view(), group::rep);
    std::ostringstream a, b;
    distributed.write_csv(a);
    single.write_csv(b);
    std::cout << ranks << " ranks, " << data.activities.ts.size() << " activities, " << distributed.rows() << " reps\n";
    const std::string text = a.str();
    std::cout << text.substr(0, text.find('\n', text.find('\n', text.find('\n') + 1) + 1) + 1);  // header + 2 rows
    if (a.str() == b.str()) {
      std::cout << "distributed result equals the single-process result exactly\n";
    } else {
      std::cout << "MISMATCH between the distributed and the single-process result\n";
      status = 1;
    }
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return status;
}
