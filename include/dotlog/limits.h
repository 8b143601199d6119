// Size limits on keys, values and batches.
#ifndef DOTLOG_LIMITS_H_
#define DOTLOG_LIMITS_H_

#include <cstddef>

namespace dotlog {

// A key is 1 to kMaxKeyBytes bytes of valid UTF-8 (before JSON escaping).
inline constexpr size_t kMaxKeyBytes = 4096;
// A value is at most kMaxValueBytes bytes of JSON after minification.
inline constexpr size_t kMaxValueBytes = 16 << 20;
// Arrays and objects in a value nest at most this deep ([[1]] is 2): low
// enough that every record, batch and dump line holding the value stays
// within the JSON parser's limit of 1024 levels.
inline constexpr size_t kMaxValueDepth = 1000;
// A whole encoded record (one line, a batch included) is at most this long.
inline constexpr size_t kMaxRecordBytes = 64 << 20;

}  // namespace dotlog

#endif  // DOTLOG_LIMITS_H_
