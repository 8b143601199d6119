// What merges rather than replaces, through a real redis-server: the
// event logs of several machines.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "dotlog/state/state_manager.h"
#include "support/redis_server.h"
#include "support/status_helpers.h"
#include "sync/sync_machine.h"

namespace dotlog {
namespace {

using testing::Machine;
using testing::RedisServer;
using testing::Value;

// (event type, details) -> how many times the events of `state` hold it.
std::map<std::pair<std::string, std::string>, int> Events(
    StateManager& state) {
  std::map<std::pair<std::string, std::string>, int> out;
  for (const Event& e : Value(state.QueryEvents({}))) {
    ++out[{e.event_type, e.details}];
  }
  return out;
}

TEST_CASE("Events written on both machines all appear on both") {
  RedisServer server;
  Machine a("a", server.port()), b("b", server.port());
  auto state_a = Value(StateManager::ForStore(a.store.get()));
  auto state_b = Value(StateManager::ForStore(b.store.get()));
  // Both stores hand out ids 1 to 5: equal keys, different events.
  for (int i = 0; i < 5; ++i) {
    const std::string details = "{\"n\":" + std::to_string(i) + "}";
    REQUIRE_OK(state_a->AppendEvent("from_a", "", details));
    REQUIRE_OK(state_b->AppendEvent("from_b", "bar", details));
  }
  a.Round();
  b.Round();
  a.Round();
  const auto events_a = Events(*state_a), events_b = Events(*state_b);
  CHECK(events_a.size() == 10);
  CHECK(events_a == events_b);
  // Another machine's events are kept under their machine's name.
  CHECK(b.Has("state/event/00000000000000000001@a"));
  CHECK(a.Has("state/event/00000000000000000001@b"));
  CHECK(a.Has("state/event/00000000000000000001"));
  // The event counter stays each machine's own.
  CHECK(a.Get("state/event-counter") == R"({"layout":1,"last_id":5})");
}

}  // namespace
}  // namespace dotlog
