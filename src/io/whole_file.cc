#include "io/whole_file.h"

namespace dotlog {

absl::StatusOr<std::string> ReadWholeFile(FileSystem* fs,
                                          const std::string& path) {
  auto file = fs->OpenReadableFile(path);
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  std::string text(*size, '\0');
  auto n = (*file)->ReadAt(0, text.data(), text.size());
  if (!n.ok()) return n.status();
  text.resize(*n);
  return text;
}

}  // namespace dotlog
