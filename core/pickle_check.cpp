#include "core/pickle_check.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/text.h"

namespace tp {

uint64_t little_endian(std::string_view bytes, uint64_t at, int n) {
  TP_CHECK(at <= bytes.size() && static_cast<uint64_t>(n) <= bytes.size() - at, "the tensor archive is truncated");
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(bytes[at + static_cast<uint64_t>(i)]);
  return v;
}

namespace {

// What an item on the unpickler's stack is; the classes are the globals a checkpoint names.
enum class Kind {
  Mark,
  None,
  Bool,
  Int,
  Float,
  Str,
  Tuple,
  List,
  Dict,
  Storage,
  Tensor,
  OrderedDict,
  StorageType,       // torch.FloatStorage and the like
  RebuildTensor,     // torch._utils._rebuild_tensor_v2
  OrderedDictClass,  // collections.OrderedDict (a tensor's empty backward hooks)
  TypeTag,           // torch.jit._pickle.restore_type_tag (a dictionary's or list's type)
};

struct Item {
  Kind kind = Kind::None;
  std::string text;                                   // Str: up to kMaxText bytes
  std::shared_ptr<const std::vector<Item>> elements;  // Tuple
};

constexpr size_t kMaxText = 64;

// The storage types LibTorch's unpickler maps to a ScalarType (AT_FORALL_SCALAR_TYPES...).
bool is_storage_type(const std::string& name) {
  static const char* const kTypes[] = {"Float", "Double", "Half", "BFloat16", "Long",         "Int",
                                       "Short", "Char",   "Byte", "Bool",     "ComplexFloat", "ComplexDouble"};
  return std::any_of(std::begin(kTypes), std::end(kTypes),
                     [&](const char* t) { return name == std::string(t) + "Storage"; });
}

class PickleChecker {
 public:
  explicit PickleChecker(std::string_view pickle) : p_(pickle) {}

  void run() {
    while (at_ < p_.size()) {
      const auto op = static_cast<uint8_t>(p_[at_++]);
      if (op == '.') {  // STOP
        TP_CHECK(stack_.size() == 1 && stack_[0].kind != Kind::Mark, "the pickled entries end with ", stack_.size(),
                 " items on the stack");
        return;
      }
      step(op);
    }
    TP_THROW(Error, "the pickled entries have no end");
  }

 private:
  uint64_t arg(int width) {
    const uint64_t v = little_endian(p_, at_, width);
    at_ += static_cast<uint64_t>(width);
    return v;
  }
  std::string_view bytes(uint64_t n) {
    TP_CHECK(n <= p_.size() - at_, "the pickled entries run past their record (", n, " bytes declared)");
    const std::string_view b = p_.substr(at_, n);
    at_ += n;
    return b;
  }
  std::string line() {
    const size_t nl = p_.find('\n', at_);
    TP_CHECK(nl != std::string_view::npos && nl - at_ <= kMaxText, "the pickled entries hold a malformed global name");
    const std::string s(p_.substr(at_, nl - at_));
    at_ = nl + 1;
    return s;
  }

