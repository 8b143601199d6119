// The shared counters of a store that this process may read but not write
// (files owned by another user, a read-only mount, a backup copy).
#ifndef DOTLOG_STORE_READ_ONLY_REGION_H_
#define DOTLOG_STORE_READ_ONLY_REGION_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "dotlog/file_system.h"

namespace dotlog {

// Maps the first `bytes` bytes of the LOCK file at `path` for reading only,
// so that the counters a writer bumps are still seen. A LOCK file that is
// missing or shorter than `bytes` has no writer to watch: the region is then
// private zeros. Writing to the region is undefined behaviour (the pages may
// be mapped read-only); a store holding it must refuse every write first.
absl::StatusOr<std::unique_ptr<SharedRegion>> MapReadOnlyRegion(
    FileSystem* fs, const std::string& path, size_t bytes);

}  // namespace dotlog

#endif  // DOTLOG_STORE_READ_ONLY_REGION_H_
