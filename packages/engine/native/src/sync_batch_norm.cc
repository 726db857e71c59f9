// Training-mode batch norm over a batch split across the replicas of a group (replica_group.h): each replica holds a
// slice of the batch, the statistics are those of the whole batch. Forward: each replica's per-channel count, mean
// and squared-deviation sum are combined in rank order (Chan et al.'s pairwise formula); backward: the per-channel
// sums Σdy and Σdy·(x − mean) are summed the same way. The parameter gradients returned are the replica's own share;
// the gradient all-reduce after backward adds them up, as for every other parameter.
//
// The result equals at::batch_norm on the whole batch up to float rounding (the sums are grouped differently), so a
// group of one never comes here: it keeps the bit-identical kernel of batch_norm_cpu.cc.
#include "batch_norm_cpu.h"
#include "handles.h"
#include "replica_group.h"

#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace aa {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;
using OptTensor = c10::optional<at::Tensor>;

// Σ dy and Σ dy·(x − mean) over n floats, accumulated in float lanes and returned in double.
void gradSums(const float* dy, const float* x, int64_t n, float mean, double* sumDy, double* sumDyXmu);
// dx = dy * k1 + x * k2 + k3 over n floats.
void gradInput(const float* dy, const float* x, float* dx, int64_t n, float k1, float k2, float k3);

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) double hsum(__m256 v) {
  __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v)), hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
  __m256d s = _mm256_add_pd(lo, hi);
  __m128d t = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
  return _mm_cvtsd_f64(t) + _mm_cvtsd_f64(_mm_unpackhi_pd(t, t));
}
__attribute__((target("avx2,fma"))) void gradSumsAvx2(const float* dy, const float* x, int64_t n, float mean, double* sumDy,
                                                     double* sumDyXmu) {
  const __m256 vm = _mm256_set1_ps(mean);
  __m256 s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 g = _mm256_loadu_ps(dy + i);
    s1 = _mm256_add_ps(s1, g);
    s2 = _mm256_fmadd_ps(g, _mm256_sub_ps(_mm256_loadu_ps(x + i), vm), s2);
  }
  double a = hsum(s1), b = hsum(s2);
  for (; i < n; i++) {
    a += dy[i];
    b += double(dy[i]) * (x[i] - mean);
  }
  *sumDy += a;
  *sumDyXmu += b;
}
__attribute__((target("avx2,fma"))) void gradInputAvx2(const float* dy, const float* x, float* dx, int64_t n, float k1, float k2,
                                                      float k3) {
  const __m256 v1 = _mm256_set1_ps(k1), v2 = _mm256_set1_ps(k2), v3 = _mm256_set1_ps(k3);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 t = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), v2, v3);
    _mm256_storeu_ps(dx + i, _mm256_fmadd_ps(_mm256_loadu_ps(dy + i), v1, t));
  }
  for (; i < n; i++) dx[i] = std::fma(dy[i], k1, std::fma(x[i], k2, k3));
}
#else
void gradSumsAvx2(const float*, const float*, int64_t, float, double*, double*) {}
void gradInputAvx2(const float*, const float*, float*, int64_t, float, float, float) {}
#endif

void gradSums(const float* dy, const float* x, int64_t n, float mean, double* sumDy, double* sumDyXmu) {
  if (cpuHasAvx2Fma()) return gradSumsAvx2(dy, x, n, mean, sumDy, sumDyXmu);
  for (int64_t i = 0; i < n; i++) {
    *sumDy += dy[i];
    *sumDyXmu += double(dy[i]) * (x[i] - mean);
  }
}
void gradInput(const float* dy, const float* x, float* dx, int64_t n, float k1, float k2, float k3) {
  if (cpuHasAvx2Fma()) return gradInputAvx2(dy, x, dx, n, k1, k2, k3);
  for (int64_t i = 0; i < n; i++) dx[i] = std::fma(dy[i], k1, std::fma(x[i], k2, k3));
}

// Channels-last (NHWC) blocks: `rows` pixels of C channels each. Per-channel work is an elementwise loop over the
// channels of a row, which the compiler vectorises; sums gather in float over chunks of rows, then in double.
#if defined(__x86_64__)
#define AA_ROWS_KERNEL __attribute__((target("avx2,fma"), optimize("O3")))
#else
#define AA_ROWS_KERNEL
#endif
constexpr int64_t kChunkRows = 64;

