// A group of puts and deletes applied atomically.
#ifndef DOTLOG_WRITE_BATCH_H_
#define DOTLOG_WRITE_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dotlog/options.h"

namespace dotlog {

// Collects operations for Store::Write, which validates all of them and then
// stores them as one record: after any crash, either every operation of the
// batch is visible or none is. Later operations on the same key win. A batch
// is a plain value owned by the caller; it is not thread-safe.
class WriteBatch {
 public:
  // Adds a put of `json_value` (any JSON text) under `key`.
  void Put(std::string_view key, std::string_view json_value,
           const PutOptions& options = {});
  // Adds a delete of `key`.
  void Delete(std::string_view key);
  // Adds an addition of `by` to the integer under `key`, computed by
  // Store::Write while it holds the write lock, so that no write by anyone
  // lands between the read of the key and the batch: the record stores the
  // sum as a put (with no expiry). Unlike Store::Increment, a key that is
  // absent, expired or holds anything but an integer counts as 0. An
  // earlier operation of the same batch on the key is what the addition
  // starts from. Store::Write fails with OutOfRange, writing nothing, if
  // the sum overflows a 64-bit integer.
  void Add(std::string_view key, int64_t by);
  // Removes every operation.
  void Clear() { ops_.clear(); }

  // True when no operation was added since construction or Clear().
  bool empty() const { return ops_.empty(); }
  // How many operations were added since construction or Clear(), a key
  // added twice counting twice.
  size_t size() const { return ops_.size(); }

 private:
  // The store reads the operations through WriteBatchInternal.
  friend class WriteBatchInternal;
  struct Op {
    bool is_delete = false;
    std::string key;
    std::string value;  // JSON text as given; validated by Store::Write
    PutOptions options;
    bool is_add = false;  // `value` is then the addend, as decimal text
  };
  std::vector<Op> ops_;
};

}  // namespace dotlog

#endif  // DOTLOG_WRITE_BATCH_H_
