// What every dotlog tool does around its command: find the store
// directory, open the store once, and turn the outcome into an exit code.
#ifndef DOTLOG_TOOLS_CLI_SESSION_H_
#define DOTLOG_TOOLS_CLI_SESSION_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/damage.h"
#include "dotlog/options.h"
#include "dotlog/state/settings.h"
#include "dotlog/store.h"

namespace dotlog::cli {

// The settings of one run of a tool: LoadSettings over the --settings
// `files` (else $DOTFILES_SETTINGS, else the user's settings.toml), the
// environment ($DOTLOG_DIR, $DOTLOG_SYNC, ...) and the --dir and --sync
// flags when given (not empty). Each warning (an unknown key) goes to
// standard error as "<program>: warning: ...". InvalidArgument or NotFound
// (exit 2) for a settings file that is missing, malformed or wrong.
absl::StatusOr<LoadedSettings> LoadToolSettings(
    std::string_view program, const std::vector<std::string>& files,
    const std::string& dir_flag, const std::string& sync_flag);

// Called first by every tool's main. Turns off Abseil's mutex deadlock
// detection, which builds without NDEBUG enable: a debugging aid for the
// library's own tests whose set-up costs a short-lived process more than
// reading a key does.
void StartTool();

// One run of a tool against one store directory.
class Session {
 public:
  // `program` starts the warning lines OpenStore prints. The store is
  // opened with the durability, lock timeout and history rules of
  // `settings`, except that `sync` decides durability.
  Session(std::string dir, SyncMode sync, std::string program = "dotlog",
          LoadedSettings settings = {})
      : dir_(std::move(dir)),
        sync_(sync),
        program_(std::move(program)),
        settings_(std::move(settings)) {}

  const std::string& dir() const { return dir_; }
  const Settings& settings() const { return settings_.settings; }
  // The settings with the origin of each value, for `dotlog config`.
  const LoadedSettings& loaded_settings() const { return settings_; }

  // The store, opened on the first call. Writing commands pass `create`:
  // a missing directory is then created. Reading commands do not: a missing
  // store is then an error naming the directory, and when the store holds
  // damaged records (so a value shown may be older than the newest written)
  // one warning line naming the first goes to standard error. Failures are
  // store errors (exit 3) whatever their code; see AsStoreError.
  absl::StatusOr<Store*> OpenStore(bool create = true);

 private:
  const std::string dir_;
  const SyncMode sync_;
  const std::string program_;
  const LoadedSettings settings_;
  std::unique_ptr<Store> store_;
};

// Writes one "<program>: warning: FILE:LINE: ..." line on standard error
// naming the first of `damage` and how many more there are; nothing if it
// is empty.
void WarnAboutDamage(std::string_view program,
                     const std::vector<DamagedRecord>& damage);

// Writes `status` as one error line "<program>: <message>" on standard
// error (nothing when OK or when the message is empty) and returns its exit
// code (ExitCodeFor).
int Finish(std::string_view program, const absl::Status& status);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_SESSION_H_
