// Autograd: requires_grad, .grad, backward, autograd.grad, grad-mode scope, gradient clipping.
#include "handles.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

namespace aa {
namespace {

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  argTensor(info, 0).requires_grad_(argBool(info, 1));
  return info.Env().Undefined();
}
Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), argTensor(info, 0).requires_grad());
}
Napi::Value IsLeaf(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), argTensor(info, 0).is_leaf()); }
// grad(h) -> handle of the accumulated gradient (shares storage with it) or -1 when none
Napi::Value Grad(const Napi::CallbackInfo& info) {
  const at::Tensor& g = argTensor(info, 0).grad();
  return Napi::Number::New(info.Env(), g.defined() ? store(g) : kNone);
}
// setGrad(h, g | -1)
Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  auto g = argOptTensor(info, 1);
  argTensor(info, 0).mutable_grad() = g.has_value() ? *g : at::Tensor();
  return info.Env().Undefined();
}
// zeroGrad(handles[], setToNone): optimizer.zero_grad() over a parameter list in one call
Napi::Value ZeroGrad(const Napi::CallbackInfo& info) {
  bool toNone = argBool(info, 1);
  for (auto& p : argTensorList(info, 0)) {
    at::Tensor& g = p.mutable_grad();
    if (!g.defined()) continue;
    if (toNone) {
      g = at::Tensor();
    } else {
      if (g.grad_fn()) {
        g = g.detach();
      } else {
        g.requires_grad_(false);
      }
      g.zero_();
    }
  }
  return info.Env().Undefined();
}
// backward(h, grad | -1, retainGraph, createGraph)
Napi::Value Backward(const Napi::CallbackInfo& info) {
  auto g = argOptTensor(info, 1);
  argTensor(info, 0).backward(g.has_value() ? *g : at::Tensor(), argBool(info, 2), argBool(info, 3));
  return info.Env().Undefined();
}
// autogradGrad(outputs[], inputs[], gradOutputs[] | null, retainGraph, createGraph, allowUnused) -> handles (-1: unused)
Napi::Value AutogradGrad(const Napi::CallbackInfo& info) {
  auto outputs = argTensorList(info, 0);
  auto inputs = argTensorList(info, 1);
  std::vector<at::Tensor> gradOutputs;
  if (info[2].IsArray()) gradOutputs = argTensorList(info, 2);
  auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, argBool(info, 3), argBool(info, 4), argBool(info, 5));
  return retList(info.Env(), grads);
}
// setGradEnabled(enabled) -> previous state (the TS noGrad scope restores it)
Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(argBool(info, 0));
  return Napi::Boolean::New(info.Env(), prev);
}
Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled());
}

std::vector<int64_t> allDims(const at::Tensor& t) {
  std::vector<int64_t> d(t.dim());
  for (int64_t k = 0; k < t.dim(); ++k) d[k] = k;
  return d;
}

// clipGradNorm(params[], maxNorm, normType) -> total norm; torch.nn.utils.clip_grad_norm_ of 1.13, op for op
// (including `max_norm / (total + 1e-6)` being reciprocal-then-multiply as Python's __rtruediv__ does).
Napi::Value ClipGradNorm(const Napi::CallbackInfo& info) {
  at::NoGradGuard noGrad;
  std::vector<at::Tensor> grads;
  for (auto& p : argTensorList(info, 0)) {
    if (p.grad().defined()) grads.push_back(p.grad());
  }
  double maxNorm = argDouble(info, 1), normType = argDouble(info, 2);
  if (grads.empty()) return Napi::Number::New(info.Env(), 0.0);
  auto device = grads[0].device();
  at::Tensor total;
  if (std::isinf(normType)) {
    std::vector<at::Tensor> norms;
    for (auto& g : grads) norms.push_back(g.detach().abs().max().to(device));
    total = norms.size() == 1 ? norms[0] : at::max(at::stack(norms));
  } else {
    std::vector<at::Tensor> norms;
    for (auto& g : grads) norms.push_back(at::norm(g.detach(), normType, allDims(g), false).to(device));
    at::Tensor stacked = at::stack(norms);
    total = at::norm(stacked, normType, allDims(stacked), false);
  }
  at::Tensor clipCoef = at::mul(at::reciprocal(at::add(total, 1e-6)), maxNorm);
  at::Tensor clamped = at::clamp(clipCoef, c10::nullopt, at::Scalar(1.0));
  for (auto& g : grads) g.detach().mul_(clamped.to(g.device()));
  return Napi::Number::New(info.Env(), total.item<double>());
}

}  // namespace

void registerAutogradOps(Napi::Env, Napi::Object e) {
  AA_EXPORT(e, "setRequiresGrad", SetRequiresGrad);
  AA_EXPORT(e, "requiresGrad", RequiresGrad);
  AA_EXPORT(e, "isLeaf", IsLeaf);
  AA_EXPORT(e, "grad", Grad);
  AA_EXPORT(e, "setGrad", SetGrad);
  AA_EXPORT(e, "zeroGrad", ZeroGrad);
  AA_EXPORT(e, "backward", Backward);
  AA_EXPORT(e, "autogradGrad", AutogradGrad);
  AA_EXPORT(e, "setGradEnabled", SetGradEnabled);
  AA_EXPORT(e, "isGradEnabled", IsGradEnabled);
  AA_EXPORT(e, "clipGradNorm", ClipGradNorm);
}

}  // namespace aa
