#include "format/record.h"

#include <xxhash.h>
#if DOTLOG_XXH_DISPATCH
#include <xxh_x86dispatch.h>  // XXH3 on the widest vector unit, chosen at run time
#endif

#include <array>
#include <cassert>

#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "format/timestamp.h"

namespace dotlog {
namespace {

// Appends one mutation's fields without braces: "op":..,"key":..[,"value":..]
// and, if `value_offsets` is given, where its value begins relative to
// `line_start` (0 for a delete).
void AppendMutationFields(const Mutation& m, size_t line_start,
                          std::vector<uint32_t>* value_offsets,
                          std::string* out) {
  out->append("\"op\":\"");
  out->append(m.is_delete ? kOpDelete : kOpPut);
  out->append("\",\"key\":");
  AppendJsonString(out, m.key);
  if (m.is_delete) {
    if (value_offsets != nullptr) value_offsets->push_back(0);
    return;
  }
  out->append(",\"value\":");
  if (value_offsets != nullptr) {
    value_offsets->push_back(static_cast<uint32_t>(out->size() - line_start));
  }
  out->append(m.value);
  if (m.expires_ms != 0) {
    out->append(",\"expires\":\"");
    AppendTimestamp(out, m.expires_ms);
    out->push_back('"');
  }
}

// Closes the line that starts at `line_start` in `out`: appends the
// checksum of everything from `line_start` on, then `"}` and '\n'.
void SealLine(size_t line_start, std::string* out) {
  const uint64_t sum =
      RecordChecksum(std::string_view(*out).substr(line_start));
  out->append(kChecksumPrefix);
  const std::string hex = absl::StrCat(absl::Hex(sum, absl::kZeroPad16));
  assert(hex.size() == kChecksumDigits);
  out->append(hex);
  out->append(kChecksumSuffix);
  out->push_back('\n');
}

}  // namespace

uint64_t RecordChecksum(std::string_view covered) {
  return XXH3_64bits(covered.data(), covered.size());
}

struct RunningChecksum::State {
  XXH3_state_t* xxh = XXH3_createState();
  State() { XXH3_64bits_reset(xxh); }
  ~State() { XXH3_freeState(xxh); }
};

RunningChecksum::RunningChecksum() : state_(std::make_unique<State>()) {}
RunningChecksum::~RunningChecksum() = default;
RunningChecksum::RunningChecksum(RunningChecksum&&) noexcept = default;
RunningChecksum& RunningChecksum::operator=(RunningChecksum&&) noexcept = default;

void RunningChecksum::Update(std::string_view bytes) {
  XXH3_64bits_update(state_->xxh, bytes.data(), bytes.size());
}

uint64_t RunningChecksum::Digest() const { return XXH3_64bits_digest(state_->xxh); }

std::optional<uint64_t> StoredChecksum(std::string_view line) {
  if (line.size() < kChecksumTrailerBytes ||
      !line.ends_with(kChecksumSuffix) ||
      line.substr(line.size() - kChecksumTrailerBytes, kChecksumPrefix.size()) !=
          kChecksumPrefix) {
    return std::nullopt;
  }
  // Each byte's value as a lowercase hex digit, or kNotHex. A lookup, not
  // a branch per digit: which of the two ranges a digit falls in is as
  // good as random.
  static constexpr uint8_t kNotHex = 0xff;
  static constexpr std::array<uint8_t, 256> kNibble = [] {
    std::array<uint8_t, 256> t{};
    t.fill(kNotHex);
    for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<uint8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<uint8_t>(c - 'a' + 10);
    return t;
  }();
  uint64_t sum = 0;
  uint8_t seen = 0;  // every nibble ORed: kNotHex's high bits if one was
  for (char c : line.substr(line.size() - kChecksumDigits - kChecksumSuffix.size(),
                            kChecksumDigits)) {
    const uint8_t nibble = kNibble[static_cast<unsigned char>(c)];
    seen |= nibble;
    sum = sum << 4 | (nibble & 0x0f);
  }
  if (seen & 0xf0) return std::nullopt;
  return sum;
}

void EncodeHeader(uint64_t number, uint64_t max_bytes, int64_t created_ms,
                  std::string* out, bool base, uint64_t last_seq) {
  const size_t start = out->size();
  absl::StrAppend(out, "{\"dotlog\":", kFormatVersion, ",\"segment\":", number,
                  ",\"max_bytes\":", max_bytes, ",\"created\":\"");
  AppendTimestamp(out, created_ms);
  out->push_back('"');
  if (base) absl::StrAppend(out, ",\"base\":true,\"last_seq\":", last_seq);
  SealLine(start, out);
}

void EncodeSeal(int64_t ts_ms, std::string* out) {
  const size_t start = out->size();
  out->append("{\"sealed\":true,\"ts\":\"");
  AppendTimestamp(out, ts_ms);
  out->push_back('"');
  SealLine(start, out);
}

void EncodeBatchPutAround(std::string_view key, int64_t expires_ms,
                          std::string* before, std::string* after) {
  Mutation m;
  m.key.assign(key);
  m.expires_ms = expires_ms;
  std::vector<uint32_t> value_at;
  std::string op = "{";
  AppendMutationFields(m, 0, &value_at, &op);  // with an empty value
  op.push_back('}');
  before->assign(op, 0, value_at[0]);
  after->assign(op, value_at[0]);
}

void EncodeRecord(uint64_t seq, int64_t ts_ms,
                  const std::vector<Mutation>& ops, std::string* out,
                  std::vector<uint32_t>* value_offsets) {
  assert(!ops.empty());
  const size_t start = out->size();
  absl::StrAppend(out, "{\"seq\":", seq, ",\"ts\":\"");
  AppendTimestamp(out, ts_ms);
  out->append("\",");
  if (ops.size() == 1) {
    AppendMutationFields(ops[0], start, value_offsets, out);
  } else {
    out->append("\"op\":\"");
    out->append(kOpBatch);
    out->append("\",\"ops\":[");
    for (size_t i = 0; i < ops.size(); ++i) {
      if (i > 0) out->push_back(',');
      out->push_back('{');
      AppendMutationFields(ops[i], start, value_offsets, out);
      out->push_back('}');
    }
    out->push_back(']');
  }
  SealLine(start, out);
}

}  // namespace dotlog
