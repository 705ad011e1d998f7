#include "apps/commands.h"
#include "core/error.h"

namespace tp::app {

// Not built yet: tracked by issue 7 (generative models).
int eval_model(const Args&) {
  TP_THROW(Error, "'eval --model' is not available in this build yet (issue 7 (generative models))");
}

}  // namespace tp::app
