// Wallpaper history: the recently used list and the favourites.
#ifndef DOTLOG_STATE_HISTORY_H_
#define DOTLOG_STATE_HISTORY_H_

#include <chrono>
#include <string>

namespace dotlog {

// One wallpaper of the recently used list (newest first, no path twice, at
// most StateOptions::recent_limit long).
struct RecentWallpaper {
  std::string path;  // normalised
  std::chrono::system_clock::time_point used_at;
};

// A favourite wallpaper. Favourites never expire.
struct Favourite {
  std::string path;  // normalised
  // When it was first added; adding it again keeps this time.
  std::chrono::system_clock::time_point added_at;
};

}  // namespace dotlog

#endif  // DOTLOG_STATE_HISTORY_H_
