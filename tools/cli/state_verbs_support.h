// What the dotfiles-state verbs share: their parsed arguments, opening the
// state, building verb groups, and the small pieces of JSON they print.
#ifndef DOTLOG_TOOLS_CLI_STATE_VERBS_SUPPORT_H_
#define DOTLOG_TOOLS_CLI_STATE_VERBS_SUPPORT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/io.h"
#include "cli/session.h"
#include "cli/state_verbs.h"
#include "dotlog/state/state_manager.h"

namespace CLI {
class App;
}  // namespace CLI

namespace dotlog::cli {

// The value of StateArgs::limit when -n is not given.
inline constexpr int64_t kNoLimit = INT64_MIN;

// Every argument and option of the state verbs, as CLI11 filled them in.
// One process runs one verb, so one instance (StateArgsOfThisRun) serves.
struct StateArgs {
  std::string name;               // MONITOR, NAME, COMPONENT, KEY, TYPE
  std::string path;               // PATH
  std::string json;               // a JSON argument (metadata, value)
  std::vector<std::string> sets;  // --set field=value
  std::string status;             // health STATUS
  std::string message;            // health MESSAGE
  std::string version;            // component --version
  std::string component;          // event --component
  std::string since;              // event ls --since
  std::string until;              // event ls --until
  int64_t limit = kNoLimit;       // -n
  bool all = false;               // invalidate --all
  bool why = false;               // check --why
  bool raw = false;               // state get --raw
  bool json_out = false;          // --json
};
StateArgs& StateArgsOfThisRun();

// How a verb uses the state. A writer's opening migrates the layout and
// runs the automatic cleanup when it is due (settings); a reader's never
// writes; kMaintain migrates but leaves cleanup to the verb.
enum class StateAccess { kRead, kWrite, kMaintain };

// The state of the session's store, opened on the first call; failures to
// open are store errors (exit 3).
absl::StatusOr<StateManager*> OpenState(
    Session& session, StateAccess access = StateAccess::kWrite);

// The JSON object that AddObjectOptions gathered (MetadataObject), checked
// before the state is opened for writing, so that bad input writes nothing.
struct ObjectAndState {
  std::string object;
  StateManager* state;
};
absl::StatusOr<ObjectAndState> ObjectThenState(Session& session);

// Adds the verb group `name` (a subcommand that requires one of its own)
// with `what` as its description and `footer` after its help.
CLI::App* AddGroup(CLI::App& app, const char* name, const char* what,
                   const char* footer);
// Adds verb `name` to `group`; its help ends with `example`; selecting it
// sets `*run` to `runner`. With `json`, adds the --json flag too.
CLI::App* AddVerb(CLI::App& group, const char* name, const char* what,
                  const char* example, VerbRunner runner, VerbRunner* run,
                  bool json = false);

// Adds the optional positional `name` (a JSON object, into
// StateArgs::json) and the repeatable --set field=value (into
// StateArgs::sets) that MetadataObject combines.
void AddObjectOptions(CLI::App* verb, const char* name);

// Rows of a listing: with `json`, the members of one JSON array, else one
// line each. Gathers them in `text`, which a caller may print and clear
// between rows to stream a long listing; Close ends the listing.
struct ListRows {
  explicit ListRows(bool json) : json(json), text(json ? "[" : "") {}
  void Add(std::string_view row);
  void Close();

  bool json;
  std::string text;
  size_t count = 0;  // rows added
};

// `items` as one JSON array of `to_json(item)` and a newline, or as one line
// per item of `to_text(item)`.
template <typename T, typename JsonFn, typename TextFn>
std::string ListText(const std::vector<T>& items, bool json, JsonFn to_json,
                     TextFn to_text) {
  ListRows rows(json);
  for (const T& item : items) rows.Add(json ? to_json(item) : to_text(item));
  rows.Close();
  return std::move(rows.text);
}

// What a writing verb made, printed as `to_json(made)` and a newline when
// --json was given, else nothing; a failure to make it is returned.
template <typename T, typename JsonFn>
absl::Status EchoJson(const absl::StatusOr<T>& made, JsonFn to_json) {
  if (!made.ok()) return made.status();
  if (!StateArgsOfThisRun().json_out) return absl::OkStatus();
  return WriteStdout(to_json(*made) + "\n");
}

// A listing read from the state, printed as ListText with --json deciding
// the form; a failure to read it is returned.
template <typename T, typename JsonFn, typename TextFn>
absl::Status PrintList(const absl::StatusOr<std::vector<T>>& items,
                       JsonFn to_json, TextFn to_text) {
  if (!items.ok()) return items.status();
  return WriteStdout(
      ListText(*items, StateArgsOfThisRun().json_out, to_json, to_text));
}

// A yes/no answer as a status: OK (exit 0) or an empty NotFound (exit 1,
// nothing printed).
absl::Status Answer(bool yes);

// The metadata of `wallpaper cache`: the JSON object `object` (empty means
// {}), with each "field=value" of `sets` added or replacing the member of
// that name. A value that is valid JSON is taken as JSON, anything else as a
// string. InvalidArgument names the argument that is wrong.
absl::StatusOr<std::string> MetadataObject(
    std::string_view object, const std::vector<std::string>& sets);

// A time bound of `event ls`: an RFC 3339 time, or a duration (ParseDuration)
// meaning that long before `now`.
absl::StatusOr<std::chrono::system_clock::time_point> ParseTimeBound(
    std::string_view text, std::chrono::system_clock::time_point now);

// `text` as a quoted JSON string.
std::string JsonString(std::string_view text);
// Milliseconds since the epoch as a quoted RFC 3339 time.
std::string JsonTime(std::chrono::system_clock::time_point t);
// Milliseconds since the epoch as RFC 3339 without quotes, for people.
std::string TextTime(std::chrono::system_clock::time_point t);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_STATE_VERBS_SUPPORT_H_
