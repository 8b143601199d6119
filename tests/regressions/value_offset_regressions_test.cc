// Values past 4 GiB of a segment: a compacted segment holds every live
// value and can pass 4 GiB. The index kept value offsets in 32 bits and
// served other values' bytes for keys beyond that point.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dotlog/file_system.h"
#include "dotlog/store.h"
#include "format/record.h"
#include "store/index.h"
#include "store/segment.h"
#include "store/snapshot.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

constexpr uint64_t kFar = (uint64_t{1} << 32) + 4096;  // past 4 GiB
constexpr int64_t kTs = 1767225600123;

// Writes `bytes` at `offset` of `path`, leaving a hole before it.
void WriteAt(const std::string& path, uint64_t offset, const std::string& bytes) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT, 0600);
  REQUIRE(fd >= 0);
  CHECK(pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)) ==
        static_cast<ssize_t>(bytes.size()));
  close(fd);
}

// XXH3-64 of `header` followed by zeros up to `size` bytes: what a sparse
// file holding `header` and then a hole reads as.
uint64_t ChecksumOfHeaderAndHole(const std::string& header, uint64_t size) {
  RunningChecksum sum;
  sum.Update(header);
  const std::string zeros(4 << 20, '\0');
  for (uint64_t at = header.size(); at < size;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(zeros.size(), size - at));
    sum.Update(std::string_view(zeros.data(), n));
    at += n;
  }
  return sum.Digest();
}

TEST_CASE("a value more than 4 GiB into a segment is served whole",
          "[regression]") {
  // A sparse segment: its header, a hole past 4 GiB, then one record. An index
  // snapshot covers the hole, as it would cover records written before, so
  // the store reads only the record: no 4 GiB of real writes or reads.
  testing::TempDir tmp;
  const std::string path = tmp.Join(SegmentFileName(1));
  std::string header, record;
  EncodeHeader(1, uint64_t{1} << 30, kTs, &header);
  EncodeRecord(1, kTs, {Mutation{false, "far", "\"beyond 4 GiB\"", 0}}, &record);
  WriteAt(path, 0, header);
  WriteAt(path, kFar, record);

  SnapshotPosition pos;
  pos.segment = 1;
  pos.offset = kFar;
  pos.next_line = 3;
  pos.max_bytes = uint64_t{1} << 30;
  pos.segments = {SegmentSum{1, kFar, ChecksumOfHeaderAndHole(header, kFar)}};
  Index empty;
  REQUIRE_OK(WriteSnapshot(DefaultFileSystem(), tmp.path(), pos, empty, 1));

  Options options;
  options.sync = SyncMode::kNone;
  options.auto_compact = false;
  auto store = testing::OpenOrDie(tmp.path(), options);
  CHECK(store->Damage().empty());
  auto value = store->Get("far");
  REQUIRE_OK(value.status());
  CHECK(*value == "\"beyond 4 GiB\"");
}

TEST_CASE("the index keeps value offsets past 4 GiB", "[regression]") {
  Index index;
  IndexEntry e;
  e.seq = 1;
  e.segment = 1;
  e.value_offset = kFar + 17;
  e.value_size = 3;
  index.Apply("k", e, /*keep_tombstones=*/false);
  REQUIRE(index.Find("k") != nullptr);
  CHECK(index.Find("k")->value_offset == kFar + 17);
}

}  // namespace
}  // namespace dotlog
