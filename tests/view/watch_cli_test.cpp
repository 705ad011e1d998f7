// `torchplay watch --env` end to end under Xvfb: episodes run, frames are recorded, errors
// are one line.
#include <gtest/gtest.h>

#include <SFML/Graphics/Image.hpp>

#include <filesystem>
#include <regex>

#include "apps/view/frame_recorder.h"
#include "tests/test_util.h"

namespace tp::view {
namespace {

using tp::test::torchplay_bin;

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(WatchCli, RecordWritesOneNumberedFramePerStep) {
  tp::test::TempDir dir;
  const std::string rec = dir.file("frames");
  auto r =
      tp::test::run_torchplay("watch --env CartPole-v1 --agent random --episodes 2 --fps 0 --seed 5 --record " + rec);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // "episode 1: return 17.00, length 17": one frame after each reset and after each step.
  std::regex line("episode (\\d): return [0-9.]+, length (\\d+)");
  int frames = 0, episodes = 0;
  for (std::sregex_iterator it(r.output.begin(), r.output.end(), line), end; it != end; ++it) {
    frames += std::stoi((*it)[2]) + 1;
    ++episodes;
  }
  EXPECT_EQ(episodes, 2) << r.output;
  for (int i = 0; i < frames; ++i) EXPECT_TRUE(std::filesystem::exists(rec + "/" + FrameRecorder::frame_name(i))) << i;
  EXPECT_FALSE(std::filesystem::exists(rec + "/" + FrameRecorder::frame_name(frames)));
  sf::Image first;
  ASSERT_TRUE(first.loadFromFile(rec + "/frame_000000.png"));
  EXPECT_EQ(first.getSize().x, 600u);
  EXPECT_GT(first.getSize().y, 400u);  // the scene plus the HUD strip
  // The cart is drawn: black pixels on the track row of the first frame.
  EXPECT_EQ(first.getPixel(300, 300), sf::Color::Black);
  // scripts/setup.sh installs ffmpeg: the frames become an MP4 that ffprobe reads back with
  // every frame, padded to even sizes (yuv420p).
  ASSERT_FALSE(find_on_path("ffmpeg").empty()) << "ffmpeg is missing (scripts/setup.sh installs it)";
  ASSERT_TRUE(std::filesystem::exists(rec + "/video.mp4")) << r.output;
  const auto probe = tp::test::run_command(
      "ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=width,height,nb_read_frames -of "
      "csv=p=0 " +
      rec + "/video.mp4");
  const unsigned even_height = (first.getSize().y + 1) / 2 * 2;
  EXPECT_EQ(probe.output, "600," + std::to_string(even_height) + "," + std::to_string(frames) + "\n");
  // Without ffmpeg on PATH the frames are the recording, and the report says so.
  const char* bin = std::getenv("TORCHPLAY_BIN");
  ASSERT_NE(bin, nullptr);
  r = tp::test::run_command("PATH=/nonexistent " + std::string(bin) +
                            " watch --env CartPole-v1 --agent random --episodes 1 --fps 0 --record " +
                            dir.file("plain"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ffmpeg not found"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("plain") + "/video.mp4"));
}

TEST(WatchCli, ContinuousControlWithRandomAndHumanAgents) {
  // (Pixels of these scenes are checked in window_test.cpp; no recording here: 200 PNGs take 9 s.)
  auto r = tp::test::run_torchplay("watch --env Pendulum-v1 --agent random --episodes 1 --fps 0 --seed 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("episode 1: return -"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("length 200 (time limit)"), std::string::npos) << r.output;
  // The keyboard agent with no key pressed applies zero torque in real time (no waiting).
  auto human = tp::test::run_torchplay("watch --env Pendulum-v1 --agent human --episodes 1 --fps 0");
  ASSERT_EQ(human.exit_code, 0) << human.output;
  EXPECT_NE(human.output.find("length 200 (time limit)"), std::string::npos) << human.output;
}

TEST(WatchCli, SigtermClosesTheWindowAndFinishesTheRecording) {
  tp::test::TempDir dir;
  const std::string bin = torchplay_bin();
  // Unlimited episodes: only the signal ends it. Wait until frames appear, then SIGTERM.
  const auto r = tp::test::run_command("(" + bin + " watch --env MinAtar/Breakout-v1 --episodes 0 --fps 30 --record " +
                                       dir.file("rec") + " & pid=$!; for i in $(seq 100); do [ -f " +
                                       dir.file("rec/frame_000003.png") +
                                       " ] && break; sleep 0.2; done; kill -TERM $pid; wait $pid; echo rc=$?)");
  EXPECT_NE(r.output.find("rc=143"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("recorded "), std::string::npos) << r.output;  // the recorder finished
  EXPECT_TRUE(std::filesystem::exists(dir.file("rec/frame_000003.png")));
}

// `watch` and `eval` of `agent` with the same seed play the same CartPole episode (same length).
void expect_watch_episode_is_evals(const std::string& agent, const std::string& seed) {
  auto w = tp::test::run_torchplay("watch --env CartPole-v1 --agent " + agent + " --episodes 1 --fps 0 --seed " + seed);
  ASSERT_EQ(w.exit_code, 0) << w.output;
  auto e = tp::test::run_torchplay("eval --env CartPole-v1 --agent " + agent + " --episodes 1 --seed " + seed +
                                   " --quiet --json");
  ASSERT_EQ(e.exit_code, 0) << e.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(w.output, m, std::regex("length (\\d+)"))) << w.output;
  EXPECT_NE(e.output.find("\"length_mean\":" + m[1].str()), std::string::npos) << w.output << e.output;
}

TEST(WatchCli, SameSeedSameEpisodesAsEval) { expect_watch_episode_is_evals("random", "9"); }

// A trained DQN checkpoint in the window: the episode watch shows is the one eval scores.
TEST(WatchCli, DqnCheckpointPlaysTheEpisodeEvalScores) {
  tp::test::TempDir dir;
  auto t = tp::test::run_torchplay(
      "train dqn --env CartPole-v1 --steps 3000 --eval-every 0 --final-eval-episodes 1 "
      "--quiet --json --run-dir " +
      dir.file("run"));
  ASSERT_EQ(t.exit_code, 0) << t.output;
  expect_watch_episode_is_evals(dir.file("run") + "/checkpoints/ckpt-000000003000.tpck", "4");
}

// A PPO checkpoint (an actor-critic acting by its most likely action) does the same, and a
// continuous-action one drives Pendulum in the window.
TEST(WatchCli, PpoCheckpointPlaysTheEpisodeEvalScores) {
  tp::test::TempDir dir;
  auto t = tp::test::run_torchplay(
      "train ppo --env CartPole-v1 --steps 512 --eval-every 0 --final-eval-episodes 1 --quiet --run-dir " +
      dir.file("run"));
  ASSERT_EQ(t.exit_code, 0) << t.output;
  expect_watch_episode_is_evals(dir.file("run") + "/checkpoints/ckpt-000000000512.tpck", "4");
  t = tp::test::run_torchplay(
      "train ppo --env Pendulum-v1 --steps 1024 --num-steps 256 --eval-every 0 --final-eval-episodes 1 --quiet "
      "--run-dir " +
      dir.file("pendulum"));
  ASSERT_EQ(t.exit_code, 0) << t.output;
  auto w = tp::test::run_torchplay("watch --env Pendulum-v1 --episodes 1 --fps 0 --agent " + dir.file("pendulum") +
                                   "/checkpoints/ckpt-000000001024.tpck");
  ASSERT_EQ(w.exit_code, 0) << w.output;
  EXPECT_NE(w.output.find("length 200"), std::string::npos) << w.output;
}

TEST(WatchCli, ErrorsAreOneLine) {
  auto r = tp::test::run_torchplay("watch --env NoSuchEnv-v0 --episodes 1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("CartPole-v1"), std::string::npos) << r.output;  // lists the known envs

  r = tp::test::run_torchplay("watch --env CartPole-v1 --fps -1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(count_lines(r.output), 1) << r.output;

  r = tp::test::run_command("env -u DISPLAY " + torchplay_bin() + " watch --env CartPole-v1 --episodes 1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("DISPLAY"), std::string::npos) << r.output;

  r = tp::test::run_torchplay("watch --env CartPole-v1 --agent /no/such/checkpoint.tpck --episodes 1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
}

TEST(WatchCli, GameBetweenTwoAgentsAlternatesColours) {
  tp::test::TempDir dir;
  auto r = tp::test::run_torchplay(
      "watch --game tictactoe --agent minimax --opponent random --games 2 --move-delay 0 "
      "--fps 0 --record " +
      dir.file("frames"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("game 1: minimax (X) vs random (O)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("game 2: minimax (O) vs random (X)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0 losses in 2 games"), std::string::npos) << r.output;  // minimax never loses
  EXPECT_TRUE(std::filesystem::exists(dir.file("frames/frame_000005.png"))) << r.output;
}

TEST(WatchCli, PlayAndWatchGameErrorsAreOneLine) {
  auto r = tp::test::run_torchplay("play --game tictactoe --agent random --colour purple");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("purple"), std::string::npos);
  r = tp::test::run_torchplay("play --game chess --agent random");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
  r = tp::test::run_torchplay("watch --game tictactoe --agent nosuchagent --opponent random");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
}

TEST(WatchCli, HelpShowsOptions) {
  auto r = tp::test::run_torchplay("watch --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt : {"--env", "--agent", "--episodes", "--fps", "--record"})
    EXPECT_NE(r.output.find(opt), std::string::npos) << opt;
}

}  // namespace
}  // namespace tp::view
