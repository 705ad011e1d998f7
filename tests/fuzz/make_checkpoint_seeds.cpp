// Writes the checkpoint fuzz target's seed corpus (committed in corpus/checkpoint): one valid
// checkpoint with every kind of entry the target reads, and the crafted files of issue 21
// (docs/security.md) built from it with their CRCs recomputed.
//   build/tests/fuzz/fuzz_make_checkpoint_seeds tests/fuzz/corpus/checkpoint
#include <torch/torch.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/checkpoint.h"
#include "core/rng.h"
#include "tests/checkpoint_image.h"

namespace {

std::string pickled(const c10::IValue& value) {
  const std::vector<char> bytes = torch::pickle_save(value);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_checkpoint_seeds DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  auto put = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  };
  torch::manual_seed(1);
  torch::nn::Linear net(4, 2);
  torch::optim::Adam adam(net->parameters(), 1e-3);
  net->forward(torch::ones({3, 4})).sum().backward();
  adam.step();
  tp::CheckpointHeader header;
  header.algorithm = "fuzz";
  header.env = "none";
  header.architecture = "linear:4-2";
  header.config = "seed = 1\n";
  header.counters = {{"steps", 100}};
  tp::CheckpointWriter writer(header);
  writer.add_module("net", *net);
  writer.add_optimizer("adam", adam);
  writer.add_tensor("x", torch::arange(6.0).reshape({2, 3}));
  writer.add_bytes("bytes", "hello");
  writer.add_rng("rng", tp::Rng(7));
  writer.add_torch_rng("torch_rng");
  const std::string valid = writer.encode();
  put("valid.tpck", valid);
  put("truncated.tpck", valid.substr(0, valid.size() / 2));
  const tp::test::CheckpointParts parts = tp::test::split_checkpoint(valid);

  // Headers: bounded data (nesting, key count, counter ranges and types, printable fields).
  const std::string fields =
      R"("format_version":2,"torchplay_version":"0","algorithm":"fuzz","env":"none","architecture":"linear:4-2","config":"")";
  std::string many_keys = "{" + fields + ",\"counters\":{";
  for (int i = 0; i < 5000; ++i) many_keys += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  many_keys += "}}";
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"header-nested-50000", std::string(50000, '[') + std::string(50000, ']')},
      {"header-nested-counter", "{" + fields + ",\"counters\":{\"steps\":" + std::string(5000, '[') + "}}"},
      {"header-5000-keys", many_keys},
      {"header-negative-counter", "{" + fields + R"(,"counters":{"steps":-5}})"},
      {"header-huge-counter", "{" + fields + R"(,"counters":{"steps":1e300}})"},
      {"header-string-counter", "{" + fields + R"(,"counters":{"steps":"12"}})"},
      {"header-u64-counter", "{" + fields + R"(,"counters":{"steps":18446744073709551615}})"},
      {"header-escape-codes",
       R"({"format_version":2,"torchplay_version":"0","algorithm":"fuzz\u001b[31m","env":"e","architecture":"a","config":"","counters":{}})"},
      {"header-missing-field", R"({"format_version":2,"algorithm":"fuzz","counters":{}})"},
      {"header-format-1",
       R"({"format_version":1,"torchplay_version":"0","algorithm":"fuzz","env":"none","architecture":"linear:4-2","config":"","counters":{"steps":1}})"},
      {"header-not-object", "[1,2,3]"},
      {"header-control-byte", "{\"a\":\x01}"},
  };
  for (const auto& [name, json] : headers) put(name + ".tpck", tp::test::join_checkpoint({json, parts.payload}));

  // Payloads: data only (a TorchScript archive, other pickled values, not a zip).
  torch::serialize::OutputArchive archive;
  archive.write("x", torch::ones({2}));
  std::ostringstream script;
  archive.save_to(script);
  c10::Dict<std::string, int64_t> ints;
  ints.insert("x", 1);
  c10::Dict<std::string, torch::Tensor> huge_view;
  huge_view.insert("x", torch::zeros({1000}).narrow(0, 10, 20));  // the writer never stores views
  const std::vector<std::pair<std::string, std::string>> payloads = {
      {"payload-torchscript-archive", script.str()},
      {"payload-list", pickled(c10::IValue(c10::List<int64_t>({1, 2, 3})))},
      {"payload-dict-of-ints", pickled(c10::IValue(ints))},
      {"payload-view", pickled(c10::IValue(huge_view))},
      {"payload-not-a-zip", "PK\x03\x04 not a zip at all"},
  };
  for (const auto& [name, payload] : payloads) put(name + ".tpck", tp::test::join_checkpoint({parts.header, payload}));
  std::cout << "wrote " << 2 + headers.size() + payloads.size() << " seeds into " << dir << "\n";
  return 0;
}
