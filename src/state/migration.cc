// The state layout's version and the migrations between layouts.
#include "dotlog/state/migration.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "dotlog/clock.h"
#include "state/state_json.h"
#include "state/state_keys.h"

namespace dotlog {
namespace {

using state::Cat;

constexpr std::chrono::milliseconds kPoll{10};

absl::Status CheckOrder(const std::vector<Migration>& migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    const int64_t expected = static_cast<int64_t>(i) + 1;
    if (migrations[i].from != expected || !migrations[i].build) {
      return absl::InvalidArgumentError(
          Cat("migration ", i, " (", migrations[i].name, "): expected one from ",
              "layout ", expected, " with a build function, got from ",
              migrations[i].from));
    }
  }
  return absl::OkStatus();
}

std::string LayoutValue(int64_t layout, state::TimePoint now) {
  state::JsonObjectWriter w;
  w.Int("layout", layout);
  w.Time("migrated_at", now);
  return w.Finish();
}

// Takes the lease that lets one process migrate, waiting for another
// holder at most `wait`.
absl::Status TakeLease(Store& store, Clock& clock,
                       std::chrono::milliseconds wait,
                       std::chrono::milliseconds lease) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  state::JsonObjectWriter w;
  w.Time("since", state::ToMillis(clock.Now()));
  const std::string value = w.Finish();
  PutOptions expiry;
  expiry.ttl = lease;
  for (;;) {
    // Expected sequence 0: only if nobody holds it.
    absl::Status s = store.CompareAndSet(state::kLayoutLeaseKey, 0, value,
                                         expiry);
    if (!absl::IsAborted(s)) return s;
    if (std::chrono::steady_clock::now() >= deadline) {
      return absl::DeadlineExceededError(
          "another process is migrating the store's state layout; try again "
          "once it is done");
    }
    std::this_thread::sleep_for(kPoll);
  }
}

}  // namespace

const std::vector<Migration>& BuiltInMigrations() {
  static const auto* migrations = new std::vector<Migration>();
  return *migrations;
}

int64_t TargetLayout(const std::vector<Migration>& migrations) {
  return 1 + static_cast<int64_t>(migrations.size());
}

absl::StatusOr<int64_t> StoreLayout(Store& store) {
  absl::StatusOr<std::string> json = store.Get(state::kLayoutKey);
  if (absl::IsNotFound(json.status())) return 1;
  if (!json.ok()) return json.status();
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  int64_t layout = 0;
  if (parser.parse(json->data(), json->size()).get(object) ||
      object["layout"].get(layout) || layout < 1) {
    return absl::FailedPreconditionError(
        Cat("key ", state::kLayoutKey,
            ": expected an object with a positive integer \"layout\", got ",
            *json));
  }
  return layout;
}

absl::Status CheckWritableLayout(int64_t layout, int64_t known) {
  if (layout <= known) return absl::OkStatus();
  return absl::FailedPreconditionError(
      Cat("the store's state is at layout ", layout,
          ", newer than layout ", known,
          ", the newest this dotlog knows: it can read the state but not "
          "write it; use a newer dotlog"));
}

absl::StatusOr<int64_t> MigrateStore(Store& store,
                                     const std::vector<Migration>& migrations,
                                     Clock& clock,
                                     std::chrono::milliseconds wait,
                                     std::chrono::milliseconds lease) {
  if (absl::Status s = CheckOrder(migrations); !s.ok()) return s;
  const int64_t target = TargetLayout(migrations);
  absl::StatusOr<int64_t> layout = StoreLayout(store);
  if (!layout.ok()) return layout.status();
  if (absl::Status s = CheckWritableLayout(*layout, target); !s.ok()) return s;
  if (*layout == target) return target;  // the common case: nothing written

  if (absl::Status s = TakeLease(store, clock, wait, lease); !s.ok()) return s;
  // Another process may have migrated while this one waited.
  layout = StoreLayout(store);
  if (!layout.ok()) return layout.status();
  if (absl::Status s = CheckWritableLayout(*layout, target); !s.ok()) return s;
  while (*layout < target) {
    const Migration& m = migrations[*layout - 1];
    WriteBatch batch;
    if (absl::Status s = m.build(store, &batch); !s.ok()) {
      (void)store.Delete(state::kLayoutLeaseKey);  // best effort
      return absl::Status(s.code(), Cat("migration of the state layout from ",
                                        *layout, " to ", *layout + 1, " (",
                                        m.name, "): ", s.message()));
    }
    // One record: the migration's writes, the new layout, and (last step)
    // the lease's release. A crash before it leaves the old layout whole.
    batch.Put(state::kLayoutKey,
              LayoutValue(*layout + 1, state::ToMillis(clock.Now())));
    if (*layout + 1 == target) batch.Delete(state::kLayoutLeaseKey);
    if (absl::Status s = store.Write(batch); !s.ok()) return s;
    ++*layout;
  }
  return target;
}

}  // namespace dotlog
