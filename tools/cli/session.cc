#include "cli/session.h"

#include <cstdlib>

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
  if (!store.ok()) return AsStoreError(store.status());
  store_ = std::move(*store);
  return store_.get();
}

int Finish(std::string_view program, const absl::Status& status) {
  if (!status.ok() && !status.message().empty()) {
    WriteStderr(ErrorLine(program, SV(status.message())) + "\n");
  }
  return ExitCodeFor(status);
}

}  // namespace dotlog::cli
