// `dotlog event log|ls|tail`: the event log of commands and errors.
#include <CLI/CLI.hpp>
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
#include "cli/state_verbs.h"
#include "cli/state_verbs_support.h"

namespace dotlog::cli {
namespace {

// {"id":...,"time":...,"event_type":...,"component":...,"details":{...}}
std::string EventJson(const Event& e) {
  return absl::StrCat("{\"id\":", e.id, ",\"time\":", JsonTime(e.time),
                      ",\"event_type\":", JsonString(e.event_type),
                      ",\"component\":", JsonString(e.component),
                      ",\"details\":", e.details, "}");
}

// TIME ID TYPE COMPONENT DETAILS, "-" for no component.
std::string EventText(const Event& e) {
  return absl::StrCat(TextTime(e.time), " ", e.id, " ", e.event_type, " ",
                      e.component.empty() ? "-" : e.component, " ", e.details);
}

absl::Status RunEventLog(Session& session, const Args&) {
  const StateArgs& a = StateArgsOfThisRun();
  auto opened = ObjectThenState(session);
  if (!opened.ok()) return opened.status();
  return EchoJson(
      opened->state->AppendEvent(a.name, a.component, opened->object),
      EventJson);
}

// The query that `ls` and `tail` share: the filters given, and the limit.
absl::StatusOr<EventQuery> QueryOf(const StateArgs& a) {
  EventQuery query;
  if (!a.name.empty()) query.event_type = a.name;
  if (!a.component.empty()) query.component = a.component;
  const auto now = std::chrono::system_clock::now();
  if (!a.since.empty()) {
    auto t = ParseTimeBound(a.since, now);
    if (!t.ok()) return t.status();
    query.since = *t;
  }
  if (!a.until.empty()) {
    auto t = ParseTimeBound(a.until, now);
    if (!t.ok()) return t.status();
    query.until = *t;
  }
  if (a.limit != kNoLimit) query.limit = a.limit;
  return query;
}

absl::Status RunEventQuery(Session& session, bool oldest_first) {
  const StateArgs& a = StateArgsOfThisRun();
  auto query = QueryOf(a);
  if (!query.ok()) return query.status();
  auto state = OpenState(session, StateAccess::kRead);
  if (!state.ok()) return state.status();
  auto events = (*state)->QueryEvents(*query);
  if (!events.ok()) return events.status();
  if (oldest_first) std::reverse(events->begin(), events->end());
  return WriteStdout(ListText(*events, a.json_out, EventJson, EventText));
}

absl::Status RunEventLs(Session& session, const Args&) {
  return RunEventQuery(session, false);
}

absl::Status RunEventTail(Session& session, const Args&) {
  return RunEventQuery(session, true);
}

// The filters of `ls` and `tail`.
void AddFilters(CLI::App* verb, StateArgs& a) {
  verb->add_option("--type", a.name, "Only events of this type");
  verb->add_option("--component", a.component, "Only about this component");
  verb->add_option("--since", a.since,
                   "Only at or after: an RFC 3339 time, or a duration ago "
                   "(2h, 7d)");
  verb->add_option("--until", a.until, "Only before (same forms as --since)");
}

}  // namespace

void AddEventVerbs(CLI::App& app, Args&, VerbRunner* run) {
  StateArgs& a = StateArgsOfThisRun();
  CLI::App* group = AddGroup(
      app, "event",
      "The event log: command history and errors alike. It keeps the newest "
      "10,000 events, none older than 90 days.",
      "Exit codes: 0 success; 2 usage error or bad input (nothing is "
      "written); 3 store error.");
  CLI::App* log = AddVerb(
      *group, "log",
      "Append an event of TYPE with DETAILS (a JSON object and/or --set "
      "flags); dotlog adds its id (rising in commit order across processes) "
      "and time.",
      "  dotlog event log error --component swww --set message='no display'",
      RunEventLog, run, true);
  log->add_option("TYPE", a.name, "The event type, e.g. command or error")
      ->required();
  AddObjectOptions(log, "DETAILS");
  log->add_option("--component", a.component, "What the event is about");

  CLI::App* ls = AddVerb(
      *group, "ls",
      "List events, newest first, as TIME ID TYPE COMPONENT DETAILS lines.",
      "  dotlog event ls --type error --since 1d -n 20 --json | jq .",
      RunEventLs, run, true);
  AddFilters(ls, a);
  ls->add_option("-n", a.limit, "At most this many (the newest)");

  CLI::App* tail = AddVerb(
      *group, "tail", "Print the newest N events (default 10), oldest first.",
      "  dotlog event tail -n 5 --type command", RunEventTail, run, true);
  AddFilters(tail, a);
  tail->add_option("-n", a.limit, "How many (default 10)");
  tail->preparse_callback([](size_t) {
    if (StateArgsOfThisRun().limit == kNoLimit) StateArgsOfThisRun().limit = 10;
  });
}

}  // namespace dotlog::cli
