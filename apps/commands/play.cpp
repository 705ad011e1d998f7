#include "apps/commands.h"
#include "core/error.h"

namespace tp::app {

// Not built yet: tracked by issue 5 (board view).
int cmd_play(const Args&) {
  TP_THROW(Error, "'play' is not available in this build yet (issue 5 (board view))");
}

}  // namespace tp::app
