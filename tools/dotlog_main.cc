// dotlog: the command-line client of a dotlog store. See tools/cli/.
#include "cli/dotlog_app.h"

int main(int argc, char** argv) { return dotlog::cli::RunDotlog(argc, argv); }
