#include "state/wallpaper_file.h"

#include <pwd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "format/json_text.h"
#include "format/record.h"
#include "state/state_json.h"
#include "util/strings.h"

namespace dotlog::state {
namespace {

constexpr size_t kHashChunkBytes = 1 << 20;

absl::Status BadPath(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(Cat(field, ": ", why));
}

// The home directory of user `name`, from the password database.
absl::StatusOr<std::string> HomeOfUser(const std::string& name) {
  struct passwd entry;
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  const int error =
      getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (error != 0 || found == nullptr || found->pw_dir == nullptr) {
    return absl::NotFoundError("no such user");
  }
  return std::string(found->pw_dir);
}

}  // namespace

absl::StatusOr<uint64_t> HashFile(FileSystem& fs, const std::string& path) {
  absl::StatusOr<std::unique_ptr<ReadableFile>> file =
      fs.OpenReadableFile(path);
  if (!file.ok()) return file.status();
  RunningChecksum sum;
  std::vector<char> buffer(kHashChunkBytes);
  uint64_t offset = 0;
  for (;;) {
    absl::StatusOr<size_t> n =
        (*file)->ReadAt(offset, buffer.data(), buffer.size());
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    sum.Update(std::string_view(buffer.data(), *n));
    offset += *n;
  }
  return sum.Digest();
}

absl::StatusOr<std::string> AbsolutePath(std::string_view field,
                                         std::string_view path,
                                         std::string_view home,
                                         std::string_view cwd) {
  if (path.empty()) return BadPath(field, "must not be empty");
  if (path.find('\0') != std::string_view::npos) {
    return BadPath(field, "must not contain a NUL byte");
  }
  if (!IsValidUtf8(path)) return BadPath(field, "not valid UTF-8");
  // An absolute path with no "//", no "/." (so no "." or ".." part) and
  // no trailing '/' is already clean; most paths are, and splitting costs.
  if (path.starts_with('/') && path.find("//") == std::string_view::npos &&
      path.find("/.") == std::string_view::npos &&
      (path.size() == 1 || !path.ends_with('/'))) {
    return std::string(path);
  }
  std::string joined;
  if (path == "~" || path.starts_with("~/")) {
    if (!home.starts_with('/')) {
      return BadPath(field, Cat("cannot expand \"~\" in ", path,
                                ": HOME is not an absolute path"));
    }
    joined = Cat(home, "/", path.substr(1));
  } else if (path.starts_with('/')) {
    joined = std::string(path);
  } else {
    if (!cwd.starts_with('/')) {
      return BadPath(field, Cat("cannot make ", path,
                                " absolute: working directory "
                                "unknown"));
    }
    joined = Cat(cwd, "/", path);
  }
  std::vector<std::string_view> parts;
  for (absl::string_view part : absl::StrSplit(AV(joined), '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(SV(part));
  }
  std::string result;
  for (std::string_view part : parts) {
    result.push_back('/');
    result.append(part);
  }
  if (result.empty()) result.push_back('/');
  return result;
}

absl::StatusOr<std::string> LexicalPath(std::string_view field,
                                        std::string_view path) {
  const char* home = std::getenv("HOME");
  std::string home_of_user;
  std::string rest;
  if (path.starts_with('~') && path != "~" && !path.starts_with("~/")) {
    // "~name" or "~name/...": the home directory of user `name`.
    const size_t slash = std::min(path.find('/'), path.size());
    const std::string name(path.substr(1, slash - 1));
    absl::StatusOr<std::string> dir = HomeOfUser(name);
    if (!dir.ok()) {
      return BadPath(field, Cat("cannot expand \"~", name, "\" in ", path,
                                ": ", dir.status().message()));
    }
    home_of_user = *std::move(dir);
    home = home_of_user.c_str();
    rest = Cat("~", path.substr(slash));
    path = rest;
  }
  std::string cwd;
  if (!path.starts_with('/') && !path.starts_with('~')) {
    std::error_code error;
    std::filesystem::path current = std::filesystem::current_path(error);
    if (!error) cwd = current.string();
  }
  return AbsolutePath(field, path, home == nullptr ? "" : home, cwd);
}

absl::StatusOr<std::string> NormalizePath(FileSystem& fs,
                                          std::string_view field,
                                          std::string_view path) {
  absl::StatusOr<std::string> absolute = LexicalPath(field, path);
  if (!absolute.ok()) return absolute.status();
  absl::StatusOr<std::string> real = fs.RealPath(*absolute);
  if (real.ok()) return *std::move(real);
  return absolute;
}

}  // namespace dotlog::state