AA_ROWS_KERNEL void rowsSums(const float* x, int64_t rows, int64_t C, const float* center, double* out) {
  std::vector<float> acc(C);
  for (int64_t r0 = 0; r0 < rows; r0 += kChunkRows) {
    std::fill(acc.begin(), acc.end(), 0.f);
    float* a = acc.data();
    for (int64_t r = r0; r < std::min(rows, r0 + kChunkRows); r++) {
      const float* row = x + r * C;
      if (center == nullptr) {
        for (int64_t c = 0; c < C; c++) a[c] += row[c];
      } else {
        for (int64_t c = 0; c < C; c++) {
          const float d = row[c] - center[c];
          a[c] += d * d;
        }
      }
    }
    for (int64_t c = 0; c < C; c++) out[c] += a[c];
  }
}
AA_ROWS_KERNEL void rowsAffine(const float* x, float* y, int64_t rows, int64_t C, const float* a, const float* b) {
  for (int64_t r = 0; r < rows; r++) {
    const float* in = x + r * C;
    float* o = y + r * C;
    for (int64_t c = 0; c < C; c++) o[c] = in[c] * a[c] + b[c];
  }
}
AA_ROWS_KERNEL void rowsGradSums(const float* dy, const float* x, int64_t rows, int64_t C, const float* mean, double* sumDy,
                                 double* sumDyXmu) {
  std::vector<float> a1(C), a2(C);
  for (int64_t r0 = 0; r0 < rows; r0 += kChunkRows) {
    std::fill(a1.begin(), a1.end(), 0.f);
    std::fill(a2.begin(), a2.end(), 0.f);
    float* p1 = a1.data();
    float* p2 = a2.data();
    for (int64_t r = r0; r < std::min(rows, r0 + kChunkRows); r++) {
      const float* g = dy + r * C;
      const float* in = x + r * C;
      for (int64_t c = 0; c < C; c++) {
        p1[c] += g[c];
        p2[c] += g[c] * (in[c] - mean[c]);
      }
    }
    for (int64_t c = 0; c < C; c++) {
      sumDy[c] += p1[c];
      sumDyXmu[c] += p2[c];
    }
  }
}
AA_ROWS_KERNEL void rowsGradInput(const float* dy, const float* x, float* dx, int64_t rows, int64_t C, const float* k1,
                                  const float* k2, const float* k3) {
  for (int64_t r = 0; r < rows; r++) {
    const float* g = dy + r * C;
    const float* in = x + r * C;
    float* d = dx + r * C;
    for (int64_t c = 0; c < C; c++) d[c] = g[c] * k1[c] + (in[c] * k2[c] + k3[c]);
  }
}

// How a replica's slice is laid out: NCHW-contiguous (per (image, channel) planes) or channels-last (per pixel rows).
struct Shape {
  int64_t nb, channels, plane;
  bool rows;  // channels-last
};
Shape shapeOf(const at::Tensor& x) {
  const bool rows = !x.is_contiguous() && x.dim() == 4 && x.is_contiguous(at::MemoryFormat::ChannelsLast);
  return {x.size(0), x.size(1), x.size(0) == 0 ? 0 : x.numel() / x.size(0) / x.size(1), rows};
}

// Per-channel local mean (float(Σx / n), as libtorch) and squared-deviation sum around it.
void localStats(const at::Tensor& x, const Shape& s, float* mean, float* varSum) {
  const int64_t C = s.channels;
  if (s.nb == 0) return;
  if (!s.rows) return channelStatistics(x.data_ptr<float>(), s.nb, C, s.plane, mean, varSum);
  const int64_t rows = s.nb * s.plane;
  std::vector<double> sum(C, 0.0), dev(C, 0.0);
  rowsSums(x.data_ptr<float>(), rows, C, nullptr, sum.data());
  for (int64_t c = 0; c < C; c++) mean[c] = static_cast<float>(sum[c] / double(rows));
  rowsSums(x.data_ptr<float>(), rows, C, mean, dev.data());
  for (int64_t c = 0; c < C; c++) varSum[c] = static_cast<float>(dev[c]);
}

