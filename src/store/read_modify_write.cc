// Atomic read-modify-write operations of StoreImpl: each decides its write
// inside DecideAndCommit, after catching up and while holding the write
// lock, so no other writer can land between the read and the write.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "store/mutation.h"
#include "store/store_impl.h"
#include "util/strings.h"

namespace dotlog {

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

absl::StatusOr<int64_t> StoreImpl::Increment(std::string_view key, int64_t by) {
  int64_t result = 0;
  auto stored = Update(
      key,
      [&](const std::optional<std::string>& current)
          -> absl::StatusOr<std::optional<std::string>> {
        int64_t n = 0;
        if (current && (current->empty() || current->front() == '+' ||
                        !absl::SimpleAtoi(AV(*current), &n))) {
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
