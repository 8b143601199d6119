// Keys and values that need escaping, through a real store on disk: they
// read back identical, and every segment line is JSON that jq and Python
// parse, with jq's `.key` equal to the key written.
#include "absl/strings/escaping.h"

#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "dotlog/store.h"
#include "dotlog/write_batch.h"
#include "support/required_tool.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::OpenOrDie;
using testing::ReadFileBytes;
using testing::TempDir;

struct Case {
  std::string key;
  std::string json;      // as given to Put
  std::string minified;  // as Get must return it
};

std::string Bytes(const char* s, size_t n) { return std::string(s, n); }

std::vector<Case> Cases() {
  std::vector<Case> cases = {
      {"say \"hi\"", "\"she said \\\"hi\\\"\"", "\"she said \\\"hi\\\"\""},
      {"C:\\dir\\file\\", "\"C:\\\\dir\\\\file\\\\\"", "\"C:\\\\dir\\\\file\\\\\""},
      {"\"\\\"\\", "[\"\\\\\",\"\\\"\"]", "[\"\\\\\",\"\\\"\"]"},
      {"escapes", "\"\\b\\f\\n\\r\\t\\/\\u0000\\u001f\"",
       "\"\\b\\f\\n\\r\\t\\/\\u0000\\u001f\""},
      {"para\xE2\x80\xA8graph\xE2\x80\xA9" "end",
       "\"line\xE2\x80\xA8sep\xE2\x80\xA9para\"",
       "\"line\xE2\x80\xA8sep\xE2\x80\xA9para\""},
      {"caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E/"
       "\xCE\x95\xCE\xBB\xCE\xBB\xCE\xB7\xCE\xBD\xCE\xB9\xCE\xBA\xCE\xAC/"
       "\xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
       "{ \"emoji\" : \"\xF0\x9F\x98\x80\", \"flag\": \"\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7\","
       " \"text\": \"na\xC3\xAFve\" }",
       "{\"emoji\":\"\xF0\x9F\x98\x80\",\"flag\":\"\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7\","
       "\"text\":\"na\xC3\xAFve\"}"},
      {"\xF0\x9F\x98\x80", "\"\\ud83d\\ude00 \\u00e9\"", "\"\\ud83d\\ude00 \\u00e9\""},
      {"html </script> & <!-- \x7F", "\"</script>\\u2028\"", "\"</script>\\u2028\""},
      {"\xEF\xBB\xBF" "bom \xEF\xBF\xBF \xF4\x8F\xBF\xBF", "\"\xEF\xBF\xBF\"",
       "\"\xEF\xBF\xBF\""},
      {"pretty",
       "{\r\n\t\"name\" : \"a b\",\n  \"list\" : [\n    1,\n    2.50,\n"
       "    { \"x\" : null }\n  ],\n  \"s\" : \" \\n spaced \\t \"\n}\n",
       "{\"name\":\"a b\",\"list\":[1,2.50,{\"x\":null}],\"s\":\" \\n spaced \\t \"}"},
  };
  // Every control character, each in its own key and all in one key.
  std::string all;
  for (int c = 0; c < 0x20; ++c) {
    all.push_back(static_cast<char>(c));
    char value[32];
    std::snprintf(value, sizeof value, "{\"c\":\"\\u%04x\"}", c);
    cases.push_back({"ctl/" + std::string(1, static_cast<char>(c)) + "/end",
                     value, value});
  }
  cases.push_back({"all/" + all, "\"x\"", "\"x\""});
  cases.push_back({all + "\"\\\xE2\x80\xA8", "0", "0"});
  return cases;
}

// The keys a batch writes, after every single put.
std::vector<std::string> BatchKeys() {
  return {"batch/\"q\"", Bytes("batch/\0/\n/\x1f", 11),
          "batch/\xE2\x80\xA9\xF0\x9F\x98\x80"};
}

