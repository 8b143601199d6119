#include "cli/state_verbs_monitor.h"

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
#include "cli/state_verbs_support.h"

namespace dotlog::cli {
namespace {

// {"monitor":...,"path":...,"set_at":...}
std::string MonitorJson(const MonitorWallpaper& m) {
  return absl::StrCat("{\"monitor\":", JsonString(m.monitor),
                      ",\"path\":", JsonString(m.path),
                      ",\"set_at\":", JsonTime(m.set_at), "}");
}

// {"path":...,"used_at":...}
std::string RecentJson(const RecentWallpaper& r) {
  return absl::StrCat("{\"path\":", JsonString(r.path),
                      ",\"used_at\":", JsonTime(r.used_at), "}");
}

// {"path":...,"added_at":...}
std::string FavouriteJson(const Favourite& f) {
  return absl::StrCat("{\"path\":", JsonString(f.path),
                      ",\"added_at\":", JsonTime(f.added_at), "}");
}

absl::Status RunWallpaperSet(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  auto state = OpenState(session);
  if (!state.ok()) return state.status();
  return EchoJson((*state)->SetMonitorWallpaper(a.name, a.path), MonitorJson);
}

absl::Status RunWallpaperCurrent(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  if (!a.name.empty()) {
    auto one = (*state)->GetMonitorWallpaper(a.name);
    if (absl::IsNotFound(one.status())) return Answer(false);
    if (!one.ok()) return one.status();
    return WriteStdout((a.json_out ? MonitorJson(*one) : one->path) + "\n");
  }
  return PrintList((*state)->ListMonitorWallpapers(), MonitorJson,
                   [](const MonitorWallpaper& m) {
                     return absl::StrCat(m.monitor, "\t", m.path);
                   });
}

absl::Status RunWallpaperRecent(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  if (a.limit != kNoLimit && a.limit < 0) {
    return absl::InvalidArgumentError("-n: must not be negative");
  }
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  auto recent = (*state)->RecentWallpapers();
  if (!recent.ok()) return recent.status();
  if (a.limit >= 0 && recent->size() > static_cast<size_t>(a.limit)) {
    recent->resize(a.limit);
  }
  return WriteStdout(ListText(*recent, a.json_out, RecentJson,
                              [](const RecentWallpaper& r) { return r.path; }));
}

absl::Status RunFavAdd(Session& session, const Args&) {
  auto state = OpenState(session);
  if (!state.ok()) return state.status();
  return EchoJson((*state)->AddFavourite(StateArgsOfThisRun().path),
                  FavouriteJson);
}

absl::Status RunFavRm(Session& session, const Args&) {
  auto state = OpenState(session);
  if (!state.ok()) return state.status();
  return (*state)->RemoveFavourite(StateArgsOfThisRun().path);
}

absl::Status RunFavHas(Session& session, const Args&) {
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  auto is = (*state)->IsFavourite(StateArgsOfThisRun().path);
  if (!is.ok()) return is.status();
  return Answer(*is);
}

absl::Status RunFavLs(Session& session, const Args&) {
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  return PrintList((*state)->ListFavourites(), FavouriteJson,
                   [](const Favourite& f) { return f.path; });
}

void AddFavVerbs(CLI::App& group, VerbRunner* run) {
  StateArgs& a = StateArgsOfThisRun();
  CLI::App* fav = AddGroup(
      group, "fav", "Favourite wallpapers (they never expire).",
      "Exit codes: 0 success; 1 not a favourite (rm, has); 2 usage error or "
      "bad input; 3 store error.");
  AddVerb(*fav, "add", "Add PATH to the favourites (the file need not exist).",
          "  dotlog wallpaper fav add ~/Pictures/sea.png", RunFavAdd, run, true)
      ->add_option("PATH", a.path, "The wallpaper")
      ->required();
  AddVerb(*fav, "rm",
          "Remove PATH from the favourites (exit 1 if it is not "
          "one).",
          "  dotlog wallpaper fav rm ~/Pictures/sea.png", RunFavRm, run)
      ->add_option("PATH", a.path, "The wallpaper")
      ->required();
  AddVerb(*fav, "has", "Exit 0 if PATH is a favourite, 1 if not.",
          "  dotlog wallpaper fav has ~/Pictures/sea.png && echo '★'",
          RunFavHas, run)
      ->add_option("PATH", a.path, "The wallpaper")
      ->required();
  AddVerb(*fav, "ls", "List the favourites' paths, sorted.",
          "  dotlog wallpaper fav ls --json | jq -r '.[].path'", RunFavLs, run,
          true);
}

}  // namespace

void AddMonitorVerbs(CLI::App& group, VerbRunner* run) {
  StateArgs& a = StateArgsOfThisRun();
  CLI::App* set = AddVerb(
      group, "set",
      "Record PATH as MONITOR's wallpaper and put it first in the recently "
      "used list (one atomic update; the file need not exist).",
      "  dotlog wallpaper set DP-1 ~/Pictures/sea.png", RunWallpaperSet, run,
      true);
  set->add_option("MONITOR", a.name, "The monitor's name")->required();
  set->add_option("PATH", a.path, "The wallpaper")->required();

  AddVerb(group, "current",
          "Print MONITOR's wallpaper (exit 1 if none was set), or without "
          "MONITOR every monitor's as MONITOR<TAB>PATH lines.",
          "  dotlog wallpaper current DP-1\n"
          "  dotlog wallpaper current --json | jq -r '.[].path'",
          RunWallpaperCurrent, run, true)
      ->add_option("MONITOR", a.name, "The monitor's name");

  AddVerb(group, "recent", "Print the recently used wallpapers, newest first.",
          "  dotlog wallpaper recent -n 5", RunWallpaperRecent, run, true)
      ->add_option("-n", a.limit, "At most this many");
  AddFavVerbs(group, run);
}

}  // namespace dotlog::cli
