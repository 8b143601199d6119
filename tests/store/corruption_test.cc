// Damaged segment files on the POSIX file system: every truncation, every
// flipped byte, and hand-made damage. A small store (puts, overwrites, a
// delete, batches, a TTL put; two segments) is built once; each trial
// rewrites one of its files, reopens it, and compares what it serves and
// reports with what the damage allows.
//
// The trials of each kind run once and are shared by the test cases that
// check them; each test reports the first few trials that break its
// promise.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dotlog/options.h"
#include "dotlog/store.h"
#include "dotlog/write_batch.h"
#include "format/timestamp.h"
#include "support/fake_clock.h"
#include "support/status_helpers.h"
#include "support/store_model.h"
#include "support/temp_dir.h"
#include "support/test_seed.h"
#include "util/strings.h"

namespace dotlog::testing {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kClockMs = 1767225600000;  // FakeClock's start; never moved.

Options MakeOptions(FakeClock* clock) {
  Options options;
  options.segment_bytes = 4096;
  options.clock = clock;
  return options;
}

// One line of a segment file as written.
struct Line {
  uint64_t start = 0;  // offset of its first byte
  uint64_t end = 0;    // offset of its '\n'
  uint64_t seq = 0;    // 0 for a header
};

std::vector<Line> LinesOf(const std::string& bytes) {
  std::vector<Line> lines;
  uint64_t start = 0;
  for (size_t nl; (nl = bytes.find('\n', start)) != std::string::npos;
       start = nl + 1) {
    Line line{start, nl, 0};
    constexpr std::string_view kSeq = "{\"seq\":";
    if (bytes.compare(start, kSeq.size(), kSeq) == 0) {
      const size_t digits = start + kSeq.size();
      const size_t comma = bytes.find(',', digits);
      REQUIRE(
          absl::SimpleAtoi(bytes.substr(digits, comma - digits), &line.seq));
    }
    lines.push_back(line);
  }
  REQUIRE(start == bytes.size());  // a store writes only complete lines
  return lines;
}

// A small store with two segments, its history and its files' bytes.
class History {
 public:
  History() {
    auto store = Value(Store::Open(dir_.path(), MakeOptions(&clock_)));
    Put(*store, "user/alice", R"({"name":"alice"})");
    Put(*store, "user/bob", "\"bob\"");
    Put(*store, "counter", "1");
    Put(*store, "user/alice", R"({"name":"alice","v":2})");
    Delete(*store, "user/bob");
    Batch(*store, {PutOp("order/1", "[1,2]"), DeleteOp("counter"),
                   PutOp("order/2", R"({"x":null})")});
    Put(*store, "session", "\"tok\"", 1h);
    for (int i = 0; Value(store->GetStats()).segments < 2; ++i) {
      Put(*store, absl::StrCat("log/", i % 5),
          absl::StrCat("{\"i\":", i, ",\"pad\":\"", std::string(100, 'p'),
                       "\"}"));
    }
    Put(*store, "log/1", "\"last\"");
    Batch(*store,
          {PutOp("order/3", "3"), DeleteOp("log/2"), PutOp("log/3", "true")});
    Delete(*store, "order/1");
    Put(*store, "session", "\"tok2\"", 2h);
    Put(*store, "user/alice", "null");
    REQUIRE_OK(store->Close());

    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      const std::string name = entry.path().filename();
      if (!name.starts_with("segment-")) continue;
      names_.push_back(name);
    }
    std::sort(names_.begin(), names_.end());
    REQUIRE(names_.size() == 2);
    std::set<uint64_t> seqs;
    for (const std::string& name : names_) {
      bytes_[name] = ReadFileBytes(dir_.Join(name));
      installed_[name] = bytes_[name];
      lines_[name] = LinesOf(bytes_[name]);
      for (const Line& line : lines_[name]) {
        if (line.seq != 0) seqs.insert(line.seq);
      }
    }
    REQUIRE(seqs.size() == records_.size());
    REQUIRE(*seqs.begin() == 1);
    REQUIRE(*seqs.rbegin() == records_.size());
  }

