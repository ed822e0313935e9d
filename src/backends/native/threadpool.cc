#include "threadpool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace tstorch {
namespace {

// True on pool workers and on the caller while it runs a parallel_for, so nested calls run inline.
thread_local bool in_parallel_region = false;

// How long a worker that finished its chunks, and a caller that finished its own, poll before they
// sleep on a condition variable. Waking a sleeping thread took 60-75 us on the 2-vCPU VMs measured, as
// long as a whole kernel over a million elements. The pool also runs the blocks of mid-sized matrix
// products, which in a training step come a few hundred microseconds apart (the small ops and the
// JavaScript between them): W4 at 2 threads ran 7% slower polling 50 us than 500, and 2 ms was no
// better on W4 but slower where V8's collector wants the second core (the training example).
constexpr std::chrono::microseconds kPollBeforeSleep{500};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Polls `ready` for up to kPollBeforeSleep; whether it became true.
template <typename Ready>
bool poll_briefly(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + kPollBeforeSleep;
  for (;;) {
    for (int i = 0; i < 64; i++) {
      if (ready()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Other threads that want this core (BLAS workers, V8's helpers) get it while this one polls.
    std::this_thread::yield();
  }
}

class Pool {
 public:
  void resize(int threads) {
    std::lock_guard<std::mutex> owner(owner_);
    stop_workers();
    target_ = threads < 1 ? 1 : threads;
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
    for (int i = 1; i < target_; i++) workers_.emplace_back([this] { work(); });
  }

  int size() const { return target_; }

  /**
   * Runs the chunks on the pool, or returns false at once when another JavaScript thread (a Worker
   * using the addon too) holds the pool: the caller then runs the work itself.
   */
  bool run(int64_t chunks, int64_t count, int64_t chunk_size, const std::function<void(int64_t, int64_t)>& body) {
    std::unique_lock<std::mutex> owner(owner_, std::try_to_lock);
    if (!owner.owns_lock()) return false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      body_ = &body;
      count_ = count;
      chunk_size_ = chunk_size;
      chunks_ = chunks;
      next_.store(0);
      pending_.store(chunks);
      generation_++;
    }
    wake_.notify_all();
    in_parallel_region = true;
    claim_chunks();
    in_parallel_region = false;
    // Waiting for the workers to leave too means none can still be claiming from this run when the
    // next one resets the counters.
    poll_briefly([this] { return pending_.load() == 0 && active_.load() == 0; });
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load() == 0 && active_ == 0; });
    body_ = nullptr;
    return true;
  }

 private:
  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void work() {
    in_parallel_region = true;
    uint64_t seen = 0;
    for (;;) {
      // The condition variable decides; polling first only spares the sleep when a run comes soon.
      poll_briefly([&] { return generation_.load() != seen; });
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_.load() != seen; });
        if (stopping_) return;
        seen = generation_;
        active_++;
      }
      claim_chunks();
      std::lock_guard<std::mutex> lock(mutex_);
      if (--active_ == 0) done_.notify_one();
    }
  }

  void claim_chunks() {
    const std::function<void(int64_t, int64_t)>* body = body_;
    if (body == nullptr) return;
    for (;;) {
      int64_t chunk = next_.fetch_add(1);
      if (chunk >= chunks_) return;
      int64_t begin = chunk * chunk_size_;
      int64_t end = begin + chunk_size_ < count_ ? begin + chunk_size_ : count_;
      (*body)(begin, end);
      if (pending_.fetch_sub(1) == 1) {
        // Taking the lock orders this notify after the caller's wait started or its predicate check.
        std::lock_guard<std::mutex> lock(mutex_);
        done_.notify_one();
      }
    }
  }

  std::mutex owner_;  // held by the thread dispatching to the pool (or resizing it)
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
  // Written under mutex_; atomic so that poll_briefly may read them without it.
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> active_{0};  // workers inside claim_chunks
  int target_ = 1;
  const std::function<void(int64_t, int64_t)>* body_ = nullptr;
  int64_t count_ = 0;
  int64_t chunk_size_ = 0;
  int64_t chunks_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int64_t> pending_{0};
};

Pool& pool() {
  // Never destroyed: joining threads from a static destructor at process exit can deadlock.
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

void set_num_threads(int n) {
  if (n != pool().size()) pool().resize(n);
}

int num_threads() { return pool().size(); }

int threads_for(int64_t count, int64_t grain) {
  if (in_parallel_region) return 1;
  int64_t by_work = grain > 0 ? count / grain : count;
  int64_t n = pool().size();
  if (by_work < n) n = by_work;
  return n < 1 ? 1 : static_cast<int>(n);
}

void parallel_run(int64_t count, int64_t grain, int threads, const std::function<void(int64_t, int64_t)>& body) {
  // A few chunks per thread, so one slow chunk (a busy core) does not hold the others back.
  int64_t chunks = static_cast<int64_t>(threads) * 4;
  if (grain > 0 && count / grain < chunks) chunks = count / grain;
  if (chunks < threads) chunks = threads;
  int64_t chunk_size = (count + chunks - 1) / chunks;
  chunks = (count + chunk_size - 1) / chunk_size;
  if (!pool().run(chunks, count, chunk_size, body)) body(0, count);
}

}  // namespace tstorch
