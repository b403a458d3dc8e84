"""Reference values for test/math/likelihoods.test.ts, written to
test/fixtures/likelihoods/reference.json: run ``/usr/bin/python3 scripts/likelihood-reference.py``
(Debian's python3-torch and python3-mpmath) and commit the JSON.

Two independent references at every point, both at the exact float64 inputs stored in the JSON:
- ``torch``: torch.distributions' log_prob in float64 (Categorical, Bernoulli, Beta, Dirichlet,
  StudentT), the library Pyro models use. Its own rounding is that of the naive formula (e.g.
  StudentT's lgamma((df+1)/2) - lgamma(df/2) cancels at df = 1e8), so tests allow for it.
- ``exact``: the same density in mpmath at 60 significant digits, rounded once to float64, and the
  gradient of -log p in the network's raw outputs (mpmath.diff at that precision), the ground
  truth the float64 implementation is held to tightly.

The points are awkward on purpose: logits at +-1e4, concentrations 1e-3 .. 1e6, y at 1e-7 and
1 - 1e-7, Student-t df from 1e-2 to 1e8 and residuals up to 1e8 scales.
"""

import json
import math
import os
import sys

import mpmath as mp
import torch
from torch import distributions as D

mp.mp.dps = 60
torch.set_default_dtype(torch.float64)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "likelihoods", "reference.json")


