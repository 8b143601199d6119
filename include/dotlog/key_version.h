// One version of a key, as returned by Store::History.
#ifndef DOTLOG_KEY_VERSION_H_
#define DOTLOG_KEY_VERSION_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace dotlog {

struct KeyVersion {
  uint64_t seq = 0;  // sequence number of the record
  std::chrono::system_clock::time_point written;  // the record's "ts"
  bool deleted = false;  // a delete; `value` is then empty
  std::string value;     // minified JSON text
  // The expiry the version was written with, if any.
  std::optional<std::chrono::system_clock::time_point> expires_at;
};

}  // namespace dotlog

#endif  // DOTLOG_KEY_VERSION_H_
