// The public headers stand alone: this file includes nothing of dotlog but
// <dotlog/...> (each one, before anything else), and uses every public type.
// It needs no standard header of its own either: whatever it uses beyond
// Catch2 comes through the public headers. The store runs on a small
// in-memory FileSystem written here, which shows the file interface can be
// implemented from the public headers alone.
#include <dotlog/backup.h>
#include <dotlog/change_feed.h>
#include <dotlog/clock.h>
#include <dotlog/damage.h>
#include <dotlog/dump.h>
#include <dotlog/file_system.h>
#include <dotlog/item.h>
#include <dotlog/key_version.h>
#include <dotlog/limits.h>
#include <dotlog/options.h>
#include <dotlog/release.h>
#include <dotlog/state/import.h>
#include <dotlog/stats.h>
#include <dotlog/store.h>
#include <dotlog/sync/hybrid_clock.h>
#include <dotlog/sync/redis_client.h>
#include <dotlog/sync/replica.h>
#include <dotlog/sync/stream_entry.h>
#include <dotlog/sync/sync_round.h>
#include <dotlog/verify.h>
#include <dotlog/write_batch.h>

#include <catch2/catch.hpp>

namespace {

using Bytes = std::shared_ptr<std::string>;

// An AppendFile that appends to a string shared with the file system.
class MemAppendFile final : public dotlog::AppendFile {
 public:
  explicit MemAppendFile(Bytes bytes) : bytes_(std::move(bytes)) {}
  absl::Status Append(std::string_view data) override {
    bytes_->append(data);
    return absl::OkStatus();
  }
  absl::Status Sync() override { return absl::OkStatus(); }
  absl::Status Truncate(uint64_t size) override {
    bytes_->resize(size);
    return absl::OkStatus();
  }
  absl::StatusOr<uint64_t> Size() override { return bytes_->size(); }

 private:
  Bytes bytes_;
};

// A ReadableFile over the same string. Map copies, so the view survives
// later appends (which may move the string's bytes).
class MemReadableFile final : public dotlog::ReadableFile {
 public:
  explicit MemReadableFile(Bytes bytes) : bytes_(std::move(bytes)) {}
  absl::StatusOr<uint64_t> Size() override { return bytes_->size(); }
  absl::StatusOr<size_t> ReadAt(uint64_t offset, char* dst,
                                size_t n) override {
    if (offset >= bytes_->size()) return size_t{0};
    return bytes_->copy(dst, n, offset);
  }
  absl::StatusOr<std::string_view> Map(uint64_t size) override {
    if (size > bytes_->size()) return absl::OutOfRangeError("map past end");
    mapped_ = bytes_->substr(0, size);
    return std::string_view(mapped_);
  }

 private:
  Bytes bytes_;
  std::string mapped_;
};

// One process, one thread: the lock is always free.
class MemLock final : public dotlog::FileLock {
 public:
  absl::Status Lock(std::chrono::milliseconds) override {
    if (held_) return absl::DeadlineExceededError("already held");
    held_ = true;
    return absl::OkStatus();
  }
  void Unlock() override { held_ = false; }

 private:
  bool held_ = false;
};

class MemRegion final : public dotlog::SharedRegion {
 public:
  explicit MemRegion(std::shared_ptr<std::vector<uint64_t>> words)
      : words_(std::move(words)) {}
  void* data() override { return words_->data(); }
  size_t size() const override { return words_->size() * sizeof(uint64_t); }

