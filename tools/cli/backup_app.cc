#include "cli/backup_app.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
#include "cli/progress_line.h"
#include "dotlog/backup.h"

namespace dotlog::cli {
namespace {

constexpr char kExitCodes[] =
    "\n\nExit codes: 0 success, 2 usage error or bad input (nothing is "
    "written), 3 store error.";

// The options of backup and restore (one subcommand runs per process).
struct BackupArgs {
  std::string dir;  // backup: where; restore: where the current state goes
  size_t keep = 10;
  std::string file;
  bool force = false;
};
BackupArgs& Parsed() {
  static BackupArgs args;
  return args;
}

// Backups go next to the store directory unless told otherwise.
std::string BackupDir(const Session& session) {
  return Parsed().dir.empty() ? session.dir() + "-backups" : Parsed().dir;
}

absl::Status RunBackup(Session& session, const Args& /*args*/) {
  auto store = session.OpenStore(/*create=*/false);
  if (!store.ok()) return store.status();
  BackupOptions options;
  options.keep = Parsed().keep;
  ProgressLine progress("dotlog backup", StderrIsTerminal());
  options.progress = progress.Fn();
  auto result = WriteBackup(**store, BackupDir(session), options);
  progress.Finish();
  if (!result.ok()) return result.status();
  std::string out = absl::StrCat(result->path, "\n");
  for (const std::string& path : result->removed) {
    absl::StrAppend(&out, "removed ", path, "\n");
  }
  WriteStderr(absl::StrCat("backed up ", result->keys, " keys (", result->bytes,
                           " bytes)\n"));
  return WriteStdout(out);
}

absl::Status RunRestore(Session& session, const Args& /*args*/) {
  RestoreOptions options;
  options.force = Parsed().force;
  options.keep = Parsed().keep;
  options.previous_backup_dir = BackupDir(session);
  ProgressLine progress("dotlog restore", StderrIsTerminal());
  options.progress = progress.Fn();
  auto result = RestoreBackup(Parsed().file, session.dir(), options);
  progress.Finish();
  if (absl::IsNotFound(result.status())) {  // the file: bad input
    return absl::InvalidArgumentError(result.status().message());
  }
  if (!result.ok()) return result.status();
  std::string out = absl::StrCat("restored ", result->restored, " keys");
  if (result->skipped_expired > 0) {
    absl::StrAppend(&out, " (", result->skipped_expired,
                    " already expired, skipped)");
  }
  if (result->removed > 0) {
    absl::StrAppend(&out, ", removed ", result->removed, " other keys");
  }
  if (!result->previous_backup.empty()) {
    absl::StrAppend(&out, "; the previous state is in ",
                    result->previous_backup);
  }
  return WriteStdout(out + "\n");
}

}  // namespace

void AddBackup(CLI::App& app, Args& /*a*/, CommandRunner* run) {
  CLI::App* sub = app.add_subcommand(
      "backup",
      "Write the live keys, with their expiry times, as one timestamped JSON "
      "Lines file in DIR (default: the store directory's name + "
      "\"-backups\"), keep the newest N there, record the backup in the "
      "state and print the file's path. A backup that dies midway leaves "
      "earlier backups intact and no partial file under a backup's name.");
  sub->footer(std::string("Example:\n  dotlog backup --keep 5 ~/backups") +
              kExitCodes);
  sub->add_option("DIR", Parsed().dir, "The backup directory");
  sub->add_option("--keep", Parsed().keep,
                  "Keep the newest N backups (0: all; default 10)");
  sub->callback([run] { *run = RunBackup; });
}

void AddRestore(CLI::App& app, Args& /*a*/, CommandRunner* run) {
  CLI::App* sub = app.add_subcommand(
      "restore",
      "Rebuild the store from a backup file, in one atomic write: into a "
      "new or empty store, or with --force replacing its state after "
      "backing the current one up (to --backup-dir). The file is checked "
      "whole before anything is written.");
  sub->footer(std::string("Example:\n  dotlog --dir /new/place restore "
                          "backups/dotlog-backup-20261202T044556.123Z.jsonl") +
              kExitCodes);
  sub->add_option("FILE", Parsed().file, "The backup file")->required();
  sub->add_flag("--force", Parsed().force,
                "Replace the state of a store that has keys");
  sub->add_option("--backup-dir", Parsed().dir,
                  "Where --force backs up the current state (default: the "
                  "store directory's name + \"-backups\")");
  sub->add_option("--keep", Parsed().keep,
                  "Backups kept there (0: all; default 10)");
  sub->callback([run] { *run = RunRestore; });
}

}  // namespace dotlog::cli
