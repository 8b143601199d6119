#include "cli/sync_app.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
#include "dotlog/sync/redis_client.h"
#include "dotlog/sync/replica.h"
#include "dotlog/sync/sync_round.h"
#include "format/json_text.h"

namespace dotlog::cli {
namespace {

constexpr auto kFirstBackoff = std::chrono::seconds(1);
constexpr auto kMaxBackoff = std::chrono::seconds(60);
// How long a round waits for other machines' entries before it looks at
// the local store again.
constexpr auto kRemoteWait = std::chrono::milliseconds(50);

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') {
    return "localhost";
  }
  return name;
}

RedisOptions ToRedisOptions(const Settings& s) {
  return {.host = s.redis_host,
          .port = static_cast<int>(s.redis_port),
          .db = static_cast<int>(s.redis_db),
          .user = s.redis_user,
          .password = s.redis_password};
}

std::string Quote(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

absl::Status PrintStatus(const SyncStatus& st, bool json) {
  std::string out;
  if (json) {
    absl::StrAppend(&out, "{\"machine\":", Quote(st.machine),
                    ",\"position\":", Quote(st.position),
                    ",\"last_id\":", Quote(st.last_id),
                    ",\"length\":", st.length, ",\"behind\":", st.behind,
                    ",\"unsent\":", st.unsent, ",\"needs_snapshot\":",
                    st.needs_snapshot ? "true" : "false",
                    ",\"snapshot_items\":", st.snapshot_items, ",\"peers\":{");
    bool first = true;
    for (const auto& [name, peer] : st.peers) {
      if (!first) out.push_back(',');
      first = false;
      absl::StrAppend(&out, Quote(name), ":{\"applied_seq\":",
                      peer.applied_seq, ",\"pending\":", peer.pending, "}");
    }
    out.append("}}\n");
  } else {
    absl::StrAppend(&out, "machine ", st.machine, ": at ", st.position,
                    " of ", st.last_id, ", ", st.behind,
                    " entries behind, ", st.unsent, " unsent\n");
    if (st.needs_snapshot) {
      absl::StrAppend(&out, "  the stream was trimmed past this machine: "
                      "the next round catches up from the snapshot (",
                      st.snapshot_items, " items)\n");
    }
    for (const auto& [name, peer] : st.peers) {
      absl::StrAppend(&out, "  ", name, ": applied up to record ",
                      peer.applied_seq, ", ", peer.pending,
                      " entries pending\n");
    }
  }
  return WriteStdout(out);
}

std::string SnapshotLine(const SyncRoundReport& report) {
  return absl::StrCat("caught up from the snapshot: ", report.snapshot_items,
                      " items\n");
}

void ReportProblems(const SyncRoundReport& report) {
  for (const std::string& problem : report.problems) {
    WriteStderr(absl::StrCat("dotlog: sync: warning: ", problem, "\n"));
  }
}

// Runs rounds until an error; returns it.
absl::Status Follow(Replica& replica, RedisClient& client,
                    const SyncRoundOptions& options, bool* connected) {
  for (;;) {
    absl::StatusOr<SyncRoundReport> report =
        RunSyncRound(replica, client, options);
    if (!report.ok()) return report.status();
    if (!*connected) {
      WriteStderr(absl::StrCat("dotlog: sync: connected to ", client.name(),
                               " as ", replica.machine(), "\n"));
      *connected = true;
    }
    if (report->from_snapshot) {
      WriteStderr(absl::StrCat("dotlog: sync: ", SnapshotLine(*report)));
    }
    ReportProblems(*report);
    absl::StatusOr<std::vector<RawStreamEntry>> waiting = client.WaitAfter(
        options.stream, replica.position().stream_id, 1, kRemoteWait);
    if (!waiting.ok()) return waiting.status();
  }
}

}  // namespace

void AddSync(CLI::App& app, Args& a,
             absl::Status (**run)(Session&, const Args&)) {
  CLI::App* sync = app.add_subcommand(
      "sync",
      "Replicate the shared keys (redis_backend.shared) with other machines "
      "through a Redis Stream: publish this store's changes and apply "
      "theirs, until killed; retries with backoff while Redis is away.");
  sync->footer(
      "Example:\n  dotlog sync --once && dotlog sync --status\n\n"
      "Exit codes: 0 success, 2 replication not configured, 3 Redis or "
      "store error.");
  sync->add_flag("--once", a.once, "Catch up once, then exit");
  sync->add_flag("--status", a.status,
                 "Show how far this machine is behind, per machine");
  sync->add_flag("--json", a.json, "With --status: one JSON object");
  sync->callback([run] { *run = RunSync; });
}

absl::Status RunSync(Session& session, const Args& args) {
  const Settings& s = session.settings();
  if (!s.redis_enabled && s.backend != "hybrid") {
    return absl::FailedPreconditionError(
        "replication is off: set state_management.backend = \"hybrid\" or "
        "state_management.redis_backend.enabled = true");
  }
  absl::StatusOr<Store*> store = session.OpenStore(/*create=*/true);
  if (!store.ok()) return store.status();
  absl::StatusOr<std::unique_ptr<Replica>> replica = Replica::Open(
      *store, session.dir(),
      {.machine = s.machine_name.empty() ? HostName() : s.machine_name,
       .shared = s.shared,
       .replicate = !args.status});
  if (!replica.ok()) return replica.status();
  const SyncRoundOptions options{
      .stream = s.redis_stream,
      .max_length = static_cast<uint64_t>(s.redis_stream_maxlen)};

  if (args.status || args.once) {
    absl::StatusOr<std::unique_ptr<RedisClient>> client =
        RedisClient::Connect(ToRedisOptions(s));
    if (!client.ok()) return client.status();
    if (args.status) {
      absl::StatusOr<SyncStatus> st =
          ReadSyncStatus(**replica, **client, options.stream);
      if (!st.ok()) return st.status();
      return PrintStatus(*st, args.json);
    }
    absl::StatusOr<SyncRoundReport> report =
        RunSyncRound(**replica, **client, options);
    if (!report.ok()) return report.status();
    ReportProblems(*report);
    return WriteStdout(absl::StrCat(
        report->from_snapshot ? SnapshotLine(*report) : "", "sent ", report->sent, ", read ", report->entries, ", applied ",
        report->applied, " (", report->outvoted, " outvoted), at ",
        (*replica)->position().stream_id, "\n"));
  }

  auto backoff = std::chrono::duration_cast<std::chrono::seconds>(kFirstBackoff);
  std::string last_error;
  for (;;) {
    bool connected = false;
    absl::Status error;
    absl::StatusOr<std::unique_ptr<RedisClient>> client =
        RedisClient::Connect(ToRedisOptions(s));
    if (client.ok()) {
      error = Follow(**replica, **client, options, &connected);
    } else {
      error = client.status();
    }
    if (connected) backoff = kFirstBackoff;
    // The store's own errors are not Redis's: they end the process.
    if (!absl::IsUnavailable(error) && !absl::IsPermissionDenied(error) &&
        !absl::IsFailedPrecondition(error) && !absl::IsInvalidArgument(error)) {
      return error;
    }
    const std::string message(error.message());
    if (message != last_error || connected) {
      WriteStderr(absl::StrCat("dotlog: sync: ", message, " (retrying, every ",
                               backoff.count(), "s at first)\n"));
      last_error = message;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min<std::chrono::seconds>(backoff * 2, kMaxBackoff);
  }
}

}  // namespace dotlog::cli
