// The interface through which dotlog_bench drives dotlog and its peers
// (SQLite, LMDB, LevelDB): one adapter per engine, each using that engine's
// ordinary, idiomatic API the way a program storing small JSON values would.
#ifndef DOTLOG_TOOLS_BENCH_KV_UNDER_TEST_H_
#define DOTLOG_TOOLS_BENCH_KV_UNDER_TEST_H_

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace dotlog::bench {

// One key and its JSON value.
struct Entry {
  std::string key;
  std::string value;
};

// A key-value engine under test. An instance holds at most one open handle;
// it is not thread-safe unless shares_handle_across_threads() says so.
class KvUnderTest {
 public:
  virtual ~KvUnderTest() = default;

  // Opens the store in directory `dir` (created when missing), replacing any
  // handle this instance holds. `durable` picks the engine's configuration
  // in which every acknowledged write survives a power loss (dotlog
  // SyncMode::kAlways, SQLite synchronous=FULL, LMDB default, LevelDB
  // sync=true); otherwise its fast one (kNone, synchronous=NORMAL,
  // MDB_NOSYNC, sync=false), where a power loss may lose recent writes.
  virtual absl::Status Open(const std::string& dir, bool durable) = 0;
  // Releases the handle. Safe to call when none is open.
  virtual absl::Status Close() = 0;

  // Inserts `entries` through the engine's fastest bulk path that is still
  // crash-safe and durable once it returns (when opened durable).
  virtual absl::Status Load(const std::vector<Entry>& entries) = 0;
  // Copies the value of `key` into `*value`. NotFound if it is absent.
  virtual absl::Status Get(std::string_view key, std::string* value) = 0;
  // Stores one key as one transaction (one commit, one sync when durable).
  virtual absl::Status Put(std::string_view key, std::string_view value) = 0;
  // Reclaims the space of overwritten values. Unimplemented when the engine
  // has no such step (LMDB reuses freed pages in place).
  virtual absl::Status Compact() = 0;

  // True if several threads may call Put on this one handle at once; if
  // false, each writer thread opens its own instance on the same directory.
  virtual bool shares_handle_across_threads() const = 0;
};

// Makes directory `dir` and its parents where missing, as an adapter's Open
// does first; a failure is left for the engine's own open to report.
inline void MakeDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
}

// The adapter of dotlog itself.
std::unique_ptr<KvUnderTest> NewDotlogKv();

// A peer engine as this build has it: the maker of its adapter and its
// library version, e.g. "3.40.1"; nullptr and empty when compiled without
// the engine.
struct Peer {
  std::unique_ptr<KvUnderTest> (*make)() = nullptr;
  std::string version;
};
Peer SqlitePeer();
Peer LmdbPeer();
Peer LeveldbPeer();

}  // namespace dotlog::bench

#endif  // DOTLOG_TOOLS_BENCH_KV_UNDER_TEST_H_
