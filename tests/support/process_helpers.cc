#include "support/process_helpers.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace dotlog::testing {

CompactingProcess::CompactingProcess(const std::string& dir,
                                     const Options& options)
    : child_(ChildProcess::Start([&] {
        report_.CloseRead();
        stop_.CloseWrite();
        return CompactUntilStopped(dir, options);
      })),
      lines_(report_.read_fd()) {
  report_.CloseWrite();
  stop_.CloseRead();
  const std::optional<std::string> first = lines_.Next();
  INFO("compacting process: " << first.value_or("(died)"));
  REQUIRE(first == "ready");
}

uint64_t CompactingProcess::Stop() {
  stop_.CloseWrite();
  std::string last;
  while (std::optional<std::string> line = lines_.Next()) last = *line;
  const int status = child_.Wait();
  INFO("compacting process said: " << last);
  CHECK(ExitedWith(status, 0));
  constexpr std::string_view kCount = "compactions ";
  REQUIRE(last.starts_with(kCount));
  return std::strtoull(last.c_str() + kCount.size(), nullptr, 10);
}

int CompactingProcess::CompactUntilStopped(const std::string& dir,
                                           const Options& options) {
  auto store = Store::Open(dir, options);
  if (!store.ok()) {
    WriteAll(report_.write_fd(),
             "error opening: " + store.status().ToString() + "\n");
    return 2;
  }
  uint64_t done = 0;
  do {
    if (absl::Status s = (*store)->Compact(); !s.ok()) {
      WriteAll(report_.write_fd(), "error in compaction " +
                                       std::to_string(done + 1) + ": " +
                                       s.ToString() + "\n");
      return 3;
    }
    if (++done == 1 && !WriteAll(report_.write_fd(), "ready\n")) return 4;
  } while (!ReadyToRead(stop_.read_fd()));
  return WriteAll(report_.write_fd(),
                  "compactions " + std::to_string(done) + "\n")
             ? 0
             : 5;
}

std::string ContentsDiff(Store& store,
                         const std::map<std::string, std::string>& expected) {
  const std::map<std::string, std::string> actual = Contents(store);
  std::map<std::string, std::string> keys = actual;
  keys.insert(expected.begin(), expected.end());
  std::string diff;
  for (const auto& [key, unused] : keys) {
    const auto a = actual.find(key);
    const auto e = expected.find(key);
    const std::string has = a == actual.end() ? "(absent)" : a->second;
    const std::string wants = e == expected.end() ? "(absent)" : e->second;
    if (has != wants) {
      diff += key + ": the store has " + has + ", expected " + wants + "\n";
    }
  }
  return diff;
}

}  // namespace dotlog::testing
