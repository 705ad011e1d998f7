#pragma once
// SIGINT/SIGTERM handling for long-running commands: the first signal only raises a flag
// that the training loop polls once per step (it then checkpoints and exits 130/143);
// a second signal terminates at once.
namespace tp {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handlers
  ~InterruptGuard();  // restores the previous ones
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// 0 when no signal arrived, else the signal number.
int pending_interrupt();
// The exit code for a signal: 128 + signal (130 for SIGINT, 143 for SIGTERM).
inline int interrupt_exit_code(int sig) { return 128 + sig; }

}  // namespace tp
