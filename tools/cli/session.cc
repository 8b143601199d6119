#include "cli/session.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "cli/io.h"
#include "tools_lib/cli_support.h"
#include "util/strings.h"

namespace dotlog::cli {

void StartTool() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

absl::StatusOr<std::string> ResolveDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  return DefaultStoreDir([](const char* name) { return std::getenv(name); });
}

absl::StatusOr<Store*> Session::OpenStore(bool create) {
  if (store_ != nullptr) return store_.get();
  Options options;
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
