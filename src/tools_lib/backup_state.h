// Recording a backup in the state layer of the store it was taken from.
#ifndef DOTLOG_TOOLS_LIB_BACKUP_STATE_H_
#define DOTLOG_TOOLS_LIB_BACKUP_STATE_H_

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "dotlog/clock.h"
#include "dotlog/file_system.h"
#include "dotlog/store.h"

namespace dotlog {

// StateManager::RecordBackup(path, at) on `store`, the state layer using
// `fs` and `clock` (either may be null: the defaults).
absl::Status RecordBackupInState(Store& store, FileSystem* fs, Clock* clock,
                                 const std::string& path,
                                 std::chrono::system_clock::time_point at);

}  // namespace dotlog

#endif  // DOTLOG_TOOLS_LIB_BACKUP_STATE_H_
