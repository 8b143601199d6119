// Which release of the dotlog library a program runs. (A key's versions,
// as Store::History returns them, are in key_version.h.)
#ifndef DOTLOG_RELEASE_H_
#define DOTLOG_RELEASE_H_

namespace dotlog {

// The library's release as "MAJOR.MINOR.PATCH", the project version that
// meson.build declares; a static string.
const char* LibraryRelease();

}  // namespace dotlog

#endif  // DOTLOG_RELEASE_H_
