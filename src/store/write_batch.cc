#include "dotlog/write_batch.h"

#include "absl/strings/str_cat.h"

namespace dotlog {

void WriteBatch::Put(std::string_view key, std::string_view json_value,
                     const PutOptions& options) {
  ops_.push_back(
      Op{false, std::string(key), std::string(json_value), options, false});
}

void WriteBatch::Delete(std::string_view key) {
  ops_.push_back(Op{true, std::string(key), std::string(), PutOptions{}, false});
}

void WriteBatch::Add(std::string_view key, int64_t by) {
  ops_.push_back(
      Op{false, std::string(key), absl::StrCat(by), PutOptions{}, true});
}

}  // namespace dotlog
