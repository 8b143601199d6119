// The wallpaper cache: caching, checking, every miss reason, invalidation
// and listing.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "dotlog/state/state_manager.h"
#include "format/record.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::ReadFileBytes;
using testing::Value;
using testing::WriteFileBytes;

constexpr auto kDay = std::chrono::hours(24);

// A store with a FakeClock, a wallpaper file and its two directories.
struct Fixture : testing::StateFixture {
  std::string wall;
  std::string effects;
  std::string schemes;

  Fixture() {
    std::filesystem::create_directory(tmp.Join("walls"));
    wall = tmp.Join("walls/sea.png");
    WriteFileBytes(wall, "sea pixels");
    effects = tmp.Join("effects");
    schemes = tmp.Join("schemes");
    std::filesystem::create_directory(effects);
    std::filesystem::create_directory(schemes);
  }

  std::string Metadata() const {
    return "{\"effects_dir\":\"" + effects + "\",\"colorscheme_dir\":\"" +
           schemes +
           "\",\"backend\":\"wal\",\"effect_count\":3,"
           "\"colorscheme_formats\":[\"json\",\"css\"],\"note\":{\"a\":1}}";
  }
  // The miss of a check of `path`; nullopt when cached.
  std::optional<CacheMiss> Miss(const std::string& path) {
    return Value(state->CheckWallpaper(path)).miss;
  }
  // The stored entry of the wallpaper, read back through a check-free list.
  WallpaperEntry Stored() {
    auto all = Value(state->ListWallpapers());
    REQUIRE(all.size() == 1);
    return *all[0].entry;
  }
};

// A Fixture whose wallpaper is cached already, without metadata.
struct CachedFixture : Fixture {
  CachedFixture() { REQUIRE_OK(state->CacheWallpaper(wall)); }
};

