#include "support/store_helpers.h"

#include <catch2/catch.hpp>
#include <utility>

namespace dotlog::testing {

std::unique_ptr<Store> OpenOrDie(const std::string& dir,
                                 const Options& options) {
  auto store = Store::Open(dir, options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(*store);
}

std::map<std::string, std::string> Contents(Store& store) {
  auto items = store.List("");
  INFO(items.status().ToString());
  REQUIRE(items.ok());
  std::map<std::string, std::string> contents;
  for (const Item& item : *items) contents[item.key] = item.value;
  return contents;
}

}  // namespace dotlog::testing
