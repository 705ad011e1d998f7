#include "apps/commands.h"
#include "core/error.h"

namespace tp::app {

// Not built yet: tracked by issue 4 (DQN).
int train_dqn(const Args&) {
  TP_THROW(Error, "'train dqn' is not available in this build yet (issue 4 (DQN))");
}

}  // namespace tp::app
