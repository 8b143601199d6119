// The JSON members of one shared change, as stream entries and snapshot
// items both carry them: "k" item, then "v" value (and "x" expiry) or
// "d":true.
#ifndef DOTLOG_SYNC_CHANGE_JSON_H_
#define DOTLOG_SYNC_CHANGE_JSON_H_

#include <simdjson.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "dotlog/sync/stream_entry.h"

namespace dotlog::sync_internal {

// Appends `"k":ITEM,"v":VALUE[,"x":EXPIRY]` or `"k":ITEM,"d":true` to
// `out`, without braces.
void AppendChangeMembers(std::string* out, const SharedChange& change);

// The change `element` (a JSON object with those members) describes.
// InvalidArgument naming `where` and what is wrong when it is not an
// object, has no non-empty "k" string, or has neither "v" nor "d":true.
absl::StatusOr<SharedChange> DecodeChange(simdjson::dom::element element,
                                          std::string_view where);

}  // namespace dotlog::sync_internal

#endif  // DOTLOG_SYNC_CHANGE_JSON_H_
