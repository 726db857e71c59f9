// Training-mode batch norm on the CPU, bit-identical to libtorch's and several times faster.
//
// Why: libtorch's CPU kernel (ATen/native/cpu/batch_norm_kernel.cpp, 1.13 through 2.x) reduces each channel in one
// double-precision chain per statistic, one element after another, so it runs at the latency of a double add (about
// 4 cycles per element) and takes longer than applying the normalisation. A sum's bits depend on its order, so we keep
// each channel's chain in exactly that order (batch, then pixel) and only run four channels' chains side by side, in
// the lanes of one AVX2 register. The rest (float division by the count, invstd in double, running-stat update, the
// affine apply) follows the same expressions; which rounding the apply uses (one fused multiply-add or a multiply and
// an add, depending on how libtorch was compiled) is found by a start-up check against libtorch's own kernel, and any
// difference there turns this kernel off for the process.
#include "batch_norm_cpu.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace aa {
namespace {

// One channel, libtorch's order: sum in double over (n, i); mean = float(sum / N); then sum of float (x - mean)^2.
void channelStats(const float* x, int64_t nb, int64_t channels, int64_t plane, int64_t c, float* mean, float* varSum) {
  double sum = 0;
  for (int64_t n = 0; n < nb; n++) {
    const float* p = x + (n * channels + c) * plane;
    for (int64_t i = 0; i < plane; i++) sum += p[i];
  }
  const float m = static_cast<float>(sum / static_cast<double>(nb * plane));
  double var = 0;
  for (int64_t n = 0; n < nb; n++) {
    const float* p = x + (n * channels + c) * plane;
    for (int64_t i = 0; i < plane; i++) {
      const float d = p[i] - m;
      var += d * d;
    }
  }
  mean[c] = m;
  varSum[c] = static_cast<float>(var);
}

}  // namespace
}  // namespace aa

#if defined(__x86_64__)
#include <immintrin.h>

namespace aa {

bool cpuHasAvx2Fma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

namespace {

constexpr int64_t kLanes = 4;          // channels per AVX2 double register
constexpr int64_t kMinPlane = 4;       // below this the statistics are cheap anyway; leave them to libtorch

// What one pass adds per element, four channels at a time: the element itself (the sum), or its squared deviation
// from the channel's float mean (the variance sum), each in libtorch's float arithmetic before the widening to double.
struct Element {
  __attribute__((target("avx2"), always_inline)) __m128 operator()(int, __m128 r) const { return r; }
};
struct SquaredDeviation {
  const __m128* mean;
  __attribute__((target("avx2"), always_inline)) __m128 operator()(int g, __m128 r) const {
    const __m128 d = _mm_sub_ps(r, mean[g]);
    return _mm_mul_ps(d, d);
  }
};

// One pass over channel groups g0..g0+G-1 (four channels each). Lane k of acc[g] is channel 4(g0+g)+k's chain; a 4x4
// transpose turns four pixels of four channel planes into four vectors "pixel i of each channel", added in pixel
// order. One group alone waits on the add latency (one dependent add per pixel); a second group in flight hides it.
template <int G, typename Term>
__attribute__((target("avx2"), always_inline)) inline void accumulateGroups(const float* x, int64_t nb, int64_t channels,
                                                                            int64_t plane, int64_t g0, Term term,
                                                                            __m256d* acc) {
  for (int g = 0; g < G; g++) acc[g] = _mm256_setzero_pd();
  for (int64_t n = 0; n < nb; n++) {
    const float* img = x + (n * channels + g0 * kLanes) * plane;
    int64_t i = 0;
    for (; i + 4 <= plane; i += 4) {
      for (int g = 0; g < G; g++) {
        const float* p = img + g * kLanes * plane;
        __m128 r0 = _mm_loadu_ps(p + i), r1 = _mm_loadu_ps(p + plane + i);
        __m128 r2 = _mm_loadu_ps(p + 2 * plane + i), r3 = _mm_loadu_ps(p + 3 * plane + i);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        acc[g] = _mm256_add_pd(acc[g], _mm256_cvtps_pd(term(g, r0)));
        acc[g] = _mm256_add_pd(acc[g], _mm256_cvtps_pd(term(g, r1)));
        acc[g] = _mm256_add_pd(acc[g], _mm256_cvtps_pd(term(g, r2)));
        acc[g] = _mm256_add_pd(acc[g], _mm256_cvtps_pd(term(g, r3)));
      }
    }
    for (; i < plane; i++) {
      for (int g = 0; g < G; g++) {
        const float* p = img + g * kLanes * plane;
        acc[g] = _mm256_add_pd(acc[g], _mm256_cvtps_pd(term(g, _mm_setr_ps(p[i], p[plane + i], p[2 * plane + i], p[3 * plane + i]))));
      }
    }
  }
}

// Mean and variance sum of channel groups g0..g0+G-1: the sum pass, mean = float(sum / N), then the variance pass.
template <int G>
__attribute__((target("avx2"))) void channelGroupStats(const float* x, int64_t nb, int64_t channels, int64_t plane,
                                                       int64_t g0, float* mean, float* varSum) {
  __m256d sum[G];
  accumulateGroups<G>(x, nb, channels, plane, g0, Element{}, sum);
  __m128 m[G];
  for (int g = 0; g < G; g++) m[g] = _mm256_cvtpd_ps(_mm256_div_pd(sum[g], _mm256_set1_pd(static_cast<double>(nb * plane))));
  __m256d var[G];
  accumulateGroups<G>(x, nb, channels, plane, g0, SquaredDeviation{m}, var);
  for (int g = 0; g < G; g++) {
    _mm_storeu_ps(mean + (g0 + g) * kLanes, m[g]);
    _mm_storeu_ps(varSum + (g0 + g) * kLanes, _mm256_cvtpd_ps(var[g]));
  }
}

}  // namespace

void channelStatistics(const float* x, int64_t nb, int64_t channels, int64_t plane, float* mean, float* varSum) {
  const bool simd = cpuHasAvx2Fma();
  const int64_t groups = simd ? channels / kLanes : 0;  // whole four-channel groups; the rest one channel at a time
  const int64_t threads = std::min<int64_t>(at::get_num_threads(), std::max<int64_t>(groups, 1));
  // Each thread takes a contiguous run of groups, two at a time: two chains hide most of the add latency, while more
  // streams (four planes per group, often exactly 4 KiB apart) start to evict each other from the L1 cache.
  at::parallel_for(0, groups, (groups + threads - 1) / threads, [&](int64_t begin, int64_t end) {
    int64_t g = begin;
    for (; g + 2 <= end; g += 2) channelGroupStats<2>(x, nb, channels, plane, g, mean, varSum);
    if (g < end) channelGroupStats<1>(x, nb, channels, plane, g, mean, varSum);
  });
  at::parallel_for(groups * kLanes, channels, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; c++) channelStats(x, nb, channels, plane, c, mean, varSum);
  });
}

