// Cleanup: which cache entries and events go, a dry run that changes
// nothing, compaction when it pays, the record of the run, and the
// automatic run at most once per interval. A FakeClock and real files.
#include "dotlog/state/cleanup.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "dotlog/state/state_manager.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::Value;
using testing::WriteFileBytes;

constexpr auto kDay = std::chrono::hours(24);

// A store with a FakeClock and wallpaper files in walls/.
struct Fixture : testing::StateFixture {
  explicit Fixture(StateOptions options = {})
      : testing::StateFixture(options) {
    std::filesystem::create_directory(tmp.Join("walls"));
  }
  // Writes walls/NAME and caches it; returns its normalised path.
  std::string Cache(const std::string& name) {
    const std::string path = tmp.Join("walls/" + name);
    WriteFileBytes(path, "pixels of " + name);
    return Value(state->CacheWallpaper(path)).path;
  }
  std::vector<std::string> CachedPaths() {
    std::vector<std::string> paths;
    for (const CacheCheck& c : Value(state->ListWallpapers())) {
      paths.push_back(c.entry->path);
    }
    return paths;
  }
};

TEST_CASE("Cleanup removes cache entries past their TTL and keeps the rest") {
  Fixture f;
  const std::string old_wall = f.Cache("old.png");
  f.clock.Advance(20 * kDay);
  const std::string new_wall = f.Cache("new.png");
  f.clock.Advance(11 * kDay);  // old.png is 31 days old, the TTL 30

  const CleanupReport report = Value(CleanUp(*f.state));
  CHECK(report.expired_wallpapers == std::vector<std::string>{old_wall});
  CHECK(report.missing_wallpapers.empty());
  CHECK(f.CachedPaths() == std::vector<std::string>{new_wall});
}

TEST_CASE("Cleanup removes cache entries whose wallpaper file is gone") {
  Fixture f;
  const std::string gone = f.Cache("gone.png");
  const std::string kept = f.Cache("kept.png");
  std::filesystem::remove(gone);

  const CleanupReport report = Value(CleanUp(*f.state));
  CHECK(report.missing_wallpapers == std::vector<std::string>{gone});
  CHECK(report.expired_wallpapers.empty());
  CHECK(f.CachedPaths() == std::vector<std::string>{kept});
}

// A manager over `f`'s store with other event limits, as after the user
// lowered them in the settings.
std::unique_ptr<StateManager> WithEventLimits(Fixture& f, size_t count,
                                              std::chrono::milliseconds age) {
  StateOptions options;
  options.clock = &f.clock;
  options.event_max_count = count;
  options.event_max_age = age;
  return Value(StateManager::ForStore(&f.state->store(), options));
}

TEST_CASE("Cleanup removes events older than the retention age") {
  Fixture f;
  REQUIRE_OK(f.state->AppendEvent("old", "").status());
  f.clock.Advance(5 * kDay);
  REQUIRE_OK(f.state->AppendEvent("new", "").status());
  f.clock.Advance(6 * kDay);  // event 1 is 11 days old, event 2 six
  auto state = WithEventLimits(f, 100, 10 * kDay);

  const CleanupReport report = Value(CleanUp(*state));
  CHECK(report.old_events == std::vector<uint64_t>{1});
  // Gone from the store, not only hidden by the query's age filter.
  CHECK(Value(f.state->store().ListKeys("state/event/")).size() == 1);
}

TEST_CASE("Cleanup removes events beyond the retention count") {
  Fixture f;
  for (int i = 0; i < 5; ++i) {
    REQUIRE_OK(f.state->AppendEvent("e", "").status());
  }
  auto state = WithEventLimits(f, 2, 90 * kDay);

  const CleanupReport report = Value(CleanUp(*state));
  CHECK(report.old_events == std::vector<uint64_t>{1, 2, 3});
  const std::vector<Event> left = Value(state->QueryEvents({}));
  REQUIRE(left.size() == 2);
  CHECK(left[0].id == 5);
  CHECK(left[1].id == 4);
}

