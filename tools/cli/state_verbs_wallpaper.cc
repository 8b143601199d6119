// `dotlog wallpaper check|cache|invalidate|ls`: the wallpaper cache. The
// monitor and history verbs of the same group are in state_verbs_monitor.cc.
#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/io.h"
#include "cli/state_verbs.h"
#include "cli/state_verbs_monitor.h"
#include "cli/state_verbs_support.h"
#include "util/strings.h"

namespace dotlog::cli {
namespace {

constexpr char kGroupFooter[] =
    "Paths are normalised (~ expanded, made absolute, symlinks resolved), so "
    "one wallpaper is one entry however it is named.\n"
    "Exit codes: 0 success (check: cached); 1 not cached, or nothing "
    "recorded; 2 usage error or bad input (nothing is written); 3 store "
    "error.";

// {"path":...,"cached":...,"reason":...,"entry":...}: one check's outcome.
std::string CheckJson(std::string_view path, const CacheCheck& check) {
  return absl::StrCat(
      "{\"path\":", JsonString(path),
      ",\"cached\":", check.cached() ? "true" : "false", ",\"reason\":",
      check.cached() ? "null" : JsonString(CacheMissName(*check.miss)),
      ",\"entry\":", check.entry.has_value() ? check.entry->json : "null", "}");
}

// "cached" or the miss's name.
std::string_view StateName(const CacheCheck& check) {
  return check.cached() ? "cached" : CacheMissName(*check.miss);
}

absl::Status RunWallpaperCheck(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  auto state = OpenState(session);
  if (!state.ok()) return state.status();
  if (!a.why && !a.json_out) {
    // The status bar's form: the answer is the exit code alone.
    auto cached = (*state)->IsWallpaperCached(a.path);
    if (!cached.ok()) return cached.status();
    return Answer(*cached);
  }
  auto check = (*state)->CheckWallpaper(a.path);
  if (!check.ok()) return check.status();
  std::string path;
  if (check->entry.has_value()) {
    path = check->entry->path;
  } else {
    auto normal = (*state)->NormalizePath(a.path);
    if (!normal.ok()) return normal.status();
    path = *std::move(normal);
  }
  absl::Status s =
      WriteStdout(a.json_out ? CheckJson(path, *check) + "\n"
                             : absl::StrCat(AV(StateName(*check)), "\n"));
  if (!s.ok()) return s;
  return Answer(check->cached());
}

absl::Status RunWallpaperCache(Session& session, const Args&) {
  auto opened = ObjectThenState(session);
  if (!opened.ok()) return opened.status();
  return EchoJson(
      opened->state->CacheWallpaper(StateArgsOfThisRun().path, opened->object),
      [](const WallpaperEntry& entry) { return entry.json; });
}

absl::Status RunWallpaperInvalidate(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  if (a.all == !a.path.empty()) {
    return absl::InvalidArgumentError(
        "wallpaper invalidate: give either PATH or --all");
  }
  auto state = OpenState(session);
  if (!state.ok()) return state.status();
  if (!a.all) return (*state)->InvalidateWallpaper(a.path);
  auto count = (*state)->InvalidateAllWallpapers();
  if (!count.ok()) return count.status();
  return WriteStdout(a.json_out
                         ? absl::StrCat("{\"invalidated\":", *count, "}\n")
                         : absl::StrCat(*count, " invalidated\n"));
}

absl::Status RunWallpaperLs(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  // Printed as it is read, a chunk at a time: a cache of many thousand
  // entries is never held whole.
  constexpr size_t kChunkBytes = 64 << 10;
  ListRows rows(a.json_out);
  absl::Status s = (*state)->ForEachWallpaper([&](const CacheCheck& c) {
    // A listed row always has its entry.
    rows.Add(a.json_out ? CheckJson(c.entry->path, c)
                        : absl::StrFormat("%-23s %s", StateName(c),
                                          c.entry->path));
    if (rows.text.size() < kChunkBytes) return absl::OkStatus();
    absl::Status w = WriteStdout(rows.text);
    rows.text.clear();
    return w;
  });
  if (!s.ok()) return s;
  rows.Close();
  return WriteStdout(rows.text);
}

void AddCacheVerbs(CLI::App& group, VerbRunner* run) {
  StateArgs& a = StateArgsOfThisRun();
  CLI::App* check = AddVerb(
      group, "check",
      "Exit 0 if PATH is cached: its entry is valid and unexpired, the file "
      "still matches (same size and mtime, or same content), and its "
      "effects and colour-scheme directories exist; else exit 1. A changed "
      "or missing file marks the entry invalid.",
      "  dotlog wallpaper check ~/Pictures/sea.png || process-wallpaper ...\n"
      "  dotlog wallpaper check --why ~/Pictures/sea.png   # file_changed",
      RunWallpaperCheck, run, true);
  check->add_option("PATH", a.path, "The wallpaper file")->required();
  check->add_flag("--why", a.why,
                  "Print \"cached\" or why not: not_cached, expired, "
                  "invalidated, file_changed, file_missing, "
                  "effects_dir_missing, colorscheme_dir_missing");

  CLI::App* cache = AddVerb(
      group, "cache",
      "Record PATH as processed, with its metadata: a JSON object and/or "
      "--set flags (effects_dir, colorscheme_dir, backend, effect_count, "
      "colorscheme_formats are checked; other fields are kept). dotlog adds "
      "cached_at, last_validated, expires_at (30 days on), valid and the "
      "file's size, mtime and hash. --json prints the stored entry.",
      "  dotlog wallpaper cache ~/Pictures/sea.png \\\n"
      "    '{\"backend\":\"wal\",\"colorscheme_formats\":[\"css\",\"json\"]}'"
      " \\\n"
      "    --set effects_dir=~/.cache/wall/effects/sea --set effect_count=4",
      RunWallpaperCache, run, true);
  cache->add_option("PATH", a.path, "The wallpaper file (must exist)")
      ->required();
  AddObjectOptions(cache, "METADATA");

  CLI::App* invalidate = AddVerb(
      group, "invalidate",
      "Mark PATH's entry invalid (exit 1 if it has none), or every entry "
      "with --all (prints how many were valid).",
      "  dotlog wallpaper invalidate ~/Pictures/sea.png\n"
      "  dotlog wallpaper invalidate --all",
      RunWallpaperInvalidate, run, true);
  invalidate->add_option("PATH", a.path, "The wallpaper file");
  invalidate->add_flag("--all", a.all, "Every entry");

  AddVerb(group, "ls",
          "List every entry with the outcome its check would have now "
          "(\"cached\" or the miss reason) and its path, sorted by path. "
          "Writes nothing.",
          "  dotlog wallpaper ls\n"
          "  dotlog wallpaper ls --json | jq -r '.[] | select(.cached | not) "
          "| .path'",
          RunWallpaperLs, run, true);
}

}  // namespace

void AddWallpaperVerbs(CLI::App& app, Args&, VerbRunner* run) {
  CLI::App* group = AddGroup(
      app, "wallpaper",
      "The wallpaper cache, each monitor's wallpaper, the recently used "
      "list and favourites.",
      kGroupFooter);
  AddCacheVerbs(*group, run);
  AddMonitorVerbs(*group, run);
}

}  // namespace dotlog::cli
