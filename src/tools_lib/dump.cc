// Writing the dump formats; reading them back is in dump_load.cc.
#include "dotlog/dump.h"

#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "format/timestamp.h"
#include "format/pretty_json.h"
#include "store/store_directory.h"
#include "tools_lib/change_fields.h"

namespace dotlog {
namespace {

// Output is handed to the sink in pieces of about this many bytes.
constexpr size_t kChunkBytes = 64 << 10;

// Hands `*out` to `sink` and empties it once it holds a chunk.
absl::Status SendFullChunk(DumpSink sink, std::string* out) {
  if (out->size() < kChunkBytes) return absl::OkStatus();
  absl::Status s = sink(*out);
  out->clear();
  return s;
}

void AppendExpires(
    const std::optional<std::chrono::system_clock::time_point>& t,
    std::string* out) {
  out->push_back('"');
  AppendTimestamp(out, ToUnixMillis(*t));
  out->push_back('"');
}

// Writes the json format one item at a time: an object of key to pretty
// value, "{}" when there is none.
class JsonDumpWriter {
 public:
  void Add(const Item& item, std::string* out) {
    out->append(items_++ == 0 ? "{\n  " : ",\n  ");
    AppendJsonString(out, item.key);
    out->append(": ");
    AppendPrettyJson(item.value, 1, out);
  }
  void Finish(std::string* out) const {
    out->append(items_ == 0 ? "{}\n" : "\n}\n");
  }

 private:
  uint64_t items_ = 0;
};

}  // namespace

absl::StatusOr<DumpFormat> ParseDumpFormat(std::string_view name) {
  if (name == "json") return DumpFormat::kJson;
  if (name == "jsonl") return DumpFormat::kJsonl;
  if (name == "history") return DumpFormat::kHistory;
  std::string quoted;
  AppendJsonString(&quoted, IsValidUtf8(name) ? name : "?");
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown dump format ", quoted, " (expected json, jsonl or history)"));
}

void AppendJsonDump(const std::vector<Item>& items, std::string* out) {
  JsonDumpWriter writer;
  for (const Item& item : items) writer.Add(item, out);
  writer.Finish(out);
}

void AppendJsonlLine(const Item& item, std::string* out) {
  out->append("{\"key\":");
  AppendJsonString(out, item.key);
  out->append(",\"value\":");
  out->append(item.value);
  out->append(",\"expires\":");
  if (item.expires_at) {
    AppendExpires(item.expires_at, out);
  } else {
    out->append("null");
  }
  out->append("}\n");
}

void AppendHistoryLine(const Change& change, std::string* out) {
  absl::StrAppend(out, "{\"seq\":", change.seq, ",\"ts\":");
  AppendJsonString(out, change.ts);
  out->push_back(',');
  AppendOpKeyValue(change, out);
  AppendExpiresField(change, out);
  out->append("}\n");
}

absl::Status DumpStore(Store& store, std::string_view prefix, DumpFormat format,
                       DumpSink sink) {
  if (format == DumpFormat::kHistory) {
    return absl::InvalidArgumentError(
        "the history format is read from the segment files: use DumpHistory");
  }
  // One ForEach call: every item comes from the same moment of the log,
  // and only a chunk of the output is in memory at a time.
  std::string out;
  JsonDumpWriter json;
  absl::Status s = store.ForEach(prefix, [&](const Item& item) {
    if (format == DumpFormat::kJson) {
      json.Add(item, &out);
    } else {
      AppendJsonlLine(item, &out);
    }
    return SendFullChunk(sink, &out);
  });
  if (!s.ok()) return s;
  if (format == DumpFormat::kJson) json.Finish(&out);
  return out.empty() ? absl::OkStatus() : sink(out);
}

absl::Status DumpHistory(const std::string& dir, FileSystem* fs,
                         std::string_view prefix, DumpSink sink) {
  if (fs == nullptr) fs = DefaultFileSystem();
  if (absl::Status s = CheckStoreDirectoryExists(fs, dir); !s.ok()) return s;
  ChangeFeed feed(dir, fs);
  FeedPosition position;
  std::string out;
  absl::Status s = feed.ReadAfter(&position, [&](const Change& c) {
    if (!c.key.starts_with(prefix)) return absl::OkStatus();
    AppendHistoryLine(c, &out);
    return SendFullChunk(sink, &out);
  });
  if (!s.ok()) return s;
  return out.empty() ? absl::OkStatus() : sink(out);
}

}  // namespace dotlog
