// dotlog_bench: runs one workload against dotlog and every peer compiled in
// (SQLite, LMDB, LevelDB) in one process, with physical floors measured in
// the same run, and prints one table of medians and ratios. It reports
// figures; it never fails because of them (only on an engine error).
//
//   dotlog_bench [--keys N[,N...]] [--repeats R] [--smoke] [--dir DIR]
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "index_probe.h"
#include "kv_under_test.h"
#include "measure.h"
#include "report.h"
#include "runner.h"
#include "targets.h"
#include "workload.h"

namespace dotlog::bench {
namespace {

constexpr char kUsage[] =
    "usage: dotlog_bench [--keys N[,N...]] [--repeats R] [--smoke] [--dir "
    "DIR]\n"
    "                    [--engines NAME[,NAME...]]\n"
    "  --keys N     key counts to run (default 10000,100000)\n"
    "  --repeats R  runs of every figure; the median is printed (default 3)\n"
    "  --smoke      tiny sizes and one repeat: checks that everything runs\n"
    "  --dir DIR    where to make the scratch directory: the disk to measure\n"
    "               (default $TMPDIR, else /var/tmp; tmpfs is refused for\n"
    "               the default and warned about for --dir)\n"
    "  --engines L  only these of dotlog,sqlite,lmdb,leveldb (for profiling)\n";

struct Flags {
  Config config;
  std::string dir;
  std::vector<std::string> engines;  // empty: all
  bool help = false;
};

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

bool ParseKeys(const char* text, std::vector<uint64_t>* out) {
  out->clear();
  for (const std::string& part : SplitCommas(text)) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || n < 2 || n > 10000000) return false;
    out->push_back(n);
  }
  return true;
}

bool ParseFlags(int argc, char** argv, Flags* flags) {
  Config& c = flags->config;
  bool smoke = false, keys_given = false, repeats_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--smoke") {
      smoke = true;
    } else if (arg == "--help" || arg == "-h") {
      flags->help = true;
    } else if (arg == "--keys" && has_value) {
      if (!ParseKeys(argv[++i], &c.key_counts)) return false;
      keys_given = true;
    } else if (arg == "--repeats" && has_value) {
      c.repeats = std::atoi(argv[++i]);
      if (c.repeats < 1 || c.repeats > 100) return false;
      repeats_given = true;
    } else if (arg == "--dir" && has_value) {
      flags->dir = argv[++i];
    } else if (arg == "--engines" && has_value) {
      flags->engines = SplitCommas(argv[++i]);
    } else {
      return false;
    }
  }
  // The largest store comes last: the once-only figures use it.
  std::sort(c.key_counts.begin(), c.key_counts.end());
  if (smoke) {
    if (!keys_given) c.key_counts = {500};
    if (!repeats_given) c.repeats = 1;
    c.gets = 2000;
    c.puts = 200;
    c.durable_puts = 10;
    c.thread_puts = 5;
    c.opens = 3;
  } else {
    // About 2000 durable puts per figure in all, split over the repeats.
    c.durable_puts = (2000 + static_cast<size_t>(c.repeats) - 1) /
                     static_cast<size_t>(c.repeats);
  }
  return true;
}

// Makes a fresh scratch directory under `parent` (or the default), or
// returns "" after saying why not.
std::string MakeScratchDir(std::string parent) {
  if (parent.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    parent = tmp != nullptr && *tmp != '\0' && !IsTmpfs(tmp) ? tmp : "/var/tmp";
    if (IsTmpfs(parent)) {
      std::fprintf(stderr,
                   "dotlog_bench: %s is tmpfs, where fdatasync costs "
                   "nothing; pass --dir on a real disk\n",
                   parent.c_str());
      return "";
    }
  } else if (IsTmpfs(parent)) {
    std::fprintf(stderr,
                 "dotlog_bench: warning: %s is tmpfs: sync figures "
                 "are meaningless there\n",
                 parent.c_str());
  }
  std::string path = parent + "/dotlog_bench.XXXXXX";
  if (mkdtemp(path.data()) == nullptr) {
    std::fprintf(stderr, "dotlog_bench: cannot create a directory in %s: %s\n",
                 parent.c_str(), std::strerror(errno));
    return "";
  }
  return path;
}

// dotlog always comes first (its column holds the ratios' numerator), then
// every peer compiled in, keeping only those in `only` if it is not empty.
std::vector<Engine> AvailableEngines(const std::vector<std::string>& only) {
  std::vector<Engine> engines = {{kDotlog, NewDotlogKv}};
  const std::vector<std::pair<std::string, Peer>> peers = {
      {"sqlite", SqlitePeer()},
      {"lmdb", LmdbPeer()},
      {"leveldb", LeveldbPeer()}};
  for (const auto& [name, peer] : peers) {
    const bool wanted =
        only.empty() || std::find(only.begin(), only.end(), name) != only.end();
    if (wanted && peer.make != nullptr) engines.push_back({name, peer.make});
  }
  return engines;
}

