#include "apps/commands.h"
#include "core/error.h"

namespace tp::app {

// Not built yet: tracked by issue 5 (board games).
int eval_game(const Args&) {
  TP_THROW(Error, "'eval --game' is not available in this build yet (issue 5 (board games))");
}

}  // namespace tp::app