namespace {

// How libtorch's compiled kernel rounds y = x * alpha + beta (and beta = bias - mean * alpha).
enum class Rounding { Fused, Separate };

__attribute__((target("avx2,fma"))) void applyFused(const float* x, float* y, int64_t n, float a, float b) {
  const __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(_mm256_loadu_ps(x + i), va, vb));
  for (; i < n; i++) y[i] = std::fma(x[i], a, b);
}
void applySeparate(const float* x, float* y, int64_t n, float a, float b) {
  for (int64_t i = 0; i < n; i++) y[i] = x[i] * a + b;
}

}  // namespace

void affineFused(const float* x, float* y, int64_t n, float a, float b) {
  if (cpuHasAvx2Fma()) return applyFused(x, y, n, a, b);
  for (int64_t i = 0; i < n; i++) y[i] = std::fma(x[i], a, b);
}

namespace {

struct Forward {
  at::Tensor output, saveMean, saveInvstd;
};

// at::native_batch_norm(training=true) for an eligible input (see eligible()); updates the running stats in place.
Forward trainForward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& runningMean,
                     const at::Tensor& runningVar, double momentum, double eps, Rounding rounding) {
  const int64_t nb = x.size(0), channels = x.size(1), plane = x.numel() / nb / channels;
  const int64_t count = nb * plane;
  at::Tensor saveMean = at::empty({channels}, x.options());
  at::Tensor saveInvstd = at::empty({channels}, x.options());
  std::vector<float> varSum(channels);
  float* mean = saveMean.data_ptr<float>();
  float* invstd = saveInvstd.data_ptr<float>();
  channelStatistics(x.data_ptr<float>(), nb, channels, plane, mean, varSum.data());

  float* rm = runningMean.defined() ? runningMean.data_ptr<float>() : nullptr;
  float* rv = runningVar.defined() ? runningVar.data_ptr<float>() : nullptr;
  const float mom = static_cast<float>(momentum);
  for (int64_t c = 0; c < channels; c++) {
    // libtorch: var_sum is a float tensor, divided by the integer count in float, then 1/sqrt(var + eps) in double
    const double var = varSum[c] / count;
    invstd[c] = static_cast<float>((var != 0 || eps != 0) ? 1.0 / std::sqrt(var + eps) : 0.0);
    if (rm) rm[c] = mom * mean[c] + (1 - mom) * rm[c];
    if (rv) {
      const double unbiased = varSum[c] / (count - 1);
      rv[c] = static_cast<float>(mom * unbiased + (1 - mom) * rv[c]);
    }
  }

  std::vector<float> alpha(channels), beta(channels);
  const float* w = weight.defined() ? weight.data_ptr<float>() : nullptr;
  const float* b = bias.defined() ? bias.data_ptr<float>() : nullptr;
  for (int64_t c = 0; c < channels; c++) {
    const float wc = w ? w[c] : 1.0f, bc = b ? b[c] : 0.0f;
    alpha[c] = invstd[c] * wc;
    beta[c] = rounding == Rounding::Fused ? std::fma(-mean[c], alpha[c], bc) : bc - mean[c] * alpha[c];
  }
  at::Tensor output = at::empty_like(x, at::MemoryFormat::Contiguous);
  const float* in = x.data_ptr<float>();
  float* out = output.data_ptr<float>();
  at::parallel_for(0, nb * channels, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; p++) {
      const int64_t c = p % channels;
      if (rounding == Rounding::Fused) {
        applyFused(in + p * plane, out + p * plane, plane, alpha[c], beta[c]);
      } else {
        applySeparate(in + p * plane, out + p * plane, plane, alpha[c], beta[c]);
      }
    }
  });
  return {output, saveMean, saveInvstd};
}

