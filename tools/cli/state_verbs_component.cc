// `dotlog component|health`: installed components and their health.
#include <CLI/CLI.hpp>
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/io.h"
#include "cli/state_verbs.h"
#include "cli/state_verbs_support.h"
#include "format/pretty_json.h"
#include "util/strings.h"

namespace dotlog::cli {
namespace {

// {"name":...,"version":...,"config":{...},"installed_at":...,
//  "updated_at":...}
std::string ComponentJson(const Component& c) {
  return absl::StrCat(
      "{\"name\":", JsonString(c.name), ",\"version\":", JsonString(c.version),
      ",\"config\":", c.config, ",\"installed_at\":", JsonTime(c.installed_at),
      ",\"updated_at\":", JsonTime(c.updated_at), "}");
}

std::string ComponentText(const Component& c) {
  std::string out =
      absl::StrCat("name: ", c.name, "\nversion: ", c.version,
                   "\ninstalled_at: ", TextTime(c.installed_at),
                   "\nupdated_at: ", TextTime(c.updated_at), "\nconfig: ");
  AppendPrettyJson(c.config, 0, &out);
  out.push_back('\n');
  return out;
}

// {"component":...,"status":...,"checked_at":...,"message":...}
std::string HealthJson(const Health& h) {
  return absl::StrCat("{\"component\":", JsonString(h.component),
                      ",\"status\":\"", AV(HealthStatusName(h.status)),
                      "\",\"checked_at\":", JsonTime(h.checked_at),
                      ",\"message\":", JsonString(h.message), "}");
}

absl::Status RunComponentAdd(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  auto opened = ObjectThenState(session);
  if (!opened.ok()) return opened.status();
  return EchoJson(
      opened->state->InstallComponent(a.name, a.version, opened->object),
      ComponentJson);
}

absl::Status RunComponentRm(Session& session, const Args&) {
  auto state = OpenState(session);
  if (!state.ok()) return state.status();
  return (*state)->RemoveComponent(StateArgsOfThisRun().name);
}

absl::Status RunComponentShow(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  auto c = (*state)->GetComponent(a.name);
  if (!c.ok()) return c.status();
  return WriteStdout(a.json_out ? ComponentJson(*c) + "\n" : ComponentText(*c));
}

absl::Status RunComponentLs(Session& session, const Args&) {
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  return PrintList(
      (*state)->ListComponents(), ComponentJson,
      [](const Component& c) { return absl::StrCat(c.name, "\t", c.version); });
}

absl::Status RunHealthSet(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  auto status = ParseHealthStatus(a.status);
  if (!status.ok()) return status.status();
  auto state = OpenState(session);
  if (!state.ok()) return state.status();
  return (*state)->SetHealth(a.name, *status, a.message).status();
}

absl::Status RunHealthLs(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  auto list = (*state)->ListHealth();
  if (!list.ok()) return list.status();
  const std::string out =
      ListText(*list, a.json_out, HealthJson, [](const Health& h) {
        std::string line =
            absl::StrFormat("%-16s %-8s %s", h.component,
                            HealthStatusName(h.status), h.message);
        line.erase(line.find_last_not_of(' ') + 1);
        return line;
      });
  if (absl::Status s = WriteStdout(out); !s.ok()) return s;
  return Answer(std::all_of(list->begin(), list->end(), [](const Health& h) {
    return h.status == HealthStatus::kOk;
  }));
}

}  // namespace

void AddComponentVerbs(CLI::App& app, Args&, VerbRunner* run) {
  StateArgs& a = StateArgsOfThisRun();
  CLI::App* group = AddGroup(
      app, "component", "The installed components of the dotfiles system.",
      "Exit codes: 0 success; 1 not installed (rm, show); 2 usage error or "
      "bad input (nothing is written); 3 store error.");
  CLI::App* add = AddVerb(
      *group, "add",
      "Record NAME as installed, with its version and config overrides (a "
      "JSON object and/or --set flags). installed_at is kept from the first "
      "add; updated_at is set on every add.",
      "  dotlog component add waybar --version 0.10.4 --set position=top",
      RunComponentAdd, run, true);
  add->add_option("NAME", a.name, "The component")->required();
  AddObjectOptions(add, "CONFIG");
  add->add_option("--version", a.version, "Its version (default empty)");
  AddVerb(*group, "rm", "Forget NAME (exit 1 if it is not installed).",
          "  dotlog component rm waybar", RunComponentRm, run)
      ->add_option("NAME", a.name, "The component")
      ->required();
  AddVerb(*group, "show",
          "Print NAME's record (exit 1 if it is not installed).",
          "  dotlog component show waybar --json | jq .config",
          RunComponentShow, run, true)
      ->add_option("NAME", a.name, "The component")
      ->required();
  AddVerb(*group, "ls", "List installed components as NAME<TAB>VERSION.",
          "  dotlog component ls --json | jq -r '.[].name'", RunComponentLs,
          run, true);
}

void AddHealthVerbs(CLI::App& app, Args&, VerbRunner* run) {
  StateArgs& a = StateArgsOfThisRun();
  CLI::App* group = AddGroup(
      app, "health", "Each component's last health report.",
      "Exit codes: 0 success (ls: every component ok); 1 some component is "
      "not ok (ls); 2 usage error or bad input; 3 store error.");
  CLI::App* set = AddVerb(
      *group, "set", "Record COMPONENT's health, checked now.",
      "  dotlog health set swww degraded 'daemon slow'", RunHealthSet, run);
  set->add_option("COMPONENT", a.name, "The component")->required();
  set->add_option("STATUS", a.status, "ok, degraded or failed")->required();
  set->add_option("MESSAGE", a.message, "Free text");
  AddVerb(*group, "ls",
          "List every component's health; exit 0 if every one is ok (or none "
          "is recorded), 1 otherwise: a status bar's exec-if.",
          "  dotlog health ls\n"
          "  \"exec-if\": \"! dotlog health ls >/dev/null\"",
          RunHealthLs, run, true);
}

}  // namespace dotlog::cli
