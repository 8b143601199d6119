// Installed components and favourite wallpapers.
#include <catch2/catch.hpp>
#include <string>

#include "dotlog/state/state_manager.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using testing::Value;

using Fixture = testing::StateFixture;

TEST_CASE(
    "An installed component keeps its first install time and updates "
    "the rest") {
  Fixture f;
  Component first =
      Value(f.state->InstallComponent("waybar", "0.9", "{\"bar\": 1}"));
  CHECK(first.installed_at == f.clock.Now());
  CHECK(first.updated_at == f.clock.Now());
  CHECK(first.config == "{\"bar\":1}");
  const auto installed = f.clock.Now();
  f.clock.Advance(std::chrono::hours(1));
  Component second = Value(f.state->InstallComponent("waybar", "1.0"));
  CHECK(second.installed_at == installed);
  CHECK(second.updated_at == f.clock.Now());
  Component got = Value(f.state->GetComponent("waybar"));
  CHECK(got.name == "waybar");
  CHECK(got.version == "1.0");
  CHECK(got.config == "{}");
  CHECK(got.installed_at == installed);
  CHECK(got.updated_at == f.clock.Now());
}

TEST_CASE("Components are listed by name and removed one by one") {
  Fixture f;
  REQUIRE_OK(f.state->InstallComponent("waybar", "1"));
  REQUIRE_OK(f.state->InstallComponent("hyprland", "2"));
  auto all = Value(f.state->ListComponents());
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "hyprland");
  CHECK(all[1].name == "waybar");
  REQUIRE_OK(f.state->RemoveComponent("waybar"));
  CHECK(absl::IsNotFound(f.state->GetComponent("waybar").status()));
  CHECK(absl::IsNotFound(f.state->RemoveComponent("waybar")));
  CHECK(Value(f.state->ListComponents()).size() == 1);
}

TEST_CASE("Component input is checked") {
  Fixture f;
  CHECK(absl::IsInvalidArgument(f.state->InstallComponent("", "1").status()));
  auto config = f.state->InstallComponent("waybar", "1", "[]");
  CHECK(absl::IsInvalidArgument(config.status()));
  CHECK(std::string(config.status().message()).starts_with("config"));
  CHECK(absl::IsInvalidArgument(
      f.state->InstallComponent("waybar", "1\n").status()));
  CHECK(Value(f.state->ListComponents()).empty());
}

TEST_CASE("Favourites are added once, listed by path and removed") {
  Fixture f;
  Favourite a = Value(f.state->AddFavourite("/w/a.png"));
  CHECK(a.added_at == f.clock.Now());
  const auto added = f.clock.Now();
  f.clock.Advance(std::chrono::hours(1));
  REQUIRE_OK(f.state->AddFavourite("/w/b.png"));
  CHECK(Value(f.state->AddFavourite("/w/./a.png")).added_at == added);
  auto all = Value(f.state->ListFavourites());
  REQUIRE(all.size() == 2);
  CHECK(all[0].path == "/w/a.png");
  CHECK(all[0].added_at == added);
  CHECK(all[1].path == "/w/b.png");
  CHECK(Value(f.state->IsFavourite("/w/a.png")));
  REQUIRE_OK(f.state->RemoveFavourite("/w/a.png"));
  CHECK_FALSE(Value(f.state->IsFavourite("/w/a.png")));
  CHECK(absl::IsNotFound(f.state->RemoveFavourite("/w/a.png")));
}

TEST_CASE("Favourites never expire") {
  Fixture f;
  REQUIRE_OK(f.state->AddFavourite("/w/a.png"));
  f.clock.Advance(std::chrono::hours(24 * 365 * 10));
  CHECK(Value(f.state->IsFavourite("/w/a.png")));
  REQUIRE_OK(f.state->store().Compact());
  CHECK(Value(f.state->ListFavourites()).size() == 1);
}

TEST_CASE("A favourite's path must be usable") {
  Fixture f;
  CHECK(absl::IsInvalidArgument(f.state->AddFavourite("").status()));
  CHECK(absl::IsInvalidArgument(f.state->IsFavourite("").status()));
  CHECK(Value(f.state->ListFavourites()).empty());
}

}  // namespace
}  // namespace dotlog
