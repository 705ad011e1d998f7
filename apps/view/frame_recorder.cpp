#include "apps/view/frame_recorder.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "core/error.h"
#include "core/run_dir.h"

namespace tp::view {

FrameRecorder::FrameRecorder(std::string dir) : dir_(std::move(dir)) {
  TP_CHECK_AS(UsageError, !dir_.empty(), "--record needs a directory");
  make_dirs(dir_);
}

std::string FrameRecorder::frame_name(int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "frame_%06d.png", index);
  return buf;
}

void FrameRecorder::save(const sf::Image& frame) {
  const std::string path = dir_ + "/" + frame_name(frames_);
  TP_CHECK(frame.saveToFile(path), "cannot write frame ", path);
  ++frames_;
}

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

namespace {
// Single quotes for /bin/sh (a quote inside becomes '\'').
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
}  // namespace

std::string FrameRecorder::finish(double fps) {
  std::ostringstream report;
  report << "recorded " << frames_ << " frames to " << dir_ << "/frame_%06d.png";
  if (frames_ == 0) return report.str();
  const std::string ffmpeg = find_on_path("ffmpeg");
  if (ffmpeg.empty()) {
    report << " (ffmpeg not found on PATH: no video written)";
    return report.str();
  }
  const double rate = fps > 0 ? fps : 30.0;
  const std::string video = dir_ + "/video.mp4";
  // Even width and height: yuv420p (what players expect) needs them.
  const std::string cmd = shell_quote(ffmpeg) + " -y -loglevel error -framerate " + std::to_string(rate) + " -i " +
                          shell_quote(dir_ + "/frame_%06d.png") +
                          " -vf pad=ceil(iw/2)*2:ceil(ih/2)*2 -pix_fmt yuv420p " + shell_quote(video) + " > " +
                          shell_quote(dir_ + "/ffmpeg.log") + " 2>&1";
  const int status = std::system(cmd.c_str());
  if (status == 0)
    report << " and " << video;
  else
    report << " (ffmpeg failed, see " << dir_ << "/ffmpeg.log: no video written)";
  return report.str();
}

}  // namespace tp::view
