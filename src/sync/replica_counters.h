// The bookkeeping of counters shared under a "count:PREFIX" rule: each
// machine's contribution to a counter, kept under sync/count/KEY.
#ifndef DOTLOG_SYNC_REPLICA_COUNTERS_H_
#define DOTLOG_SYNC_REPLICA_COUNTERS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "dotlog/store.h"
#include "dotlog/write_batch.h"

namespace dotlog::sync_internal {

// sync/count/KEY: {"own":N,"peers":{"machine":N,...}}. The local KEY holds
// this machine's contribution plus every peer's: its own contribution is
// what KEY holds beyond the peers', whatever changed it locally.
struct CounterState {
  // This machine's contribution as last published (or as it came back
  // from the snapshot).
  int64_t own = 0;
  // Another machine -> its contribution, as last applied here.
  std::map<std::string, int64_t> peers = {};
};
std::string EncodeCounter(const CounterState& state);
absl::StatusOr<CounterState> DecodeCounter(std::string_view json);

// The bookkeeping key of counter `key`.
std::string CounterKey(std::string_view key);

// What a counter's value counts as: the integer `value` (minified JSON)
// holds, or 0 when it is absent (nullopt: deleted) or not an integer.
int64_t CountOf(const std::optional<std::string>& value);

// `a` + `b` and `a` - `b`, wrapping around instead of overflowing: a
// contribution is a sum of differences, and wraps back into range.
int64_t WrappingAdd(int64_t a, int64_t b);
int64_t WrappingSub(int64_t a, int64_t b);

// The states of the counters one pass (of the publisher or of one applied
// batch) changes: read from the store when first asked for, and written
// back, all of them, by PutAll.
class CounterStates {
 public:
  // `store` is not owned and must outlive this.
  explicit CounterStates(Store* store) : store_(store) {}

  // The state of counter `key`, as stored or as this pass left it. The
  // pointer stays valid until Clear. Errors: the store's, and DataLoss for
  // a malformed sync/count/KEY.
  absl::StatusOr<CounterState*> Get(const std::string& key);
  // This machine's contribution to counter `key` when it holds `value`
  // (nullopt: deleted): CountOf(value) less every peer's contribution.
  // Errors: Get's.
  absl::StatusOr<int64_t> Own(const std::string& key,
                              const std::optional<std::string>& value);
  // Adds a put of every state asked for to `batch`.
  void PutAll(WriteBatch* batch) const;
  bool empty() const { return states_.empty(); }
  void Clear() { states_.clear(); }

 private:
  Store* const store_;
  std::map<std::string, CounterState> states_;
};

}  // namespace dotlog::sync_internal

#endif  // DOTLOG_SYNC_REPLICA_COUNTERS_H_
