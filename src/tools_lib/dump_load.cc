// Reading the json and jsonl dump formats back, and loading them into a
// store.
#include <simdjson.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dotlog/dump.h"
#include "dotlog/limits.h"
#include "dotlog/write_batch.h"
#include "format/json_text.h"
#include "format/raw_json.h"
#include "format/timestamp.h"
#include "store/mutation.h"
#include "util/strings.h"

namespace dotlog {
namespace {

namespace od = simdjson::ondemand;

absl::Status Invalid(std::string_view where, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(AV(where), ": ", AV(why)));
}

absl::Status JsonError(std::string_view where, simdjson::error_code e) {
  return Invalid(where, simdjson::error_message(e));
}

// The exact text of `v` within its (minified) document (RawJson, with the
// loader's InvalidArgument naming `where`).
absl::Status ValueText(od::value v, std::string_view where,
                       std::string_view* raw) {
  od::json_type type;
  if (auto e = v.type().get(type)) return JsonError(where, e);
  // Minified: no whitespace follows a scalar.
  if (auto e = RawJson(v, type, raw)) return JsonError(where, e);
  return absl::OkStatus();
}

// Iterates the members of the object that `text` (one JSON value) holds,
// calling `on_member(name, value)`. Fails unless `text` is a valid object.
template <typename F>
absl::Status ForEachMember(std::string_view text, std::string_view where,
                           F on_member) {
  // The object is one level around the values it holds.
  auto minified = MinifyJsonValue(text, /*levels_around=*/1);
  if (!minified.ok()) return Invalid(where, SV(minified.status().message()));
  thread_local od::parser parser;
  simdjson::padded_string padded(*minified);
  od::document doc;
  if (auto e = parser.iterate(padded).get(doc)) return JsonError(where, e);
  od::object obj;
  if (auto e = doc.get_object().get(obj)) {
    return Invalid(where, "not a JSON object");
  }
  for (auto field : obj) {
    std::string_view name;
    if (auto e = field.unescaped_key().get(name)) return JsonError(where, e);
    const std::string member(name);  // the parser reuses its buffer
    od::value v;
    if (auto e = field.value().get(v)) return JsonError(where, e);
    if (absl::Status s = on_member(member, v); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// One jsonl line: {"key":...,"value":...,"expires":...|null}.
absl::StatusOr<Item> ParseJsonlLine(std::string_view line,
                                    std::string_view where) {
  Item item;
  bool has_key = false, has_value = false, has_expires = false;
  absl::Status s = ForEachMember(
      line, where, [&](const std::string& name, od::value v) -> absl::Status {
        bool* seen = name == "key"       ? &has_key
                     : name == "value"   ? &has_value
                     : name == "expires" ? &has_expires
                                         : nullptr;
        if (seen == nullptr)
          return Invalid(where,
                         absl::StrCat("unexpected field \"", name, "\""));
        if (*seen)
          return Invalid(where,
                         absl::StrCat("field \"", name, "\" given twice"));
        *seen = true;
        if (name == "key") {
          std::string_view key;
          if (v.get_string().get(key))
            return Invalid(where, "\"key\" is not a string");
          item.key = std::string(key);
          return absl::OkStatus();
        }
        std::string_view raw;
        if (absl::Status r = ValueText(v, where, &raw); !r.ok()) return r;
        if (name == "value") {
          item.value = std::string(raw);
        } else if (raw != "null") {
          std::string_view text;
          if (v.get_string().get(text)) {
            return Invalid(where, "\"expires\" is neither null nor a time");
          }
          auto ms = ParseTimestamp(text);
          if (!ms.ok()) return Invalid(where, SV(ms.status().message()));
          item.expires_at = FromUnixMillis(*ms);
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  if (!has_key || !has_value || !has_expires) {
    return Invalid(
        where,
        "a jsonl line needs the fields \"key\", \"value\" and \"expires\"");
  }
  return item;
}

absl::StatusOr<std::vector<Item>> ParseJsonl(std::string_view text) {
  std::vector<Item> items;
  uint64_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(AV(text), '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    auto item = ParseJsonlLine(SV(line), absl::StrCat("line ", line_number));
    if (!item.ok()) return item.status();
    items.push_back(*std::move(item));
  }
  return items;
}

absl::StatusOr<std::vector<Item>> ParseJson(std::string_view text) {
  std::vector<Item> items;
  if (absl::StripAsciiWhitespace(AV(text)).empty()) return items;
  absl::Status s = ForEachMember(
      text, "json dump", [&](const std::string& name, od::value v) {
        std::string_view raw;
        if (absl::Status r = ValueText(v, "json dump", &raw); !r.ok()) return r;
        items.push_back(Item{name, std::string(raw), std::nullopt, 0});
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return items;
}

// The json format as dump writes it starts with "{" alone on its first line
// ("{}" when empty); jsonl has one entry per line. A text of a single line
// that is a jsonl entry is also a one-line json object with the keys "key",
// "value" and "expires": which one was meant cannot be told, so it is
// refused rather than guessed.
absl::StatusOr<DumpFormat> DetectFormat(std::string_view text) {
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(AV(text), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) lines.push_back(line);
    if (lines.size() == 2) break;
  }
  if (lines.empty() || lines[0] == "{" || lines[0] == "{}") {
    return DumpFormat::kJson;
  }
  auto entry = ParseJsonlLine(SV(lines[0]), "");
  if (!entry.ok()) return DumpFormat::kJson;
  if (lines.size() > 1) return DumpFormat::kJsonl;
  return absl::InvalidArgumentError(absl::StrCat(
      "one line that reads both as a jsonl dump (key ", QuoteKey(entry->key),
      ") and as a json dump (keys \"key\", \"value\" and \"expires\"); "
      "name the format: --format jsonl or --format json"));
}

absl::Status CheckNoDuplicates(const std::vector<Item>& items) {
  absl::flat_hash_set<std::string_view> seen;
  for (const Item& item : items) {
    if (!seen.insert(item.key).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("key ", QuoteKey(item.key), " is given twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Item>> ParseDump(std::string_view text,
                                            std::optional<DumpFormat> format) {
  DumpFormat f;
  if (format) {
    f = *format;
  } else {
    auto detected = DetectFormat(text);
    if (!detected.ok()) return detected.status();
    f = *detected;
  }
  if (f == DumpFormat::kHistory) {
    return absl::InvalidArgumentError(
        "the history format cannot be loaded: dump with json or jsonl");
  }
  auto items = f == DumpFormat::kJson ? ParseJson(text) : ParseJsonl(text);
  if (!items.ok()) return items.status();
  if (absl::Status s = CheckNoDuplicates(*items); !s.ok()) return s;
  return items;
}

absl::StatusOr<LoadResult> LoadItems(
    Store& store, const std::vector<Item>& items,
    std::chrono::system_clock::time_point now, const ProgressFn& progress) {
  // Validate everything before the first write, as Put would.
  constexpr size_t kBatchBytes = kMaxRecordBytes / 2;
  constexpr size_t kOpOverheadBytes = 256;
  const int64_t now_ms = ToUnixMillis(now);
  LoadResult result;
  std::vector<WriteBatch> batches(1);
  size_t batch_bytes = 0;
  for (const Item& item : items) {
    PutOptions options;
    if (item.expires_at) {
      if (ToUnixMillis(*item.expires_at) <= now_ms) {
        ++result.skipped_expired;
        continue;
      }
      options.expires_at = item.expires_at;
    }
    auto m = MakePut(item.key, item.value, options, now_ms);
    if (!m.ok()) return m.status();
    // Escaping at most sextuples a key byte (see MakeBatch).
    const size_t bytes = 6 * m->key.size() + m->value.size() + kOpOverheadBytes;
    WriteBatch* batch = &batches.back();
    if (batch->size() == kLoadBatchKeys ||
        (!batch->empty() && batch_bytes + bytes > kBatchBytes)) {
      batch = &batches.emplace_back();
      batch_bytes = 0;
    }
    batch->Put(m->key, m->value, options);
    batch_bytes += bytes;
  }
  for (const WriteBatch& batch : batches) {
    if (batch.empty()) continue;
    if (absl::Status s = store.Write(batch); !s.ok()) {
      return absl::Status(
          s.code(), absl::StrCat(s.message(), " (", result.batches, " of ",
                                 batches.size(), " batches, ", result.loaded,
                                 " keys, were loaded before)"));
    }
    ++result.batches;
    result.loaded += batch.size();
    if (progress) progress("keys loaded", result.loaded, items.size());
  }
  return result;
}

}  // namespace dotlog
