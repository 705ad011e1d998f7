#include "apps/commands.h"
#include "core/error.h"

namespace tp::app {

// Not built yet: tracked by issue 6 (Go and GTP).
int cmd_match(const Args&) {
  TP_THROW(Error, "'match' is not available in this build yet (issue 6 (Go and GTP))");
}

}  // namespace tp::app
