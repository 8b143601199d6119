// Path normalisation and content hashing of wallpaper files.
#include "state/wallpaper_file.h"

#include <pwd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <string>

#include "format/record.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::state {
namespace {

using testing::TempDir;
using testing::Value;

std::string Absolute(std::string_view path) {
  return Value(AbsolutePath("path", path, "/home/ada", "/work/dir"));
}

TEST_CASE("AbsolutePath expands ~, joins relative paths and removes dots") {
  CHECK(Absolute("~") == "/home/ada");
  CHECK(Absolute("~/walls/a.png") == "/home/ada/walls/a.png");
  CHECK(Absolute("a.png") == "/work/dir/a.png");
  CHECK(Absolute("./x/../a.png") == "/work/dir/a.png");
  CHECK(Absolute("../../../a.png") == "/a.png");
  CHECK(Absolute("/a//b/./c/") == "/a/b/c");
  CHECK(Absolute("/") == "/");
  CHECK(Absolute("/a/b.png") == "/a/b.png");
  CHECK(Absolute("/a/b/..") == "/a");
  CHECK(Absolute("/a/.") == "/a");
  CHECK(Absolute("/a/b/") == "/a/b");
  CHECK(Absolute("/a/.hidden/...") == "/a/.hidden/...");
  // "~user" is not expanded: it is a relative name.
  CHECK(Absolute("~bob/a.png") == "/work/dir/~bob/a.png");
}

TEST_CASE(
    "AbsolutePath refuses what it cannot make absolute, naming the "
    "field") {
  auto no_home = AbsolutePath("metadata field effects_dir", "~/x", "", "/w");
  CHECK(absl::IsInvalidArgument(no_home.status()));
  CHECK(std::string(no_home.status().message())
            .starts_with("metadata field effects_dir: cannot expand"));
  CHECK(absl::IsInvalidArgument(
      AbsolutePath("path", "a.png", "/home/ada", "").status()));
  CHECK(absl::IsInvalidArgument(
      AbsolutePath("path", "", "/home/ada", "/w").status()));
  CHECK(absl::IsInvalidArgument(
      AbsolutePath("path", "\xff.png", "/home/ada", "/w").status()));
}

TEST_CASE("LexicalPath expands ~name to that user's home directory") {
  // root is in every password database; its home is where it says.
  const struct passwd* root = getpwnam("root");
  REQUIRE(root != nullptr);
  const std::string home = Value(AbsolutePath("h", root->pw_dir, "/", "/"));
  CHECK(Value(LexicalPath("path", "~root")) == home);
  CHECK(Value(LexicalPath("path", "~root/walls/../a.png")) ==
        (home == "/" ? "/a.png" : home + "/a.png"));
  auto unknown = LexicalPath("path", "~no_such_user_dotlog/a.png");
  CHECK(absl::IsInvalidArgument(unknown.status()));
  CHECK(std::string(unknown.status().message()) ==
        "path: cannot expand \"~no_such_user_dotlog\" in "
        "~no_such_user_dotlog/a.png: no such user");
}

TEST_CASE("HashFile is XXH3-64 of the whole content, across read pieces") {
  TempDir tmp;
  std::string content;
  for (int64_t i = 0; content.size() < (3 << 20) + 17; ++i) {
    content += std::to_string(i * 7919) + ",";
  }
  testing::WriteFileBytes(tmp.Join("big"), content);
  CHECK(Value(HashFile(*DefaultFileSystem(), tmp.Join("big"))) ==
        RecordChecksum(content));
  CHECK(absl::IsNotFound(
      HashFile(*DefaultFileSystem(), tmp.Join("none")).status()));
}

TEST_CASE("NormalizePath resolves symlinks only when the path exists") {
  TempDir tmp;
  const std::string real = Value(DefaultFileSystem()->RealPath(tmp.path()));
  std::filesystem::create_directory(tmp.Join("d"));
  std::filesystem::create_symlink(tmp.Join("d"), tmp.Join("link"));
  testing::WriteFileBytes(tmp.Join("d/a.png"), "a");
  FileSystem& fs = *DefaultFileSystem();
  CHECK(Value(NormalizePath(fs, "path", tmp.Join("link/a.png"))) ==
        real + "/d/a.png");
  CHECK(Value(NormalizePath(fs, "path", tmp.Join("link/none.png"))) ==
        tmp.Join("link/none.png"));
}

}  // namespace
}  // namespace dotlog::state
