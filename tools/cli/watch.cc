#include "cli/watch.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "cli/io.h"
#include "dotlog/change_feed.h"

namespace dotlog::cli {
namespace {

// Held while a line is written, so that a signal never cuts one.
std::mutex output_mu;

// Blocks SIGINT and SIGTERM in every thread and starts one that waits for
// them and ends the process with exit code 0.
void ExitOnSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::lock_guard<std::mutex> lock(output_mu);
    std::fflush(stdout);
    std::_Exit(0);
  }).detach();
}

absl::Status Print(const Change& change, const LineFormat& format) {
  std::string line;
  format(change, &line);
  std::lock_guard<std::mutex> lock(output_mu);
  return WriteStdout(line);
}

}  // namespace

absl::Status RunWatch(const std::string& dir, std::string_view prefix,
                      bool exact, bool initial, const LineFormat& format) {
  const auto matches = [prefix, exact](const Change& c) {
    return exact ? c.key == prefix : c.key.starts_with(prefix);
  };
  ExitOnSignals();
  ChangeFeed feed(dir);
  // Watch before reading the starting point: a change committed after it
  // wakes the loop below even if it lands before the first Wait.
  if (absl::Status s = feed.Watch(); !s.ok()) return s;
  FeedPosition position;
  if (initial) {
    absl::Status s = feed.Snapshot(
        prefix, std::chrono::system_clock::now(), &position,
        [&](const Change& c) {
          return matches(c) ? Print(c, format) : absl::OkStatus();
        });
    if (!s.ok()) return s;
  } else {
    auto end = feed.End();
    if (!end.ok()) return end.status();
    position = *end;
  }
  for (;;) {
    absl::Status s = feed.ReadAfter(&position, [&](const Change& c) {
      return matches(c) ? Print(c, format) : absl::OkStatus();
    });
    if (!s.ok()) return s;
    // Wakes on inotify events; the timeout only bounds a missed one.
    if (absl::Status w = feed.Wait(std::chrono::minutes(1)); !w.ok()) return w;
  }
}

}  // namespace dotlog::cli
