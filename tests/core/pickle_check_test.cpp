// The checkpoint pickle's shape check against hand-written pickles: each crafted case is
// refused with its reason before LibTorch's unpickler could act on it.
#include "core/pickle_check.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace tp {
namespace {

using namespace std::string_literals;  // "..."s keeps embedded NULs

// BINUNICODE.
std::string str(const std::string& s) {
  std::string out = "X";
  for (int i = 0; i < 4; ++i) out += static_cast<char>((s.size() >> (8 * i)) & 0xff);
  return out + s;
}

const std::string kProto = "\x80\x02";
const std::string kFloatStorage = "ctorch\nFloatStorage\n";
// ("storage", <type>, "0", "cpu", 4) BINPERSID
std::string storage(const std::string& type) { return "(" + str("storage") + type + str("0") + str("cpu") + "K\x04tQ"; }
// _rebuild_tensor_v2(storage, 0, (4,), (1,), False, OrderedDict())
std::string tensor(const std::string& storage_ops, const std::string& grad = "\x89") {
  return "ctorch._utils\n_rebuild_tensor_v2\n(" + storage_ops + "K\x00(K\x04t(K\x01t"s + grad +
         "ccollections\nOrderedDict\n)RtR";
}
// {"x": <value>}
std::string dict_of(const std::string& value) { return kProto + "}(" + str("x") + value + "u."; }

TEST(PickleCheck, TheShapeTorchWritesPasses) {
  EXPECT_NO_THROW(check_checkpoint_pickle(dict_of(tensor(storage(kFloatStorage)))));
  // Memoized and fetched again, as the pickler does for repeated strings and globals.
  EXPECT_NO_THROW(check_checkpoint_pickle(kProto + "}q\x00("s + str("x") + "q\x01h\x01u."));
}

TEST(PickleCheck, CraftedPicklesAreRefusedWithTheirReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // An integer where the storage type belongs would index LibTorch's type tables.
      {dict_of(tensor(storage("Kc"))), "malformed storage"},
      {dict_of(tensor(storage("ctorch\nEvilStorage\n"))), "which no checkpoint uses"},
      {dict_of("cos\nsystem\n(" + str("true") + "tR"), "'os.system', which no checkpoint uses"},
      {dict_of(tensor(storage(kFloatStorage), "K\x01")), "rebuild a tensor from malformed arguments"},
      {dict_of("ccollections\nOrderedDict\n(K\x01tR"), "OrderedDict with contents"},
      {dict_of("ctorch.jit._pickle\nrestore_type_tag\n(}" + str("List[List[List[int]]]") + "tR"), "malformed type tag"},
      {kProto + "}r\x00\x00\x00\x75."s, "memo slot 1962934272"},
      {kProto + "}h\x05.", "fetch memo slot 5 of 0"},
      {kProto + "u.", "close a group they never opened"},
      {kProto + "K\x01(u.", "non-dictionary"},
      {kProto + "\x85.", "not there"},
      {kProto + "}}.", "2 items on the stack"},
      {kProto + "}", "no end"},
      {kProto + "}b.", "opcode 98"},
      {"\x80\x04}.", "protocol 2"},
      {kProto + "X\xff\xff\xff\x7f", "run past their record"},
  };
  for (const auto& [pickle, reason] : cases) {
    try {
      check_checkpoint_pickle(pickle);
      ADD_FAILURE() << "accepted: " << reason;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace tp
