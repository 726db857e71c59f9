// The tests' supernets are tiny: one libtorch thread is as fast, and on a shared 2-core machine it avoids OpenMP
// threads waiting on each other (measured: a C=2 supernet step went from ~5 s to ~0.05 s under load).
import { setNumThreads } from "../../../packages/engine/src/tensor/index.js";

setNumThreads(1);
