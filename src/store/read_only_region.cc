#include "store/read_only_region.h"

#include <string_view>
#include <utility>
#include <vector>

namespace dotlog {
namespace {

// A view of a file mapped by ReadableFile::Map.
class MappedFileRegion final : public SharedRegion {
 public:
  MappedFileRegion(std::unique_ptr<ReadableFile> file, std::string_view view)
      : file_(std::move(file)), view_(view) {}
  // Never written through: the store that holds this region refuses writes.
  void* data() override { return const_cast<char*>(view_.data()); }
  size_t size() const override { return view_.size(); }

 private:
  const std::unique_ptr<ReadableFile> file_;  // owns the mapping
  const std::string_view view_;
};

// Zeros in this process's memory, 8-byte aligned.
class PrivateRegion final : public SharedRegion {
 public:
  explicit PrivateRegion(size_t bytes) : words_((bytes + 7) / 8, 0) {}
  void* data() override { return words_.data(); }
  size_t size() const override { return words_.size() * 8; }

 private:
  std::vector<uint64_t> words_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SharedRegion>> MapReadOnlyRegion(
    FileSystem* fs, const std::string& path, size_t bytes) {
  auto file = fs->OpenReadableFile(path);
  if (absl::IsNotFound(file.status())) {
    return std::make_unique<PrivateRegion>(bytes);
  }
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  if (*size < bytes) return std::make_unique<PrivateRegion>(bytes);
  auto view = (*file)->Map(bytes);
  if (!view.ok()) return view.status();
  return std::make_unique<MappedFileRegion>(*std::move(file), *view);
}

}  // namespace dotlog
