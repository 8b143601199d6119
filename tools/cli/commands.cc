#include "cli/commands.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
#include "cli/watch.h"
#include "dotlog/dump.h"
#include "dotlog/verify.h"
#include "tools_lib/cli_commands.h"
#include "tools_lib/cli_support.h"

namespace dotlog::cli {
namespace {

// A missing key is an answer, not an error: exit 1 with nothing printed.
absl::Status Quiet(const absl::Status& s) {
  return absl::IsNotFound(s) ? absl::NotFoundError("") : s;
}

}  // namespace

absl::Status RunSet(Session& session, const Args& args) {
  // Everything that can be refused is checked before the store is opened.
  PutOptions options;
  if (!args.ttl.empty()) {
    auto ttl = ParseDuration(args.ttl);
    if (!ttl.ok()) return ttl.status();
    options.ttl = *ttl;
  }
  std::string text = args.value;
  if (text == "-") {
    auto input = ReadInput("-");
    if (!input.ok()) return input.status();
    text = *std::move(input);
    // `echo dark | dotlog set --string k -` stores "dark", not "dark\n".
    if (args.as_string && text.ends_with('\n')) text.pop_back();
  }
  auto json = ValueToStore(text, args.as_string);
  if (!json.ok()) return json.status();
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  return (*store)->Put(args.key, *json, options);
}

absl::Status RunGet(Session& session, const Args& args) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto value = (*store)->Get(args.key);
  if (!value.ok()) return Quiet(value.status());
  auto text = ValueToPrint(*value, args.raw);
  if (!text.ok()) return text.status();
  return WriteStdout(*text + "\n");
}

absl::Status RunHistory(Session& session, const Args& args) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto text = HistoryText(**store, args.key, args.count);
  if (!text.ok()) return Quiet(text.status());
  return WriteStdout(*text);
}

absl::Status RunDel(Session& session, const Args& args) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  return DeleteKeys(**store, args.keys).status();
}

absl::Status RunIncr(Session& session, const Args& args) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto n = (*store)->Increment(args.key, args.by);
  if (!n.ok()) return n.status();
  return WriteStdout(absl::StrCat(*n, "\n"));
}

absl::Status RunLs(Session& session, const Args& args) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto text = ListText(**store, args.prefix, args.json);
  if (!text.ok()) return text.status();
  return WriteStdout(*text);
}

absl::Status RunTtl(Session& session, const Args& args) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto seconds =
      SecondsToLive(**store, args.key, std::chrono::system_clock::now());
  if (!seconds.ok()) return Quiet(seconds.status());
  return WriteStdout(absl::StrCat(*seconds, "\n"));
}

absl::Status RunCompact(Session& session, const Args&) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto before = (*store)->GetStats();
  if (!before.ok()) return before.status();
  if (absl::Status s = (*store)->Compact(); !s.ok()) return s;
  auto after = (*store)->GetStats();
  if (!after.ok()) return after.status();
  return WriteStdout(absl::StrCat(
      "compacted ", session.dir(), ": ", before->total_bytes, " -> ",
      after->total_bytes, " bytes in ", after->segments, " segments\n"));
}

absl::Status RunVerify(Session& session, const Args&) {
  auto report = VerifyStore(session.dir());
  if (!report.ok()) return AsStoreError(report.status());
  WriteStderr(ProblemsText(*report));
  if (absl::Status s = WriteStdout(VerifySummary(*report)); !s.ok()) return s;
  if (report->clean()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      report->errors.size(), " problems found in ", session.dir()));
}

absl::Status RunStats(Session& session, const Args& args) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto stats = (*store)->GetStats();
  if (!stats.ok()) return stats.status();
  return WriteStdout(StatsText(*stats, args.json));
}

absl::Status RunLoad(Session& session, const Args& args) {
  std::optional<DumpFormat> format;
  if (args.format != "auto") {
    auto f = ParseDumpFormat(args.format);
    if (!f.ok()) return f.status();
    format = *f;
  }
  auto text = ReadInput(args.file);
  if (!text.ok()) return text.status();
  auto items = ParseDump(*text, format);
  if (!items.ok()) {
    return absl::Status(
        items.status().code(),
        absl::StrCat(args.file == "-" ? "standard input" : args.file, ": ",
                     items.status().message()));
  }
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto result = LoadItems(**store, *items, std::chrono::system_clock::now());
  if (!result.ok()) return result.status();
  return WriteStdout(absl::StrCat(
      "loaded ", result->loaded, " keys in ", result->batches, " batches",
      result->skipped_expired > 0 ? absl::StrCat(" (", result->skipped_expired,
                                                 " already expired, skipped)")
                                  : "",
      "\n"));
}

absl::Status RunWatchCommand(Session& session, const Args& args) {
  // Opening the store creates its directory, so a fresh machine can watch
  // before the first write.
  if (auto store = session.OpenStore(); !store.ok()) return store.status();
  return RunWatch(session.dir(), args.prefix, args.initial);
}

}  // namespace dotlog::cli
