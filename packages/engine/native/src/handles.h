#pragma once
// Tensors live in a table owned by the addon; JavaScript holds plain integer handles. That keeps a call
// to an op at one N-API function with number arguments (no wrapped objects, no GC finalizers), and lets
// the TypeScript scope free a step's intermediates deterministically with dispose(handle).
#include <napi.h>
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>  // at::NoGradGuard (not pulled in by ATen.h in libtorch 2.x)

#include <stdexcept>
#include <string>
#include <vector>

namespace aa {

using Handle = int32_t;
constexpr Handle kNone = -1;

Handle store(at::Tensor t);
at::Tensor& lookup(Napi::Env env, Handle h);
void release(Handle h);
int64_t liveTensorCount();

// ---- argument helpers (index = position in the JS call) ----
inline Handle argHandle(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::Number>().Int32Value();
}
inline at::Tensor& argTensor(const Napi::CallbackInfo& info, size_t i) {
  return lookup(info.Env(), argHandle(info, i));
}
// -1, undefined or null mean "no tensor" (e.g. a conv without bias).
inline c10::optional<at::Tensor> argOptTensor(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) return c10::nullopt;
  Handle h = argHandle(info, i);
  if (h == kNone) return c10::nullopt;
  return lookup(info.Env(), h);
}
inline int64_t argInt(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::Number>().Int64Value();
}
inline double argDouble(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::Number>().DoubleValue();
}
inline bool argBool(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::Boolean>().Value();
}
std::vector<int64_t> argIntList(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> argTensorList(const Napi::CallbackInfo& info, size_t i);
c10::ScalarType argDtype(const Napi::CallbackInfo& info, size_t i);
c10::Device argDevice(const Napi::CallbackInfo& info, size_t i);

// A JS number as a Scalar of the tensor's kind: integral for integer tensors (so `labels + 1` stays int64
// and `num_batches_tracked += 1` is legal, as with a Python int), floating otherwise.
inline at::Scalar scalarFor(const at::Tensor& t, double v) {
  if (!at::isFloatingType(t.scalar_type()) && !at::isComplexType(t.scalar_type()) && v == static_cast<double>(static_cast<int64_t>(v))) {
    return at::Scalar(static_cast<int64_t>(v));
  }
  return at::Scalar(v);
}

// ---- return helpers ----
inline Napi::Value ret(Napi::Env env, at::Tensor t) { return Napi::Number::New(env, store(std::move(t))); }
Napi::Value retList(Napi::Env env, const std::vector<at::Tensor>& ts);  // undefined tensors → -1
Napi::Value retIntList(Napi::Env env, at::IntArrayRef xs);

// dtype codes shared with src/engine/dtype.ts
int dtypeCode(c10::ScalarType t);
c10::ScalarType dtypeFromCode(int code);

// An error whose message is complete for the user as it is (not libtorch's), e.g. a failed replica's.
struct PlainError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Converts libtorch exceptions into JS errors carrying libtorch's message (without the C++ backtrace).
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const PlainError& e) {
    throw Napi::Error::New(info.Env(), e.what());
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), std::string("libtorch: ") + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("libtorch: ") + e.what());
  }
}

#define AA_EXPORT(exports, name, fn) \
  (exports).Set((name), Napi::Function::New((exports).Env(), ::aa::guarded<fn>, (name)))

void registerTensorOps(Napi::Env env, Napi::Object exports);
void registerMathOps(Napi::Env env, Napi::Object exports);
void registerNnOps(Napi::Env env, Napi::Object exports);
void registerShapeOps(Napi::Env env, Napi::Object exports);
void registerAutogradOps(Napi::Env env, Napi::Object exports);
void registerOptimOps(Napi::Env env, Napi::Object exports);
void registerRuntimeOps(Napi::Env env, Napi::Object exports);
void registerReplicaOps(Napi::Env env, Napi::Object exports);
void registerSyncBatchNorm(Napi::Env env, Napi::Object exports);

}  // namespace aa
