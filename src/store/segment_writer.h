// The writer of a store's newest segment, the one file records are appended
// to (as LevelDB's log::Writer). It creates segments, makes the newest one
// ready for an append, rolls over to the next, appends, syncs, and
// remembers a failure after which nothing more may be written.
#ifndef DOTLOG_STORE_SEGMENT_WRITER_H_
#define DOTLOG_STORE_SEGMENT_WRITER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "dotlog/options.h"
#include "format/line_decoder.h"
#include "store/log_view.h"
#include "store/name_check.h"
#include "store/segment.h"

namespace dotlog {

// Not thread-safe. REQUIRES of every call: the caller holds the store's
// file lock (no other process appends) and serialises the calls; a call
// that takes a LogView also holds whatever guards that view.
class SegmentWriter {
 public:
  // Writes segments of store directory `dir` through `fs`, which must
  // outlive the writer. New segments hold at most `segment_bytes`; with
  // SyncMode::kAlways, Append syncs each append. `names`, if not null, lets
  // Append skip looking up the active segment's name while no name in
  // `dir` has changed; it must outlive the writer.
  SegmentWriter(FileSystem* fs, std::string dir, uint64_t segment_bytes,
                SyncMode sync, NameCheck* names = nullptr);

  // OK until a failure left the files in a state this writer cannot vouch
  // for (a failed sync, a partly written record it could not remove), or
  // Fail was called; from then on the reason, and every write must be
  // refused: only reopening the store clears it.
  const absl::Status& error() const { return error_; }
  // Makes error() `why`, for a reason found outside the writer (the lock
  // file replaced). REQUIRES: !why.ok().
  void Fail(absl::Status why);

  // Makes the newest segment of `view` the one appended to: opens it for
  // appending, again if the file under its name is no longer the one open,
  // and cuts off the torn tail a crash left after its last intact line
  // (Segment::withheld_bytes), so the file stays all intact lines; the cut
  // becomes durable with the next sync. Returns the segment, nullptr if the
  // store has none.
  absl::StatusOr<Segment*> Resume(LogView* view);

  // Resume, then, if the newest segment is full or sealed (or there is
  // none), RollOver. Returns the segment the next record goes into.
  absl::StatusOr<Segment*> Prepare(LogView* view, int64_t now_ms);

  // Ends `seg` and starts the next segment, returning it. `seg` is the
  // newest segment of `view`, already Resumed (nullptr: the store has none,
  // and segment 1 is created). Ending it writes the '\n' its last line
  // lacks, if it does, and a seal line unless it is full; then it is synced
  // before the next segment is created.
  absl::StatusOr<Segment*> RollOver(LogView* view, Segment* seg,
                                    int64_t now_ms);

  // Appends to `lines` what an append to `seg` must begin with: the '\n'
  // its last line lacks, and the header line when a crash tore it off.
  void BeginAppend(const Segment& seg, int64_t now_ms,
                   std::string* lines) const;

  // Appends `bytes` to segment `number`, the one Resume or RollOver made
  // active, whose end is at `offset`, as one write; with SyncMode::kAlways
  // syncs them. On failure the segment is cut back to `offset`. Aborted if
  // another program replaced or removed the segment meanwhile: the bytes
  // are then not part of the store.
  absl::Status Append(uint64_t number, uint64_t offset,
                      const std::string& bytes);

  // Makes every byte appended so far durable. OK if no segment is open. A
  // failure (reported as "`why`: ...") sets error().
  absl::Status Sync(std::string_view why);

  // Closes the active segment, first syncing it when each append was not
  // synced (SyncMode::kNone) and error() is OK.
  absl::Status Close();

 private:
  // Creates segment `number` with its header, and makes it active.
  absl::Status Create(uint64_t number, int64_t now_ms);

  FileSystem* const fs_;
  const std::string dir_;
  const uint64_t segment_bytes_;
  const SyncMode sync_;
  NameCheck* const names_;
  // Makes `file` (segment `number`) the active one, with its identity.
  absl::Status Activate(std::unique_ptr<AppendFile> file, uint64_t number);

  std::unique_ptr<AppendFile> active_;
  uint64_t active_number_ = 0;  // 0: no segment is active
  // The active file's identity, read once when it is opened (an open
  // file's never changes); nullopt where the file system cannot tell.
  std::optional<FileInfo> active_identity_;
  // NameCheck::Current() when the active segment's name was last found to
  // name active_; 0 until then.
  uint64_t active_name_checked_ = 0;
  absl::Status error_;
};

}  // namespace dotlog

#endif  // DOTLOG_STORE_SEGMENT_WRITER_H_
