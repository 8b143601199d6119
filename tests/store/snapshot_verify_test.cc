// Opening from an index snapshot without reading the log: segments are
// recognised by identity, and each record is checked when it is read, so
// that no change to a segment, however it slips past the timestamps, makes
// a get answer anything but what was written or, with the damage reported,
// what a full read of the files answers.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dotlog/file_system.h"
#include "dotlog/store.h"
#include "format/record.h"
#include "support/status_helpers.h"
#include "support/forwarding_file_system.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::ReadFileBytes;
using testing::SmallSegments;
using testing::TempDir;
using testing::WriteFileBytes;
using Answers = std::map<std::string, std::optional<std::string>>;

// The times a TimesFileSystem reports; 0 passes the real ones through.
struct Times {
  int64_t segment_ns = 0;   // mtime and ctime of every segment file
  int64_t snapshot_ns = 0;  // mtime and ctime of index.snapshot
  // When not 0, and the two above are, the real times cut down to a
  // multiple of this: a file system whose clock ticks that coarsely.
  int64_t tick_ns = 0;
  // Bytes read through ReadAt from files opened for reading.
  mutable std::atomic<uint64_t> read_bytes{0};
  // Bytes copied out of mappings of files opened for reading.
  mutable std::atomic<uint64_t> mapped_bytes{0};
  // Bytes of those mappings read where they lie (ReadMapped), and how many
  // of those reads took over 4096 bytes at once (a long line's check, not
  // the probes for its ends).
  mutable std::atomic<uint64_t> read_in_place_bytes{0};
  mutable std::atomic<uint64_t> long_reads_in_place{0};
};

void Adjust(const Times& times, const std::string& path, FileInfo* info) {
  int64_t ns = 0;
  if (path.ends_with(".jsonl")) ns = times.segment_ns;
  if (path.ends_with("/index.snapshot")) ns = times.snapshot_ns;
  if (ns != 0) info->mtime_ns = info->ctime_ns = ns;
  if (ns == 0 && times.tick_ns != 0) {
    info->mtime_ns -= info->mtime_ns % times.tick_ns;
    info->ctime_ns -= info->ctime_ns % times.tick_ns;
  }
}

// The clock Linux stamps files with, as a file system whose clock ticks
// every `tick_ns` reads it. (Not the precise clock: a file changed now may
// be stamped up to a kernel tick earlier than that clock says.)
int64_t CoarseNowNs(int64_t tick_ns) {
  struct timespec now;
  REQUIRE(clock_gettime(CLOCK_REALTIME_COARSE, &now) == 0);
  const int64_t ns = now.tv_sec * 1000000000LL + now.tv_nsec;
  return ns - ns % tick_ns;
}

class TimedFile final : public ReadableFile {
 public:
  TimedFile(std::unique_ptr<ReadableFile> file, std::string path, const Times* times)
      : file_(std::move(file)), path_(std::move(path)), times_(times) {}
  absl::StatusOr<uint64_t> Size() override { return file_->Size(); }
  absl::StatusOr<size_t> ReadAt(uint64_t offset, char* dst, size_t n) override {
    auto got = file_->ReadAt(offset, dst, n);
    if (got.ok()) times_->read_bytes += *got;
    return got;
  }
  absl::StatusOr<std::string_view> Map(uint64_t size) override { return file_->Map(size); }
  absl::Status CopyMapped(uint64_t offset, size_t n, char* dst) override {
    times_->mapped_bytes += n;
    return file_->CopyMapped(offset, n, dst);
  }
  absl::Status ReadMapped(uint64_t offset, size_t n,
                          absl::FunctionRef<void(std::string_view)> read) override {
    times_->read_in_place_bytes += n;
    if (n > 4096) ++times_->long_reads_in_place;
    return file_->ReadMapped(offset, n, read);
  }
  absl::StatusOr<FileInfo> Stat() override {
    auto info = file_->Stat();
    if (info.ok()) Adjust(*times_, path_, &*info);
    return info;
  }

 private:
  std::unique_ptr<ReadableFile> file_;
  std::string path_;
  const Times* times_;
};

// The POSIX file system, except that it reports the times of segment files
// and of the snapshot as `times` says: a file system whose timestamps do
// not show a change (bit rot, a clock too coarse, times restored by hand).
class TimesFileSystem final : public testing::ForwardingFileSystem {
 public:
  Times times;

