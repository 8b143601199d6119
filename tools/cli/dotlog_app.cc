#include "cli/dotlog_app.h"

#include <CLI/CLI.hpp>
#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/backup_app.h"
#include "cli/cleanup_app.h"
#include "cli/commands.h"
#include "cli/config_command.h"
#include "cli/import_app.h"
#include "cli/io.h"
#include "cli/session.h"
#include "cli/sync_app.h"
#include "cli/state_verbs.h"
#include "dotlog/dump.h"
#include "dotlog/release.h"
#include "store/mutation.h"
#include "cli/conventions.h"

namespace dotlog::cli {
namespace {

constexpr char kProgram[] = "dotlog";

constexpr char kFooter[] =
    "The store directory is --dir, else $DOTLOG_DIR, else state_dir in the\n"
    "settings (`dotlog config` shows them), else\n"
    "$XDG_DATA_HOME/dotfiles/state, else ~/.local/share/dotfiles/state.\n"
    "A key or value that starts with '-' goes after '--'.\n"
    "\n"
    "Exit codes: 0 success; 1 key not found or expired, or the condition of\n"
    "set --if-absent or cas did not hold; 2 usage error or bad input (nothing\n"
    "is written); 3 store error (I/O, damage found by verify, lock timeout,\n"
    "no store where a reading command looks).\n"
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
  set->add_option_function<std::string>(
      "--ttl", [&a](const std::string& ttl) { a.ttl = ttl; },
      "Expire after DURATION: 90s, 15m, 12h, 30d, 1h30m (0s: at once)");
  set->add_flag("--string", a.as_string,
                "Store VALUE as a JSON string, without hand-quoting (from "
                "standard input, one trailing newline is dropped)");
  set->add_flag("--if-absent", a.if_absent,
                "Write only if KEY is absent or expired; otherwise exit 1 "
                "with nothing written");
}

void AddCas(CLI::App& app, Args& a, Runner* run) {
  CLI::App* cas = AddCommand(
      app, "cas",
      "Compare and set: store NEW under KEY only if its current value is "
      "OLD (compared as minified JSON), atomically across processes; "
      "otherwise exit 1 with nothing written.",
      "  dotlog cas theme/mode '\"dark\"' '\"light\"'\n"
      "  dotlog cas --string wallpaper/current/DP-1 ~/a.png ~/b.png",
      RunCas, run);
  cas->add_option("KEY", a.key, "The key")->required();
  cas->add_option("OLD", a.expected, "The JSON value expected now")->required();
  cas->add_option("NEW", a.value,
                  "The JSON value to store, or - to read it from standard "
                  "input")
      ->required();
  cas->add_flag("--string", a.as_string,
                "OLD and NEW are plain strings, stored as JSON strings");
}

void AddExpire(CLI::App& app, Args& a, Runner* run) {
  CLI::App* expire = AddCommand(
      app, "expire",
      "Set a key's expiry anew, keeping its value: it expires DURATION from "
      "now, or never (exit 1 if it is missing).",
      "  dotlog expire cache/weather 15m\n  dotlog expire cache/weather never",
      RunExpire, run);
  expire->add_option("KEY", a.key, "The key")->required();
  expire
      ->add_option_function<std::string>(
          "DURATION", [&a](const std::string& ttl) { a.ttl = ttl; },
          "90s, 15m, 12h, 30d, 1h30m, or never")
      ->required();
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
  get->add_option_function<std::string>(
      "--default", [&a](const std::string& value) { a.default_value = value; },
      "Print VALUE, as given, and exit 0 when the key is missing or expired");
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
  incr->add_option("BY", a.by, "The amount, a whole number, may be negative");
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
  ls->add_flag("-l", a.long_list,
               "Print each key's expiry (UTC) or \"never\" before it");
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
  history->add_option("-n", a.count,
                      "At most this many versions, at least 1 (default 10)");
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

absl::Status RunConfig(Session& session, const Args& args) {
  return WriteStdout(FormatSettings(session.loaded_settings(), args.json));
}

void AddConfig(CLI::App& app, Args& a, Runner* run) {
  CLI::App* config = AddCommand(
      app, "config",
      "Print the effective [state_management] settings, each with where it "
      "came from: a settings file's FILE:LINE:COLUMN, an environment "
      "variable, the command line, or the default.",
      "  dotlog config\n"
      "  dotlog --settings defaults.toml --settings ~/.config/dotfiles/"
      "settings.toml config --json | jq '.\"state_management.recent_limit\"'",
      RunConfig, run);
  config->add_flag("--json", a.json,
                   "Print one JSON object: name -> {value, origin}");
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
      "  dotlog watch --initial wallpaper/ | while read -r line; do ...; done\n"
      "  dotlog watch --initial --exact --format waybar --template "
      "'{basename}' wallpaper/current/DP-1",
      RunWatchCommand, run);
  watch->add_option("PREFIX", a.prefix, "Only keys starting with this");
  watch->add_flag("--initial", a.initial,
                  "First print every matching live key as a put line");
  watch->add_flag("--exact", a.exact,
                  "PREFIX is a whole key: only that key matches");
  watch
      ->add_option("--format", a.watch_format,
                   "json (default), or waybar: one JSON object per line with "
                   "text, tooltip, class (put or del) and alt (the key after "
                   "its last /), for waybar's custom module (return-type "
                   "json) and eww's deflisten")
      ->check(CLI::IsMember({"json", "waybar"}));
  watch->add_option_function<std::string>(
      "--template", [&a](const std::string& t) { a.status_template = t; },
      "With --format waybar, the text: {value} (a string unquoted), {json}, "
      "{basename} (of the value), {key}, {name} (the key after its last /), "
      "{op}, {ts}; default {value}");
}

// Every subcommand, by name, with the function that builds its parser.
struct Command {
  const char* name;
  void (*add)(CLI::App& app, Args& a, Runner* run);
};
constexpr Command kCommands[] = {
    {"set", AddSet},         {"get", AddGet},       {"del", AddDel},
    {"incr", AddIncr},       {"cas", AddCas},       {"expire", AddExpire},
    {"ls", AddLs},           {"ttl", AddTtl},       {"history", AddHistory},
    {"compact", AddCompact}, {"verify", AddVerify}, {"stats", AddStats},
    {"config", AddConfig},
    {"load", AddLoad},       {"watch", AddWatch},
    {"wallpaper", AddWallpaperVerbs},
    {"colorscheme", AddColorschemeVerbs},
    {"component", AddComponentVerbs},
    {"health", AddHealthVerbs},
    {"event", AddEventVerbs},
    {"state", AddStateVerbs},
    {"backup", AddBackup},
    {"restore", AddRestore},
    {"import", AddImport},
    {"cleanup", AddCleanup},
    {"sync", AddSync},
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

// The first argument that is neither an option of `app` nor an option's
// value: the subcommand the user meant. Empty if there is none.
std::string_view CommandWord(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return i + 1 < argc ? argv[i + 1] : "";
    if (!arg.starts_with('-') || arg == "-") return arg;
    if (arg.find('=') != std::string_view::npos) continue;
    const CLI::Option* option = app.get_option_no_throw(std::string(arg));
    if (option != nullptr && option->get_items_expected_min() > 0) ++i;
  }
  return "";
}

// InvalidArgument naming `word` and the registered subcommand closest to
// it, if `word` is not the name of one; OK otherwise.
absl::Status CheckCommandWord(const CLI::App& app, std::string_view word) {
  if (word.empty()) return absl::OkStatus();
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->check_name(std::string(word))) return absl::OkStatus();
    names.push_back(sub->get_name());
  }
  const std::optional<std::string> closest = ClosestName(word, names);
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown command ", QuoteKey(word),
      closest ? absl::StrCat(" (did you mean \"", *closest, "\"?)") : "",
      "; see dotlog --help"));
}

}  // namespace

