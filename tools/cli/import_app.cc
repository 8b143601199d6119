#include "cli/import_app.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
#include "cli/progress_line.h"
#include "dotlog/state/import.h"

namespace dotlog::cli {
namespace {

struct ImportArgs {
  std::string source;
  bool skip_bad = false;
};
ImportArgs& Parsed() {
  static ImportArgs args;
  return args;
}

using ImportFn = absl::StatusOr<ImportReport> (*)(Store&, const std::string&,
                                                  const ImportOptions&);

absl::Status RunImport(Session& session, ImportFn import) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  ImportOptions options;
  options.skip_bad = Parsed().skip_bad;
  ProgressLine progress("dotlog import", StderrIsTerminal());
  options.progress = progress.Fn();
  auto report = import(**store, Parsed().source, options);
  progress.Finish();
  if (absl::IsNotFound(report.status())) {  // the source: bad input
    return absl::InvalidArgumentError(report.status().message());
  }
  if (!report.ok()) return report.status();
  for (const ImportProblem& p : report->problems) {
    WriteStderr(
        absl::StrCat("skipped ", p.table, " ", p.row, ": ", p.reason, "\n"));
  }
  std::string out =
      absl::StrCat("imported ", report->mapped, " of ", report->rows, " rows, ",
                   report->written, " keys written");
  if (report->past_retention > 0) {
    absl::StrAppend(&out, " (", report->past_retention,
                    " events past retention left out)");
  }
  return WriteStdout(out + "\n");
}

absl::Status RunImportJson(Session& session, const Args& /*args*/) {
  return RunImport(session, ImportJsonState);
}
absl::Status RunImportSqlite(Session& session, const Args& /*args*/) {
  return RunImport(session, ImportSqliteState);
}

// The options both import subcommands share.
void AddSkipBad(CLI::App* sub) {
  sub->add_flag("--skip-bad", Parsed().skip_bad,
                "Import the rows that map; list the others on stderr");
  sub->footer(std::string(sub->get_footer()) +
              "\n\nExit codes: 0 success, 2 bad input (nothing is written), "
              "3 store error.");
}

}  // namespace

void AddImport(CLI::App& app, Args& /*a*/, CommandRunner* run) {
  CLI::App* sub = app.add_subcommand(
      "import",
      "Take over the state kept by an older design of the "
      "dotfiles system (see README, Importing older state).");
  sub->require_subcommand(1);
  CLI::App* json = sub->add_subcommand(
      "json",
      "Import wallpaper_cache.json, system_state.json, component_state.json "
      "and event_log.jsonl from DIR in one atomic write; importing again "
      "writes nothing new. Rows that cannot be mapped are listed and "
      "nothing is written, unless --skip-bad.");
  json->footer("Example:\n  dotlog import json ~/.local/state/dotfiles");
  json->add_option("DIR", Parsed().source, "The directory of the JSON files")
      ->required();
  AddSkipBad(json);
  json->callback([run] { *run = RunImportJson; });
  CLI::App* sqlite = sub->add_subcommand(
      "sqlite",
      "Import the tables wallpaper_cache, system_state, component_installed "
      "and event_log of an SQLite database, as import json does.");
  sqlite->footer(
      "Example:\n  dotlog import sqlite ~/.local/state/dotfiles/state.db");
  sqlite->add_option("FILE", Parsed().source, "The database file")->required();
  AddSkipBad(sqlite);
  sqlite->callback([run] { *run = RunImportSqlite; });
}

}  // namespace dotlog::cli
