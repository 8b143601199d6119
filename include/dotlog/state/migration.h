// Migrations of the state layout: the code that brings a store written by
// an older dotlog to the layout this one writes.
#ifndef DOTLOG_STATE_MIGRATION_H_
#define DOTLOG_STATE_MIGRATION_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/store.h"
#include "dotlog/write_batch.h"

namespace dotlog {

class Clock;

// One step of the state layout, from layout `from` to `from + 1`.
struct Migration {
  int64_t from = 0;
  std::string name;  // says what changes, for messages
  // Adds to `batch` the writes that take the state from layout `from` to
  // `from + 1`, reading what it needs from `store`. It must not write to the
  // store itself: MigrateStore writes the batch, together with the new
  // layout version, as one atomic record. An error aborts the migration
  // with nothing written.
  std::function<absl::Status(Store& store, WriteBatch* batch)> build;
};

// The migrations this dotlog knows, in order of `from`. Empty today: the
// state is at its first layout.
const std::vector<Migration>& BuiltInMigrations();

// The layout `migrations` lead to: 1 + their number.
int64_t TargetLayout(const std::vector<Migration>& migrations);

// The layout the state in `store` is at: the "layout" of the key
// "state/layout" (README, "Migrations"), 1 when that key is absent.
// FailedPrecondition if the key holds something else than such an object.
absl::StatusOr<int64_t> StoreLayout(Store& store);

// OK if code that knows layouts up to `known` may write the state of a
// store at layout `layout`; FailedPrecondition naming both otherwise (the
// store is still readable).
absl::Status CheckWritableLayout(int64_t layout, int64_t known);

// Runs the migrations the store's layout is missing, each as one atomic
// batch that also records the new layout, and returns the layout reached.
// Only one process migrates at a time: it holds a lease (the key
// "state/layout-migration", which expires after `lease` should the process
// die) and the others wait for it, at most `wait`, then fail with
// DeadlineExceeded. Errors: InvalidArgument if `migrations` are not
// numbered 1, 2, ... in order; FailedPrecondition (CheckWritableLayout) for
// a store newer than the migrations know; a migration's own error, or the
// store's, with the store left at the last layout recorded.
absl::StatusOr<int64_t> MigrateStore(
    Store& store, const std::vector<Migration>& migrations, Clock& clock,
    std::chrono::milliseconds wait,
    std::chrono::milliseconds lease = std::chrono::minutes(1));

}  // namespace dotlog

#endif  // DOTLOG_STATE_MIGRATION_H_
