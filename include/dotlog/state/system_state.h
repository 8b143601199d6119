// The dotfiles system's current state: the wallpaper on each monitor, the
// active colour scheme, the last backup and each component's health.
#ifndef DOTLOG_STATE_SYSTEM_STATE_H_
#define DOTLOG_STATE_SYSTEM_STATE_H_

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dotlog {

// The wallpaper shown on one monitor.
struct MonitorWallpaper {
  std::string monitor;  // the monitor's name, e.g. "DP-1"
  std::string path;     // normalised wallpaper path
  std::chrono::system_clock::time_point set_at;
};

// The active colour scheme.
struct ColorScheme {
  std::string name;
  std::string metadata;  // a JSON object (minified text), "{}" if none given
  std::chrono::system_clock::time_point set_at;
};

// The last successful backup.
struct BackupRecord {
  std::chrono::system_clock::time_point at;  // when the backup was taken
  std::string location;                      // where it went, as given
};

// A component's health.
enum class HealthStatus { kOk, kDegraded, kFailed };

// "ok", "degraded" or "failed".
std::string_view HealthStatusName(HealthStatus status);
// The status named `name` (exactly one of the names above). InvalidArgument
// naming the accepted names otherwise.
absl::StatusOr<HealthStatus> ParseHealthStatus(std::string_view name);

// The last health report of one component.
struct Health {
  std::string component;
  HealthStatus status = HealthStatus::kOk;
  std::chrono::system_clock::time_point checked_at;
  std::string message;  // free text, may be empty
};

}  // namespace dotlog

#endif  // DOTLOG_STATE_SYSTEM_STATE_H_
