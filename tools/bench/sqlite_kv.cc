// SQLite under test: one table in WAL mode, prepared statements, one
// connection per handle. The same schema as tools/bench/cold_get.sh.
#include <memory>
#include <string>

#include "kv_under_test.h"

#ifdef HAVE_SQLITE
#include <sqlite3.h>


namespace dotlog::bench {
namespace {

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY NOT NULL, "
    "value TEXT NOT NULL) WITHOUT ROWID";

class SqliteKv final : public KvUnderTest {
 public:
  ~SqliteKv() override { Close().IgnoreError(); }

  absl::Status Open(const std::string& dir, bool durable) override {
    if (absl::Status s = Close(); !s.ok()) return s;
    MakeDirs(dir);
    const std::string path = dir + "/state.db";
    // NOMUTEX: a connection is used by one thread at a time.
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      return Error("open " + path);
    }
    sqlite3_busy_timeout(db_, 30000);
    const std::string pragmas =
        std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") +
        (durable ? "FULL" : "NORMAL") + "; " + kSchema;
    if (absl::Status s = Exec(pragmas); !s.ok()) return s;
    if (absl::Status s = Prepare("SELECT value FROM kv WHERE key=?1", &get_);
        !s.ok()) {
      return s;
    }
    return Prepare("INSERT OR REPLACE INTO kv(key, value) VALUES(?1, ?2)",
                   &put_);
  }

  absl::Status Close() override {
    sqlite3_finalize(get_);
    sqlite3_finalize(put_);
    get_ = put_ = nullptr;
    if (db_ == nullptr) return absl::OkStatus();
    const int rc = sqlite3_close(db_);
    db_ = nullptr;
    if (rc != SQLITE_OK) {
      return absl::InternalError(std::string("sqlite close: ") +
                                 sqlite3_errstr(rc));
    }
    return absl::OkStatus();
  }

  // One transaction for the whole load.
  absl::Status Load(const std::vector<Entry>& entries) override {
    if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    for (const Entry& e : entries) {
      if (absl::Status s = Put(e.key, e.value); !s.ok()) {
        Exec("ROLLBACK").IgnoreError();
        return s;
      }
    }
    return Exec("COMMIT");
  }

  absl::Status Get(std::string_view key, std::string* value) override {
    sqlite3_bind_text(get_, 1, key.data(), static_cast<int>(key.size()),
                      SQLITE_STATIC);
    const int rc = sqlite3_step(get_);
    absl::Status s;
    if (rc == SQLITE_ROW) {
      value->assign(reinterpret_cast<const char*>(sqlite3_column_text(get_, 0)),
                    static_cast<size_t>(sqlite3_column_bytes(get_, 0)));
    } else if (rc == SQLITE_DONE) {
      s = absl::NotFoundError("sqlite: key not found");
    } else {
      s = Error("get");
    }
    sqlite3_reset(get_);
    return s;
  }

  // Autocommit: one statement, one transaction.
  absl::Status Put(std::string_view key, std::string_view value) override {
    sqlite3_bind_text(put_, 1, key.data(), static_cast<int>(key.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(put_, 2, value.data(), static_cast<int>(value.size()),
                      SQLITE_STATIC);
    const int rc = sqlite3_step(put_);
    absl::Status s = rc == SQLITE_DONE ? absl::OkStatus() : Error("put");
    sqlite3_reset(put_);
    return s;
  }

  // VACUUM rewrites the database through the WAL; the checkpoint moves it
  // into the main file and truncates the WAL, so the space is really freed.
  absl::Status Compact() override {
    if (absl::Status s = Exec("VACUUM"); !s.ok()) return s;
    return Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  bool shares_handle_across_threads() const override { return false; }

 private:
  absl::Status Error(const std::string& what) const {
    return absl::InternalError("sqlite " + what + ": " +
                               (db_ ? sqlite3_errmsg(db_) : "no handle"));
  }

  absl::Status Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      absl::Status s = absl::InternalError(
          "sqlite \"" + sql + "\": " + (err ? err : "unknown error"));
      sqlite3_free(err);
      return s;
    }
    return absl::OkStatus();
  }

  absl::Status Prepare(const char* sql, sqlite3_stmt** stmt) {
    if (sqlite3_prepare_v2(db_, sql, -1, stmt, nullptr) != SQLITE_OK) {
      return Error(std::string("prepare ") + sql);
    }
    return absl::OkStatus();
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* get_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
};

}  // namespace

Peer SqlitePeer() {
  return {[]() -> std::unique_ptr<KvUnderTest> {
            return std::make_unique<SqliteKv>();
          },
          sqlite3_libversion()};
}

}  // namespace dotlog::bench

#else  // !HAVE_SQLITE

dotlog::bench::Peer dotlog::bench::SqlitePeer() { return {}; }

#endif  // HAVE_SQLITE
