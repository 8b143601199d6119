#include "tools_lib/change_fields.h"

#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "format/timestamp.h"

namespace dotlog {

void AppendOpKeyValue(const Change& change, std::string* out) {
  const bool put = change.op == Change::Op::kPut;
  absl::StrAppend(out, "\"op\":\"", put ? "put" : "del", "\",\"key\":");
  AppendJsonString(out, change.key);
  if (put) {
    out->append(",\"value\":");
    out->append(change.value);
  }
}

void AppendExpiresField(const Change& change, std::string* out) {
  if (!change.expires_at) return;
  out->append(",\"expires\":\"");
  AppendTimestamp(out, ToUnixMillis(*change.expires_at));
  out->push_back('"');
}

}  // namespace dotlog