  const TempDir& dir() const { return dir_; }
  FakeClock& clock() { return clock_; }
  const std::vector<std::string>& names() const { return names_; }
  const std::string& newest() const { return names_.back(); }
  const std::string& bytes(const std::string& name) const {
    return bytes_.at(name);
  }
  const std::vector<Line>& lines(const std::string& name) const {
    return lines_.at(name);
  }

  // The state the records make, leaving out those with a seq in `lost`.
  State Replay(const std::set<uint64_t>& lost) const {
    State state;
    for (size_t i = 0; i < records_.size(); ++i) {
      if (lost.count(i + 1) == 0) ApplyOps(records_[i], &state);
    }
    return state;
  }

  // True if `key` was ever given `stored` by some write.
  bool WasWritten(const std::string& key, const Stored& stored) const {
    for (const auto& ops : records_) {
      for (const ModelOp& op : ops) {
        if (!op.is_delete && op.key == key && op.value == stored.value &&
            op.expires_ms == stored.expires_ms) {
          return true;
        }
      }
    }
    return false;
  }

  // Puts every segment back as written, except `name`, which gets `bytes`.
  // Rewrites only the files that differ, and replaces rather than truncates
  // them (ext4 flushes a file truncated to zero, which made this slow).
  void Install(const std::string& name, const std::string& bytes) {
    for (const std::string& n : names_) {
      const std::string& want = n == name ? bytes : bytes_.at(n);
      std::string& have = installed_[n];
      if (have == want) continue;
      std::filesystem::remove(dir_.Join(n));
      WriteFileBytes(dir_.Join(n), want);
      have = want;
    }
  }

 private:
  void Put(Store& store, const std::string& key, const std::string& value,
           std::optional<std::chrono::milliseconds> ttl = std::nullopt) {
    REQUIRE_OK(store.Put(key, value, PutOptions{.ttl = ttl}));
    records_.push_back({PutOp(key, value, ttl ? kClockMs + ttl->count() : 0)});
  }
  void Delete(Store& store, const std::string& key) {
    REQUIRE_OK(store.Delete(key));
    records_.push_back({DeleteOp(key)});
  }
  void Batch(Store& store, std::vector<ModelOp> ops) {
    WriteBatch batch;
    for (const ModelOp& op : ops) {
      if (op.is_delete) {
        batch.Delete(op.key);
      } else {
        batch.Put(op.key, op.value);
      }
    }
    REQUIRE_OK(store.Write(batch));
    records_.push_back(std::move(ops));
  }

  TempDir dir_;
  FakeClock clock_;
  std::vector<std::vector<ModelOp>> records_;  // [seq - 1]
  std::vector<std::string> names_;
  std::map<std::string, std::string> bytes_;
  std::map<std::string, std::string> installed_;  // what the files hold now
  std::map<std::string, std::vector<Line>> lines_;
};

// One damaged variant of the store and what opening it showed.
struct Trial {
  std::string what;
  std::string open_error;
  State served;
  State expected;
  std::vector<DamagedRecord> damage;
  std::vector<DamagedRecord> expected_damage;
  // The damage reaches the newest segment's last line: it may be taken for
  // a torn tail, so any leading part of expected_damage may be reported.
  bool tail = false;
  std::string Describe() const { return what; }
};

bool SameDamage(const DamagedRecord& a, const DamagedRecord& b) {
  return a.file == b.file && a.line == b.line && a.offset == b.offset;
}

std::string DamageProblem(const Trial& t) {
  const size_t n = t.damage.size();
  bool ok =
      t.tail ? n <= t.expected_damage.size() : n == t.expected_damage.size();
  for (size_t i = 0; ok && i < n; ++i) {
    ok = SameDamage(t.damage[i], t.expected_damage[i]) &&
         !t.damage[i].reason.empty();
  }
  if (ok) return "";
  return absl::StrCat("expected damage", t.tail ? " (or a leading part)" : "",
                      ":", Describe(t.expected_damage),
                      "\nreported:", Describe(t.damage));
}

