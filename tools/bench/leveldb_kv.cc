// LevelDB under test: default options (4 MiB write buffer, 8 MiB block
// cache), WriteOptions::sync per the durability asked for.
#include <memory>
#include <string>

#include "kv_under_test.h"

#ifdef HAVE_LEVELDB
#include <leveldb/db.h>
#include <leveldb/write_batch.h>


namespace dotlog::bench {
namespace {

// Keys per WriteBatch of the bulk path, as dotlog's.
constexpr size_t kLoadBatchKeys = 1000;

absl::Status LeveldbError(const leveldb::Status& s) {
  return absl::InternalError("leveldb: " + s.ToString());
}

class LeveldbKv final : public KvUnderTest {
 public:
  absl::Status Open(const std::string& dir, bool durable) override {
    db_.reset();
    MakeDirs(dir);  // LevelDB makes the directory, not its parents
    leveldb::Options options;
    options.create_if_missing = true;
    leveldb::DB* db = nullptr;
    leveldb::Status s = leveldb::DB::Open(options, dir, &db);
    if (!s.ok()) return LeveldbError(s);
    db_.reset(db);
    write_.sync = durable;
    return absl::OkStatus();
  }

  absl::Status Close() override {
    db_.reset();
    return absl::OkStatus();
  }

  // Atomic batches of 1000 keys, each synced when durable.
  absl::Status Load(const std::vector<Entry>& entries) override {
    leveldb::WriteBatch batch;
    size_t in_batch = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
      batch.Put(entries[i].key, entries[i].value);
      if (++in_batch == kLoadBatchKeys || i + 1 == entries.size()) {
        leveldb::Status s = db_->Write(write_, &batch);
        if (!s.ok()) return LeveldbError(s);
        batch.Clear();
        in_batch = 0;
      }
    }
    return absl::OkStatus();
  }

  absl::Status Get(std::string_view key, std::string* value) override {
    leveldb::Status s = db_->Get(leveldb::ReadOptions(),
                                 leveldb::Slice(key.data(), key.size()), value);
    if (s.IsNotFound()) return absl::NotFoundError("leveldb: key not found");
    return s.ok() ? absl::OkStatus() : LeveldbError(s);
  }

  // Thread-safe; concurrent writers share one log write and sync.
  absl::Status Put(std::string_view key, std::string_view value) override {
    leveldb::Status s = db_->Put(write_, leveldb::Slice(key.data(), key.size()),
                                 leveldb::Slice(value.data(), value.size()));
    return s.ok() ? absl::OkStatus() : LeveldbError(s);
  }

  absl::Status Compact() override {
    db_->CompactRange(nullptr, nullptr);
    return absl::OkStatus();
  }

  bool shares_handle_across_threads() const override { return true; }

 private:
  std::unique_ptr<leveldb::DB> db_;
  leveldb::WriteOptions write_;
};

}  // namespace

Peer LeveldbPeer() {
  return {[]() -> std::unique_ptr<KvUnderTest> {
            return std::make_unique<LeveldbKv>();
          },
          std::to_string(leveldb::kMajorVersion) + "." +
              std::to_string(leveldb::kMinorVersion)};
}

}  // namespace dotlog::bench

#else  // !HAVE_LEVELDB

dotlog::bench::Peer dotlog::bench::LeveldbPeer() { return {}; }

#endif  // HAVE_LEVELDB
