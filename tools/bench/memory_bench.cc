// Peak memory of the processes that read a whole store of N cached
// wallpapers: `dotlog wallpaper check` (the first one after caching runs
// the cleanup that is then due) and `ls`, `dotlog-dump`, `dotlog
// watch --initial` and `dotlog compact`, each beside the sqlite3 command
// line doing the same on a database of the same entries, and beside the
// start-up floor of each (`--version` of each tool, sqlite3 on an empty
// database), all measured in the same run. Peak resident memory is the child's
// ru_maxrss (wait4); for `watch`, which runs until stopped, its VmHWM once
// it printed every entry. Prints figures and ratios; asserts none.
//
// Usage: memory_bench [--dotlog PATH] [--dump PATH] [--count N] [--smoke]
//   --dotlog  the dotlog binary (default: ../dotlog beside this program)
//   --dump    dotlog-dump (default: ../dotlog-dump beside this program)
//   --count   cached wallpapers (default 10000)
//   --smoke   200 wallpapers: shows that it runs
// The files live in a fresh directory under $TMPDIR (else /var/tmp),
// removed at the end.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dotlog/store.h"
#include "state_bench_process.h"
#include "wallpaper_store.h"

namespace dotlog::bench {
namespace {

// Starts `argv` with its standard output on `out_fd` (and standard error
// on /dev/null); returns its pid.
pid_t Spawn(const std::vector<std::string>& argv, int out_fd) {
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Peak resident memory of `argv` run to its end, in MB (10^6 bytes); exits
// with 1 if it fails.
double PeakMb(const std::vector<std::string>& argv) {
  const int null = open("/dev/null", O_WRONLY);
  const pid_t pid = Spawn(argv, null);
  close(null);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
    CheckOrExit(absl::InternalError(absl::StrCat("exit status ", status)),
                argv[0] + " " + argv[1]);
  }
  return static_cast<double>(usage.ru_maxrss) * 1024 / 1e6;  // KiB
}

// The VmHWM of process `pid` in MB, or -1.
double HighWaterMb(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) * 1024 / 1e6;
  }
  return -1;
}

// Peak memory of `argv`, a process that runs until stopped, once it has
// printed `lines` lines; then stops it.
double PeakMbAfterLines(const std::vector<std::string>& argv, size_t lines) {
  int fds[2];
  if (pipe(fds) != 0) CheckOrExit(absl::InternalError("pipe"), "pipe");
  const pid_t pid = Spawn(argv, fds[1]);
  close(fds[1]);
  size_t seen = 0;
  char buffer[1 << 16];
  while (seen < lines) {
    const ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) seen += buffer[i] == '\n';
  }
  const double peak = HighWaterMb(pid);
  kill(pid, SIGTERM);
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  if (seen < lines) {
    CheckOrExit(absl::InternalError(absl::StrCat("printed ", seen, " of ",
                                                 lines, " lines")),
                argv[0]);
  }
  return peak;
}

void PrintRow(const char* label, double mb, double floor, const double* peer) {
  std::printf("  %-44s peak %6.1f MB  above start-up %6.1f MB", label, mb,
              mb - floor);
  if (peer != nullptr) std::printf("  /sqlite3 = %.2f", mb / *peer);
  std::printf("  %s\n", mb < 10 ? "(under 10 MB)" : "(10 MB or more)");
}

// Runs `work` in a child process and waits for it; exits with 1 if it
// fails. The big allocations of building a store happen there, so that
// this process stays small: a process it starts counts, until it execs,
// this process's pages as its own in ru_maxrss.
void InChild(const std::function<bool()>& work, const char* what) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) _exit(work() ? 0 : 1);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    CheckOrExit(absl::InternalError("failed"), what);
  }
}