struct SyncBatchNorm : public torch::autograd::Function<SyncBatchNorm> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                            OptTensor runningMean, OptTensor runningVar, double momentum, double eps, int64_t groupId,
                            int64_t rank) {
    const auto group = replicaGroup(groupId);
    const Shape s = shapeOf(x);
    const int64_t C = s.channels;
    std::vector<float> localMean(C, 0.f), localVarSum(C, 0.f);
    localStats(x, s, localMean.data(), localVarSum.data());
    // posted: count, then C means, then C squared-deviation sums
    std::vector<double> local(1 + 2 * C);
    local[0] = double(s.nb * s.plane);
    for (int64_t c = 0; c < C; c++) {
      local[1 + c] = localMean[c];
      local[1 + C + c] = localVarSum[c];
    }
    const auto& all = group->exchange(static_cast<int>(rank), std::move(local));
    double count = 0;
    for (const auto& r : all) count += r[0];
    if (count <= 1) throw std::runtime_error("batch norm in training mode needs more than 1 value per channel, got " + std::to_string(int64_t(count)));

    at::Tensor mean = at::empty({C}, x.options()), invstd = at::empty({C}, x.options());
    float* m = mean.data_ptr<float>();
    float* is = invstd.data_ptr<float>();
    float* rm = runningMean ? runningMean->data_ptr<float>() : nullptr;
    float* rv = runningVar ? runningVar->data_ptr<float>() : nullptr;
    const float mom = static_cast<float>(momentum);
    for (int64_t c = 0; c < C; c++) {
      double mu = 0;
      for (const auto& r : all) mu += r[0] * r[1 + c];
      mu /= count;
      double m2 = 0;
      for (const auto& r : all) {
        const double d = r[1 + c] - mu;
        m2 += r[1 + C + c] + r[0] * d * d;
      }
      m[c] = static_cast<float>(mu);
      is[c] = static_cast<float>(1.0 / std::sqrt(m2 / count + eps));
      if (rm) rm[c] = mom * m[c] + (1 - mom) * rm[c];
      if (rv) rv[c] = static_cast<float>(mom * (m2 / (count - 1)) + (1 - mom) * rv[c]);
    }

    at::Tensor out = at::empty_like(x, s.rows ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
    const float* w = weight.data_ptr<float>();
    const float* b = bias.data_ptr<float>();
    std::vector<float> alpha(C), beta(C);
    for (int64_t c = 0; c < C; c++) {
      alpha[c] = is[c] * w[c];
      beta[c] = b[c] - m[c] * alpha[c];
    }
    const float* in = x.data_ptr<float>();
    float* o = out.data_ptr<float>();
    if (s.rows) {
      rowsAffine(in, o, s.nb * s.plane, C, alpha.data(), beta.data());
    } else {
      for (int64_t p = 0; p < s.nb * C; p++) affineFused(in + p * s.plane, o + p * s.plane, s.plane, alpha[p % C], beta[p % C]);
    }
    ctx->save_for_backward({x, mean, invstd, weight});
    ctx->saved_data["count"] = count;
    ctx->saved_data["group"] = groupId;
    ctx->saved_data["rank"] = rank;
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    variable_list result(9);
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const float* m = saved[1].data_ptr<float>();
    const float* is = saved[2].data_ptr<float>();
    const float* w = saved[3].data_ptr<float>();
    const double count = ctx->saved_data["count"].toDouble();
    const auto group = replicaGroup(ctx->saved_data["group"].toInt());
    // Every replica must take part in the exchange, even one whose slice got no gradient.
    const Shape s = shapeOf(x);
    const auto format = s.rows ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
    const at::Tensor dy = grads[0].defined() ? grads[0].contiguous(format) : at::zeros_like(x, format);
    const int64_t C = s.channels;
    std::vector<double> local(2 * C, 0.0);
    const float* g = dy.data_ptr<float>();
    const float* in = x.data_ptr<float>();
    if (s.rows) {
      rowsGradSums(g, in, s.nb * s.plane, C, m, local.data(), local.data() + C);
    } else {
      for (int64_t p = 0; p < s.nb * C; p++) {
        const int64_t c = p % C;
        gradSums(g + p * s.plane, in + p * s.plane, s.plane, m[c], &local[c], &local[C + c]);
      }
    }
    const auto& all = group->exchange(static_cast<int>(ctx->saved_data["rank"].toInt()), local);

    if (ctx->needs_input_grad(0)) {
      at::Tensor dx = at::empty_like(x, format);
      float* d = dx.data_ptr<float>();
      std::vector<float> k1(C), k2(C), k3(C);
      for (int64_t c = 0; c < C; c++) {
        double sumDy = 0, sumDyXmu = 0;
        for (const auto& r : all) {
          sumDy += r[c];
          sumDyXmu += r[C + c];
        }
        const double a = double(is[c]) * w[c];
        const double b = -a * double(is[c]) * is[c] * sumDyXmu / count;
        k1[c] = static_cast<float>(a);
        k2[c] = static_cast<float>(b);
        k3[c] = static_cast<float>(-a * sumDy / count - double(m[c]) * b);
      }
      if (s.rows) {
        rowsGradInput(g, in, d, s.nb * s.plane, C, k1.data(), k2.data(), k3.data());
      } else {
        for (int64_t p = 0; p < s.nb * C; p++) {
          const int64_t c = p % C;
          gradInput(g + p * s.plane, in + p * s.plane, d + p * s.plane, s.plane, k1[c], k2[c], k3[c]);
        }
      }
      result[0] = dx;
    }
    if (ctx->needs_input_grad(1) || ctx->needs_input_grad(2)) {
      at::Tensor dw = at::empty({C}, x.options()), db = at::empty({C}, x.options());
      for (int64_t c = 0; c < C; c++) {
        dw.data_ptr<float>()[c] = static_cast<float>(local[C + c] * is[c]);
        db.data_ptr<float>()[c] = static_cast<float>(local[c]);
      }
      if (ctx->needs_input_grad(1)) result[1] = dw;
      if (ctx->needs_input_grad(2)) result[2] = db;
    }
    return result;
  }
};

