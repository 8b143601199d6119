#include "store/mutation.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "dotlog/limits.h"
#include "format/json_text.h"
#include "format/timestamp.h"
#include "store/history_rules.h"
#include "store/write_batch_internal.h"
#include "util/strings.h"

namespace dotlog {
namespace {

// Expiry times stay within the times a store supports.
constexpr int64_t kMaxExpiresMs = kMaxTimeMs;
// Room for a record's fixed fields around its keys and values.
constexpr size_t kRecordOverheadBytes = 256;

absl::Status Invalid(std::string_view key, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("key ", QuoteKey(key), ": ", AV(why)));
}

absl::StatusOr<int64_t> ExpiryMs(std::string_view key,
                                 const PutOptions& options, int64_t now_ms) {
  if (options.ttl && options.expires_at) {
    return Invalid(key, "give a time-to-live or an expiry time, not both");
  }
  int64_t ms = 0;
  if (options.ttl) {
    const int64_t ttl = options.ttl->count();
    if (ttl > kMaxExpiresMs - now_ms) return Invalid(key, "time-to-live too long");
    ms = now_ms + ttl;
  } else if (options.expires_at) {
    ms = ToUnixMillis(*options.expires_at);
  } else {
    return 0;
  }
  if (ms > kMaxExpiresMs) return Invalid(key, "expiry after 2200-01-01 is not supported");
  return ms < 1 ? 1 : ms;  // 0 means "never"; anything earlier has expired
}

}  // namespace

std::string QuoteKey(std::string_view key) {
  constexpr size_t kShown = 80;
  if (!IsValidUtf8(key)) {
    return absl::StrCat("\"", absl::CHexEscape(AV(key.substr(0, kShown))), "\"");
  }
  size_t shown = std::min(key.size(), kShown);
  // Cut between characters, never inside one (continuation bytes: 10xxxxxx).
  while (shown < key.size() && shown > 0 &&
         (static_cast<unsigned char>(key[shown]) & 0xC0) == 0x80) {
    --shown;
  }
  std::string out;
  AppendJsonString(&out, key.substr(0, shown));
  if (shown < key.size()) out.append("...");
  return out;
}

absl::Status CheckKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("key is empty");
  if (key.size() > kMaxKeyBytes) {
    return Invalid(key, absl::StrCat("key is ", key.size(),
                                     " bytes, longer than the limit of ",
                                     kMaxKeyBytes));
  }
  if (!IsValidUtf8(key)) return Invalid(key, "key is not valid UTF-8");
  return absl::OkStatus();
}

absl::StatusOr<Mutation> MakePut(std::string_view key,
                                 std::string_view json_value,
                                 const PutOptions& options, int64_t now_ms) {
  if (absl::Status s = CheckKey(key); !s.ok()) return s;
  if (json_value.size() > kMaxValueBytes * 2) {
    return Invalid(key, absl::StrCat("value is ", json_value.size(), " bytes, over the limit of ", kMaxValueBytes));
  }
  auto minified = MinifyJsonValue(json_value);
  if (!minified.ok()) return Invalid(key, SV(minified.status().message()));
  if (minified->size() > kMaxValueBytes) {
    return Invalid(key, absl::StrCat("value is ", minified->size(),
                                     " bytes minified, over the limit of ",
                                     kMaxValueBytes));
  }
  // The store's own history rules are checked when they are set, not when
  // a compaction first needs them.
  if (key == kHistoryRulesKey) {
    if (auto rules = ParseHistoryRules(*minified); !rules.ok()) {
      return rules.status();
    }
  }
  auto expires = ExpiryMs(key, options, now_ms);
  if (!expires.ok()) return expires.status();
  return Mutation{false, std::string(key), std::move(*minified), *expires};
}

absl::StatusOr<Mutation> MakeDelete(std::string_view key) {
  if (absl::Status s = CheckKey(key); !s.ok()) return s;
  return Mutation{true, std::string(key), "", 0};
}

absl::StatusOr<std::vector<Mutation>> MakeBatch(const WriteBatch& batch,
                                                int64_t now_ms) {
  if (batch.empty()) return absl::InvalidArgumentError("batch is empty");
  std::vector<Mutation> out;
  const std::vector<WriteBatchInternal::Op>& ops =
      WriteBatchInternal::Ops(batch);
  out.reserve(ops.size());
  size_t bytes = kRecordOverheadBytes;
  for (size_t i = 0; i < ops.size(); ++i) {
    const WriteBatchInternal::Op& op = ops[i];
    auto m = op.is_delete ? MakeDelete(op.key)
                          : MakePut(op.key, op.value, op.options, now_ms);
    if (!m.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "batch operation ", i, ": ", m.status().message()));
    }
    // Escaping at most sextuples a key byte.
    // An addition's sum has at most 20 digits and sign.
    bytes += 6 * m->key.size() + (op.is_add ? 20 : m->value.size()) +
             kRecordOverheadBytes;
    if (bytes > kMaxRecordBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "batch exceeds the record limit of ", kMaxRecordBytes, " bytes"));
    }
    out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace dotlog
