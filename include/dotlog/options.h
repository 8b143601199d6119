// Options that govern how a store is opened, written and synced.
#ifndef DOTLOG_OPTIONS_H_
#define DOTLOG_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dotlog/damage.h"

namespace dotlog {

class Clock;
class FileSystem;

// When an acknowledged write reaches stable storage.
enum class SyncMode {
  // Every write is on stable storage (fdatasync) before the call that made it
  // returns. A crash or power loss never loses an acknowledged write.
  kAlways,
  // The operating system writes data back when it chooses. A crash of the
  // process loses nothing; a power loss may lose recent writes (a suffix of
  // the log) but never corrupts or reorders older ones.
  kNone,
};

// Which superseded versions of a key compaction keeps, for keys that start
// with `prefix`. A version is kept if it is among the key's newest
// `keep_versions` versions (the current one included) or younger than
// `keep_for`. Versions of a key that is deleted or expired when compaction
// runs are all dropped.
struct HistoryRule {
  std::string prefix;
  uint32_t keep_versions = 0;
  std::chrono::milliseconds keep_for{0};
};

// Options for Store::Open. Plain data; copy freely.
struct Options {
  // Durability of each write; see SyncMode.
  SyncMode sync = SyncMode::kAlways;

  // Create the directory (and its missing parents, mode 0700) when absent.
  // When false, opening a missing directory fails with NotFound.
  bool create_if_missing = true;

  // A new segment is started once the newest one holds at least this many
  // bytes. Recorded in each segment's header when the segment is created, so
  // every process rolls a given segment over at the same point. Must lie in
  // [4 KiB, 1 GiB]; anything else makes Open fail with InvalidArgument.
  uint64_t segment_bytes = 8 << 20;

  // How long a write waits for another process's append to finish before
  // failing with DeadlineExceeded. Readers never wait.
  std::chrono::milliseconds lock_timeout{5000};

  // Compaction runs by itself after a write once dead bytes (superseded,
  // deleted and expired records) exceed `compaction_dead_ratio` of the
  // store's bytes and the store holds at least `compaction_min_bytes`.
  // Store::Compact runs it on demand whatever these say.
  bool auto_compact = true;
  double compaction_dead_ratio = 0.5;
  uint64_t compaction_min_bytes = 1 << 20;

  // Superseded versions that compaction keeps (see Store::History). The
  // rules of the process that compacts apply. Empty: keep none.
  std::vector<HistoryRule> history;

  // Called once for every damaged record met while reading segments (at open
  // and while catching up with other processes' writes), before the call that
  // met it returns. May be empty. Must not call back into the store.
  std::function<void(const DamagedRecord&)> on_damage;

  // File system used for every file operation. Not owned; must outlive the
  // store. nullptr means the POSIX file system (DefaultFileSystem()).
  FileSystem* file_system = nullptr;

  // Source of the current time for timestamps and expiry. Not owned; must
  // outlive the store. nullptr means the system clock.
  Clock* clock = nullptr;
};

// Per-write options for Store::Put and WriteBatch::Put. At most one of the
// two fields may be set; setting both makes the write fail with
// InvalidArgument. A time in the past makes the key invisible at once.
struct PutOptions {
  // The key expires this long after the write.
  std::optional<std::chrono::milliseconds> ttl = std::nullopt;
  // The key expires at this absolute time.
  std::optional<std::chrono::system_clock::time_point> expires_at = std::nullopt;
};

}  // namespace dotlog

#endif  // DOTLOG_OPTIONS_H_