  void push(Kind kind) { stack_.push_back(Item{kind, {}, nullptr}); }
  void push_text(std::string_view text) {
    stack_.push_back(Item{Kind::Str, std::string(text.substr(0, kMaxText)), nullptr});
  }
  void push_tuple(std::vector<Item> elements) {
    stack_.push_back(Item{Kind::Tuple, {}, std::make_shared<const std::vector<Item>>(std::move(elements))});
  }
  Item pop() {
    TP_CHECK(!stack_.empty() && stack_.back().kind != Kind::Mark, "the pickled entries take an item that is not there");
    Item top = std::move(stack_.back());
    stack_.pop_back();
    return top;
  }
  std::vector<Item> pop_to_mark() {
    auto mark = std::find_if(stack_.rbegin(), stack_.rend(), [](const Item& i) { return i.kind == Kind::Mark; });
    TP_CHECK(mark != stack_.rend(), "the pickled entries close a group they never opened");
    const auto first = mark.base();  // the element after the mark
    std::vector<Item> items(std::make_move_iterator(first), std::make_move_iterator(stack_.end()));
    stack_.erase(first - 1, stack_.end());
    return items;
  }
  Kind top_kind() const {
    TP_CHECK(!stack_.empty(), "the pickled entries take an item that is not there");
    return stack_.back().kind;
  }
  void put(uint64_t slot) {
    // The unpickler grows its memo table to the slot a PUT names; the pickler numbers in order.
    TP_CHECK(slot <= memo_.size(), "the pickled entries store memo slot ", slot, " before slot ", memo_.size());
    TP_CHECK(!stack_.empty() && stack_.back().kind != Kind::Mark,
             "the pickled entries store an item that is not there");
    if (slot == memo_.size())
      memo_.push_back(stack_.back());
    else
      memo_[slot] = stack_.back();
  }
  void get(uint64_t slot) {
    TP_CHECK(slot < memo_.size(), "the pickled entries fetch memo slot ", slot, " of ", memo_.size());
    stack_.push_back(memo_[slot]);
  }

  void global() {
    const std::string module = line(), name = line();
    if (module == "torch._utils" && name == "_rebuild_tensor_v2")
      push(Kind::RebuildTensor);
    else if (module == "torch" && is_storage_type(name))
      push(Kind::StorageType);
    else if (module == "collections" && name == "OrderedDict")
      push(Kind::OrderedDictClass);
    else if (module == "torch.jit._pickle" && name == "restore_type_tag")
      push(Kind::TypeTag);
    else
      TP_THROW(Error, "the pickled entries name '", printable(module, 40), ".", printable(name, 40),
               "', which no checkpoint uses");
  }

  // BINPERSID: a storage's persistent id is ("storage", type, key, "cpu", element count).
  void storage() {
    const Item id = pop();
    const std::vector<Item>* e = id.kind == Kind::Tuple ? id.elements.get() : nullptr;
    TP_CHECK(e && e->size() == 5 && (*e)[0].kind == Kind::Str && (*e)[0].text == "storage" &&
                 (*e)[1].kind == Kind::StorageType && (*e)[2].kind == Kind::Str && (*e)[3].kind == Kind::Str &&
                 (*e)[3].text == "cpu" && (*e)[4].kind == Kind::Int,
             "the pickled entries hold a malformed storage");
    push(Kind::Storage);
  }

  static bool all_ints(const Item& tuple) {
    return tuple.kind == Kind::Tuple && std::all_of(tuple.elements->begin(), tuple.elements->end(),
                                                    [](const Item& i) { return i.kind == Kind::Int; });
  }

  // REDUCE: the three calls a checkpoint makes.
  void call() {
    const Item args = pop(), callable = pop();
    TP_CHECK(args.kind == Kind::Tuple, "the pickled entries call with arguments that are not a tuple");
    const std::vector<Item>& a = *args.elements;
    switch (callable.kind) {
      case Kind::RebuildTensor:  // (storage, offset, sizes, strides, requires_grad, hooks[, metadata])
        TP_CHECK((a.size() == 6 || (a.size() == 7 && a[6].kind == Kind::Dict)) && a[0].kind == Kind::Storage &&
                     a[1].kind == Kind::Int && all_ints(a[2]) && all_ints(a[3]) && a[4].kind == Kind::Bool &&
                     a[5].kind == Kind::OrderedDict,
                 "the pickled entries rebuild a tensor from malformed arguments");
        push(Kind::Tensor);
        return;
      case Kind::OrderedDictClass:
        TP_CHECK(a.empty(), "the pickled entries build an OrderedDict with contents");
        push(Kind::OrderedDict);
        return;
      case Kind::TypeTag: {
        // The tag is parsed as a type: short and shallow ("Dict[str, Tensor]").
        const bool tagged = a.size() == 2 && (a[0].kind == Kind::Dict || a[0].kind == Kind::List) &&
                            a[1].kind == Kind::Str && a[1].text.size() < kMaxText &&
                            std::count(a[1].text.begin(), a[1].text.end(), '[') <= 2;
        TP_CHECK(tagged, "the pickled entries hold a malformed type tag");
        stack_.push_back(a[0]);
        return;
      }
      default:
        TP_THROW(Error, "the pickled entries call something that is not a tensor rebuild, OrderedDict or type tag");
    }
  }

