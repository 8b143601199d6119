#include "cli/session.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "cli/io.h"
#include "cli/conventions.h"
#include "util/strings.h"

namespace dotlog::cli {

void StartTool() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

absl::StatusOr<LoadedSettings> LoadToolSettings(
    std::string_view program, const std::vector<std::string>& files,
    const std::string& dir_flag, const std::string& sync_flag) {
  SettingsSources sources;
  sources.files = files;
  if (!dir_flag.empty()) sources.overrides.emplace_back("state_dir", dir_flag);
  if (!sync_flag.empty()) sources.overrides.emplace_back("sync", sync_flag);
  absl::StatusOr<LoadedSettings> loaded = LoadSettings(sources);
  if (!loaded.ok()) {
    // A settings file named but missing is the user's mistake, as a bad one.
    if (absl::IsNotFound(loaded.status())) {
      return absl::InvalidArgumentError(loaded.status().message());
    }
    return loaded.status();
  }
  for (const std::string& warning : loaded->warnings) {
    WriteStderr(ErrorLine(program, absl::StrCat("warning: ", warning)) + "\n");
  }
  absl::StatusOr<std::string> dir = StateDirectory(loaded->settings);
  if (!dir.ok()) return dir.status();
  loaded->settings.state_dir = *dir;
  return loaded;
}

absl::StatusOr<Store*> Session::OpenStore(bool create) {
  if (store_ != nullptr) return store_.get();
  Options options = ToStateOptions(settings()).store;
  options.sync = sync_;
  options.create_if_missing = create;
  auto store = Store::Open(dir_, options);
  if (!create && absl::IsNotFound(store.status())) {
    return absl::UnavailableError(absl::StrCat(
        "no store at ", dir_,
        " (nothing has been written there yet: check --dir or $DOTLOG_DIR)"));
  }
  if (!store.ok()) return AsStoreError(store.status());
  store_ = std::move(*store);
  if (!create) WarnAboutDamage(program_, store_->Damage());
  return store_.get();
}

void WarnAboutDamage(std::string_view program,
                     const std::vector<DamagedRecord>& damage) {
  if (damage.empty()) return;
  const DamagedRecord& first = damage.front();
  WriteStderr(
      ErrorLine(
          program,
          absl::StrCat("warning: ", first.file, ":", first.line,
                       ": damaged record skipped (", first.reason, ")",
                       damage.size() > 1
                           ? absl::StrCat(" and ", damage.size() - 1, " more")
                           : "",
                       "; a value shown may be older than the newest written; "
                       "`dotlog verify` lists every problem")) +
      "\n");
}

int Finish(std::string_view program, const absl::Status& status) {
  if (!status.ok() && !status.message().empty()) {
    WriteStderr(ErrorLine(program, SV(status.message())) + "\n");
  }
  return ExitCodeFor(status);
}

}  // namespace dotlog::cli
