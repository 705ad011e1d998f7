# The end-to-end trainings: labelled `slow` in place of `fast`, so `ctest -L fast` is the quick
# developer loop. tests/CMakeLists.txt writes them into a file that ctest reads after test
# discovery (the tests do not exist before it).
set(TP_SLOW_TESTS
  AlphaZeroTraining.TicTacToeDefaultsPlayValueOptimallyEverywhere
  AlphaZeroTraining.RunsResumesExactlyAndItsCheckpointPlays
  DqnCli.DefaultsSolveCartPole
  DqnCli.SigtermCheckpointsAndResumeContinues
  DqnCli.ShortRunWritesRunDirAndItsCheckpointEvaluates
  GenerativeCli.ImageModelsWriteRealPngGridsAndInterpolations
  GenerativeCli.GanOnRing8TrainsGeneratesAndEvaluates
  GenerativeCli.ClassifierTrainsAndScoresAGeneratorsFidAndInceptionScore
  GenerativeCli.SaeResumeAndBadInput
  GnuGoDiff.RandomGamesAgreeOnLegalityAndScore
  AlphaGoLeePipeline.LearnsFromGnuGoGamesAndBeatsPlainUctOn5x5
  PgTraining.PpoDefaultsSolveCartPoleAndEvalReproducesTheFigure
  PgTraining.A2cLearnsCartPole
  PqnTraining.CartPoleSolvedIn100kStepsAndEvalReproducesTheFigure
  PgTraining.A3cWithTwoWorkersLearnsCartPole
  PgTraining.PpoWithGsdeReachesTheMountainCarGoalAndResumesExactly
  DistributedCli.PpoOnTwoRanksSolvesCartPoleAndResumes
  DistributedAlphaZero.TicTacToeLearnerAndTwoActorsPlayValueOptimallyEverywhere
  DistributedDqn.CartPoleLearnerAndTwoActorsLearnIt
  DistributedR2d2.MaskedCartPoleLearnerAndTwoActorsLearnIt
  R2d2Trainer.LearnsMaskedCartPole
  R2d2Cli.ShortRunCheckpointsAndResumeContinues
  # 12-17 s here, but 88-135 s each under the sanitizers (the longest two of that stage).
  AlphaGoSl.LearnsGnuGosMovesFarAboveChanceAndResumes
  CycleGan.TurnsSmallSquaresIntoLargeOnesAndBack
)
if(TARGET tp_view)
  list(APPEND TP_SLOW_TESTS WatchCli.DqnCheckpointPlaysTheEpisodeEvalScores)
endif()
