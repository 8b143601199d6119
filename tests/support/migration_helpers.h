// Layout migrations registered by tests, for the migration tests: there is
// only layout 1 in dotlog itself so far.
#ifndef DOTLOG_TESTS_SUPPORT_MIGRATION_HELPERS_H_
#define DOTLOG_TESTS_SUPPORT_MIGRATION_HELPERS_H_

#include <atomic>
#include <string>
#include <vector>

#include "dotlog/state/migration.h"

namespace dotlog::testing {

// Layout 1 -> 2: every free-form state key "state/user/K" moves to
// "state/user-v2/K", several keys in one batch, so that a torn migration
// would show as a mix. Counts its runs in `*runs` when not null.
inline Migration MoveUserKeys(std::atomic<int>* runs = nullptr) {
  return Migration{
      1, "move free-form state to state/user-v2/",
      [runs](Store& store, WriteBatch* batch) -> absl::Status {
        if (runs != nullptr) ++*runs;
        absl::StatusOr<std::vector<Item>> items = store.List("state/user/");
        if (!items.ok()) return items.status();
        for (const Item& item : *items) {
          batch->Put("state/user-v2/" + item.key.substr(11), item.value);
          batch->Delete(item.key);
        }
        return absl::OkStatus();
      }};
}

// Layout 2 -> 3: adds the key "state/v3-marker".
inline Migration AddMarker() {
  return Migration{2, "add a marker",
                   [](Store&, WriteBatch* batch) -> absl::Status {
                     batch->Put("state/v3-marker", "true");
                     return absl::OkStatus();
                   }};
}

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_MIGRATION_HELPERS_H_
