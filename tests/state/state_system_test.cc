// The colour scheme, backups and components' health.
#include <catch2/catch.hpp>
#include <string>

#include "dotlog/state/state_manager.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using testing::Value;

using Fixture = testing::StateFixture;

TEST_CASE("The colour scheme is set with its metadata and read back") {
  Fixture f;
  CHECK(absl::IsNotFound(f.state->GetColorScheme().status()));
  ColorScheme set =
      Value(f.state->SetColorScheme("nord", " { \"variant\" : \"dark\" } "));
  CHECK(set.metadata == "{\"variant\":\"dark\"}");
  f.clock.Advance(std::chrono::seconds(5));
  ColorScheme got = Value(f.state->GetColorScheme());
  CHECK(got.name == "nord");
  CHECK(got.metadata == "{\"variant\":\"dark\"}");
  CHECK(got.set_at == f.clock.Now() - std::chrono::seconds(5));
  REQUIRE_OK(f.state->SetColorScheme("gruvbox"));
  CHECK(Value(f.state->GetColorScheme()).name == "gruvbox");
  CHECK(Value(f.state->GetColorScheme()).metadata == "{}");
}

TEST_CASE("Colour scheme metadata that is not an object is InvalidArgument") {
  Fixture f;
  auto result = f.state->SetColorScheme("nord", "\"dark\"");
  CHECK(absl::IsInvalidArgument(result.status()));
  CHECK(std::string(result.status().message()).starts_with("metadata"));
  CHECK(absl::IsInvalidArgument(f.state->SetColorScheme("").status()));
  CHECK(absl::IsNotFound(f.state->GetColorScheme().status()));
}

TEST_CASE("The last backup is recorded with its time and location") {
  Fixture f;
  CHECK(absl::IsNotFound(f.state->LastBackup().status()));
  REQUIRE_OK(f.state->RecordBackup("/backups/one"));
  BackupRecord first = Value(f.state->LastBackup());
  CHECK(first.at == f.clock.Now());
  CHECK(first.location == "/backups/one");
  const auto earlier = f.clock.Now() - std::chrono::hours(2);
  REQUIRE_OK(f.state->RecordBackup("s3://b/two", earlier));
  BackupRecord second = Value(f.state->LastBackup());
  CHECK(second.at == earlier);
  CHECK(second.location == "s3://b/two");
  CHECK(absl::IsInvalidArgument(f.state->RecordBackup("").status()));
}

TEST_CASE("Health is recorded per component and listed by name") {
  Fixture f;
  REQUIRE_OK(f.state->SetHealth("waybar", HealthStatus::kDegraded, "slow"));
  REQUIRE_OK(f.state->SetHealth("hyprland", HealthStatus::kOk));
  f.clock.Advance(std::chrono::seconds(1));
  REQUIRE_OK(f.state->SetHealth("waybar", HealthStatus::kFailed, "crashed"));
  Health waybar = Value(f.state->GetHealth("waybar"));
  CHECK(waybar.status == HealthStatus::kFailed);
  CHECK(waybar.message == "crashed");
  CHECK(waybar.checked_at == f.clock.Now());
  auto all = Value(f.state->ListHealth());
  REQUIRE(all.size() == 2);
  CHECK(all[0].component == "hyprland");
  CHECK(all[0].status == HealthStatus::kOk);
  CHECK(all[0].message.empty());
  CHECK(all[1].component == "waybar");
  CHECK(absl::IsNotFound(f.state->GetHealth("rofi").status()));
}

TEST_CASE("Health status names parse back, and others are refused") {
  for (HealthStatus s :
       {HealthStatus::kOk, HealthStatus::kDegraded, HealthStatus::kFailed}) {
    CHECK(Value(ParseHealthStatus(HealthStatusName(s))) == s);
  }
  CHECK(HealthStatusName(HealthStatus::kDegraded) == "degraded");
  auto bad = ParseHealthStatus("OK");
  CHECK(absl::IsInvalidArgument(bad.status()));
  CHECK(std::string(bad.status().message()).find("\"ok\"") !=
        std::string::npos);
}

TEST_CASE("Health of an unnamed component is InvalidArgument") {
  Fixture f;
  CHECK(absl::IsInvalidArgument(
      f.state->SetHealth("", HealthStatus::kOk).status()));
  CHECK(absl::IsInvalidArgument(
      f.state->SetHealth("a\tb", HealthStatus::kOk).status()));
  CHECK(Value(f.state->ListHealth()).empty());
}

}  // namespace
}  // namespace dotlog
