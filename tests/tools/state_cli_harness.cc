#include "state_cli_harness.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

namespace dotlog::testing {

std::string StateCli::File(const std::string& name,
                           const std::string& content) const {
  WriteFileBytes(Path(name), content);
  return Path(name);
}

std::string StateCli::Dir(const std::string& name) const {
  std::filesystem::create_directories(Path(name));
  return Path(name);
}

ProcessResult StateCli::Run(const std::vector<std::string>& args) const {
  const char* bin = std::getenv("DOTLOG_BIN");
  if (bin == nullptr) FAIL("$DOTLOG_BIN is not set: run through meson test");
  std::vector<std::string> argv = {bin, "--dir", store_};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv);
}

std::string StateCli::Ok(const std::vector<std::string>& args) const {
  ProcessResult r = Run(args);
  INFO("args[0]: " << args[0] << "; stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  return r.out;
}

std::map<std::string, std::string> StateCli::StoreFiles() const {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(store_)) {
    files[entry.path().filename()] = ReadFileBytes(entry.path());
  }
  return files;
}

std::string Jq(const std::string& json, const std::string& filter,
               const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"jq", "-c"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(filter);
  ProcessResult r = RunProcess(argv, json);
  INFO("jq " << filter << " on " << json << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

bool JqHolds(const std::string& json, const std::string& filter,
             const std::vector<std::string>& args) {
  return Jq(json, filter, args) == "true\n";
}

void CheckFails(const ProcessResult& r, int code) {
  INFO("stdout: " << r.out << "; stderr: " << r.err);
  CHECK(r.exit_code == code);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("dotlog: ", 0) == 0);
  CHECK(r.err.find('\n') == r.err.size() - 1);
}

void CheckNo(const ProcessResult& r) {
  INFO("stdout: " << r.out << "; stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}

Cached CacheOne(const StateCli& cli, const std::string& name) {
  Cached c{cli.File(name, "pixels of " + name), cli.Dir(name + ".effects"),
           cli.Dir(name + ".schemes")};
  cli.Ok({"wallpaper", "cache", c.path, "--set", "effects_dir=" + c.effects,
          "--set", "colorscheme_dir=" + c.schemes});
  return c;
}

}  // namespace dotlog::testing