  void step(uint8_t op) {
    switch (op) {
      case 0x80:  // PROTO
        TP_CHECK(arg(1) == 2, "the pickled entries are not pickle protocol 2");
        break;
      case '(':  // MARK
        push(Kind::Mark);
        break;
      case 'N':  // NONE
        push(Kind::None);
        break;
      case 0x88:  // NEWTRUE
      case 0x89:  // NEWFALSE
        push(Kind::Bool);
        break;
      case 'K':  // BININT1
      case 'M':  // BININT2
      case 'J':  // BININT
        arg(op == 'K' ? 1 : op == 'M' ? 2 : 4);
        push(Kind::Int);
        break;
      case 0x8a: {  // LONG1
        const uint64_t n = arg(1);
        TP_CHECK(n <= 8, "the pickled entries hold a ", n, "-byte integer");
        bytes(n);
        push(Kind::Int);
        break;
      }
      case 'G':  // BINFLOAT
        arg(8);
        push(Kind::Float);
        break;
      case 'X':  // BINUNICODE
        push_text(bytes(arg(4)));
        break;
      case 0x8c:  // SHORT_BINUNICODE
        push_text(bytes(arg(1)));
        break;
      case '}':  // EMPTY_DICT
        push(Kind::Dict);
        break;
      case ']':  // EMPTY_LIST
        push(Kind::List);
        break;
      case ')':  // EMPTY_TUPLE
        push_tuple({});
        break;
      case 't':  // TUPLE
        push_tuple(pop_to_mark());
        break;
      case 0x85:    // TUPLE1
      case 0x86:    // TUPLE2
      case 0x87: {  // TUPLE3
        std::vector<Item> items(op - 0x84);
        for (auto it = items.rbegin(); it != items.rend(); ++it) *it = pop();
        push_tuple(std::move(items));
        break;
      }
      case 'u':  // SETITEMS
        TP_CHECK(pop_to_mark().size() % 2 == 0 && top_kind() == Kind::Dict,
                 "the pickled entries set items of a non-dictionary");
        break;
      case 's':  // SETITEM
        pop();
        pop();
        TP_CHECK(top_kind() == Kind::Dict, "the pickled entries set items of a non-dictionary");
        break;
      case 'e':  // APPENDS
        pop_to_mark();
        TP_CHECK(top_kind() == Kind::List, "the pickled entries append to a non-list");
        break;
      case 'a':  // APPEND
        pop();
        TP_CHECK(top_kind() == Kind::List, "the pickled entries append to a non-list");
        break;
      case 'q':  // BINPUT
        put(arg(1));
        break;
      case 'r':  // LONG_BINPUT
        put(arg(4));
        break;
      case 'h':  // BINGET
        get(arg(1));
        break;
      case 'j':  // LONG_BINGET
        get(arg(4));
        break;
      case 'c':  // GLOBAL
        global();
        break;
      case 'Q':  // BINPERSID
        storage();
        break;
      case 'R':  // REDUCE
        call();
        break;
      default:
        TP_THROW(Error, "the pickled entries hold opcode ", static_cast<int>(op), ", which no checkpoint uses");
    }
  }

  std::string_view p_;
  uint64_t at_ = 0;
  std::vector<Item> stack_, memo_;
};

}  // namespace

void check_checkpoint_pickle(std::string_view pickle) { PickleChecker(pickle).run(); }

}  // namespace tp