bool isCpuFloatVector(const at::Tensor& t, int64_t size) {
  return !t.defined() || (t.device().is_cpu() && t.scalar_type() == at::kFloat && t.dim() == 1 && t.size(0) == size &&
                          t.is_contiguous());
}

bool eligible(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& runningMean,
              const at::Tensor& runningVar) {
  if (!x.device().is_cpu() || x.scalar_type() != at::kFloat || x.dim() < 2 || x.numel() == 0) return false;
  if (!x.is_contiguous() || x.suggest_memory_format() != at::MemoryFormat::Contiguous) return false;
  const int64_t channels = x.size(1);
  if (x.numel() / x.size(0) / channels < kMinPlane) return false;
  if (runningMean.defined() != runningVar.defined() || weight.defined() != bias.defined()) return false;
  if ((runningMean.defined() && runningMean.requires_grad()) || (runningVar.defined() && runningVar.requires_grad())) return false;
  return isCpuFloatVector(weight, channels) && isCpuFloatVector(bias, channels) && isCpuFloatVector(runningMean, channels) &&
         isCpuFloatVector(runningVar, channels);
}

struct Selection {
  bool active = false;
  Rounding rounding = Rounding::Fused;
  std::string status;
};

// Both kernels on small random batches covering the code paths (a channel count that is not a multiple of four,
// planes that are not multiples of four, with and without affine parameters and running statistics), compared bit
// for bit: output, saved mean, saved invstd and the updated running statistics.
bool matchesLibtorch(Rounding rounding, std::string& why) {
  at::NoGradGuard noGrad;
  const int64_t shapes[][4] = {{6, 16, 6, 6}, {5, 12, 7, 3}, {4, 10, 4, 4}, {3, 8, 5, 5}};
  auto gen = at::make_generator<at::CPUGeneratorImpl>(1021);
  for (const auto& s : shapes) {
    for (int variant = 0; variant < 4; variant++) {
      const bool affine = variant & 1, tracked = variant & 2;
      at::Tensor x = at::randn({s[0], s[1], s[2], s[3]}, gen) * 3 + 0.5;
      at::Tensor w = affine ? at::rand({s[1]}, gen) + 0.5 : at::Tensor();
      at::Tensor b = affine ? at::randn({s[1]}, gen) : at::Tensor();
      at::Tensor rm = tracked ? at::randn({s[1]}, gen) : at::Tensor();
      at::Tensor rv = tracked ? at::rand({s[1]}, gen) + 1 : at::Tensor();
      at::Tensor rm2 = tracked ? rm.clone() : at::Tensor(), rv2 = tracked ? rv.clone() : at::Tensor();
      auto ref = at::native_batch_norm(x, w, b, rm, rv, true, 0.1, 1e-5);
      Forward got = trainForward(x, w, b, rm2, rv2, 0.1, 1e-5, rounding);
      bool same = at::equal(std::get<0>(ref), got.output) && at::equal(std::get<1>(ref), got.saveMean) &&
                  at::equal(std::get<2>(ref), got.saveInvstd) && (!tracked || (at::equal(rm, rm2) && at::equal(rv, rv2)));
      if (!same) {
        why = "differs from libtorch's kernel on a " + std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" +
              std::to_string(s[2]) + "x" + std::to_string(s[3]) + " batch";
        return false;
      }
    }
  }
  return true;
}

