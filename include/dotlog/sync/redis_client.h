// A small, blocking Redis client for the replication stream (hiredis).
#ifndef DOTLOG_SYNC_REDIS_CLIENT_H_
#define DOTLOG_SYNC_REDIS_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/sync/replica.h"
#include "dotlog/sync/snapshot.h"
#include "dotlog/sync/stream_entry.h"

namespace dotlog {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string user = {};      // ACL user; "" with a password: AUTH password
  std::string password = {};  // "" : no AUTH
  // For connecting and for each reply (a blocking read waits this long
  // beyond its own time).
  std::chrono::milliseconds timeout{2000};
};

// What XINFO STREAM tells of a stream. An absent stream is empty, with
// every id "0-0". Entries are only ever added and trimmed from the front,
// never deleted one by one (XDEL), so the first entry held is entry number
// entries_added - length + 1.
struct StreamInfo {
  uint64_t length = 0;
  std::string first_id = "0-0";
  std::string last_id = "0-0";          // the last id ever generated
  uint64_t entries_added = 0;  // every entry ever added, trimmed or not
};

// One connection. Not thread-safe. Every error is one line naming the
// server ("redis at HOST:PORT: ..."):
//   Unavailable        unreachable, timed out, or the connection broke (the
//                      client is then unusable: connect again);
//   PermissionDenied   wrong password or user, or a password is needed;
//   InvalidArgument    the server refused the command (its message).
class RedisClient {
 public:
  // Connects, authenticates and selects the database.
  static absl::StatusOr<std::unique_ptr<RedisClient>> Connect(
      const RedisOptions& options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // XADD `stream` MAXLEN ~ `max_length` * fields...; the new entry's id.
  // `max_length` 0: no cap.
  absl::StatusOr<std::string> Append(const std::string& stream,
                                     const StreamFields& fields,
                                     uint64_t max_length);
  // As Append, and in the same atomic step (one Lua script) folds
  // `changes` into the hash `snapshot`: each item's value is replaced only
  // by a version that wins over it (WinsOver), so the hash holds each
  // item's newest version whatever order machines append in.
  absl::StatusOr<std::string> AppendWithSnapshot(
      const std::string& stream, const std::string& snapshot,
      const StreamFields& fields, const std::vector<SnapshotItem>& changes,
      uint64_t max_length);
  // Calls `fn` with every field and value of the hash `key` (HSCAN), until
  // `fn` fails; that error is returned. A field changed during the scan may
  // be seen with its old or new value; one present throughout is seen at
  // least once. An absent key is an empty hash.
  absl::Status ScanHash(
      const std::string& key,
      const std::function<absl::Status(std::string field, std::string value)>&
          fn);
  // HLEN `key`: 0 for an absent key.
  absl::StatusOr<uint64_t> HashLength(const std::string& key);
  // XRANGE `stream` (after_id + COUNT count: the entries after `after_id`,
  // oldest first.
  absl::StatusOr<std::vector<RawStreamEntry>> ReadAfter(
      const std::string& stream, const std::string& after_id, size_t count);
  // XREAD BLOCK: as ReadAfter, but waits up to `block` for an entry to
  // arrive; an empty vector when none did.
  absl::StatusOr<std::vector<RawStreamEntry>> WaitAfter(
      const std::string& stream, const std::string& after_id, size_t count,
      std::chrono::milliseconds block);
  // XINFO STREAM.
  absl::StatusOr<StreamInfo> Info(const std::string& stream);

  // The server's name in messages: "redis at HOST:PORT".
  const std::string& name() const { return name_; }

 private:
  struct Context;
  RedisClient(std::unique_ptr<Context> context, std::string name,
              std::chrono::milliseconds timeout);
  std::unique_ptr<Context> context_;
  std::string name_;
  std::chrono::milliseconds timeout_;
};

// -1, 0 or 1 as stream id `a` is before, equal to or after `b`
// ("MS-N"; malformed ids sort as 0-0).
int CompareStreamIds(const std::string& a, const std::string& b);

}  // namespace dotlog

#endif  // DOTLOG_SYNC_REDIS_CLIENT_H_
