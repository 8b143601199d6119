#include "workload.h"

#include <cstdio>
#include <random>

namespace dotlog::bench {

std::string KeyFor(uint64_t i) {
  char buf[96];
  std::snprintf(buf, sizeof(buf),
                "wallpaper/cache/home/user/walls/img%05llu.png",
                static_cast<unsigned long long>(i));
  return buf;
}

std::string ValueFor(uint64_t i, uint64_t version) {
  static constexpr const char* kBackends[] = {"wal", "swww", "hellwal"};
  const uint64_t t = i * 7 + version * 1009;
  char buf[256];
  std::snprintf(
      buf, sizeof(buf),
      "{\"cached_at\":\"2026-11-%02lluT%02llu:%02llu:%02llu.%03lluZ\","
      "\"effects_dir\":\"/home/user/.cache/wallpaper/effects/img%05llu\","
      "\"backend\":\"%s\",\"effect_count\":%llu,\"valid\":%s}",
      static_cast<unsigned long long>(1 + version % 28),
      static_cast<unsigned long long>(t / 3600 % 24),
      static_cast<unsigned long long>(t / 60 % 60),
      static_cast<unsigned long long>(t % 60),
      static_cast<unsigned long long>(t % 1000),
      static_cast<unsigned long long>(i), kBackends[(i + version) % 3],
      static_cast<unsigned long long>((i + version) % 12),
      (i + version) % 17 == 0 ? "false" : "true");
  return buf;
}

std::vector<Entry> MakeEntries(uint64_t n, uint64_t version) {
  std::vector<Entry> entries;
  entries.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    entries.push_back({KeyFor(i), ValueFor(i, version)});
  }
  return entries;
}

std::vector<Entry> MakeRewrites(uint64_t n, size_t count, uint64_t version,
                                uint64_t seed) {
  std::vector<Entry> entries;
  entries.reserve(count);
  for (uint32_t i : RandomIndices(n, count, seed)) {
    entries.push_back({KeyFor(i), ValueFor(i, version)});
  }
  return entries;
}

std::vector<uint32_t> RandomIndices(uint64_t n, size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> pick(0, n - 1);
  std::vector<uint32_t> indices(count);
  for (uint32_t& i : indices) i = static_cast<uint32_t>(pick(rng));
  return indices;
}

double MeanKeyBytes(const std::vector<Entry>& entries) {
  double sum = 0;
  for (const Entry& e : entries) sum += static_cast<double>(e.key.size());
  return entries.empty() ? 0 : sum / static_cast<double>(entries.size());
}

double MeanValueBytes(const std::vector<Entry>& entries) {
  double sum = 0;
  for (const Entry& e : entries) sum += static_cast<double>(e.value.size());
  return entries.empty() ? 0 : sum / static_cast<double>(entries.size());
}

}  // namespace dotlog::bench
