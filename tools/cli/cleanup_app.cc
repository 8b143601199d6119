#include "cli/cleanup_app.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/io.h"
#include "cli/state_verbs_support.h"

namespace dotlog::cli {
namespace {

struct CleanupArgs {
  bool dry_run = false;
  bool prune_files = false;
  bool json = false;
  bool if_due = false;
};
CleanupArgs& Parsed() {
  static CleanupArgs args;
  return args;
}

std::string JsonStrings(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& item : items) quoted.push_back(JsonString(item));
  return absl::StrCat("[", absl::StrJoin(quoted, ","), "]");
}

absl::Status RunCleanup(Session& session, const Args& /*args*/) {
  auto state = OpenState(session, StateAccess::kMaintain);
  if (!state.ok()) return state.status();
  CleanupOptions options;
  options.dry_run = Parsed().dry_run;
  options.prune_files = Parsed().prune_files;
  options.cache_roots = {session.settings().effects_cache_root,
                         session.settings().colorscheme_cache_root};
  if (Parsed().if_due) {
    // As a writer's opening would: only when the interval has passed.
    auto due = CleanUpIfDue(**state, ToStateOptions(session.settings()).cleanup_interval,
                            options);
    if (!due.ok()) return due.status();
    if (!due->has_value()) {
      return WriteStdout(Parsed().json ? "null\n"
                                       : "cleanup: not due (see "
                                         "cleanup.cleanup_interval_days)\n");
    }
    return WriteStdout(CleanupText(**due, Parsed().json));
  }
  auto report = CleanUp(**state, options);
  if (!report.ok()) return report.status();
  return WriteStdout(CleanupText(*report, Parsed().json));
}

}  // namespace

std::string CleanupText(const CleanupReport& r, bool json) {
  if (json) {
    return absl::StrCat(
        "{\"dry_run\":", r.dry_run ? "true" : "false",
        ",\"ran_at\":", JsonTime(r.ran_at),
        ",\"expired_wallpapers\":", JsonStrings(r.expired_wallpapers),
        ",\"missing_wallpapers\":", JsonStrings(r.missing_wallpapers),
        ",\"old_events\":[", absl::StrJoin(r.old_events, ","), "]",
        ",\"pruned_dirs\":", JsonStrings(r.pruned_dirs),
        ",\"compacted\":", r.compacted ? "true" : "false",
        ",\"bytes_before\":", r.bytes_before, ",\"bytes_after\":",
        r.bytes_after, "}\n");
  }
  const std::string verb = r.dry_run ? "would remove" : "removed";
  std::string out;
  for (const std::string& path : r.expired_wallpapers) {
    absl::StrAppend(&out, verb, " expired cache entry ", path, "\n");
  }
  for (const std::string& path : r.missing_wallpapers) {
    absl::StrAppend(&out, verb, " cache entry of missing file ", path, "\n");
  }
  for (uint64_t id : r.old_events) {
    absl::StrAppend(&out, verb, " event ", id, " (past retention)\n");
  }
  for (const std::string& dir : r.pruned_dirs) {
    absl::StrAppend(&out, r.dry_run ? "would delete" : "deleted",
                    " directory ", dir, "\n");
  }
  if (r.compacted) {
    absl::StrAppend(&out, r.dry_run ? "would compact" : "compacted",
                    " the store (", r.bytes_before, " bytes",
                    r.dry_run ? "" : absl::StrCat(" -> ", r.bytes_after, " bytes"),
                    ")\n");
  }
  absl::StrAppend(&out, r.dry_run ? "cleanup (dry run): " : "cleanup: ",
                  r.removed(), r.removed() == 1 ? " entry" : " entries",
                  r.dry_run ? " to remove, " : " removed, ",
                  r.pruned_dirs.size(),
                  r.pruned_dirs.size() == 1 ? " directory" : " directories",
                  r.dry_run ? " to delete" : " deleted", "\n");
  return out;
}

void AddCleanup(CLI::App& app, Args& /*a*/, CommandRunner* run) {
  CLI::App* sub = app.add_subcommand(
      "cleanup",
      "Remove what the state no longer needs, now: wallpaper cache entries "
      "past their TTL or whose file is gone, events past retention; "
      "compact the store when that frees enough; list what went. Writers "
      "run this by themselves once every cleanup.cleanup_interval_days "
      "(see README, Cleanup).");
  sub->footer(
      "Example:\n  dotlog cleanup --dry-run --prune-files\n\nExit codes: 0 "
      "success, 2 usage error, 3 store error.");
  sub->add_flag("--dry-run,-n", Parsed().dry_run,
                "List what would be removed; change nothing");
  sub->add_flag("--prune-files", Parsed().prune_files,
                "Also delete the directories inside the cache roots "
                "(cleanup.effects_cache_root, cleanup.colorscheme_cache_root) "
                "that no cache entry left names; symbolic links are never "
                "followed");
  sub->add_flag("--json", Parsed().json,
                "Print the report as one JSON object (null when --if-due "
                "finds it not due)");
  sub->add_flag("--if-due", Parsed().if_due,
                "Run only if the last cleanup is cleanup.cleanup_interval_days "
                "old or more, as a writer's opening does (for a timer)");
  sub->callback([run] { *run = RunCleanup; });
}

}  // namespace dotlog::cli
