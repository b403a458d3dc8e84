"""Training peer: the UCI grid-search shape (M models of 13-50-1 ReLU, MC dropout, each on its own
364 of 455 synthetic rows, batch 128, Adam) in PyTorch CPU as one batched model (bmm), 2 threads.
The median seconds per epoch for all M models (the first epoch is a warm-up), written to
results/train-torch-cpu.json.
usage: /usr/bin/python3 bench_train_torch.py [M] [epochs]   (defaults 240, 12; FULL=1: 20 epochs)"""
import json, os, sys, time
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
torch.set_num_threads(2); torch.manual_seed(0)
M = int(sys.argv[1]) if len(sys.argv) > 1 else 240
E = int(sys.argv[2]) if len(sys.argv) > 2 else (20 if os.environ.get('FULL') == '1' else 12)
N, R, D, H, B, p = 455, 364, 13, 50, 128, 0.05
X = torch.randn(N, D); y = X @ torch.randn(D) * 0.3 + 0.1 * torch.randn(N)
rows = torch.stack([torch.randperm(N)[:R] for _ in range(M)])          # [M, R]
W1 = (torch.randn(M, D, H) * (2 / D) ** 0.5).requires_grad_(); b1 = torch.zeros(M, 1, H, requires_grad=True)
W2 = (torch.randn(M, H, 1) * (2 / H) ** 0.5).requires_grad_(); b2 = torch.zeros(M, 1, 1, requires_grad=True)
opt = torch.optim.Adam([W1, b1, W2, b2], lr=3e-2)
lam = 1e-4
times = []
for e in range(E):
    t = time.perf_counter()
    perm = torch.argsort(torch.rand(M, R), dim=1)
    for s in range(0, R, B):
        idx = torch.gather(rows, 1, perm[:, s:s + B])                   # [M, b]
        xb, yb = X[idx], y[idx]                                          # [M, b, D], [M, b]
        # A mask per (model, row, unit), as webgpu-bnn draws them (src/random/train-streams.ts); the
        # harness this was copied from drew one per (model, layer), which is not the project's maths
        # (it cost PyTorch no measurable time: 91.6-106 against 94.9 ms per epoch, 2026-12-03).
        m0 = (torch.rand(M, idx.shape[1], D) > p).float() / (1 - p)
        h = torch.relu(torch.baddbmm(b1, xb * m0, W1))
        m1 = (torch.rand(M, idx.shape[1], H) > p).float() / (1 - p)
        f = torch.baddbmm(b2, h * m1, W2).squeeze(-1)
        loss = ((f - yb) ** 2).mean(1).sum() + lam * (W1.pow(2).sum() + W2.pow(2).sum())
        opt.zero_grad(); loss.backward(); opt.step()
    times.append(time.perf_counter() - t)
timed = sorted(times[1:])
med = timed[len(timed) // 2] * 1000
print(f"train-torch-cpu M={M} epochs={E}: median {med:.1f} ms per epoch (min {timed[0]*1000:.1f})", flush=True)
os.makedirs(os.path.join(ROOT, 'results'), exist_ok=True)
json.dump(dict(impl='train-torch-cpu', models=M, epochs=E, ms_per_epoch=med, times_ms=[t * 1000 for t in times],
               torch=torch.__version__, threads=torch.get_num_threads()),
          open(os.path.join(ROOT, 'results', 'train-torch-cpu.json'), 'w'))