  absl::StatusOr<FileInfo> Stat(const std::string& p) override {
    auto info = base()->Stat(p);
    if (info.ok()) Adjust(times, p, &*info);
    return info;
  }
  absl::StatusOr<std::unique_ptr<ReadableFile>> OpenReadableFile(
      const std::string& p) override {
    auto file = base()->OpenReadableFile(p);
    if (!file.ok()) return file.status();
    return std::unique_ptr<ReadableFile>(new TimedFile(std::move(*file), p, &times));
  }
  bool WaitPastFileTime(int64_t ns, std::chrono::milliseconds most) override {
    if (times.tick_ns == 0) return base()->WaitPastFileTime(ns, most);
    const auto deadline = std::chrono::steady_clock::now() + most;
    while (CoarseNowNs(times.tick_ns) <= ns) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }
};

Options OptionsFor(FileSystem* fs) {
  Options options = SmallSegments(SyncMode::kNone);
  options.file_system = fs;
  return options;
}

std::string SegmentPath(const TempDir& tmp, int n) {
  return tmp.Join(absl::StrFormat("segment-%06d.jsonl", n));
}

// Every key ever written and what a get of it answers: the value, or nullopt
// for NotFound (any other error fails the test).
Answers Ask(Store& store, const Answers& keys) {
  Answers answers;
  for (const auto& [key, unused] : keys) {
    auto got = store.Get(key);
    INFO(key << ": " << got.status());
    REQUIRE((got.ok() || absl::IsNotFound(got.status())));
    answers[key] = got.ok() ? std::optional<std::string>(*got) : std::nullopt;
  }
  return answers;
}

// Writes 80 records over 40 keys (updates, deletes, one batch) through
// `fs` into three full segments and a fourth; the handle leaves a snapshot
// when it closes. Returns what each key holds.
Answers Fill(const TempDir& tmp, FileSystem* fs) {
  Answers written;
  auto store = testing::OpenOrDie(tmp.path(), OptionsFor(fs));
  const std::string pad(60, 'p');
  for (int i = 0; i < 70; ++i) {
    const std::string key = absl::StrFormat("k/%02d", i % 40);
    const std::string value = absl::StrCat("{\"n\":", i, ",\"pad\":\"", pad, "\"}");
    REQUIRE_OK(store->Put(key, value));
    written[key] = value;
  }
  for (int i = 0; i < 40; i += 9) {
    const std::string key = absl::StrFormat("k/%02d", i);
    REQUIRE_OK(store->Delete(key));
    written[key] = std::nullopt;
  }
  WriteBatch batch;
  batch.Put("b/1", "\"one\"");
  batch.Put("b/2", "\"two\"");
  REQUIRE_OK(store->Write(batch));
  written["b/1"] = "\"one\"";
  written["b/2"] = "\"two\"";
  CHECK(Ask(*store, written) == written);
  REQUIRE_OK(store->Close());
  REQUIRE(std::filesystem::exists(tmp.Join("index.snapshot")));
  REQUIRE(std::filesystem::exists(SegmentPath(tmp, 4)));
  return written;
}

// What a process that reads every segment (no snapshot) answers.
Answers FullRead(const TempDir& tmp, const Answers& keys) {
  const std::string snapshot = tmp.Join("index.snapshot");
  std::filesystem::rename(snapshot, snapshot + ".aside");
  Answers answers = Ask(*testing::OpenOrDie(tmp.path(), OptionsFor(DefaultFileSystem())), keys);
  std::filesystem::rename(snapshot + ".aside", snapshot);
  return answers;
}

// A fresh open through `fs` answers every key as written or, having
// reported damage, as a full read of the files does; never anything else.
void CheckFreshOpen(const TempDir& tmp, FileSystem* fs, const Answers& written) {
  auto store = testing::OpenOrDie(tmp.path(), OptionsFor(fs));
  const Answers got = Ask(*store, written);
  if (got == written) return;
  const bool reported = !store->Damage().empty();
  CHECK(reported);
  CHECK(got == FullRead(tmp, written));
}

// Times a snapshot-based open recognises: every segment older than the
// snapshot, and never changing.
void Freeze(Times* times) {
  times->segment_ns = 1000000000;
  times->snapshot_ns = 2000000000;
}

