#include "apps/commands.h"
#include "core/error.h"

namespace tp::app {

// Not built yet: tracked by issue 5 (AlphaGo Zero).
int train_alphazero(const Args&) {
  TP_THROW(Error, "'train alphazero' is not available in this build yet (issue 5 (AlphaGo Zero))");
}

}  // namespace tp::app
