// Black-box tests of `dotlog sync` against a real redis-server, which each
// test starts on a free loopback port and stops.
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "support/redis_server.h"

namespace dotlog::testing {
namespace {

// dotlog --dir DIR args..., as machine `machine` replicating through the
// server on `port`.
ProcessResult Sync(const std::string& dir, const std::string& machine,
                   int port, const std::vector<std::string>& args,
                   const EnvChanges& more = {}) {
  std::vector<std::string> argv = {BinPath("DOTLOG_BIN"), "--dir", dir};
  argv.insert(argv.end(), args.begin(), args.end());
  EnvChanges env = {{"DOTFILES_SETTINGS", std::nullopt},
                    {"XDG_CONFIG_HOME", dir + "-no-config"},
                    {"DOTLOG_REDIS_ENABLED", "true"},
                    {"DOTLOG_REDIS_PORT", std::to_string(port)},
                    {"DOTLOG_REDIS_PASSWORD", std::nullopt},
                    {"DOTLOG_MACHINE", machine}};
  env.insert(env.end(), more.begin(), more.end());
  return RunProcess(argv, "", env);
}

bool OneLine(const std::string& text) {
  return !text.empty() && text.find('\n') == text.size() - 1;
}

TEST_CASE("dotlog sync --once carries a shared change to another machine",
          "[cli][sync]") {
  Cli cli;
  RedisServer server;
  const std::string a = cli.Join("a"), b = cli.Join("b");
  REQUIRE(Sync(a, "a", server.port(),
               {"set", "state/colorscheme", R"({"layout":1,"name":"nord"})"})
              .exit_code == 0);
  REQUIRE(Sync(a, "a", server.port(),
               {"set", "state/health/bar", R"({"layout":1})"})
              .exit_code == 0);
  ProcessResult sent = Sync(a, "a", server.port(), {"sync", "--once"});
  INFO("stderr: " << sent.err);
  REQUIRE(sent.exit_code == 0);
  CHECK(Contains(sent.out, "sent 1,"));

  // b's watch follows from right after the live keys it prints first.
  REQUIRE(Sync(b, "b", server.port(), {"set", "state/user/x", "1"})
              .exit_code == 0);
  ToolProcess watch(
      {BinPath("DOTLOG_BIN"), "--dir", b, "watch", "--initial", "state/"});
  std::optional<std::string> own = watch.ReadLine();
  REQUIRE(own.has_value());
  CHECK(Contains(*own, "state/user/x"));
  REQUIRE(Sync(b, "b", server.port(), {"sync", "--once"}).exit_code == 0);
  CHECK(Sync(b, "b", server.port(), {"get", "state/colorscheme"}).out ==
        "{\"layout\":1,\"name\":\"nord\"}\n");
  CHECK(Sync(b, "b", server.port(), {"get", "state/health/bar"}).exit_code ==
        1);
  // `dotlog watch` on b shows a's change once it is applied.
  std::optional<std::string> line = watch.ReadLine();
  REQUIRE(line.has_value());
  CHECK(Contains(*line, "\"key\":\"state/colorscheme\""));

  ProcessResult status =
      Sync(b, "b", server.port(), {"sync", "--status", "--json"});
  INFO("stderr: " << status.err);
  REQUIRE(status.exit_code == 0);
  CHECK(Contains(status.out, "\"machine\":\"b\""));
  CHECK(Contains(status.out, "\"behind\":0"));
  CHECK(Contains(status.out, "\"needs_snapshot\":false"));
  CHECK(Contains(status.out, "\"peers\":{\"a\":{\"applied_seq\":"));
}

TEST_CASE("dotlog sync names an unreachable server in one line",
          "[cli][sync]") {
  Cli cli;
  const int port = FreeLoopbackPort();
  ProcessResult r = Sync(cli.dir(), "a", port, {"sync", "--once"});
  CHECK(r.exit_code == 3);
  CHECK(OneLine(r.err));
  CHECK(Contains(r.err, "dotlog: redis at 127.0.0.1:" + std::to_string(port) +
                            ": unreachable"));
}

TEST_CASE("dotlog sync says in one line that the password is wrong",
          "[cli][sync]") {
  Cli cli;
  RedisServer server({"--requirepass", "s3cret"});
  ProcessResult r = Sync(cli.dir(), "a", server.port(), {"sync", "--once"},
                         {{"DOTLOG_REDIS_PASSWORD", "wrong"}});
  CHECK(r.exit_code == 3);
  CHECK(OneLine(r.err));
  CHECK(Contains(r.err, "wrong password"));
}

TEST_CASE("dotlog sync refuses to run when replication is not configured",
          "[cli][sync]") {
  Cli cli;
  ProcessResult r = Sync(cli.dir(), "a", 1, {"sync", "--once"},
                         {{"DOTLOG_REDIS_ENABLED", "false"}});
  CHECK(r.exit_code == 2);
  CHECK(OneLine(r.err));
  CHECK(Contains(r.err, "replication is off"));
}

}  // namespace
}  // namespace dotlog::testing