 private:
  std::shared_ptr<std::vector<uint64_t>> words_;
};

// A flat in-memory file system: enough for one store handle.
class MemFileSystem final : public dotlog::FileSystem {
 public:
  absl::Status CreateDir(const std::string& path) override {
    if (!IsDir(path)) dirs_.push_back(path);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<std::string>> ListDir(
      const std::string& path) override {
    if (!IsDir(path)) return absl::NotFoundError(path);
    std::vector<std::string> names;
    for (const auto& [name, bytes] : files_) {
      if (name.size() > path.size() + 1 && name.compare(0, path.size(), path) == 0 &&
          name[path.size()] == '/') {
        names.push_back(name.substr(path.size() + 1));
      }
    }
    return names;
  }
  absl::Status SyncDir(const std::string&) override { return absl::OkStatus(); }
  absl::StatusOr<bool> Exists(const std::string& path) override {
    return IsDir(path) || Find(path) != nullptr;
  }
  absl::StatusOr<std::unique_ptr<dotlog::AppendFile>> CreateFile(
      const std::string& path) override {
    if (Find(path) != nullptr) return absl::AlreadyExistsError(path);
    files_.emplace_back(path, std::make_shared<std::string>());
    return std::unique_ptr<dotlog::AppendFile>(
        new MemAppendFile(files_.back().second));
  }
  absl::StatusOr<std::unique_ptr<dotlog::AppendFile>> OpenAppendFile(
      const std::string& path) override {
    Bytes bytes = Find(path);
    if (bytes == nullptr) return absl::NotFoundError(path);
    return std::unique_ptr<dotlog::AppendFile>(new MemAppendFile(bytes));
  }
  absl::StatusOr<std::unique_ptr<dotlog::ReadableFile>> OpenReadableFile(
      const std::string& path) override {
    Bytes bytes = Find(path);
    if (bytes == nullptr) return absl::NotFoundError(path);
    return std::unique_ptr<dotlog::ReadableFile>(new MemReadableFile(bytes));
  }
  absl::Status Rename(const std::string& from, const std::string& to) override {
    Bytes bytes = Find(from);
    if (bytes == nullptr) return absl::NotFoundError(from);
    Erase(to);
    Erase(from);
    files_.emplace_back(to, bytes);
    return absl::OkStatus();
  }
  absl::Status Remove(const std::string& path) override {
    if (Find(path) == nullptr) return absl::NotFoundError(path);
    Erase(path);
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<dotlog::FileLock>> OpenLock(
      const std::string& path) override {
    if (Find(path) == nullptr) {
      files_.emplace_back(path, std::make_shared<std::string>());
    }
    return std::unique_ptr<dotlog::FileLock>(new MemLock());
  }
  absl::StatusOr<std::unique_ptr<dotlog::SharedRegion>> MapShared(
      const std::string& path, size_t bytes) override {
    for (const auto& [name, words] : regions_) {
      if (name == path) {
        return std::unique_ptr<dotlog::SharedRegion>(new MemRegion(words));
      }
    }
    auto words = std::make_shared<std::vector<uint64_t>>((bytes + 7) / 8, 0);
    regions_.emplace_back(path, words);
    return std::unique_ptr<dotlog::SharedRegion>(new MemRegion(words));
  }

  // Test access: a file's bytes, or nullptr.
  Bytes Find(const std::string& path) const {
    for (const auto& [name, bytes] : files_) {
      if (name == path) return bytes;
    }
    return nullptr;
  }

 private:
  bool IsDir(const std::string& path) const {
    for (const std::string& d : dirs_) {
      if (d == path) return true;
    }
    return false;
  }
  void Erase(const std::string& path) {
    for (size_t i = 0; i < files_.size(); ++i) {
      if (files_[i].first == path) {
        files_.erase(files_.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
    }
  }

  std::vector<std::string> dirs_;
  std::vector<std::pair<std::string, Bytes>> files_;
  std::vector<std::pair<std::string, std::shared_ptr<std::vector<uint64_t>>>>
      regions_;
};

// 2026-01-01T00:00:00Z, until moved.
class FixedClock final : public dotlog::Clock {
 public:
  std::chrono::system_clock::time_point Now() override { return now_; }
  void Advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  std::chrono::system_clock::time_point now_{
      std::chrono::milliseconds(1767225600000)};
};

// A MemFileSystem, a FixedClock, and store options that use them.
struct MemEnv {
  MemEnv() {
    options.file_system = &fs;
    options.clock = &clock;
  }
  MemFileSystem fs;
  FixedClock clock;
  dotlog::Options options;
};

TEST_CASE("the public headers alone are enough to use a store",
          "[public_headers]") {
  MemFileSystem fs;
  FixedClock clock;
  std::vector<dotlog::DamagedRecord> damage;

  dotlog::Options options;
  options.sync = dotlog::SyncMode::kNone;
  options.create_if_missing = true;
  options.segment_bytes = 4096;
  options.lock_timeout = std::chrono::milliseconds(100);
  options.on_damage = [&](const dotlog::DamagedRecord& d) { damage.push_back(d); };
  options.file_system = &fs;
  options.clock = &clock;
  options.history.push_back(dotlog::HistoryRule{"c", 2, std::chrono::hours(1)});

  absl::StatusOr<std::unique_ptr<dotlog::Store>> opened =
      dotlog::Store::Open("/db", options);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  std::unique_ptr<dotlog::Store> store = std::move(*opened);

  dotlog::PutOptions ttl;
  ttl.ttl = std::chrono::milliseconds(1000);
  REQUIRE(store->Put("a", "{ \"x\" : 1 }").ok());
  REQUIRE(store->Put("b", "2", ttl).ok());

  dotlog::WriteBatch batch;
  batch.Put("c", "[3]");
  batch.Delete("a");
  REQUIRE(batch.size() == 2);
  REQUIRE(store->Write(batch).ok());

  const dotlog::Store::UpdateFn add_one =
      [](const std::optional<std::string>& current)
      -> absl::StatusOr<std::optional<std::string>> {
    return std::optional<std::string>(current ? *current + "1" : "1");
  };
  REQUIRE(store->Update("n", add_one).ok());
  auto updated = store->Update("n", add_one);
  REQUIRE(updated.ok());
  CHECK(*updated == std::optional<std::string>("11"));

  absl::StatusOr<dotlog::Item> item = store->Lookup("b");
  REQUIRE(item.ok());
  CHECK(item->key == "b");
  CHECK(item->value == "2");
  REQUIRE(item->expires_at.has_value());
  CHECK(*item->expires_at == clock.Now() + std::chrono::milliseconds(1000));
  CHECK(item->seq > 0);

  CHECK(absl::IsNotFound(store->Get("a").status()));
  CHECK(*store->Get("c") == "[3]");
  clock.Advance(std::chrono::milliseconds(1000));
  CHECK_FALSE(*store->Contains("b"));

  absl::StatusOr<std::vector<dotlog::KeyVersion>> history =
      store->History("c", 10);
  REQUIRE(history.ok());
  REQUIRE_FALSE(history->empty());
  const dotlog::KeyVersion& newest = history->front();
  CHECK(newest.value == "[3]");
  CHECK_FALSE(newest.deleted);
  CHECK_FALSE(newest.expires_at.has_value());

  absl::StatusOr<dotlog::Stats> stats = store->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->live_keys == 2);  // c and n
  CHECK(stats->segments == 1);
  CHECK(stats->damaged_records == 0);
  CHECK(stats->total_bytes == stats->live_bytes + stats->dead_bytes);
  CHECK(store->Damage().empty());
  CHECK(damage.empty());

  CHECK_FALSE(store->Put(std::string(dotlog::kMaxKeyBytes + 1, 'k'), "1").ok());
  CHECK(dotlog::kMaxValueBytes < dotlog::kMaxRecordBytes);

  REQUIRE(store->Close().ok());
  CHECK(store->Get("c").status().code() ==
        absl::StatusCode::kFailedPrecondition);

  // A file system that cannot watch directories says so.
  absl::StatusOr<std::unique_ptr<dotlog::DirWatcher>> watcher =
      fs.WatchDir("/db");
  CHECK(absl::IsUnimplemented(watcher.status()));

  // The POSIX file system and the system clock are reachable too.
  dotlog::FileSystem* posix = dotlog::DefaultFileSystem();
  REQUIRE(posix != nullptr);
  CHECK(*posix->Exists("/"));
  dotlog::Clock* system = dotlog::SystemClock();
  REQUIRE(system != nullptr);
  CHECK(system->Now() > clock.Now() - std::chrono::hours(24 * 365 * 10));
}

TEST_CASE_METHOD(MemEnv,
                 "a damaged record is reported through the public types",
                 "[public_headers]") {
  {
    auto store = dotlog::Store::Open("/db", options);
    REQUIRE(store.ok());
    REQUIRE((*store)->Put("a", "1").ok());
    REQUIRE((*store)->Put("b", "2").ok());
    REQUIRE((*store)->Put("c", "3").ok());
  }
  // Change one byte of the middle record's value: its checksum fails.
  std::string* segment = nullptr;
  const absl::StatusOr<std::vector<std::string>> names = fs.ListDir("/db");
  REQUIRE(names.ok());
  for (const std::string& name : *names) {
    if (name.rfind("segment-", 0) == 0) {
      REQUIRE(segment == nullptr);  // one segment
      segment = fs.Find("/db/" + name).get();
    }
  }
  REQUIRE(segment != nullptr);
  const size_t at = segment->find("\"value\":2");
  REQUIRE(at != std::string::npos);
  (*segment)[at + 8] = '7';

  std::vector<dotlog::DamagedRecord> damage;
  options.on_damage = [&](const dotlog::DamagedRecord& d) { damage.push_back(d); };
  auto store = dotlog::Store::Open("/db", options);
  REQUIRE(store.ok());
  CHECK(*(*store)->Get("a") == "1");
  CHECK(absl::IsNotFound((*store)->Get("b").status()));
  CHECK(*(*store)->Get("c") == "3");
  REQUIRE(damage.size() == 1);
  const dotlog::DamagedRecord& d = damage[0];
  CHECK(d.line == 3);  // header, a, b
  CHECK(d.offset == segment->rfind('\n', at) + 1);
  CHECK(d.file.find("/db/") == 0);
  CHECK_FALSE(d.reason.empty());
  REQUIRE((*store)->Damage().size() == 1);
  CHECK((*store)->Damage()[0].line == 3);
}

TEST_CASE_METHOD(MemEnv,
                 "the feed, dump, load and verify APIs need only their headers",
                 "[public_headers]") {
  auto opened = dotlog::Store::Open("/db", options);
  REQUIRE(opened.ok());
  std::unique_ptr<dotlog::Store> store = std::move(*opened);
  REQUIRE(store->Put("a", "1").ok());
  REQUIRE(store->Put("b", "{\"c\":[true]}").ok());
  REQUIRE(store->Delete("a").ok());

  // ChangeFeed: every change, in log order.
  dotlog::ChangeFeed feed("/db", &fs);
  dotlog::FeedPosition position;
  absl::StatusOr<std::vector<dotlog::Change>> changes = feed.ReadAfter(&position);
  INFO(changes.status().ToString());
  REQUIRE(changes.ok());
  REQUIRE(changes->size() == 3);
  const dotlog::Change& last = changes->back();
  CHECK(last.op == dotlog::Change::Op::kDelete);
  CHECK(last.key == "a");
  CHECK(position.seq == last.seq);

  // Dump as jsonl, parse it back, load it into a second store.
  absl::StatusOr<dotlog::DumpFormat> format = dotlog::ParseDumpFormat("jsonl");
  REQUIRE(format.ok());
  CHECK(*format == dotlog::DumpFormat::kJsonl);
  std::string text;
  const absl::Status dumped = dotlog::DumpStore(
      *store, "", *format, [&](std::string_view piece) {
        text.append(piece);
        return absl::OkStatus();
      });
  REQUIRE(dumped.ok());
  absl::StatusOr<std::vector<dotlog::Item>> items =
      dotlog::ParseDump(text, *format);
  INFO(text);
  REQUIRE(items.ok());
  REQUIRE(items->size() == 1);
  CHECK(items->front().key == "b");

  options.file_system = &fs;
  auto copy = dotlog::Store::Open("/copy", options);
  REQUIRE(copy.ok());
  absl::StatusOr<dotlog::LoadResult> loaded =
      dotlog::LoadItems(**copy, *items, clock.Now());
  REQUIRE(loaded.ok());
  CHECK(loaded->loaded == 1);
  CHECK(*(*copy)->Get("b") == "{\"c\":[true]}");

  // Verify: the store's files are clean.
  absl::StatusOr<dotlog::VerifyReport> report = dotlog::VerifyStore("/db", &fs);
  REQUIRE(report.ok());
  CHECK(report->clean());
  CHECK(report->records == 3);
  dotlog::VerifyProblem problem;
  problem.file = "/db/segment-000001.jsonl";
  problem.line = 2;
  problem.reason = "checksum mismatch";
  CHECK(dotlog::FormatProblem(problem) ==
        "/db/segment-000001.jsonl:2: checksum mismatch");
}

TEST_CASE("the library names its release as MAJOR.MINOR.PATCH", "[headers]") {
  const std::string release = dotlog::LibraryRelease();
  CHECK(std::count(release.begin(), release.end(), '.') == 2);
  CHECK(release.find_first_not_of("0123456789.") == std::string::npos);
}

TEST_CASE("replication's types stand alone", "[headers]") {
  dotlog::HybridClock clock([] { return int64_t{1000}; });
  const dotlog::Hlc first = clock.Now();
  CHECK(dotlog::WinsOver(clock.Now(), "a", first, "b"));
  dotlog::StreamEntry entry;
  entry.machine = "laptop";
  entry.seq = 7;
  entry.hlc = first;
  entry.changes.push_back({.item = "state/colorscheme", .value = "1"});
  absl::StatusOr<dotlog::StreamEntry> decoded =
      dotlog::DecodeEntry(dotlog::EncodeEntry(entry));
  REQUIRE(decoded.ok());
  CHECK(*decoded == entry);
  // The Redis side's plain types (its functions are in dotlog_redis).
  const dotlog::RedisOptions redis;
  const dotlog::SyncRoundOptions round;
  const dotlog::ReplicaOptions replica{.machine = "laptop"};
  CHECK(redis.port == 6379);
  CHECK(round.stream == "dotlog:sync");
  CHECK(replica.replicate);
}

}  // namespace
