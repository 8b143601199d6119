// Fuzzes the reader's half of the record format (src/format): LineDecoder
// and SegmentScanner, with arbitrary bytes.
//
// Each input is used four ways:
//   1. decoded whole, as one line;
//   2. split at '\n', each line decoded as it is and "resealed": its
//      checksum trailer replaced by a correct one, so the JSON parser is
//      reached by far more inputs than could ever guess an XXH3 sum;
//   3. scanned as the bytes of a segment, with both tail policies, in one
//      piece and in two (as a reader catching up with an appending writer);
//   4. scanned again with every line resealed.
// Invariants that must hold whatever the bytes are checked with
// FUZZ_CHECK, which traps (a crash for libFuzzer) with the failed condition.
#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "dotlog/limits.h"
#include "format/line_decoder.h"
#include "format/segment_scanner.h"
#include "fuzz_check.h"

// An independent copy of XXH3, compiled into this target only: the checksum
// is recomputed here from README's definition, not through RecordChecksum.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace dotlog {
namespace {

// README, "Checksum": every line ends with these 27 bytes.
constexpr std::string_view kTrailerPrefix = ",\"xxh3\":\"";
constexpr std::string_view kTrailerSuffix = "\"}";
constexpr size_t kTrailerBytes = 9 + 16 + 2;

// More lines than this in one input are not decoded one by one (step 2);
// the scans still read them all.
constexpr size_t kMaxLinesDecoded = 256;

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The XXH3-64 trailer for `covered`.
std::string Trailer(std::string_view covered) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(
                    XXH3_64bits(covered.data(), covered.size())));
  return std::string(kTrailerPrefix) + hex + std::string(kTrailerSuffix);
}

// True if `line` ends with `,"xxh3":"<16 lowercase hex>"}` holding the
// XXH3-64 (seed 0) of every byte before that comma.
bool HasValidTrailer(std::string_view line) {
  if (line.size() < kTrailerBytes) return false;
  const std::string_view covered = line.substr(0, line.size() - kTrailerBytes);
  return line.substr(covered.size()) == Trailer(covered);
}

// `line` with its trailer (if it has the shape of one) replaced by a
// correct one.
std::string Reseal(std::string_view line) {
  if (line.size() >= kTrailerBytes &&
      line.substr(line.size() - kTrailerBytes, kTrailerPrefix.size()) ==
          kTrailerPrefix) {
    line.remove_suffix(kTrailerBytes);
  }
  return std::string(line) + Trailer(line);
}

// `bytes` in a heap block of exactly size + SIMDJSON_PADDING bytes, so that
// AddressSanitizer catches any read beyond the padding the decoder may use.
class ExactPadded {
 public:
  ExactPadded(std::string_view bytes, char pad)
      : size_(bytes.size()),
        data_(new char[size_ + simdjson::SIMDJSON_PADDING]) {
    if (size_ != 0) std::memcpy(data_.get(), bytes.data(), size_);
    std::memset(data_.get() + size_, pad, simdjson::SIMDJSON_PADDING);
  }
  std::string_view view() const { return {data_.get(), size_}; }
  size_t readable() const { return size_ + simdjson::SIMDJSON_PADDING; }

 private:
  size_t size_;
  std::unique_ptr<char[]> data_;
};

// A DecodedLine with its views copied, to compare two decodes.
struct OwnedOp {
  bool is_delete = false;
  std::string key;
  uint32_t value_offset = 0, value_size = 0;
  int64_t expires_ms = 0;
  bool operator==(const OwnedOp&) const = default;
};
struct OwnedLine {
  bool is_header = false, is_seal = false, base = false;
  uint64_t format_version = 0, segment = 0, max_bytes = 0, seq = 0;
  std::string ts;
  bool is_batch = false;
  std::vector<OwnedOp> ops;
  bool operator==(const OwnedLine&) const = default;
};

OwnedLine Own(const DecodedLine& d) {
  OwnedLine o;
  o.is_header = d.is_header;
  o.is_seal = d.is_seal;
  o.base = d.base;
  o.format_version = d.format_version;
  o.segment = d.segment;
  o.max_bytes = d.max_bytes;
  o.seq = d.seq;
  o.ts = std::string(d.ts);
  o.is_batch = d.is_batch;
  for (const DecodedOp& op : d.ops) {
    o.ops.push_back({op.is_delete, std::string(op.key), op.value_offset,
                     op.value_size, op.expires_ms});
  }
  return o;
}

