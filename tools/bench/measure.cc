#include "measure.h"

#include <fcntl.h>
#include <sys/file.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <latch>
#include <thread>

#include "absl/container/flat_hash_map.h"

namespace dotlog::bench {
namespace {

namespace fs = std::filesystem;

std::string FirstLineWith(const std::string& path, const std::string& prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

std::string AfterColon(const std::string& line) {
  const size_t colon = line.find(':');
  if (colon == std::string::npos) return line;
  size_t start = colon + 1;
  while (start < line.size() && line[start] == ' ') ++start;
  return line.substr(start);
}

// The type of the longest mount point in /proc/self/mounts containing
// `path`, e.g. "ext4"; empty if none matches.
std::string MountedType(const std::string& path) {
  std::error_code ec;
  const std::string real = fs::canonical(path, ec).string();
  std::ifstream in("/proc/self/mounts");
  std::string device, mount_point, type, rest, best_type;
  size_t best_length = 0;
  while (in >> device >> mount_point >> type && std::getline(in, rest)) {
    const bool inside = real.rfind(mount_point, 0) == 0 &&
                        (real.size() == mount_point.size() ||
                         mount_point == "/" || real[mount_point.size()] == '/');
    if (inside && mount_point.size() >= best_length) {
      best_length = mount_point.size();
      best_type = type;
    }
  }
  return best_type;
}

}  // namespace

double Median(std::vector<double> v) {
  if (v.empty()) return NAN;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  if (v.size() % 2 == 1) return v[mid];
  const double upper = v[mid];
  const double lower = *std::max_element(v.begin(), v.begin() + mid);
  return (lower + upper) / 2;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double rank = std::ceil(p / 100 * static_cast<double>(v.size()));
  const size_t index = static_cast<size_t>(std::max(rank, 1.0)) - 1;
  return v[std::min(index, v.size() - 1)];
}

double TimerOverheadNs() {
  constexpr int kCalls = 1000000;
  const auto start = BenchClock::now();
  BenchClock::time_point last;
  for (int i = 0; i < kCalls; ++i) last = BenchClock::now();
  return std::chrono::duration<double, std::nano>(last - start).count() /
         kCalls;
}

Resident ReadResident() {
  std::ifstream in("/proc/self/statm");
  uint64_t size = 0, resident = 0, shared = 0;
  in >> size >> resident >> shared;
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return {resident * page, shared * page};
}

uint64_t DiskBytes(const std::string& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    struct stat st;
    if (lstat(e.path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      bytes += static_cast<uint64_t>(st.st_blocks) * 512;
    }
  }
  return bytes;
}

std::vector<std::string> FilesWithPrefix(const std::string& dir,
                                         const std::string& prefix) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) {
      paths.push_back(e.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string FileSystemType(const std::string& path) {
  struct statfs st;
  if (statfs(path.c_str(), &st) != 0) return "unknown (statfs failed)";
  char magic[32];
  std::snprintf(magic, sizeof(magic), "statfs f_type 0x%llx",
                static_cast<unsigned long long>(st.f_type));
  const std::string mounted = MountedType(path);
  return (mounted.empty() ? "unknown" : mounted) + " (" + magic + ")";
}

bool IsTmpfs(const std::string& path) {
  struct statfs st;
  return statfs(path.c_str(), &st) == 0 &&
         (st.f_type == TMPFS_MAGIC || st.f_type == RAMFS_MAGIC);
}

void PrintMachineFacts(const std::string& dir) {
  struct utsname u;
  uname(&u);
  cpu_set_t set;
  const int usable = sched_getaffinity(0, sizeof(set), &set) == 0
                         ? CPU_COUNT(&set)
                         : static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  std::string load;
  std::getline(std::ifstream("/proc/loadavg") >> std::ws, load);
  std::printf("machine\n");
  std::printf("  nproc        %d\n", usable);
  std::printf("  cpu          %s\n",
              AfterColon(FirstLineWith("/proc/cpuinfo", "model name")).c_str());
  std::printf("  kernel       %s %s %s\n", u.sysname, u.release, u.machine);
  std::printf("  load avg     %s\n", load.c_str());
  std::printf("  dir          %s\n", dir.c_str());
  std::printf("  file system  %s\n", FileSystemType(dir).c_str());
}

GetFigures MeasureMapGets(const std::vector<Entry>& entries,
                          const std::vector<uint32_t>& indices) {
  absl::flat_hash_map<std::string, std::string> map;
  for (const Entry& e : entries) map[e.key] = e.value;
  GetFigures figures;
  TimeGets(
      entries, indices,
      [&map](std::string_view key, std::string* value) {
        auto it = map.find(absl::string_view(key.data(), key.size()));
        if (it == map.end()) return absl::NotFoundError("floor: no key");
        *value = it->second;
        return absl::OkStatus();
      },
      /*per_op=*/true, &figures)
      .IgnoreError();  // every key is there
  return figures;
}

double MeasureMapInsertMs(const std::vector<Entry>& entries) {
  const auto start = BenchClock::now();
  absl::flat_hash_map<std::string, std::string> map;
  for (const Entry& e : entries) map[e.key] = e.value;
  const double ns = NsSince(start);
  return map.size() == entries.size() ? ns / 1e6 : NAN;
}

AppendFigures MeasureAppends(const std::string& dir, int ops, bool sync,
                             bool locked) {
  const std::string path = dir + "/floor-append.tmp";
  const std::string lock_path = dir + "/floor-append.lock";
  const int fd =
      open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0600);
  if (fd < 0) return {NAN, NAN};
  const int lock_fd = locked ? open(lock_path.c_str(), O_CREAT | O_RDWR, 0600) : -1;
  if (locked && lock_fd < 0) {
    close(fd);
    unlink(path.c_str());
    return {NAN, NAN};
  }
  std::string record(199, 'x');
  record += '\n';
  std::vector<double> ns(static_cast<size_t>(ops));
  bool ok = true;
  const auto all = BenchClock::now();
  for (double& t : ns) {
    const auto start = BenchClock::now();
    if (locked) ok &= flock(lock_fd, LOCK_EX) == 0;
    ok &= write(fd, record.data(), record.size()) ==
          static_cast<ssize_t>(record.size());
    if (sync) ok &= fdatasync(fd) == 0;
    if (locked) ok &= flock(lock_fd, LOCK_UN) == 0;
    t = NsSince(start);
  }
  const double total_ns = NsSince(all);
  close(fd);
  unlink(path.c_str());
  if (locked) {
    close(lock_fd);
    unlink(lock_path.c_str());
  }
  if (!ok) return {NAN, NAN};
  return {ops / (total_ns / 1e9), Median(std::move(ns)) / 1e3};
}

double MeasureConcurrentSyncedAppends(const std::string& dir, int threads,
                                      int ops_per_thread) {
  const std::string path = dir + "/floor-append-mt.tmp";
  const int fd =
      open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0600);
  if (fd < 0) return NAN;
  std::string record(199, 'y');
  record += '\n';
  std::latch ready(threads + 1);
  std::atomic<bool> ok{true};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      ready.arrive_and_wait();
      for (int i = 0; i < ops_per_thread; ++i) {
        if (write(fd, record.data(), record.size()) !=
                static_cast<ssize_t>(record.size()) ||
            fdatasync(fd) != 0) {
          ok = false;
        }
      }
    });
  }
  ready.arrive_and_wait();
  const auto start = BenchClock::now();
  for (std::thread& t : pool) t.join();
  const double total_ns = NsSince(start);
  close(fd);
  unlink(path.c_str());
  return ok ? threads * ops_per_thread / (total_ns / 1e9) : NAN;
}

double MeasureReadFilesMs(const std::vector<std::string>& paths) {
  // The buffer is allocated and touched before the clock starts.
  size_t largest = 0;
  for (const std::string& path : paths) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return NAN;
    largest = std::max(largest, static_cast<size_t>(st.st_size));
  }
  std::vector<char> buffer(largest + 4096, 1);
  const auto start = BenchClock::now();
  for (const std::string& path : paths) {
    const int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0) return NAN;
    ssize_t n;
    while ((n = read(fd, buffer.data(), buffer.size())) > 0) {
    }
    close(fd);
    if (n < 0) return NAN;
  }
  return NsSince(start) / 1e6;
}

}  // namespace dotlog::bench
