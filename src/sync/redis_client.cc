#include "dotlog/sync/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sync/snapshot_script.h"
#include "util/strings.h"

namespace dotlog {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

timeval ToTimeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000),
          static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

std::string Str(const redisReply* reply) {
  return reply->str == nullptr ? "" : std::string(reply->str, reply->len);
}

// An entry of XRANGE's reply: [id, [field, value, ...]].
absl::StatusOr<RawStreamEntry> ToEntry(const redisReply* reply) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      reply->element[0]->type != REDIS_REPLY_STRING ||
      reply->element[1]->type != REDIS_REPLY_ARRAY) {
    return absl::InternalError("unexpected stream entry in reply");
  }
  RawStreamEntry entry{.id = Str(reply->element[0])};
  const redisReply* fields = reply->element[1];
  for (size_t i = 0; i + 1 < fields->elements; i += 2) {
    entry.fields.emplace_back(Str(fields->element[i]),
                              Str(fields->element[i + 1]));
  }
  return entry;
}

absl::StatusOr<std::vector<RawStreamEntry>> ToEntries(const redisReply* reply) {
  std::vector<RawStreamEntry> out;
  if (reply->type == REDIS_REPLY_NIL) return out;
  if (reply->type != REDIS_REPLY_ARRAY) {
    return absl::InternalError("unexpected reply to a stream read");
  }
  for (size_t i = 0; i < reply->elements; ++i) {
    absl::StatusOr<RawStreamEntry> entry = ToEntry(reply->element[i]);
    if (!entry.ok()) return entry.status();
    out.push_back(*std::move(entry));
  }
  return out;
}

std::pair<uint64_t, uint64_t> ParseId(const std::string& id) {
  std::pair<std::string, std::string> parts = absl::StrSplit(id, '-');
  uint64_t ms = 0, n = 0;
  if (!absl::SimpleAtoi(parts.first, &ms) ||
      !absl::SimpleAtoi(parts.second, &n)) {
    return {0, 0};
  }
  return {ms, n};
}

}  // namespace

int CompareStreamIds(const std::string& a, const std::string& b) {
  const auto x = ParseId(a), y = ParseId(b);
  return x < y ? -1 : (x == y ? 0 : 1);
}

struct RedisClient::Context {
  explicit Context(redisContext* c) : c(c) {}
  ~Context() {
    if (c != nullptr) redisFree(c);
  }
  redisContext* c;

  // Runs `args`. Errors as the class comment says, prefixed with `name`.
  absl::StatusOr<Reply> Run(const std::vector<std::string>& args,
                            const std::string& name) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    Reply reply(static_cast<redisReply*>(redisCommandArgv(
        c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
    if (reply == nullptr) {
      const std::string why =
          c->err == REDIS_ERR_IO && errno == EAGAIN ? "no reply in time"
                                                    : std::string(c->errstr);
      return absl::UnavailableError(
          absl::StrCat(name, ": connection lost (", why, ")"));
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      const std::string message = Str(reply.get());
      if (absl::StartsWith(message, "WRONGPASS") ||
          absl::StartsWith(message, "ERR invalid password") ||
          absl::StartsWith(message, "ERR AUTH")) {
        return absl::PermissionDeniedError(absl::StrCat(
            name, ": wrong password or user (check redis_backend.password "
            "and redis_backend.user)"));
      }
      if (absl::StartsWith(message, "NOAUTH")) {
        return absl::PermissionDeniedError(absl::StrCat(
            name, ": the server needs a password (set "
            "redis_backend.password)"));
      }
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": ", args[0], " refused: ", message));
    }
    return reply;
  }
};

RedisClient::RedisClient(std::unique_ptr<Context> context, std::string name,
                         std::chrono::milliseconds timeout)
    : context_(std::move(context)),
      name_(std::move(name)),
      timeout_(timeout) {}
RedisClient::~RedisClient() = default;

absl::StatusOr<std::unique_ptr<RedisClient>> RedisClient::Connect(
    const RedisOptions& options) {
  const std::string name =
      absl::StrCat("redis at ", options.host, ":", options.port);
  auto context = std::make_unique<Context>(redisConnectWithTimeout(
      options.host.c_str(), options.port, ToTimeval(options.timeout)));
  if (context->c == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat(name, ": cannot allocate a connection"));
  }
  if (context->c->err != 0) {
    return absl::UnavailableError(absl::StrCat(
        name, ": unreachable (", context->c->errstr, ")"));
  }
  redisSetTimeout(context->c, ToTimeval(options.timeout));
  if (!options.password.empty()) {
    std::vector<std::string> auth = {"AUTH"};
    if (!options.user.empty()) auth.push_back(options.user);
    auth.push_back(options.password);
    absl::StatusOr<Reply> reply = context->Run(auth, name);
    if (!reply.ok()) return reply.status();
  }
  absl::StatusOr<Reply> reply =
      context->Run({"SELECT", absl::StrCat(options.db)}, name);
  if (!reply.ok()) return reply.status();
  return std::unique_ptr<RedisClient>(
      new RedisClient(std::move(context), name, options.timeout));
}

