// Figures for several processes on one store: a get in a process whose
// view is current, the cost per record of catching up with another
// process's writes (beside reading the same records at open), compaction
// throughput beside the disk's sequential write speed, and the index's
// memory per key. Prints figures; asserts none.
//
// Usage: multiprocess_bench [--keys N] [--dir DIR] [--smoke]
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "dotlog/store.h"
#include "measure.h"

namespace dotlog::bench {
namespace {

std::string Key(uint64_t i) {
  char buf[96];
  std::snprintf(buf, sizeof(buf), "wallpaper/cache/home/user/walls/img%06llu.png",
                static_cast<unsigned long long>(i));
  return buf;
}

std::string Value(uint64_t i) {
  char buf[200];
  std::snprintf(buf, sizeof(buf),
                "{\"cached_at\":\"2026-11-27T09:30:00.000Z\",\"effects_dir\":"
                "\"/home/user/.cache/wal/effects/img%06llu\",\"backend\":\"wal\","
                "\"effect_count\":6,\"valid\":true}",
                static_cast<unsigned long long>(i));
  return buf;
}

std::unique_ptr<Store> Open(const std::string& dir) {
  Options options;
  options.sync = SyncMode::kNone;
  options.auto_compact = false;
  auto store = Store::Open(dir, options);
  if (!store.ok()) {
    std::fprintf(stderr, "open %s: %s\n", dir.c_str(), store.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*store);
}

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

void Fill(Store& store, uint64_t from, uint64_t n) {
  for (uint64_t i = from; i < from + n; i += 1000) {
    WriteBatch batch;
    for (uint64_t j = i; j < std::min(from + n, i + 1000); ++j) batch.Put(Key(j), Value(j));
    Check(store.Write(batch), "fill");
  }
}

// Runs `fn` in a child process and waits for it.
template <typename F>
void InChild(F fn) {
  const pid_t pid = fork();
  if (pid == 0) {
    fn();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "child failed\n");
    std::exit(1);
  }
}

double GetMedianNs(Store& store, uint64_t keys, int gets) {
  std::vector<double> batches;
  uint64_t x = 88172645463325252ull;
  std::string sink;
  for (int b = 0; b < gets / 100; ++b) {
    const auto start = BenchClock::now();
    for (int i = 0; i < 100; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      auto v = store.Get(Key(x % keys));
      if (v.ok()) sink = *v;
    }
    batches.push_back(NsSince(start) / 100);
  }
  return Median(batches);
}

// MB/s of writing `bytes` sequentially with write() and one fdatasync.
double SequentialWriteMBs(const std::string& dir, uint64_t bytes) {
  const std::string path = dir + "/seqwrite.tmp";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string block(1 << 20, 'x');
  const auto start = BenchClock::now();
  for (uint64_t done = 0; done < bytes; done += block.size()) {
    if (write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) std::exit(1);
  }
  fdatasync(fd);
  const double s = NsSince(start) / 1e9;
  close(fd);
  unlink(path.c_str());
  return bytes / s / 1e6;
}

}  // namespace

int Main(int argc, char** argv) {
  uint64_t keys = 100000;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--keys") && i + 1 < argc) keys = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else if (!std::strcmp(argv[i], "--smoke")) keys = 2000;
  }
  if (dir.empty()) {
    char tmpl[] = "/var/tmp/dotlog-mpbench-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  const std::string store_dir = dir + "/store";
  PrintMachineFacts(dir);
  std::printf("keys: %llu\n\n", static_cast<unsigned long long>(keys));

  {
    auto store = Open(store_dir);
    Fill(*store, 0, keys);
  }
  // Another process holds the store open, idle, the whole time.
  int to_child[2];
  if (pipe(to_child) != 0) return 1;
  const pid_t idle = fork();
  if (idle == 0) {
    auto store = Open(store_dir);
    char c;
    (void)!read(to_child[0], &c, 1);
    _exit(0);
  }

  auto reader = Open(store_dir);
  const double get_ns = GetMedianNs(*reader, keys, 200000);

  // Another process appends `n` records; the reader's next get reads them.
  const uint64_t n = keys / 10;
  InChild([&] {
    auto writer = Open(store_dir);
    for (uint64_t i = 0; i < n; ++i) Check(writer->Put(Key(i), Value(i + 1)), "put");
  });
  auto start = BenchClock::now();
  Check(reader->Get(Key(0)).status(), "catch-up get");
  const double catch_up_ns = NsSince(start) / n;

  // For comparison: a fresh open that reads every record (no snapshot).
  std::filesystem::remove(store_dir + "/index.snapshot");
  const Resident before = ReadResident();
  start = BenchClock::now();
  auto fresh = Open(store_dir);
  const double open_ns = NsSince(start);
  const Resident after = ReadResident();
  const Stats stats = *fresh->GetStats();
  // Batches count as one record each: compare per key read.
  const double open_per_key_ns = open_ns / stats.live_keys;
  const double index_bytes_per_key =
      static_cast<double>(after.anonymous() - before.anonymous()) / stats.live_keys;
  const double key_bytes = static_cast<double>(Key(0).size());
  fresh.reset();

  // Compaction of a store with about half its bytes dead.
  {
    auto store = Open(store_dir);
    Fill(*store, 0, keys - n);  // overwrite the rest: now ~50% dead
  }
  auto compactor = Open(store_dir);
  const Stats pre = *compactor->GetStats();
  start = BenchClock::now();
  Check(compactor->Compact(), "compact");
  const double compact_s = NsSince(start) / 1e9;
  const Stats post = *compactor->GetStats();
  const double compact_mbs = pre.total_bytes / compact_s / 1e6;
  const double seq_mbs = SequentialWriteMBs(dir, std::max<uint64_t>(pre.total_bytes, 64 << 20));

  (void)!write(to_child[1], "x", 1);
  waitpid(idle, nullptr, 0);

  std::printf("%-58s %12s %12s %8s\n", "figure", "dotlog", "reference", "ratio");
  auto row = [](const char* name, double v, double ref, const char* unit) {
    std::printf("%-58s %9.3f %-2s %9.3f %-2s %8.2f\n", name, v, unit, ref, unit, v / ref);
  };
  row("get, view current, other process open / open per key", get_ns,
      open_per_key_ns, "ns");
  row("catch-up per record from another process / open per key", catch_up_ns,
      open_per_key_ns, "ns");
  row("compaction input MB/s / sequential write MB/s", compact_mbs, seq_mbs, "");
  row("index heap bytes per key / key bytes", index_bytes_per_key, key_bytes, "B");
  std::printf("\ncompaction: %llu -> %llu bytes, %llu -> %llu records, %.3f s\n",
              static_cast<unsigned long long>(pre.total_bytes),
              static_cast<unsigned long long>(post.total_bytes),
              static_cast<unsigned long long>(pre.records),
              static_cast<unsigned long long>(post.records), compact_s);
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace dotlog::bench

int main(int argc, char** argv) { return dotlog::bench::Main(argc, argv); }
