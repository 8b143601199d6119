#include "sync/replica_counters.h"

#include <simdjson.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "sync/shared_items.h"
#include "util/strings.h"

namespace dotlog::sync_internal {
namespace {

absl::Status Bad(std::string_view json) {
  return absl::DataLossError(absl::StrCat(
      "replica bookkeeping counter is malformed: ", AV(json)));
}

}  // namespace

std::string EncodeCounter(const CounterState& state) {
  std::string peers = "{";
  for (const auto& [machine, contribution] : state.peers) {
    if (peers.size() > 1) peers.push_back(',');
    AppendJsonString(&peers, machine);
    absl::StrAppend(&peers, ":", contribution);
  }
  peers.push_back('}');
  return absl::StrCat("{\"own\":", state.own, ",\"peers\":", peers, "}");
}

absl::StatusOr<CounterState> DecodeCounter(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object o, peers;
  CounterState state;
  if (parser.parse(json).get(o) != simdjson::SUCCESS ||
      o["own"].get(state.own) != simdjson::SUCCESS ||
      o["peers"].get(peers) != simdjson::SUCCESS) {
    return Bad(json);
  }
  for (auto field : peers) {
    int64_t contribution = 0;
    if (field.value.get(contribution) != simdjson::SUCCESS) return Bad(json);
    state.peers[std::string(field.key)] = contribution;
  }
  return state;
}

std::string CounterKey(std::string_view key) {
  return absl::StrCat(AV(kCountPrefix), AV(key));
}

int64_t CountOf(const std::optional<std::string>& value) {
  int64_t n = 0;
  if (!value.has_value() || value->empty() || value->front() == '+' ||
      !absl::SimpleAtoi(AV(*value), &n)) {
    return 0;
  }
  return n;
}

int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(b));
}

int64_t WrappingSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) -
                              static_cast<uint64_t>(b));
}

absl::StatusOr<CounterState*> CounterStates::Get(const std::string& key) {
  auto it = states_.find(key);
  if (it != states_.end()) return &it->second;
  CounterState state;
  absl::StatusOr<std::string> json = store_->Get(CounterKey(key));
  if (json.ok()) {
    absl::StatusOr<CounterState> decoded = DecodeCounter(*json);
    if (!decoded.ok()) return decoded.status();
    state = *std::move(decoded);
  } else if (!absl::IsNotFound(json.status())) {
    return json.status();
  }
  return &states_.emplace(key, std::move(state)).first->second;
}

absl::StatusOr<int64_t> CounterStates::Own(
    const std::string& key, const std::optional<std::string>& value) {
  absl::StatusOr<CounterState*> state = Get(key);
  if (!state.ok()) return state.status();
  int64_t own = CountOf(value);
  for (const auto& [machine, contribution] : (*state)->peers) {
    own = WrappingSub(own, contribution);
  }
  return own;
}

void CounterStates::PutAll(WriteBatch* batch) const {
  for (const auto& [key, state] : states_) {
    batch->Put(CounterKey(key), EncodeCounter(state));
  }
}

}  // namespace dotlog::sync_internal
