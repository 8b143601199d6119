// `dotlog colorscheme|state`: the active colour scheme and free-form
// state. (`dotlog backup` itself writes backups and records the last one.)
#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
#include "cli/state_verbs.h"
#include "cli/state_verbs_support.h"
#include "cli/verb_output.h"

namespace dotlog::cli {
namespace {

constexpr char kExitCodes[] =
    "Exit codes: 0 success; 1 nothing recorded; 2 usage error or bad input "
    "(nothing is written); 3 store error.";

// A NotFound from a getter is an answer: exit 1 with nothing printed.
absl::Status Quiet(const absl::Status& s) {
  return absl::IsNotFound(s) ? Answer(false) : s;
}

absl::Status RunColorschemeSet(Session& session, const Args&) {
  auto opened = ObjectThenState(session);
  if (!opened.ok()) return opened.status();
  return opened->state
      ->SetColorScheme(StateArgsOfThisRun().name, opened->object)
      .status();
}

absl::Status RunColorschemeGet(Session& session, const Args&) {
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  auto scheme = (*state)->GetColorScheme();
  if (!scheme.ok()) return Quiet(scheme.status());
  if (!StateArgsOfThisRun().json_out) return WriteStdout(scheme->name + "\n");
  return WriteStdout(absl::StrCat("{\"name\":", JsonString(scheme->name),
                                  ",\"metadata\":", scheme->metadata,
                                  ",\"set_at\":", JsonTime(scheme->set_at),
                                  "}\n"));
}

absl::Status RunStateSet(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  auto state = OpenState(session);
  if (!state.ok()) return state.status();
  return (*state)->SetState(a.name, a.json);
}

absl::Status RunStateGet(Session& session, const Args&) {
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  auto value = (*state)->GetState(StateArgsOfThisRun().name);
  if (!value.ok()) return Quiet(value.status());
  auto text = ValueToPrint(*value, StateArgsOfThisRun().raw);
  if (!text.ok()) return text.status();
  return WriteStdout(*text + "\n");
}

absl::Status RunStateDel(Session& session, const Args&) {
  auto state = OpenState(session);
  if (!state.ok()) return state.status();
  return (*state)->DeleteState(StateArgsOfThisRun().name);
}

}  // namespace

void AddColorschemeVerbs(CLI::App& app, Args&, VerbRunner* run) {
  StateArgs& a = StateArgsOfThisRun();
  CLI::App* group =
      AddGroup(app, "colorscheme", "The active colour scheme.", kExitCodes);
  CLI::App* set = AddVerb(
      *group, "set",
      "Make NAME the active colour scheme, with optional metadata (a JSON "
      "object and/or --set flags).",
      "  dotlog colorscheme set gruvbox --set variant=dark", RunColorschemeSet,
      run);
  set->add_option("NAME", a.name, "The scheme's name")->required();
  AddObjectOptions(set, "METADATA");
  AddVerb(*group, "get",
          "Print the active colour scheme's name (exit 1 if none was set).",
          "  dotlog colorscheme get --json | jq .metadata", RunColorschemeGet,
          run, true);
}

void AddStateVerbs(CLI::App& app, Args&, VerbRunner* run) {
  StateArgs& a = StateArgsOfThisRun();
  CLI::App* group = AddGroup(
      app, "state",
      "Free-form state of the dotfiles system, under a prefix of its own "
      "that no other state shares.",
      kExitCodes);
  CLI::App* set =
      AddVerb(*group, "set", "Store a JSON value under KEY.",
              "  dotlog state set bar/layout '{\"left\":3}'", RunStateSet, run);
  set->add_option("KEY", a.name, "The key")->required();
  set->add_option("VALUE", a.json, "JSON text")->required();
  CLI::App* get = AddVerb(
      *group, "get",
      "Print KEY's value as compact JSON (exit 1, printing nothing, if none).",
      "  dotlog state get --raw bar/mode", RunStateGet, run);
  get->add_option("KEY", a.name, "The key")->required();
  get->add_flag("--raw,-r", a.raw,
                "Print a string value without quotes or escapes (like jq -r)");
  AddVerb(*group, "del", "Remove KEY (exit 1 if it holds nothing).",
          "  dotlog state del bar/layout", RunStateDel, run)
      ->add_option("KEY", a.name, "The key")
      ->required();
}

}  // namespace dotlog::cli
