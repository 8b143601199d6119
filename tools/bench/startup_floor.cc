// The start-up floor of the dotlog tool: a program that does nothing,
// linked against the same shared libraries the tool needs (simdjson and,
// through it, libstdc++; xxHash). cold_get.sh times it beside `dotlog get`
// and `sqlite3`, so that the part of a cold call no code of dotlog's can
// remove is measured in the same run.
#include <simdjson.h>
#include <xxhash.h>

int main(int argc, char**) {
  // Referenced, never called, so that the linker keeps both libraries.
  if (argc > 1000) return simdjson::validate_utf8("", 0) + XXH3_64bits("", 0) > 0;
  return 0;
}
