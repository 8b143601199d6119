#include "index_probe.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>

#include "dotlog/store.h"
#include "measure.h"

namespace dotlog::bench {

int RunIndexProbeChild(const std::string& dir) {
  const Resident before = ReadResident();
  Options options;
  options.create_if_missing = false;
  auto store = Store::Open(dir, options);
  const Resident after = ReadResident();
  if (!store.ok()) {
    std::fprintf(stderr, "dotlog_bench: %s\n",
                 std::string(store.status().message()).c_str());
    return 1;
  }
  auto stats = (*store)->GetStats();
  if (!stats.ok()) return 1;
  std::printf("%" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
              static_cast<int64_t>(after.anonymous() - before.anonymous()),
              static_cast<int64_t>(after.file_backed) -
                  static_cast<int64_t>(before.file_backed),
              stats->live_keys, stats->snapshot_keys, stats->index_bytes);
  return 0;
}

absl::StatusOr<IndexMemory> ProbeIndexMemory(const std::string& dir) {
  int fds[2];
  if (pipe(fds) != 0) return absl::InternalError("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl("/proc/self/exe", "dotlog_bench", "--index-memory", dir.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
    out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  IndexMemory m;
  long long anon = 0, file = 0;
  unsigned long long live = 0, snap = 0, index_bytes = 0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      std::sscanf(out.c_str(), "%lld %lld %llu %llu %llu", &anon, &file, &live,
                  &snap, &index_bytes) != 5) {
    return absl::InternalError("index memory probe of " + dir + " failed");
  }
  m.anonymous_bytes = anon;
  m.file_bytes = file;
  m.live_keys = live;
  m.snapshot_keys = snap;
  m.index_bytes = index_bytes;
  return m;
}

}  // namespace dotlog::bench
