#!/usr/bin/env python3
"""PyTorch peer of the Fashion-MNIST uncertainty benchmark (bench/README.md, "Fashion-MNIST").

The same protocol as bench/fmnist/ (TypeScript, webgpu-bnn): the same data selection (the first
rows of each class in file order, uniform noise from the same mulberry32 stream), the same
standardisation, network, initialisation scheme, objectives and metrics, written independently
here so the two sides check each other. `npm run bench:fmnist` runs this script as a subprocess
with every protocol setting on its command line; run alone, it uses the same defaults.

Prints one JSON object on stdout (progress goes to stderr):
  {"data": {...counts, checksum}, "methods": {"mc-dropout": {"accuracy", "nll", "brier", "ece",
   "auroc": {"entropy": {"ood", "noise"}, "mutualInformation": {"ood", "noise"}},
   "trainSeconds", "predictSeconds"}, ...}, "torch": version, "threads": n}
"""

import argparse
import gzip
import json
import math
import struct
import sys
import time

import numpy as np
import torch

IN_CLASSES = (0, 1, 2, 3, 4)
OUT_CLASSES = (5, 6, 7, 8, 9)
ECE_BINS = 15


# ---------------------------------------------------------------- data


class IdxError(ValueError):
    pass


def read_idx_bytes(raw, dims, name):
    """An uncompressed idx file's bytes as a uint8 array of `dims` dimensions, its header checked."""
    if len(raw) < 4:
        raise IdxError(f"{name}: {len(raw)} bytes, shorter than the idx magic")
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise IdxError(f"{name}: not an unsigned-byte idx file")
    if ndim != dims:
        raise IdxError(f"{name}: {ndim} dimensions, expected {dims}")
    if len(raw) < 4 + 4 * ndim:
        raise IdxError(f"{name}: header truncated")
    shape = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    count = math.prod(shape)
    if len(raw) != 4 + 4 * ndim + count:
        raise IdxError(f"{name}: {len(raw) - 4 - 4 * ndim} data bytes, the header says {count}")
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def read_idx(path, dims):
    """An idx file, gzip-compressed or raw."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return read_idx_bytes(raw, dims, path)


def mulberry32(seed):
    """bench/lib/synthetic.ts's generator, bit for bit: uniforms in [0, 1)."""
    a = seed & 0xFFFFFFFF
    mask = 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & mask

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & mask
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & mask
        return ((t ^ (t >> 14)) & mask) / 4294967296.0

    return nxt


def first_per_class(labels, classes, per_class):
    """Row indices: the first `per_class` rows of each class, in file order (all of them if fewer)."""
    keep = []
    counts = {c: 0 for c in classes}
    for i, y in enumerate(labels.tolist()):
        if y in counts and counts[y] < per_class:
            counts[y] += 1
            keep.append(i)
    return np.array(keep, dtype=np.int64)


def load_data(args):
    d = args.data_dir
    train_x = read_idx(f"{d}/train-images-idx3-ubyte.gz", 3)
    train_y = read_idx(f"{d}/train-labels-idx1-ubyte.gz", 1)
    test_x = read_idx(f"{d}/t10k-images-idx3-ubyte.gz", 3)
    test_y = read_idx(f"{d}/t10k-labels-idx1-ubyte.gz", 1)
    if train_x.shape[0] != train_y.shape[0] or test_x.shape[0] != test_y.shape[0]:
        raise IdxError("images and labels disagree in count")
    pixels = train_x.shape[1] * train_x.shape[2]
    tr = first_per_class(train_y, IN_CLASSES, args.train_per_class)
    te = first_per_class(test_y, IN_CLASSES, args.test_per_class)
    ood = first_per_class(test_y, OUT_CLASSES, args.test_per_class)
    rand = mulberry32(args.noise_seed)
    noise = np.array([rand() for _ in range(args.noise * pixels)], dtype=np.float64).reshape(args.noise, pixels)
    scale = lambda a: a.reshape(a.shape[0], pixels).astype(np.float64) / 255.0  # noqa: E731
    data = {
        "x_train": scale(train_x[tr]),
        "y_train": train_y[tr].astype(np.int64),
        "x_test": scale(test_x[te]),
        "y_test": test_y[te].astype(np.int64),
        "x_ood": scale(test_x[ood]),
        "x_noise": noise,
    }
    data["checksum"] = float(sum(data[k].sum() for k in ("x_train", "x_test", "x_ood", "x_noise")) + data["y_train"].sum() + data["y_test"].sum())
    return data


