// The dump formats: a store's contents as JSON text for people, jq and
// backups, and the way back in (load).
//
//   json     one object key -> value, pretty-printed with 2-space indents:
//            { "a": 1, "b": { "c": [ true ] } } spread over lines. Expiry
//            times are left out: back up with jsonl to keep them.
//   jsonl    one line per key: {"key":"a","value":1,"expires":null}, with
//            "expires" an RFC 3339 time with milliseconds when the key has
//            one.
//   history  one line per change of every intact record in log order,
//            batches expanded: {"seq":7,"ts":"...","op":"put","key":"a",
//            "value":1} ("expires" added when set; "del" has no value).
//
// Keys and values are written with the store's JSON escaper, so any UTF-8
// key (quotes, newlines, U+2028...) survives the round trip.
#ifndef DOTLOG_DUMP_H_
#define DOTLOG_DUMP_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/change_feed.h"
#include "dotlog/file_system.h"
#include "dotlog/item.h"
#include "dotlog/progress.h"
#include "dotlog/store.h"

namespace dotlog {

enum class DumpFormat { kJson, kJsonl, kHistory };

// "json", "jsonl" or "history"; InvalidArgument otherwise.
absl::StatusOr<DumpFormat> ParseDumpFormat(std::string_view name);

// Receives formatted output piece by piece; an error stops the dump and is
// returned by it.
using DumpSink = absl::FunctionRef<absl::Status(std::string_view text)>;

// Appends `items` as the json format: a pretty object ending in '\n'
// ("{}\n" when empty). Values are re-indented, their tokens unchanged.
void AppendJsonDump(const std::vector<Item>& items, std::string* out);
// Appends one jsonl line (ending in '\n') for `item`.
void AppendJsonlLine(const Item& item, std::string* out);
// Appends one history line (ending in '\n') for `change`.
void AppendHistoryLine(const Change& change, std::string* out);

// Writes the live items of `store` whose keys start with `prefix` in
// format kJson or kJsonl, from one Store::ForEach call: a consistent
// snapshot even while other processes write, handed to `sink` in chunks of
// about 64 KiB, so that memory does not grow with the values. InvalidArgument for kHistory (see
// DumpHistory); otherwise the store's or the sink's errors.
absl::Status DumpStore(Store& store, std::string_view prefix, DumpFormat format,
                       DumpSink sink);

// Writes the history format for the store in directory `dir`, reading its
// segment files (see ChangeFeed), keeping changes to keys that start with
// `prefix`. `fs` as for ChangeFeed.
absl::Status DumpHistory(const std::string& dir, FileSystem* fs,
                         std::string_view prefix, DumpSink sink);

// Reads back the output of the json or jsonl format; `format` nullopt
// means detect: json when the first non-blank line is "{" or "{}" (as the
// json format writes it) or is not a jsonl entry (an object with exactly
// the fields "key", "value" and "expires"); jsonl when it is one and more
// lines follow. A single line that is a jsonl entry is as well a one-line
// json object of three keys: InvalidArgument, asking for the format,
// rather than a guess. The items come
// in input order with seq 0 and minified values. InvalidArgument, naming
// the line (jsonl) or the key (json), for anything malformed: bad JSON, a
// missing or extra field, a key given twice, a bad "expires" time, kHistory.
// Keys and values are checked as Store::Put would by LoadItems, not here.
absl::StatusOr<std::vector<Item>> ParseDump(
    std::string_view text, std::optional<DumpFormat> format = std::nullopt);

// At most this many keys go into one atomic batch of LoadItems.
inline constexpr size_t kLoadBatchKeys = 1000;

// What LoadItems did.
struct LoadResult {
  uint64_t loaded = 0;           // keys written
  uint64_t skipped_expired = 0;  // items whose expiry had passed at `now`
  uint64_t batches = 0;          // atomic batches written
};

// Puts every item into `store`. Validates all of them first (key, value
// and expiry, as Store::Put does) and writes nothing if any is invalid
// (InvalidArgument naming it). Then writes them in input order as atomic
// batches of up to kLoadBatchKeys keys (fewer when a batch would pass
// kMaxRecordBytes / 2): an input of at most kLoadBatchKeys keys is applied
// all or nothing; a failure in a later batch leaves the earlier ones
// applied. Keys not in `items` are left alone. Items already expired at
// `now` are skipped. `progress`, when given, is told "keys loaded" after
// each batch, out of the number of items.
absl::StatusOr<LoadResult> LoadItems(Store& store,
                                     const std::vector<Item>& items,
                                     std::chrono::system_clock::time_point now,
                                     const ProgressFn& progress = {});

}  // namespace dotlog

#endif  // DOTLOG_DUMP_H_