bool isCpuFloat(const at::Tensor& t) { return t.device().is_cpu() && t.scalar_type() == at::kFloat; }

// syncBatchNorm(group, rank, x, weight | -1, bias | -1, runningMean | -1, runningVar | -1, momentum, eps)
// Training mode only (evaluation needs no exchange: it uses the running statistics, the same on every replica).
Napi::Value SyncBatchNormOp(const Napi::CallbackInfo& info) {
  const int64_t groupId = argInt(info, 0), rank = argInt(info, 1);
  const at::Tensor& x = argTensor(info, 2);
  const OptTensor w = argOptTensor(info, 3), b = argOptTensor(info, 4), rm = argOptTensor(info, 5), rv = argOptTensor(info, 6);
  if (!isCpuFloat(x) || x.dim() < 2 || !(x.is_contiguous() || (x.dim() == 4 && x.is_contiguous(at::MemoryFormat::ChannelsLast)))) {
    throw std::runtime_error("replica batch norm takes a CPU float32 input of at least 2 dimensions, row-major or channels-last");
  }
  const int64_t C = x.size(1);
  for (const OptTensor* t : {&w, &b, &rm, &rv}) {
    if (*t && (!isCpuFloat(**t) || (*t)->numel() != C || !(*t)->is_contiguous())) {
      throw std::runtime_error("replica batch norm: weight, bias and running statistics must be CPU float32 vectors of " + std::to_string(C));
    }
  }
  // libtorch 1.13's custom functions cannot take undefined tensors: a norm without affine parameters gets constant ones
  const at::Tensor weight = w ? *w : at::ones({C}, x.options());
  const at::Tensor bias = b ? *b : at::zeros({C}, x.options());
  return ret(info.Env(), SyncBatchNorm::apply(x, weight, bias, rm, rv, argDouble(info, 7), argDouble(info, 8), groupId, rank));
}

}  // namespace

void registerSyncBatchNorm(Napi::Env, Napi::Object e) { AA_EXPORT(e, "syncBatchNorm", SyncBatchNormOp); }

}  // namespace aa
