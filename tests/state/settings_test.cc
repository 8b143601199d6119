#include "dotlog/state/settings.h"

#include <sys/stat.h>

#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::TempDir;
using testing::Value;
using testing::WriteFileBytes;

// An environment of its own, so that the machine's variables do not leak
// into a test.
struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::function<const char*(const char*)> Getenv() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

struct Fixture {
  TempDir dir;
  FakeEnv env;
  Fixture() { env.vars["HOME"] = dir.path(); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir.Join(name);
    WriteFileBytes(path, text);
    return path;
  }
  absl::StatusOr<LoadedSettings> Load(
      std::vector<std::string> files = {},
      std::vector<std::pair<std::string, std::string>> overrides = {}) {
    return LoadSettings({.files = std::move(files),
                         .overrides = std::move(overrides),
                         .getenv = env.Getenv()});
  }
  // The message of Load(files, overrides), which must fail with
  // InvalidArgument.
  std::string Refusal(
      std::vector<std::string> files = {},
      std::vector<std::pair<std::string, std::string>> overrides = {}) {
    absl::StatusOr<LoadedSettings> loaded =
        Load(std::move(files), std::move(overrides));
    REQUIRE(absl::IsInvalidArgument(loaded.status()));
    return std::string(loaded.status().message());
  }
};

const SettingValue& ValueOf(const LoadedSettings& loaded,
                            const std::string& name) {
  for (const SettingValue& v : loaded.values) {
    if (v.name == name) return v;
  }
  FAIL("no setting " << name);
  return loaded.values.front();
}

TEST_CASE("without a settings file every setting is its default",
          "[settings]") {
  Fixture f;
  LoadedSettings loaded = Value(f.Load());
  const Settings defaults;
  CHECK(loaded.settings.wallpaper_cache_ttl_days ==
        defaults.wallpaper_cache_ttl_days);
  CHECK(loaded.settings.backend == "file");
  CHECK(loaded.warnings.empty());
  for (const SettingValue& v : loaded.values) {
    CHECK(v.origin == "default");
  }
  CHECK(ValueOf(loaded, "cache.wallpaper_cache_ttl_days").value == "30");
  CHECK(ValueOf(loaded, "backend").value == "\"file\"");
}

TEST_CASE("a file's values win over the defaults and name their line",
          "[settings]") {
  Fixture f;
  const std::string path = f.Write("settings.toml",
                                   "[other]\nx = 1\n"
                                   "[state_management]\n"
                                   "recent_limit = 20\n"
                                   "[state_management.cache]\n"
                                   "wallpaper_cache_ttl_days = 7\n");
  LoadedSettings loaded = Value(f.Load({path}));
  CHECK(loaded.settings.recent_limit == 20);
  CHECK(loaded.settings.wallpaper_cache_ttl_days == 7);
  CHECK(ValueOf(loaded, "recent_limit").origin == path + ":4:16");
  CHECK(ValueOf(loaded, "cache.wallpaper_cache_ttl_days").origin ==
        path + ":6:28");
  CHECK(ValueOf(loaded, "event_max_count").origin == "default");
}

TEST_CASE("later files win over earlier ones, the environment over files, "
          "the command line over all",
          "[settings]") {
  Fixture f;
  const std::string defaults = f.Write(
      "defaults.toml",
      "[state_management]\nrecent_limit = 10\nevent_max_count = 5\n"
      "sync = \"none\"\nlock_timeout_ms = 100\n");
  const std::string user = f.Write(
      "user.toml", "[state_management]\nrecent_limit = 11\nsync = \"always\"\n");
  f.env.vars["DOTLOG_SYNC"] = "none";
  f.env.vars["DOTLOG_LOCK_TIMEOUT_MS"] = "200";
  LoadedSettings loaded =
      Value(f.Load({defaults, user}, {{"lock_timeout_ms", "300"}}));
  CHECK(loaded.settings.event_max_count == 5);
  CHECK(ValueOf(loaded, "event_max_count").origin == defaults + ":3:19");
  CHECK(loaded.settings.recent_limit == 11);
  CHECK(ValueOf(loaded, "recent_limit").origin == user + ":2:16");
  CHECK(loaded.settings.sync == "none");
  CHECK(ValueOf(loaded, "sync").origin == "env DOTLOG_SYNC");
  CHECK(loaded.settings.lock_timeout_ms == 300);
  CHECK(ValueOf(loaded, "lock_timeout_ms").origin == "command line");
}