// Opens the store as installed and fills in what it serves and reports.
void OpenTrial(History& h, Trial* t) {
  auto store = Store::Open(h.dir().path(), MakeOptions(&h.clock()));
  if (!store.ok()) {
    t->open_error = store.status().ToString();
    return;
  }
  auto items = (*store)->List("");
  if (!items.ok()) {
    t->open_error = absl::StrCat("List: ", items.status().ToString());
    return;
  }
  for (const Item& item : *items) {
    t->served[item.key] = Stored{
        item.value, item.expires_at ? ToUnixMillis(*item.expires_at) : 0};
  }
  t->damage = (*store)->Damage();
}

// Index of the line of `lines` that holds byte `offset` (its '\n' included).
size_t LineAt(const std::vector<Line>& lines, uint64_t offset) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (offset <= lines[i].end) return i;
  }
  FAIL("offset past the last line");
  return 0;
}

// Every truncation of every segment.
std::vector<Trial> Truncations(History& h) {
  std::vector<Trial> trials;
  for (const std::string& name : h.names()) {
    const std::string& bytes = h.bytes(name);
    const std::vector<Line>& lines = h.lines(name);
    const bool newest = name == h.newest();
    for (uint64_t cut = 0; cut < bytes.size(); ++cut) {
      Trial t;
      t.what = absl::StrCat(name, " (", newest ? "newest" : "sealed", ", ",
                            bytes.size(), " bytes) cut to ", cut, " bytes");
      std::set<uint64_t> lost;
      for (size_t i = 0; i < lines.size(); ++i) {
        const Line& line = lines[i];
        // Every segment keeps its whole lines and a last line that lost
        // just its '\n' (its checksum decides).
        const bool kept = line.end <= cut;
        if (!kept && line.seq != 0) lost.insert(line.seq);
        if (!newest && line.start < cut && cut < line.end) {
          t.expected_damage.push_back(
              DamagedRecord{h.dir().Join(name), i + 1, line.start, ""});
        }
      }
      t.expected = h.Replay(lost);
      h.Install(name, bytes.substr(0, cut));
      OpenTrial(h, &t);
      trials.push_back(std::move(t));
    }
  }
  h.Install(h.newest(), h.bytes(h.newest()));
  return trials;
}

// What one flipped byte should do: the records lost, the damage reported.
void ExpectFlip(const History& h, const std::string& name, uint64_t offset,
                bool to_newline, Trial* t) {
  const std::vector<Line>& lines = h.lines(name);
  const bool newest = name == h.newest();
  const std::string path = h.dir().Join(name);
  const size_t i = LineAt(lines, offset);
  const Line& line = lines[i];
  const bool last = i + 1 == lines.size();
  std::set<uint64_t> lost;
  if (line.seq != 0) lost.insert(line.seq);
  if (to_newline) {
    // The line splits in two damaged lines; later lines move down by one.
    t->expected_damage = {DamagedRecord{path, i + 1, line.start, ""},
                          DamagedRecord{path, i + 2, offset + 1, ""}};
    t->tail = newest && last;
  } else if (offset != line.end) {
    t->expected_damage = {DamagedRecord{path, i + 1, line.start, ""}};
    t->tail = newest && last;
  } else if (last) {
    // The file's last '\n' is gone: an unterminated last line.
    t->expected_damage = {DamagedRecord{path, i + 1, line.start, ""}};
    t->tail = newest;
  } else {
    // The '\n' is gone: this line and the next are one damaged line.
    if (lines[i + 1].seq != 0) lost.insert(lines[i + 1].seq);
    t->expected_damage = {DamagedRecord{path, i + 1, line.start, ""}};
    t->tail = newest && i + 2 == lines.size();
  }
  t->expected = h.Replay(lost);
}

// Every byte of every segment, flipped (xor 0x01) or made a '\n'.
std::vector<Trial> Flips(History& h) {
  std::vector<Trial> trials;
  for (const std::string& name : h.names()) {
    const std::string& bytes = h.bytes(name);
    for (uint64_t offset = 0; offset < bytes.size(); ++offset) {
      for (bool to_newline : {false, true}) {
        if (to_newline && bytes[offset] == '\n') continue;
        std::string damaged = bytes;
        damaged[offset] =
            to_newline ? '\n' : static_cast<char>(bytes[offset] ^ 0x01);
        Trial t;
        t.what = absl::StrFormat("%s byte %d ('%s') %s", name, offset,
                                 absl::CHexEscape(AV(bytes.substr(offset, 1))),
                                 to_newline ? "set to '\\n'" : "xor 0x01");
        ExpectFlip(h, name, offset, to_newline, &t);
        h.Install(name, damaged);
        OpenTrial(h, &t);
        trials.push_back(std::move(t));
      }
    }
  }
  h.Install(h.newest(), h.bytes(h.newest()));
  return trials;
}

