// Measures the memory a freshly opened dotlog handle takes, in a separate
// process so that nothing the benchmark allocated before blurs the figure.
#ifndef DOTLOG_TOOLS_BENCH_INDEX_PROBE_H_
#define DOTLOG_TOOLS_BENCH_INDEX_PROBE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace dotlog::bench {

// Resident memory added by Store::Open of one store.
struct IndexMemory {
  int64_t anonymous_bytes = 0;  // heap: the in-memory index, buffers
  int64_t file_bytes = 0;       // mapped file pages touched by the open
  uint64_t live_keys = 0;
  uint64_t snapshot_keys = 0;  // keys taken from index.snapshot
  uint64_t index_bytes = 0;    // Stats::index_bytes
};

// The child's side (dotlog_bench --index-memory DIR): opens the store in
// `dir`, prints the five IndexMemory numbers on one line, returns the exit
// status.
int RunIndexProbeChild(const std::string& dir);

// The parent's side: runs `/proc/self/exe --index-memory dir` and parses
// what it prints.
absl::StatusOr<IndexMemory> ProbeIndexMemory(const std::string& dir);

}  // namespace dotlog::bench

#endif  // DOTLOG_TOOLS_BENCH_INDEX_PROBE_H_
