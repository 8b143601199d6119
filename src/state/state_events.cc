// StateManager: the event log and free-form state.
#include <utility>

#include "dotlog/state/state_manager.h"
#include "format/json_text.h"
#include "state/state_json.h"
#include "state/state_keys.h"

namespace dotlog {
namespace {

using state::Cat;
using state::TimePoint;

absl::StatusOr<Event> DecodeEventObject(std::string_view key,
                                        const state::JsonObject& o) {
  absl::StatusOr<int64_t> id = state::GetInt(o, key, "id");
  absl::StatusOr<TimePoint> time = state::GetTime(o, key, "time");
  absl::StatusOr<std::string> type = state::GetString(o, key, "event_type");
  absl::StatusOr<std::string> component = state::GetString(o, key, "component");
  absl::StatusOr<std::string> details = state::GetRaw(o, key, "details");
  for (const absl::Status& s : {id.status(), time.status(), type.status(),
                                component.status(), details.status()}) {
    if (!s.ok()) return s;
  }
  return Event{static_cast<uint64_t>(*id), *time, *std::move(type),
               *std::move(component), *std::move(details)};
}

absl::StatusOr<Event> DecodeEvent(std::string_view key, std::string_view json) {
  return state::DecodeStored<Event>(key, json, [&](const state::JsonObject& o) {
    return DecodeEventObject(key, o);
  });
}

bool Matches(const Event& e, const EventQuery& q) {
  return (!q.event_type || e.event_type == *q.event_type) &&
         (!q.component || e.component == *q.component) &&
         (!q.since || e.time >= *q.since) && (!q.until || e.time < *q.until);
}

}  // namespace

absl::StatusOr<Event> StateManager::AppendEvent(std::string_view event_type,
                                                std::string_view component,
                                                std::string_view details_json) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  if (absl::Status s = state::CheckName("event_type", event_type); !s.ok()) {
    return s;
  }
  if (absl::Status s = state::CheckOptionalName("component", component);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> details =
      state::MinifiedInputObject("details", details_json);
  if (!details.ok()) return details.status();
  Event event{0,
              {},
              std::string(event_type),
              std::string(component),
              *std::move(details)};
  // The id and the time are taken under the store's write lock, so both
  // rise in the order appends commit their counter.
  const std::string_view counter_key = state::kEventCounterKey;
  absl::StatusOr<std::optional<std::string>> counter =
      store_->Update(counter_key,
                     [&](const std::optional<std::string>& current)
                         -> absl::StatusOr<std::optional<std::string>> {
                       int64_t last = 0;
                       if (current) {
                         thread_local simdjson::dom::parser parser;
                         absl::StatusOr<state::JsonObject> o =
                             state::ParseStored(parser, counter_key, *current);
                         if (!o.ok()) return o.status();
                         absl::StatusOr<int64_t> stored =
                             state::GetInt(*o, counter_key, "last_id");
                         if (!stored.ok()) return stored.status();
                         last = *stored;
                       }
                       event.id = static_cast<uint64_t>(last) + 1;
                       event.time = state::ToMillis(clock_->Now());
                       state::JsonObjectWriter w;
                       w.Layout();
                       w.Int("last_id", last + 1);
                       return w.Finish();
                     });
  if (!counter.ok()) return counter.status();

  state::JsonObjectWriter w;
  w.Layout();
  w.Int("id", static_cast<int64_t>(event.id));
  w.Time("time", event.time);
  w.String("event_type", event.event_type);
  w.String("component", event.component);
  w.Raw("details", event.details);
  WriteBatch batch;
  PutOptions expiry;
  expiry.expires_at = event.time + options_.event_max_age;
  batch.Put(state::EventKey(event.id), w.Finish(), expiry);
  // The count limit: the event this one pushes out goes in the same batch.
  if (event.id > options_.event_max_count) {
    batch.Delete(state::EventKey(event.id - options_.event_max_count));
  }
  absl::Status status = store_->Write(batch);
  if (!status.ok()) return status;
  return event;
}

absl::StatusOr<std::vector<Event>> StateManager::QueryEvents(
    const EventQuery& query) {
  if (query.limit && *query.limit < 0) {
    return absl::InvalidArgumentError(
        Cat("limit: must not be negative (got ", *query.limit, ")"));
  }
  absl::StatusOr<std::vector<Item>> items = store_->List(state::kEventPrefix);
  if (!items.ok()) return items.status();
  // The age limit, also for a store whose own clock lags this one's.
  const TimePoint oldest = clock_->Now() - options_.event_max_age;
  std::vector<Event> found;
  for (auto it = items->rbegin(); it != items->rend(); ++it) {
    if (query.limit && found.size() >= static_cast<uint64_t>(*query.limit)) {
      break;
    }
    absl::StatusOr<Event> event = DecodeEvent(it->key, it->value);
    if (!event.ok()) return event.status();
    if (event->time < oldest || !Matches(*event, query)) continue;
    found.push_back(*std::move(event));
  }
  return found;
}

absl::Status StateManager::SetState(std::string_view key,
                                    std::string_view json_value) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  if (absl::Status s = state::CheckName("key", key); !s.ok()) return s;
  absl::StatusOr<std::string> value = MinifyJsonValue(json_value);
  if (!value.ok()) {
    return absl::InvalidArgumentError(Cat("value: ", value.status().message()));
  }
  state::JsonObjectWriter w;
  w.Layout();
  w.Raw("value", *value);
  w.Time("updated_at", state::ToMillis(clock_->Now()));
  return store_->Put(Cat(state::kUserPrefix, key), w.Finish());
}

absl::StatusOr<std::string> StateManager::GetState(std::string_view key) {
  if (absl::Status s = state::CheckName("key", key); !s.ok()) return s;
  const std::string full = Cat(state::kUserPrefix, key);
  absl::StatusOr<std::string> json = store_->Get(full);
  if (absl::IsNotFound(json.status())) {
    return absl::NotFoundError(Cat("state ", key, ": not set"));
  }
  if (!json.ok()) return json.status();
  return state::DecodeStored<std::string>(
      full, *json, [&](const state::JsonObject& o) {
        return state::GetRaw(o, full, "value");
      });
}

absl::Status StateManager::DeleteState(std::string_view key) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  if (absl::Status s = state::CheckName("key", key); !s.ok()) return s;
  absl::StatusOr<std::optional<std::string>> result = store_->Update(
      Cat(state::kUserPrefix, key),
      [&](const std::optional<std::string>& current)
          -> absl::StatusOr<std::optional<std::string>> {
        if (!current)
          return absl::NotFoundError(Cat("state ", key, ": not set"));
        return std::nullopt;
      });
  return result.status();
}

}  // namespace dotlog
