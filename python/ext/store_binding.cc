// dotlog._dotlog.Store: the library's Store with values as JSON text. The
// Python class dotlog.Store converts values, times and errors around it.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bindings.h"
#include "convert.h"
#include "status.h"
#include "store_handle.h"

namespace py = pybind11;

namespace dotlog::python {
namespace {

using OptInt = std::optional<int64_t>;
// One batch operation: (is_delete, key, value_json, ttl_ms, expires_at_us).
using BatchOp = std::tuple<bool, std::string, std::string, OptInt, OptInt>;

// Runs `fn` with the GIL released and returns what it returns.
template <typename Fn>
auto Unlocked(Fn&& fn) {
  py::gil_scoped_release release;
  return fn();
}

std::unique_ptr<StoreHandle> OpenStore(const std::string& dir, bool sync,
                                       bool create_if_missing,
                                       int64_t lock_timeout_ms,
                                       bool auto_compact) {
  Options options;
  options.sync = sync ? SyncMode::kAlways : SyncMode::kNone;
  options.create_if_missing = create_if_missing;
  options.lock_timeout = std::chrono::milliseconds(lock_timeout_ms);
  options.auto_compact = auto_compact;
  return std::make_unique<StoreHandle>(dir, std::move(options));
}

// Store::Update with a Python function from the current JSON text (or None)
// to the new one (or None to delete). The function runs with the GIL held;
// an exception it raises aborts the update and propagates unchanged.
py::object Update(StoreHandle& h, const std::string& key, py::function fn,
                  OptInt ttl_ms, OptInt expires_at_us) {
  std::shared_ptr<Store> store = h.Get();
  std::optional<py::error_already_set> raised;
  auto call = [&](const std::optional<std::string>& current)
      -> absl::StatusOr<std::optional<std::string>> {
    py::gil_scoped_acquire acquire;
    try {
      py::object next =
          fn(current ? py::object(py::str(*current)) : py::none());
      if (next.is_none()) return std::nullopt;
      return next.cast<std::string>();
    } catch (py::error_already_set& e) {
      raised.emplace(std::move(e));
      return absl::CancelledError("the update function raised");
    } catch (const py::cast_error&) {
      return absl::InvalidArgumentError(
          "the update function must return JSON text or None");
    }
  };
  auto result = Unlocked([&] {
    return store->Update(key, call, MakePutOptions(ttl_ms, expires_at_us));
  });
  if (raised) throw *raised;
  std::optional<std::string> stored = Unwrap(std::move(result));
  if (!stored) return py::none();
  return py::str(*stored);
}

bool CompareAndSet(StoreHandle& h, const std::string& key, uint64_t seq,
                   const std::string& json, OptInt ttl_ms, OptInt exp_us) {
  std::shared_ptr<Store> store = h.Get();
  absl::Status status = Unlocked([&] {
    return store->CompareAndSet(key, seq, json, MakePutOptions(ttl_ms, exp_us));
  });
  if (absl::IsAborted(status)) return false;
  ThrowIfError(status);
  return true;
}

void Write(StoreHandle& h, const std::vector<BatchOp>& ops) {
  WriteBatch batch;
  for (const auto& [is_delete, key, json, ttl_ms, exp_us] : ops) {
    if (is_delete) {
      batch.Delete(key);
    } else {
      batch.Put(key, json, MakePutOptions(ttl_ms, exp_us));
    }
  }
  std::shared_ptr<Store> store = h.Get();
  ThrowIfError(Unlocked([&] { return store->Write(batch); }));
}

py::list Items(StoreHandle& h, const std::string& prefix) {
  std::shared_ptr<Store> store = h.Get();
  std::vector<Item> items =
      Unwrap(Unlocked([&] { return store->List(prefix); }));
  py::list list;
  for (const Item& item : items) list.append(ItemTuple(item));
  return list;
}

py::list History(StoreHandle& h, const std::string& key, size_t max) {
  std::shared_ptr<Store> store = h.Get();
  std::vector<KeyVersion> versions =
      Unwrap(Unlocked([&] { return store->History(key, max); }));
  py::list list;
  for (const KeyVersion& v : versions) list.append(KeyVersionTuple(v));
  return list;
}

py::list DamageList(StoreHandle& h) {
  std::vector<DamagedRecord> damage = h.Get()->Damage();
  py::list list;
  for (const DamagedRecord& d : damage) {
    list.append(py::make_tuple(d.file, d.line, d.offset, d.reason));
  }
  return list;
}

}  // namespace

void BindStore(py::module_& m) {
  py::class_<StoreHandle>(m, "Store")
      .def(py::init(&OpenStore), py::arg("dir"), py::arg("sync"),
           py::arg("create_if_missing"), py::arg("lock_timeout_ms"),
           py::arg("auto_compact"))
      .def_property_readonly("dir", &StoreHandle::dir)
      .def("get",
           [](StoreHandle& h, const std::string& key) {
             auto store = h.Get();
             return Unwrap(Unlocked([&] { return store->Get(key); }));
           })
      .def("lookup",
           [](StoreHandle& h, const std::string& key) {
             auto store = h.Get();
             return ItemTuple(
                 Unwrap(Unlocked([&] { return store->Lookup(key); })));
           })
      .def("contains",
           [](StoreHandle& h, const std::string& key) {
             auto store = h.Get();
             return Unwrap(Unlocked([&] { return store->Contains(key); }));
           })
      .def("put",
           [](StoreHandle& h, const std::string& key, const std::string& json,
              OptInt ttl_ms, OptInt exp_us) {
             auto store = h.Get();
             ThrowIfError(Unlocked([&] {
               return store->Put(key, json, MakePutOptions(ttl_ms, exp_us));
             }));
           })
      .def("delete",
           [](StoreHandle& h, const std::string& key) {
             auto store = h.Get();
             ThrowIfError(Unlocked([&] { return store->Delete(key); }));
           })
      .def("write", &Write)
      .def("update", &Update)
      .def("compare_and_set", &CompareAndSet)
      .def("increment",
           [](StoreHandle& h, const std::string& key, int64_t by) {
             auto store = h.Get();
             return Unwrap(Unlocked([&] { return store->Increment(key, by); }));
           })
      .def("items", &Items)
      .def("keys",
           [](StoreHandle& h, const std::string& prefix) {
             auto store = h.Get();
             return Unwrap(Unlocked([&] { return store->ListKeys(prefix); }));
           })
      .def("history", &History)
      .def("compact",
           [](StoreHandle& h) {
             auto store = h.Get();
             ThrowIfError(Unlocked([&] { return store->Compact(); }));
           })
      .def("sync",
           [](StoreHandle& h) {
             auto store = h.Get();
             ThrowIfError(Unlocked([&] { return store->Sync(); }));
           })
      .def("stats",
           [](StoreHandle& h) {
             auto store = h.Get();
             return StatsDict(
                 Unwrap(Unlocked([&] { return store->GetStats(); })));
           })
      .def("damage", &DamageList)
      .def("close", &StoreHandle::Close);
}

}  // namespace dotlog::python
