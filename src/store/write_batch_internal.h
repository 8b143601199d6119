// What the library reads of a WriteBatch: its operations, in the order they
// were added. Not part of the public API, as a batch's contents are not.
#ifndef DOTLOG_STORE_WRITE_BATCH_INTERNAL_H_
#define DOTLOG_STORE_WRITE_BATCH_INTERNAL_H_

#include <vector>

#include "dotlog/write_batch.h"

namespace dotlog {

class WriteBatchInternal {
 public:
  // One put or delete: is_delete, key, value (JSON text as given) and the
  // put's options.
  using Op = WriteBatch::Op;

  // The operations of `batch`, oldest first.
  static const std::vector<Op>& Ops(const WriteBatch& batch) {
    return batch.ops_;
  }
};

}  // namespace dotlog

#endif  // DOTLOG_STORE_WRITE_BATCH_INTERNAL_H_