// Options through `fs`, with its times frozen so that the segments are
// recognised whatever the clock did, for stores of many keys: segments of
// 8 MiB.
Options LargeStoreOptions(TimesFileSystem* fs) {
  Freeze(&fs->times);
  Options options = OptionsFor(fs);
  options.segment_bytes = 8 << 20;
  return options;
}

// The line of `file` that holds the put of `value`, as [begin, end).
std::pair<size_t, size_t> LineOf(const std::string& file, std::string_view value) {
  const size_t at = file.find(value);
  REQUIRE(at != std::string::npos);
  const size_t begin = file.rfind('\n', at) + 1;
  return {begin, file.find('\n', at)};
}

// `line` with its xxh3 computed afresh: a record as a writer would write it.
std::string Reseal(std::string line) {
  const size_t trailer = line.rfind(",\"xxh3\":\"");
  REQUIRE(trailer != std::string::npos);
  const std::string sum =
      absl::StrFormat("%016x", RecordChecksum(std::string_view(line).substr(0, trailer)));
  return line.replace(trailer + 9, 16, sum);
}

// (The newest segment is left out: damage at its end is a torn tail, which
// a full read withholds without reporting; README "Recovery".)
TEST_CASE("every byte flipped in a sealed segment a snapshot covers: a get never "
          "answers wrongly", "[snapshot][verify]") {
  // Frozen times: the flip is seen only when a record is read. Real times:
  // the flip changes the segment's ctime, so open reads it and sees it.
  for (const bool frozen : {true, false}) {
    TempDir tmp;
    TimesFileSystem fs;
    if (frozen) Freeze(&fs.times);
    const Answers written = Fill(tmp, &fs);
    for (int n = 1; n <= 3; ++n) {
      const std::string path = SegmentPath(tmp, n);
      const std::string good = ReadFileBytes(path);
      // Every byte with frozen times; with real times, which take the
      // path of any other change, a sample.
      for (size_t at = 0; at < good.size(); at += frozen ? 1 : 13) {
        std::string bad = good;
        bad[at] ^= 0x01;
        WriteFileBytes(path, bad);
        INFO((frozen ? "times frozen, " : "real times, ") << path << " byte " << at);
        CheckFreshOpen(tmp, &fs, written);
      }
      WriteFileBytes(path, good);
    }
  }
}

TEST_CASE("a byte flipped in a long batch line checked in place: a get never answers wrongly",
          "[snapshot][verify]") {
  TempDir tmp;
  TimesFileSystem fs;
  const Options options = LargeStoreOptions(&fs);  // frozen times
  Answers written;
  {
    auto store = testing::OpenOrDie(tmp.path(), options);
    WriteBatch batch;
    for (int i = 0; i < 60; ++i) {
      const std::string key = absl::StrFormat("b/%02d", i);
      written[key] = absl::StrCat("{\"n\":", i, ",\"pad\":\"", std::string(90, 'p'), "\"}");
      batch.Put(key, *written[key]);
    }
    REQUIRE_OK(store->Write(batch));
    REQUIRE_OK(store->Compact());  // the batch in a sealed base segment
  }
  const std::string path = SegmentPath(tmp, 1);
  const std::string good = ReadFileBytes(path);
  const auto [begin, end] = LineOf(good, *written["b/30"]);
  REQUIRE(end - begin > 4096);  // long enough to be checked in place
  const Answers one = {{"b/30", written["b/30"]}};  // the line's first get
  fs.times.long_reads_in_place = 0;
  uint64_t gets = 0;
  for (size_t at = begin; at <= end; at += 3, ++gets) {
    std::string bad = good;
    bad[at] ^= 0x01;
    WriteFileBytes(path, bad);
    INFO("byte " << at << " of the line at " << begin << "-" << end);
    CheckFreshOpen(tmp, &fs, one);
  }
  // Each fresh get checked the whole line where it is mapped, once (a
  // fresh open after damage was found reads the segment, not in place).
  CHECK(fs.times.long_reads_in_place.load() == gets);
  WriteFileBytes(path, good);
  CheckFreshOpen(tmp, &fs, written);
}

