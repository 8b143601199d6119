#include "support/state_helpers.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {

std::unique_ptr<StateManager> OpenStateOrDie(const std::string& dir,
                                             const StateOptions& options) {
  return Value(StateManager::Open(dir, options));
}

StateFixture::StateFixture(StateOptions options) {
  options.clock = &clock;
  state = OpenStateOrDie(tmp.Join("db"), options);
}

void SetMtimeNs(const std::string& path, int64_t mtime_ns) {
  struct timespec times[2];
  times[0].tv_sec = 0;
  times[0].tv_nsec = UTIME_OMIT;
  times[1].tv_sec = mtime_ns / 1000000000;
  times[1].tv_nsec = mtime_ns % 1000000000;
  INFO(path);
  REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

std::map<std::string, std::string> ReadDirBytes(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    files[std::filesystem::relative(entry.path(), dir).string()] =
        ReadFileBytes(entry.path().string());
  }
  return files;
}

}  // namespace dotlog::testing
