#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/run_dir.h"
#include "tests/checkpoint_image.h"
#include "tests/test_util.h"

namespace tp {
namespace {

struct NetImpl : torch::nn::Module {
  explicit NetImpl(int hidden) {
    fc1 = register_module("fc1", torch::nn::Linear(4, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, 2));
  }
  torch::Tensor forward(torch::Tensor x) { return fc2(torch::relu(fc1(x))); }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Net);

CheckpointHeader header(const std::string& arch = "net:4-8-2") {
  CheckpointHeader h;
  h.algorithm = "dqn";
  h.env = "CartPole-v1";
  h.architecture = arch;
  h.config = "steps = 10\nlr = 0.001\n";
  h.counters["step"] = 1234;
  return h;
}

std::string write_checkpoint(const std::string& path, Net& net, torch::optim::Adam& opt) {
  CheckpointWriter w(header());
  w.add_module("online", *net);
  w.add_optimizer("optimizer", opt);
  w.add_bytes("blob", std::string("hello\0world", 11));
  Rng rng(42);
  rng();
  w.add_rng("rng", rng);
  w.add_torch_rng("torch_rng");
  w.write(path);
  return path;
}

TEST(Checkpoint, RoundTripRestoresEverything) {
  test::TempDir dir;
  torch::manual_seed(0);
  Net net(8);
  torch::optim::Adam opt(net->parameters(), 1e-3);
  // One optimizer step so Adam has state.
  auto loss = net->forward(torch::randn({3, 4})).sum();
  loss.backward();
  opt.step();
  const std::string path = write_checkpoint(dir.file("a.tpck"), net, opt);

  CheckpointHeader h = CheckpointReader::read_header(path);
  EXPECT_EQ(h.algorithm, "dqn");
  EXPECT_EQ(h.counter("step"), 1234);
  EXPECT_EQ(h.config, "steps = 10\nlr = 0.001\n");
  EXPECT_FALSE(h.torchplay_version.empty());

  Net other(8);
  torch::optim::Adam opt2(other->parameters(), 1e-3);
  CheckpointReader r(path);
  r.expect("dqn", "net:4-8-2");
  r.load_module("online", *other);
  r.load_optimizer("optimizer", opt2);
  auto x = torch::randn({5, 4});
  EXPECT_TRUE(torch::allclose(net->forward(x), other->forward(x)));
  EXPECT_EQ(r.bytes("blob"), std::string("hello\0world", 11));
  Rng a(42), b(0);
  a();
  r.load_rng("rng", b);
  EXPECT_EQ(a(), b());
  // The restored optimizer continues identically.
  for (auto* pair : {&net, &other}) {
    (void)pair;
  }
  auto step = [](Net& n, torch::optim::Adam& o, const torch::Tensor& in) {
    o.zero_grad();
    n->forward(in).sum().backward();
    o.step();
  };
  auto in = torch::randn({3, 4});
  step(net, opt, in);
  step(other, opt2, in);
  EXPECT_TRUE(torch::allclose(net->fc1->weight, other->fc1->weight));
}

TEST(Checkpoint, TorchRngRestored) {
  test::TempDir dir;
  torch::manual_seed(3);
  Net net(8);
  torch::optim::Adam opt(net->parameters(), 1e-3);
  write_checkpoint(dir.file("a.tpck"), net, opt);
  auto expected = torch::rand({4});
  torch::manual_seed(99);
  CheckpointReader r(dir.file("a.tpck"));
  r.load_torch_rng("torch_rng");
  EXPECT_TRUE(torch::equal(expected, torch::rand({4})));
}

TEST(Checkpoint, MissingFileIsClearError) {
  try {
    CheckpointReader r("/nonexistent/x.tpck");
    FAIL();
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.tpck"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
}

TEST(Checkpoint, TruncatedFileRejectedAtEveryLength) {
  test::TempDir dir;
  Net net(8);
  torch::optim::Adam opt(net->parameters(), 1e-3);
  const std::string path = write_checkpoint(dir.file("a.tpck"), net, opt);
  const std::string data = read_file(path);
  for (size_t len : {size_t{0}, size_t{5}, size_t{12}, size_t{40}, data.size() / 2, data.size() - 1}) {
    const std::string cut = dir.file("cut.tpck");
    std::ofstream(cut, std::ios::binary).write(data.data(), static_cast<std::streamsize>(len));
    try {
      CheckpointReader r(cut);
      FAIL() << "accepted a checkpoint truncated to " << len << " bytes";
    } catch (const CheckpointError& e) {
      EXPECT_NE(std::string(e.what()).find("cut.tpck"), std::string::npos) << e.what();
    }
  }
}

TEST(Checkpoint, BitFlipsRejected) {
  test::TempDir dir;
  Net net(8);
  torch::optim::Adam opt(net->parameters(), 1e-3);
  const std::string path = write_checkpoint(dir.file("a.tpck"), net, opt);
  const std::string data = read_file(path);
  for (size_t pos : {size_t{3}, size_t{20}, size_t{100}, data.size() / 2, data.size() - 3}) {
    std::string bad = data;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x10);
    const std::string p = dir.file("flip.tpck");
    std::ofstream(p, std::ios::binary).write(bad.data(), static_cast<std::streamsize>(bad.size()));
    EXPECT_THROW(CheckpointReader r(p), CheckpointError) << "flip at " << pos;
  }
}

TEST(Checkpoint, WrongAlgorithmOrArchitectureRejected) {
  test::TempDir dir;
  Net net(8);
  torch::optim::Adam opt(net->parameters(), 1e-3);
  const std::string path = write_checkpoint(dir.file("a.tpck"), net, opt);
  CheckpointReader r(path);
  EXPECT_THROW(r.expect("alphazero"), CheckpointError);
  try {
    r.expect("dqn", "net:4-16-2");
    FAIL();
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("architecture"), std::string::npos);
  }
  // Even without the signature check, loading into a different shape fails cleanly.
  Net wider(16);
  EXPECT_THROW(r.load_module("online", *wider), CheckpointError);
  EXPECT_THROW(r.load_module("no_such_module", *wider), CheckpointError);
}

// A checkpoint image with its header (or payload) replaced, the CRCs recomputed: what anyone
// can craft.
std::string with_header(const std::string& image, const std::string& json) {
  return test::join_checkpoint({json, test::split_checkpoint(image).payload});
}

std::string with_payload(const std::string& image, const std::string& payload) {
  return test::join_checkpoint({test::split_checkpoint(image).header, payload});
}

// The payload is data: a TorchScript archive in its place (what format 1 stored, and code
// that LibTorch's module loader would compile and run) is refused without being run, and so
// is a pickle of anything but a dictionary of tensors.
TEST(Checkpoint, PayloadIsReadAsDataNeverAsCode) {
  test::TempDir dir;
  Net net(8);
  torch::optim::Adam opt(net->parameters(), 1e-3);
  const std::string image = read_file(write_checkpoint(dir.file("a.tpck"), net, opt));
  torch::serialize::OutputArchive archive;
  archive.write("x", torch::ones({2}));
  std::ostringstream script;
  archive.save_to(script);
  const std::vector<char> list = torch::pickle_save(c10::IValue(c10::List<int64_t>({1, 2, 3})));
  c10::Dict<std::string, int64_t> not_tensors;
  not_tensors.insert("x", 1);
  const std::vector<char> dict = torch::pickle_save(c10::IValue(not_tensors));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {script.str(), "'__torch__.Module', which no checkpoint uses"},
      {std::string(list.begin(), list.end()), "'torch.jit._pickle.build_intlist', which no checkpoint uses"},
      {std::string(dict.begin(), dict.end()), "something other than tensors"},
      {"PK\x03\x04 not a zip at all", "not a zip archive"},
  };
  for (const auto& [payload, expected] : cases) {
    write_file_atomic(dir.file("p.tpck"), with_payload(image, payload));
    try {
      CheckpointReader r(dir.file("p.tpck"));
      ADD_FAILURE() << "accepted payload for: " << expected;
    } catch (const CheckpointError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

// Declared lengths are held to the bytes present before LibTorch reads them: its zip reader
// and unpickler reserve a record's or a string's declared size first (a 5 KB file made the
// unpickler reserve 3.7 GB; found by fuzz_checkpoint).
TEST(Checkpoint, DeclaredLengthsAreHeldToTheBytesPresent) {
  test::TempDir dir;
  Net net(8);
  torch::optim::Adam opt(net->parameters(), 1e-3);
  const std::string image = read_file(write_checkpoint(dir.file("a.tpck"), net, opt));
  const std::string payload = test::split_checkpoint(image).payload;
  auto patched = [&](const std::string& find, size_t at, const std::string& bytes) {
    std::string p = payload;
    const size_t pos = p.find(find);
    EXPECT_NE(pos, std::string::npos) << find;
    if (pos != std::string::npos) p.replace(pos + at, bytes.size(), bytes);
    return p;
  };
  // The key "blob" is pickled as BINUNICODE: 'X', a 4-byte length, the text.
  const std::string pkl_entry = std::string("PK\x01\x02", 4);  // the first central directory entry
  const std::vector<std::pair<std::string, std::string>> cases = {
      {patched(std::string("X\x04\x00\x00\x00"
                           "blob",
                           9),
               1, std::string("\x00\x00\x00\xe0", 4)),
       "run past their record"},
      {patched(pkl_entry, 20, std::string("\xff\xff\xff\x7f\xff\xff\xff\x7f", 8)), "lies outside it"},
      {patched(pkl_entry, 10, std::string("\x08\x00", 2)), "compressed record"},
      // None, then LONG_BINPUT into slot 0x75000000 (found by fuzz_checkpoint: 31 GB reserved).
      {patched(std::string("X\x04\x00\x00\x00"
                           "blob",
                           9),
               0, std::string("Nr\x00\x00\x00\x75NNN", 9)),
       "memo slot 1962934272"},
      {payload.substr(0, payload.size() - 10), "not a zip archive"},
  };
  for (const auto& [crafted, expected] : cases) {
    write_file_atomic(dir.file("p.tpck"), with_payload(image, crafted));
    try {
      CheckpointReader r(dir.file("p.tpck"));
      ADD_FAILURE() << "accepted payload for: " << expected;
    } catch (const CheckpointError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

// LibTorch's unpickler sizes each storage by the element count the pickle states, not by the
// bytes of the record it reads: a stated count past the record is refused, never read.
TEST(Checkpoint, StoragesAreHeldToTheirRecords) {
  test::TempDir dir;
  Net net(8);
  torch::optim::Adam opt(net->parameters(), 1e-3);
  const std::string image = read_file(write_checkpoint(dir.file("a.tpck"), net, opt));
  std::string payload = test::split_checkpoint(image).payload;
  // A storage's persistent id ends with its element count (BININT1 'K' n), TUPLE, BINPERSID.
  size_t at = payload.find("tQ");
  while (at != std::string::npos && payload[at - 2] != 'K') at = payload.find("tQ", at + 1);
  ASSERT_NE(at, std::string::npos);
  payload[at - 1] = '\xff';
  write_file_atomic(dir.file("p.tpck"), with_payload(image, payload));
  try {
    CheckpointReader r(dir.file("p.tpck"));
    ADD_FAILURE() << "accepted a storage larger than its record";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("claims more bytes than its record holds"), std::string::npos) << e.what();
  }
}

// Crafted headers (valid CRCs) are bounded data: deep nesting, 100,000 keys, counters out of
// range or of the wrong type, escape codes in a text field are refused with one printable
// line naming the file and the field; none crashes or takes long.
TEST(Checkpoint, CraftedHeadersAreRefusedAsData) {
  test::TempDir dir;
  Net net(8);
  torch::optim::Adam opt(net->parameters(), 1e-3);
  const std::string image = read_file(write_checkpoint(dir.file("a.tpck"), net, opt));
  const std::string fields =
      R"("format_version":1,"torchplay_version":"0","algorithm":"dqn","env":"CartPole-v1","architecture":"net:4-8-2","config":"")";
  std::string many_keys = "{" + fields + ",\"counters\":{";
  for (int i = 0; i < 100000; ++i) many_keys += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  many_keys += "}}";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string(50000, '[') + std::string(50000, ']'), "nested deeper"},
      {"{" + fields + ",\"counters\":{\"step\":" + std::string(50000, '[') + "}}", "nested deeper"},
      {many_keys, "more than 4096 keys"},
      {"{" + fields + R"(,"counters":{"step":-5}})", "counter 'step'"},
      {"{" + fields + R"(,"counters":{"step":1e300}})", "counter 'step'"},
      {"{" + fields + R"(,"counters":{"step":"12"}})", "counter 'step'"},
      {"{" + fields + R"(,"counters":{"step":18446744073709551615}})", "counter 'step'"},
      {R"({"format_version":1,"torchplay_version":"0","algorithm":"dqn\u001b[31m","env":"e","architecture":"a","config":"","counters":{}})",
       "field 'algorithm' is not printable"},
      {R"({"format_version":1,"algorithm":"dqn","counters":{}})", "field 'torchplay_version'"},
      {"[1,2,3]", "not a JSON object"},
      {"{\"a\":\x01}", "corrupt checkpoint header"},
  };
  for (const auto& [json, expected] : cases) {
    const std::string p = dir.file("crafted.tpck");
    write_file_atomic(p, with_header(image, json));
    for (int reader = 0; reader < 2; ++reader) {
      try {
        if (reader == 0)
          CheckpointReader::read_header(p);
        else
          CheckpointReader r(p);
        ADD_FAILURE() << "accepted: " << json.substr(0, 80);
      } catch (const CheckpointError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(expected), std::string::npos) << what;
        EXPECT_NE(what.find(p), std::string::npos) << what;
        EXPECT_LT(what.size(), 400u);
        EXPECT_TRUE(std::all_of(what.begin(), what.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) << what;
      }
    }
  }
}

// Every tensor read back owns exactly its storage: one that reaches past it or is a view into
// it (what an edited size, stride or offset looks like) is refused, and the writer stores views
// (a tensor by key, a module parameter) as tensors of their own.
TEST(Checkpoint, TensorsMustFitTheirStorage) {
  test::TempDir dir;
  struct ViewImpl : torch::nn::Module {
    explicit ViewImpl(torch::Tensor t) { w = register_parameter("w", t); }
    torch::Tensor w;
  };
  ViewImpl in_block(torch::arange(10.0).narrow(0, 2, 4).detach());
  CheckpointWriter w(header());
  w.add_module("net", in_block);
  w.add_tensor("view", torch::arange(10.0).narrow(0, 3, 5));
  w.write(dir.file("v.tpck"));
  CheckpointReader r(dir.file("v.tpck"));
  EXPECT_TRUE(torch::equal(r.tensor("view"), torch::arange(3.0, 8.0)));
  ViewImpl target(torch::zeros({4}));
  r.load_module("net", target);
  EXPECT_TRUE(torch::equal(target.w, torch::arange(2.0, 6.0)));
  // What an edited archive yields: LibTorch's unpickler sets each tensor's offset, sizes and
  // strides from the file's numbers straight on the TensorImpl, unchecked. Built the same way.
  auto crafted = [](int64_t storage_floats, int64_t offset, std::vector<int64_t> sizes, std::vector<int64_t> strides) {
    torch::Tensor t = torch::empty({0}).set_(torch::zeros({storage_floats}).storage());
    t.unsafeGetTensorImpl()->set_storage_offset(offset);
    t.unsafeGetTensorImpl()->set_sizes_and_strides(sizes, strides);
    return t;
  };
  EXPECT_TRUE(fits_its_storage(crafted(6, 0, {2, 3}, {3, 1})));
  EXPECT_FALSE(fits_its_storage(crafted(6, 0, {1000}, {1})));     // size past the storage
  EXPECT_FALSE(fits_its_storage(crafted(6, 4, {3}, {1})));        // offset pushes it out
  EXPECT_FALSE(fits_its_storage(crafted(6, 0, {2, 3}, {4, 1})));  // stride pushes it out
  EXPECT_FALSE(fits_its_storage(crafted(6, 2, {3}, {1})));        // a shifted view inside it
  EXPECT_FALSE(fits_its_storage(crafted(6, 0, {3}, {1})));        // spare storage
  EXPECT_FALSE(fits_its_storage(crafted(6, 0, {3, 2}, {1, 3})));  // a transposed one
  EXPECT_TRUE(fits_its_storage(crafted(6, 0, {0, 5}, {5, 1})));   // empty: nothing to read
  // Negative sizes and sizes whose product overflows are refused by c10 itself.
  EXPECT_THROW(crafted(6, 0, {-2, -3}, {-3, 1}), c10::Error);
  EXPECT_THROW(crafted(6, 0, {int64_t{1} << 62, 4}, {4, 1}), c10::Error);
}

TEST(Checkpoint, NotACheckpoint) {
  test::TempDir dir;
  std::ofstream(dir.file("x.tpck")) << "hello world, definitely not a checkpoint";
  EXPECT_THROW(CheckpointReader::read_header(dir.file("x.tpck")), CheckpointError);
}

TEST(CheckpointStore, KeepsLastKAndIgnoresStaleTemp) {
  test::TempDir dir;
  Net net(8);
  torch::optim::Adam opt(net->parameters(), 1e-3);
  CheckpointStore store(dir.file("checkpoints"), 2);
  CheckpointWriter w(header());
  w.add_module("online", *net);
  for (int step : {10, 20, 30}) store.save(w, step);
  auto all = store.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_NE(all[0].find("20"), std::string::npos);
  // A crash mid-write leaves a partial temp file: the last good checkpoint still loads.
  const std::string last = *store.latest();
  std::ofstream(dir.file("checkpoints/ckpt-000000000040.tpck.tmp")) << "partial garbage";
  ASSERT_TRUE(store.latest().has_value());
  EXPECT_EQ(*store.latest(), last);
  CheckpointReader r(*store.latest());
  EXPECT_EQ(r.header().counter("step"), 1234);
  // And the next save over the stale temp file succeeds.
  store.save(w, 40);
  EXPECT_NE(store.latest()->find("40"), std::string::npos);
  CheckpointReader r2(*store.latest());
}

TEST(AtomicWrite, ReplacesWholeFile) {
  test::TempDir dir;
  write_file_atomic(dir.file("f"), "first version");
  write_file_atomic(dir.file("f"), "2nd");
  EXPECT_EQ(read_file(dir.file("f")), "2nd");
  EXPECT_FALSE(file_exists(dir.file("f.tmp")));
}

}  // namespace
}  // namespace tp
