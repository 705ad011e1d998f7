#pragma once
// `--record DIR`: every presented frame becomes DIR/frame_000000.png, frame_000001.png, ...
// and, when ffmpeg is on PATH, finish() also encodes DIR/video.mp4 from them (without
// ffmpeg the frames are the whole recording; finish() says so).
#include <SFML/Graphics/Image.hpp>

#include <string>

namespace tp::view {

class FrameRecorder {
 public:
  // Creates `dir` (and parents) when missing.
  explicit FrameRecorder(std::string dir);

  // Writes the next numbered frame; throws tp::Error naming the file on failure.
  void save(const sf::Image& frame);
  int frames() const { return frames_; }
  const std::string& dir() const { return dir_; }
  static std::string frame_name(int index);  // "frame_000042.png"

  // Encodes DIR/video.mp4 at `fps` when ffmpeg is available. Returns a one-line report of
  // what was written (frames, video, or why there is no video).
  std::string finish(double fps);

 private:
  std::string dir_;
  int frames_ = 0;
};

// The full path of `program` found on PATH, or "" when absent.
std::string find_on_path(const std::string& program);

}  // namespace tp::view