void PrintMethod(const Config& c, const std::vector<Engine>& engines,
                 double timer_ns) {
  std::printf(
      "  peers        sqlite %s, lmdb %s, leveldb %s (blank: not "
      "built)\n",
      SqlitePeer().version.c_str(), LmdbPeer().version.c_str(),
      LeveldbPeer().version.c_str());
  std::printf("  timer        steady_clock::now() costs %.0f ns\n\n", timer_ns);
  std::printf("method   median of %d repeat(s) of every figure\n", c.repeats);
  std::printf(
      "         gets: %zu random keys; median from batches of 100 timed "
      "together, p99 from each get timed alone; writer's handle = the one "
      "that loaded the store, fresh handle = reopened\n",
      c.gets);
  std::printf(
      "         puts: %zu with sync=off, %zu with sync=on per repeat, one per "
      "transaction, random existing keys; multi-writer: %d threads x %zu "
      "sync=on puts (largest N only)\n",
      c.puts, c.durable_puts, c.threads, c.thread_puts);
  std::printf(
      "         open: %d fresh handles, open + one get timed, close not "
      "timed; compaction: load N, rewrite every other key, compact\n",
      c.opens);
  std::printf(
      "engines  dotlog   default Options; SyncMode::kAlways when durable, "
      "kNone for sync=off\n");
  for (size_t i = 1; i < engines.size(); ++i) {
    const std::string& name = engines[i].name;
    if (name == "sqlite") {
      std::printf(
          "         sqlite   WAL; synchronous=FULL when durable, NORMAL for "
          "sync=off; WITHOUT ROWID table, prepared statements\n");
    } else if (name == "lmdb") {
      std::printf(
          "         lmdb     default (synced commits) when durable, "
          "MDB_NOSYNC for sync=off\n");
    } else if (name == "leveldb") {
      std::printf(
          "         leveldb  default options; WriteOptions.sync=true when "
          "durable, false for sync=off\n");
    }
  }
  std::printf(
      "         load, get, open, multi-writer and compaction use the durable "
      "configuration; load: dotlog and leveldb in atomic batches of 1000 "
      "keys (one sync each), sqlite and lmdb in one transaction\n");
  std::printf(
      "floors   get: absl::flat_hash_map find + value copy; load: "
      "flat_hash_map inserts; disk: raw key+value bytes; index: mean key "
      "bytes\n"
      "         put sync=off: write() of 200 B; sync=on and multi-writer: "
      "write() of 200 B + fdatasync, one thread; open: read() of every "
      "dotlog segment file (page cache)\n\n");
}

// Per-key-count floors.
void MeasureDataFloors(const Workload& w, Results* results) {
  const GetFigures gets = MeasureMapGets(w.entries, w.get_indices);
  results->Add(kGetMedianNs, w.n, kFloor, gets.median_ns);
  results->Add(kGetP99Ns, w.n, kFloor, gets.p99_ns);
  results->Add(kGetFreshNs, w.n, kFloor, gets.median_ns);
  results->Add(kLoadMs, w.n, kFloor, MeasureMapInsertMs(w.entries));
  const double raw = (MeanKeyBytes(w.entries) + MeanValueBytes(w.entries)) *
                     static_cast<double>(w.n) / 1048576.0;
  results->Add(kDiskBeforeMiB, w.n, kFloor, raw);
  results->Add(kDiskAfterMiB, w.n, kFloor, raw);
}

// Floors of the disk, measured next to the engines at each key count so
// that they see the disk in the same state.
void MeasureDiskFloors(const Config& c, uint64_t n, const std::string& dir,
                       Results* results) {
  const AppendFigures plain =
      MeasureAppends(dir, static_cast<int>(c.puts), false);
  const AppendFigures synced =
      MeasureAppends(dir, static_cast<int>(c.durable_puts), true);
  const AppendFigures locked =
      MeasureAppends(dir, static_cast<int>(c.puts), false, /*locked=*/true);
  results->Add(kPutOffOps, n, kFloor, plain.ops_per_s);
  results->Add(kPutOffUs, n, kFloor, plain.median_us);
  results->Add(kLockedAppendOps, n, kFloor, locked.ops_per_s);
  results->Add(kPutOnOps, n, kFloor, synced.ops_per_s);
  results->Add(kPutOnUs, n, kFloor, synced.median_us);
  if (n == c.key_counts.back()) {  // the multi-writer figure's N
    results->Add(kMultiPutOnOps, n, kFloor, synced.ops_per_s);
  }
}