// What a successful decode of `line` promises.
void CheckDecoded(std::string_view line, const DecodedLine& d) {
  // Only a line carrying its own correct checksum is ever accepted.
  FUZZ_CHECK(HasValidTrailer(line));
  const size_t covered = line.size() - kTrailerBytes;
  FUZZ_CHECK(covered >= 1);
  // Copying every key and ts byte lets AddressSanitizer check the views.
  [[maybe_unused]] const OwnedLine owned = Own(d);
  if (d.is_header || d.is_seal) return;
  // A record holds at least one operation. (Not checked: that only a batch
  // holds several. The decoder also accepts a put or delete line carrying
  // an "ops" array, and adds those operations to the line's own.)
  FUZZ_CHECK(!d.ops.empty());
  for (const DecodedOp& op : d.ops) {
    if (op.is_delete) {
      FUZZ_CHECK(op.value_size == 0);
      continue;
    }
    // The value lies inside the checksummed part of this very line and
    // starts with its first token. (Not checked: that it ends with its last.
    // An object or array value keeps whitespace that follows it in a line
    // not written by dotlog, e.g. `"value":{} ,`; scalars are trimmed.)
    FUZZ_CHECK(op.value_size > 0);
    FUZZ_CHECK(op.value_offset >= 1);
    FUZZ_CHECK(uint64_t{op.value_offset} + op.value_size <= covered);
    const std::string_view value = line.substr(op.value_offset, op.value_size);
    FUZZ_CHECK(!IsJsonSpace(value.front()));
    FUZZ_CHECK(std::string_view("{[\"-0123456789tfn").find(value.front()) !=
               std::string_view::npos);
  }
}

// Decodes `line` twice, with zero and with garbage padding, in two
// decoders, checks that both agree, and checks a success.
void DecodeAndCheck(LineDecoder* decoder, std::string_view line) {
  const ExactPadded zeros(line, '\0');
  const ExactPadded garbage(line, '"');
  DecodedLine first, second;
  const absl::Status s =
      decoder->Decode(zeros.view(), zeros.readable(), &first);
  LineDecoder fresh;
  const absl::Status t =
      fresh.Decode(garbage.view(), garbage.readable(), &second);
  // The padding is never part of the line: its contents change nothing.
  FUZZ_CHECK(s == t);
  if (!s.ok()) {
    FUZZ_CHECK(absl::IsDataLoss(s));
    FUZZ_CHECK(!s.message().empty());
    return;
  }
  FUZZ_CHECK(Own(first) == Own(second));
  CheckDecoded(zeros.view(), first);
}

// One line reported by a scan.
struct Event {
  bool damaged;
  uint64_t offset;
  uint64_t line_number;
  bool operator==(const Event&) const = default;
};

struct ScanResult {
  std::vector<Event> events;
  ScanEnd end;
};

