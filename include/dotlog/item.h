// A live key with its value, as returned by lookups and listings.
#ifndef DOTLOG_ITEM_H_
#define DOTLOG_ITEM_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace dotlog {

struct Item {
  std::string key;    // the key, as given to Put (UTF-8)
  std::string value;  // the value as minified JSON text
  // When the key stops being visible; empty if it never expires.
  std::optional<std::chrono::system_clock::time_point> expires_at;
  uint64_t seq = 0;   // sequence number of the record that wrote this value
};

}  // namespace dotlog

#endif  // DOTLOG_ITEM_H_