TEST_CASE("DOTFILES_SETTINGS lists the files when none is given",
          "[settings]") {
  Fixture f;
  const std::string a =
      f.Write("a.toml", "[state_management]\nrecent_limit = 3\n");
  const std::string b =
      f.Write("b.toml", "[state_management]\nevent_max_count = 4\n");
  f.env.vars["DOTFILES_SETTINGS"] = a + "::" + b;
  LoadedSettings loaded = Value(f.Load());
  CHECK(loaded.settings.recent_limit == 3);
  CHECK(loaded.settings.event_max_count == 4);
}

TEST_CASE("the user's settings.toml under XDG_CONFIG_HOME is read when it "
          "exists",
          "[settings]") {
  Fixture f;
  REQUIRE(mkdir(f.dir.Join("config").c_str(), 0700) == 0);
  REQUIRE(mkdir(f.dir.Join("config/dotfiles").c_str(), 0700) == 0);
  f.Write("config/dotfiles/settings.toml",
          "[state_management]\nrecent_limit = 9\n");
  f.env.vars["XDG_CONFIG_HOME"] = f.dir.Join("config");
  CHECK(Value(f.Load()).settings.recent_limit == 9);
}

TEST_CASE("a settings file that was named but is missing is NotFound",
          "[settings]") {
  Fixture f;
  absl::StatusOr<LoadedSettings> loaded = f.Load({f.dir.Join("nope.toml")});
  REQUIRE(absl::IsNotFound(loaded.status()));
  CHECK_THAT(std::string(loaded.status().message()),
             Catch::Contains("nope.toml"));
}

TEST_CASE("malformed TOML is an error naming file, line and column",
          "[settings]") {
  Fixture f;
  const std::string path =
      f.Write("bad.toml", "[state_management]\nrecent_limit = = 3\n");
  CHECK_THAT(f.Refusal({path}), Catch::StartsWith(path + ":2:"));
}

TEST_CASE("a value of the wrong type names the key and what was expected",
          "[settings]") {
  Fixture f;
  const std::string path = f.Write(
      "s.toml", "[state_management.cache]\nwallpaper_cache_ttl_days = \"30\"\n");
  CHECK(f.Refusal({path}) ==
        path +
            ":2:28: state_management.cache.wallpaper_cache_ttl_days: "
            "expected an integer from 1 to 36500, got a string");
}

TEST_CASE("out-of-range numbers and unknown choices are refused",
          "[settings]") {
  Fixture f;
  const std::string zero =
      f.Write("zero.toml", "[state_management]\nrecent_limit = 0\n");
  CHECK_THAT(f.Refusal({zero}),
             Catch::Contains("recent_limit: 0 is not an integer from 1"));

  const std::string redis =
      f.Write("b.toml", "[state_management]\nbackend = \"redis\"\n");
  CHECK_THAT(f.Refusal({redis}),
             Catch::Contains("\"redis\" is not one of \"file\", \"hybrid\""));

  f.env.vars["DOTLOG_SYNC"] = "sometimes";
  CHECK(f.Refusal() ==
        "env DOTLOG_SYNC: state_management.sync: \"sometimes\" is not one of "
        "\"always\", \"none\"");
}

TEST_CASE("a db_path ending in .db is refused with a pointer to import",
          "[settings]") {
  Fixture f;
  const std::string path = f.Write(
      "s.toml", "[state_management]\ndb_path = \"~/.local/share/state.db\"\n");
  CHECK_THAT(f.Refusal({path}),
             Catch::Contains("a dotlog store is a directory") &&
                 Catch::Contains("dotlog import") &&
                 Catch::StartsWith(path + ":2:11: state_management.db_path"));
}

TEST_CASE("db_path is state_dir; ~ and $HOME are expanded; a relative path "
          "is relative to its file",
          "[settings]") {
  Fixture f;
  const std::string a =
      f.Write("a.toml", "[state_management]\ndb_path = \"~/store\"\n");
  LoadedSettings loaded = Value(f.Load({a}));
  CHECK(loaded.settings.state_dir == f.dir.path() + "/store");
  CHECK(ValueOf(loaded, "state_dir").origin == a + ":2:11");

  const std::string b =
      f.Write("b.toml", "[state_management]\nstate_dir = \"$HOME/s2\"\n");
  CHECK(Value(f.Load({b})).settings.state_dir == f.dir.path() + "/s2");

  const std::string c =
      f.Write("c.toml", "[state_management]\nstate_dir = \"rel/dir\"\n");
  CHECK(Value(f.Load({c})).settings.state_dir == f.dir.path() + "/rel/dir");

  f.env.vars.erase("HOME");
  absl::StatusOr<LoadedSettings> no_home = f.Load({a});
  CHECK(absl::IsInvalidArgument(no_home.status()));
}

