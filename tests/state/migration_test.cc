// Layout migrations: a writer runs the missing ones once, each recording
// the new layout; a reader reads an older or newer layout without writing;
// a newer layout refuses writes naming both versions; one process migrates
// at a time. Migrations are registered by the tests (dotlog has layout 1).
#include "dotlog/state/migration.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <string>
#include <vector>

#include "dotlog/state/state_manager.h"
#include "support/child_process.h"
#include "support/migration_helpers.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::AddMarker;
using testing::MoveUserKeys;
using testing::OpenStateOrDie;
using testing::Value;

struct Fixture {
  testing::TempDir tmp;
  testing::FakeClock clock;
  std::string dir = tmp.Join("db");

  StateOptions Options(const std::vector<Migration>* migrations,
                       bool read_only = false) {
    StateOptions options;
    options.clock = &clock;
    options.migrations = migrations;
    options.read_only = read_only;
    return options;
  }
  // A store at layout 1 holding free-form keys a and b.
  void MakeLayout1() {
    auto state = OpenStateOrDie(dir, Options(nullptr));
    REQUIRE_OK(state->SetState("a", "1"));
    REQUIRE_OK(state->SetState("b", "2"));
  }
};

TEST_CASE("dotlog's own layout is 1, and a store without a layout key is at 1") {
  Fixture f;
  CHECK(TargetLayout(BuiltInMigrations()) == 1);
  f.MakeLayout1();
  auto state = OpenStateOrDie(f.dir, f.Options(nullptr));
  CHECK(Value(StoreLayout(state->store())) == 1);
  // Nothing to migrate: opening writes no layout key.
  CHECK(absl::IsNotFound(state->store().Get("state/layout").status()));
}

TEST_CASE("A writer opening an older layout runs the missing migrations once") {
  Fixture f;
  f.MakeLayout1();
  std::atomic<int> runs = 0;
  const std::vector<Migration> migrations = {MoveUserKeys(&runs), AddMarker()};
  {
    auto state = OpenStateOrDie(f.dir, f.Options(&migrations));
    CHECK(Value(StoreLayout(state->store())) == 3);
    CHECK(Value(state->store().ListKeys("state/user-v2/")) ==
          std::vector<std::string>{"state/user-v2/a", "state/user-v2/b"});
    CHECK(Value(state->store().ListKeys("state/user/")).empty());
    CHECK(Value(state->store().Get("state/v3-marker")) == "true");
    CHECK(absl::IsNotFound(
        state->store().Get("state/layout-migration").status()));
  }
  OpenStateOrDie(f.dir, f.Options(&migrations));
  CHECK(runs == 1);
}

TEST_CASE("A reader of an older layout reads it and migrates nothing") {
  Fixture f;
  f.MakeLayout1();
  const std::vector<Migration> migrations = {MoveUserKeys()};
  auto state = OpenStateOrDie(f.dir, f.Options(&migrations, true));
  CHECK(Value(StoreLayout(state->store())) == 1);
  CHECK(Value(state->GetState("a")) == "1");
}

TEST_CASE("A newer layout is refused for writing, naming both versions") {
  Fixture f;
  f.MakeLayout1();
  const std::vector<Migration> newer = {MoveUserKeys(), AddMarker()};
  OpenStateOrDie(f.dir, f.Options(&newer));  // now at layout 3

  auto writer = StateManager::Open(f.dir, f.Options(nullptr));
  REQUIRE(absl::IsFailedPrecondition(writer.status()));
  const std::string message(writer.status().message());
  INFO(message);
  CHECK(message.find("layout 3") != std::string::npos);
  CHECK(message.find("layout 1") != std::string::npos);

  // A reader opens it, reads it, and its writes are refused the same way.
  auto reader = OpenStateOrDie(f.dir, f.Options(nullptr, true));
  CHECK(Value(reader->store().Get("state/v3-marker")) == "true");
  CHECK(absl::IsNotFound(reader->GetColorScheme().status()));
  const absl::Status write = reader->SetColorScheme("gruvbox").status();
  CHECK(absl::IsFailedPrecondition(write));
  CHECK(write.message() == writer.status().message());
  CHECK(absl::IsNotFound(reader->GetColorScheme().status()));
}