TEST_CASE("a line edited to another value of the same length is never served",
          "[snapshot][verify]") {
  for (const bool frozen : {true, false}) {
    TempDir tmp;
    TimesFileSystem fs;
    if (frozen) Freeze(&fs.times);
    const Answers written = Fill(tmp, &fs);
    // k/05's newest value, n=45, lies in a sealed segment.
    std::string path, bytes;
    size_t at = std::string::npos;
    for (int n = 1; n <= 3 && at == std::string::npos; ++n) {
      path = SegmentPath(tmp, n);
      bytes = ReadFileBytes(path);
      at = bytes.find("{\"n\":45,");
    }
    REQUIRE(at != std::string::npos);
    bytes.replace(at, 8, "{\"n\":99,");
    WriteFileBytes(path, bytes);
    INFO((frozen ? "times frozen" : "real times"));
    auto store = testing::OpenOrDie(tmp.path(), OptionsFor(&fs));
    auto got = store->Get("k/05");
    REQUIRE_OK(got);
    CHECK(got->find("\"n\":99") == std::string::npos);
    CHECK(*got == *FullRead(tmp, written)["k/05"]);
    CHECK(store->Damage().size() == 1);
    CheckFreshOpen(tmp, &fs, written);
  }
}

// Makes the first put of k/10 (n=10, seq 11), superseded by n=50 (seq 51),
// the newest version of k/10: seq 99, above every other, with a valid
// checksum, the line as long as before. A full read then serves it; a
// reader that kept the snapshot's index would serve n=50, and no check of
// the record it reads could tell.
std::string PromoteOldVersion(const std::string& segment) {
  auto [begin, end] = LineOf(segment, "{\"n\":10,");
  std::string line = segment.substr(begin, end - begin);
  REQUIRE(line.starts_with("{\"seq\":11,"));
  line.replace(7, 2, "99");
  return segment.substr(0, begin) + Reseal(line) + segment.substr(end);
}

bool ServesPromotedVersion(const TempDir& tmp, FileSystem* fs) {
  auto store = testing::OpenOrDie(tmp.path(), OptionsFor(fs));
  auto got = store->Get("k/10");
  REQUIRE_OK(got);
  return got->starts_with("{\"n\":10,");
}

TEST_CASE("a segment replaced by another file of the same size is read again",
          "[snapshot][verify]") {
  TempDir tmp;
  TimesFileSystem fs;
  Freeze(&fs.times);  // only the inode tells the files apart
  Fill(tmp, &fs);
  const std::string path = SegmentPath(tmp, 1);
  const std::string replacement = PromoteOldVersion(ReadFileBytes(path));
  REQUIRE(replacement.size() == std::filesystem::file_size(path));
  WriteFileBytes(path + ".new", replacement);
  std::filesystem::rename(path + ".new", path);
  CHECK(ServesPromotedVersion(tmp, &fs));
}

TEST_CASE("a segment whose change time cannot be told from the snapshot's is read "
          "again", "[snapshot][verify]") {
  TempDir tmp;
  TimesFileSystem fs;
  // The segments changed in the same clock tick as the snapshot was written.
  fs.times.segment_ns = fs.times.snapshot_ns = 2000000000;
  Fill(tmp, &fs);
  const std::string path = SegmentPath(tmp, 1);
  WriteFileBytes(path, PromoteOldVersion(ReadFileBytes(path)));  // in place
  CHECK(ServesPromotedVersion(tmp, &fs));
}

TEST_CASE("a segment older than the snapshot and unchanged by its identity is not read",
          "[snapshot][verify]") {
  // The limit of the rule: an edit that keeps every record valid, made
  // where the timestamps cannot show it, goes unseen until the next full read.
  TempDir tmp;
  TimesFileSystem fs;
  Freeze(&fs.times);
  Fill(tmp, &fs);
  const std::string path = SegmentPath(tmp, 1);
  WriteFileBytes(path, PromoteOldVersion(ReadFileBytes(path)));  // in place
  CHECK_FALSE(ServesPromotedVersion(tmp, &fs));
  fs.times.segment_ns = fs.times.snapshot_ns = 0;  // the real times show it
  CHECK(ServesPromotedVersion(tmp, &fs));
}

