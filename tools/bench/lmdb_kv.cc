// LMDB under test: one environment per directory, the main (unnamed)
// database, one write transaction per Put, and a reused read transaction
// (mdb_txn_reset / mdb_txn_renew) per Get, as LMDB's docs recommend.
#include <memory>
#include <string>

#include "kv_under_test.h"

#ifdef HAVE_LMDB
#include <lmdb.h>


namespace dotlog::bench {
namespace {

// Far more than any store here needs; LMDB reserves address space only.
constexpr size_t kMapBytes = size_t{4} << 30;

absl::Status LmdbError(const std::string& what, int rc) {
  return absl::InternalError("lmdb " + what + ": " + mdb_strerror(rc));
}

class LmdbKv final : public KvUnderTest {
 public:
  ~LmdbKv() override { Close().IgnoreError(); }

  absl::Status Open(const std::string& dir, bool durable) override {
    if (absl::Status s = Close(); !s.ok()) return s;
    MakeDirs(dir);
    int rc = mdb_env_create(&env_);
    if (rc == 0) rc = mdb_env_set_mapsize(env_, kMapBytes);
    if (rc == 0) {
      rc = mdb_env_open(env_, dir.c_str(), durable ? 0 : MDB_NOSYNC, 0600);
    }
    if (rc != 0) {
      Close().IgnoreError();
      return LmdbError("open " + dir, rc);
    }
    MDB_txn* txn = nullptr;
    rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc == 0) rc = mdb_dbi_open(txn, nullptr, 0, &dbi_);
    if (rc == 0) rc = mdb_txn_commit(txn);
    if (rc == 0) rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &read_);
    if (rc != 0) return LmdbError("open database", rc);
    mdb_txn_reset(read_);
    return absl::OkStatus();
  }

  absl::Status Close() override {
    if (read_ != nullptr) mdb_txn_abort(read_);
    read_ = nullptr;
    if (env_ != nullptr) mdb_env_close(env_);
    env_ = nullptr;
    return absl::OkStatus();
  }

  // One write transaction for the whole load.
  absl::Status Load(const std::vector<Entry>& entries) override {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc != 0) return LmdbError("begin", rc);
    for (const Entry& e : entries) {
      MDB_val k{e.key.size(), const_cast<char*>(e.key.data())};
      MDB_val v{e.value.size(), const_cast<char*>(e.value.data())};
      if ((rc = mdb_put(txn, dbi_, &k, &v, 0)) != 0) {
        mdb_txn_abort(txn);
        return LmdbError("put", rc);
      }
    }
    rc = mdb_txn_commit(txn);
    return rc == 0 ? absl::OkStatus() : LmdbError("commit", rc);
  }

  absl::Status Get(std::string_view key, std::string* value) override {
    int rc = mdb_txn_renew(read_);
    if (rc != 0) return LmdbError("renew", rc);
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v;
    rc = mdb_get(read_, dbi_, &k, &v);
    if (rc == 0) value->assign(static_cast<const char*>(v.mv_data), v.mv_size);
    mdb_txn_reset(read_);
    if (rc == MDB_NOTFOUND) return absl::NotFoundError("lmdb: key not found");
    return rc == 0 ? absl::OkStatus() : LmdbError("get", rc);
  }

  // Thread-safe: LMDB serialises write transactions itself.
  absl::Status Put(std::string_view key, std::string_view value) override {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc != 0) return LmdbError("begin", rc);
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v{value.size(), const_cast<char*>(value.data())};
    if ((rc = mdb_put(txn, dbi_, &k, &v, 0)) != 0) {
      mdb_txn_abort(txn);
      return LmdbError("put", rc);
    }
    rc = mdb_txn_commit(txn);
    return rc == 0 ? absl::OkStatus() : LmdbError("commit", rc);
  }

  absl::Status Compact() override {
    return absl::UnimplementedError("lmdb reuses freed pages; no compaction");
  }

  // An environment must be opened once per process, so writer threads
  // share it.
  bool shares_handle_across_threads() const override { return true; }

 private:
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
  MDB_txn* read_ = nullptr;
};

}  // namespace

Peer LmdbPeer() {
  int major = 0, minor = 0, patch = 0;
  mdb_version(&major, &minor, &patch);
  return {[]() -> std::unique_ptr<KvUnderTest> {
            return std::make_unique<LmdbKv>();
          },
          std::to_string(major) + "." + std::to_string(minor) + "." +
              std::to_string(patch)};
}

}  // namespace dotlog::bench

#else  // !HAVE_LMDB

dotlog::bench::Peer dotlog::bench::LmdbPeer() { return {}; }

#endif  // HAVE_LMDB