def standardisation(x):
    """Per-input mean and population std of the training rows; a constant input keeps std 1 (the library's rule)."""
    mean = x.mean(axis=0)
    std = np.sqrt(((x - mean) ** 2).mean(axis=0))
    constant = std <= 1e-12 * np.maximum(1.0, np.abs(mean))
    std[constant] = 1.0
    return mean, std


# ---------------------------------------------------------------- networks


def he_like(out_dim, in_dim, gen):
    """The library's initialisation: W ~ N(0, 1/fan_in), b = 0."""
    return torch.randn(out_dim, in_dim, generator=gen, dtype=torch.float32) / math.sqrt(in_dim)


class DropoutMlp(torch.nn.Module):
    """Dense ReLU layers with inverted dropout on every layer's input (the library's placement)."""

    def __init__(self, widths, p, gen):
        super().__init__()
        self.p = p
        self.weights = torch.nn.ParameterList([torch.nn.Parameter(he_like(o, i, gen)) for i, o in zip(widths[:-1], widths[1:])])
        self.biases = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(o)) for o in widths[1:]])

    def forward(self, x, dropout):
        h = x
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            if dropout and self.p > 0:
                h = torch.nn.functional.dropout(h, self.p, training=True)
            h = torch.nn.functional.linear(h, w, b)
            if l < last:
                h = torch.relu(h)
        return h


INIT_RHO = math.log(math.expm1(1e-3))


class MeanFieldMlp(torch.nn.Module):
    """Mean-field normal posterior on every weight and bias, scale = softplus(rho)."""

    def __init__(self, widths, gen):
        super().__init__()
        self.w_loc = torch.nn.ParameterList([torch.nn.Parameter(he_like(o, i, gen)) for i, o in zip(widths[:-1], widths[1:])])
        self.w_rho = torch.nn.ParameterList([torch.nn.Parameter(torch.full((o, i), INIT_RHO)) for i, o in zip(widths[:-1], widths[1:])])
        self.b_loc = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(o)) for o in widths[1:]])
        self.b_rho = torch.nn.ParameterList([torch.nn.Parameter(torch.full((o,), INIT_RHO)) for o in widths[1:]])

    def local_forward(self, x):
        """Local reparameterisation (Kingma et al. 2015): pre-activations drawn per row."""
        h = x
        last = len(self.w_loc) - 1
        for l in range(last + 1):
            ws = torch.nn.functional.softplus(self.w_rho[l])
            bs = torch.nn.functional.softplus(self.b_rho[l])
            mu = torch.nn.functional.linear(h, self.w_loc[l], self.b_loc[l])
            var = torch.nn.functional.linear(h * h, ws * ws, bs * bs)
            h = mu + torch.sqrt(var) * torch.randn_like(mu)
            if l < last:
                h = torch.relu(h)
        return h

    def sampled_forward(self, x):
        """One weight draw shared by every row (a function sample, the library's joint path)."""
        h = x
        last = len(self.w_loc) - 1
        for l in range(last + 1):
            w = self.w_loc[l] + torch.nn.functional.softplus(self.w_rho[l]) * torch.randn_like(self.w_loc[l])
            b = self.b_loc[l] + torch.nn.functional.softplus(self.b_rho[l]) * torch.randn_like(self.b_loc[l])
            h = torch.nn.functional.linear(h, w, b)
            if l < last:
                h = torch.relu(h)
        return h

    def kl(self, prior_scale):
        """KL(q || N(0, prior_scale^2)) in closed form, summed over every weight and bias."""
        total = 0.0
        for loc, rho in list(zip(self.w_loc, self.w_rho)) + list(zip(self.b_loc, self.b_rho)):
            s = torch.nn.functional.softplus(rho)
            total = total + (torch.log(prior_scale / s) + (s * s + loc * loc) / (2 * prior_scale**2) - 0.5).sum()
        return total


