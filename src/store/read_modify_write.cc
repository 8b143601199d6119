// Atomic read-modify-write operations of StoreImpl: each decides its write
// inside DecideAndCommit, after catching up and while holding the write
// lock, so no other writer can land between the read and the write.
#include <cassert>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "store/mutation.h"
#include "store/store_impl.h"
#include "store/write_batch_internal.h"
#include "util/strings.h"

namespace dotlog {
namespace {

// True, with `*n` set, if the minified JSON `value` is an integer that fits
// 64 bits.
bool ParseInteger(std::string_view value, int64_t* n) {
  return !value.empty() && value.front() != '+' &&
         absl::SimpleAtoi(AV(value), n);
}

}  // namespace

absl::StatusOr<std::optional<std::string>> StoreImpl::Update(
    std::string_view key, const UpdateFn& fn, const PutOptions& options) {
  if (absl::Status s = CheckKey(key); !s.ok()) return s;
  std::optional<std::string> stored;
  auto decide = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> Decision {
    const int64_t now = NowMs();
    std::optional<std::string> current;
    if (const IndexEntry* entry = FindLive(key, now)) {
      current.emplace();
      if (absl::Status r = view_.ReadValue(key, *entry, &*current); !r.ok()) return r;
    }
    auto next = fn(current);
    if (!next.ok()) return next.status();
    std::vector<Mutation> ops;
    if (!next->has_value()) {
      stored.reset();
      if (current) ops.push_back(*MakeDelete(key));
      return ops;
    }
    auto m = MakePut(key, **next, options, now);
    if (!m.ok()) return m.status();
    stored = m->value;
    ops.push_back(std::move(*m));
    return ops;
  };
  if (absl::Status s = DecideAndCommit(decide); !s.ok()) return s;
  return stored;
}

absl::Status StoreImpl::CompareAndSet(std::string_view key,
                                      uint64_t expected_seq,
                                      std::string_view json_value,
                                      const PutOptions& options) {
  auto m = MakePut(key, json_value, options, NowMs());
  if (!m.ok()) return m.status();
  return DecideAndCommit([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> Decision {
    const IndexEntry* entry = FindLive(key, NowMs());
    const uint64_t current = entry == nullptr ? 0 : entry->seq;
    if (current != expected_seq) {
      return absl::AbortedError(absl::StrCat(
          "key ", QuoteKey(key), " was last written at sequence ", current,
          ", not ", expected_seq, "; nothing written"));
    }
    std::vector<Mutation> ops;
    ops.push_back(std::move(*m));
    return ops;
  });
}

absl::Status StoreImpl::WriteWithAdds(const WriteBatch& batch,
                                      std::vector<Mutation> ops) {
  const std::vector<WriteBatchInternal::Op>& batch_ops =
      WriteBatchInternal::Ops(batch);
  assert(batch_ops.size() == ops.size());
  return DecideAndCommit([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> Decision {
    const int64_t now = NowMs();
    std::vector<Mutation> resolved = ops;
    for (size_t i = 0; i < resolved.size(); ++i) {
      if (!batch_ops[i].is_add) continue;
      Mutation& m = resolved[i];
      // What the addition starts from: the batch's own last operation on
      // the key, else the store's value.
      std::optional<std::string> current;
      size_t j = i;
      while (j > 0 && resolved[j - 1].key != m.key) --j;
      if (j > 0) {
        if (!resolved[j - 1].is_delete) current = resolved[j - 1].value;
      } else if (const IndexEntry* entry = FindLive(m.key, now)) {
        current.emplace();
        if (absl::Status r = view_.ReadValue(m.key, *entry, &*current);
            !r.ok()) {
          return r;
        }
      }
      int64_t base = 0, by = 0, sum = 0;
      if (!current || !ParseInteger(*current, &base)) base = 0;
      const bool parsed = absl::SimpleAtoi(AV(m.value), &by);
      assert(parsed);  // WriteBatch::Add wrote the addend
      (void)parsed;
      if (__builtin_add_overflow(base, by, &sum)) {
        return absl::OutOfRangeError(absl::StrCat(
            "batch operation ", i, ": adding ", by, " to key ",
            QuoteKey(m.key), " (", base, ") overflows a 64-bit integer"));
      }
      m.value = absl::StrCat(sum);
      m.expires_ms = 0;
    }
    return resolved;
  });
}

absl::StatusOr<int64_t> StoreImpl::Increment(std::string_view key, int64_t by) {
  int64_t result = 0;
  auto stored = Update(
      key,
      [&](const std::optional<std::string>& current)
          -> absl::StatusOr<std::optional<std::string>> {
        int64_t n = 0;
        if (current && !ParseInteger(*current, &n)) {
          return absl::FailedPreconditionError(absl::StrCat(
              "value of key ", QuoteKey(key), " is not an integer: ",
              current->substr(0, 80)));
        }
        if (__builtin_add_overflow(n, by, &result)) {
          return absl::OutOfRangeError(absl::StrCat(
              "incrementing key ", QuoteKey(key), " (", n, ") by ", by,
              " overflows a 64-bit integer"));
        }
        return std::optional<std::string>(absl::StrCat(result));
      },
      PutOptions{});
  if (!stored.ok()) return stored.status();
  return result;
}

}  // namespace dotlog
