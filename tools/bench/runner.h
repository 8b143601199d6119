// Runs the workload against one engine and records its figures.
#ifndef DOTLOG_TOOLS_BENCH_RUNNER_H_
#define DOTLOG_TOOLS_BENCH_RUNNER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "kv_under_test.h"
#include "report.h"

namespace dotlog::bench {

// Sizes of one run (see dotlog_bench --help).
struct Config {
  std::vector<uint64_t> key_counts = {10000, 100000};
  int repeats = 3;
  size_t gets = 200000;       // random gets per engine and key count
  size_t puts = 20000;        // puts with durability off
  size_t durable_puts = 667;  // puts with durability on, per repeat
  int threads = 4;            // writers of the multi-writer figure
  size_t thread_puts = 100;   // durable puts per writer thread
  int opens = 20;             // fresh handles timed for the open figure
};

// The figure ids (rows of the table).
inline constexpr char kLoadMs[] = "load";
inline constexpr char kGetMedianNs[] = "get_median";
inline constexpr char kGetP99Ns[] = "get_p99";
inline constexpr char kGetFreshNs[] = "get_fresh";
inline constexpr char kPutOffOps[] = "put_off_ops";
inline constexpr char kPutOffUs[] = "put_off_us";
// Not a row: the floor of a put other processes see at once (flock, write
// of 200 B, unlock), for the notes and targets.
inline constexpr char kLockedAppendOps[] = "locked_append_ops";
inline constexpr char kPutOnOps[] = "put_on_ops";
inline constexpr char kPutOnUs[] = "put_on_us";
inline constexpr char kMultiPutOnOps[] = "multi_put_on_ops";
inline constexpr char kOpenMs[] = "open";
inline constexpr char kDiskBeforeMiB[] = "disk_before";
inline constexpr char kDiskAfterMiB[] = "disk_after";
inline constexpr char kSnapshotAfterMiB[] = "snapshot_after";
inline constexpr char kCompactMBps[] = "compact";
inline constexpr char kIndexBytesPerKey[] = "index_bytes";
inline constexpr char kIndexSnapBytesPerKey[] = "index_snap_bytes";
inline constexpr char kIndexHeapPerKey[] = "index_heap";
inline constexpr char kIndexSnapHeapPerKey[] = "index_snap_heap";
inline constexpr char kIndexSnapFilePerKey[] = "index_snap_file";

// The rows of the table, in order, with their labels and units.
std::vector<Figure> AllFigures(int threads);

// What every engine is given at one key count.
struct Workload {
  uint64_t n = 0;
  std::vector<Entry> entries;                   // the load: keys 0..n-1
  std::vector<uint32_t> get_indices;            // keys the get figures read
  std::vector<Entry> puts;                      // rewrites, durability off
  std::vector<Entry> durable_puts;              // rewrites, durability on
  std::vector<std::vector<Entry>> thread_puts;  // per writer thread
  std::vector<Entry> half;                      // every other key, rewritten
  std::vector<uint32_t> open_indices;           // key read after each open
};
Workload MakeWorkload(uint64_t n, const Config& config, uint64_t seed);

// An engine and how to make a fresh instance of it.
struct Engine {
  std::string name;
  std::function<std::unique_ptr<KvUnderTest>()> make;
};

// Runs every figure of `engine` on `w` in fresh directories `dir`/a (load,
// gets, puts, with `multi_writer` the multi-writer puts, then the open
// figure on the store all that left) and `dir`/b (compaction), adding each to
// `results` under the engine's name. Leaves the directories for the caller to
// inspect and remove.
absl::Status RunEngine(const Engine& engine, const Workload& w,
                       const Config& config, const std::string& dir,
                       bool multi_writer, Results* results);

}  // namespace dotlog::bench

#endif  // DOTLOG_TOOLS_BENCH_RUNNER_H_