def minibatches(n, batch, gen):
    perm = torch.randperm(n, generator=gen)
    return [perm[i : i + batch] for i in range(0, n, batch)]


def train_dropout_net(x, y, widths, args, gen, p, seed_offset):
    """MC dropout (p > 0) or one ensemble member (p = 0): cross-entropy + the MC-dropout weight decay."""
    torch.manual_seed(args.seed + seed_offset)
    net = DropoutMlp(widths, p, gen)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    n = x.shape[0]
    # The library's lambda = p l^2 / (2 N tau) (bench/uci/PROTOCOL.md), tau = 1: zero for a member.
    lam = p * args.length_scale**2 / (2 * n)
    for epoch in range(args.epochs):
        for idx in minibatches(n, args.batch, gen):
            logits = net(x[idx], dropout=True)
            loss = torch.nn.functional.cross_entropy(logits, y[idx])
            if lam > 0:
                loss = loss + lam * sum((w * w).sum() for w in net.parameters())
            opt.zero_grad()
            loss.backward()
            opt.step()
    return net


def train_vi(x, y, widths, args, gen):
    """Bayes by backprop with the local reparameterisation: (1/B) sum CE + KL / N (the library's objective / N)."""
    torch.manual_seed(args.seed + 101)
    net = MeanFieldMlp(widths, gen)
    opt = torch.optim.Adam(net.parameters(), lr=args.vi_lr)
    n = x.shape[0]
    for epoch in range(args.epochs):
        for idx in minibatches(n, args.batch, gen):
            logits = net.local_forward(x[idx])
            loss = torch.nn.functional.cross_entropy(logits, y[idx]) + net.kl(args.prior_scale) / n
            opt.zero_grad()
            loss.backward()
            opt.step()
    return net


# ---------------------------------------------------------------- metrics


def entropy(p):
    return -(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)).sum(axis=-1)


def uncertainty(prob_samples):
    """prob_samples [S, N, K] -> mean probs [N, K], predictive entropy, mutual information [N]."""
    p = prob_samples.astype(np.float64)
    mean = p.mean(axis=0)
    total = entropy(mean)
    expected = entropy(p).mean(axis=0)
    return mean, total, np.maximum(total - expected, 0.0)


def auroc(negatives, positives):
    """P(score of a positive > score of a negative) + P(tie) / 2: the Mann-Whitney U with mid-ranks."""
    scores = np.concatenate([negatives, positives])
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), dtype=np.float64)
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    n_pos, n_neg = len(positives), len(negatives)
    u = ranks[n_neg:].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def classification_metrics(probs, labels):
    n, k = probs.shape
    pred = probs.argmax(axis=1)
    p_true = probs[np.arange(n), labels]
    onehot = np.zeros_like(probs)
    onehot[np.arange(n), labels] = 1.0
    conf = probs.max(axis=1)
    bins = np.minimum(np.floor(conf * ECE_BINS).astype(np.int64), ECE_BINS - 1)
    ece = 0.0
    correct = (pred == labels).astype(np.float64)
    for b in range(ECE_BINS):
        sel = bins == b
        if sel.any():
            ece += sel.sum() / n * abs(correct[sel].mean() - conf[sel].mean())
    return {
        "accuracy": float(correct.mean()),
        "nll": float(-np.log(np.maximum(p_true, 1e-300)).mean()),
        "brier": float(((probs - onehot) ** 2).sum(axis=1).mean()),
        "ece": float(ece),
    }


