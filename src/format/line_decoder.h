// Verifies and parses one line of a segment file (the reader's half of
// record.h).
#ifndef DOTLOG_FORMAT_LINE_DECODER_H_
#define DOTLOG_FORMAT_LINE_DECODER_H_

#include <simdjson.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace dotlog {

// One put or delete of a decoded record. `key` points into the decoder and
// stays valid until its next Decode call.
struct DecodedOp {
  bool is_delete = false;
  std::string_view key;
  uint32_t value_offset = 0;  // value's first byte, relative to the line
  uint32_t value_size = 0;    // value's JSON text length (0 for a delete)
  int64_t expires_ms = 0;     // 0: never
};

// A decoded line: a segment header, a seal line or a record.
struct DecodedLine {
  bool is_header = false;
  bool is_seal = false;
  // Header fields.
  uint64_t format_version = 0;
  uint64_t segment = 0;
  uint64_t max_bytes = 0;
  bool base = false;  // written by compaction; replaces lower segments
  uint64_t last_seq = 0;  // a base's highest replaced sequence number
  // Record fields.
  uint64_t seq = 0;
  // The "ts" text, unescaped. Points into the decoder: valid until its next
  // Decode call.
  std::string_view ts;
  bool is_batch = false;
  std::vector<DecodedOp> ops;
};

// Decodes lines. One decoder per thread; reuse it to avoid allocations.
class LineDecoder {
 public:
  // Verifies the checksum of `line` (without its '\n') and parses it into
  // `out`. `readable` is how many bytes may be read from line.data(); it must
  // be at least line.size() + SIMDJSON_PADDING (the parser reads ahead).
  // Returns DataLoss with a short reason ("checksum mismatch", ...) when the
  // line is damaged; never crashes, whatever the bytes.
  absl::Status Decode(std::string_view line, size_t readable,
                      DecodedLine* out);

 private:
  simdjson::ondemand::parser parser_;
};

// A buffer with SIMDJSON_PADDING zero bytes after its contents, for Decode.
class PaddedBuffer {
 public:
  void Assign(std::string_view bytes);
  // Grows to `size` bytes (contents unspecified) and returns the start.
  char* Resize(size_t size);
  std::string_view view() const { return {data_.data(), size_}; }
  // Frees the memory if it holds more than `keep` bytes.
  void Shrink(size_t keep);
  size_t readable() const { return data_.size(); }

 private:
  std::vector<char> data_;
  size_t size_ = 0;
};

}  // namespace dotlog

#endif  // DOTLOG_FORMAT_LINE_DECODER_H_
