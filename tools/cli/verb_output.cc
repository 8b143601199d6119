#include "cli/verb_output.h"

#include <simdjson.h>

#include "absl/strings/str_cat.h"
#include "dotlog/change_feed.h"
#include "dotlog/dump.h"
#include "dotlog/write_batch.h"
#include "format/json_text.h"
#include "format/timestamp.h"
#include "store/mutation.h"
#include "cli/conventions.h"
#include "util/strings.h"

namespace dotlog::cli {
namespace {

// Characters in "YYYY-MM-DDThh:mm:ss.mmmZ".
constexpr size_t kTimestampWidth = 24;

}  // namespace

absl::StatusOr<std::string> ValueToStore(std::string_view key,
                                         std::string_view text,
                                         bool as_string) {
  if (!as_string) {
    auto minified = MinifyJsonValue(text);
    if (minified.ok()) return std::string(text);
    // Most often a path or a word meant as a string.
    const size_t start = text.find_first_not_of(" \t\r\n");
    const bool plain =
        start == std::string_view::npos ||
        std::string_view("{[\"").find(text[start]) == std::string_view::npos;
    return absl::InvalidArgumentError(
        absl::StrCat("key ", QuoteKey(key), ": ", minified.status().message(),
                     plain ? "; a plain string needs --string, or JSON quotes: "
                             "'\"text\"'"
                           : ""));
  }
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError("--string value is not valid UTF-8");
  }
  std::string json;
  AppendJsonString(&json, text);
  return json;
}

absl::StatusOr<std::string> ValueToPrint(std::string_view json, bool raw) {
  if (!raw || json.empty() || json.front() != '"') return std::string(json);
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  std::string_view text;
  if (auto e = parser.iterate(padded).get(doc); e) {
    return absl::DataLossError(
        absl::StrCat("stored value is not JSON: ", simdjson::error_message(e)));
  }
  if (auto e = doc.get_string().get(text); e) {
    return absl::DataLossError(absl::StrCat("stored string is not JSON: ",
                                            simdjson::error_message(e)));
  }
  return std::string(text);
}

absl::StatusOr<size_t> DeleteKeys(Store& store,
                                  const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    if (absl::Status s = CheckKey(key); !s.ok()) return s;
  }
  WriteBatch batch;
  for (const std::string& key : keys) {
    auto present = store.Contains(key);
    if (!present.ok()) return present.status();
    if (*present) batch.Delete(key);
  }
  if (batch.empty()) return 0;
  if (absl::Status s = store.Write(batch); !s.ok()) return s;
  return batch.size();
}

absl::StatusOr<std::string> ListText(Store& store, std::string_view prefix,
                                     bool json) {
  std::string out;
  if (!json) {
    auto keys = store.ListKeys(prefix);
    if (!keys.ok()) return keys.status();
    for (const std::string& key : *keys) absl::StrAppend(&out, key, "\n");
    return out;
  }
  auto items = store.List(prefix);
  if (!items.ok()) return items.status();
  out.push_back('{');
  for (size_t i = 0; i < items->size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(&out, (*items)[i].key);
    out.push_back(':');
    out.append((*items)[i].value);
  }
  out.append("}\n");
  return out;
}

absl::StatusOr<std::string> LongListText(Store& store,
                                         std::string_view prefix) {
  auto items = store.List(prefix);
  if (!items.ok()) return items.status();
  std::string out;
  for (const Item& item : *items) {
    const std::string expires =
        item.expires_at ? FormatTimestamp(ToUnixMillis(*item.expires_at))
                        : "never";
    absl::StrAppend(&out, expires,
                    std::string(kTimestampWidth + 2 - expires.size(), ' '),
                    item.key, "\n");
  }
  return out;
}

absl::StatusOr<int64_t> SecondsToLive(
    Store& store, std::string_view key,
    std::chrono::system_clock::time_point now) {
  auto item = store.Lookup(key);
  if (!item.ok()) return item.status();
  if (!item->expires_at) return -1;
  const int64_t left_ms = ToUnixMillis(*item->expires_at) - ToUnixMillis(now);
  if (left_ms <= 0) {  // expired since the lookup
    return absl::NotFoundError(
        absl::StrCat("key ", QuoteKey(key), " not found"));
  }
  return (left_ms + 999) / 1000;
}

std::string StatsText(const Stats& stats, bool json) {
  const std::pair<const char*, uint64_t> fields[] = {
      {"live_keys", stats.live_keys},
      {"records", stats.records},
      {"segments", stats.segments},
      {"total_bytes", stats.total_bytes},
      {"live_bytes", stats.live_bytes},
      {"dead_bytes", stats.dead_bytes},
      {"damaged_records", stats.damaged_records},
      {"torn_tail_bytes", stats.torn_tail_bytes},
      {"last_seq", stats.last_seq},
      {"snapshot_keys", stats.snapshot_keys},
      {"index_bytes", stats.index_bytes},
  };
  std::string out;
  if (!json) {
    for (const auto& [name, value] : fields) {
      absl::StrAppend(&out, name, ": ", value, "\n");
    }
    return out;
  }
  out.push_back('{');
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out.push_back(',');
    absl::StrAppend(&out, "\"", name, "\":", value);
  }
  out.append("}\n");
  return out;
}

std::string ProblemsText(const VerifyReport& report) {
  std::string out;
  for (const VerifyProblem& p : report.errors) {
    absl::StrAppend(&out, FormatProblem(p), "\n");
  }
  for (VerifyProblem p : report.warnings) {
    p.reason = absl::StrCat("warning: ", p.reason);
    absl::StrAppend(&out, FormatProblem(p), "\n");
  }
  return out;
}

std::string VerifySummary(const VerifyReport& report) {
  std::string out = absl::StrCat(Plural(report.segments, "segment"), ", ",
                                 Plural(report.records, "record"), ": ");
  if (report.clean()) {
    out.append("clean");
  } else {
    absl::StrAppend(&out, Plural(report.errors.size(), "problem"));
  }
  if (!report.warnings.empty()) {
    absl::StrAppend(&out, " (", Plural(report.warnings.size(), "warning"), ")");
  }
  out.push_back('\n');
  return out;
}

absl::StatusOr<std::string> HistoryText(Store& store, std::string_view key,
                                        size_t max_versions) {
  auto versions = store.History(key, max_versions);
  if (!versions.ok()) return versions.status();
  if (versions->empty()) {
    return absl::NotFoundError(absl::StrCat("key ", AV(key), " has no history"));
  }
  std::string out;
  for (const KeyVersion& v : *versions) {
    Change change;
    change.op = v.deleted ? Change::Op::kDelete : Change::Op::kPut;
    change.key = std::string(key);
    change.value = v.value;
    change.ts = FormatTimestamp(ToUnixMillis(v.written));
    change.seq = v.seq;
    change.expires_at = v.expires_at;
    AppendHistoryLine(change, &out);
  }
  return out;
}

}  // namespace dotlog::cli
