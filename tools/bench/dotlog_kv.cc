// dotlog under test, through its public API only.
#include <memory>
#include <string>

#include "dotlog/store.h"
#include "dotlog/write_batch.h"
#include "kv_under_test.h"

namespace dotlog::bench {
namespace {

// The batch size of dotlog's bulk path; `dotlog load` uses the same.
constexpr size_t kLoadBatchKeys = 1000;

class DotlogKv final : public KvUnderTest {
 public:
  absl::Status Open(const std::string& dir, bool durable) override {
    store_.reset();
    Options options;  // the defaults a program gets, sync mode aside
    options.sync = durable ? SyncMode::kAlways : SyncMode::kNone;
    auto store = Store::Open(dir, options);
    if (!store.ok()) return store.status();
    store_ = std::move(*store);
    return absl::OkStatus();
  }

  absl::Status Close() override {
    if (store_ == nullptr) return absl::OkStatus();
    absl::Status s = store_->Close();
    store_.reset();
    return s;
  }

  // One atomic WriteBatch record per 1000 keys, each synced (kAlways).
  absl::Status Load(const std::vector<Entry>& entries) override {
    WriteBatch batch;
    for (size_t i = 0; i < entries.size(); ++i) {
      batch.Put(entries[i].key, entries[i].value);
      if (batch.size() == kLoadBatchKeys || i + 1 == entries.size()) {
        if (absl::Status s = store_->Write(batch); !s.ok()) return s;
        batch.Clear();
      }
    }
    return absl::OkStatus();
  }

  absl::Status Get(std::string_view key, std::string* value) override {
    auto v = store_->Get(key);
    if (!v.ok()) return v.status();
    *value = std::move(*v);
    return absl::OkStatus();
  }

  absl::Status Put(std::string_view key, std::string_view value) override {
    return store_->Put(key, value);
  }

  absl::Status Compact() override { return store_->Compact(); }

  bool shares_handle_across_threads() const override { return true; }

 private:
  std::unique_ptr<Store> store_;
};

}  // namespace

std::unique_ptr<KvUnderTest> NewDotlogKv() {
  return std::make_unique<DotlogKv>();
}

}  // namespace dotlog::bench