const Selection& selection() {
  static const Selection chosen = [] {
    Selection s;
    const char* env = std::getenv("AA_NAS_FAST_BN");
    if (env != nullptr && std::strcmp(env, "0") == 0) {
      s.status = "libtorch: AA_NAS_FAST_BN=0";
      return s;
    }
    std::string why;
    for (Rounding r : {Rounding::Fused, Rounding::Separate}) {
      if (r == Rounding::Fused && !cpuHasAvx2Fma()) continue;
      if (matchesLibtorch(r, why)) {
        s.active = true;
        s.rounding = r;
        s.status = "aa-nas";
        return s;
      }
    }
    s.status = "libtorch: ours " + why;
    return s;
  }();
  return chosen;
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Backward is libtorch's own native_batch_norm_backward, called as NativeBatchNormBackward0 calls it. Two functions
// because libtorch 1.13's custom-function machinery cannot take an undefined tensor as an input: with affine
// parameters (inputs x, weight, bias) and without (input x). Running statistics are not differentiable inputs.
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;
using OptTensor = c10::optional<at::Tensor>;

variable_list backwardFrom(AutogradContext* ctx, const at::Tensor& grad, bool affine) {
  const auto saved = ctx->get_saved_variables();  // x, saveMean, saveInvstd[, weight]
  const std::array<bool, 3> mask = {ctx->needs_input_grad(0), affine && ctx->needs_input_grad(1),
                                    affine && ctx->needs_input_grad(2)};
  auto g = at::native_batch_norm_backward(grad, saved[0], affine ? saved[3] : at::Tensor(), at::Tensor(), at::Tensor(),
                                          saved[1], saved[2], true, ctx->saved_data["eps"].toDouble(), mask);
  return {std::get<0>(g), std::get<1>(g), std::get<2>(g)};
}

at::Tensor forwardInto(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                       const OptTensor& runningMean, const OptTensor& runningVar, double momentum, double eps) {
  Forward f = trainForward(x, weight, bias, runningMean.value_or(at::Tensor()), runningVar.value_or(at::Tensor()), momentum,
                           eps, selection().rounding);
  if (weight.defined()) {
    ctx->save_for_backward({x, f.saveMean, f.saveInvstd, weight});
  } else {
    ctx->save_for_backward({x, f.saveMean, f.saveInvstd});
  }
  ctx->saved_data["eps"] = eps;
  return f.output;
}

struct AffineBatchNorm : public torch::autograd::Function<AffineBatchNorm> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                            OptTensor runningMean, OptTensor runningVar, double momentum, double eps) {
    return forwardInto(ctx, x, weight, bias, runningMean, runningVar, momentum, eps);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    variable_list result(7);
    if (!grads[0].defined()) return result;
    auto g = backwardFrom(ctx, grads[0], true);
    std::copy(g.begin(), g.end(), result.begin());
    return result;
  }
};

struct PlainBatchNorm : public torch::autograd::Function<PlainBatchNorm> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, OptTensor runningMean, OptTensor runningVar,
                            double momentum, double eps) {
    return forwardInto(ctx, x, at::Tensor(), at::Tensor(), runningMean, runningVar, momentum, eps);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    variable_list result(5);
    if (!grads[0].defined()) return result;
    result[0] = backwardFrom(ctx, grads[0], false)[0];
    return result;
  }
};

}  // namespace

std::optional<at::Tensor> fastBatchNormTrain(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                             const at::Tensor& runningMean, const at::Tensor& runningVar, double momentum,
                                             double eps) {
  if (!eligible(x, weight, bias, runningMean, runningVar) || !selection().active) return std::nullopt;
  const OptTensor rm = runningMean.defined() ? OptTensor(runningMean) : c10::nullopt;
  const OptTensor rv = runningVar.defined() ? OptTensor(runningVar) : c10::nullopt;
  if (weight.defined()) return AffineBatchNorm::apply(x, weight, bias, rm, rv, momentum, eps);
  return PlainBatchNorm::apply(x, rm, rv, momentum, eps);
}

std::string batchNormKernelStatus() { return selection().status; }

}  // namespace aa

#else  // The kernel is written for x86-64 (AVX2); elsewhere libtorch's is used.

namespace aa {
std::optional<at::Tensor> fastBatchNormTrain(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&,
                                             const at::Tensor&, double, double) {
  return std::nullopt;
}
std::string batchNormKernelStatus() { return "libtorch: our kernel is x86-64 only"; }

bool cpuHasAvx2Fma() { return false; }

void channelStatistics(const float* x, int64_t nb, int64_t channels, int64_t plane, float* mean, float* varSum) {
  for (int64_t c = 0; c < channels; c++) channelStats(x, nb, channels, plane, c, mean, varSum);
}

void affineFused(const float* x, float* y, int64_t n, float a, float b) {
  for (int64_t i = 0; i < n; i++) y[i] = std::fma(x[i], a, b);
}
}  // namespace aa

#endif
