// What a write costs in calls on the file system: a put reads each file's
// metadata, and looks at whether a name changed, a fixed number of times,
// however many puts came before.
#include <catch2/catch.hpp>
#include <memory>
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

// A store on `fs` whose first puts have created the newest segment and
// looked every name up once.
std::unique_ptr<Store> OpenWritten(FaultFileSystem* fs) {
  Options options;
  options.file_system = fs;
  options.sync = SyncMode::kNone;
  options.auto_compact = false;
  auto store = OpenOrDie("/store", options);
  REQUIRE_OK(store->Put("first", "0"));
  REQUIRE_OK(store->Put("second", "0"));
  return store;
}

TEST_CASE(
    "while no name in the store's directory changes, a put reads file "
    "metadata twice (the lock file's handle and the newest segment's) and "
    "looks twice at whether a name changed (under the lock, for both "
    "names; after its append)",
    "[store]") {
  FaultFileSystem fs;
  auto store = OpenWritten(&fs);
  constexpr int kPuts = 100;
  fs.ResetLargestIo();
  for (int i = 0; i < kPuts; ++i) {
    REQUIRE_OK(store->Put("k/" + std::to_string(i), std::to_string(i)));
  }
  CHECK(fs.metadata_calls().stats == 2 * kPuts);
  CHECK(fs.metadata_calls().name_looks == 2 * kPuts);
}

TEST_CASE(
    "after a name in the store's directory changes, the next put looks up "
    "the lock file's name and the newest segment's before appending and "
    "the segment's after, then the puts after it do not",
    "[store]") {
  FaultFileSystem fs;
  auto store = OpenWritten(&fs);
  REQUIRE_OK(fs.WriteRaw("/store/notes.txt", "a file of the user's"));
  fs.ResetLargestIo();
  REQUIRE_OK(store->Put("third", "0"));
  // Three names and the segment's handle.
  CHECK(fs.metadata_calls().stats == 4);
  fs.ResetLargestIo();
  REQUIRE_OK(store->Put("fourth", "0"));
  CHECK(fs.metadata_calls().stats == 2);
}

}  // namespace
}  // namespace dotlog
