#include "dotlog/sync/stream_entry.h"

#include <catch2/catch.hpp>

#include "dotlog/sync/snapshot.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using testing::Value;

StreamEntry Sample() {
  return StreamEntry{
      .machine = "laptop",
      .seq = 42,
      .hlc = (Hlc{1764235800000} << kHlcLogicalBits) + 3,
      .changes = {{.item = "state/wallpaper/favourite/home/ada/dune.png",
                   .value = R"({"layout":1,"note":"ünï \"q\""})"},
                  {.item = "state/colorscheme", .deleted = true},
                  {.item = "state/user/x", .value = "7", .expires_ms = 1234}}};
}

StreamFields Replace(StreamFields fields, const std::string& name,
                     const std::string& value) {
  for (auto& [key, v] : fields) {
    if (key == name) v = value;
  }
  return fields;
}

StreamFields Without(StreamFields fields, const std::string& name) {
  std::erase_if(fields, [&](const auto& f) { return f.first == name; });
  return fields;
}

TEST_CASE("An encoded entry decodes to the same entry") {
  const StreamEntry entry = Sample();
  CHECK(Value(DecodeEntry(EncodeEntry(entry))) == entry);
}

TEST_CASE("An entry with a missing field is malformed, naming the field") {
  for (const char* name : {"v", "m", "s", "h", "c"}) {
    absl::StatusOr<StreamEntry> e =
        DecodeEntry(Without(EncodeEntry(Sample()), name));
    INFO(name << ": " << e.status());
    CHECK(absl::IsInvalidArgument(e.status()));
    CHECK(e.status().message().find(std::string("\"") + name + "\"") !=
          std::string::npos);
  }
}

TEST_CASE("Malformed changes are InvalidArgument") {
  const StreamFields good = EncodeEntry(Sample());
  for (const char* bad : {"not json", "{}", "[1]", R"([{"k":"a"}])",
                          R"([{"v":1}])", R"([{"k":"a","v":tru}])"}) {
    INFO(bad);
    CHECK(absl::IsInvalidArgument(DecodeEntry(Replace(good, "c", bad)).status()));
  }
  CHECK(absl::IsInvalidArgument(
      DecodeEntry(Replace(good, "s", "-1")).status()));
  CHECK(absl::IsInvalidArgument(
      DecodeEntry(Replace(good, "m", "")).status()));
}

TEST_CASE("An entry from a newer format version is FailedPrecondition") {
  absl::StatusOr<StreamEntry> e =
      DecodeEntry(Replace(EncodeEntry(Sample()), "v", "2"));
  CHECK(absl::IsFailedPrecondition(e.status()));
  CHECK(e.status().message().find("newer") != std::string::npos);
}

TEST_CASE("Unknown fields are ignored") {
  StreamFields fields = EncodeEntry(Sample());
  fields.emplace_back("later", "something");
  CHECK(Value(DecodeEntry(fields)) == Sample());
}

}  // namespace
}  // namespace dotlog

namespace dotlog {
namespace {

using testing::Value;

TEST_CASE("A snapshot item survives encoding, clock exactly") {
  const SnapshotItem put{.machine = "laptop", .seq = 7,
                         .hlc = (Hlc{1764235800123} << 16) + 3,
                         .change = {.item = "state/colorscheme",
                                    .value = R"({"name":"nord"})",
                                    .expires_ms = 99}};
  const std::string json = EncodeSnapshotItem(put);
  CHECK(json.rfind("{\"h\":\"" + std::to_string(put.hlc) + "\"", 0) == 0);
  CHECK(Value(DecodeSnapshotItem(json)) == put);
  const SnapshotItem deleted{.machine = "m", .seq = 1, .hlc = 5,
                             .change = {.item = "k", .deleted = true}};
  CHECK(Value(DecodeSnapshotItem(EncodeSnapshotItem(deleted))) == deleted);
  CHECK(absl::IsInvalidArgument(DecodeSnapshotItem(R"({"h":5})").status()));
  CHECK(absl::IsInvalidArgument(DecodeSnapshotItem("{").status()));
}

}  // namespace
}  // namespace dotlog
