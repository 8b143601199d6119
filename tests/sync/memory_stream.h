// An in-memory stand-in for the Redis Stream, for tests of Replica that
// need no server: entries get ids "N-0" in append order.
#ifndef DOTLOG_TESTS_SYNC_MEMORY_STREAM_H_
#define DOTLOG_TESTS_SYNC_MEMORY_STREAM_H_

#include <cstdlib>
#include <string>
#include <vector>

#include "dotlog/sync/replica.h"
#include "support/status_helpers.h"

namespace dotlog::testing {

class MemoryStream {
 public:
  // Appends `entries` as XADD would.
  void Append(const std::vector<StreamEntry>& entries) {
    for (const StreamEntry& entry : entries) AppendFields(EncodeEntry(entry));
  }
  void AppendFields(StreamFields fields) {
    entries_.push_back({std::to_string(entries_.size() + 1) + "-0",
                        std::move(fields)});
  }
  // PrepareOutgoing, append, MarkSent: one publishing round.
  void Publish(Replica& replica) {
    Append(Value(replica.PrepareOutgoing()));
    REQUIRE_OK(replica.MarkSent());
  }
  // The entries after `id`, as XRANGE (id + COUNT n would.
  std::vector<RawStreamEntry> After(const std::string& id) const {
    const size_t first = std::strtoull(id.c_str(), nullptr, 10);
    return {entries_.begin() + static_cast<long>(first), entries_.end()};
  }
  // Applies to `replica` every entry it has not read yet.
  ApplyReport Deliver(Replica& replica) {
    return Value(replica.Apply(After(replica.position().stream_id)));
  }
  size_t size() const { return entries_.size(); }
  const std::vector<RawStreamEntry>& entries() const { return entries_; }

 private:
  std::vector<RawStreamEntry> entries_;
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SYNC_MEMORY_STREAM_H_
