// Fused optimizer steps: one N-API call updates every parameter (a TinyNetwork has ~100 tensors; per-tensor
// calls from JS would add ~5 calls each). The math is PyTorch 1.13's single-tensor path, op for op, so
// results are bit-identical to torch.optim.
#include "handles.h"

#include <cmath>

namespace aa {
namespace {

Handle optionalHandle(const Napi::Array& arr, uint32_t k) { return arr.Get(k).As<Napi::Number>().Int32Value(); }

// sgdStep(params[], momentumBuffers[] (handle | -1), lr, momentum, dampening, weightDecay, nesterov, maximize)
// -> momentum-buffer handles (existing ones unchanged, new ones for first steps, -1 where none)
Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  at::NoGradGuard noGrad;
  Napi::Env env = info.Env();
  auto params = info[0].As<Napi::Array>();
  auto bufs = info[1].As<Napi::Array>();
  double lr = argDouble(info, 2), momentum = argDouble(info, 3), dampening = argDouble(info, 4);
  double weightDecay = argDouble(info, 5);
  bool nesterov = argBool(info, 6), maximize = argBool(info, 7);
  uint32_t n = params.Length();
  if (bufs.Length() != n) throw Napi::Error::New(env, "sgdStep: one momentum slot per parameter expected");
  auto out = Napi::Array::New(env, n);
  for (uint32_t i = 0; i < n; ++i) {
    at::Tensor& param = lookup(env, optionalHandle(params, i));
    Handle bufHandle = optionalHandle(bufs, i);
    out.Set(i, Napi::Number::New(env, bufHandle));
    if (!param.grad().defined()) continue;
    at::Tensor dP = maximize ? -param.grad() : param.grad();
    if (weightDecay != 0) dP = dP.add(param, weightDecay);
    if (momentum != 0) {
      at::Tensor buf;
      if (bufHandle == kNone) {
        buf = at::clone(dP).detach();
        out.Set(i, Napi::Number::New(env, store(buf)));
      } else {
        buf = lookup(env, bufHandle);
        buf.mul_(momentum).add_(dP, 1 - dampening);
      }
      dP = nesterov ? dP.add(buf, momentum) : buf;
    }
    param.add_(dP, -lr);
  }
  return out;
}

// adamStep(params[], state[] (3 handles per param: exp_avg, exp_avg_sq, step; -1 before the first step),
//          lr, beta1, beta2, eps, weightDecay, amsgrad(unsupported: false), maximize) -> state handles
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  at::NoGradGuard noGrad;
  Napi::Env env = info.Env();
  auto params = info[0].As<Napi::Array>();
  auto state = info[1].As<Napi::Array>();
  double lr = argDouble(info, 2), beta1 = argDouble(info, 3), beta2 = argDouble(info, 4), eps = argDouble(info, 5);
  double weightDecay = argDouble(info, 6);
  bool maximize = argBool(info, 7);
  uint32_t n = params.Length();
  if (state.Length() != 3 * n) throw Napi::Error::New(env, "adamStep: three state slots per parameter expected");
  auto out = Napi::Array::New(env, 3 * n);
  for (uint32_t i = 0; i < n; ++i) {
    at::Tensor& param = lookup(env, optionalHandle(params, i));
    Handle hs[3] = {optionalHandle(state, 3 * i), optionalHandle(state, 3 * i + 1), optionalHandle(state, 3 * i + 2)};
    if (param.grad().defined() && hs[0] == kNone) {
      hs[0] = store(at::zeros_like(param, at::MemoryFormat::Preserve));
      hs[1] = store(at::zeros_like(param, at::MemoryFormat::Preserve));
      hs[2] = store(at::zeros({}, at::TensorOptions().dtype(at::kFloat)));
    }
    for (uint32_t k = 0; k < 3; ++k) out.Set(3 * i + k, Napi::Number::New(env, hs[k]));
    if (!param.grad().defined()) continue;
    at::Tensor grad = maximize ? -param.grad() : param.grad();
    at::Tensor& expAvg = lookup(env, hs[0]);
    at::Tensor& expAvgSq = lookup(env, hs[1]);
    at::Tensor& stepT = lookup(env, hs[2]);
    stepT.add_(1);
    if (weightDecay != 0) grad = grad.add(param, weightDecay);
    expAvg.mul_(beta1).add_(grad, 1 - beta1);
    expAvgSq.mul_(beta2).addcmul_(grad, grad.conj(), 1 - beta2);
    double step = stepT.item<double>();
    double biasCorrection1 = 1 - std::pow(beta1, step);
    double biasCorrection2 = 1 - std::pow(beta2, step);
    double stepSize = lr / biasCorrection1;
    double biasCorrection2Sqrt = std::sqrt(biasCorrection2);
    at::Tensor denom = (expAvgSq.sqrt() / biasCorrection2Sqrt).add_(eps);
    param.addcdiv_(expAvg, denom, -stepSize);
  }
  return out;
}

}  // namespace

void registerOptimOps(Napi::Env, Napi::Object e) {
  AA_EXPORT(e, "sgdStep", SgdStep);
  AA_EXPORT(e, "adamStep", AdamStep);
}

}  // namespace aa