def num(x):
    """A float64 for the JSON, infinities and NaN as strings."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def softplus(f):
    f = mp.mpf(f)
    return mp.log1p(mp.exp(f)) if f < 0 else f + mp.log1p(mp.exp(-f))


def sigmoid(f):
    return 1 / (1 + mp.exp(-mp.mpf(f)))


def grad(fn, xs):
    """d fn / d x_i at xs (mpmath, central differences of a 60-digit function are exact to ~25 digits)."""
    out = []
    for i in range(len(xs)):
        def partial(t, i=i):
            ys = [mp.mpf(v) for v in xs]
            ys[i] = t
            return fn(ys)

        out.append(num(mp.diff(partial, mp.mpf(xs[i]))))
    return out


# ----------------------------------------------------------------------------------------------
# Categorical(logits): log_softmax(f)[y]; gradient of -log p in f.

def cat_logp(f, y):
    f = [mp.mpf(v) for v in f]
    return f[y] - mp.log(mp.fsum(mp.exp(v) for v in f))


categorical = []
for logits in [[0.0, 0.0, 0.0], [1e4, -1e4, 0.0], [-1e4, -1e4 + 1.0, -1e4 + 2.0], [1e-3, 2.0, -3.5, 7.0], [30.0, -30.0], [1e4, 1e4 - 1e-9], [-745.0, 0.0, 745.0]]:
    for y in range(len(logits)):
        torch_lp = D.Categorical(logits=torch.tensor(logits)).log_prob(torch.tensor(y)).item()
        exact = cat_logp(logits, y)
        categorical.append(
            {
                "logits": logits,
                "y": y,
                "torch": num(torch_lp),
                "exact": num(exact),
                "grad": grad(lambda f, y=y: -cat_logp(f, y), logits),
                "entropy": num(-mp.fsum(mp.exp(cat_logp(logits, k)) * cat_logp(logits, k) for k in range(len(logits)))),
            }
        )

# ----------------------------------------------------------------------------------------------
# Bernoulli(logits): y log sigmoid(f) + (1 - y) log sigmoid(-f).

def bern_logp(f, y):
    f = mp.mpf(f)
    return y * -softplus(-f) + (1 - y) * -softplus(f)


bernoulli = []
for f in [-1e4, -745.0, -40.0, -1.0, -1e-8, 0.0, 1e-8, 1.0, 40.0, 745.0, 1e4]:
    for y in [0, 1]:
        torch_lp = D.Bernoulli(logits=torch.tensor(f)).log_prob(torch.tensor(float(y))).item()
        bernoulli.append(
            {
                "f": f,
                "y": y,
                "torch": num(torch_lp),
                "exact": num(bern_logp(f, y)),
                "grad": num(-mp.diff(lambda t: bern_logp(t, y), mp.mpf(f))),
                "entropy": num(-(sigmoid(f) * -softplus(-f) + (1 - sigmoid(f)) * -softplus(f))),
            }
        )

# ----------------------------------------------------------------------------------------------
# Beta(alpha, beta) at exact concentrations; gradient in the raw outputs through softplus + min.

def beta_logp(a, b, y):
    a, b, y = mp.mpf(a), mp.mpf(b), mp.mpf(y)
    return mp.loggamma(a + b) - mp.loggamma(a) - mp.loggamma(b) + (a - 1) * mp.log(y) + (b - 1) * mp.log1p(-y)


beta = []
for a in [1e-3, 0.5, 1.0, 3.7, 1e3, 1e6]:
    for b in [1e-3, 1.0, 42.0, 1e6]:
        for y in [1e-7, 0.3, 0.5, 1 - 1e-7]:
            torch_lp = D.Beta(torch.tensor(a), torch.tensor(b)).log_prob(torch.tensor(y)).item()
            beta.append({"alpha": a, "beta": b, "y": y, "torch": num(torch_lp), "exact": num(beta_logp(a, b, y))})

# Raw outputs through the link, min concentration 1e-3: values and gradients in (f_alpha, f_beta).
beta_raw = []
MIN_CONC = 1e-3
for fa, fb in [(0.0, 0.0), (-20.0, 3.0), (7.5, -1.0), (30.0, 30.0), (-1e4, 1e4), (14.0, 2.5)]:
    for y in [1e-7, 0.25, 1 - 1e-7]:
        fn = lambda v, y=y: -beta_logp(softplus(v[0]) + MIN_CONC, softplus(v[1]) + MIN_CONC, y)
        beta_raw.append(
            {
                "raw": [fa, fb],
                "y": y,
                "min": MIN_CONC,
                "exact": num(-fn([fa, fb])),
                "grad": grad(fn, [fa, fb]),
                "concentration": [num(softplus(fa) + MIN_CONC), num(softplus(fb) + MIN_CONC)],
            }
        )

# ----------------------------------------------------------------------------------------------
# Dirichlet.

def dir_logp(alpha, y):
    alpha = [mp.mpf(v) for v in alpha]
    y = [mp.mpf(v) for v in y]
    return mp.loggamma(mp.fsum(alpha)) - mp.fsum(mp.loggamma(v) for v in alpha) + mp.fsum((a - 1) * mp.log(v) for a, v in zip(alpha, y))


dirichlet = []
for alpha in [[1e-3, 1e-3, 1e-3], [1e6, 1e6, 1.0], [0.5, 2.0, 30.0], [1e-3, 1e6], [1.0, 1.0, 1.0, 1.0], [3.0, 1e3, 7.0]]:
    k = len(alpha)
    ys = [[1.0 / k] * k, [1e-7] * (k - 1) + [1 - (k - 1) * 1e-7], [1 - (k - 1) * 1e-7] + [1e-7] * (k - 1)]
    if k == 3:
        ys.append([0.2, 0.3, 0.5])
    for y in ys:
        torch_lp = D.Dirichlet(torch.tensor(alpha)).log_prob(torch.tensor(y)).item()
        dirichlet.append({"alpha": alpha, "y": y, "torch": num(torch_lp), "exact": num(dir_logp(alpha, y))})

dirichlet_raw = []
for raw in [[0.0, 0.0, 0.0], [-20.0, 3.0, 10.0], [1e4, -1e4, 0.5], [14.0, 14.0]]:
    k = len(raw)
    for y in [[1.0 / k] * k, [1e-7] * (k - 1) + [1 - (k - 1) * 1e-7]]:
        fn = lambda v, y=y: -dir_logp([softplus(t) + MIN_CONC for t in v], y)
        dirichlet_raw.append({"raw": raw, "y": y, "min": MIN_CONC, "exact": num(-fn(raw)), "grad": grad(fn, raw)})

# ----------------------------------------------------------------------------------------------
# Student-t(df, loc, scale); gradient in (loc, scale, df).

def t_logp(y, loc, scale, df):
    y, loc, scale, df = mp.mpf(y), mp.mpf(loc), mp.mpf(scale), mp.mpf(df)
    z = (y - loc) / scale
    return mp.loggamma((df + 1) / 2) - mp.loggamma(df / 2) - mp.log(df * mp.pi) / 2 - mp.log(scale) - (df + 1) / 2 * mp.log1p(z * z / df)


student_t = []
for df in [1e-2, 0.5, 1.0, 2.5, 30.0, 39.0, 41.0, 1e3, 1e5, 1e8]:
    for loc, scale in [(0.0, 1.0), (3.0, 1e-3), (-2.0, 1e3)]:
        for z in [0.0, 0.1, 3.0, 1e3, 1e8]:
            y = loc + z * scale
            torch_lp = D.StudentT(torch.tensor(df), torch.tensor(loc), torch.tensor(scale)).log_prob(torch.tensor(y)).item()
            fn = lambda v, y=y: -t_logp(y, v[0], v[1], v[2])
            student_t.append({"y": y, "loc": loc, "scale": scale, "df": df, "torch": num(torch_lp), "exact": num(t_logp(y, loc, scale, df)), "grad": grad(fn, [loc, scale, df])})

# softplus at the link's awkward points, for concentration().
softplus_cases = [{"f": f, "exact": num(softplus(f))} for f in [-1e4, -745.0, -40.0, -1.0, 0.0, 1e-8, 1.0, 20.0, 40.0, 1e4]]

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as fh:
    json.dump(
        {
            "torch": torch.__version__,
            "mpmath": mp.__version__,
            "categorical": categorical,
            "bernoulli": bernoulli,
            "beta": beta,
            "beta_raw": beta_raw,
            "dirichlet": dirichlet,
            "dirichlet_raw": dirichlet_raw,
            "student_t": student_t,
            "softplus": softplus_cases,
        },
        fh,
        indent=1,
    )
    fh.write("\n")
print(f"wrote {os.path.relpath(OUT)}", file=sys.stderr)
