// Timing, statistics, machine facts and the physical floors that
// dotlog_bench measures beside the engines.
#ifndef DOTLOG_TOOLS_BENCH_MEASURE_H_
#define DOTLOG_TOOLS_BENCH_MEASURE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "kv_under_test.h"

namespace dotlog::bench {

using BenchClock = std::chrono::steady_clock;

// Nanoseconds from `start` to now.
inline double NsSince(BenchClock::time_point start) {
  return std::chrono::duration<double, std::nano>(BenchClock::now() - start)
      .count();
}

// The median (mean of the middle two for an even count) and the p-th
// percentile (nearest rank, 0 < p <= 100) of `v`; NaN when empty.
double Median(std::vector<double> v);
double Percentile(std::vector<double> v, double p);

// The cost of one BenchClock::now() call, in nanoseconds.
double TimerOverheadNs();

// Resident memory of this process from /proc/self/statm, in bytes: all of
// it, and the part backed by files (mapped files, shared memory).
struct Resident {
  uint64_t total = 0;
  uint64_t file_backed = 0;
  uint64_t anonymous() const { return total - file_backed; }
};
Resident ReadResident();

// Bytes allocated on disk (st_blocks x 512) by every file under `dir`.
uint64_t DiskBytes(const std::string& dir);
// Paths of the files directly in `dir` whose names start with `prefix`.
std::vector<std::string> FilesWithPrefix(const std::string& dir,
                                         const std::string& prefix);
// The file system type of `path` from statfs: "ext4", "tmpfs", ...
std::string FileSystemType(const std::string& path);
bool IsTmpfs(const std::string& path);

// Prints processor count, CPU model, kernel, load average and the file
// system of `dir`.
void PrintMachineFacts(const std::string& dir);

// Get floor: absl::flat_hash_map<std::string, std::string> holding
// `entries`, looked up at `indices` with the value copied out, as the
// engines' Get does. Median per get from batches of 100, and the p99 of
// per-operation timing.
struct GetFigures {
  double median_ns = 0;
  double p99_ns = 0;
};
GetFigures MeasureMapGets(const std::vector<Entry>& entries,
                          const std::vector<uint32_t>& indices);

// Times `get(key, &value)` (returning absl::Status) for the keys of
// `entries` at `indices`, the same way for every engine and the floor:
// first an untimed warm-up over the first 10% of `indices`, then every
// index in batches of 100 timed together (the median of the batch means
// is the "median" figure: the clock's own cost is spread over 100 gets),
// then, with `per_op`, every index timed alone (the p99 figure, else NaN;
// it includes one BenchClock::now() call). Returns the first failed get's
// error.
template <typename GetFn>
absl::Status TimeGets(const std::vector<Entry>& entries,
                      const std::vector<uint32_t>& indices, GetFn get,
                      bool per_op, GetFigures* out) {
  constexpr size_t kBatch = 100;
  std::string value;
  for (size_t i = 0; i < indices.size() / 10; ++i) {
    if (absl::Status s = get(entries[indices[i]].key, &value); !s.ok()) {
      return s;
    }
  }
  std::vector<double> batch_ns;
  batch_ns.reserve(indices.size() / kBatch);
  absl::Status status;
  for (size_t b = 0; b + kBatch <= indices.size(); b += kBatch) {
    const auto start = BenchClock::now();
    for (size_t i = b; i < b + kBatch; ++i) {
      absl::Status s = get(entries[indices[i]].key, &value);
      if (!s.ok()) status = s;
    }
    batch_ns.push_back(NsSince(start) / kBatch);
  }
  std::vector<double> op_ns(per_op ? indices.size() : 0);
  for (size_t i = 0; i < op_ns.size(); ++i) {
    const auto start = BenchClock::now();
    absl::Status s = get(entries[indices[i]].key, &value);
    op_ns[i] = NsSince(start);
    if (!s.ok()) status = s;
  }
  out->median_ns = Median(std::move(batch_ns));
  out->p99_ns = Percentile(std::move(op_ns), 99);
  return status;
}
// Insert floor: milliseconds to insert `entries` into a fresh map.
double MeasureMapInsertMs(const std::vector<Entry>& entries);

// Append floor: `ops` appends of 200 bytes to a new file in `dir`, each
// followed by fdatasync when `sync`, and each taken under an exclusive
// flock of another file in `dir` when `locked` (what an append needs for
// other processes to see it at once and never interleave with theirs).
// Per-operation latencies in ns, and the total throughput.
struct AppendFigures {
  double ops_per_s = 0;
  double median_us = 0;
};
AppendFigures MeasureAppends(const std::string& dir, int ops, bool sync,
                             bool locked = false);
// `threads` threads each doing `ops_per_thread` appends+fdatasync to one
// shared O_APPEND file: what the file system gives concurrent syncs.
double MeasureConcurrentSyncedAppends(const std::string& dir, int threads,
                                      int ops_per_thread);
// Open floor: milliseconds to read() every file in `paths` (already in
// the page cache) into one buffer.
double MeasureReadFilesMs(const std::vector<std::string>& paths);

}  // namespace dotlog::bench

#endif  // DOTLOG_TOOLS_BENCH_MEASURE_H_