int Run(const std::string& dotlog, const std::string& dump, int count) {
  const std::string work = MakeWorkDir("memory_bench");
  const std::string store = work + "/store";
  const std::string db = work + "/kv.sqlite";
  const std::string probe_file = work + "/probe";
  // The wallpaper and the key a single check reads, from the middle.
  InChild(
      [&] {
        const auto walls = MakeWallpapers(work + "/walls", count);
        const auto rows = CacheAll(store, walls);
        std::ofstream probe(probe_file);
        probe << walls[walls.size() / 2].path << "\n"
              << rows[rows.size() / 2].first << "\n";
        return MakeDatabase(db, work + "/kv.sql", rows) && probe.good();
      },
      "making the store and the database");
  std::string probe_path, probe_key;
  {
    std::ifstream probe(probe_file);
    std::getline(probe, probe_path);
    std::getline(probe, probe_key);
  }
  std::printf("memory_bench: %d cached wallpapers, store %s\n", count,
              store.c_str());
  const std::vector<std::string> dl = {dotlog, "--dir", store};
  auto with = [](std::vector<std::string> a, std::vector<std::string> more) {
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  const double dotlog_floor = PeakMb({dotlog, "--version"});
  const double dump_floor = PeakMb({dump, "--version"});
  const double sqlite_floor = PeakMb({"sqlite3", ":memory:", "select 1"});
  std::printf("  %-44s peak %6.1f MB\n", "start-up: dotlog --version",
              dotlog_floor);
  std::printf("  %-44s peak %6.1f MB\n", "start-up: dotlog-dump --version",
              dump_floor);
  std::printf("  %-44s peak %6.1f MB\n", "start-up: sqlite3 :memory:",
              sqlite_floor);

  const double check =
      PeakMb(with(dl, {"wallpaper", "check", probe_path}));
  const double sqlite_get = PeakMb(
      {"sqlite3", db,
       absl::StrCat("select value from kv where key='", probe_key, "'")});
  PrintRow("dotlog wallpaper check, first (cleanup due)", check, dotlog_floor,
           &sqlite_get);
  PrintRow("dotlog wallpaper check, later",
           PeakMb(with(dl, {"wallpaper", "check", probe_path})), dotlog_floor,
           &sqlite_get);
  PrintRow("dotlog wallpaper ls", PeakMb(with(dl, {"wallpaper", "ls"})),
           dotlog_floor, nullptr);
  const double sqlite_all = PeakMb({"sqlite3", db, "select key, value from kv"});
  PrintRow("sqlite3 select every row", sqlite_all, sqlite_floor, nullptr);
  PrintRow("dotlog-dump (json)", PeakMb({dump, "--dir", store}), dump_floor,
           &sqlite_all);
  PrintRow("dotlog-dump --format jsonl",
           PeakMb({dump, "--dir", store, "--format", "jsonl"}), dump_floor,
           &sqlite_all);
  PrintRow("dotlog watch --initial",
           PeakMbAfterLines(with(dl, {"watch", "--initial"}),
                            static_cast<size_t>(count)),
           dotlog_floor, &sqlite_all);

  // Every entry written again: half the store is dead.
  InChild(
      [&] {
        Options options;
        options.sync = SyncMode::kNone;
        options.auto_compact = false;
        auto s = Store::Open(store, options);
        CheckOrExit(s.status(), "open " + store);
        auto items = (*s)->List("");
        CheckOrExit(items.status(), "list " + store);
        for (const Item& item : *items) {
          CheckOrExit((*s)->Put(item.key, item.value), "put");
        }
        return true;
      },
      "writing every entry again");
  const double sqlite_vacuum = PeakMb({"sqlite3", db, "vacuum"});
  PrintRow("sqlite3 vacuum", sqlite_vacuum, sqlite_floor, nullptr);
  PrintRow("dotlog compact (half the store dead)",
           PeakMb(with(dl, {"compact"})), dotlog_floor, &sqlite_vacuum);
  if (std::getenv("MEMORY_BENCH_KEEP") == nullptr) std::filesystem::remove_all(work);
  return 0;
}

}  // namespace
}  // namespace dotlog::bench

int main(int argc, char** argv) {
  const std::string self = std::filesystem::path(argv[0]).parent_path();
  std::string dotlog = self + "/../dotlog";
  std::string dump = self + "/../dotlog-dump";
  int count = 10000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dotlog" && i + 1 < argc) {
      dotlog = argv[++i];
    } else if (arg == "--dump" && i + 1 < argc) {
      dump = argv[++i];
    } else if (arg == "--count" && i + 1 < argc) {
      count = std::atoi(argv[++i]);
    } else if (arg == "--smoke") {
      count = 200;
    } else {
      std::fprintf(stderr,
                   "usage: memory_bench [--dotlog PATH] [--dump PATH] "
                   "[--count N] [--smoke]\n");
      return 2;
    }
  }
  return dotlog::bench::Run(dotlog, dump, count);
}