// Scans `bytes` (file offset `base`, first line `first_line`) and checks
// everything a scan promises about them. Every scan here succeeds: only
// on_record can stop one, and it never does.
ScanResult ScanAndCheck(SegmentScanner* scanner, std::string_view bytes,
                        uint64_t base, uint64_t first_line, TailPolicy policy,
                        bool after_unterminated = false) {
  PaddedBuffer data;
  data.Assign(bytes);
  const char* const start = data.view().data();
  ScanResult result;
  LineDecoder checker;
  auto on_record = [&](const ScannedLine& line) {
    FUZZ_CHECK(line.offset >= base && line.offset - base < bytes.size());
    const size_t pos = line.offset - base;
    // The line is a view of the scanned bytes, up to its '\n' (or, for an
    // intact last line that lacks one, the end).
    FUZZ_CHECK(line.bytes.data() == start + pos);
    FUZZ_CHECK(pos + line.bytes.size() <= bytes.size());
    FUZZ_CHECK(line.bytes.find('\n') == std::string_view::npos);
    FUZZ_CHECK(pos + line.bytes.size() == bytes.size() ||
               bytes[pos + line.bytes.size()] == '\n');
    FUZZ_CHECK(line.decoded != nullptr);
    CheckDecoded(line.bytes, *line.decoded);
    result.events.push_back({false, line.offset, line.line_number});
    return absl::OkStatus();
  };
  auto on_damage = [&](const DamagedLine& line) {
    FUZZ_CHECK(line.offset >= base && line.offset - base < bytes.size());
    FUZZ_CHECK(!line.reason.empty());
    const size_t pos = line.offset - base;
    const size_t nl = bytes.find('\n', pos);
    const std::string_view text = bytes.substr(
        pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    // A damaged line really is one: it does not decode on its own.
    const ExactPadded copy(text, '\0');
    DecodedLine d;
    FUZZ_CHECK(!checker.Decode(copy.view(), copy.readable(), &d).ok());
    result.events.push_back({true, line.offset, line.line_number});
  };
  absl::StatusOr<ScanEnd> end =
      scanner->Scan(data, base, first_line, after_unterminated, policy,
                    on_record, on_damage);
  FUZZ_CHECK(end.ok());
  result.end = *end;

  // Where each line starts; a final unterminated piece counts as a line.
  std::vector<size_t> starts;
  // A '\n' that ends the line read before is no line of its own.
  const bool skip = after_unterminated && !bytes.empty() && bytes[0] == '\n';
  for (size_t pos = skip ? 1 : 0; pos < bytes.size();) {
    starts.push_back(pos);
    const size_t nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  // Lines are reported in order, each once, none skipped: event k is line k.
  const size_t k = result.events.size();
  FUZZ_CHECK(k <= starts.size());
  for (size_t i = 0; i < k; ++i) {
    FUZZ_CHECK(result.events[i].offset == base + starts[i]);
    FUZZ_CHECK(result.events[i].line_number == first_line + i);
  }
  const ScanEnd& e = result.end;
  FUZZ_CHECK(e.next_line == first_line + k);
  FUZZ_CHECK(e.offset >= base && e.offset - base <= bytes.size());
  FUZZ_CHECK(e.offset - base + e.withheld_bytes == bytes.size());
  FUZZ_CHECK(e.offset - base == (k < starts.size() ? starts[k] : bytes.size()));
  if (policy == TailPolicy::kReportAll) {
    // A sealed segment is read to its end: nothing withheld.
    FUZZ_CHECK(k == starts.size());
    FUZZ_CHECK(e.withheld_bytes == 0);
  } else {
    // Withheld, if anything: at most one record's worth, the bytes after
    // the last '\n', and the damaged lines before them that follow the last
    // line that was ever a finished record (one holding the checksum
    // field). So complete withheld lines are damaged and hold no checksum
    // field, and they follow an intact line or such a finished one.
    FUZZ_CHECK(e.withheld_bytes <= kMaxRecordBytes);
    const std::string_view written_mark = "\"xxh3\":\"";  // README
    std::string_view tail = bytes.substr(e.offset - base);
    const bool withheld_lines = tail.find('\n') != std::string_view::npos;
    if (k > 0 && result.events.back().damaged && withheld_lines) {
      std::string_view last = bytes.substr(result.events.back().offset - base);
      last = last.substr(0, last.find('\n'));
      FUZZ_CHECK(last.find(written_mark) != std::string_view::npos);
    }
    for (size_t nl; (nl = tail.find('\n')) != std::string_view::npos;
         tail.remove_prefix(nl + 1)) {
      const ExactPadded copy(tail.substr(0, nl), '\0');
      DecodedLine d;
      FUZZ_CHECK(!checker.Decode(copy.view(), copy.readable(), &d).ok());
      FUZZ_CHECK(tail.substr(0, nl).find(written_mark) == std::string_view::npos);
    }
  }
  return result;
}

// Scans `bytes` whole with both policies and in two pieces split at
// `split`, checking that the pieces give the same lines as the whole.
void ScanAllWays(std::string_view bytes, size_t split) {
  SegmentScanner scanner;
  const ScanResult all =
      ScanAndCheck(&scanner, bytes, 0, 1, TailPolicy::kReportAll);
  const ScanResult newest =
      ScanAndCheck(&scanner, bytes, 0, 1, TailPolicy::kWithholdTail);
  // Withholding a tail only stops earlier: what is read agrees.
  FUZZ_CHECK(newest.events.size() <= all.events.size());
  for (size_t i = 0; i < newest.events.size(); ++i) {
    FUZZ_CHECK(newest.events[i] == all.events[i]);
  }

  // A reader that met only bytes[0, split) (a writer was mid-append), then
  // caught up from where it stopped, sees exactly what one scan sees.
  split = std::min(split, bytes.size());
  const ScanResult first = ScanAndCheck(&scanner, bytes.substr(0, split), 0, 1,
                                        TailPolicy::kWithholdTail);
  const std::string_view rest = bytes.substr(first.end.offset);
  // A writer that appends after a last line lacking its '\n' writes the
  // '\n' first (SegmentWriter::BeginAppend), so bytes that go on with
  // anything else after an intact unterminated line are an edit of the
  // file, not an append a reader could have caught mid-way: the line the
  // first piece ended with was then never a whole line of the file.
  if (first.end.unterminated && !rest.starts_with('\n')) return;
  for (TailPolicy policy :
       {TailPolicy::kWithholdTail, TailPolicy::kReportAll}) {
    const ScanResult second =
        ScanAndCheck(&scanner, rest, first.end.offset, first.end.next_line,
                     policy, first.end.unterminated);
    const ScanResult& whole = policy == TailPolicy::kReportAll ? all : newest;
    FUZZ_CHECK(first.events.size() + second.events.size() ==
               whole.events.size());
    for (size_t i = 0; i < whole.events.size(); ++i) {
      const Event& got = i < first.events.size()
                             ? first.events[i]
                             : second.events[i - first.events.size()];
      FUZZ_CHECK(got == whole.events[i]);
    }
    FUZZ_CHECK(second.end.offset == whole.end.offset);
    FUZZ_CHECK(second.end.next_line == whole.end.next_line);
    FUZZ_CHECK(second.end.withheld_bytes == whole.end.withheld_bytes);
  }
}

// A scan stops at the first error on_record returns, and returns it.
void CheckScanStops(std::string_view bytes) {
  PaddedBuffer data;
  data.Assign(bytes);
  SegmentScanner scanner;
  int records = 0;
  const absl::StatusOr<ScanEnd> end = scanner.Scan(
      data, 0, 1, false, TailPolicy::kReportAll,
      [&](const ScannedLine&) {
        ++records;
        return absl::CancelledError("stop");
      },
      [&](const DamagedLine&) { FUZZ_CHECK(records == 0); });
  FUZZ_CHECK(records <= 1);
  FUZZ_CHECK(end.ok() == (records == 0));
  if (records == 1) FUZZ_CHECK(end.status() == absl::CancelledError("stop"));
}

}  // namespace
}  // namespace dotlog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dotlog;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  LineDecoder decoder;

  // 1. The whole input as one line: never crashes, whatever the bytes.
  DecodeAndCheck(&decoder, input);

  // 2. Each line, as it is and resealed; build the resealed segment too.
  std::string resealed;
  size_t lines = 0;
  for (size_t pos = 0; pos < input.size(); ++lines) {
    size_t nl = input.find('\n', pos);
    const bool terminated = nl != std::string_view::npos;
    if (!terminated) nl = input.size();
    const std::string_view line = input.substr(pos, nl - pos);
    const std::string sealed = Reseal(line);
    if (lines < kMaxLinesDecoded) {
      DecodeAndCheck(&decoder, line);
      DecodeAndCheck(&decoder, sealed);
    }
    resealed += sealed;
    if (terminated) resealed.push_back('\n');
    pos = nl + 1;
  }

  // 3 and 4. Both as segments; split where the first byte says.
  const size_t split = size == 0 ? 0 : size * data[0] / 255;
  ScanAllWays(input, split);
  ScanAllWays(resealed, resealed.size() * split / (size == 0 ? 1 : size));
  CheckScanStops(input);
  CheckScanStops(resealed);
  return 0;
}
