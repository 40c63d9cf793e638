"""Trains relu_ae with a two-number code on Fashion-MNIST from NumPy, evaluates the codes of the
test images and plots them by class (with matplotlib, when it is installed).

    PYTHONPATH=build/python /usr/bin/python3 examples/python/codes.py [OUT_DIR]

Without Fashion-MNIST installed it trains on synthetic data instead.
"""
import gzip
import os
import sys

import numpy as np

import aec

EXAMPLES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FASHION = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]


def idx(name):
    """An IDX file of Fashion-MNIST as a NumPy array (images: [n, 784] bytes; labels: [n])."""
    with gzip.open(os.path.join(FASHION, name)) as f:
        data = f.read()
    dims = data[3]
    shape = np.frombuffer(data, ">u4", count=dims, offset=4)
    values = np.frombuffer(data, np.uint8, offset=4 + 4 * dims)
    return values.reshape(shape[0], -1) if dims > 1 else values


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    if os.path.exists(os.path.join(FASHION, "train-images-idx3-ubyte.gz")):
        # Bytes in [0, 255] as float32 in [0, 1]: an array aec uses in place, without a copy.
        x = idx("train-images-idx3-ubyte.gz") / np.float32(255)
        test, labels = idx("t10k-images-idx3-ubyte.gz") / np.float32(255), idx("t10k-labels-idx1-ubyte.gz")
    else:
        rng = np.random.default_rng(0)
        x = rng.random((6000, 784), dtype=np.float32)
        test, labels = x[:1000], rng.integers(0, 10, 1000)

    prog = aec.Program.from_file(os.path.join(EXAMPLES, "relu_ae.ae"), k=2)  # dim k = 2: a code to plot

    def progress(p):
        if p.epoch_end:
            print(f"epoch {p.epoch}/{p.epochs}: loss {p.loss:.4f}")

    report = prog.train(x, epochs=3, save=os.path.join(out_dir, "relu_k2.ckpt"), progress=progress)
    print(f"trained: loss {report.initial_loss:.3f} -> {report.final_loss:.3f}, "
          f"{report.samples_per_second:,.0f} samples/s")

    codes = prog.evaluate("code", test)  # np.ndarray [n, 2]
    print("codes:", codes.shape, "W1:", prog.params["W1"].shape)
    # The checkpoint is a trained model again, k=2 included.
    again = aec.Program.load(os.path.join(EXAMPLES, "relu_ae.ae"), os.path.join(out_dir, "relu_k2.ckpt"))
    assert np.array_equal(again.evaluate("code", test), codes)

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (python3-matplotlib): no plot")
        return
    fig, ax = plt.subplots(figsize=(7, 6))
    points = ax.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=3)
    ax.legend(points.legend_elements()[0], CLASSES, fontsize=8, markerscale=1.5)
    ax.set_title("relu_ae codes (k = 2) of the test images")
    fig.savefig(os.path.join(out_dir, "codes.png"), dpi=100)
    print("plotted:", os.path.join(out_dir, "codes.png"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
