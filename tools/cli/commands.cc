#include "cli/commands.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
#include "cli/progress_line.h"
#include "cli/watch.h"
#include "dotlog/dump.h"
#include "dotlog/verify.h"
#include "format/json_text.h"
#include "store/mutation.h"
#include "cli/verb_output.h"
#include "cli/conventions.h"
#include "cli/status_line.h"
#include "util/strings.h"

namespace dotlog::cli {
namespace {

// A missing key is an answer, not an error: exit 1 with nothing printed.
absl::Status Quiet(const absl::Status& s) {
  return absl::IsNotFound(s) ? absl::NotFoundError("") : s;
}

// A condition of --if-absent or cas that did not hold: exit 1, like a
// missing key, with `message` on standard error.
absl::Status ConditionFailed(std::string_view message) {
  return absl::NotFoundError(AV(message));
}

// The --ttl option or DURATION argument as write options.
absl::StatusOr<PutOptions> ExpiryOptions(
    const std::optional<std::string>& ttl) {
  PutOptions options;
  if (!ttl) return options;
  auto parsed = ParseDuration(*ttl);
  if (!parsed.ok()) return parsed.status();
  options.ttl = *parsed;
  return options;
}

// The JSON text of a VALUE argument: "-" reads standard input.
absl::StatusOr<std::string> ValueArgument(const std::string& key,
                                          const std::string& value,
                                          bool as_string) {
  std::string text = value;
  if (text == "-") {
    auto input = ReadInput("-");
    if (!input.ok()) return input.status();
    text = *std::move(input);
    // `echo dark | dotlog set --string k -` stores "dark", not "dark\n".
    if (as_string && text.ends_with('\n')) text.pop_back();
  }
  return ValueToStore(key, text, as_string);
}

}  // namespace

absl::Status RunSet(Session& session, const Args& args) {
  // Everything that can be refused is checked before the store is opened.
  auto options = ExpiryOptions(args.ttl);
  if (!options.ok()) return options.status();
  auto json = ValueArgument(args.key, args.value, args.as_string);
  if (!json.ok()) return json.status();
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  if (!args.if_absent) return (*store)->Put(args.key, *json, *options);
  absl::Status s = (*store)->CompareAndSet(args.key, 0, *json, *options);
  if (absl::IsAborted(s)) {
    return ConditionFailed(
        absl::StrCat("key ", QuoteKey(args.key), " exists; nothing written"));
  }
  return s;
}

absl::Status RunCas(Session& session, const Args& args) {
  auto expected = ValueArgument(args.key, args.expected, args.as_string);
  if (!expected.ok()) return expected.status();
  auto expected_min = MinifyJsonValue(*expected);
  if (!expected_min.ok()) return expected_min.status();
  if (args.value == "-" && args.expected == "-") {
    return absl::InvalidArgumentError("only one of OLD and NEW can be -");
  }
  auto json = ValueArgument(args.key, args.value, args.as_string);
  if (!json.ok()) return json.status();
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto result =
      (*store)->Update(args.key,
                       [&](const std::optional<std::string>& current)
                           -> absl::StatusOr<std::optional<std::string>> {
                         if (current != *expected_min)
                           return absl::AbortedError("");
                         return *json;
                       });
  if (absl::IsAborted(result.status())) {
    return ConditionFailed(absl::StrCat("key ", QuoteKey(args.key),
                                        " does not hold OLD; nothing written"));
  }
  return result.status();
}

absl::Status RunExpire(Session& session, const Args& args) {
  std::optional<std::string> ttl = args.ttl;
  if (ttl == "never") ttl.reset();
  auto options = ExpiryOptions(ttl);
  if (!options.ok()) return options.status();
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto result = (*store)->Update(
      args.key,
      [](const std::optional<std::string>& current)
          -> absl::StatusOr<std::optional<std::string>> {
        if (!current) return absl::NotFoundError("");
        return current;
      },
      *options);
  return Quiet(result.status());
}

absl::Status RunGet(Session& session, const Args& args) {
  auto store = session.OpenStore(/*create=*/false);
  if (!store.ok()) return store.status();
  auto value = (*store)->Get(args.key);
  if (absl::IsNotFound(value.status()) && args.default_value) {
    return WriteStdout(*args.default_value + "\n");
  }
  if (!value.ok()) return Quiet(value.status());
  auto text = ValueToPrint(*value, args.raw);
  if (!text.ok()) return text.status();
  return WriteStdout(*text + "\n");
}

absl::Status RunHistory(Session& session, const Args& args) {
  auto count = ParseInteger("-n", args.count, 1, INT64_MAX);
  if (!count.ok()) return count.status();
  auto store = session.OpenStore(/*create=*/false);
  if (!store.ok()) return store.status();
  auto text = HistoryText(**store, args.key, static_cast<size_t>(*count));
  if (!text.ok()) return Quiet(text.status());
  return WriteStdout(*text);
}

absl::Status RunDel(Session& session, const Args& args) {
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  return DeleteKeys(**store, args.keys).status();
}

absl::Status RunIncr(Session& session, const Args& args) {
  auto by = ParseInteger("BY", args.by, INT64_MIN, INT64_MAX);
  if (!by.ok()) return by.status();
  auto store = session.OpenStore();
  if (!store.ok()) return store.status();
  auto n = (*store)->Increment(args.key, *by);
  if (!n.ok()) return n.status();
  return WriteStdout(absl::StrCat(*n, "\n"));
}

absl::Status RunLs(Session& session, const Args& args) {
  if (args.long_list && args.json) {
    return absl::InvalidArgumentError("-l and --json exclude each other");
  }
  auto store = session.OpenStore(/*create=*/false);
  if (!store.ok()) return store.status();
  auto text = args.long_list ? LongListText(**store, args.prefix)
                             : ListText(**store, args.prefix, args.json);
  if (!text.ok()) return text.status();
  return WriteStdout(*text);
}

absl::Status RunTtl(Session& session, const Args& args) {
  auto store = session.OpenStore(/*create=*/false);
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
  ProgressLine progress("dotlog compact", StderrIsTerminal());
  if (absl::Status s = (*store)->Compact(progress.Fn()); !s.ok()) return s;
  progress.Finish();
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
      Plural(report->errors.size(), "problem"), " found in ", session.dir()));
}

