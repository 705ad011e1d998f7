#include "apps/view/frame_recorder.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "core/run_dir.h"

extern char** environ;  // the environment ffmpeg inherits (posix_spawn)

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
// Runs `argv` (argv[0] a full path) without a shell, its stdout and stderr going to `log`;
// returns its exit status, or -1 when it could not run. No shell: ffmpeg's filter syntax
// ("pad=ceil(iw/2)*2:...") once reached /bin/sh unquoted and broke every video.
int run_logged(const std::vector<std::string>& argv, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
  char rate_text[32];
  std::snprintf(rate_text, sizeof rate_text, "%g", rate);
  const int status =
      run_logged({ffmpeg, "-y", "-loglevel", "error", "-framerate", rate_text, "-i", dir_ + "/frame_%06d.png", "-vf",
                  "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", video},
                 dir_ + "/ffmpeg.log");
  if (status == 0)
    report << " and " << video;
  else
    report << " (ffmpeg failed, see " << dir_ << "/ffmpeg.log: no video written)";
  return report.str();
}

}  // namespace tp::view