int RunDotlog(int argc, char** argv) {
  StartTool();
  CLI::App app(
      "dotlog: a crash-safe key-value store of JSON values, kept as "
      "append-only JSON Lines files.",
      kProgram);
  app.footer(kFooter);
  app.set_version_flag("--version",
                       absl::StrCat(kProgram, " ", LibraryRelease()));
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  std::string dir;
  std::string sync;
  std::vector<std::string> settings_files;
  app.add_option("--dir", dir,
                 "The store directory (default: state_dir in the settings, "
                 "else $DOTLOG_DIR, else $XDG_DATA_HOME/dotfiles/state)");
  app.add_option("--settings", settings_files,
                 "A settings.toml to read ([state_management]); repeat for "
                 "layers, the later winning (default: $DOTFILES_SETTINGS, "
                 "else ~/.config/dotfiles/settings.toml)");
  app.add_option("--sync", sync,
                 "always: every write is on disk before dotlog exits; none: "
                 "the OS writes it back later (faster; a power loss may lose "
                 "recent writes)")
      ->check(CLI::IsMember({"always", "none"}));
  Args args;
  Runner run = nullptr;
  AddCommands(app, args, &run, argc, argv);
  if (absl::Status s = CheckCommandWord(app, CommandWord(app, argc, argv));
      !s.ok()) {
    return Finish(kProgram, s);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Finish(kProgram, absl::InvalidArgumentError(std::string(e.what()) +
                                                       " (see dotlog --help)"));
  }
  auto settings = LoadToolSettings(kProgram, settings_files, dir, sync);
  if (!settings.ok()) return Finish(kProgram, settings.status());
  const std::string store_dir = settings->settings.state_dir;
  const SyncMode sync_mode = settings->settings.sync == "none"
                                 ? SyncMode::kNone
                                 : SyncMode::kAlways;
  Session session(store_dir, sync_mode, kProgram, *std::move(settings));
  // Invariant: require_subcommand(1) made exactly one callback set `run`.
  assert(run != nullptr);
  return Finish(kProgram, run(session, args));
}

}  // namespace dotlog::cli