TEST_CASE("an unknown key is a warning that suggests the closest known key",
          "[settings]") {
  Fixture f;
  const std::string path = f.Write(
      "s.toml", "[state_management]\nrecent_limt = 5\nzzzzzzzz = 1\n");
  LoadedSettings loaded = Value(f.Load({path}));
  REQUIRE(loaded.warnings.size() == 2);
  CHECK(loaded.warnings[0] ==
        path + ":2:15: unknown setting state_management.recent_limt, ignored "
               "(did you mean state_management.recent_limit?)");
  CHECK(loaded.warnings[1] ==
        path + ":3:12: unknown setting state_management.zzzzzzzz, ignored");
  CHECK(loaded.settings.recent_limit == 50);
}

TEST_CASE("an unknown setting on the command line is an error with a guess",
          "[settings]") {
  Fixture f;
  CHECK(f.Refusal({}, {{"recnt_limit", "3"}}) ==
        "unknown setting \"recnt_limit\" (did you mean recent_limit?)");
}

TEST_CASE("history rules are read from [[state_management.history]]",
          "[settings]") {
  Fixture f;
  const std::string path = f.Write(
      "s.toml",
      "[[state_management.history]]\nprefix = \"wallpaper/current/\"\n"
      "keep_versions = 10\nkeep_days = 30\n"
      "[[state_management.history]]\nprefix = \"theme/\"\n");
  LoadedSettings loaded = Value(f.Load({path}));
  REQUIRE(loaded.settings.history.size() == 2);
  CHECK(loaded.settings.history[0].prefix == "wallpaper/current/");
  CHECK(loaded.settings.history[0].keep_versions == 10);
  CHECK(loaded.settings.history[0].keep_for == std::chrono::hours(24 * 30));
  CHECK(loaded.settings.history[1].keep_versions == 0);
  CHECK(ValueOf(loaded, "history").value ==
        "[{\"prefix\":\"wallpaper/current/\",\"keep_versions\":10,"
        "\"keep_days\":30},{\"prefix\":\"theme/\",\"keep_versions\":0,"
        "\"keep_days\":0}]");

  const std::string bad = f.Write(
      "bad.toml", "[[state_management.history]]\nprefix = \"a/\"\nkeep = 3\n");
  CHECK_THAT(f.Refusal({bad}), Catch::Contains("unknown field \"keep\""));
}

TEST_CASE("settings become the state layer's and the store's options",
          "[settings]") {
  Settings settings;
  settings.wallpaper_cache_ttl_days = 2;
  settings.recent_limit = 7;
  settings.event_max_count = 8;
  settings.event_max_age_days = 3;
  settings.sync = "none";
  settings.lock_timeout_ms = 250;
  settings.history = {{.prefix = "a/", .keep_versions = 2}};
  const StateOptions options = ToStateOptions(settings);
  CHECK(options.cache_ttl == std::chrono::hours(48));
  CHECK(options.recent_limit == 7);
  CHECK(options.event_max_count == 8);
  CHECK(options.event_max_age == std::chrono::hours(72));
  CHECK(options.store.sync == SyncMode::kNone);
  CHECK(options.store.lock_timeout == std::chrono::milliseconds(250));
  REQUIRE(options.store.history.size() == 1);
  CHECK(options.store.history[0].prefix == "a/");
}

TEST_CASE("the cleanup settings become the automatic cleanup's options",
          "[settings]") {
  Settings settings;
  CHECK(ToStateOptions(settings).auto_cleanup);
  CHECK(ToStateOptions(settings).cleanup_interval == std::chrono::hours(168));
  settings.auto_cleanup_enabled = false;
  settings.cleanup_interval_days = 2;
  const StateOptions options = ToStateOptions(settings);
  CHECK_FALSE(options.auto_cleanup);
  CHECK(options.cleanup_interval == std::chrono::hours(48));
}