TEST_CASE("Migrations out of order are refused") {
  Fixture f;
  const std::vector<Migration> gap = {AddMarker()};  // from 2, not 1
  auto state = StateManager::Open(f.dir, f.Options(&gap));
  CHECK(absl::IsInvalidArgument(state.status()));
}

TEST_CASE("A migration that fails writes nothing and leaves the old layout") {
  Fixture f;
  f.MakeLayout1();
  const std::vector<Migration> failing = {Migration{
      1, "fails", [](Store&, WriteBatch* batch) -> absl::Status {
        batch->Put("state/half", "1");
        return absl::DataLossError("cannot read something");
      }}};
  auto state = StateManager::Open(f.dir, f.Options(&failing));
  REQUIRE(absl::IsDataLoss(state.status()));
  CHECK(state.status().message().find("from 1 to 2 (fails)") !=
        std::string::npos);
  auto reader = OpenStateOrDie(f.dir, f.Options(nullptr, true));
  CHECK(Value(StoreLayout(reader->store())) == 1);
  CHECK(absl::IsNotFound(reader->store().Get("state/half").status()));
  CHECK(Value(reader->GetState("a")) == "1");
}

TEST_CASE("While another process holds the migration lease, a writer waits "
          "and then gives up; an expired lease is taken over") {
  Fixture f;
  f.MakeLayout1();
  {
    Options store_options;
    store_options.clock = &f.clock;
    auto store = Value(Store::Open(f.dir, store_options));
    PutOptions lease;
    lease.ttl = std::chrono::minutes(1);
    REQUIRE_OK(store->Put("state/layout-migration", "{}", lease));
  }
  const std::vector<Migration> migrations = {MoveUserKeys()};
  StateOptions options = f.Options(&migrations);
  options.store.lock_timeout = std::chrono::milliseconds(50);
  auto busy = StateManager::Open(f.dir, options);
  CHECK(absl::IsDeadlineExceeded(busy.status()));
  auto reader = OpenStateOrDie(f.dir, f.Options(nullptr, true));
  CHECK(Value(StoreLayout(reader->store())) == 1);
  // The holder died: its lease runs out and the next writer migrates.
  f.clock.Advance(std::chrono::minutes(2));
  auto state = OpenStateOrDie(f.dir, options);
  CHECK(Value(StoreLayout(state->store())) == 2);
}

TEST_CASE("An old reader in another process keeps reading across a migration",
          "[process]") {
  Fixture f;
  f.MakeLayout1();
  testing::Pipe go;       // parent -> child: migrated
  testing::Pipe results;  // child -> parent: what it read
  const std::string dir = f.dir;
  testing::ChildProcess child = testing::ChildProcess::Start([&] {
    go.CloseWrite();
    results.CloseRead();
    // Old code: dotlog's own migrations only; a reader.
    StateOptions options;
    options.read_only = true;
    auto state = StateManager::Open(dir, options);
    if (!state.ok()) return 2;
    auto before = (*state)->GetState("a");
    std::string out = (before.ok() ? *before : before.status().ToString()) + "\n";
    if (!testing::WriteAll(results.write_fd(), out)) return 3;
    if (testing::ReadByte(go.read_fd())) return 4;  // end of file: migrated
    // After the migration: still reads, through the same handle; the
    // migrated keys are plain keys to it; its writes are refused.
    auto after = (*state)->store().Get("state/user-v2/a");
    out = (after.ok() ? *after : after.status().ToString()) + "\n";
    out += absl::StatusCodeToString(
               (*state)->SetState("c", "3").code()) + "\n";
    return testing::WriteAll(results.write_fd(), out) ? 0 : 5;
  });
  go.CloseRead();
  results.CloseWrite();
  testing::LineReader lines(results.read_fd());
  CHECK(lines.Next() == std::optional<std::string>("1"));
  const std::vector<Migration> migrations = {MoveUserKeys()};
  {
    auto state = OpenStateOrDie(f.dir, f.Options(&migrations));
    CHECK(Value(StoreLayout(state->store())) == 2);
  }
  go.CloseWrite();
  CHECK(lines.Next() == std::optional<std::string>(
                            "{\"layout\":1,\"value\":1,\"updated_at\":"
                            "\"2026-01-01T00:00:00.000Z\"}"));
  CHECK(lines.Next() == std::optional<std::string>("FAILED_PRECONDITION"));
  CHECK(testing::ExitedWith(child.Wait(), 0));
}

}  // namespace
}  // namespace dotlog
