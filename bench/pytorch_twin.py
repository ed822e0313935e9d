"""The PyTorch twin of tstorch's benchmark workloads (W1-W5 of WORKLOADS.md, and T: the training example).

Runs one case, as bench/worker.ts does in tstorch, and prints one JSON line (bench/protocol.ts):
    /usr/bin/python3 bench/pytorch_twin.py '{"params": {...}, "policy": {...}, "threads": 1}'
run.ts builds the request from bench/workloads/cases.ts, where the shapes are defined once. Each step
here is the translation of the tstorch step in bench/workloads/, and each workload draws its data from
torch.manual_seed(0) as tstorch does, so both sides compute on the same numbers (the initial loss
printed by both must agree).
"""
import json
import os
import resource
import sys
import time


def pin_threads(n):
    # Must happen before torch is imported: Debian's torch calls the system OpenBLAS, which takes its
    # thread count from the environment when loaded and ignores torch.set_num_threads alone. With more
    # than one thread, OpenMP's threads would spin while OpenBLAS's run (four busy threads on two
    # cores), so they are told to sleep.
    for name in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ[name] = str(n)
    if n > 1:
        os.environ['OMP_WAIT_POLICY'] = 'PASSIVE'


def max_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def sample(step, policy):
    """bench/sampling.ts's algorithm: warm up, size samples from the fastest warm-up step, sample."""
    warmup_iters = 0
    fastest = float('inf')
    warmup_start = time.perf_counter()
    while warmup_iters < policy['minWarmupIters'] or time.perf_counter() - warmup_start < policy['warmupSec']:
        t0 = time.perf_counter()
        step()
        fastest = min(fastest, time.perf_counter() - t0)
        warmup_iters += 1
    iters_per_sample = max(1, round(policy['sampleSec'] / fastest))
    affordable = int(policy['budgetSec'] // (iters_per_sample * fastest))
    count = min(policy['maxSamples'], max(policy['minSamples'], affordable))
    seconds_per_iter = []
    for _ in range(count):
        t0 = time.perf_counter()
        for _ in range(iters_per_sample):
            step()
        seconds_per_iter.append((time.perf_counter() - t0) / iters_per_sample)
    return {'secondsPerIter': seconds_per_iter, 'itersPerSample': iters_per_sample, 'warmupIters': warmup_iters}


def workloads(torch):
    nn = torch.nn
    # The networks and the data reader are shared with the fixture generators.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools', 'golden'))
    from models import BlitzNet, FashionMNIST

    def tutorial():
        def step():
            x = torch.ones(2, 2, requires_grad=True)
            y = x + 2
            z = y * y * 3
            out = z.mean()
            out.backward()
        return step, None

    def elementwise(numel):
        torch.manual_seed(0)
        a = torch.randn(numel, requires_grad=True)
        b = torch.randn(numel, requires_grad=True)
        with torch.no_grad():
            initial_loss = (a * b + a).sum().item()

        def step():
            a.grad = None
            b.grad = None
            (a * b + a).sum().backward()
        return step, initial_loss

    def matmul(n, backward):
        torch.manual_seed(0)
        a = torch.randn(n, n, requires_grad=backward)
        b = torch.randn(n, n, requires_grad=backward)
        if not backward:
            return (lambda: a @ b), None
        upstream = torch.randn(n, n)

        def step():
            a.grad = None
            b.grad = None
            (a @ b).backward(upstream)
        return step, None

    def training_step(model, optimizer, inputs, target):
        criterion = nn.CrossEntropyLoss()
        with torch.no_grad():
            initial_loss = criterion(model(inputs), target).item()

        def step():
            # set_to_none=True is PyTorch 2.x's default (1.13's is False), and tstorch's zeroGrad's.
            optimizer.zero_grad(set_to_none=True)
            criterion(model(inputs), target).backward()
            optimizer.step()
        return step, initial_loss

    def mlp(batch):
        torch.manual_seed(0)
        model = nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(),
            nn.Linear(512, 256), nn.ReLU(),
            nn.Linear(256, 10),
        )
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        inputs = torch.randn(batch, 784)
        target = torch.randint(0, 10, (batch,))
        return training_step(model, optimizer, inputs, target)

    def cnn(batch):
        torch.manual_seed(0)
        model = BlitzNet(3, 32)  # the blitz's CIFAR-10 network, line for line
        optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
        inputs = torch.randn(batch, 3, 32, 32)
        target = torch.randint(0, 10, (batch,))
        return training_step(model, optimizer, inputs, target)

    def example_epoch(batch, root):
        # The Fashion-MNIST example's training loop (examples/train-fashion-mnist.ts) step by step,
        # batches drawn from a shuffling DataLoader over the per-image transform, as in the example.
        torch.manual_seed(0)
        model = BlitzNet()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        criterion = nn.CrossEntropyLoss()
        loader = torch.utils.data.DataLoader(FashionMNIST(root), batch_size=batch, shuffle=True)
        batches = iter(loader)

        def step():
            nonlocal batches
            try:
                images, labels = next(batches)
            except StopIteration:
                batches = iter(loader)
                images, labels = next(batches)
            optimizer.zero_grad(set_to_none=True)
            criterion(model(images), labels).backward()
            optimizer.step()
        return step, None

    return {
        'W1': lambda p: tutorial(),
        'W2': lambda p: elementwise(p['numel']),
        'W3': lambda p: matmul(p['n'], p['backward']),
        'W4': lambda p: mlp(p['batch']),
        'W5': lambda p: cnn(p['batch']),
        'T': lambda p: example_epoch(p['batch'], p['root']),
    }


def run(request):
    pin_threads(request['threads'])
    import torch
    torch.set_num_threads(request['threads'])
    base_rss_kib = max_rss_kib()
    params = request['params']
    step, initial_loss = workloads(torch)[params['workload']](params)
    result = sample(step, request['policy'])
    result.update(
        version=torch.__version__,
        threads=torch.get_num_threads(),
        baseRssKiB=base_rss_kib,
        peakRssKiB=max_rss_kib(),
    )
    if initial_loss is not None:
        result['initialLoss'] = initial_loss
    return result


if __name__ == '__main__':
    try:
        output = run(json.loads(sys.argv[1]))
    except Exception as error:  # reported to run.ts, which prints it beside the case
        output = {'error': f'{type(error).__name__}: {error}'}
    print(json.dumps(output))
