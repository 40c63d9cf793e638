"""PyTorch peer for bench/run.sh: the same models, data, batch and optimizer as aec, one thread.
Prints one line per model: `torch MODEL SAMPLES_PER_SECOND`.
Jacobian penalties come in two forms: `_closed` is the hand-written closed form a PyTorch user
would derive, `_double` the generic route (the Jacobian row by row with create_graph, then
backward through it), which is timed on a few batches because an epoch takes minutes."""
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

class Params(torch.nn.Module):
    """Named tensors initialized like the .ae programs (glorot weights, zero biases)."""
    def __init__(self, **shapes):
        super().__init__()
        for name, (shape, init) in shapes.items():
            t = torch.empty(*shape)
            if init == "glorot":
                torch.nn.init.xavier_uniform_(t)
            elif init == "zeros":
                t.zero_()
            else:
                t.normal_(0, init)
            setattr(self, name, torch.nn.Parameter(t))

def conv_ae():
    nn = torch.nn
    enc = nn.Sequential(nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU())
    dec = nn.Sequential(nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.ReLU(), nn.ConvTranspose2d(16, 1, 4, stride=2, padding=1))
    m = nn.Sequential(enc, dec)  # logits; BCE on logits is the stable form
    bce = nn.BCEWithLogitsLoss(reduction="none")

    def loss(b):
        img = b.view(-1, 1, 28, 28)
        return bce(m(img), img).sum((1, 2, 3)).mean()
    return m, loss

def pca_tied():
    p = Params(B=((784, 16), 0.01))
    return p, lambda b: ((b - (b @ p.B) @ p.B.T) ** 2).sum(1).mean()

def contractive(closed):
    p = Params(W=((256, 784), "glorot"), b=((256,), "zeros"), V=((784, 256), "glorot"), c=((784,), "zeros"))
    lam = 0.1

    def loss(x):
        if not closed:
            x = x.clone().requires_grad_(True)
        h = torch.sigmoid(x @ p.W.T + p.b)
        r = torch.sigmoid(h @ p.V.T + p.c)
        rec = ((x - r) ** 2).sum(1)
        if closed:  # ||diag(h(1-h)) W||_F^2 derived by hand
            pen = ((h * (1 - h)) ** 2 * (p.W ** 2).sum(1)).sum(1)
        else:       # the generic way: every row of the Jacobian by autograd, kept differentiable
            pen = sum((torch.autograd.grad(h[:, j].sum(), x, create_graph=True)[0] ** 2).sum(1) for j in range(h.shape[1]))
        return (rec + lam * pen).mean()
    return p, loss

def denoising_contractive_double():
    p = Params(W=((256, 784), "glorot"), b=((256,), "zeros"), W2=((64, 256), "glorot"), b2=((64,), "zeros"),
               V=((784, 64), "glorot"), c=((784,), "zeros"))
    lam = 0.01
    f = lambda x: torch.tanh(torch.tanh(x @ p.W.T + p.b) @ p.W2.T + p.b2)

    def loss(x):
        xt = x * (torch.rand_like(x) < 0.8).float()
        r = torch.sigmoid(f(xt) @ p.V.T + p.c)
        xg = x.clone().requires_grad_(True)
        h = f(xg)
        pen = sum((torch.autograd.grad(h[:, j].sum(), xg, create_graph=True)[0] ** 2).sum(1) for j in range(h.shape[1]))
        return (((x - r) ** 2).sum(1) + lam * pen).mean()
    return p, loss

MODELS = {
    "relu_ae": (relu_ae, 256, 1e-3, False, None),
    "deep_ae": (deep_ae, 256, 1e-3, False, None),
    "pca_tied": (pca_tied, 256, 3e-3, True, None),
    "conv_ae": (conv_ae, 128, 1e-3, False, None),
    "contractive_closed": (lambda: contractive(True), 256, 1e-3, False, None),
    "contractive_double": (lambda: contractive(False), 256, 1e-3, False, 8),
    "denoising_contractive_double": (denoising_contractive_double, 128, 1e-3, False, 8),
}

def bench(name):
    make, batch, lr, center, max_batches = MODELS[name]
    torch.manual_seed(0)
    m, loss_fn = make()
    opt = torch.optim.Adam(m.parameters(), lr=lr)
    data = X - X.mean(0) if center else X
    n = data.shape[0]
    perm = torch.randperm(n)
    seen = 0
    start = time.perf_counter()
    for k, i in enumerate(range(0, n, batch)):
        if max_batches is not None and k == max_batches:
            break
        b = data[perm[i:i + batch]]
        opt.zero_grad()
        loss = loss_fn(b)
        loss.backward()
        opt.step()
        seen += b.shape[0]
    print(f"torch {name} {seen / (time.perf_counter() - start):.0f}", flush=True)

for name in sys.argv[1:] or ["relu_ae", "deep_ae"]:
    bench(name)
