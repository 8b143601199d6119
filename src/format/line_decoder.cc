#include "format/line_decoder.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "format/raw_json.h"
#include "format/record.h"
#include "format/timestamp.h"
#include "util/strings.h"

namespace dotlog {
namespace {

namespace od = simdjson::ondemand;

absl::Status Damaged(std::string_view reason) {
  return absl::DataLossError(AV(reason));
}

absl::Status JsonError(std::string_view what, simdjson::error_code error) {
  return Damaged(absl::StrCat(AV(what), ": ", simdjson::error_message(error)));
}

// Checks the fixed trailer `,"xxh3":"<16 hex>"}` and the checksum of the
// bytes before it.
absl::Status VerifyChecksum(std::string_view line) {
  const std::optional<uint64_t> stored = StoredChecksum(line);
  if (!stored) {
    return Damaged(
        "no checksum trailer (,\"xxh3\":\"<16 lowercase hex digits>\"}) at end of line");
  }
  const size_t covered = line.size() - kChecksumTrailerBytes;
  const std::string_view digits =
      line.substr(covered + kChecksumPrefix.size(), kChecksumDigits);
  const uint64_t computed = RecordChecksum(line.substr(0, covered));
  if (*stored != computed) {
    return Damaged(absl::StrCat("checksum mismatch (stored ", AV(digits),
                                ", computed ",
                                absl::Hex(computed, absl::kZeroPad16), ")"));
  }
  return absl::OkStatus();
}

// Finds the exact JSON text of `v` within the input and checks scalars.
absl::Status RawValue(od::value v, std::string_view* raw) {
  od::json_type type;
  if (auto e = v.type().get(type)) return JsonError("bad value", e);
  simdjson::error_code e = RawJson(v, type, raw);
  if (!e) {
    switch (type) {
      case od::json_type::object:
      case od::json_type::array:
        break;  // read through by RawJson
      case od::json_type::string: e = v.get_string().error(); break;
      case od::json_type::number:
        // Values are kept as text: any number the grammar allows, however
        // large (the parser would refuse to convert 1e400).
        if (!IsJsonNumber(SV(absl::StripTrailingAsciiWhitespace(AV(*raw))))) {
          return Damaged("bad value: not a JSON number");
        }
        break;
      case od::json_type::boolean: e = v.get_bool().error(); break;
      default: e = v.is_null().error(); break;
    }
  }
  if (e) return JsonError("bad value", e);
  *raw = SV(absl::StripTrailingAsciiWhitespace(AV(*raw)));
  return absl::OkStatus();
}

absl::Status ParseExpires(od::value v, int64_t* out) {
  std::string_view text;
  if (auto e = v.get_string().get(text)) return JsonError("bad \"expires\"", e);
  auto ms = ParseTimestamp(text);
  if (!ms.ok()) return Damaged(SV(ms.status().message()));
  *out = *ms == 0 ? 1 : *ms;  // 0 means "never" in memory
  return absl::OkStatus();
}

// The fields a put or delete may carry, whether at the top level of a
// record or inside a batch's "ops".
struct MutationFields {
  std::string_view op_name;
  bool has_key = false;
  bool has_value = false;
  DecodedOp op;
};

// Stores field `name` into `m` if it is a mutation field. Sets `*handled`.
absl::Status MutationField(std::string_view name, od::value v,
                           std::string_view line, MutationFields* m,
                           bool* handled) {
  *handled = true;
  if (name == "op") {
    if (auto e = v.get_string().get(m->op_name)) return JsonError("bad \"op\"", e);
  } else if (name == "key") {
    m->has_key = true;
    if (auto e = v.get_string().get(m->op.key)) return JsonError("bad \"key\"", e);
  } else if (name == "value") {
    std::string_view raw;
    if (auto s = RawValue(v, &raw); !s.ok()) return s;
    m->op.value_offset = static_cast<uint32_t>(raw.data() - line.data());
    m->op.value_size = static_cast<uint32_t>(raw.size());
    m->has_value = true;
  } else if (name == "expires") {
    return ParseExpires(v, &m->op.expires_ms);
  } else {
    *handled = false;
  }
  return absl::OkStatus();
}

// Checks that `m` is a complete put or delete.
absl::Status CheckMutation(MutationFields* m) {
  if (m->op_name == kOpPut) {
    if (!m->has_value) return Damaged("put without \"value\"");
  } else if (m->op_name == kOpDelete) {
    m->op.is_delete = true;
    m->op.value_size = 0;
  } else {
    return Damaged(absl::StrCat("unknown op \"", absl::CHexEscape(AV(m->op_name)), "\""));
  }
  if (!m->has_key) return Damaged("missing \"key\"");
  return absl::OkStatus();
}

// Reads each field of `obj`: a mutation's into `m` (MutationField), any
// other by `other(name, value)`, which returns its error.
template <typename Other>
absl::Status ReadFields(od::object& obj, std::string_view line, MutationFields* m,
                        Other other) {
  for (auto field : obj) {
    std::string_view name;
    if (auto e = field.unescaped_key().get(name)) return JsonError("bad field", e);
    od::value v;
    if (auto e = field.value().get(v)) return JsonError("bad field", e);
    bool handled;
    if (auto s = MutationField(name, v, line, m, &handled); !s.ok()) return s;
    if (handled) continue;
    if (auto s = other(name, v); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Parses one element of a batch's "ops" array. Unknown fields are skipped.
absl::Status ParseBatchElement(od::value element, std::string_view line,
                               DecodedOp* out) {
  od::object obj;
  if (auto e = element.get_object().get(obj)) return JsonError("bad \"ops\" element", e);
  MutationFields m;
  if (auto s = ReadFields(obj, line, &m, [](std::string_view, od::value) { return absl::OkStatus(); });
      !s.ok()) {
    return s;
  }
  if (auto s = CheckMutation(&m); !s.ok()) return s;
  *out = m.op;
  return absl::OkStatus();
}

}  // namespace

absl::Status LineDecoder::Decode(std::string_view line, size_t readable,
                                 DecodedLine* out) {
  out->is_header = false;
  out->is_seal = false;
  out->base = false;
  out->last_seq = 0;
  out->is_batch = false;
  out->seq = 0;
  out->ts = {};
  out->ops.clear();
  if (auto s = VerifyChecksum(line); !s.ok()) return s;

  od::document doc;
  if (auto e = parser_.iterate(line.data(), line.size(), readable).get(doc)) {
    return JsonError("not JSON", e);
  }
  // The object must span the whole line. It ends where the line does (the
  // checksum trailer closes it), so nothing may come before it, and once
  // its fields are read nothing may follow them (checked below, in the one
  // pass over the line).
  if (line.empty() || line.front() != '{') {
    return Damaged("text before the JSON object");
  }
  od::object obj;
  if (auto e = doc.get_object().get(obj)) return JsonError("not a JSON object", e);

  MutationFields single;
  bool has_seq = false, has_ops = false;
  absl::Status fields = ReadFields(obj, line, &single, [&](std::string_view name, od::value v) {
    if (name == "dotlog") {
      out->is_header = true;
      if (auto e = v.get_uint64().get(out->format_version)) return JsonError("bad \"dotlog\"", e);
    } else if (name == "segment") {
      if (auto e = v.get_uint64().get(out->segment)) return JsonError("bad \"segment\"", e);
    } else if (name == "max_bytes") {
      if (auto e = v.get_uint64().get(out->max_bytes)) return JsonError("bad \"max_bytes\"", e);
    } else if (name == "sealed") {
      if (auto e = v.get_bool().get(out->is_seal)) return JsonError("bad \"sealed\"", e);
    } else if (name == "last_seq") {
      if (auto e = v.get_uint64().get(out->last_seq)) return JsonError("bad \"last_seq\"", e);
    } else if (name == "base") {
      if (auto e = v.get_bool().get(out->base)) return JsonError("bad \"base\"", e);
    } else if (name == "seq") {
      has_seq = true;
      if (auto e = v.get_uint64().get(out->seq)) return JsonError("bad \"seq\"", e);
    } else if (name == "ts") {
      if (auto e = v.get_string().get(out->ts)) return JsonError("bad \"ts\"", e);
    } else if (name == "ops") {
      has_ops = true;
      od::array ops;
      if (auto e = v.get_array().get(ops)) return JsonError("bad \"ops\"", e);
      for (auto element : ops) {
        od::value ev;
        if (auto e = element.get(ev)) return JsonError("bad \"ops\" element", e);
        DecodedOp op;
        if (auto s = ParseBatchElement(ev, line, &op); !s.ok()) return s;
        out->ops.push_back(op);
      }
    }
    return absl::OkStatus();
  });
  if (!fields.ok()) return fields;
  // Past the object's last field, the document holds no more tokens.
  if (!doc.current_location().error()) {
    return Damaged("text after the JSON object");
  }
  if (out->is_header || out->is_seal) return absl::OkStatus();
  if (!has_seq) return Damaged("missing \"seq\"");
  if (single.op_name == kOpBatch) {
    if (!has_ops || out->ops.empty()) return Damaged("batch without operations");
    out->is_batch = true;
    return absl::OkStatus();
  }
  // Only a batch may carry "ops": a put or delete holding some is not
  // something a writer made, and which operations to apply is unclear.
  if (has_ops) return Damaged("\"ops\" in a record that is not a batch");
  if (auto s = CheckMutation(&single); !s.ok()) return s;
  out->ops.push_back(single.op);
  return absl::OkStatus();
}

void PaddedBuffer::Assign(std::string_view bytes) {
  char* p = Resize(bytes.size());
  if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
}

void PaddedBuffer::Shrink(size_t keep) {
  if (data_.size() <= keep) return;
  std::vector<char>().swap(data_);
  size_ = 0;
}

char* PaddedBuffer::Resize(size_t size) {
  if (data_.size() < size + simdjson::SIMDJSON_PADDING) {
    data_.assign(size + simdjson::SIMDJSON_PADDING, '\0');
  }
  std::memset(data_.data() + size, 0, simdjson::SIMDJSON_PADDING);
  size_ = size;
  return data_.data();
}

}  // namespace dotlog

