#include "dotlog/write_batch.h"

namespace dotlog {

void WriteBatch::Put(std::string_view key, std::string_view json_value,
                     const PutOptions& options) {
  ops_.push_back(Op{false, std::string(key), std::string(json_value), options});
}

void WriteBatch::Delete(std::string_view key) {
  ops_.push_back(Op{true, std::string(key), std::string(), PutOptions{}});
}

}  // namespace dotlog
