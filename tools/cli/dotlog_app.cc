#include "cli/dotlog_app.h"

#include <CLI/CLI.hpp>
#include <cassert>
#include <string>
#include <string_view>
#include <vector>

#include "cli/backup_app.h"
#include "cli/commands.h"
#include "cli/import_app.h"
#include "cli/io.h"
#include "cli/session.h"
#include "dotlog/dump.h"
#include "tools_lib/cli_support.h"

namespace dotlog::cli {
namespace {

constexpr char kProgram[] = "dotlog";

constexpr char kFooter[] =
    "The store directory is --dir, else $DOTLOG_DIR, else\n"
    "$XDG_DATA_HOME/dotfiles/state, else ~/.local/share/dotfiles/state.\n"
    "A key or value that starts with '-' goes after '--'.\n"
    "\n"
    "Exit codes: 0 success; 1 key not found or expired; 2 usage error or bad\n"
    "input (nothing is written); 3 store error (I/O, damage found by verify,\n"
    "lock timeout).\n"
    "\n"
    "Example: dotlog set theme/mode '\"dark\"' && dotlog get --raw theme/mode";

using Runner = absl::Status (*)(Session&, const Args&);

// Adds a subcommand whose help ends with `example`; selecting it sets
// `*run` to `runner`.
CLI::App* AddCommand(CLI::App& app, const char* name, const char* what,
                     const char* example, Runner runner, Runner* run) {
  CLI::App* sub = app.add_subcommand(name, what);
  sub->footer(std::string("Example:\n") + example +
              "\n\nExit codes: 0 success, 1 key not found, 2 usage error or "
              "bad input, 3 store error.");
  sub->callback([runner, run] { *run = runner; });
  return sub;
}

void AddSet(CLI::App& app, Args& a, Runner* run) {
  CLI::App* set = AddCommand(
      app, "set", "Store a JSON value under a key.",
      "  dotlog set theme/mode '\"dark\"'\n"
      "  dotlog set --string wallpaper/current/DP-1 ~/Pictures/sea.png\n"
      "  dotlog set --ttl 15m cache/weather '{\"temp\":21.5}'\n"
      "  curl -s https://example.org/x.json | dotlog set cache/x -",
      RunSet, run);
  set->add_option("KEY", a.key, "The key (any UTF-8 text)")->required();
  set->add_option("VALUE", a.value,
                  "JSON text, or - to read it from standard input")
      ->required();
  set->add_option("--ttl", a.ttl,
                  "Expire after DURATION: 90s, 15m, 12h, 30d (0s: at once)");
  set->add_flag("--string", a.as_string,
                "Store VALUE as a JSON string, without hand-quoting (from "
                "standard input, one trailing newline is dropped)");
}

void AddGet(CLI::App& app, Args& a, Runner* run) {
  CLI::App* get = AddCommand(
      app, "get",
      "Print a key's value as compact JSON on one line (exit 1, printing "
      "nothing, if it is missing or expired).",
      "  dotlog get theme/mode            # prints \"dark\"\n"
      "  dotlog get --raw theme/mode      # prints dark",
      RunGet, run);
  get->add_option("KEY", a.key, "The key")->required();
  get->add_flag("--raw,-r", a.raw,
                "Print a string value without quotes or escapes (like jq -r)");
}

void AddDel(CLI::App& app, Args& a, Runner* run) {
  CLI::App* del =
      AddCommand(app, "del", "Delete keys, all at once (absent keys are fine).",
                 "  dotlog del cache/weather cache/x", RunDel, run);
  del->add_option("KEY", a.keys, "The keys")->required();
}

void AddIncr(CLI::App& app, Args& a, Runner* run) {
  CLI::App* incr = AddCommand(
      app, "incr",
      "Add BY (default 1) to an integer value atomically across processes "
      "(an absent key counts as 0) and print the result; a value that is "
      "not an integer is an error and stays unchanged.",
      "  dotlog incr stats/logins\n  dotlog incr stats/logins -5", RunIncr,
      run);
  incr->add_option("KEY", a.key, "The key")->required();
  incr->add_option("BY", a.by, "The amount, may be negative");
}

void AddLs(CLI::App& app, Args& a, Runner* run) {
  CLI::App* ls = AddCommand(
      app, "ls",
      "List the live keys that start with PREFIX, sorted, one per line.",
      "  dotlog ls wallpaper/\n  dotlog ls --json wallpaper/ | jq .", RunLs,
      run);
  ls->add_option("PREFIX", a.prefix, "Only keys starting with this");
  ls->add_flag("--json", a.json,
               "Print one JSON object key -> value instead (safe for keys "
               "holding newlines)");
}

void AddTtl(CLI::App& app, Args& a, Runner* run) {
  CLI::App* ttl = AddCommand(
      app, "ttl",
      "Print the seconds until a key expires, rounded up, or -1 if it never "
      "does (exit 1 if it is missing).",
      "  dotlog ttl cache/weather", RunTtl, run);
  ttl->add_option("KEY", a.key, "The key")->required();
}

void AddHistory(CLI::App& app, Args& a, Runner* run) {
  CLI::App* history = AddCommand(
      app, "history",
      "Print the versions of a key still in the log, newest first, one JSON "
      "line each with its sequence number and timestamp (exit 1 if none). "
      "Compaction keeps older versions only for keys under the prefixes "
      "the store's history rules name.",
      "  dotlog history -n 5 wallpaper/current/DP-1 | jq -r .value",
      RunHistory, run);
  history->add_option("KEY", a.key, "The key")->required();
  history->add_option("-n", a.count, "At most this many versions (default 10)");
}

void AddCompact(CLI::App& app, Args& /*a*/, Runner* run) {
  AddCommand(app, "compact",
             "Rewrite the log keeping only live values, then remove the old "
             "segment files (crash-safe; other processes keep working).",
             "  dotlog compact", RunCompact, run);
}

void AddVerify(CLI::App& app, Args& /*a*/, Runner* run) {
  AddCommand(
      app, "verify",
      "Check every record's checksum and the segments' structure; list each "
      "problem as FILE:LINE: reason on standard error (exit 3 if any). A torn "
      "tail of the newest segment is only a warning.",
      "  dotlog verify && echo clean", RunVerify, run);
}

void AddStats(CLI::App& app, Args& a, Runner* run) {
  CLI::App* stats =
      AddCommand(app, "stats", "Print the store's counters.",
                 "  dotlog stats --json | jq .dead_bytes", RunStats, run);
  stats->add_flag("--json", a.json, "Print one JSON object");
}

void AddLoad(CLI::App& app, Args& a, Runner* run) {
  CLI::App* load = AddCommand(
      app, "load",
      "Put the keys of a `dotlog-dump --format json` or `--format jsonl` "
      "output into the store. All input is checked before anything is "
      "written; then keys are written in atomic batches of up to 1000, so a "
      "dump of at most 1000 keys loads all or nothing. Other keys are kept; "
      "keys whose expiry has passed are skipped.",
      "  dotlog-dump --format jsonl > backup.jsonl\n"
      "  dotlog --dir /new/place load backup.jsonl",
      RunLoad, run);
  load->add_option("FILE", a.file, "The dump, or - for standard input")
      ->required();
  load->add_option("--format", a.format, "auto (default), json or jsonl")
      ->check(CLI::IsMember({"auto", "json", "jsonl"}));
}

void AddWatch(CLI::App& app, Args& a, Runner* run) {
  CLI::App* watch = AddCommand(
      app, "watch",
      "Print one JSON line per change committed by any process to keys "
      "starting with PREFIX, until interrupted (SIGINT/SIGTERM: exit 0): "
      "{\"op\":\"put\",\"key\":...,\"value\":...,\"ts\":...} or "
      "{\"op\":\"del\",\"key\":...,\"ts\":...}. Expiry writes nothing, so "
      "it prints nothing.",
      "  dotlog watch --initial wallpaper/ | while read -r line; do ...; done",
      RunWatchCommand, run);
  watch->add_option("PREFIX", a.prefix, "Only keys starting with this");
  watch->add_flag("--initial", a.initial,
                  "First print every matching live key as a put line");
}

// Every subcommand, by name, with the function that builds its parser.
struct Command {
  const char* name;
  void (*add)(CLI::App& app, Args& a, Runner* run);
};
constexpr Command kCommands[] = {
    {"set", AddSet},
    {"get", AddGet},
    {"del", AddDel},
    {"incr", AddIncr},
    {"ls", AddLs},
    {"ttl", AddTtl},
    {"history", AddHistory},
    {"compact", AddCompact},
    {"verify", AddVerify},
    {"stats", AddStats},
    {"load", AddLoad},
    {"watch", AddWatch},
    {"backup", AddBackup},
    {"restore", AddRestore},
    {"import", AddImport},
};

// CLI11 matches a subcommand only against an argument spelled exactly like
// its name, so building just the subcommands whose names occur in argv
// parses every command line exactly as building all of them would, for a
// fraction of the start-up cost a status bar pays every second. Help, and a
// command line naming no subcommand, build them all so that they are listed.
void AddCommands(CLI::App& app, Args& a, Runner* run, int argc, char** argv) {
  bool all = true;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help" || arg == "--help-all") {
      all = true;
      break;
    }
    for (const Command& c : kCommands) {
      if (arg == c.name) all = false;
    }
  }
  for (const Command& c : kCommands) {
    bool named = all;
    for (int i = 1; i < argc && !named; ++i) named = std::string_view(argv[i]) == c.name;
    if (named) c.add(app, a, run);
  }
}

}  // namespace

int RunDotlog(int argc, char** argv) {
  StartTool();
  CLI::App app(
      "dotlog: a crash-safe key-value store of JSON values, kept as "
      "append-only JSON Lines files.",
      kProgram);
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  std::string dir;
  std::string sync = "always";
  app.add_option("--dir", dir, "The store directory")->envname("DOTLOG_DIR");
  app.add_option("--sync", sync,
                 "always: every write is on disk before dotlog exits; none: "
                 "the OS writes it back later (faster; a power loss may lose "
                 "recent writes)")
      ->check(CLI::IsMember({"always", "none"}));
  Args args;
  Runner run = nullptr;
  AddCommands(app, args, &run, argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Finish(kProgram, absl::InvalidArgumentError(std::string(e.what()) +
                                                       " (see dotlog --help)"));
  }
  auto resolved = ResolveDir(dir);
  if (!resolved.ok()) return Finish(kProgram, resolved.status());
  Session session(*resolved,
                  sync == "none" ? SyncMode::kNone : SyncMode::kAlways);
  // Invariant: require_subcommand(1) made exactly one callback set `run`.
  assert(run != nullptr);
  return Finish(kProgram, run(session, args));
}

}  // namespace dotlog::cli