// dotlog's own extras on the stores RunEngine left in `dir`: the size of
// the snapshot compaction left in b, the open floor for a, and (for the
// largest store) the index memory of a.
bool MeasureDotlogExtras(const Config& c, const Workload& w,
                         const std::string& dir, bool largest, Results* results,
                         IndexMemory* with_snapshot) {
  const std::string a = dir + "/a";
  std::error_code ec;
  const auto snapshot_bytes =
      std::filesystem::file_size(dir + "/b/index.snapshot", ec);
  if (!ec)
    results->Add(kSnapshotAfterMiB, w.n, kDotlog, snapshot_bytes / 1048576.0);
  const std::vector<std::string> segments = FilesWithPrefix(a, "segment-");
  MeasureReadFilesMs(segments);  // into the page cache
  std::vector<double> ms;
  for (int i = 0; i < c.opens; ++i) ms.push_back(MeasureReadFilesMs(segments));
  results->Add(kOpenMs, w.n, kFloor, Median(ms));
  if (!largest) return true;
  auto snap = ProbeIndexMemory(a);
  std::filesystem::remove(a + "/index.snapshot");
  auto full = ProbeIndexMemory(a);
  if (!snap.ok() || !full.ok()) {
    std::fprintf(
        stderr, "dotlog_bench: %s\n",
        std::string((snap.ok() ? full : snap).status().message()).c_str());
    return false;
  }
  *with_snapshot = *snap;
  const double keys = static_cast<double>(w.n);
  results->Add(kIndexBytesPerKey, w.n, kDotlog, full->index_bytes / keys);
  results->Add(kIndexSnapBytesPerKey, w.n, kDotlog, snap->index_bytes / keys);
  results->Add(kIndexHeapPerKey, w.n, kDotlog, full->anonymous_bytes / keys);
  results->Add(kIndexSnapHeapPerKey, w.n, kDotlog,
               snap->anonymous_bytes / keys);
  results->Add(kIndexSnapFilePerKey, w.n, kDotlog, snap->file_bytes / keys);
  for (const char* id : {kIndexBytesPerKey, kIndexSnapBytesPerKey,
                         kIndexHeapPerKey, kIndexSnapHeapPerKey}) {
    results->Add(id, w.n, kFloor, MeanKeyBytes(w.entries));
  }
  return true;
}

int Run(const Flags& flags) {
  const Config& c = flags.config;
  const std::string scratch = MakeScratchDir(flags.dir);
  if (scratch.empty()) return 2;
  PrintMachineFacts(scratch);
  const std::vector<Engine> engines = AvailableEngines(flags.engines);
  PrintMethod(c, engines, TimerOverheadNs());
  std::fflush(stdout);

  Results results;
  IndexMemory snapshot_probe;
  std::vector<double> concurrent_syncs;
  bool ok = true;
  const uint64_t largest = c.key_counts.back();
  for (uint64_t n : c.key_counts) {
    const Workload w = MakeWorkload(n, c, 42 + n);
    for (int r = 1; r <= c.repeats && ok; ++r) {
      std::fprintf(stderr, "[N=%llu repeat %d/%d] floors",
                   (unsigned long long)n, r, c.repeats);
      MeasureDataFloors(w, &results);
      MeasureDiskFloors(c, n, scratch, &results);
      if (n == largest) {
        concurrent_syncs.push_back(MeasureConcurrentSyncedAppends(
            scratch, c.threads, static_cast<int>(c.thread_puts)));
      }
      for (const Engine& e : engines) {
        std::fprintf(stderr, " %s", e.name.c_str());
        const std::string dir =
            scratch + "/n" + std::to_string(n) + "-" + e.name;
        absl::Status s = RunEngine(e, w, c, dir, n == largest, &results);
        if (!s.ok()) {
          std::fprintf(stderr, "\ndotlog_bench: %s\n",
                       std::string(s.message()).c_str());
          ok = false;
        } else if (e.name == kDotlog) {
          ok = MeasureDotlogExtras(c, w, dir, n == largest, &results,
                                   &snapshot_probe);
        }
        std::filesystem::remove_all(dir);
        if (!ok) break;
      }
      std::fprintf(stderr, "\n");
    }
  }
  std::filesystem::remove_all(scratch);
  if (!ok) return 1;

  std::vector<std::string> peers;
  for (size_t i = 1; i < engines.size(); ++i) peers.push_back(engines[i].name);
  PrintTable(AllFigures(c.threads), c.key_counts, peers, results);
  const std::vector<Entry> entries = MakeEntries(largest, 0);
  std::printf(
      "\nnotes: key %.1f B, value %.1f B on average. Get p99 includes one "
      "steady_clock::now(). Floor for %d threads appending+fdatasync to one "
      "file: %s ops/s. An append of 200 B under an exclusive flock (lock, "
      "write(), unlock: the least a put needs that every other process sees "
      "at once and never interleaves with its own): %s ops/s at N=%llu. The "
      "dotlog store opened via its snapshot held %llu of "
      "%llu keys in index.snapshot.\n\n",
      MeanKeyBytes(entries), MeanValueBytes(entries), c.threads,
      FormatValue(Median(concurrent_syncs)).c_str(),
      FormatValue(results.Median(kLockedAppendOps, largest, kFloor)).c_str(),
      (unsigned long long)largest,
      (unsigned long long)snapshot_probe.snapshot_keys,
      (unsigned long long)snapshot_probe.live_keys);
  PrintTargets(c, MeanKeyBytes(entries), peers, results);
  return 0;
}

}  // namespace
}  // namespace dotlog::bench

int main(int argc, char** argv) {
  using namespace dotlog::bench;
  if (argc == 3 && std::strcmp(argv[1], "--index-memory") == 0) {
    return RunIndexProbeChild(argv[2]);
  }
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (flags.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  return Run(flags);
}
