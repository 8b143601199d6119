#include "cli/dump_app.h"

#include <CLI/CLI.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
#include "cli/progress_line.h"
#include "cli/session.h"
#include "dotlog/dump.h"
#include "dotlog/release.h"
#include "cli/conventions.h"

namespace dotlog::cli {
namespace {

constexpr char kProgram[] = "dotlog-dump";

constexpr char kFooter[] =
    "Formats:\n"
    "  json     one pretty JSON object key -> value (2-space indent; no\n"
    "           expiry times: back up with jsonl to keep them)\n"
    "  jsonl    one line per key: {\"key\":...,\"value\":...,\"expires\":"
    "\"<RFC 3339>\"|null}\n"
    "  history  every intact record of every segment in log order, one JSON\n"
    "           line per change: seq, ts, op, key, value (batches expanded)\n"
    "json and jsonl are one consistent snapshot; `dotlog load` reads them "
    "back.\n"
    "The store directory is --dir, else $DOTLOG_DIR, else\n"
    "$XDG_DATA_HOME/dotfiles/state, else ~/.local/share/dotfiles/state.\n"
    "\n"
    "Exit codes: 0 success; 2 usage error; 3 store error (I/O, missing "
    "store).\n"
    "\n"
    "Example:\n"
    "  dotlog-dump | jq '.[\"wallpaper/current/DP-1\"]'\n"
    "  dotlog-dump --format jsonl --prefix wallpaper/ > wallpaper.jsonl";

absl::Status Dump(const std::string& dir, const std::string& prefix,
                  DumpFormat format) {
  // On a terminal, the bytes written so far, as the dump goes on.
  ProgressLine progress("dotlog-dump", StderrIsTerminal());
  const ProgressFn report = progress.Fn();
  uint64_t written = 0;
  const auto sink = [&](std::string_view text) {
    written += text.size();
    if (report) report("bytes written", written, 0);
    return WriteStdout(text);
  };
  if (format == DumpFormat::kHistory) {
    absl::Status s = DumpHistory(dir, nullptr, prefix, sink);
    if (s.ok() && report) report("bytes written", written, written);
    return s.ok() ? s : AsStoreError(s);
  }
  // Never create a store just to dump it: a mistyped --dir is an error.
  Session session(dir, SyncMode::kNone, kProgram);
  auto store = session.OpenStore(/*create=*/false);
  if (!store.ok()) return store.status();
  absl::Status s = DumpStore(**store, prefix, format, sink);
  if (s.ok() && report) report("bytes written", written, written);
  return s;
}

}  // namespace

int RunDotlogDump(int argc, char** argv) {
  StartTool();
  CLI::App app("dotlog-dump: print a dotlog store as JSON.", kProgram);
  app.footer(kFooter);
  app.set_version_flag("--version",
                       absl::StrCat(kProgram, " ", LibraryRelease()));
  std::string dir, prefix, format = "json";
  std::vector<std::string> settings_files;
  app.add_option("--dir", dir,
                 "The store directory (default: state_dir in the settings, "
                 "else $DOTLOG_DIR, else $XDG_DATA_HOME/dotfiles/state)");
  app.add_option("--settings", settings_files,
                 "A settings.toml to read; repeat for layers");
  app.add_option("--prefix", prefix, "Only keys starting with this");
  app.add_option("--format", format, "json (default), jsonl or history")
      ->check(CLI::IsMember({"json", "jsonl", "history"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Finish(kProgram,
                  absl::InvalidArgumentError(std::string(e.what()) +
                                             " (see dotlog-dump --help)"));
  }
  auto settings = LoadToolSettings(kProgram, settings_files, dir, "");
  if (!settings.ok()) return Finish(kProgram, settings.status());
  const std::string* resolved = &settings->settings.state_dir;
  auto parsed = ParseDumpFormat(format);
  if (!parsed.ok()) return Finish(kProgram, parsed.status());
  return Finish(kProgram, Dump(*resolved, prefix, *parsed));
}

}  // namespace dotlog::cli
