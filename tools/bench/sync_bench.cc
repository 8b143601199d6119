// sync_bench: replication between two stores through Redis, beside Redis's
// own round trip, all measured in one run against a redis-server it starts
// on a free loopback port (and stops).
//
//   sync_bench --dotlog build/tools/dotlog [--samples 200] [--entries 20000]
//
// Prints: the hiredis PING round trip and whole-process `redis-cli PING`
// (median, p99); the replication lag from a commit on store A to its
// visibility in store B's log with a `dotlog sync` process per store
// (median, p99); and how many remote changes per second one sync round
// applies. Figures only: nothing here is asserted.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "dotlog/change_feed.h"
#include "dotlog/store.h"
#include "dotlog/sync/redis_client.h"
#include "dotlog/sync/replica.h"
#include "dotlog/sync/sync_round.h"

namespace dotlog {
namespace {

using Steady = std::chrono::steady_clock;

double Ms(Steady::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

struct Figures {
  double median = 0, p99 = 0;
};
Figures Summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return {};
  return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 99 / 100)]};
}

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "sync_bench: %s\n", why.c_str());
  std::exit(1);
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Die("no free loopback port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// Starts argv with stdout/stderr to a pipe when `ready` is non-empty, and
// returns once a line containing it was written.
pid_t Spawn(std::vector<std::string> argv, const std::string& ready) {
  int out[2];
  if (pipe(out) != 0) Die("pipe");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    if (!ready.empty()) dup2(out[1], STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  std::string seen;
  char buffer[4096];
  while (!ready.empty() && seen.find(ready) == std::string::npos) {
    const ssize_t n = read(out[0], buffer, sizeof(buffer));
    if (n <= 0) Die(argv[0] + " did not start: " + seen);
    seen.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  return pid;
}

void Stop(pid_t pid) {
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
}

std::unique_ptr<RedisClient> Connect(int port) {
  auto client = RedisClient::Connect({.port = port});
  if (!client.ok()) Die(std::string(client.status().message()));
  return *std::move(client);
}

}  // namespace
}  // namespace dotlog

int main(int argc, char** argv) {
  using namespace dotlog;
  std::string dotlog_bin = "dotlog";
  int samples = 200;
  int entries = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--dotlog") dotlog_bin = argv[i + 1];
    if (flag == "--samples") samples = std::atoi(argv[i + 1]);
    if (flag == "--entries") entries = std::atoi(argv[i + 1]);
  }
  char tmpl[] = "/tmp/sync_bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) Die("mkdtemp");
  const std::string tmp = tmpl;
  const int port = FreePort();
  const pid_t redis = Spawn(
      {"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1",
       "--dir", tmp, "--save", "", "--daemonize", "no"},
      "Ready to accept connections");

  // Redis itself: hiredis PING, and a whole redis-cli process.
  auto client = Connect(port);
  std::vector<double> ping;
  for (int i = 0; i < 2000; ++i) {
    const auto t0 = Steady::now();
    if (!client->Info("none").ok()) Die("XINFO failed");
    ping.push_back(Ms(Steady::now() - t0));
  }
  std::vector<double> cli;
  for (int i = 0; i < 50; ++i) {
    const auto t0 = Steady::now();
    const pid_t p = Spawn({"redis-cli", "-p", std::to_string(port), "PING"}, "");
    waitpid(p, nullptr, 0);
    cli.push_back(Ms(Steady::now() - t0));
  }

  // Lag: a commit on A until B's log holds it, one `dotlog sync` each.
  const std::string a = tmp + "/a", b = tmp + "/b";
  auto store_a = Store::Open(a, {});
  auto store_b = Store::Open(b, {});
  if (!store_a.ok() || !store_b.ok()) Die("cannot open the stores");
  setenv("DOTLOG_REDIS_ENABLED", "true", 1);
  setenv("DOTLOG_REDIS_PORT", std::to_string(port).c_str(), 1);
  setenv("XDG_CONFIG_HOME", (tmp + "/config").c_str(), 1);
  unsetenv("DOTFILES_SETTINGS");
  setenv("DOTLOG_MACHINE", "a", 1);
  const pid_t sync_a = Spawn({dotlog_bin, "--dir", a, "sync"}, "connected");
  setenv("DOTLOG_MACHINE", "b", 1);
  const pid_t sync_b = Spawn({dotlog_bin, "--dir", b, "sync"}, "connected");
  ChangeFeed feed(b);
  if (!feed.Watch().ok()) Die("watch");
  FeedPosition position = *feed.End();
  std::vector<double> lag;
  for (int i = 0; i < samples; ++i) {
    const std::string key = "state/wallpaper/favourite/" + std::to_string(i);
    const auto t0 = Steady::now();
    if (!(*store_a)->Put(key, std::to_string(i)).ok()) Die("put");
    bool seen = false;
    while (!seen) {
      auto changes = feed.ReadAfter(&position);
      if (!changes.ok()) Die("feed");
      for (const Change& c : *changes) seen |= c.key == key;
      if (!seen && !feed.Wait(std::chrono::seconds(1)).ok()) Die("wait");
    }
    lag.push_back(Ms(Steady::now() - t0));
  }
  Stop(sync_a);
  Stop(sync_b);

  // Apply rate: `entries` remote changes, applied by one sync round.
  const std::string stream = "bench:apply";
  for (int i = 0; i < entries; ++i) {
    StreamEntry e{.machine = "x",
                  .seq = static_cast<uint64_t>(i + 1),
                  .hlc = static_cast<Hlc>(i + 1),
                  .changes = {{.item = "state/wallpaper/favourite/" +
                                       std::to_string(i),
                               .value = "{\"layout\":1}"}}};
    if (!client->Append(stream, EncodeEntry(e), 0).ok()) Die("XADD");
  }
  auto store_c = Store::Open(tmp + "/c", {});
  auto replica = Replica::Open(store_c->get(), tmp + "/c",
                               {.machine = "c",
                                .shared = {"state/wallpaper/favourite/"}});
  if (!replica.ok()) Die("replica");
  const auto t0 = Steady::now();
  auto round = RunSyncRound(**replica, *client, {.stream = stream});
  const double seconds = Ms(Steady::now() - t0) / 1000;
  if (!round.ok() || round->applied != static_cast<size_t>(entries)) {
    Die("the apply round failed");
  }
  client.reset();
  Stop(redis);
  std::filesystem::remove_all(tmp);

  const Figures p = Summarise(ping), c = Summarise(cli), l = Summarise(lag);
  std::printf("%-44s %10s %10s\n", "measure (loopback)", "median", "p99");
  std::printf("%-44s %8.3fms %8.3fms\n", "redis round trip (hiredis, XINFO)",
              p.median, p.p99);
  std::printf("%-44s %8.3fms %8.3fms\n", "redis-cli PING (whole process)",
              c.median, c.p99);
  std::printf("%-44s %8.3fms %8.3fms\n",
              "lag: commit on A -> in B's log (dotlog sync)", l.median, l.p99);
  std::printf("lag / redis round trip: %.0fx median; lag / redis-cli: %.1fx\n",
              l.median / p.median, l.median / c.median);
  std::printf("apply: %d remote changes in %.3fs = %.0f changes/s, "
              "%.3fms each = %.2fx a redis round trip\n",
              entries, seconds, entries / seconds, seconds * 1000 / entries,
              seconds * 1000 / entries / p.median);
  return 0;
}