int64_t MtimeNs(const std::string& path) {
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

TEST_CASE("A cached wallpaper records its metadata, fingerprint and times") {
  Fixture f;
  WallpaperEntry e = Value(f.state->CacheWallpaper(f.wall, f.Metadata()));
  CHECK(e.path == f.wall);
  CHECK(e.effects_dir == f.effects);
  CHECK(e.colorscheme_dir == f.schemes);
  CHECK(e.backend == "wal");
  CHECK(e.effect_count == 3);
  CHECK(e.colorscheme_formats == std::vector<std::string>{"json", "css"});
  CHECK(e.valid);
  CHECK(e.cached_at == f.clock.Now());
  CHECK(e.last_validated == f.clock.Now());
  CHECK(e.expires_at == f.clock.Now() + 30 * kDay);
  CHECK(e.size == 10);
  CHECK(e.mtime_ns == MtimeNs(f.wall));
  CHECK(e.wallpaper_hash == RecordChecksum("sea pixels"));
  // The caller's own fields are kept in the stored object.
  CHECK(e.json.find("\"note\":{\"a\":1}") != std::string::npos);
  CHECK(e.json.starts_with("{\"layout\":1,"));
  CHECK(Value(f.state->IsWallpaperCached(f.wall)));
  CacheCheck check = Value(f.state->CheckWallpaper(f.wall));
  CHECK(check.cached());
  REQUIRE(check.entry);
  CHECK(check.entry->json == e.json);
}

TEST_CASE("The hash of an empty wallpaper is XXH3-64 of no bytes") {
  Fixture f;
  WriteFileBytes(f.wall, "");
  WallpaperEntry e = Value(f.state->CacheWallpaper(f.wall));
  CHECK(e.wallpaper_hash == 0x2D06800538D394C2ULL);
  CHECK(e.size == 0);
}

TEST_CASE("A wallpaper never cached is a miss: not_cached") {
  Fixture f;
  CHECK(f.Miss(f.wall) == CacheMiss::kNotCached);
  CHECK_FALSE(Value(f.state->IsWallpaperCached(f.wall)));
  CHECK_FALSE(Value(f.state->CheckWallpaper(f.wall)).entry.has_value());
}

TEST_CASE(
    "A touched wallpaper with the same content stays cached and its "
    "fingerprint is refreshed") {
  Fixture f;
  REQUIRE_OK(f.state->CacheWallpaper(f.wall, f.Metadata()));
  const int64_t touched = MtimeNs(f.wall) + 5'000'000'123;
  testing::SetMtimeNs(f.wall, touched);
  f.clock.Advance(kDay);
  CacheCheck check = Value(f.state->CheckWallpaper(f.wall));
  CHECK(check.cached());
  WallpaperEntry stored = f.Stored();
  CHECK(stored.mtime_ns == touched);
  CHECK(stored.last_validated == f.clock.Now());
  CHECK(stored.cached_at == f.clock.Now() - kDay);
  CHECK(stored.json.find("\"note\":{\"a\":1}") != std::string::npos);
}

TEST_CASE("An unchanged wallpaper's check writes nothing") {
  CachedFixture f;
  const uint64_t before = Value(f.state->store().GetStats()).last_seq;
  CHECK(Value(f.state->IsWallpaperCached(f.wall)));
  CHECK(Value(f.state->store().GetStats()).last_seq == before);
}

TEST_CASE("An edited wallpaper is a miss: file_changed, then invalidated") {
  CachedFixture f;
  WriteFileBytes(f.wall, "sea pixels, brighter");
  CHECK(f.Miss(f.wall) == CacheMiss::kFileChanged);
  WallpaperEntry stored = f.Stored();
  CHECK_FALSE(stored.valid);
  CHECK(stored.invalid_reason == "file_changed");
  CHECK(f.Miss(f.wall) == CacheMiss::kInvalidated);
}

TEST_CASE(
    "A wallpaper replaced by one of the same size is a miss: "
    "file_changed") {
  CachedFixture f;
  const int64_t mtime = MtimeNs(f.wall);
  WriteFileBytes(f.wall, "sky pixels");  // same 10 bytes
  testing::SetMtimeNs(f.wall, mtime + 1'000'000'000);
  CHECK(f.Miss(f.wall) == CacheMiss::kFileChanged);
  CHECK(f.Miss(f.wall) == CacheMiss::kInvalidated);
}

TEST_CASE("A deleted wallpaper is a miss: file_missing, then invalidated") {
  CachedFixture f;
  std::filesystem::remove(f.wall);
  CHECK(f.Miss(f.wall) == CacheMiss::kFileMissing);
  CHECK(f.Stored().invalid_reason == "file_missing");
  WriteFileBytes(f.wall, "sea pixels");
  CHECK(f.Miss(f.wall) == CacheMiss::kInvalidated);
}

TEST_CASE("A removed effects or colour-scheme directory is a miss naming it") {
  Fixture f;
  REQUIRE_OK(f.state->CacheWallpaper(f.wall, f.Metadata()));
  std::filesystem::remove(f.effects);
  CHECK(f.Miss(f.wall) == CacheMiss::kEffectsDirMissing);
  std::filesystem::create_directory(f.effects);
  CHECK(f.Miss(f.wall) == std::nullopt);
  std::filesystem::remove(f.schemes);
  CHECK(f.Miss(f.wall) == CacheMiss::kColorschemeDirMissing);
  // A file where the directory was does not count as the directory.
  WriteFileBytes(f.schemes, "");
  CHECK(f.Miss(f.wall) == CacheMiss::kColorschemeDirMissing);
}

TEST_CASE(
    "An entry expires after the cache TTL, and the store drops it one "
    "TTL later") {
  CachedFixture f;
  f.clock.Advance(30 * kDay - std::chrono::milliseconds(1));
  CHECK(f.Miss(f.wall) == std::nullopt);
  f.clock.Advance(std::chrono::milliseconds(1));
  CHECK(f.Miss(f.wall) == CacheMiss::kExpired);
  f.clock.Advance(30 * kDay);
  CHECK(f.Miss(f.wall) == CacheMiss::kNotCached);
  CHECK(Value(f.state->ListWallpapers()).empty());
}

TEST_CASE("The cache TTL comes from the options") {
  Fixture f;
  StateOptions options;
  options.clock = &f.clock;
  options.cache_ttl = std::chrono::hours(1);
  auto state = Value(StateManager::ForStore(&f.state->store(), options));
  REQUIRE_OK(state->CacheWallpaper(f.wall));
  f.clock.Advance(std::chrono::hours(1));
  CHECK(Value(state->CheckWallpaper(f.wall)).miss == CacheMiss::kExpired);
}

TEST_CASE("A symlink and its target name one entry") {
  Fixture f;
  const std::string link = f.tmp.Join("link.png");
  std::filesystem::create_symlink(f.wall, link);
  REQUIRE_OK(f.state->CacheWallpaper(link));
  CHECK(Value(f.state->IsWallpaperCached(f.wall)));
  CHECK(Value(f.state->CheckWallpaper(link)).entry->path == f.wall);
  REQUIRE_OK(f.state->CacheWallpaper(f.wall));
  CHECK(Value(f.state->ListWallpapers()).size() == 1);
}

TEST_CASE(
    "A path whose directory became a symlink after caching is checked "
    "against its entry as spelled, by the file it now leads to") {
  CachedFixture f;
  std::filesystem::rename(f.tmp.Join("walls"), f.tmp.Join("moved"));
  std::filesystem::create_directory_symlink(f.tmp.Join("moved"),
                                            f.tmp.Join("walls"));
  // Resolved first, the name would lead to moved/sea.png: never cached.
  CHECK(Value(f.state->IsWallpaperCached(f.wall)));
  CHECK(f.Miss(f.tmp.Join("moved/sea.png")) == CacheMiss::kNotCached);
  WriteFileBytes(f.tmp.Join("moved/sea.png"), "other pixels");
  CHECK(f.Miss(f.wall) == CacheMiss::kFileChanged);
}

TEST_CASE("Relative, dotted and ~ paths name the same entry") {
  CachedFixture f;
  const std::string old_cwd = std::filesystem::current_path();
  const char* old_home = getenv("HOME");
  const std::string saved_home = old_home ? old_home : "";
  setenv("HOME", f.tmp.path().c_str(), 1);
  std::filesystem::current_path(f.tmp.Join("walls"));
  CHECK(Value(f.state->IsWallpaperCached("sea.png")));
  CHECK(Value(f.state->IsWallpaperCached("./../walls/./sea.png")));
  CHECK(Value(f.state->IsWallpaperCached("~/walls//sea.png")));
  CHECK(Value(f.state->NormalizePath("~/walls/none/../x.png")) ==
        f.tmp.Join("walls/x.png"));
  std::filesystem::current_path(old_cwd);
  if (old_home) {
    setenv("HOME", saved_home.c_str(), 1);
  } else {
    unsetenv("HOME");
  }
}

TEST_CASE("Invalidating one wallpaper marks it invalidated") {
  CachedFixture f;
  REQUIRE_OK(f.state->InvalidateWallpaper(f.wall));
  CHECK(f.Miss(f.wall) == CacheMiss::kInvalidated);
  CHECK(f.Stored().invalid_reason == "invalidated");
  // Caching again makes it valid.
  REQUIRE_OK(f.state->CacheWallpaper(f.wall));
  CHECK(f.Miss(f.wall) == std::nullopt);
}

TEST_CASE("Invalidating a wallpaper that is not cached is NotFound") {
  Fixture f;
  CHECK(absl::IsNotFound(f.state->InvalidateWallpaper(f.wall)));
}

TEST_CASE("Invalidating all marks every valid entry, counting them") {
  Fixture f;
  const std::string other = f.tmp.Join("walls/hill.png");
  WriteFileBytes(other, "hill");
  REQUIRE_OK(f.state->CacheWallpaper(f.wall));
  REQUIRE_OK(f.state->CacheWallpaper(other));
  CHECK(Value(f.state->InvalidateAllWallpapers()) == 2);
  CHECK(f.Miss(f.wall) == CacheMiss::kInvalidated);
  CHECK(f.Miss(other) == CacheMiss::kInvalidated);
  CHECK(Value(f.state->InvalidateAllWallpapers()) == 0);
}

TEST_CASE(
    "Listing gives every entry with its state, in path order, and "
    "writes nothing") {
  Fixture f;
  const std::string gone = f.tmp.Join("walls/a.png");
  WriteFileBytes(gone, "a");
  REQUIRE_OK(f.state->CacheWallpaper(gone));
  REQUIRE_OK(f.state->CacheWallpaper(f.wall));
  std::filesystem::remove(gone);
  const uint64_t before = Value(f.state->store().GetStats()).last_seq;
  auto all = Value(f.state->ListWallpapers());
  REQUIRE(all.size() == 2);
  CHECK(all[0].entry->path == gone);
  CHECK(all[0].miss == CacheMiss::kFileMissing);
  CHECK(all[1].entry->path == f.wall);
  CHECK(all[1].cached());
  CHECK(Value(f.state->store().GetStats()).last_seq == before);
}

TEST_CASE(
    "Caching a missing file is NotFound and a directory is "
    "InvalidArgument") {
  Fixture f;
  CHECK(absl::IsNotFound(
      f.state->CacheWallpaper(f.tmp.Join("none.png")).status()));
  auto dir = f.state->CacheWallpaper(f.effects);
  CHECK(absl::IsInvalidArgument(dir.status()));
}

TEST_CASE("Metadata is checked field by field") {
  Fixture f;
  struct Case {
    std::string metadata;
    std::string names;
  };
  for (const Case& c :
       {Case{"[1]", "metadata: must be a JSON object"},
        Case{"{", "metadata: not valid JSON"},
        Case{"{\"effect_count\":-1}", "effect_count"},
        Case{"{\"effect_count\":\"3\"}", "effect_count"},
        Case{"{\"backend\":3}", "backend"},
        Case{"{\"effects_dir\":[]}", "effects_dir"},
        Case{"{\"colorscheme_formats\":[1]}", "colorscheme_formats"},
        Case{"{\"valid\":false}", "valid"},
        Case{"{\"wallpaper_hash\":\"0\"}", "wallpaper_hash"}}) {
    INFO(c.metadata);
    auto result = f.state->CacheWallpaper(f.wall, c.metadata);
    CHECK(absl::IsInvalidArgument(result.status()));
    CHECK(std::string(result.status().message()).find(c.names) !=
          std::string::npos);
  }
  CHECK(Value(f.state->ListWallpapers()).empty());
}

TEST_CASE("Cache miss names are stable") {
  CHECK(CacheMissName(CacheMiss::kNotCached) == "not_cached");
  CHECK(CacheMissName(CacheMiss::kExpired) == "expired");
  CHECK(CacheMissName(CacheMiss::kInvalidated) == "invalidated");
  CHECK(CacheMissName(CacheMiss::kFileChanged) == "file_changed");
  CHECK(CacheMissName(CacheMiss::kFileMissing) == "file_missing");
  CHECK(CacheMissName(CacheMiss::kEffectsDirMissing) == "effects_dir_missing");
  CHECK(CacheMissName(CacheMiss::kColorschemeDirMissing) ==
        "colorscheme_dir_missing");
}

}  // namespace
}  // namespace dotlog
