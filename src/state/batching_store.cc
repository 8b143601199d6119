#include "state/batching_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dotlog/write_batch.h"
#include "format/timestamp.h"
#include "store/mutation.h"
#include "store/write_batch_internal.h"
#include "util/strings.h"

namespace dotlog::state {

absl::StatusOr<Item> BatchingStore::Lookup(std::string_view key) {
  auto it = pending_.find(key);
  if (it == pending_.end()) return base_->Lookup(key);
  if (!it->second) {
    return absl::NotFoundError(absl::StrCat("key ", QuoteKey(key)));
  }
  return *it->second;
}

absl::StatusOr<std::string> BatchingStore::Get(std::string_view key) {
  auto item = Lookup(key);
  if (!item.ok()) return item.status();
  return std::move(item->value);
}

absl::StatusOr<bool> BatchingStore::Contains(std::string_view key) {
  auto item = Lookup(key);
  if (absl::IsNotFound(item.status())) return false;
  if (!item.ok()) return item.status();
  return true;
}

absl::Status BatchingStore::Put(std::string_view key,
                                std::string_view json_value,
                                const PutOptions& options) {
  auto m = MakePut(key, json_value, options, ToUnixMillis(clock_->Now()));
  if (!m.ok()) return m.status();
  std::optional<std::chrono::system_clock::time_point> expires;
  if (m->expires_ms != 0) expires = FromUnixMillis(m->expires_ms);
  pending_[std::string(key)] =
      Item{std::string(key), m->value, expires, next_seq_++};
  return absl::OkStatus();
}

absl::Status BatchingStore::Delete(std::string_view key) {
  if (absl::Status s = CheckKey(key); !s.ok()) return s;
  pending_[std::string(key)] = std::nullopt;
  return absl::OkStatus();
}

absl::Status BatchingStore::Write(const WriteBatch& batch) {
  // Checked whole first, as the store would.
  if (auto m = MakeBatch(batch, ToUnixMillis(clock_->Now())); !m.ok()) {
    return m.status();
  }
  for (const auto& op : WriteBatchInternal::Ops(batch)) {
    absl::Status s = op.is_add      ? Add(op.key, op.value)
                     : op.is_delete ? Delete(op.key)
                                    : Put(op.key, op.value, op.options);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> BatchingStore::Update(
    std::string_view key, const UpdateFn& fn, const PutOptions& options) {
  std::optional<std::string> current;
  auto value = Get(key);
  if (value.ok()) {
    current = *std::move(value);
  } else if (!absl::IsNotFound(value.status())) {
    return value.status();
  }
  auto next = fn(current);
  if (!next.ok()) return next.status();
  if (*next) {
    if (absl::Status s = Put(key, **next, options); !s.ok()) return s;
    return Get(key);
  }
  return current;
}

absl::Status BatchingStore::CompareAndSet(std::string_view key,
                                          uint64_t expected_seq,
                                          std::string_view json_value,
                                          const PutOptions& options) {
  auto item = Lookup(key);
  const uint64_t seq = item.ok() ? item->seq : 0;
  if (!item.ok() && !absl::IsNotFound(item.status())) return item.status();
  if (seq != expected_seq) {
    return absl::FailedPreconditionError(
        absl::StrCat("key ", QuoteKey(key), " changed"));
  }
  return Put(key, json_value, options);
}

absl::StatusOr<int64_t> BatchingStore::Increment(std::string_view key,
                                                 int64_t by) {
  int64_t value = 0;
  auto current = Get(key);
  if (current.ok() && !absl::SimpleAtoi(AV(*current), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("key ", QuoteKey(key), " does not hold an integer"));
  }
  if (!current.ok() && !absl::IsNotFound(current.status())) {
    return current.status();
  }
  value += by;
  if (absl::Status s = Put(key, absl::StrCat(value), {}); !s.ok()) return s;
  return value;
}

absl::Status BatchingStore::Add(std::string_view key,
                                std::string_view addend) {
  int64_t by = 0, value = 0, sum = 0;
  if (!absl::SimpleAtoi(AV(addend), &by)) {
    return absl::InvalidArgumentError(
        absl::StrCat("key ", QuoteKey(key), ": addend is not an integer"));
  }
  auto current = Get(key);
  if (!current.ok() && !absl::IsNotFound(current.status())) {
    return current.status();
  }
  if (!current.ok() || !absl::SimpleAtoi(AV(*current), &value)) value = 0;
  if (__builtin_add_overflow(value, by, &sum)) {
    return absl::OutOfRangeError(absl::StrCat(
        "adding ", by, " to key ", QuoteKey(key), " overflows"));
  }
  return Put(key, absl::StrCat(sum), {});
}

absl::StatusOr<std::vector<Item>> BatchingStore::List(std::string_view prefix) {
  auto base = base_->List(prefix);
  if (!base.ok()) return base.status();
  std::map<std::string, Item, std::less<>> merged;
  for (Item& item : *base) merged[item.key] = std::move(item);
  for (auto it = pending_.lower_bound(prefix);
       it != pending_.end() && it->first.starts_with(prefix); ++it) {
    if (it->second) {
      merged[it->first] = *it->second;
    } else {
      merged.erase(it->first);
    }
  }
  std::vector<Item> items;
  items.reserve(merged.size());
  for (auto& [key, item] : merged) items.push_back(std::move(item));
  return items;
}

absl::Status BatchingStore::ForEach(
    std::string_view prefix, absl::FunctionRef<absl::Status(const Item&)> fn) {
  auto it = pending_.lower_bound(prefix);
  if (it == pending_.end() || !it->first.starts_with(prefix)) {
    return base_->ForEach(prefix, fn);
  }
  return Store::ForEach(prefix, fn);  // List, which merges the pending ones
}

absl::StatusOr<std::vector<std::string>> BatchingStore::ListKeys(
    std::string_view prefix) {
  auto items = List(prefix);
  if (!items.ok()) return items.status();
  std::vector<std::string> keys;
  keys.reserve(items->size());
  for (Item& item : *items) keys.push_back(std::move(item.key));
  return keys;
}

absl::StatusOr<uint64_t> BatchingStore::Commit() {
  WriteBatch batch;
  for (const auto& [key, item] : pending_) {
    auto current = base_->Lookup(key);
    if (!current.ok() && !absl::IsNotFound(current.status())) {
      return current.status();
    }
    if (!item) {
      if (current.ok()) batch.Delete(key);
      continue;
    }
    if (current.ok() && current->value == item->value &&
        current->expires_at == item->expires_at) {
      continue;  // already there
    }
    PutOptions options;
    options.expires_at = item->expires_at;
    batch.Put(key, item->value, options);
  }
  const uint64_t ops = batch.size();
  if (ops > 0) {
    if (absl::Status s = base_->Write(batch); !s.ok()) return s;
  }
  pending_.clear();
  return ops;
}

}  // namespace dotlog::state
