// The event log: command history and errors alike.
#ifndef DOTLOG_STATE_EVENTS_H_
#define DOTLOG_STATE_EVENTS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace dotlog {

// One logged event.
struct Event {
  // Filled by dotlog: ids rise in the order appends take the store's write
  // lock, across every process, starting at 1.
  uint64_t id = 0;
  std::chrono::system_clock::time_point time;
  std::string event_type;  // e.g. "command" or "error"; never empty
  std::string component;   // may be empty
  std::string details;     // a JSON object (minified text)
};

// Which events StateManager::QueryEvents returns: those matching every
// field that is set, newest first.
struct EventQuery {
  std::optional<std::string> event_type;  // exactly this type
  std::optional<std::string> component;   // exactly this component
  // Events at or after `since` and strictly before `until`.
  std::optional<std::chrono::system_clock::time_point> since;
  std::optional<std::chrono::system_clock::time_point> until;
  // At most this many (the newest ones); empty: all. Negative is
  // InvalidArgument.
  std::optional<int64_t> limit;
};

}  // namespace dotlog

#endif  // DOTLOG_STATE_EVENTS_H_
