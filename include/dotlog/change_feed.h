// Following a store's log: every change committed after a point, by any
// process, read straight from the segment files.
#ifndef DOTLOG_CHANGE_FEED_H_
#define DOTLOG_CHANGE_FEED_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/file_system.h"

namespace dotlog {

// A point in the log. Plain data; the default value is the log's start.
struct FeedPosition {
  uint64_t segment = 0;  // number of the segment being read; 0: none yet
  uint64_t offset = 0;   // bytes of that segment already consumed
  uint64_t seq = 0;      // highest sequence number delivered so far
  friend bool operator==(const FeedPosition&, const FeedPosition&) = default;
};

// One put or delete. A batch record yields one Change per operation, all
// with the batch's sequence number and timestamp.
struct Change {
  enum class Op { kPut, kDelete };
  Op op = Op::kPut;
  std::string key;
  std::string value;  // minified JSON text; empty for kDelete
  std::string ts;     // the record's "ts": RFC 3339, UTC, milliseconds
  uint64_t seq = 0;   // the record's sequence number
  // The expiry the put was written with; empty if it never expires.
  std::optional<std::chrono::system_clock::time_point> expires_at;
};

// Reads the changes of the store in directory `dir`. Needs no Store and
// takes no lock, so it never slows writers down. Damaged lines are skipped
// silently (`dotlog verify` reports them); a torn or in-progress last line
// of the newest segment is left for a later read.
//
// Compaction: records that a compaction rewrote are recognised by their
// sequence numbers and not delivered twice; versions that compaction
// dropped before the feed read them are never seen.
//
// Not thread-safe: use one ChangeFeed per thread.
class ChangeFeed {
 public:
  // `fs` is not owned and must outlive the feed; nullptr means
  // DefaultFileSystem().
  explicit ChangeFeed(std::string dir, FileSystem* fs = nullptr);
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Calls `on_change` for every change committed after `*position`, in log
  // order, and moves `*position` past them. An error from `on_change` stops
  // the read and is returned; `*position` then points after the last record
  // all of whose changes were delivered. Errors: the file system's.
  absl::Status ReadAfter(
      FeedPosition* position,
      absl::FunctionRef<absl::Status(const Change&)> on_change);
  // The same, collected into a vector.
  absl::StatusOr<std::vector<Change>> ReadAfter(FeedPosition* position);

  // The position after every record in the log now (reads the whole log).
  absl::StatusOr<FeedPosition> End();

  // Calls `on_change` with the newest version of every key that starts
  // with `prefix` and is live (neither deleted nor expired) at `now`, as
  // puts sorted by key, and sets `*end` to the position just after the last
  // record it reflects: following from there misses and repeats nothing.
  // Reads the whole log; memory holds the matching keys, not their values.
  // An error from `on_change` stops it and is returned (`*end` unchanged).
  absl::Status Snapshot(
      std::string_view prefix, std::chrono::system_clock::time_point now,
      FeedPosition* end,
      absl::FunctionRef<absl::Status(const Change&)> on_change);
  // The same, collected into a vector.
  absl::StatusOr<std::vector<Change>> Snapshot(
      std::string_view prefix, std::chrono::system_clock::time_point now,
      FeedPosition* end);

  // Starts watching the directory (FileSystem::WatchDir). Call it before
  // reading the position you will follow from, so no change falls between.
  absl::Status Watch();
  // Waits until the directory may have changed since Watch or the previous
  // Wait, or until `timeout` passes; OK either way. Then call ReadAfter.
  // REQUIRES: Watch succeeded.
  absl::Status Wait(std::chrono::milliseconds timeout);

 private:
  struct Reader;
  const std::string dir_;
  FileSystem* const fs_;
  std::unique_ptr<Reader> reader_;
  std::unique_ptr<DirWatcher> watcher_;
};

}  // namespace dotlog

#endif  // DOTLOG_CHANGE_FEED_H_
