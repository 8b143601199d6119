// Cleanup and backup of a store of N cached wallpapers: wall time and peak
// memory (getrusage of a child process that does only that), each beside a
// floor measured the same way in the same run: for cleanup, a stat of every
// wallpaper file (what finding missing files cannot avoid); for a backup, a
// copy of the store's segment files to one fsynced file (the bytes a backup
// must read and write). Prints figures and ratios; asserts none.
//
// Usage: lifecycle_bench [--count N] [--smoke]
//   --count  cached wallpapers (default 10000)
//   --smoke  200 wallpapers: shows that it runs
// The files live in a fresh directory under $TMPDIR (else /var/tmp),
// removed at the end.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dotlog/backup.h"
#include "dotlog/state/cleanup.h"
#include "dotlog/state/state_manager.h"
#include "measure.h"
#include "wallpaper_store.h"

namespace dotlog::bench {
namespace {

struct Figures {
  double seconds = 0;
  double peak_mib = 0;
  std::string note;  // what the child reported
};

// Runs `work` in a child process; its wall time (measured in the child) and
// the child's peak resident memory. `work` returns a note or exits on error.
Figures InChild(const std::function<std::string()>& work) {
  int fds[2];
  if (pipe(fds) != 0) CheckOrExit(absl::InternalError("pipe"), "pipe");
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const auto start = BenchClock::now();
    const std::string note = work();
    const std::string out =
        absl::StrCat(NsSince(start) / 1e9, " ", note);
    const ssize_t n = write(fds[1], out.data(), out.size());
    _exit(n == static_cast<ssize_t>(out.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string text;
  char buffer[512];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) > 0;) {
    text.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    CheckOrExit(absl::InternalError("child failed"), "measurement");
  }
  Figures f;
  f.seconds = std::atof(text.c_str());
  f.note = text.substr(text.find(' ') + 1);
  f.peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB
  return f;
}

void Print(const char* label, const Figures& f, const Figures* floor) {
  std::printf("  %-44s %9.3f s  peak %7.1f MiB", label, f.seconds, f.peak_mib);
  if (floor != nullptr) {
    std::printf("  time x%.1f", f.seconds / floor->seconds);
  }
  std::printf("  %s\n", f.note.c_str());
}

std::string CleanupNote(const CleanupReport& r) {
  return absl::StrCat("(removed ", r.removed(), ", compacted ",
                      r.compacted ? "yes" : "no", ", ", r.bytes_before,
                      " -> ", r.bytes_after, " bytes)");
}

Figures RunCleanup(const std::string& store_dir) {
  return InChild([&] {
    auto state = StateManager::Open(store_dir);
    CheckOrExit(state.status(), "open");
    auto report = CleanUp(**state);
    CheckOrExit(report.status(), "cleanup");
    return CleanupNote(*report);
  });
}

Figures StatFloor(const std::vector<Wallpaper>& walls) {
  return InChild([&] {
    size_t present = 0;
    for (const Wallpaper& w : walls) {
      struct stat st;
      if (stat(w.path.c_str(), &st) == 0) ++present;
    }
    return absl::StrCat("(", present, " files present)");
  });
}

Figures RunBackup(const std::string& store_dir, const std::string& out) {
  return InChild([&] {
    Options options;
    options.create_if_missing = false;
    auto store = Store::Open(store_dir, options);
    CheckOrExit(store.status(), "open");
    auto result = WriteBackup(**store, out);
    CheckOrExit(result.status(), "backup");
    return absl::StrCat("(", result->keys, " keys, ", result->bytes,
                        " bytes)");
  });
}

Figures CopyFloor(const std::string& store_dir, const std::string& out) {
  return InChild([&] {
    std::FILE* to = std::fopen(out.c_str(), "wb");
    uint64_t bytes = 0;
    std::vector<char> buffer(1 << 20);
    for (const std::string& path : FilesWithPrefix(store_dir, "segment")) {
      std::FILE* from = std::fopen(path.c_str(), "rb");
      for (size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), from)) > 0;) {
        bytes += std::fwrite(buffer.data(), 1, n, to);
      }
      std::fclose(from);
    }
    std::fflush(to);
    fsync(fileno(to));
    std::fclose(to);
    return absl::StrCat("(", bytes, " bytes)");
  });
}

}  // namespace
}  // namespace dotlog::bench

int main(int argc, char** argv) {
  using namespace dotlog::bench;
  int count = 10000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--smoke") {
      count = 200;
    } else if (arg == "--count" && i + 1 < argc) {
      count = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: lifecycle_bench [--count N] [--smoke]\n");
      return 2;
    }
  }
  const std::string work = MakeWorkDir("lifecycle_bench");
  PrintMachineFacts(work);
  const std::string store_dir = work + "/store";
  const std::vector<Wallpaper> walls = MakeWallpapers(work, count);
  CacheAll(store_dir, walls);

  std::printf("A store of %d cached wallpapers (%.1f MiB on disk):\n", count,
              static_cast<double>(DiskBytes(store_dir)) / (1 << 20));
  const Figures idle = InChild([] { return std::string("(does nothing)"); });
  Print("a child process that does nothing", idle, nullptr);
  const Figures copy = CopyFloor(store_dir, work + "/copy");
  Print("floor: copy the segments, fsync", copy, nullptr);
  Print("backup (WriteBackup)", RunBackup(store_dir, work + "/backups"),
        &copy);
  const Figures stats = StatFloor(walls);
  Print("floor: stat every wallpaper", stats, nullptr);
  Print("cleanup, nothing to remove", RunCleanup(store_dir), &stats);
  for (size_t i = 0; i < walls.size(); i += 2) {
    std::filesystem::remove(walls[i].path);
  }
  Print("cleanup, half the files gone", RunCleanup(store_dir), &stats);
  std::filesystem::remove_all(work);
  return 0;
}
