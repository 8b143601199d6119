#include "cli/state_verbs_support.h"

#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "absl/strings/str_cat.h"
#include "dotlog/state/settings.h"
#include "format/json_text.h"
#include "format/timestamp.h"
#include "cli/conventions.h"

namespace dotlog::cli {

StateArgs& StateArgsOfThisRun() {
  static StateArgs args;
  return args;
}

absl::StatusOr<StateManager*> OpenState(Session& session,
                                        StateAccess access) {
  static std::unique_ptr<StateManager> state;
  if (state != nullptr) return state.get();
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  StateOptions options = ToStateOptions(session.settings());
  options.read_only = access == StateAccess::kRead;
  if (access == StateAccess::kMaintain) options.auto_cleanup = false;
  auto opened = StateManager::ForStore(*store, options);

  if (!opened.ok()) return AsStoreError(opened.status());
  state = *std::move(opened);
  return state.get();
}

absl::StatusOr<ObjectAndState> ObjectThenState(Session& session) {
  const StateArgs& a = StateArgsOfThisRun();
  auto object = MetadataObject(a.json, a.sets);
  if (!object.ok()) return object.status();
  auto state = OpenState(session);
  if (!state.ok()) return state.status();
  return ObjectAndState{.object = *std::move(object), .state = *state};
}

CLI::App* AddGroup(CLI::App& app, const char* name, const char* what,
                   const char* footer) {
  CLI::App* group = app.add_subcommand(name, what);
  group->require_subcommand(1);
  group->fallthrough();
  group->footer(footer);
  return group;
}

CLI::App* AddVerb(CLI::App& group, const char* name, const char* what,
                  const char* example, VerbRunner runner, VerbRunner* run,
                  bool json) {
  CLI::App* verb = group.add_subcommand(name, what);
  verb->footer(std::string("Example:\n") + example);
  verb->fallthrough();
  verb->callback([runner, run] { *run = runner; });
  if (json) {
    verb->add_flag("--json", StateArgsOfThisRun().json_out,
                   "Print JSON (shapes in README, \"State verbs\")");
  }
  return verb;
}

void AddObjectOptions(CLI::App* verb, const char* name) {
  StateArgs& a = StateArgsOfThisRun();
  verb->add_option(name, a.json, "A JSON object (default {})");
  verb->add_option("--set", a.sets,
                   absl::StrCat("field=value, added to ", name,
                                " (replacing a field of that name); a value "
                                "that is not valid JSON is a string"));
}

absl::Status Answer(bool yes) {
  return yes ? absl::OkStatus() : absl::NotFoundError("");
}

void ListRows::Add(std::string_view row) {
  if (json && count > 0) text.push_back(',');
  ++count;
  text += row;
  if (!json) text.push_back('\n');
}

void ListRows::Close() {
  if (json) text += "]\n";
}

namespace {

// The members of the JSON object `object`, minified, in order.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Members(
    std::string_view object) {
  std::vector<std::pair<std::string, std::string>> members;
  if (object.empty()) return members;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto e = parser.parse(object.data(), object.size()).get(doc); e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata is not valid JSON: ", simdjson::error_message(e)));
  }
  simdjson::dom::object members_in;
  if (doc.get(members_in) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("metadata is not a JSON object");
  }
  for (auto [key, value] : members_in) {
    members.emplace_back(std::string(key), simdjson::minify(value));
  }
  return members;
}

}  // namespace

absl::StatusOr<std::string> MetadataObject(
    std::string_view object, const std::vector<std::string>& sets) {
  auto members = Members(object);
  if (!members.ok()) return members.status();
  for (const std::string& set : sets) {
    const size_t eq = set.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--set ", JsonString(set), ": expected field=value"));
    }
    std::string field = set.substr(0, eq);
    std::string_view text = std::string_view(set).substr(eq + 1);
    auto json = MinifyJsonValue(text);
    std::string value = json.ok() ? *json : JsonString(text);
    bool replaced = false;
    for (auto& [k, v] : *members) {
      if (k == field) {
        v = value;
        replaced = true;
      }
    }
    if (!replaced) members->emplace_back(std::move(field), std::move(value));
  }
  std::string out = "{";
  for (const auto& [k, v] : *members) {
    if (out.size() > 1) out.push_back(',');
    AppendJsonString(&out, k);
    out.push_back(':');
    out.append(v);
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<std::chrono::system_clock::time_point> ParseTimeBound(
    std::string_view text, std::chrono::system_clock::time_point now) {
  if (auto ms = ParseTimestamp(text); ms.ok()) return FromUnixMillis(*ms);
  auto ago = ParseDuration(text);
  if (!ago.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("time ", JsonString(text),
                     ": expected an RFC 3339 time or a duration such as 2h"));
  }
  return now - *ago;
}

std::string JsonString(std::string_view text) {
  std::string out;
  AppendJsonString(&out, IsValidUtf8(text) ? text : "?");
  return out;
}

std::string JsonTime(std::chrono::system_clock::time_point t) {
  return absl::StrCat("\"", TextTime(t), "\"");
}

std::string TextTime(std::chrono::system_clock::time_point t) {
  return FormatTimestamp(ToUnixMillis(t));
}

}  // namespace dotlog::cli