def score(prob_sets, labels):
    """prob_sets: {'test', 'ood', 'noise'} -> [S, N, K] sample probabilities."""
    test_mean, test_h, test_mi = uncertainty(prob_sets["test"])
    out = classification_metrics(test_mean, labels)
    out["auroc"] = {"entropy": {}, "mutualInformation": {}}
    for name in ("ood", "noise"):
        _, h, mi = uncertainty(prob_sets[name])
        out["auroc"]["entropy"][name] = auroc(test_h, h)
        out["auroc"]["mutualInformation"][name] = auroc(test_mi, mi)
    return out


# ---------------------------------------------------------------- runs


def predict_sets(sets, forward, samples):
    """Sample probabilities [S, N, K] of every set, one forward pass per sample over the whole set."""
    with torch.no_grad():
        return {name: np.stack([torch.softmax(forward(x, s), dim=1).numpy() for s in range(samples)]) for name, x in sets.items()}


def run_method(method, data, args):
    mean, std = standardisation(data["x_train"])
    to_t = lambda a: torch.from_numpy(((a - mean) / std).astype(np.float32))  # noqa: E731
    x = to_t(data["x_train"])
    y = torch.from_numpy(data["y_train"])
    sets = {"test": to_t(data["x_test"]), "ood": to_t(data["x_ood"]), "noise": to_t(data["x_noise"])}
    widths = [x.shape[1], args.hidden, len(IN_CLASSES)]
    gen = torch.Generator().manual_seed(args.seed)
    t0 = time.perf_counter()
    if method == "mc-dropout":
        net = train_dropout_net(x, y, widths, args, gen, args.dropout, 0)
        t1 = time.perf_counter()
        probs = predict_sets(sets, lambda xs, s: net(xs, dropout=True), args.samples)
    elif method == "vi":
        net = train_vi(x, y, widths, args, gen)
        t1 = time.perf_counter()
        probs = predict_sets(sets, lambda xs, s: net.sampled_forward(xs), args.samples)
    elif method == "ensemble":
        members = [train_dropout_net(x, y, widths, args, gen, 0.0, 1000 * (m + 1)) for m in range(args.members)]
        t1 = time.perf_counter()
        probs = predict_sets(sets, lambda xs, s: members[s](xs, dropout=False), args.members)
    else:
        raise ValueError(f"unknown method {method}")
    t2 = time.perf_counter()
    out = score(probs, data["y_test"])
    out["trainSeconds"] = t1 - t0
    out["predictSeconds"] = t2 - t1
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--methods", default="mc-dropout,vi,ensemble")
    ap.add_argument("--train-per-class", type=int, default=400)
    ap.add_argument("--test-per-class", type=int, default=200)
    ap.add_argument("--noise", type=int, default=500)
    ap.add_argument("--noise-seed", type=int, default=12345)
    ap.add_argument("--hidden", type=int, default=50)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--vi-lr", type=float, default=1e-2)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--length-scale", type=float, default=0.01)
    ap.add_argument("--prior-scale", type=float, default=1.0)
    ap.add_argument("--samples", type=int, default=30)
    ap.add_argument("--members", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    try:
        data = load_data(args)
    except (OSError, IdxError) as e:
        print(f"fmnist torch peer: {e}", file=sys.stderr)
        return 2
    result = {
        "torch": torch.__version__,
        "threads": args.threads,
        "data": {
            "train": int(data["x_train"].shape[0]),
            "test": int(data["x_test"].shape[0]),
            "ood": int(data["x_ood"].shape[0]),
            "noise": int(data["x_noise"].shape[0]),
            "checksum": data["checksum"],
        },
        "methods": {},
    }
    for method in args.methods.split(","):
        print(f"torch: {method}...", file=sys.stderr, flush=True)
        result["methods"][method] = run_method(method, data, args)
        r = result["methods"][method]
        print(f"torch: {method}: accuracy {r['accuracy']:.4f}, train {r['trainSeconds']:.1f} s, predict {r['predictSeconds']:.1f} s", file=sys.stderr, flush=True)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
