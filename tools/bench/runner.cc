#include "runner.h"

#include <atomic>
#include <latch>
#include <mutex>
#include <thread>

#include "measure.h"
#include "workload.h"

namespace dotlog::bench {

std::vector<Figure> AllFigures(int threads) {
  const std::string writers = std::to_string(threads);
  return {
      {kLoadMs, "load N keys (bulk, durable)", "ms", false},
      {kGetMedianNs, "get median (writer's handle)", "ns", false},
      {kGetP99Ns, "get p99 (writer's handle)", "ns", false},
      {kGetFreshNs, "get median (fresh handle)", "ns", false},
      {kPutOffOps, "put sync=off throughput", "ops/s", true},
      {kPutOffUs, "put sync=off median latency", "us", false},
      {kPutOnOps, "put sync=on throughput", "ops/s", true},
      {kPutOnUs, "put sync=on median latency", "us", false},
      {kMultiPutOnOps, "put sync=on, " + writers + " writer threads", "ops/s",
       true},
      {kOpenMs, "open + get 1 key (fresh handle)", "ms", false},
      {kDiskBeforeMiB, "disk, half the keys rewritten", "MiB", false},
      {kDiskAfterMiB, "disk after compaction", "MiB", false},
      {kSnapshotAfterMiB, "  of which dotlog index.snapshot", "MiB", false},
      {kCompactMBps, "compaction (input bytes/time)", "MB/s", true},
      {kIndexBytesPerKey, "index memory/key (no snapshot)", "B", false},
      {kIndexSnapBytesPerKey, "index memory/key (via snapshot)", "B", false},
      {kIndexSnapHeapPerKey, "  process heap/key (via snapshot)", "B", false},
      {kIndexSnapFilePerKey, "  + snapshot/segment pages mapped", "B", false},
      {kIndexHeapPerKey, "process heap/key (no snapshot)", "B", false},
  };
}

Workload MakeWorkload(uint64_t n, const Config& config, uint64_t seed) {
  Workload w;
  w.n = n;
  w.entries = MakeEntries(n, 0);
  w.get_indices = RandomIndices(n, config.gets, seed);
  w.puts = MakeRewrites(n, config.puts, 1, seed + 1);
  w.durable_puts = MakeRewrites(n, config.durable_puts, 2, seed + 2);
  for (int t = 0; t < config.threads; ++t) {
    w.thread_puts.push_back(MakeRewrites(n, config.thread_puts,
                                         3 + static_cast<uint64_t>(t),
                                         seed + 3 + static_cast<uint64_t>(t)));
  }
  for (uint64_t i = 0; i < n; i += 2)
    w.half.push_back({KeyFor(i), ValueFor(i, 99)});
  w.open_indices =
      RandomIndices(n, static_cast<size_t>(config.opens), seed + 99);
  return w;
}

namespace {

absl::Status Context(const absl::Status& s, const std::string& engine,
                     const std::string& step) {
  if (s.ok()) return s;
  return absl::Status(s.code(),
                      engine + ", " + step + ": " + std::string(s.message()));
}

// Checks that `kv` holds `value` under `key`.
absl::Status Expect(KvUnderTest& kv, const std::string& key,
                    const std::string& value) {
  std::string got;
  if (absl::Status s = kv.Get(key, &got); !s.ok()) return s;
  if (got != value) {
    return absl::DataLossError("key " + key + " holds " + got + ", expected " +
                               value);
  }
  return absl::OkStatus();
}

// Puts `ops` one by one; throughput over the whole loop, median latency.
absl::Status TimePuts(KvUnderTest& kv, const std::vector<Entry>& ops,
                      double* ops_per_s, double* median_us) {
  std::vector<double> ns(ops.size());
  const auto all = BenchClock::now();
  for (size_t i = 0; i < ops.size(); ++i) {
    const auto start = BenchClock::now();
    if (absl::Status s = kv.Put(ops[i].key, ops[i].value); !s.ok()) return s;
    ns[i] = NsSince(start);
  }
  *ops_per_s = static_cast<double>(ops.size()) / (NsSince(all) / 1e9);
  *median_us = Median(std::move(ns)) / 1e3;
  if (ops.empty()) return absl::OkStatus();
  return Expect(kv, ops.back().key, ops.back().value);
}

// Durable puts from several threads at once; total ops/s.
absl::Status MultiWriterPuts(const Engine& engine, const std::string& dir,
                             const Workload& w, double* ops_per_s) {
  const int threads = static_cast<int>(w.thread_puts.size());
  std::vector<std::unique_ptr<KvUnderTest>> handles;
  handles.push_back(engine.make());
  const bool shared = handles[0]->shares_handle_across_threads();
  for (int t = 1; t < threads && !shared; ++t) handles.push_back(engine.make());
  for (auto& kv : handles) {
    if (absl::Status s = kv->Open(dir, true); !s.ok()) return s;
  }
  std::latch ready(threads + 1);
  std::mutex mu;
  absl::Status status;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    KvUnderTest& kv = *handles[shared ? 0 : static_cast<size_t>(t)];
    const std::vector<Entry>& ops = w.thread_puts[static_cast<size_t>(t)];
    pool.emplace_back([&kv, &ops, &ready, &mu, &status] {
      ready.arrive_and_wait();
      for (const Entry& e : ops) {
        absl::Status s = kv.Put(e.key, e.value);
        if (!s.ok()) {
          std::lock_guard<std::mutex> l(mu);
          status = s;
          return;
        }
      }
    });
  }
  ready.arrive_and_wait();
  const auto start = BenchClock::now();
  for (std::thread& t : pool) t.join();
  const double ns = NsSince(start);
  size_t total = 0;
  for (const auto& ops : w.thread_puts) total += ops.size();
  *ops_per_s = static_cast<double>(total) / (ns / 1e9);
  for (auto& kv : handles) {
    if (absl::Status s = kv->Close(); !s.ok() && status.ok()) status = s;
  }
  return status;
}

// Load, gets, puts with durability off then on, in `dir`.
absl::Status LoadReadWrite(const Engine& engine, const Workload& w,
                           const std::string& dir, Results* results) {
  auto kv = engine.make();
  if (absl::Status s = kv->Open(dir, true); !s.ok()) return s;
  const auto start = BenchClock::now();
  if (absl::Status s = kv->Load(w.entries); !s.ok()) return s;
  results->Add(kLoadMs, w.n, engine.name, NsSince(start) / 1e6);
  for (size_t i = 0; i < 100 && i < w.get_indices.size(); ++i) {
    const Entry& e = w.entries[w.get_indices[i]];
    if (absl::Status s = Expect(*kv, e.key, e.value); !s.ok()) return s;
  }
  // Gets on the handle that loaded the store (a program that writes and
  // reads), then on a fresh handle (a program that only reads).
  const auto get = [&kv](std::string_view key, std::string* value) {
    return kv->Get(key, value);
  };
  GetFigures gets;
  absl::Status s = TimeGets(w.entries, w.get_indices, get, true, &gets);
  if (!s.ok()) return s;
  results->Add(kGetMedianNs, w.n, engine.name, gets.median_ns);
  results->Add(kGetP99Ns, w.n, engine.name, gets.p99_ns);
  if (s = kv->Open(dir, true); !s.ok()) return s;
  if (s = TimeGets(w.entries, w.get_indices, get, false, &gets); !s.ok()) {
    return s;
  }
  results->Add(kGetFreshNs, w.n, engine.name, gets.median_ns);

  double ops = 0, us = 0;
  if (s = kv->Open(dir, false); !s.ok()) return s;
  if (s = TimePuts(*kv, w.puts, &ops, &us); !s.ok()) return s;
  results->Add(kPutOffOps, w.n, engine.name, ops);
  results->Add(kPutOffUs, w.n, engine.name, us);
  if (s = kv->Open(dir, true); !s.ok()) return s;
  if (s = TimePuts(*kv, w.durable_puts, &ops, &us); !s.ok()) return s;
  results->Add(kPutOnOps, w.n, engine.name, ops);
  results->Add(kPutOnUs, w.n, engine.name, us);
  return kv->Close();
}

// Open a fresh handle and read one key, `w.open_indices.size()` times; the
// close is not timed.
absl::Status OpenAndGet(const Engine& engine, const Workload& w,
                        const std::string& dir, Results* results) {
  std::vector<double> ns;
  for (uint32_t index : w.open_indices) {
    auto kv = engine.make();
    std::string value;
    const auto start = BenchClock::now();
    absl::Status s = kv->Open(dir, true);
    if (s.ok()) s = kv->Get(KeyFor(index), &value);
    ns.push_back(NsSince(start));
    if (!s.ok()) return s;
    if (s = kv->Close(); !s.ok()) return s;
  }
  results->Add(kOpenMs, w.n, engine.name, Median(std::move(ns)) / 1e6);
  return absl::OkStatus();
}

// Load, rewrite every other key, compact, in `dir`.
absl::Status Compaction(const Engine& engine, const Workload& w,
                        const std::string& dir, Results* results) {
  auto kv = engine.make();
  if (absl::Status s = kv->Open(dir, true); !s.ok()) return s;
  if (absl::Status s = kv->Load(w.entries); !s.ok()) return s;
  if (absl::Status s = kv->Load(w.half); !s.ok()) return s;
  const uint64_t before = DiskBytes(dir);
  results->Add(kDiskBeforeMiB, w.n, engine.name, before / 1048576.0);
  const auto start = BenchClock::now();
  absl::Status s = kv->Compact();
  const double seconds = NsSince(start) / 1e9;
  if (absl::IsUnimplemented(s)) return kv->Close();
  if (!s.ok()) return s;
  results->Add(kDiskAfterMiB, w.n, engine.name, DiskBytes(dir) / 1048576.0);
  results->Add(kCompactMBps, w.n, engine.name, before / 1e6 / seconds);
  if (!w.half.empty()) {
    if (s = Expect(*kv, w.half.back().key, w.half.back().value); !s.ok()) {
      return s;
    }
  }
  return kv->Close();
}

}  // namespace

absl::Status RunEngine(const Engine& engine, const Workload& w,
                       const Config& config, const std::string& dir,
                       bool multi_writer, Results* results) {
  const std::string a = dir + "/a", b = dir + "/b";
  if (absl::Status s = LoadReadWrite(engine, w, a, results); !s.ok()) {
    return Context(s, engine.name, "load/get/put in " + a);
  }
  if (multi_writer && config.threads > 0) {
    double ops = 0;
    if (absl::Status s = MultiWriterPuts(engine, a, w, &ops); !s.ok()) {
      return Context(s, engine.name, "multi-writer puts in " + a);
    }
    results->Add(kMultiPutOnOps, w.n, engine.name, ops);
  }
  if (absl::Status s = OpenAndGet(engine, w, a, results); !s.ok()) {
    return Context(s, engine.name, "open in " + a);
  }
  if (absl::Status s = Compaction(engine, w, b, results); !s.ok()) {
    return Context(s, engine.name, "compaction in " + b);
  }
  return absl::OkStatus();
}

}  // namespace dotlog::bench
