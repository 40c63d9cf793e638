# classifier.ae's fine-tuning in PyTorch, for comparing its test accuracy with aec's: relu_ae's
# encoder from a checkpoint's params (aec params relu.ckpt --out DIR), a softmax layer with the
# same initializers (glorot uniform, zeros), Adam lr 1e-3, batch 256, 3 epochs on Fashion-MNIST.
# Prints each epoch's mean loss and the test accuracy.
#   /usr/bin/python3 bench/torch_classifier.py DIR [SEED]   (DIR "": from scratch)
import os, sys, gzip, numpy as np
os.environ.setdefault("OMP_NUM_THREADS", "2")
import torch
def idx(path):
    with gzip.open(path) as f: d = f.read()
    nd = d[3]; dims = [int.from_bytes(d[4+4*i:8+4*i], 'big') for i in range(nd)]
    return np.frombuffer(d, np.uint8, offset=4+4*nd).reshape(dims)
root = "/usr/share/datasets/fashion-mnist/"
X = torch.tensor(idx(root+"train-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0, dtype=torch.float32)
Y = torch.tensor(idx(root+"train-labels-idx1-ubyte.gz").astype(np.int64))
Xt = torch.tensor(idx(root+"t10k-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0, dtype=torch.float32)
Yt = torch.tensor(idx(root+"t10k-labels-idx1-ubyte.gz").astype(np.int64))
pre = sys.argv[1] if len(sys.argv) > 1 else None
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
torch.manual_seed(seed)
l1, l2, l3 = torch.nn.Linear(784, 256), torch.nn.Linear(256, 64), torch.nn.Linear(64, 10)
for l in (l1, l2, l3): torch.nn.init.xavier_uniform_(l.weight); torch.nn.init.zeros_(l.bias)
if pre:
    with torch.no_grad():
        l1.weight.copy_(torch.tensor(np.load(pre+"/W1.npy"))); l1.bias.copy_(torch.tensor(np.load(pre+"/b1.npy")))
        l2.weight.copy_(torch.tensor(np.load(pre+"/W2.npy"))); l2.bias.copy_(torch.tensor(np.load(pre+"/b2.npy")))
net = torch.nn.Sequential(l1, torch.nn.ReLU(), l2, torch.nn.ReLU(), l3)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
with torch.no_grad(): print("first loss", torch.nn.functional.cross_entropy(net(X[:256]), Y[:256]).item())
for ep in range(3):
    perm = torch.randperm(60000); tot = 0
    for i in range(0, 60000, 256):
        idx_ = perm[i:i+256]
        loss = torch.nn.functional.cross_entropy(net(X[idx_]), Y[idx_], reduction='sum')
        opt.zero_grad(); (loss / len(idx_)).backward(); opt.step(); tot += loss.item()
    with torch.no_grad(): acc = (net(Xt).argmax(1) == Yt).float().mean().item()
    print("epoch", ep+1, "loss", tot/60000, "test acc", acc)
