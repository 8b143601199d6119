// What a write costs in calls on the file system: a put reads each file's
// metadata a fixed number of times, however many puts came before.
#include <catch2/catch.hpp>
#include <string>

#include "dotlog/options.h"
#include "dotlog/store.h"
#include "support/fault_file_system.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"

namespace dotlog {
namespace {

using testing::FaultFileSystem;
using testing::OpenOrDie;

TEST_CASE(
    "a put reads file metadata four times: the lock file's name, the "
    "newest segment's handle and name before appending, its name after",
    "[store]") {
  FaultFileSystem fs;
  Options options;
  options.file_system = &fs;
  options.sync = SyncMode::kNone;
  options.auto_compact = false;
  auto store = OpenOrDie("/store", options);
  REQUIRE_OK(store->Put("first", "0"));  // opens the segment for appending
  constexpr int kPuts = 100;
  fs.ResetLargestIo();
  for (int i = 0; i < kPuts; ++i) {
    REQUIRE_OK(store->Put("k/" + std::to_string(i), std::to_string(i)));
  }
  CHECK(fs.stat_count() == 4 * kPuts);
}

}  // namespace
}  // namespace dotlog