absl::StatusOr<std::string> RedisClient::Append(const std::string& stream,
                                                const StreamFields& fields,
                                                uint64_t max_length) {
  std::vector<std::string> args = {"XADD", stream};
  if (max_length > 0) {
    args.insert(args.end(), {"MAXLEN", "~", absl::StrCat(max_length)});
  }
  args.push_back("*");
  for (const auto& [name, value] : fields) {
    args.push_back(name);
    args.push_back(value);
  }
  absl::StatusOr<Reply> reply = context_->Run(args, name_);
  if (!reply.ok()) return reply.status();
  return Str(reply->get());
}

absl::StatusOr<std::string> RedisClient::AppendWithSnapshot(
    const std::string& stream, const std::string& snapshot,
    const StreamFields& fields, const std::vector<SnapshotItem>& changes,
    uint64_t max_length) {
  std::vector<std::string> args = {"EVAL",
                                   sync_internal::kAppendWithSnapshotScript,
                                   "2",
                                   stream,
                                   snapshot,
                                   absl::StrCat(max_length),
                                   absl::StrCat(fields.size())};
  for (const auto& [name, value] : fields) {
    args.push_back(name);
    args.push_back(value);
  }
  for (const SnapshotItem& item : changes) {
    args.push_back(item.change.item);
    args.push_back(absl::StrCat(item.hlc));
    args.push_back(item.machine);
    args.push_back(EncodeSnapshotItem(item));
  }
  absl::StatusOr<Reply> reply = context_->Run(args, name_);
  if (!reply.ok()) return reply.status();
  return Str(reply->get());
}

absl::Status RedisClient::ScanHash(
    const std::string& key,
    const std::function<absl::Status(std::string field, std::string value)>&
        fn) {
  std::string cursor = "0";
  do {
    absl::StatusOr<Reply> reply = context_->Run(
        {"HSCAN", key, cursor, "COUNT", "512"}, name_);
    if (!reply.ok()) return reply.status();
    const redisReply* r = reply->get();
    // [cursor, [field, value, ...]]
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[1]->type != REDIS_REPLY_ARRAY) {
      return absl::InternalError(absl::StrCat(name_, ": unexpected HSCAN reply"));
    }
    cursor = Str(r->element[0]);
    const redisReply* page = r->element[1];
    for (size_t i = 0; i + 1 < page->elements; i += 2) {
      absl::Status s = fn(Str(page->element[i]), Str(page->element[i + 1]));
      if (!s.ok()) return s;
    }
  } while (cursor != "0");
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> RedisClient::HashLength(const std::string& key) {
  absl::StatusOr<Reply> reply = context_->Run({"HLEN", key}, name_);
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_INTEGER) {
    return absl::InternalError(absl::StrCat(name_, ": unexpected HLEN reply"));
  }
  return static_cast<uint64_t>((*reply)->integer);
}

absl::StatusOr<std::vector<RawStreamEntry>> RedisClient::ReadAfter(
    const std::string& stream, const std::string& after_id, size_t count) {
  absl::StatusOr<Reply> reply = context_->Run(
      {"XRANGE", stream, absl::StrCat("(", after_id), "+", "COUNT",
       absl::StrCat(count)},
      name_);
  if (!reply.ok()) return reply.status();
  return ToEntries(reply->get());
}

absl::StatusOr<std::vector<RawStreamEntry>> RedisClient::WaitAfter(
    const std::string& stream, const std::string& after_id, size_t count,
    std::chrono::milliseconds block) {
  redisSetTimeout(context_->c, ToTimeval(block + timeout_));
  absl::StatusOr<Reply> reply = context_->Run(
      {"XREAD", "COUNT", absl::StrCat(count), "BLOCK",
       absl::StrCat(block.count()), "STREAMS", stream, after_id},
      name_);
  redisSetTimeout(context_->c, ToTimeval(timeout_));
  if (!reply.ok()) return reply.status();
  const redisReply* r = reply->get();
  if (r->type == REDIS_REPLY_NIL) return std::vector<RawStreamEntry>();
  // [[stream, [entries...]]]
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 1 ||
      r->element[0]->type != REDIS_REPLY_ARRAY ||
      r->element[0]->elements != 2) {
    return absl::InternalError(absl::StrCat(name_, ": unexpected XREAD reply"));
  }
  return ToEntries(r->element[0]->element[1]);
}

absl::StatusOr<StreamInfo> RedisClient::Info(const std::string& stream) {
  StreamInfo info;
  absl::StatusOr<Reply> reply = context_->Run({"XINFO", "STREAM", stream},
                                              name_);
  if (absl::IsInvalidArgument(reply.status()) &&
      absl::StrContains(reply.status().message(), "no such key")) {
    return info;
  }
  if (!reply.ok()) return reply.status();
  const redisReply* r = reply->get();
  for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements;
       i += 2) {
    const std::string key = Str(r->element[i]);
    const redisReply* value = r->element[i + 1];
    if (key == "length" && value->type == REDIS_REPLY_INTEGER) {
      info.length = static_cast<uint64_t>(value->integer);
    } else if (key == "last-generated-id") {
      info.last_id = Str(value);
    } else if (key == "entries-added" &&
               value->type == REDIS_REPLY_INTEGER) {
      info.entries_added = static_cast<uint64_t>(value->integer);
    } else if (key == "first-entry" && value->type == REDIS_REPLY_ARRAY) {
      absl::StatusOr<RawStreamEntry> first = ToEntry(value);
      if (first.ok()) info.first_id = first->id;
    }
  }
  return info;
}

}  // namespace dotlog