TEST_CASE("A dry run reports what would go and changes nothing") {
  Fixture f;
  const std::string gone = f.Cache("gone.png");
  std::filesystem::remove(gone);
  const uint64_t seq_before = Value(f.state->store().GetStats()).last_seq;

  CleanupOptions options;
  options.dry_run = true;
  const CleanupReport report = Value(CleanUp(*f.state, options));
  CHECK(report.dry_run);
  CHECK(report.missing_wallpapers == std::vector<std::string>{gone});
  CHECK(f.CachedPaths() == std::vector<std::string>{gone});
  CHECK(Value(f.state->store().GetStats()).last_seq == seq_before);
  CHECK(absl::IsNotFound(LastCleanup(*f.state).status()));
}

TEST_CASE("Cleanup compacts the store when the removals free enough") {
  Fixture f;
  for (int i = 0; i < 200; ++i) f.Cache("w" + std::to_string(i) + ".png");
  f.clock.Advance(31 * kDay);
  const uint64_t before = Value(f.state->store().GetStats()).total_bytes;

  const CleanupReport report = Value(CleanUp(*f.state));
  CHECK(report.expired_wallpapers.size() == 200);
  CHECK(report.compacted);
  CHECK(report.bytes_before == before);
  CHECK(report.bytes_after < before / 4);
}

TEST_CASE("Cleanup leaves the store uncompacted when little would be freed") {
  Fixture f;
  for (int i = 0; i < 50; ++i) f.Cache("w" + std::to_string(i) + ".png");
  std::filesystem::remove(f.tmp.Join("walls/w0.png"));

  const CleanupReport report = Value(CleanUp(*f.state));
  CHECK(report.missing_wallpapers.size() == 1);
  CHECK_FALSE(report.compacted);
}

TEST_CASE("Cleanup records when it ran") {
  Fixture f;
  CHECK(absl::IsNotFound(LastCleanup(*f.state).status()));
  const CleanupReport report = Value(CleanUp(*f.state));
  CHECK(Value(LastCleanup(*f.state)) == report.ran_at);
  CHECK(report.ran_at == f.clock.Now());
}

TEST_CASE("The automatic cleanup runs at most once per interval") {
  Fixture f;
  const std::string gone = f.Cache("a.png");
  std::filesystem::remove(gone);
  auto first = Value(CleanUpIfDue(*f.state, 7 * kDay));
  REQUIRE(first.has_value());
  CHECK(first->missing_wallpapers == std::vector<std::string>{gone});

  const std::string gone2 = f.Cache("b.png");
  std::filesystem::remove(gone2);
  f.clock.Advance(6 * kDay);
  CHECK_FALSE(Value(CleanUpIfDue(*f.state, 7 * kDay)).has_value());
  CHECK(f.CachedPaths() == std::vector<std::string>{gone2});

  f.clock.Advance(kDay);
  auto third = Value(CleanUpIfDue(*f.state, 7 * kDay));
  REQUIRE(third.has_value());
  CHECK(third->missing_wallpapers == std::vector<std::string>{gone2});
}

TEST_CASE("A writer's opening cleans up when due; a reader's never does") {
  testing::TempDir tmp;
  testing::FakeClock clock;
  std::filesystem::create_directory(tmp.Join("walls"));
  const std::string wall = tmp.Join("walls/a.png");
  WriteFileBytes(wall, "pixels");
  StateOptions options;
  options.clock = &clock;
  options.auto_cleanup = true;
  options.cleanup_interval = 7 * kDay;
  {
    auto state = testing::OpenStateOrDie(tmp.Join("db"), options);
    REQUIRE_OK(state->CacheWallpaper(wall).status());
  }
  std::filesystem::remove(wall);
  clock.Advance(8 * kDay);

  StateOptions reader = options;
  reader.read_only = true;
  {
    auto state = testing::OpenStateOrDie(tmp.Join("db"), reader);
    CHECK(Value(state->ListWallpapers()).size() == 1);
  }
  auto writer = testing::OpenStateOrDie(tmp.Join("db"), options);
  CHECK(Value(writer->ListWallpapers()).empty());
  CHECK(Value(LastCleanup(*writer)) == clock.Now());
}

}  // namespace
}  // namespace dotlog