TEST_CASE("the cache roots default to ~/.cache and a file's are expanded",
          "[settings]") {
  Fixture f;
  CHECK(Value(f.Load()).settings.effects_cache_root ==
        "~/.cache/wallpaper/effects");
  CHECK(ValueOf(Value(f.Load()), "cleanup.colorscheme_cache_root").value ==
        "\"~/.cache/colorscheme\"");
  const std::string path = f.Write(
      "settings.toml",
      "[state_management.cleanup]\neffects_cache_root = \"~/fx\"\n");
  CHECK(Value(f.Load({path})).settings.effects_cache_root ==
        f.dir.path() + "/fx");
  f.env.vars["DOTLOG_COLORSCHEME_CACHE_ROOT"] = "/srv/schemes";
  CHECK(Value(f.Load()).settings.colorscheme_cache_root == "/srv/schemes");
}

TEST_CASE("the store directory defaults to XDG_DATA_HOME, then HOME",
          "[settings]") {
  FakeEnv env;
  Settings settings;
  CHECK(absl::IsInvalidArgument(
      StateDirectory(settings, env.Getenv()).status()));
  env.vars["HOME"] = "/home/ada";
  CHECK(Value(StateDirectory(settings, env.Getenv())) ==
        "/home/ada/.local/share/dotfiles/state");
  env.vars["XDG_DATA_HOME"] = "relative/ignored";  // invalid per XDG
  CHECK(Value(StateDirectory(settings, env.Getenv())) ==
        "/home/ada/.local/share/dotfiles/state");
  env.vars["XDG_DATA_HOME"] = "/data";
  CHECK(Value(StateDirectory(settings, env.Getenv())) ==
        "/data/dotfiles/state");
  settings.state_dir = "/elsewhere";
  CHECK(Value(StateDirectory(settings, env.Getenv())) == "/elsewhere");
}

TEST_CASE("the redis_backend table configures replication between machines",
          "[settings]") {
  Fixture f;
  const std::string path = f.Write(
      "settings.toml",
      "[state_management]\nbackend = \"hybrid\"\n"
      "[state_management.redis_backend]\nenabled = true\nhost = \"10.0.0.2\"\n"
      "port = 6380\ndb = 3\nuser = \"ada\"\npassword = \"s3cret\"\n"
      "machine_name = \"laptop\"\nstream_maxlen = 500\n"
      "shared = [\"state/wallpaper/favourite/\", \"state/colorscheme\"]\n");
  LoadedSettings loaded = Value(f.Load({path}));
  const Settings& s = loaded.settings;
  CHECK(s.backend == "hybrid");
  CHECK(s.redis_enabled);
  CHECK(s.redis_host == "10.0.0.2");
  CHECK(s.redis_port == 6380);
  CHECK(s.redis_db == 3);
  CHECK(s.redis_user == "ada");
  CHECK(s.redis_password == "s3cret");
  CHECK(s.machine_name == "laptop");
  CHECK(s.redis_stream_maxlen == 500);
  CHECK(s.shared == std::vector<std::string>{"state/wallpaper/favourite/",
                                             "state/colorscheme"});
  CHECK(ValueOf(loaded, "redis_backend.shared").value ==
        R"(["state/wallpaper/favourite/","state/colorscheme"])");
  CHECK(ValueOf(loaded, "redis_backend.password").value == R"("********")");
}

TEST_CASE("shared prefixes default to the items users share, never monitors",
          "[settings]") {
  Fixture f;
  const Settings s = Value(f.Load()).settings;
  CHECK_FALSE(s.redis_enabled);
  CHECK(s.shared == std::vector<std::string>{
                        "state/wallpaper/favourite/",
                        "state/wallpaper/current#recent", "state/component/",
                        "state/colorscheme", "log:state/event/"});
}

TEST_CASE("shared prefixes from the environment are a comma-separated list",
          "[settings]") {
  Fixture f;
  f.env.vars["DOTLOG_SHARED"] = "state/a/, state/b#c";
  CHECK(Value(f.Load()).settings.shared ==
        std::vector<std::string>{"state/a/", "state/b#c"});
}

TEST_CASE("shared must be a list of strings", "[settings]") {
  Fixture f;
  const std::string path = f.Write(
      "settings.toml",
      "[state_management.redis_backend]\nshared = [1, 2]\n");
  absl::StatusOr<LoadedSettings> loaded = f.Load({path});
  CHECK(absl::IsInvalidArgument(loaded.status()));
  CHECK(loaded.status().message().find("redis_backend.shared") !=
        std::string::npos);
}

}  // namespace
}  // namespace dotlog
