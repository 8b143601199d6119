// The event log and free-form state.
#include <catch2/catch.hpp>
#include <string>

#include "dotlog/state/state_manager.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using testing::Value;

constexpr auto kDay = std::chrono::hours(24);

struct Fixture : testing::StateFixture {
  explicit Fixture(size_t max_count = 10000)
      : StateFixture(
            testing::OptionsWith(&StateOptions::event_max_count, max_count)) {}

  std::vector<uint64_t> Ids(const EventQuery& query = {}) {
    std::vector<uint64_t> ids;
    for (const Event& e : Value(state->QueryEvents(query))) ids.push_back(e.id);
    return ids;
  }
};

TEST_CASE("Appended events get rising ids and the time") {
  Fixture f;
  Event first = Value(
      f.state->AppendEvent("command", "wallpaper", "{\"argv\": [\"set\"]}"));
  CHECK(first.id == 1);
  CHECK(first.time == f.clock.Now());
  CHECK(first.details == "{\"argv\":[\"set\"]}");
  f.clock.Advance(std::chrono::seconds(1));
  Event second = Value(f.state->AppendEvent("error", ""));
  CHECK(second.id == 2);
  CHECK(second.details == "{}");
  auto all = Value(f.state->QueryEvents({}));
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == 2);
  CHECK(all[0].event_type == "error");
  CHECK(all[0].component.empty());
  CHECK(all[1].id == 1);
  CHECK(all[1].component == "wallpaper");
  CHECK(all[1].details == first.details);
  CHECK(all[1].time == first.time);
}

TEST_CASE(
    "Queries select by type, component and time range, newest first, "
    "up to a limit") {
  Fixture f;
  const auto start = f.clock.Now();
  for (int i = 0; i < 6; ++i) {
    REQUIRE_OK(f.state->AppendEvent(i % 2 ? "error" : "command",
                                    i % 3 ? "waybar" : "rofi"));
    f.clock.Advance(std::chrono::seconds(1));
  }
  EventQuery errors;
  errors.event_type = "error";
  CHECK(f.Ids(errors) == std::vector<uint64_t>{6, 4, 2});
  EventQuery rofi;
  rofi.component = "rofi";
  CHECK(f.Ids(rofi) == std::vector<uint64_t>{4, 1});
  EventQuery both = errors;
  both.component = "waybar";
  CHECK(f.Ids(both) == std::vector<uint64_t>{6, 2});
  EventQuery range;
  range.since = start + std::chrono::seconds(1);
  range.until = start + std::chrono::seconds(4);
  CHECK(f.Ids(range) == std::vector<uint64_t>{4, 3, 2});
  EventQuery limited;
  limited.limit = 2;
  CHECK(f.Ids(limited) == std::vector<uint64_t>{6, 5});
  limited.limit = 0;
  CHECK(f.Ids(limited).empty());
}

TEST_CASE("A negative limit is InvalidArgument") {
  Fixture f;
  EventQuery q;
  q.limit = -1;
  auto result = f.state->QueryEvents(q);
  CHECK(absl::IsInvalidArgument(result.status()));
  CHECK(std::string(result.status().message()).starts_with("limit"));
}

TEST_CASE(
    "The event log keeps the newest events up to the count limit, in "
    "the store too") {
  Fixture f(3);
  for (int i = 0; i < 5; ++i) REQUIRE_OK(f.state->AppendEvent("command", ""));
  CHECK(f.Ids() == std::vector<uint64_t>{5, 4, 3});
  CHECK(Value(f.state->store().ListKeys("state/event/")).size() == 3);
}

TEST_CASE("Events older than the age limit are gone") {
  Fixture f;
  REQUIRE_OK(f.state->AppendEvent("command", ""));
  f.clock.Advance(10 * kDay);
  REQUIRE_OK(f.state->AppendEvent("command", ""));
  f.clock.Advance(80 * kDay);
  CHECK(f.Ids() == std::vector<uint64_t>{2});
  CHECK(Value(f.state->store().ListKeys("state/event/")).size() == 1);
  f.clock.Advance(10 * kDay);
  CHECK(f.Ids().empty());
  REQUIRE_OK(f.state->AppendEvent("command", ""));
  CHECK(f.Ids() == std::vector<uint64_t>{3});
}

TEST_CASE("Event input is checked") {
  Fixture f;
  CHECK(absl::IsInvalidArgument(f.state->AppendEvent("", "").status()));
  CHECK(absl::IsInvalidArgument(f.state->AppendEvent("x", "a\nb").status()));
  auto details = f.state->AppendEvent("x", "", "1");
  CHECK(absl::IsInvalidArgument(details.status()));
  CHECK(std::string(details.status().message()).starts_with("details"));
  CHECK(f.Ids().empty());
}

TEST_CASE("Free-form state is set, read and deleted under its own prefix") {
  Fixture f;
  REQUIRE_OK(f.state->SetState("colorscheme", " [1, 2] "));
  CHECK(Value(f.state->GetState("colorscheme")) == "[1,2]");
  // It is not the colour scheme.
  CHECK(absl::IsNotFound(f.state->GetColorScheme().status()));
  REQUIRE_OK(f.state->DeleteState("colorscheme"));
  CHECK(absl::IsNotFound(f.state->GetState("colorscheme").status()));
  CHECK(absl::IsNotFound(f.state->DeleteState("colorscheme")));
  CHECK(absl::IsInvalidArgument(f.state->SetState("k", "{")));
  CHECK(absl::IsInvalidArgument(f.state->SetState("", "1")));
}

}  // namespace
}  // namespace dotlog