History& SharedHistory() {
  static History* history = new History();
  return *history;
}

const std::vector<Trial>& TruncationTrials() {
  static const std::vector<Trial> trials = Truncations(SharedHistory());
  return trials;
}

const std::vector<Trial>& FlipTrials() {
  static const std::vector<Trial> trials = Flips(SharedHistory());
  return trials;
}

// Runs `check` on the trials that `select` picks; `check` returns "" when
// the trial keeps the promise. Reports the first few that do not.
void ForEveryTrial(const std::vector<Trial>& trials,
                   const std::function<bool(const Trial&)>& select,
                   const std::function<std::string(const Trial&)>& check) {
  size_t failed = 0, checked = 0;
  for (const Trial& t : trials) {
    if (!select(t)) continue;
    ++checked;
    std::string problem = t.open_error.empty()
                              ? check(t)
                              : absl::StrCat("Open failed: ", t.open_error);
    if (problem.empty()) continue;
    if (++failed <= 5) FAIL_CHECK(t.Describe() << "\n" << problem);
  }
  INFO(failed << " of " << checked << " trials broke the promise");
  CHECK(checked > 0);
  CHECK(failed == 0);
}

bool InNewest(const Trial& t) {
  return t.what.starts_with(SharedHistory().newest());
}
bool All(const Trial&) { return true; }

std::string StateProblem(const Trial& t) {
  if (t.served == t.expected) return "";
  return absl::StrCat("served ", Describe(t.served), "\nexpected ",
                      Describe(t.expected));
}

std::string UnwrittenValue(const Trial& t) {
  for (const auto& [key, stored] : t.served) {
    if (!SharedHistory().WasWritten(key, stored)) {
      return absl::StrCat("served ", key, " = ", stored.value, " (expires ",
                          stored.expires_ms, "), which no write gave it");
    }
  }
  return "";
}

// --- Truncation ------------------------------------------------------------

TEST_CASE(
    "a store whose newest segment is cut at any byte opens and serves "
    "exactly a prefix of its history",
    "[corruption]") {
  ForEveryTrial(TruncationTrials(), InNewest, StateProblem);
}

TEST_CASE("a newest segment cut at any byte is a torn tail, never reported",
          "[corruption]") {
  ForEveryTrial(TruncationTrials(), InNewest,
                [](const Trial& t) -> std::string {
                  if (t.damage.empty()) return "";
                  return absl::StrCat("reported", Describe(t.damage));
                });
}

TEST_CASE(
    "a sealed segment cut mid-line reports the cut line with file, line and "
    "offset, and every other record still loads",
    "[corruption]") {
  const auto sealed = [](const Trial& t) { return !InNewest(t); };
  ForEveryTrial(TruncationTrials(), sealed, [](const Trial& t) {
    return StateProblem(t) + DamageProblem(t);
  });
}

TEST_CASE("a truncated store never serves a value that was not written",
          "[corruption]") {
  ForEveryTrial(TruncationTrials(), All, UnwrittenValue);
}

// --- Flipped bytes ----------------------------------------------------------

TEST_CASE(
    "a store with any one byte flipped or made a newline opens and never "
    "serves a value that was not written",
    "[corruption]") {
  ForEveryTrial(FlipTrials(), All, UnwrittenValue);
}

TEST_CASE(
    "a flipped byte loses only the records of its line; every other record "
    "still loads",
    "[corruption]") {
  ForEveryTrial(FlipTrials(), All, StateProblem);
}

TEST_CASE(
    "a flipped byte is reported with the file, line number and offset of its "
    "line unless it is in the newest segment's last line",
    "[corruption]") {
  ForEveryTrial(FlipTrials(), All, DamageProblem);
}

