#include "handles.h"

#include <deque>

namespace aa {
namespace {

// A deque, not a vector: growing it never moves existing slots, so the at::Tensor& that lookup() and argTensor()
// hand out stay valid while the same call stores new tensors (an optimizer step that creates its momentum buffers
// used to read a moved slot once the table reallocated).
struct Table {
  std::deque<at::Tensor> slots;
  std::vector<Handle> freeSlots;
  int64_t live = 0;
};

// One table per thread: the replicas of a group (replica_group.h) run in worker threads, each with its own JavaScript
// heap and handles. Leaked on purpose: destroying tensors during static teardown would race libtorch's own teardown
// (a replica's worker disposes its tensors before it ends, so only the empty table is left behind).
Table& table() {
  static thread_local Table* t = new Table();
  return *t;
}

const c10::ScalarType kDtypes[] = {at::kFloat, at::kDouble, at::kInt, at::kLong,
                                   at::kByte,  at::kBool,   at::kHalf, at::kBFloat16};
constexpr int kDtypeCount = sizeof(kDtypes) / sizeof(kDtypes[0]);

}  // namespace

Handle store(at::Tensor t) {
  Table& tb = table();
  ++tb.live;
  if (!tb.freeSlots.empty()) {
    Handle h = tb.freeSlots.back();
    tb.freeSlots.pop_back();
    tb.slots[h] = std::move(t);
    return h;
  }
  tb.slots.push_back(std::move(t));
  return static_cast<Handle>(tb.slots.size() - 1);
}

at::Tensor& lookup(Napi::Env env, Handle h) {
  Table& tb = table();
  if (h < 0 || static_cast<size_t>(h) >= tb.slots.size() || !tb.slots[h].defined()) {
    throw Napi::Error::New(env, "aa-nas engine: use of a disposed or invalid tensor handle " + std::to_string(h));
  }
  return tb.slots[h];
}

void release(Handle h) {
  Table& tb = table();
  if (h < 0 || static_cast<size_t>(h) >= tb.slots.size() || !tb.slots[h].defined()) return;
  tb.slots[h] = at::Tensor();
  tb.freeSlots.push_back(h);
  --tb.live;
}

int64_t liveTensorCount() { return table().live; }

std::vector<int64_t> argIntList(const Napi::CallbackInfo& info, size_t i) {
  auto arr = info[i].As<Napi::Array>();
  uint32_t n = arr.Length();
  std::vector<int64_t> out(n);
  for (uint32_t k = 0; k < n; ++k) out[k] = arr.Get(k).As<Napi::Number>().Int64Value();
  return out;
}

std::vector<at::Tensor> argTensorList(const Napi::CallbackInfo& info, size_t i) {
  auto arr = info[i].As<Napi::Array>();
  uint32_t n = arr.Length();
  std::vector<at::Tensor> out;
  out.reserve(n);
  for (uint32_t k = 0; k < n; ++k) {
    out.push_back(lookup(info.Env(), arr.Get(k).As<Napi::Number>().Int32Value()));
  }
  return out;
}

c10::ScalarType argDtype(const Napi::CallbackInfo& info, size_t i) {
  return dtypeFromCode(static_cast<int>(argInt(info, i)));
}

c10::Device argDevice(const Napi::CallbackInfo& info, size_t i) {
  return c10::Device(info[i].As<Napi::String>().Utf8Value());
}

Napi::Value retList(Napi::Env env, const std::vector<at::Tensor>& ts) {
  auto arr = Napi::Array::New(env, ts.size());
  for (size_t k = 0; k < ts.size(); ++k) {
    arr.Set(static_cast<uint32_t>(k), Napi::Number::New(env, ts[k].defined() ? store(ts[k]) : kNone));
  }
  return arr;
}

Napi::Value retIntList(Napi::Env env, at::IntArrayRef xs) {
  auto arr = Napi::Array::New(env, xs.size());
  for (size_t k = 0; k < xs.size(); ++k) arr.Set(static_cast<uint32_t>(k), Napi::Number::New(env, double(xs[k])));
  return arr;
}

int dtypeCode(c10::ScalarType t) {
  for (int k = 0; k < kDtypeCount; ++k) {
    if (kDtypes[k] == t) return k;
  }
  throw std::runtime_error(std::string("dtype ") + c10::toString(t) + " is not supported by the aa-nas engine");
}

c10::ScalarType dtypeFromCode(int code) {
  if (code < 0 || code >= kDtypeCount) throw std::runtime_error("invalid dtype code " + std::to_string(code));
  return kDtypes[code];
}

}  // namespace aa