absl::Status RunStats(Session& session, const Args& args) {
  auto store = session.OpenStore(/*create=*/false);
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
  ProgressLine progress("dotlog load", StderrIsTerminal());
  auto result = LoadItems(**store, *items, std::chrono::system_clock::now(),
                          progress.Fn());
  progress.Finish();
  if (!result.ok()) return result.status();
  return WriteStdout(absl::StrCat(
      "loaded ", Plural(result->loaded, "key"), " in ",
      Plural(result->batches, "batch"),
      result->skipped_expired > 0 ? absl::StrCat(" (", result->skipped_expired,
                                                 " already expired, skipped)")
                                  : "",
      "\n"));
}

absl::Status RunWatchCommand(Session& session, const Args& args) {
  if (args.status_template && args.watch_format != "waybar") {
    return absl::InvalidArgumentError("--template needs --format waybar");
  }
  auto text = StatusTemplate::Parse(args.status_template.value_or("{value}"));
  if (!text.ok()) return text.status();
  LineFormat format = AppendWatchLine;
  if (args.watch_format == "waybar") {
    format = [text = *std::move(text)](const Change& c, std::string* out) {
      AppendWaybarLine(c, text, out);
    };
  }
  // Watching reads: a missing store is an error, not created.
  if (auto store = session.OpenStore(/*create=*/false); !store.ok()) {
    return store.status();
  }
  return RunWatch(session.dir(), args.prefix, args.exact, args.initial, format);
}

}  // namespace dotlog::cli
