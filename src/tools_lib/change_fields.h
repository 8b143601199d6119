// The fields of a Change as the history dump and `dotlog watch` write them.
#ifndef DOTLOG_TOOLS_LIB_CHANGE_FIELDS_H_
#define DOTLOG_TOOLS_LIB_CHANGE_FIELDS_H_

#include <string>

#include "dotlog/change_feed.h"

namespace dotlog {

// Appends `"op":"put","key":KEY,"value":VALUE` for a put and
// `"op":"del","key":KEY` for a delete, the key escaped as a JSON string and
// the value as stored (minified JSON).
void AppendOpKeyValue(const Change& change, std::string* out);

// Appends `,"expires":"TIME"` (RFC 3339 UTC with milliseconds) when the
// change set an expiry, nothing otherwise.
void AppendExpiresField(const Change& change, std::string* out);

}  // namespace dotlog

#endif  // DOTLOG_TOOLS_LIB_CHANGE_FIELDS_H_
