// The exact text of a JSON value that simdjson's On-Demand parser is
// reading, shared by the record decoder and the dump loader.
#ifndef DOTLOG_FORMAT_RAW_JSON_H_
#define DOTLOG_FORMAT_RAW_JSON_H_

#include <simdjson.h>

#include <string_view>

namespace dotlog {

// Sets `*raw` to the text of `v`, whose type is `type`, within its
// document: the whole text of an object or array, else the scalar's token,
// which may end with the whitespace that follows it in the document. An
// object or array is read through to its end; a scalar is left unread, to
// be checked. Returns the parser's error, or SUCCESS.
inline simdjson::error_code RawJson(simdjson::ondemand::value v,
                                    simdjson::ondemand::json_type type,
                                    std::string_view* raw) {
  namespace od = simdjson::ondemand;
  simdjson::error_code e = simdjson::SUCCESS;
  if (type == od::json_type::object) {
    od::object o;
    if (!(e = v.get_object().get(o))) e = o.raw_json().get(*raw);
  } else if (type == od::json_type::array) {
    od::array a;
    if (!(e = v.get_array().get(a))) e = a.raw_json().get(*raw);
  } else {
    *raw = v.raw_json_token();
  }
  return e;
}

}  // namespace dotlog

#endif  // DOTLOG_FORMAT_RAW_JSON_H_