TEST_CASE("a handle that closes just after writing leaves a snapshot by which the "
          "next open recognises every segment, reading none of them",
          "[snapshot][verify]") {
  // On a file system whose clock ticks every 15 ms the last append and the
  // close fall in one tick, which the closing writer waits out before it
  // writes the snapshot.
  TempDir tmp;
  TimesFileSystem fs;
  fs.times.tick_ns = 15'000'000;
  Answers written;
  {
    auto store = testing::OpenOrDie(tmp.path(), OptionsFor(&fs));
    for (int i = 0; i < 100; ++i) {
      const std::string key = absl::StrFormat("k/%03d", i);
      written[key] = absl::StrCat("{\"n\":", i, ",\"pad\":\"", std::string(60, 'p'), "\"}");
      REQUIRE_OK(store->Put(key, *written[key]));
    }
    REQUIRE_OK(store->Close());
  }
  REQUIRE(std::filesystem::exists(SegmentPath(tmp, 2)));
  fs.times.read_bytes = 0;
  auto store = testing::OpenOrDie(tmp.path(), OptionsFor(&fs));
  CHECK(store->GetStats()->snapshot_keys == 100);
  CHECK(Ask(*store, written) == written);
  INFO("read " << fs.times.read_bytes.load() << " bytes");
  // Values come through the segments' mappings; a segment not recognised
  // would be read whole to check its checksum.
  CHECK(fs.times.read_bytes.load() == 0);
}

int64_t MinorFaults() {
  struct rusage usage;
  REQUIRE(getrusage(RUSAGE_SELF, &usage) == 0);
  return usage.ru_minflt;
}

TEST_CASE("open and get of a 100,000-key store read a bounded number of pages",
          "[snapshot][verify]") {
  TempDir tmp;
  TimesFileSystem fs;
  const Options options = LargeStoreOptions(&fs);
  {
    auto store = testing::OpenOrDie(tmp.path(), options);
    for (int b = 0; b < 100; ++b) {
      WriteBatch batch;
      for (int i = b * 1000; i < (b + 1) * 1000; ++i) {
        batch.Put(absl::StrFormat("wallpaper/cache/img%06d.png", i),
                  absl::StrFormat("{\"w\":3840,\"h\":2160,\"n\":%d}", i));
      }
      REQUIRE_OK(store->Write(batch));
    }
    REQUIRE_OK(store->Compact());  // one base segment of 100,000 values
  }
  uint64_t log_bytes = 0;
  size_t longest_line = 0;  // a get reads the whole record holding its value
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
    if (e.path().extension() != ".jsonl") continue;
    log_bytes += e.file_size();
    const std::string bytes = testing::ReadFileBytes(e.path());
    for (std::string_view rest = bytes; !rest.empty();) {
      const size_t nl = std::min(rest.find('\n'), rest.size());
      longest_line = std::max(longest_line, nl + 1);
      rest.remove_prefix(std::min(nl + 1, rest.size()));
    }
  }
  const uint64_t snapshot_bytes = std::filesystem::file_size(tmp.Join("index.snapshot"));
  REQUIRE(log_bytes > (5 << 20));
  fs.times.read_bytes = 0;
  const int64_t faults = MinorFaults();
  auto store = testing::OpenOrDie(tmp.path(), options);
  CHECK(testing::Value(store->Get("wallpaper/cache/img054321.png")) ==
        "{\"w\":3840,\"h\":2160,\"n\":54321}");
  const int64_t touched = MinorFaults() - faults;
  INFO("log " << log_bytes << " bytes, longest record " << longest_line
              << " bytes, snapshot " << snapshot_bytes << " bytes, read "
              << fs.times.read_bytes.load() << " bytes, " << touched << " minor faults");
  CHECK(store->GetStats()->snapshot_keys == 100000);
  // Of the log only the record read (here a batch of 1,000 values, which
  // compaction keeps one record, read whole to check its checksum, in
  // pieces that may overlap the lines beside it); of the snapshot its head
  // and the blocks one lookup touches (the snapshot alone spans over 1,000
  // pages). Nothing that grows with the store.
  REQUIRE(longest_line < log_bytes / 50);
  CHECK(fs.times.read_bytes.load() < 64 * 1024 + 2 * longest_line);
  // Pages: those of the record read (mapped, and checked where they lie)
  // and a fixed number more (under AddressSanitizer, its shadow of them
  // too), ten times below the store's own pages.
  const int64_t page_bound = 200 + 4 * static_cast<int64_t>(longest_line / 4096);
  REQUIRE(page_bound * 10 < static_cast<int64_t>((log_bytes + snapshot_bytes) / 4096));
  CHECK(touched < page_bound);
}

