// A fresh directory for one test, removed with everything in it when the
// object goes away.
#ifndef DOTLOG_TESTS_SUPPORT_TEMP_DIR_H_
#define DOTLOG_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace dotlog::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string Join(const std::string& name) const;

 private:
  std::string path_;
};

// The whole content of a file, read directly (not through dotlog).
std::string ReadFileBytes(const std::string& path);
// Replaces a file's content, directly.
void WriteFileBytes(const std::string& path, const std::string& bytes);

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_TEMP_DIR_H_
