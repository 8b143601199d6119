#include "store/segment_writer.h"

#include <cassert>
#include <utility>

#include "absl/strings/str_cat.h"
#include "format/record.h"
#include "store/file_names.h"
#include "util/strings.h"

namespace dotlog {
namespace {

// True if the active file, of identity `active`, and `seg`'s open file are
// the same file (or cannot be told apart).
absl::StatusOr<bool> SameFile(const std::optional<FileInfo>& active,
                              const Segment& seg) {
  if (!active) return true;
  if (seg.identity) return active->SameFile(*seg.identity);
  auto read = seg.file->Stat();
  if (absl::IsUnimplemented(read.status())) return true;
  if (!read.ok()) return read.status();
  return active->SameFile(*read);
}

}  // namespace

SegmentWriter::SegmentWriter(FileSystem* fs, std::string dir,
                             uint64_t segment_bytes, SyncMode sync,
                             NameCheck* names)
    : fs_(fs),
      dir_(std::move(dir)),
      segment_bytes_(segment_bytes),
      sync_(sync),
      names_(names) {}

void SegmentWriter::Fail(absl::Status why) {
  assert(!why.ok());
  error_ = std::move(why);
}

absl::Status SegmentWriter::Activate(std::unique_ptr<AppendFile> file,
                                     uint64_t number) {
  auto identity = file->Stat();
  if (!identity.ok() && !absl::IsUnimplemented(identity.status())) {
    return identity.status();
  }
  active_ = std::move(file);
  active_number_ = number;
  active_identity_ = identity.ok() ? std::optional(*identity) : std::nullopt;
  active_name_checked_ = 0;
  return absl::OkStatus();
}

absl::StatusOr<Segment*> SegmentWriter::Resume(LogView* view) {
  Segment* seg = view->newest();
  if (seg == nullptr) return nullptr;
  if (active_number_ == seg->number) {
    // The catch-up reloaded the view if the segment was replaced under its
    // name; then the file open for appending is no longer part of the store.
    auto same = SameFile(active_identity_, *seg);
    if (!same.ok()) return same.status();
    if (!*same) active_number_ = 0;
  }
  if (active_number_ != seg->number) {
    auto file = fs_->OpenAppendFile(seg->path);
    if (!file.ok()) return file.status();
    if (absl::Status s = Activate(std::move(*file), seg->number); !s.ok()) {
      return s;
    }
  }
  if (seg->withheld_bytes > 0) {
    // A crash left a torn last line: cut it off so the file stays all
    // intact lines. The cut becomes durable with the next sync.
    if (absl::Status s = active_->Truncate(seg->scanned_end); !s.ok()) return s;
    view->DropWithheldTail();
  }
  return seg;
}

absl::StatusOr<Segment*> SegmentWriter::Prepare(LogView* view, int64_t now_ms) {
  auto seg = Resume(view);
  if (!seg.ok()) return seg.status();
  Segment* newest = *seg;
  const uint64_t limit = newest != nullptr && newest->max_bytes != 0
                             ? newest->max_bytes
                             : segment_bytes_;
  if (newest == nullptr || newest->sealed || newest->scanned_end >= limit) {
    return RollOver(view, newest, now_ms);
  }
  return newest;
}

absl::StatusOr<Segment*> SegmentWriter::RollOver(LogView* view, Segment* seg,
                                                 int64_t now_ms) {
  // Invariant: `seg` is the newest segment, and the one open for appending.
  assert(seg == view->newest() &&
         (seg == nullptr || active_number_ == seg->number));
  // What ends the segment: a seal line when it is not full (for
  // compaction), which tells every reader to look for the next segment;
  // and the '\n' its last line lacks, if it does (a crash that kept a whole
  // record but its newline, an editor), so that the file it leaves behind
  // is all complete lines.
  std::string ending;
  if (seg != nullptr && seg->unterminated) ending = "\n";
  if (seg != nullptr && !seg->closed()) EncodeSeal(now_ms, &ending);
  if (!ending.empty()) {
    const uint64_t offset = seg->scanned_end;
    if (absl::Status s = Append(seg->number, offset, ending); !s.ok()) return s;
    if (absl::Status s = view->ApplyAppended(seg->number, offset, ending);
        !s.ok()) {
      return s;
    }
  }
  // The sealed segment's bytes are synced before the next segment exists,
  // so a power loss cannot keep later records and lose earlier ones.
  if (seg != nullptr) {
    if (absl::Status s = Sync("sealing segment"); !s.ok()) return s;
  }
  const uint64_t number = seg == nullptr ? 1 : seg->number + 1;
  if (absl::Status s = Create(number, now_ms); !s.ok()) return s;
  if (absl::Status s = view->CatchUp(); !s.ok()) return s;
  seg = view->newest();
  // Invariant: the view found the segment just created, and it is newest.
  assert(seg != nullptr && seg->number == number);
  return seg;
}

void SegmentWriter::BeginAppend(const Segment& seg, int64_t now_ms,
                                std::string* lines) const {
  // An intact last line that lost its '\n' (an editor's doing) is a record:
  // the append ends it first, so that the two do not run together.
  if (seg.unterminated) lines->push_back('\n');
  // A segment whose header was torn off by a crash gets it back first.
  if (seg.scanned_end == 0) {
    EncodeHeader(seg.number, segment_bytes_, now_ms, lines);
  }
}

absl::Status SegmentWriter::Append(uint64_t number, uint64_t offset,
                                   const std::string& bytes) {
  // Invariant: `number` is the segment open for appending.
  assert(active_ != nullptr && active_number_ == number);
  absl::Status s = active_->Append(bytes);
  if (!s.ok()) {
    // Part of the record may have reached the file; cut it back off.
    if (absl::Status t = active_->Truncate(offset); !t.ok()) {
      error_ = absl::FailedPreconditionError(absl::StrCat(
          "could not remove a partly written record from segment ", number,
          " of ", dir_, " (", t.message(), "); reopen the store"));
    }
    return s;
  }
  // Durability: with SyncMode::kAlways the record is synced (fdatasync)
  // before it is acknowledged.
  if (sync_ == SyncMode::kAlways) {
    if (absl::Status t = Sync("syncing record"); !t.ok()) return t;
  }
  // Another program may have replaced or removed the segment (not a dotlog
  // process: they wait for the lock) while the record was written. It went
  // into a file that is no longer part of the store: do not acknowledge it.
  // The name is looked up unless no name in the directory has changed since
  // it was last found to name the active file.
  const uint64_t names = names_ != nullptr ? names_->Current() : 0;
  if (names != 0 && names == active_name_checked_) return absl::OkStatus();
  const std::string path = SegmentPath(dir_, number);
  auto named = fs_->Stat(path);
  if (!absl::IsUnimplemented(named.status()) && active_identity_) {
    if (!named.ok() || !named->SameFile(*active_identity_)) {
      active_number_ = 0;
      return absl::AbortedError(absl::StrCat(
          path,
          " was replaced or removed by another program while a record "
          "was written to it; the write is lost: try it again"));
    }
    active_name_checked_ = names;
  }
  return absl::OkStatus();
}

absl::Status SegmentWriter::Sync(std::string_view why) {
  if (active_ == nullptr) return absl::OkStatus();
  absl::Status s = active_->Sync();
  if (!s.ok()) {
    // After a failed fsync the kernel may have dropped the dirty pages and
    // cleared the error; retrying could report success for lost data.
    error_ = absl::FailedPreconditionError(
        absl::StrCat("an earlier sync of ", dir_, " failed (", s.message(),
                     "); reopen the store to write again"));
    return absl::Status(s.code(), absl::StrCat(AV(why), ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status SegmentWriter::Close() {
  absl::Status s;
  if (active_ != nullptr && error_.ok() && sync_ == SyncMode::kNone) {
    s = active_->Sync();
  }
  active_.reset();
  active_number_ = 0;
  active_identity_.reset();
  return s;
}

absl::Status SegmentWriter::Create(uint64_t number, int64_t now_ms) {
  const std::string path = SegmentPath(dir_, number);
  // Durability: the header is synced, then the directory, before any record
  // goes into the segment, so an acknowledged record never sits in a file
  // whose directory entry a crash could lose.
  auto file = fs_->CreateFile(path);
  if (!file.ok()) return file.status();
  if (absl::Status s = Activate(std::move(*file), number); !s.ok()) return s;
  std::string header;
  EncodeHeader(number, segment_bytes_, now_ms, &header);
  if (absl::Status s = active_->Append(header); !s.ok()) return s;
  if (absl::Status s = Sync("syncing new segment"); !s.ok()) return s;
  return fs_->SyncDir(dir_);
}

}  // namespace dotlog
