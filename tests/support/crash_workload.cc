#include "support/crash_workload.h"

#include <time.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "store/segment.h"
#include "support/child_process.h"

namespace dotlog::testing {
namespace {

PutOptions PutOptionsOf(const WriteOp& op) {
  PutOptions options;
  if (op.ttl) options.ttl = kLongTtl;
  return options;
}

absl::Status Execute(Store& store, const Call& call) {
  switch (call.kind) {
    case Call::Kind::kPut:
      return store.Put(call.ops[0].key, call.ops[0].value,
                       PutOptionsOf(call.ops[0]));
    case Call::Kind::kDelete:
      return store.Delete(call.ops[0].key);
    case Call::Kind::kBatch: {
      WriteBatch batch;
      for (const WriteOp& op : call.ops) {
        if (op.is_delete) {
          batch.Delete(op.key);
        } else {
          batch.Put(op.key, op.value, PutOptionsOf(op));
        }
      }
      return store.Write(batch);
    }
  }
  return absl::InternalError("unknown call kind");
}

}  // namespace

void SleepMicros(long us) {
  timespec left{us / 1000000, (us % 1000000) * 1000};
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

uint64_t SegmentBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (ParseSegmentFileName(entry.path().filename().string())) {
      const uintmax_t size = entry.file_size(ec);  // the file may be gone
      if (!ec) total += size;
    }
  }
  return total;
}

void WaitForGrowth(const std::string& dir, uint64_t bytes) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (SegmentBytes(dir) < bytes &&
         std::chrono::steady_clock::now() < deadline) {
  }
}

std::string Describe(const Call& call) {
  std::string out = call.kind == Call::Kind::kBatch ? "batch" : "";
  for (const WriteOp& op : call.ops) {
    out += call.kind == Call::Kind::kBatch ? " " : "";
    if (op.is_delete) {
      out += "del " + op.key + ";";
      continue;
    }
    const size_t n_at = op.value.find("\"n\":") + 4;
    out += "put " + op.key + "=" +
           op.value.substr(n_at, op.value.find_first_of(",}", n_at) - n_at);
    if (op.ttl) out += " ttl";
    if (op.pad > 0) out += " pad" + std::to_string(op.pad);
    out += ";";
  }
  return out;
}

std::string AckLine(uint64_t i, const Call& call) {
  return std::to_string(i) + " " + Describe(call) + "\n";
}

void Apply(const Call& call, StoreState* state) {
  for (const WriteOp& op : call.ops) {
    if (op.is_delete) {
      state->erase(op.key);
    } else {
      (*state)[op.key] = KeyState{op.value, op.ttl};
    }
  }
}

int WriteUntilKilled(const std::string& dir, const Options& options,
                     Workload workload, uint64_t round, uint64_t seed,
                     int ack_fd) {
  auto store = Store::Open(dir, options);
  if (!store.ok()) {
    WriteAll(ack_fd, "error opening: " + store.status().ToString() + "\n");
    return 2;
  }
  CallGenerator calls(seed, round, workload);
  for (uint64_t i = 0; i < kMaxCallsPerRound; ++i) {
    const Call call = calls.Next();
    if (absl::Status s = Execute(**store, call); !s.ok()) {
      WriteAll(ack_fd, "error in call " + std::to_string(i) + " (" +
                           Describe(call) + "): " + s.ToString() + "\n");
      return 3;
    }
    if (!WriteAll(ack_fd, AckLine(i, call))) return 4;
  }
  WriteAll(ack_fd, "error: never killed\n");
  return 5;
}

}  // namespace dotlog::testing
