// Reading decoded state values from the store.
#ifndef DOTLOG_STATE_STATE_STORE_H_
#define DOTLOG_STATE_STATE_STORE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/store.h"
#include "util/strings.h"

namespace dotlog::state {

// The value under `key` decoded by `decode(key, json)` (which returns an
// absl::StatusOr<T>). NotFound with message `missing` if the key is absent.
template <typename T, typename Decode>
absl::StatusOr<T> GetDecoded(Store& store, std::string_view key,
                             std::string_view missing, Decode decode) {
  absl::StatusOr<std::string> json = store.Get(key);
  if (absl::IsNotFound(json.status())) {
    return absl::NotFoundError(AV(missing));
  }
  if (!json.ok()) return json.status();
  return decode(key, *json);
}

// Every value under `prefix`, in key order, decoded as GetDecoded does.
template <typename T, typename Decode>
absl::StatusOr<std::vector<T>> ListDecoded(Store& store,
                                           std::string_view prefix,
                                           Decode decode) {
  absl::StatusOr<std::vector<Item>> items = store.List(prefix);
  if (!items.ok()) return items.status();
  std::vector<T> all;
  all.reserve(items->size());
  for (const Item& item : *items) {
    absl::StatusOr<T> value = decode(item.key, item.value);
    if (!value.ok()) return value.status();
    all.push_back(*std::move(value));
  }
  return all;
}

}  // namespace dotlog::state

#endif  // DOTLOG_STATE_STATE_STORE_H_