std::vector<std::string> SegmentFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("segment-", 0) == 0 && name.size() > 6 &&
        name.substr(name.size() - 6) == ".jsonl") {
      out.push_back(entry.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Command {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `command` with sh, capturing stdout and stderr.
Command Run(const std::string& command, const TempDir& tmp) {
  const std::string err_path = tmp.Join("stderr.txt");
  Command result;
  FILE* p = popen((command + " 2>'" + err_path + "'").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) result.out.append(buf, n);
  const int status = pclose(p);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = ReadFileBytes(err_path);
  return result;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::string Quoted(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& p : paths) out += " '" + p + "'";
  return out;
}

// Writes every case with Put, then BatchKeys() in one batch.
void WriteAll(Store* store) {
  for (const Case& c : Cases()) {
    INFO(absl::CHexEscape(c.key));
    const absl::Status s = store->Put(c.key, c.json);
    INFO(s.ToString());
    REQUIRE_OK(s);
  }
  WriteBatch batch;
  for (const std::string& key : BatchKeys()) batch.Put(key, "\"\xE2\x80\xA8\"");
  REQUIRE_OK(store->Write(batch));
}

// Every key reads back identical, with its value minified.
void CheckReadBack(Store* store) {
  std::vector<std::string> expected_keys;
  for (const Case& c : Cases()) {
    INFO("key " << absl::CHexEscape(c.key));
    auto value = store->Get(c.key);
    INFO(value.status().ToString());
    REQUIRE_OK(value);
    CHECK(*value == c.minified);
    auto item = store->Lookup(c.key);
    REQUIRE_OK(item);
    CHECK(item->key == c.key);
    CHECK(item->value == c.minified);
    expected_keys.push_back(c.key);
  }
  for (const std::string& key : BatchKeys()) {
    INFO("key " << absl::CHexEscape(key));
    auto value = store->Get(key);
    REQUIRE_OK(value);
    CHECK(*value == "\"\xE2\x80\xA8\"");
    expected_keys.push_back(key);
  }
  std::sort(expected_keys.begin(), expected_keys.end());
  auto keys = store->ListKeys("");
  REQUIRE_OK(keys);
  CHECK(*keys == expected_keys);
  auto items = store->List("");
  REQUIRE_OK(items);
  REQUIRE(items->size() == expected_keys.size());
  for (size_t i = 0; i < items->size(); ++i) {
    CHECK((*items)[i].key == expected_keys[i]);
  }
}

// The segment files, sorted, of a store in `dir` that WriteAll wrote and
// closed; fails the test if there are none.
std::vector<std::string> WriteAllToSegmentFiles(const std::string& dir) {
  {
    auto store = OpenOrDie(dir);
    WriteAll(store.get());
  }
  std::vector<std::string> files = SegmentFiles(dir);
  REQUIRE_FALSE(files.empty());
  return files;
}

TEST_CASE("keys and values that need escaping read back identical",
          "[escaping]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.Join("db"));
  WriteAll(store.get());
  CheckReadBack(store.get());
}

TEST_CASE("keys and values that need escaping read back identical after "
          "reopening",
          "[escaping]") {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.Join("db"));
    WriteAll(store.get());
    REQUIRE_OK(store->Close());
  }
  auto store = OpenOrDie(tmp.Join("db"));
  CheckReadBack(store.get());
  CHECK(store->Damage().empty());
}

TEST_CASE("every segment line is one line with no raw control character",
          "[escaping]") {
  TempDir tmp;
  const std::vector<std::string> files = WriteAllToSegmentFiles(tmp.Join("db"));
  size_t records = 0;
  for (const std::string& file : files) {
    const std::string bytes = ReadFileBytes(file);
    REQUIRE_FALSE(bytes.empty());
    CHECK(bytes.back() == '\n');
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (bytes[i] == '\n') continue;
      INFO(file << " byte " << i);
      CHECK(static_cast<unsigned char>(bytes[i]) >= 0x20);
    }
    for (const std::string& line : Lines(bytes)) {
      if (line.rfind("{\"seq\":", 0) == 0) ++records;
    }
  }
  // One line per put and one for the batch.
  CHECK(records == Cases().size() + 1);
}

