// The on-disk record format, shared by the writer (EncodeRecord) and the
// reader (line_decoder.h). README's "On-disk format" section describes the
// same bytes; change both together.
//
// A segment file is a sequence of lines, each one JSON object ending in '\n':
//
//   {"dotlog":1,"segment":1,"max_bytes":8388608,"created":"<ts>","xxh3":"<h>"}
//   (a compacted segment's header adds "base":true,"last_seq":<n> after
//    "created": it replaces every segment numbered below it, and n is the
//    highest sequence number of the records it replaced)
//   {"sealed":true,"ts":"<ts>","xxh3":"<h>"}
//   (the last line of a segment sealed before it was full: no record
//    follows it, the next one goes into segment number + 1)
//   {"seq":1,"ts":"<ts>","op":"put","key":"k","value":<json>,"xxh3":"<h>"}
//   {"seq":2,"ts":"<ts>","op":"put","key":"k","value":1,"expires":"<ts>","xxh3":"<h>"}
//   {"seq":3,"ts":"<ts>","op":"del","key":"k","xxh3":"<h>"}
//   {"seq":4,"ts":"<ts>","op":"batch","ops":[{"op":"put","key":"a","value":1},
//                                           {"op":"del","key":"b"}],"xxh3":"<h>"}
//
// Every line ends with `,"xxh3":"` + 16 lowercase hex digits + `"}` + '\n'.
// The digits are XXH3-64 (seed 0) of the line's bytes from its first byte
// up to, not including, the comma that starts `,"xxh3":"`.
#ifndef DOTLOG_FORMAT_RECORD_H_
#define DOTLOG_FORMAT_RECORD_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dotlog {

// The format version written in every segment header. A reader refuses a
// segment whose header names a higher version.
inline constexpr uint64_t kFormatVersion = 1;

// `,"xxh3":"`, 16 hex digits, `"}`: the fixed end of every line.
inline constexpr std::string_view kChecksumPrefix = ",\"xxh3\":\"";
inline constexpr size_t kChecksumDigits = 16;
inline constexpr std::string_view kChecksumSuffix = "\"}";
inline constexpr size_t kChecksumTrailerBytes =
    kChecksumPrefix.size() + kChecksumDigits + kChecksumSuffix.size();

// Operation names as they appear in the "op" field.
inline constexpr std::string_view kOpPut = "put";
inline constexpr std::string_view kOpDelete = "del";
inline constexpr std::string_view kOpBatch = "batch";

// XXH3-64 with seed 0: the checksum of `covered`.
uint64_t RecordChecksum(std::string_view covered);

// RecordChecksum of a byte stream fed in pieces: after Update(a) and
// Update(b), Digest() == RecordChecksum(a + b). A segment's bytes are summed
// this way as they are read, so that an index snapshot can name them
// without reading them again. Not thread-safe.
class RunningChecksum {
 public:
  RunningChecksum();
  ~RunningChecksum();
  RunningChecksum(RunningChecksum&&) noexcept;
  RunningChecksum& operator=(RunningChecksum&&) noexcept;

  void Update(std::string_view bytes);
  // The checksum of every byte fed so far; feeding may go on.
  uint64_t Digest() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The checksum stored in the trailer of `line` (without its '\n'), or
// nullopt if the line has no well-formed trailer. Does not verify it.
std::optional<uint64_t> StoredChecksum(std::string_view line);

// One put or delete, already validated: `key` is UTF-8, `value` is minified
// JSON, `expires_ms` is 0 for "never".
struct Mutation {
  bool is_delete = false;
  std::string key;
  std::string value;
  int64_t expires_ms = 0;
};

// Appends the header line of segment `number` (ending in '\n') to `out`.
// A `base` segment is written by compaction and replaces every segment
// numbered below it; `last_seq` is the highest sequence number of the
// records it replaced.
void EncodeHeader(uint64_t number, uint64_t max_bytes, int64_t created_ms,
                  std::string* out, bool base = false, uint64_t last_seq = 0);

// Appends the seal line (ending in '\n') to `out`.
void EncodeSeal(int64_t ts_ms, std::string* out);

// Appends the record line (ending in '\n') holding `ops` to `out`: a "put"
// or "del" record for one mutation, a "batch" record for several. If
// `value_offsets` is given, appends to it, for each of `ops` in order,
// where its value's JSON text begins relative to the line's first byte (0
// for a delete): what LineDecoder reports as DecodedOp::value_offset, so
// that a writer can index what it wrote without decoding it.
// REQUIRES: !ops.empty().
void EncodeRecord(uint64_t seq, int64_t ts_ms,
                  const std::vector<Mutation>& ops, std::string* out,
                  std::vector<uint32_t>* value_offsets = nullptr);

// The bytes EncodeRecord writes around the value of a put of `key`
// (expiring at `expires_ms`, 0 for never) in a batch record: `*before` ends
// just where the value begins, `*after` starts just after it and ends
// with the operation's closing brace.
void EncodeBatchPutAround(std::string_view key, int64_t expires_ms,
                          std::string* before, std::string* after);

}  // namespace dotlog

#endif  // DOTLOG_FORMAT_RECORD_H_