// --- Specific damage --------------------------------------------------------

// A fresh store in its own directory, reopened on demand.
struct Fixture {
  Fixture() { options = MakeOptions(&clock); }
  std::unique_ptr<Store> Open() {
    return Value(Store::Open(dir.path(), options));
  }
  std::string Segment(int n) const {
    return dir.Join(absl::StrFormat("segment-%06d.jsonl", n));
  }
  TempDir dir;
  FakeClock clock;
  Options options;
};

// Flips one byte inside the value of line `line_number` (1-based) of the
// file at `path`; returns the line's offset.
uint64_t DamageLine(const std::string& path, uint64_t line_number) {
  std::string bytes = ReadFileBytes(path);
  const std::vector<Line> lines = LinesOf(bytes);
  REQUIRE(line_number <= lines.size());
  const Line& line = lines[line_number - 1];
  const size_t value = bytes.find("\"value\":", line.start);
  REQUIRE(value < line.end);
  bytes[value + 8] ^= 0x01;
  WriteFileBytes(path, bytes);
  return line.start;
}

TEST_CASE(
    "a damaged middle record is reported with file, line and offset, and "
    "the previous intact version of its key is served",
    "[corruption]") {
  Fixture f;
  {
    auto store = f.Open();
    REQUIRE_OK(store->Put("k", "1"));      // line 2
    REQUIRE_OK(store->Put("k", "2"));      // line 3
    REQUIRE_OK(store->Put("other", "0"));  // line 4
  }
  const std::string path = f.Segment(1);
  const uint64_t offset = DamageLine(path, 3);
  std::vector<DamagedRecord> reported;
  f.options.on_damage = [&](const DamagedRecord& d) { reported.push_back(d); };
  auto store = f.Open();
  CHECK(store->Get("k").value_or("<error>") == "1");
  CHECK(store->Lookup("k")->seq == 1);
  CHECK(store->Get("other").value_or("<error>") == "0");
  const std::vector<DamagedRecord> damage = store->Damage();
  INFO(Describe(damage));
  REQUIRE(damage.size() == 1);
  CHECK(damage[0].file == path);
  CHECK(damage[0].line == 3);
  CHECK(damage[0].offset == offset);
  CHECK(absl::StrContains(damage[0].reason, "checksum"));
  REQUIRE(reported.size() == 1);
  CHECK(SameDamage(reported[0], damage[0]));
  CHECK(reported[0].reason == damage[0].reason);
  CHECK(store->GetStats()->damaged_records == 1);
}

TEST_CASE("a batch whose line is damaged applies none of its operations",
          "[corruption]") {
  Fixture f;
  {
    auto store = f.Open();
    REQUIRE_OK(store->Put("a", "1"));  // line 2
    REQUIRE_OK(store->Put("b", "1"));  // line 3
    WriteBatch batch;                  // line 4
    batch.Put("a", "2");
    batch.Delete("b");
    batch.Put("c", "3");
    REQUIRE_OK(store->Write(batch));
    REQUIRE_OK(store->Put("d", "4"));  // line 5
  }
  DamageLine(f.Segment(1), 4);
  auto store = f.Open();
  CHECK(ReadState(*store) ==
        State{{"a", {"1", 0}}, {"b", {"1", 0}}, {"d", {"4", 0}}});
  REQUIRE(store->Damage().size() == 1);
  CHECK(store->Damage()[0].line == 4);
}

// The header line of segment `number` in format `version`, checksummed.
std::string HeaderLine(uint64_t version, uint64_t number) {
  return SealedLine(absl::StrCat(
      "{\"dotlog\":", version, ",\"segment\":", number,
      ",\"max_bytes\":4096,\"created\":\"2026-01-01T00:00:00.000Z\""));
}