TEST_CASE("every segment line parses with jq, and jq's .key is the key written",
          "[escaping]") {
  TempDir tmp;
  const std::vector<std::string> files = WriteAllToSegmentFiles(tmp.Join("db"));
  testing::RequireTool("jq");
  size_t file_lines = 0;
  for (const std::string& file : files) {
    const std::string bytes = ReadFileBytes(file);
    file_lines += std::count(bytes.begin(), bytes.end(), '\n');
  }

  // Each line is one JSON value: jq -c prints one line per value.
  const Command parsed = Run("jq -c ." + Quoted(files), tmp);
  INFO(parsed.err);
  REQUIRE(parsed.exit_code == 0);
  CHECK(Lines(parsed.out).size() == file_lines);

  // Base64 keeps keys with newlines or NULs on one output line each.
  const Command keys = Run(
      "jq -r 'if has(\"key\") then .key | @base64 "
      "elif has(\"ops\") then .ops[].key | @base64 else empty end'" +
          Quoted(files),
      tmp);
  INFO(keys.err);
  REQUIRE(keys.exit_code == 0);
  std::vector<std::string> expected;
  for (const Case& c : Cases()) expected.push_back(c.key);
  for (const std::string& k : BatchKeys()) expected.push_back(k);
  const std::vector<std::string> encoded = Lines(keys.out);
  REQUIRE(encoded.size() == expected.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    std::string key;
    REQUIRE(absl::Base64Unescape(encoded[i], &key));
    INFO("expected " << absl::CHexEscape(expected[i]) << ", jq gave "
                     << absl::CHexEscape(key));
    CHECK(key == expected[i]);
  }
}

TEST_CASE("every segment line parses with python3's json module",
          "[escaping]") {
  TempDir tmp;
  const std::vector<std::string> files = WriteAllToSegmentFiles(tmp.Join("db"));
  testing::RequireTool("python3");
  // Splits on b"\n" only (not on U+2028 or \r), decodes strict UTF-8, parses
  // each line strictly, and prints each key as hex, then the line count.
  const char* script =
      "import json, sys\n"
      "n = 0\n"
      "for path in sys.argv[1:]:\n"
      "    data = open(path, \"rb\").read()\n"
      "    assert data.endswith(b\"\\n\"), path\n"
      "    for raw in data.split(b\"\\n\")[:-1]:\n"
      "        obj = json.loads(raw.decode(\"utf-8\"), strict=True)\n"
      "        assert isinstance(obj, dict), raw\n"
      "        n += 1\n"
      "        keys = [obj[\"key\"]] if \"key\" in obj else "
      "[o[\"key\"] for o in obj.get(\"ops\", [])]\n"
      "        for k in keys:\n"
      "            print(k.encode(\"utf-8\").hex())\n"
      "print(\"lines\", n)\n";
  size_t file_lines = 0;
  for (const std::string& file : files) {
    const std::string bytes = ReadFileBytes(file);
    file_lines += std::count(bytes.begin(), bytes.end(), '\n');
  }
  const std::string script_path = tmp.Join("check.py");
  testing::WriteFileBytes(script_path, script);
  const Command result = Run("python3 '" + script_path + "'" + Quoted(files), tmp);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  std::vector<std::string> out = Lines(result.out);
  REQUIRE_FALSE(out.empty());
  CHECK(out.back() == "lines " + std::to_string(file_lines));
  out.pop_back();
  std::vector<std::string> expected;
  for (const Case& c : Cases()) expected.push_back(c.key);
  for (const std::string& k : BatchKeys()) expected.push_back(k);
  REQUIRE(out.size() == expected.size());
  for (size_t i = 0; i < out.size(); ++i) {
    CHECK(absl::HexStringToBytes(out[i]) == expected[i]);
  }
}

}  // namespace
}  // namespace dotlog
