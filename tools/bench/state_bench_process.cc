#include "state_bench_process.h"

#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "state/state_keys.h"

namespace dotlog::bench {
namespace {

// `text` in single quotes for sh and hyperfine's word splitting.
// REQUIRES: `text` holds no single quote.
std::string Quoted(const std::string& text) {
  return absl::StrCat("'", text, "'");
}

// Runs `command` with sh; true if it exited 0.
bool Run(const std::string& command) {
  return std::system(command.c_str()) == 0;
}

}  // namespace

bool MakeDatabase(
    const std::string& db, const std::string& sql_file,
    const std::vector<std::pair<std::string, std::string>>& rows) {
  std::ofstream sql(sql_file);
  sql << "PRAGMA journal_mode=WAL;\n"
         "CREATE TABLE kv(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)"
         " WITHOUT ROWID;\nBEGIN;\n";
  for (const auto& [key, value] : rows) {
    sql << "INSERT INTO kv VALUES('" << absl::StrReplaceAll(key, {{"'", "''"}})
        << "','" << absl::StrReplaceAll(value, {{"'", "''"}}) << "');\n";
  }
  sql << "COMMIT;\n";
  sql.close();
  return sql.good() && Run(absl::StrCat("sqlite3 ", Quoted(db), " < ",
                                        Quoted(sql_file), " > /dev/null"));
}

namespace {

// Prints each command's median from hyperfine's JSON export, with its ratio
// to the commands named `get` and `sqlite`.
bool PrintResults(const std::string& json_file, const std::string& get,
                  const std::string& sqlite) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.load(json_file).get(doc) != simdjson::SUCCESS) return false;
  std::vector<std::pair<std::string, double>> medians;
  simdjson::dom::array results;
  if (doc["results"].get(results) != simdjson::SUCCESS) return false;
  double get_median = 0, sqlite_median = 0;
  for (simdjson::dom::element r : results) {
    std::string_view name;
    double median = 0;
    if (r["command"].get(name) || r["median"].get(median)) return false;
    medians.emplace_back(std::string(name), median);
    if (name == get) get_median = median;
    if (name == sqlite) sqlite_median = median;
  }
  std::printf("\nWhole processes (hyperfine -N), medians:\n");
  for (const auto& [name, median] : medians) {
    std::printf("  %-24s %7.3f ms  /dotlog get = %.2f  /sqlite3 = %.2f\n",
                name.c_str(), median * 1e3, median / get_median,
                median / sqlite_median);
  }
  return true;
}

}  // namespace

int CompareProcesses(
    const std::string& dotlog, const std::string& work,
    const std::string& store_dir,
    const std::vector<std::pair<std::string, std::string>>& rows, size_t probe,
    int runs) {
  for (const char* tool : {"hyperfine", "sqlite3"}) {
    if (!Run(absl::StrCat("command -v ", tool, " > /dev/null"))) {
      std::fprintf(stderr,
                   "state_bench: %s is needed for the process figures\n", tool);
      return 2;
    }
  }
  const std::string db = work + "/state.db";
  if (!MakeDatabase(db, work + "/state.sql", rows)) {
    std::fprintf(stderr, "state_bench: cannot build %s\n", db.c_str());
    return 1;
  }
  const std::string& key = rows[probe].first;
  const std::string path =
      absl::StrCat("/", key.substr(state::kWallpaperCachePrefix.size()));
  const std::string base =
      absl::StrCat(Quoted(dotlog), " --dir ", Quoted(store_dir));
  const std::string check =
      absl::StrCat(base, " wallpaper check ", Quoted(path));
  const std::string get = absl::StrCat(base, " get ", Quoted(key));
  const std::string sqlite =
      absl::StrCat("sqlite3 ", Quoted(db),
                   " \"select value from kv where key='", key, "'\"");
  // Every command must succeed before it is timed.
  for (const std::string* c : {&check, &get, &sqlite}) {
    if (!Run(*c + " > /dev/null")) {
      std::fprintf(stderr, "state_bench: failed: %s\n", c->c_str());
      return 1;
    }
  }
  const std::string json_file = work + "/hyperfine.json";
  auto named = [](const char* name, const std::string& command) {
    return absl::StrCat(" --command-name ", Quoted(name), " ",
                        Quoted(absl::StrReplaceAll(command, {{"'", "'\\''"}})));
  };
  const std::string hyperfine =
      absl::StrCat("hyperfine -N --warmup 20 --runs ", runs, " --export-json ",
                   Quoted(json_file), named("dotlog wallpaper check", check),
                   named("dotlog get", get), named("sqlite3", sqlite));
  std::printf("%s\n", hyperfine.c_str());
  std::fflush(stdout);
  if (!Run(hyperfine) || !PrintResults(json_file, "dotlog get", "sqlite3")) {
    std::fprintf(stderr, "state_bench: hyperfine failed\n");
    return 1;
  }
  return 0;
}

}  // namespace dotlog::bench
