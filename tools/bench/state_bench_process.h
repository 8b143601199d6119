// The whole-process half of state_bench: `dotlog wallpaper check` beside
// `dotlog get` and the sqlite3 command line, run by hyperfine.
#ifndef DOTLOG_TOOLS_BENCH_STATE_BENCH_PROCESS_H_
#define DOTLOG_TOOLS_BENCH_STATE_BENCH_PROCESS_H_

#include <string>
#include <utility>
#include <vector>

namespace dotlog::bench {

// Times, as fresh processes under `hyperfine -N` (`runs` runs each after 20
// warm-up runs): `dotlog wallpaper check PATH` on the store in `store_dir`,
// `dotlog get KEY` of the same entry, and `sqlite3 DB "select value from kv
// where key='KEY'"` on a database in `work` holding `rows` (key, JSON value:
// the store's cache entries). PATH and KEY are those of rows[probe]. Prints
// each median and the ratios to `dotlog get` and to sqlite3. Returns 0, or
// 1 if a command failed, 2 if hyperfine or sqlite3 is missing.
// Writes the SQLite database at `db` with the sqlite3 command line, by way
// of the SQL file `sql_file`: one table kv(key, value), WITHOUT ROWID, WAL
// mode, holding `rows`. False if that fails.
bool MakeDatabase(
    const std::string& db, const std::string& sql_file,
    const std::vector<std::pair<std::string, std::string>>& rows);

int CompareProcesses(
    const std::string& dotlog, const std::string& work,
    const std::string& store_dir,
    const std::vector<std::pair<std::string, std::string>>& rows, size_t probe,
    int runs);

}  // namespace dotlog::bench

#endif  // DOTLOG_TOOLS_BENCH_STATE_BENCH_PROCESS_H_
