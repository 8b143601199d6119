#include "format/json_text.h"

#include <catch2/catch.hpp>
#include "support/status_helpers.h"

namespace dotlog {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

TEST_CASE("quotes and backslashes are escaped", "[json_text]") {
  CHECK(Quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
}

TEST_CASE("control characters are escaped so the string stays on one line",
          "[json_text]") {
  CHECK(Quoted("a\nb\tc\r") == "\"a\\nb\\tc\\r\"");
  CHECK(Quoted(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(Quoted(std::string("\0", 1)) == "\"\\u0000\"");
}

TEST_CASE("U+2028 and U+2029 are escaped, other UTF-8 is kept",
          "[json_text]") {
  CHECK(Quoted("x\xE2\x80\xA8y\xE2\x80\xA9") == "\"x\\u2028y\\u2029\"");
  CHECK(Quoted("caf\xC3\xA9 \xF0\x9F\x98\x80") == "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST_CASE("a pretty-printed value is stored minified with tokens unchanged",
          "[json_text]") {
  auto m = MinifyJsonValue("{\n  \"a\" : [ 1.50 , 2e3 ],\n  \"b\": \"x y\"\n}\n");
  REQUIRE_OK(m);
  CHECK(*m == "{\"a\":[1.50,2e3],\"b\":\"x y\"}");
}

TEST_CASE("scalars are valid values", "[json_text]") {
  CHECK(*MinifyJsonValue(" 42 ") == "42");
  CHECK(*MinifyJsonValue("\"s\"") == "\"s\"");
  CHECK(*MinifyJsonValue("null") == "null");
}

TEST_CASE("invalid JSON is refused with the parser's reason", "[json_text]") {
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "tru", "1 2", "'x'",
                          "{\"a\":1}}", "\"unterminated"}) {
    INFO(bad);
    auto m = MinifyJsonValue(bad);
    REQUIRE_FALSE(m.ok());
    CHECK(m.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(m.status().message().find("not valid JSON") != std::string_view::npos);
  }
}

TEST_CASE("nesting depth counts brackets outside strings", "[json_text]") {
  CHECK(JsonNestingDepth("1") == 0);
  CHECK(JsonNestingDepth("{}") == 1);
  CHECK(JsonNestingDepth("[[1],{\"a\":[2]}]") == 3);
  CHECK(JsonNestingDepth("[\"[[[\\\"[[\"]") == 1);
}

TEST_CASE("numbers are checked against the grammar, never converted",
          "[json_text]") {
  CHECK(*MinifyJsonValue("[ 1e400 , 12345678901234567890123 ]") ==
        "[1e400,12345678901234567890123]");
  CHECK(*MinifyJsonValue("\"1e400 01\"") == "\"1e400 01\"");
  for (const char* bad : {"[1e400, 01]", "[1e400, \"\\x\"]", "1e400 1"}) {
    INFO(bad);
    CHECK_FALSE(MinifyJsonValue(bad).ok());
  }
}

TEST_CASE("invalid UTF-8 inside a value is refused", "[json_text]") {
  CHECK_FALSE(MinifyJsonValue("\"\xC3\x28\"").ok());
  CHECK_FALSE(IsValidUtf8("\xFF"));
  CHECK(IsValidUtf8("\xF0\x9F\x98\x80"));
}

}  // namespace
}  // namespace dotlog
