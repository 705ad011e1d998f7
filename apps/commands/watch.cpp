#include "apps/commands.h"
#include "core/error.h"

namespace tp::app {

// Not built yet: tracked by issue 3 (SFML views).
int cmd_watch(const Args&) {
  TP_THROW(Error, "'watch' is not available in this build yet (issue 3 (SFML views))");
}

}  // namespace tp::app
