#include "support/segment_files.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "format/line_decoder.h"
#include "store/segment.h"
#include "support/temp_dir.h"

namespace dotlog::testing {

SegmentFiles CheckSegmentFiles(const std::string& dir) {
  SegmentFiles result;
  std::vector<uint64_t> numbers;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (auto n = ParseSegmentFileName(name)) {
      numbers.push_back(*n);
    } else if (name.ends_with(".compacting")) {
      ++result.leftovers;  // a compaction's output, not yet published
    }
  }
  std::sort(numbers.begin(), numbers.end());
  LineDecoder decoder;
  DecodedLine decoded;
  PaddedBuffer line;
  std::map<uint64_t, std::string> files;
  size_t first = 0;  // index in `numbers` of the first file readers use
  for (size_t i = 0; i < numbers.size(); ++i) {
    const std::string path = dir + "/" + SegmentFileName(numbers[i]);
    files[numbers[i]] = ReadFileBytes(path);
    const std::string& bytes = files[numbers[i]];
    const size_t nl = bytes.find('\n');
    if (nl == std::string::npos) continue;
    line.Assign(std::string_view(bytes).substr(0, nl));
    if (decoder.Decode(line.view(), line.readable(), &decoded).ok() &&
        decoded.is_header && decoded.base) {
      first = i;
      result.base = numbers[i];
    }
  }
  result.segments = numbers.size() - first;
  result.leftovers += first;
  uint64_t last_seq = 0;
  for (size_t i = first; i < numbers.size(); ++i) {
    const bool newest = i + 1 == numbers.size();
    const std::string path = dir + "/" + SegmentFileName(numbers[i]);
    const std::string& bytes = files[numbers[i]];
    if (bytes.empty() && !newest) {
      result.problem = path + " is empty but is not the newest segment";
      return result;
    }
    bool base = false;
    bool sealed = false;
    size_t pos = 0;
    for (uint64_t line_number = 1; pos < bytes.size(); ++line_number) {
      const size_t nl = bytes.find('\n', pos);
      const std::string where =
          path + ":" + std::to_string(line_number) + " (" +
          bytes.substr(pos, std::min<size_t>(nl - pos, 120)) + "...): ";
      if (nl == std::string::npos) {
        result.tail_bytes = bytes.size() - pos;
        if (!newest)
          result.problem = where + "sealed segment ends without '\\n'";
        break;
      }
      line.Assign(std::string_view(bytes).substr(pos, nl - pos));
      if (absl::Status s =
              decoder.Decode(line.view(), line.readable(), &decoded);
          !s.ok()) {
        result.problem = where + s.ToString();
        return result;
      }
      if (decoded.is_header != (line_number == 1) ||
          (decoded.is_header && decoded.segment != numbers[i])) {
        result.problem = where + "header out of place";
        return result;
      }
      if (sealed) {
        result.problem = where + "line after the seal line";
        return result;
      }
      if (decoded.is_header) {
        base = decoded.base;
      } else if (decoded.is_seal) {
        sealed = true;
      } else {
        if (decoded.seq < last_seq || (decoded.seq == last_seq && !base)) {
          result.problem = where + "sequence number " +
                           std::to_string(decoded.seq) + " after " +
                           std::to_string(last_seq);
          return result;
        }
        last_seq = decoded.seq;
        ++result.records;
      }
      pos = nl + 1;
    }
  }
  return result;
}

}  // namespace dotlog::testing
