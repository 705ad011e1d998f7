#pragma once
// When a periodic event (an evaluation, a checkpoint) is due for a counter that advances by
// more than one at a time: vectorized trainers step num_envs env steps at once, so
// "steps % every == 0" would skip most multiples.
#include <cstdint>

namespace tp {

// True when a counter that went from `before` to `after` (before <= after) reached or passed a
// multiple of `every`; never when every <= 0 (the event is off).
constexpr bool passed_multiple(int64_t before, int64_t after, int64_t every) {
  return every > 0 && after / every > before / every;
}

}  // namespace tp
