#pragma once
// Replica groups: W threads of one process train copies of the same network, each on a slice of every batch
// (data parallelism inside one process). They meet only at batch-norm statistics and at the gradient sum, through
// the exchanges below. Every combination runs in rank order on identical inputs, so all replicas get the same bits
// and their parameters never drift apart.
#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aa {

class ReplicaGroup;

// The group registered under `id` (replicaGroupCreate); throws if there is none.
std::shared_ptr<ReplicaGroup> replicaGroup(int64_t id);

// A rank's view of one exchange of per-channel double vectors: post(), then read every rank's contribution in rank
// order. Two alternating buffers let one barrier per exchange suffice: a rank can only overwrite a buffer after every
// rank has passed the next barrier, which they reach only after reading this one.
class ReplicaGroup {
 public:
  explicit ReplicaGroup(int world);
  ~ReplicaGroup();
  ReplicaGroup(const ReplicaGroup&) = delete;
  ReplicaGroup& operator=(const ReplicaGroup&) = delete;
  int world() const { return world_; }

  // Posts `local` for `rank`, waits for all ranks, and returns every rank's vector (index = rank).
  const std::vector<std::vector<double>>& exchange(int rank, std::vector<double> local);

  // In-place sum of each tensor over the ranks, added in rank order; every rank ends with the same values.
  void allReduceSum(int rank, const std::vector<at::Tensor>& tensors);
  // In-place elementwise maximum over the ranks.
  void allReduceMax(int rank, const std::vector<at::Tensor>& tensors);
  // Every rank's tensors become copies of rank 0's.
  void broadcast(int rank, const std::vector<at::Tensor>& tensors);

  // Makes every waiting and future barrier of this group throw `reason` (a replica failed).
  void abort(const std::string& reason);

 private:
  void barrier();
  enum class Op { Sum, Max, Broadcast };
  void reduce(int rank, const std::vector<at::Tensor>& tensors, Op op);

  const int world_;
  struct State;
  State* state_;
  std::vector<std::vector<double>> slots_[2];
  std::vector<int64_t> round_;  // per rank: how many exchanges it has posted
  std::vector<std::vector<at::Tensor>> tensors_;
};

}  // namespace aa
