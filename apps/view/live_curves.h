#pragma once
// `torchplay train ... --show`: the run's learning curve, live, in a window of its own thread
// while the main thread trains. It re-reads RUN/metrics.csv about once a second and draws it
// as `torchplay plot` does (the same chart code), so what the window shows is what the plot
// command would write. No SFML or LibTorch types here: train commands include it in every build.
#include <memory>
#include <string>

namespace tp::view {

struct LiveCurvesOptions {
  std::string run_dir;
  std::string record_dir;    // "": no recording (tests record the frames to read them back)
  double refresh_s = 1.0;    // seconds between re-reads of metrics.csv
  bool hold_at_end = false;  // keep the final chart up until Space/Escape (interactive runs)
};

class LiveCurves {
 public:
  // Throws tp::Error when no display can be reached (before training starts, so a command
  // asked to --show without one fails at once).
  static void check_can_open();
  // Opens the window in a thread of its own. Throws tp::Error on the calling thread when no
  // display can be reached; a window that fails later only stops itself (training goes on).
  explicit LiveCurves(LiveCurvesOptions options);
  // finish() if not called yet.
  ~LiveCurves();
  LiveCurves(const LiveCurves&) = delete;
  LiveCurves& operator=(const LiveCurves&) = delete;
  // Training has ended: draw the final curve, hold it when asked, close and join the thread.
  void finish();
  // Frames presented so far (recorded ones, when recording).
  int frames() const;
  // The window's scene size (the chart's size in pixels).
  static constexpr int kWidth = 900, kHeight = 540;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tp::view
