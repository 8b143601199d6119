// Helpers shared by the store scenario tests: a std::map model of a store's
// visible contents, reading a store's contents for comparison with it,
// checking that a segment file holds only intact lines, and writing segment
// lines by hand. Header-only: nothing to register in meson.
#ifndef DOTLOG_TESTS_SUPPORT_STORE_MODEL_H_
#define DOTLOG_TESTS_SUPPORT_STORE_MODEL_H_

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "dotlog/damage.h"
#include "dotlog/store.h"
#include "format/line_decoder.h"
#include "format/record.h"
#include "format/timestamp.h"
#include "util/strings.h"
#include "support/status_helpers.h"

namespace dotlog::testing {

// What a store shows for one live key: its value and its expiry (0: never).
struct Stored {
  std::string value;
  int64_t expires_ms = 0;
  bool operator==(const Stored&) const = default;
};

// A store's visible contents, key to Stored.
using State = std::map<std::string, Stored>;

inline std::string Describe(const State& state) {
  std::ostringstream out;
  out << "{";
  for (const auto& [key, stored] : state) {
    out << "\n  " << key << " = " << stored.value;
    if (stored.expires_ms != 0) out << " (expires " << stored.expires_ms << ")";
  }
  out << (state.empty() ? "}" : "\n}");
  return out.str();
}

// Every live item of `store`, read through List(""); fails the test if the
// listing fails.
inline State ReadState(Store& store) {
  auto items = store.List("");
  INFO("List: " << items.status().ToString());
  REQUIRE_OK(items);
  State state;
  for (const Item& item : *items) {
    state[item.key] = Stored{
        item.value, item.expires_at ? ToUnixMillis(*item.expires_at) : 0};
  }
  return state;
}

// One put or delete as the model applies it. `value` must be minified JSON
// (the store stores values minified); `expires_ms` 0 means never.
struct ModelOp {
  bool is_delete = false;
  std::string key;
  std::string value;
  int64_t expires_ms = 0;
};

inline ModelOp PutOp(std::string key, std::string value,
                     int64_t expires_ms = 0) {
  return ModelOp{false, std::move(key), std::move(value), expires_ms};
}
inline ModelOp DeleteOp(std::string key) {
  return ModelOp{true, std::move(key), "", 0};
}

// Applies the operations of one record, in order (later ones win).
inline void ApplyOps(const std::vector<ModelOp>& ops, State* state) {
  for (const ModelOp& op : ops) {
    if (op.is_delete) {
      state->erase(op.key);
    } else {
      (*state)[op.key] = Stored{op.value, op.expires_ms};
    }
  }
}

// Splits `bytes` into lines at '\n'. The last element holds the bytes after
// the last newline (empty when the file ends in one).
inline std::vector<std::string_view> SplitLines(std::string_view bytes) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t nl; (nl = bytes.find('\n', start)) != std::string_view::npos;
       start = nl + 1) {
    lines.push_back(bytes.substr(start, nl - start));
  }
  lines.push_back(bytes.substr(start));
  return lines;
}

// Empty if `bytes` is a sequence of intact lines (each decodes, each ends in
// '\n'); otherwise says which line is not.
inline std::string FirstBrokenLine(std::string_view bytes) {
  const std::vector<std::string_view> lines = SplitLines(bytes);
  if (!lines.back().empty()) {
    return absl::StrFormat("%d unterminated bytes at the end",
                           lines.back().size());
  }
  LineDecoder decoder;
  DecodedLine decoded;
  PaddedBuffer buffer;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    buffer.Assign(lines[i]);
    absl::Status s = decoder.Decode(buffer.view(), buffer.readable(), &decoded);
    if (!s.ok()) {
      return absl::StrFormat("line %d does not decode (%s): \"%s\"%s", i + 1,
                             s.message(),
                             absl::CHexEscape(AV(lines[i].substr(0, 80))),
                             lines[i].size() > 80 ? "..." : "");
    }
  }
  return "";
}

// `covered` (a JSON object missing its closing brace, e.g.
// `{"seq":1,...,"value":2`) sealed into a segment line: the checksum
// trailer of record.h and '\n' appended.
inline std::string SealedLine(std::string_view covered) {
  return absl::StrFormat("%s%s%016x%s\n", std::string(covered),
                         std::string(kChecksumPrefix), RecordChecksum(covered),
                         std::string(kChecksumSuffix));
}

// "A, line L, offset O: reason" for messages.
inline std::string Describe(const DamagedRecord& d) {
  return absl::StrFormat("%s, line %d, offset %d: %s", d.file, d.line, d.offset,
                         d.reason);
}
inline std::string Describe(const std::vector<DamagedRecord>& damage) {
  std::string out = damage.empty() ? "no damage" : "";
  for (const DamagedRecord& d : damage) out += "\n  " + Describe(d);
  return out;
}

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_STORE_MODEL_H_
