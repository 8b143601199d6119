// Reading a segment in pieces that never split a line.
#include "store/segment.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/fault_file_system.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using testing::FaultFileSystem;

struct Piece {
  uint64_t offset;
  std::string bytes;
};

// The pieces ReadInLinePieces hands over for [begin, end) of `bytes`.
std::vector<Piece> Pieces(const std::string& bytes, uint64_t begin, uint64_t end,
                          FaultFileSystem* fs = nullptr) {
  FaultFileSystem own;
  if (fs == nullptr) fs = &own;
  REQUIRE_OK(fs->CreateDir("/s"));
  REQUIRE_OK(fs->WriteRaw("/s/f", bytes));
  auto file = fs->OpenReadableFile("/s/f");
  REQUIRE_OK(file);
  std::vector<Piece> pieces;
  PaddedBuffer buffer;
  REQUIRE_OK(ReadInLinePieces(file->get(), "/s/f", begin, end, &buffer,
                           [&](uint64_t offset, const PaddedBuffer& piece) {
                             pieces.push_back({offset, std::string(piece.view())});
                             return absl::OkStatus();
                           })
              );
  return pieces;
}

// Lines of `size` bytes each, '\n' included, until `total` bytes.
std::string Lines(size_t size, size_t total) {
  std::string out;
  while (out.size() + size <= total) out += std::string(size - 1, 'x') + "\n";
  return out;
}

TEST_CASE("pieces cover the range in order, each ending just after a newline",
          "[segment]") {
  FaultFileSystem fs;
  const std::string bytes = Lines(1000, 3 * kLinePieceBytes) + "unterminated";
  const auto pieces = Pieces(bytes, 0, bytes.size(), &fs);
  REQUIRE(pieces.size() >= 3);
  std::string joined;
  for (size_t i = 0; i < pieces.size(); ++i) {
    CHECK(pieces[i].offset == joined.size());
    CHECK(pieces[i].bytes.size() <= kLinePieceBytes);
    if (i + 1 < pieces.size()) CHECK(pieces[i].bytes.back() == '\n');
    joined += pieces[i].bytes;
  }
  CHECK(joined == bytes);
  CHECK(pieces.back().bytes.ends_with("unterminated"));
  CHECK(fs.largest_read() <= kLinePieceBytes);
}

TEST_CASE("a line longer than a piece comes whole in one piece", "[segment]") {
  const std::string longest = std::string(2 * kLinePieceBytes + 7, 'y') + "\n";
  const std::string bytes = "a\n" + longest + "b\n";
  const auto pieces = Pieces(bytes, 0, bytes.size());
  std::string joined;
  bool whole = false;
  for (const Piece& p : pieces) {
    joined += p.bytes;
    whole |= p.bytes.find(longest) != std::string::npos;
  }
  CHECK(joined == bytes);
  CHECK(whole);
}

TEST_CASE("a range starting inside the file begins its first piece there",
          "[segment]") {
  const std::string bytes = "first\nsecond\nthird\n";
  const auto pieces = Pieces(bytes, 6, bytes.size());
  REQUIRE(pieces.size() == 1);
  CHECK(pieces[0].offset == 6);
  CHECK(pieces[0].bytes == "second\nthird\n");
  CHECK(Pieces(bytes, 6, 6).empty());
}

TEST_CASE("an error from the scan stops the reading and is returned",
          "[segment]") {
  FaultFileSystem fs;
  REQUIRE_OK(fs.CreateDir("/s"));
  REQUIRE_OK(fs.WriteRaw("/s/f", Lines(100, 3 * kLinePieceBytes)));
  auto file = fs.OpenReadableFile("/s/f");
  REQUIRE_OK(file);
  PaddedBuffer buffer;
  int calls = 0;
  absl::Status s = ReadInLinePieces(
      file->get(), "/s/f", 0, 3 * kLinePieceBytes - 100, &buffer,
      [&](uint64_t, const PaddedBuffer&) {
        ++calls;
        return absl::CancelledError("stop");
      });
  CHECK(absl::IsCancelled(s));
  CHECK(calls == 1);
}

TEST_CASE("a file shorter than the range is DataLoss", "[segment]") {
  FaultFileSystem fs;
  REQUIRE_OK(fs.CreateDir("/s"));
  REQUIRE_OK(fs.WriteRaw("/s/f", "abc\n"));
  auto file = fs.OpenReadableFile("/s/f");
  REQUIRE_OK(file);
  PaddedBuffer buffer;
  absl::Status s = ReadInLinePieces(
      file->get(), "/s/f", 0, 100, &buffer,
      [](uint64_t, const PaddedBuffer&) { return absl::OkStatus(); });
  CHECK(absl::IsDataLoss(s));
}

}  // namespace
}  // namespace dotlog
