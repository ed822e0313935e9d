// A small fixed pool of worker threads for the addon's large kernels.
//
// The calling (JavaScript) thread always takes part in the work, so a pool of n threads starts n - 1
// workers. Work is split into chunks that threads claim from an atomic counter, which balances uneven
// chunks without a scheduler. A parallel_for issued from inside a worker (a kernel that is itself run
// per image or per batch entry) runs serially on that worker: the outer level already uses every thread.
// So does one issued while another JavaScript thread (a Worker) has the pool: the pool is per process.
#pragma once
#include <cstdint>
#include <functional>

namespace tstorch {

/** Sets the number of threads large kernels use (the caller included); at least 1. */
void set_num_threads(int n);
int num_threads();

/** Threads a parallel_for over `count` items of at least `grain` each would use (1 inside a worker). */
int threads_for(int64_t count, int64_t grain);

/** parallel_for's dispatch to the pool, for `threads` > 1. */
void parallel_run(int64_t count, int64_t grain, int threads, const std::function<void(int64_t, int64_t)>& body);

/**
 * Runs body(begin, end) over [0, count) in chunks of at least `grain` items, on up to num_threads()
 * threads, and returns when every chunk is done. Runs inline when one chunk covers everything, without
 * wrapping the body in a std::function (an allocation that small calls would notice).
 */
template <typename F>
inline void parallel_for(int64_t count, int64_t grain, F&& body) {
  if (count <= 0) return;
  const int threads = threads_for(count, grain);
  if (threads <= 1) {
    body(static_cast<int64_t>(0), count);
    return;
  }
  parallel_run(count, grain, threads, body);
}

}  // namespace tstorch
