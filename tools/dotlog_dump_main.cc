// dotlog-dump: prints a dotlog store as JSON. See tools/cli/.
#include "cli/dump_app.h"

int main(int argc, char** argv) {
  return dotlog::cli::RunDotlogDump(argc, argv);
}