TEST_CASE("reading every value of a large batch checks its line once, not once per value",
          "[snapshot][verify]") {
  TempDir tmp;
  TimesFileSystem fs;
  const Options options = LargeStoreOptions(&fs);
  {
    auto store = testing::OpenOrDie(tmp.path(), options);
    WriteBatch batch;
    for (int i = 0; i < 5000; ++i) {
      batch.Put(absl::StrCat("wallpaper/", i), absl::StrCat("\"", std::string(200, 'a'), "\""));
    }
    REQUIRE_OK(store->Write(batch));
  }
  const uint64_t log_bytes = std::filesystem::file_size(SegmentPath(tmp, 1));
  fs.times.read_bytes = 0;
  auto store = testing::OpenOrDie(tmp.path(), options);
  REQUIRE(store->GetStats()->snapshot_keys == 5000);
  CHECK(testing::Contents(*store).size() == 5000);
  INFO("read " << fs.times.read_bytes.load() << " bytes of a " << log_bytes << "-byte log");
  CHECK(fs.times.read_bytes.load() < 3 * log_bytes);
}

TEST_CASE("a fresh handle's get of one value of a large batch checks the line where it "
          "is mapped and copies only that value",
          "[snapshot][verify]") {
  TempDir tmp;
  TimesFileSystem fs;
  const Options options = LargeStoreOptions(&fs);
  const std::string value = absl::StrCat("\"", std::string(200, 'v'), "\"");
  {
    auto store = testing::OpenOrDie(tmp.path(), options);
    WriteBatch batch;
    for (int i = 0; i < 1000; ++i) batch.Put(absl::StrCat("wallpaper/", i), value);
    REQUIRE_OK(store->Write(batch));
    REQUIRE_OK(store->Compact());
  }
  fs.times.read_bytes = 0;
  fs.times.mapped_bytes = 0;
  fs.times.read_in_place_bytes = 0;
  auto store = testing::OpenOrDie(tmp.path(), options);
  REQUIRE(store->GetStats()->snapshot_keys == 1000);
  CHECK(testing::Value(store->Get("wallpaper/500")) == value);
  INFO("copied " << fs.times.mapped_bytes.load() << " bytes from mappings, read "
                 << fs.times.read_bytes.load() << ", checked "
                 << fs.times.read_in_place_bytes.load() << " in place");
  // The whole line (over 200,000 bytes) is found and checked in place;
  // nothing but the value is copied, and that within the check.
  CHECK(fs.times.read_in_place_bytes.load() > 1000 * value.size());
  CHECK(fs.times.read_bytes.load() == 0);
  CHECK(fs.times.mapped_bytes.load() == 0);
}

TEST_CASE("a fresh handle's gets of every key of a store written in batches "
          "read each batch line a few times, not once per key",
          "[snapshot][verify]") {
  // More keys than a handle keeps verified operations for at the least, so
  // that the bound on kept lines is reached.
  TempDir tmp;
  TimesFileSystem fs;
  const Options options = LargeStoreOptions(&fs);
  constexpr int kKeys = 80000;
  auto key = [](int i) { return absl::StrFormat("w/%06d", i); };
  {
    auto store = testing::OpenOrDie(tmp.path(), options);
    for (int b = 0; b < kKeys / 1000; ++b) {
      WriteBatch batch;
      for (int i = b * 1000; i < (b + 1) * 1000; ++i) batch.Put(key(i), absl::StrCat(i));
      REQUIRE_OK(store->Write(batch));
    }
  }
  uint64_t log_bytes = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
    if (e.path().extension() == ".jsonl") log_bytes += e.file_size();
  }
  fs.times.read_bytes = 0;
  fs.times.mapped_bytes = 0;
  auto store = testing::OpenOrDie(tmp.path(), options);
  REQUIRE(store->GetStats()->snapshot_keys == kKeys);
  // Every key twice, in an order that visits the lines over and over.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kKeys; ++i) {
      const int k = static_cast<int>((static_cast<int64_t>(i) * 7919) % kKeys);
      REQUIRE(testing::Value(store->Get(key(k))) == absl::StrCat(k));
    }
  }
  const uint64_t touched = fs.times.read_bytes.load() + fs.times.mapped_bytes.load();
  INFO("read " << touched << " bytes of a " << log_bytes << "-byte log");
  CHECK(touched < 8 * log_bytes);
}

}  // namespace
}  // namespace dotlog