TEST_CASE(
    "a segment from a newer format version makes Open fail with "
    "FailedPrecondition naming the file",
    "[corruption]") {
  SECTION("as the only segment") {
    Fixture f;
    REQUIRE(std::filesystem::create_directories(f.dir.Join("s")));
    const std::string path = f.dir.Join("s/segment-000001.jsonl");
    WriteFileBytes(path, HeaderLine(2, 1));
    auto store = Store::Open(f.dir.Join("s"), f.options);
    INFO(store.status().ToString());
    CHECK(absl::IsFailedPrecondition(store.status()));
    CHECK(absl::StrContains(store.status().message(), path));
  }
  SECTION("after a segment of the current version") {
    Fixture f;
    {
      auto store = f.Open();
      REQUIRE_OK(store->Put("k", "1"));
    }
    const std::string path = f.Segment(2);
    WriteFileBytes(
        path,
        HeaderLine(2, 2) +
            SealedLine(
                R"({"seq":2,"ts":"2026-01-01T00:00:00.000Z","op":"put","key":"k","value":2)"));
    auto store = Store::Open(f.dir.path(), f.options);
    INFO(store.status().ToString());
    CHECK(absl::IsFailedPrecondition(store.status()));
    CHECK(absl::StrContains(store.status().message(), path));
  }
  SECTION("the same header in the current version opens") {
    Fixture f;
    REQUIRE(std::filesystem::create_directories(f.dir.Join("s")));
    WriteFileBytes(f.dir.Join("s/segment-000001.jsonl"), HeaderLine(1, 1));
    auto store = Store::Open(f.dir.Join("s"), f.options);
    CHECK_OK(store);
  }
}

// Opens the store in `dir` and checks it serves `expected`, takes a write,
// and serves it again after a reopen.
void CheckStillWorks(const std::string& dir, const Options& options,
                     State expected) {
  {
    auto store = Store::Open(dir, options);
    INFO(store.status().ToString());
    REQUIRE_OK(store);
    CHECK(ReadState(**store) == expected);
    REQUIRE_OK((*store)->Put("after", "\"garbage\""));
  }
  expected["after"] = {"\"garbage\"", 0};
  auto store = Store::Open(dir, options);
  REQUIRE_OK(store);
  CHECK(ReadState(**store) == expected);
}

TEST_CASE("garbage segment files never crash Open, and the store still works",
          "[corruption]") {
  const uint64_t seed = TestSeed("corruption_test garbage files");
  std::mt19937_64 rng(seed);
  INFO("seed " << seed);
  const auto random_bytes = [&](size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  };
  const std::vector<std::pair<std::string, std::string>> garbage = {
      {"zeros", std::string(5000, '\0')},
      {"zero lines",
       std::string(100, '\0') + "\n" + std::string(100, '\0') + "\n"},
      {"random bytes", random_bytes(5000)},
      {"random lines",
       random_bytes(300) + "\n" + random_bytes(300) + "\n" + random_bytes(10)},
      {"newlines only", std::string(64, '\n')},
      {"binary blob", std::string("\x7f"
                                  "ELF\x02\x01\x01\0\0\0",
                                  10) +
                          random_bytes(3000)},
      {"JSON that is not a record", "{\"hello\":\"world\"}\n[1,2,3]\n"},
  };
  for (const auto& [name, bytes] : garbage) {
    {
      INFO(name << " as the only segment");
      Fixture f;
      REQUIRE(std::filesystem::create_directories(f.dir.Join("s")));
      WriteFileBytes(f.dir.Join("s/segment-000001.jsonl"), bytes);
      CheckStillWorks(f.dir.Join("s"), f.options, {});
    }
    {
      INFO(name << " as segment-000009.jsonl after a good segment 1");
      Fixture f;
      {
        auto store = f.Open();
        REQUIRE_OK(store->Put("k", "1"));
      }
      WriteFileBytes(f.Segment(9), bytes);
      CheckStillWorks(f.dir.path(), f.options, {{"k", {"1", 0}}});
    }
    {
      INFO(name << " as segment-000001.jsonl before a good segment 2");
      Fixture f;
      {
        auto store = f.Open();
        REQUIRE_OK(store->Put("k", "1"));
      }
      std::filesystem::rename(f.Segment(1), f.Segment(2));
      WriteFileBytes(f.Segment(1), bytes);
      CheckStillWorks(f.dir.path(), f.options, {{"k", {"1", 0}}});
    }
  }
}

}  // namespace
}  // namespace dotlog::testing
