"""PyTorch peer for bench/run.sh: the same models, data, batch and optimizer as aec, one thread.
Prints one line per model: `torch MODEL SAMPLES_PER_SECOND`."""
import os, sys, time
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import gzip, numpy as np, torch  # noqa: E402

torch.set_num_threads(1)
path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
with gzip.open(path) as f:
    x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255
X = torch.from_numpy(x)

def relu_ae():
    enc = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 64), torch.nn.ReLU())
    dec = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 784), torch.nn.Sigmoid())
    m = torch.nn.Sequential(enc, dec)
    return m, lambda b: ((b - m(b)) ** 2).sum(1).mean()

def deep_ae():
    sizes = [784, 1000, 500, 250, 30]
    layers = []
    for i in range(4):
        layers += [torch.nn.Linear(sizes[i], sizes[i + 1])] + ([torch.nn.Sigmoid()] if i < 3 else [])
    for i in range(4, 0, -1):
        layers += [torch.nn.Linear(sizes[i], sizes[i - 1]), torch.nn.Sigmoid()]
    m = torch.nn.Sequential(*layers[:-1])  # logits; BCE on logits is the stable form
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    return m, lambda b: bce(m(b), b).sum(1).mean()

def bench(name, make, epochs=1, batch=256):
    torch.manual_seed(0)
    m, loss_fn = make()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    n = X.shape[0]
    start = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, batch):
            b = X[perm[i:i + batch]]
            opt.zero_grad()
            loss = loss_fn(b)
            loss.backward()
            opt.step()
    print(f"torch {name} {n * epochs / (time.perf_counter() - start):.0f}", flush=True)

for name in sys.argv[1:] or ["relu_ae", "deep_ae"]:
    bench(name, {"relu_ae": relu_ae, "deep_ae": deep_ae}[name])
