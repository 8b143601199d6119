#include "cli/import_app.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
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

absl::Status RunImportJson(Session& session, const Args& /*args*/) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  ImportOptions options;
  options.skip_bad = Parsed().skip_bad;
  auto report = ImportJsonState(**store, Parsed().source, options);
  if (absl::IsNotFound(report.status())) {  // the directory: bad input
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
  json->footer(
      "Example:\n  dotlog import json ~/.local/state/dotfiles\n\n"
      "Exit codes: 0 success, 2 bad input (nothing is written), 3 store "
      "error.");
  json->add_option("DIR", Parsed().source, "The directory of the JSON files")
      ->required();
  json->add_flag("--skip-bad", Parsed().skip_bad,
                 "Import the rows that map; list the others on stderr");
  json->callback([run] { *run = RunImportJson; });
}

}  // namespace dotlog::cli
