"""Cases for test/python/export.test.ts and test/model/pyro-layouts.test.ts, run as
``python3 export_cases.py OUT_DIR``: trains tiny torch networks (seeded, seconds), exports them with
python/webgpu_bnn_export.py, lays out Pyro 1.8 / NumPyro param stores from seeded arrays, and
writes what torch computes for each (forward passes, MC-dropout moments, mixture moments,
log_prob of every site) into OUT_DIR/manifest.json, next to the model files.

torch is the independent reference here: the TypeScript tests compare the engine and the oracle
with these numbers. Pyro and NumPyro are not installed; their param stores are built exactly as
Pyro 1.8 names and constrains them (AutoNormal: ``AutoNormal.locs.<site>`` unconstrained,
``AutoNormal.scales.<site>`` positive; AutoDiagonalNormal: one flat ``.loc`` / ``.scale`` in
prototype-trace order; NumPyro: ``<site>_auto_loc`` / ``<site>_auto_scale``).
"""

import json
import os
import sys
import zlib

import numpy as np
import torch
from torch import distributions as D
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import webgpu_bnn_export as wbe  # noqa: E402

torch.set_num_threads(1)
OUT = sys.argv[1]
manifest = {"torch": torch.__version__, "numpy": np.__version__}


def path(name):
    return os.path.join(OUT, name)


def rows(t):
    return t.detach().double().numpy().tolist()


# ----------------------------------------------------------------------------------------------
# Training data: y = sin(2x) + noise, x in [-2, 2].

gen = torch.Generator().manual_seed(0)
X = torch.rand(96, 1, generator=gen) * 4 - 2
Y = torch.sin(2 * X) + 0.1 * torch.randn(96, 1, generator=gen)
GRID = torch.linspace(-3, 3, 13).reshape(-1, 1)


def fit(model, loss_fn, steps=300, lr=1e-2, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model)
        loss.backward()
        opt.step()
    return model


# ----------------------------------------------------------------------------------------------
# MC dropout: an nn.Sequential (read module by module) and a named-layer module (with a description).

torch.manual_seed(1)
seq = nn.Sequential(
    nn.Linear(1, 16), nn.ReLU(), nn.Dropout(0.1),
    nn.Linear(16, 16), nn.Tanh(), nn.Dropout(0.2),
    nn.Linear(16, 1),
)
fit(seq, lambda m: ((m(X) - Y) ** 2).mean())
seq_spec = wbe.export_mc_dropout(seq, path("mc_dropout.safetensors"), sigma=0.1, weight_prior_scale=0.5)
seq.eval()
with torch.no_grad():
    eval_f = seq(GRID)
seq.train()
PASSES = 4000
torch.manual_seed(2)
with torch.no_grad():
    draws = torch.stack([seq(GRID)[:, 0] for _ in range(PASSES)]).double()
centred = draws - draws.mean(0)
manifest["mc_dropout"] = {
    "file": "mc_dropout.safetensors",
    "spec": seq_spec,
    "x": rows(GRID),
    "eval_f": rows(eval_f),
    "passes": PASSES,
    "mc_mean": draws.mean(0).tolist(),
    "mc_var": (centred ** 2).mean(0).tolist(),
    "mc_m4": (centred ** 4).mean(0).tolist(),
}


class Named(nn.Module):
    """Named layers; dropout on the input of fc2 and out, activations in the forward code."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 8)
        self.fc2 = nn.Linear(8, 8)
        self.out = nn.Linear(8, 1)
        self.drop = nn.Dropout(0.25)

    def forward(self, x):
        h = self.drop(torch.tanh(self.fc1(x)))
        h = self.drop(torch.sigmoid(self.fc2(h)))
        return self.out(h)


torch.manual_seed(3)
named = fit(Named(), lambda m: ((m(X) - Y) ** 2).mean(), steps=200)
# Exported with a standardisation: the network works on (x - 0.5) / 2 and predicts (y - 1) / 3.
STANDARDIZATION = {"x_mean": [0.5], "x_std": [2.0], "y_mean": [1.0], "y_std": [3.0]}
named_spec = wbe.export_mc_dropout(
    named, path("mc_dropout_named.safetensors"), sigma=0.2,
    layers=["fc1", "fc2", "out"], activation=["tanh", "sigmoid", "identity"], dropout=[0, 0.25, 0.25],
    standardization=STANDARDIZATION,
)
named.eval()
with torch.no_grad():
    named_f = 1.0 + 3.0 * named((GRID - 0.5) / 2.0)
    manifest["mc_dropout_named"] = {"file": "mc_dropout_named.safetensors", "spec": named_spec, "x": rows(GRID), "eval_f": rows(named_f)}

# BatchNorm1d (folded with its running statistics), LeakyReLU, PReLU, GELU(tanh), SiLU, nested Sequential, input dropout.
torch.manual_seed(4)
bn = nn.Sequential(
    nn.Dropout(0.05),
    nn.Linear(1, 12), nn.BatchNorm1d(12), nn.LeakyReLU(0.2),
    nn.Sequential(nn.Linear(12, 12), nn.PReLU(12)),
    nn.Linear(12, 12), nn.GELU(approximate="tanh"),
    nn.Linear(12, 12), nn.SiLU(),
    nn.Linear(12, 1),
)
fit(bn, lambda m: ((m(X) - Y) ** 2).mean(), steps=150)
bn_spec = wbe.export_mc_dropout(bn, path("mc_dropout_bn.safetensors"), sigma=0.1)
bn.eval()
with torch.no_grad():
    manifest["mc_dropout_bn"] = {"file": "mc_dropout_bn.safetensors", "spec": bn_spec, "x": rows(GRID), "eval_f": rows(bn(GRID))}


# ----------------------------------------------------------------------------------------------
# Deep ensembles: sigma = softplus(raw) + min_scale, trained by Gaussian NLL.

MIN_SCALE = 1e-3


def gaussian_nll(out):
    mean, sigma = out[:, :1], nn.functional.softplus(out[:, 1:]) + MIN_SCALE
    return -D.Normal(mean, sigma).log_prob(Y).mean()


members = []
for k in range(3):
    torch.manual_seed(10 + k)
    member = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 2))
    members.append(fit(member, lambda m: gaussian_nll(m(X)), steps=300, seed=10 + k))
ens_specs = wbe.export_ensemble(members, path("ensemble.safetensors"), min_scale=MIN_SCALE)


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(1, 16), nn.Tanh())
        self.mean = nn.Linear(16, 1)
        self.raw_scale = nn.Linear(16, 1)

    def forward(self, x):
        h = self.body(x)
        return torch.cat([self.mean(h), self.raw_scale(h)], dim=-1)


heads = []
for k in range(2):
    torch.manual_seed(20 + k)
    heads.append(fit(TwoHeads(), lambda m: gaussian_nll(m(X)), steps=300, seed=20 + k))
heads_specs = wbe.export_ensemble(heads, path("ensemble_heads.safetensors"), min_scale=MIN_SCALE, layers=["body.0", ("mean", "raw_scale")], activation="tanh")


def mixture(models):
    with torch.no_grad():
        outs = []
        for m in models:
            m.eval()
            out = m(GRID).double()
            outs.append((out[:, 0], nn.functional.softplus(out[:, 1]) + MIN_SCALE))
    means = torch.stack([mu for mu, _ in outs])
    sigmas = torch.stack([s for _, s in outs])
    mean = means.mean(0)
    var = (sigmas ** 2 + means ** 2).mean(0) - mean ** 2
    return {"member_mean": means.tolist(), "member_std": sigmas.tolist(), "mean": mean.tolist(), "std": var.sqrt().tolist()}


manifest["ensemble"] = {"file": "ensemble.safetensors", "specs": ens_specs, "x": rows(GRID), "min_scale": MIN_SCALE, **mixture(members)}
manifest["ensemble_heads"] = {"file": "ensemble_heads.safetensors", "specs": heads_specs, "x": rows(GRID), "min_scale": MIN_SCALE, **mixture(heads)}


# ----------------------------------------------------------------------------------------------
# Pyro and NumPyro guides laid out as their param stores, one case per layout and sigma prior.

PRIORS = {
    "gamma": (wbe.gamma(2.0, 3.0), lambda t: D.Gamma(t(2.0), t(3.0))),
    "lognormal": (wbe.lognormal(-1.0, 0.5), lambda t: D.LogNormal(t(-1.0), t(0.5))),
    "halfnormal": (wbe.halfnormal(1.0), lambda t: D.HalfNormal(t(1.0))),
    "halfcauchy": (wbe.halfcauchy(0.5), lambda t: D.HalfCauchy(t(0.5))),
    "exponential": (wbe.exponential(4.0), lambda t: D.Exponential(t(4.0))),
    "uniform": (wbe.uniform(0.0, 10.0), lambda t: D.Uniform(t(0.0), t(10.0))),
    "uniform_narrow": (wbe.uniform(0.05, 2.0), lambda t: D.Uniform(t(0.05), t(2.0))),
}
FLOAT32 = lambda v: torch.tensor(v, dtype=torch.float32)  # noqa: E731 (Pyro's default dtype)
FLOAT64 = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def unconstrain(prior_fn, sigma):
    """Pyro's AutoNormal loc for sigma: biject_to(prior.support).inv(sigma)."""
    return float(D.biject_to(prior_fn(FLOAT32).support).inv(torch.tensor(sigma, dtype=torch.float32)))


def constrain(prior_fn, u):
    return float(D.biject_to(prior_fn(FLOAT32).support)(torch.tensor(u, dtype=torch.float32)))


LAYOUTS = {
    # Pyro 1.8 with a PyroModule[nn.ModuleList]: '<i>.weight' for hidden layers, 'layers.<i>.weight' for the last.
    "modulelist": [("0.weight", "0.bias"), ("1.weight", "1.bias"), ("layers.2.weight", "layers.2.bias")],
    # nn.Sequential(Linear, Tanh, Linear, Tanh, Linear): the module positions 0, 2, 4.
    "sequential": [("0.weight", "0.bias"), ("2.weight", "2.bias"), ("4.weight", "4.bias")],
    # Named layers; listed in forward order, which name sorting would not give (fc1 < fc2 < head, but also 'head' < 'fc1'?).
    "named": [("input.weight", "input.bias"), ("hidden.weight", "hidden.bias"), ("head.weight", "head.bias")],
}
DIMS = [2, 5, 4, 1]


def guide_arrays(rng, dims):
    """loc and scale of every layer site, shaped as Pyro's sites ([out, in] weights)."""
    arrays = []
    for l in range(len(dims) - 1):
        shapes = [(dims[l + 1], dims[l]), (dims[l + 1],)]
        arrays.append([(rng.normal(0, 0.6, s).astype(np.float32), rng.uniform(0.01, 0.1, s).astype(np.float32)) for s in shapes])
    return arrays


def site_log_probs(layer_arrays, pairs, prior_fn, sigma, weight_prior_scale, x, y, link):
    """What Pyro's trace.log_prob_sum() sums at the guide's medians, computed with torch alone."""
    sites = {}
    h = torch.tensor(x, dtype=torch.float64)
    for l, ((w, _), (b, _)) in enumerate(layer_arrays):
        wt = torch.tensor(w, dtype=torch.float64)
        bt = torch.tensor(b, dtype=torch.float64)
        normal = D.Normal(torch.tensor(0.0, dtype=torch.float64), torch.tensor(weight_prior_scale, dtype=torch.float64))
        sites[pairs[l][0]] = float(normal.log_prob(wt).sum())
        sites[pairs[l][1]] = float(normal.log_prob(bt).sum())
        h = h @ wt.T + bt
        if l < len(layer_arrays) - 1:
            h = torch.tanh(h)
    scale = sigma ** 2 if link == "sigma2" else sigma
    if prior_fn is not None:
        # float64, except Uniform, whose support test is float32's (where Pyro and the GPU hold its bounds).
        dtype = torch.float32 if isinstance(prior_fn(FLOAT32), D.Uniform) else torch.float64
        prior = prior_fn(lambda v: torch.tensor(v, dtype=dtype))
        sites["__sigma__"] = float(prior.log_prob(torch.tensor(sigma, dtype=dtype)))
    sites["obs"] = float(D.Normal(h, torch.tensor(scale, dtype=torch.float64)).log_prob(torch.tensor(y, dtype=torch.float64)).sum())
    return sites


def pyro_metadata(**fields):
    return {"model": json.dumps(fields)}


SCORE_X = [[-1.0, 0.5], [0.0, 0.0], [0.3, -2.0], [1.5, 1.0]]
SCORE_Y = [[0.2], [-0.1], [1.0], [0.4]]
guide_cases = []


def add_guide_case(name, layout, prior_name, *, guide="AutoNormal", noise_site="sigma", sigma_first=False, fixed=None, legacy=False, link="sigma", sigma=0.3):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    pairs = LAYOUTS[layout]
    layer_arrays = guide_arrays(rng, DIMS)
    prior, prior_fn = PRIORS[prior_name] if prior_name else (None, None)
    sigma_loc = unconstrain(prior_fn, sigma) if prior_fn else None
    sigma_scale = 0.2
    # The param store as Pyro 1.8 holds it, and the site order of the prototype trace.
    order = [(w, a[0]) for (w, _), a in zip(pairs, layer_arrays)]
    trace = []
    for (wname, bname), ((wl, ws), (bl, bs)) in zip(pairs, layer_arrays):
        trace += [(wname, wl, ws), (bname, bl, bs)]
    if fixed is None:
        sig = (noise_site, np.float32(sigma_loc).reshape(()), np.float32(sigma_scale).reshape(()))
        trace = [sig] + trace if sigma_first else trace + [sig]
    if guide == "AutoNormal":
        store = {}
        for site, loc, scale in trace:
            store[f"AutoNormal.locs.{site}"] = loc
            store[f"AutoNormal.scales.{site}"] = scale
    else:
        store = {
            "AutoDiagonalNormal.loc": np.concatenate([loc.reshape(-1) for _, loc, _ in trace]),
            "AutoDiagonalNormal.scale": np.concatenate([scale.reshape(-1) for _, _, scale in trace]),
        }
    sites = [(site, list(loc.shape)) for site, loc, _ in trace]
    meta = {"dims": DIMS, "activation": "tanh", "weight_prior_scale": 0.8, "guide": guide, "pyro": "1.8.6 layout"}
    if layout != "modulelist" or not legacy:
        meta["layers"] = [{"weight": w, "bias": b} for w, b in pairs]
    if guide == "AutoDiagonalNormal":
        meta["sites"] = [{"name": n, "shape": s} for n, s in sites]
    if fixed is not None:
        meta["fixed_sigma"] = fixed
    else:
        if noise_site != "sigma":
            meta["sigma_site"] = noise_site
        meta["sigma_prior"] = [prior["concentration"], prior["rate"]] if legacy else prior
    if link == "sigma2":
        meta["scale_is_sigma_squared"] = True
    raw_file = f"pyro_{name}.safetensors"
    wbe.write_safetensors(path(raw_file), store, pyro_metadata(**meta))
    # The same guide through the exporter, into our format.
    ours_file = f"ours_{name}.safetensors"
    noise = wbe.FixedSigma(fixed) if fixed is not None else wbe.LatentSigma(noise_site, prior)
    spec = wbe.export_pyro(
        {k: torch.from_numpy(np.array(v)) for k, v in store.items()},
        path(ours_file), layers=pairs, activation="tanh", noise=noise, guide=guide,
        sites=[(n, tuple(s)) for n, s in sites] if guide == "AutoDiagonalNormal" else None,
        weight_prior_scale=0.8, link=link,
    )
    # The point score() is checked at: the guide's medians (sigma through the prior's transform).
    point_sigma = fixed if fixed is not None else constrain(prior_fn, sigma_loc)
    point = {}
    for (wname, bname), ((wl, _), (bl, _)) in zip(pairs, layer_arrays):
        point[wname] = wl.reshape(-1).astype(np.float64).tolist()
        point[bname] = bl.astype(np.float64).tolist()
    if fixed is None:
        point[noise_site] = [point_sigma]
    log_probs = site_log_probs(layer_arrays, pairs, prior_fn, point_sigma, 0.8, SCORE_X, SCORE_Y, link)
    if "__sigma__" in log_probs:
        log_probs[noise_site] = log_probs.pop("__sigma__")
    guide_cases.append({
        "name": name, "layout": layout, "guide": guide, "prior": prior, "legacy": legacy, "noise_site": noise_site,
        "fixed": fixed, "link": link, "raw_file": raw_file, "ours_file": ours_file, "spec": spec,
        "pairs": pairs, "sigma_loc": sigma_loc, "sigma_scale": sigma_scale,
        "point": point, "x": SCORE_X, "y": SCORE_Y, "torch_log_prob": log_probs,
    })


add_guide_case("modulelist_legacy_gamma", "modulelist", "gamma", legacy=True)
add_guide_case("modulelist_gamma_sigma2", "modulelist", "gamma", link="sigma2")
add_guide_case("sequential_uniform", "sequential", "uniform", noise_site="obs_scale", sigma=3.0)
add_guide_case("named_halfnormal", "named", "halfnormal", noise_site="noise_sd")
add_guide_case("named_fixed", "named", None, fixed=0.25)
add_guide_case("diag_sequential_uniform_sigma_first", "sequential", "uniform", guide="AutoDiagonalNormal", sigma_first=True, sigma=0.7)
add_guide_case("diag_named_exponential", "named", "exponential", guide="AutoDiagonalNormal", noise_site="s")
for prior_name in ("lognormal", "halfcauchy", "uniform_narrow"):
    add_guide_case(f"sequential_{prior_name}", "sequential", prior_name, sigma=0.4)
manifest["guides"] = guide_cases

# NumPyro AutoNormal: sites w1/b1/..., weights [in, out] (x @ w), sigma under Uniform(0, 10) and HalfCauchy(0.5).
numpyro_cases = []
for name, prior_name in (("numpyro_uniform", "uniform"), ("numpyro_halfcauchy", "halfcauchy")):
    rng = np.random.default_rng(7 if prior_name == "uniform" else 8)
    prior, prior_fn = PRIORS[prior_name]
    params = {}
    pairs = [("w1", "b1"), ("w2", "b2"), ("w3", "b3")]
    for l, (w, b) in enumerate(pairs):
        params[f"{w}_auto_loc"] = rng.normal(0, 0.6, (DIMS[l], DIMS[l + 1])).astype(np.float32)
        params[f"{w}_auto_scale"] = rng.uniform(0.01, 0.1, (DIMS[l], DIMS[l + 1])).astype(np.float32)
        params[f"{b}_auto_loc"] = rng.normal(0, 0.6, (DIMS[l + 1],)).astype(np.float32)
        params[f"{b}_auto_scale"] = rng.uniform(0.01, 0.1, (DIMS[l + 1],)).astype(np.float32)
    params["sigma_auto_loc"] = np.float32(unconstrain(prior_fn, 0.5))
    params["sigma_auto_scale"] = np.float32(0.15)
    file = f"{name}.safetensors"
    spec = wbe.export_numpyro(params, path(file), layers=pairs, activation="tanh", noise=wbe.LatentSigma("sigma", prior), weight_layout="in_out")
    numpyro_cases.append({"name": name, "file": file, "spec": spec, "prior": prior, "params": {k: np.asarray(v).tolist() for k, v in params.items()}})
manifest["numpyro"] = numpyro_cases


# ----------------------------------------------------------------------------------------------
# Refusals: each must be an ExportError naming what is unsupported.

refusals = {}


def refuse(case, fn):
    try:
        fn()
    except wbe.ExportError as error:
        refusals[case] = str(error)
    else:
        refusals[case] = None


def tiny_store():
    return {
        "AutoNormal.locs.0.weight": np.zeros((2, 1), np.float32), "AutoNormal.scales.0.weight": np.ones((2, 1), np.float32),
        "AutoNormal.locs.0.bias": np.zeros(2, np.float32), "AutoNormal.scales.0.bias": np.ones(2, np.float32),
        "AutoNormal.locs.sigma": np.float32(0), "AutoNormal.scales.sigma": np.float32(1),
    }


refuse("exact_gelu", lambda: wbe.export_mc_dropout(nn.Sequential(nn.Linear(1, 2), nn.GELU(), nn.Linear(2, 1)), None, sigma=1))
refuse("dropout_before_activation", lambda: wbe.export_mc_dropout(nn.Sequential(nn.Linear(1, 2), nn.Dropout(0.1), nn.Tanh(), nn.Linear(2, 1)), None, sigma=1))
refuse("output_dropout", lambda: wbe.export_mc_dropout(nn.Sequential(nn.Linear(1, 2), nn.Tanh(), nn.Linear(2, 1), nn.Dropout(0.1)), None, sigma=1))
refuse("unknown_module", lambda: wbe.export_mc_dropout(nn.Sequential(nn.Linear(1, 2), nn.Softplus(), nn.Linear(2, 1)), None, sigma=1))
refuse("conv_module", lambda: wbe.export_mc_dropout(nn.Sequential(nn.Conv1d(1, 1, 1)), None, sigma=1))
refuse("no_bias", lambda: wbe.export_mc_dropout(nn.Sequential(nn.Linear(1, 2, bias=False)), None, sigma=1))
refuse("custom_without_layers", lambda: wbe.export_mc_dropout(Named(), None, sigma=1))
refuse("custom_float_dropout", lambda: wbe.export_mc_dropout(Named(), None, sigma=1, layers=["fc1", "fc2", "out"], activation="tanh", dropout=0.25))
refuse("not_chained", lambda: wbe.export_mc_dropout(Named(), None, sigma=1, layers=["fc1", "out", "fc2"], activation="tanh", dropout=0))
refuse("ensemble_exp_head", lambda: wbe.export_ensemble(members, None, min_scale=1e-3, scale_head="exp"))
refuse("ensemble_log_variance_head", lambda: wbe.export_ensemble(members, None, min_scale=1e-3, scale_head="log_variance"))
refuse("ensemble_odd_head", lambda: wbe.export_ensemble([nn.Sequential(nn.Linear(1, 3))], None, min_scale=1e-3))
refuse("ensemble_softplus_module", lambda: wbe.export_ensemble([nn.Sequential(nn.Linear(1, 2), nn.Softplus())], None, min_scale=1e-3))
refuse("ensemble_activation_on_head", lambda: wbe.export_ensemble([nn.Sequential(nn.Linear(1, 2), nn.ReLU())], None, min_scale=1e-3))
refuse("pyro_autodelta", lambda: wbe.export_pyro(tiny_store(), None, layers=[("0.weight", "0.bias")], activation="tanh", noise=wbe.LatentSigma("sigma", wbe.gamma(1, 1)), guide="AutoDelta"))
refuse("pyro_diag_without_sites", lambda: wbe.export_pyro({"AutoDiagonalNormal.loc": np.zeros(7), "AutoDiagonalNormal.scale": np.ones(7)}, None, layers=[("0.weight", "0.bias")], activation="tanh", noise=wbe.LatentSigma("sigma", wbe.gamma(1, 1)), guide="AutoDiagonalNormal"))
refuse("pyro_diag_wrong_length", lambda: wbe.export_pyro({"AutoDiagonalNormal.loc": np.zeros(8), "AutoDiagonalNormal.scale": np.ones(8)}, None, layers=[("0.weight", "0.bias")], activation="tanh", noise=wbe.LatentSigma("sigma", wbe.gamma(1, 1)), guide="AutoDiagonalNormal", sites=[("0.weight", (2, 1)), ("0.bias", (2,)), ("sigma", ())]))
refuse("pyro_unused_site", lambda: wbe.export_pyro({**tiny_store(), "AutoNormal.locs.tau": np.float32(0), "AutoNormal.scales.tau": np.float32(1)}, None, layers=[("0.weight", "0.bias")], activation="tanh", noise=wbe.LatentSigma("sigma", wbe.gamma(1, 1))))
refuse("pyro_missing_site", lambda: wbe.export_pyro(tiny_store(), None, layers=[("fc1.weight", "fc1.bias")], activation="tanh", noise=wbe.LatentSigma("sigma", wbe.gamma(1, 1))))
refuse("pyro_no_bias", lambda: wbe.export_pyro(tiny_store(), None, layers=[("0.weight",)], activation="tanh", noise=wbe.LatentSigma("sigma", wbe.gamma(1, 1))))
refuse("prior_inverse_gamma", lambda: wbe.prior_from_distribution(D.InverseGamma(torch.tensor(2.0), torch.tensor(1.0))) if hasattr(D, "InverseGamma") else wbe.prior_from_distribution(D.StudentT(3.0)))
refuse("prior_batched", lambda: wbe.prior_from_distribution(D.Gamma(torch.ones(2), torch.ones(2))))
refuse("prior_unknown_kind", lambda: wbe.export_pyro(tiny_store(), None, layers=[("0.weight", "0.bias")], activation="tanh", noise=wbe.LatentSigma("sigma", {"kind": "inversegamma", "concentration": 1, "rate": 1})))
refuse("uniform_negative_low", lambda: wbe.uniform(-1.0, 10.0))
refuse("numpyro_layout_missing", lambda: wbe.export_numpyro({}, None, layers=[("w1", "b1")], activation="tanh", noise=wbe.FixedSigma(1), weight_layout="rows"))
manifest["refusals"] = refusals
manifest["prior_from_distribution"] = {
    "uniform": wbe.prior_from_distribution(D.Uniform(torch.tensor(0.0), torch.tensor(10.0))),
    "halfcauchy": wbe.prior_from_distribution(D.HalfCauchy(torch.tensor(2.0))),
    "gamma": wbe.prior_from_distribution(D.Gamma(torch.tensor(0.5), torch.tensor(1.0))),
}


# ----------------------------------------------------------------------------------------------
# torch.distributions' log_prob at awkward points (tiny and huge scales, values at and near bounds):
# the independent reference of every sigma prior's density (test/model/sigma-priors.test.ts).

DENSITY_CASES = [
    ("gamma", {"concentration": 0.5, "rate": 1.0}, lambda p: D.Gamma(p["concentration"], p["rate"])),
    ("gamma", {"concentration": 50.0, "rate": 1e-3}, lambda p: D.Gamma(p["concentration"], p["rate"])),
    ("lognormal", {"loc": -1.0, "scale": 0.5}, lambda p: D.LogNormal(p["loc"], p["scale"])),
    ("lognormal", {"loc": 20.0, "scale": 1e-3}, lambda p: D.LogNormal(p["loc"], p["scale"])),
    ("halfnormal", {"scale": 1.0}, lambda p: D.HalfNormal(p["scale"])),
    ("halfnormal", {"scale": 1e-6}, lambda p: D.HalfNormal(p["scale"])),
    ("halfnormal", {"scale": 1e6}, lambda p: D.HalfNormal(p["scale"])),
    ("halfcauchy", {"scale": 1.0}, lambda p: D.HalfCauchy(p["scale"])),
    ("halfcauchy", {"scale": 1e-6}, lambda p: D.HalfCauchy(p["scale"])),
    ("halfcauchy", {"scale": 1e6}, lambda p: D.HalfCauchy(p["scale"])),
    ("exponential", {"rate": 4.0}, lambda p: D.Exponential(p["rate"])),
    ("exponential", {"rate": 1e-6}, lambda p: D.Exponential(p["rate"])),
    ("exponential", {"rate": 1e4}, lambda p: D.Exponential(p["rate"])),
    ("uniform", {"low": 0.0, "high": 10.0}, lambda p: D.Uniform(p["low"], p["high"])),
    ("uniform", {"low": 0.05, "high": 2.0}, lambda p: D.Uniform(p["low"], p["high"])),
    ("uniform", {"low": 1e-6, "high": 2e-6}, lambda p: D.Uniform(p["low"], p["high"])),
]
# Every point is a sigma score() accepts (its float32 noise range is [1.1e-19, 1.8e19] for link 'sigma').
POINTS = [1e-18, 1e-12, 1e-7, 1e-6, 1.5e-6, 1.999e-6, 2e-6, 1e-3, 0.05, 0.1, 0.3, 1.0, 1.999, 2.0, 2.0000002, 9.999999, 10.0, 10.000001, 1e3, 1e6, 4.8e8, 1e12, 1e18]
densities = []
for kind, params, make in DENSITY_CASES:
    # Uniform's support test happens in the distribution's dtype: float32, torch's default and the
    # GPU's (a bound like 2e-6 is not a float32 number, and a value at its float32 rounding is outside).
    dtype = torch.float32 if kind == "uniform" else torch.float64
    dist = make({k: torch.tensor(v, dtype=dtype) for k, v in params.items()})
    dist._validate_args = False  # log_prob outside the support is -inf, not an error
    values = []
    for x in POINTS:
        lp = float(dist.log_prob(torch.tensor(float(np.float32(x)), dtype=dtype)))
        values.append(lp if np.isfinite(lp) else ("-inf" if lp < 0 else "inf"))
    densities.append({"prior": {"kind": kind, **params}, "x": [float(np.float32(x)) for x in POINTS], "log_prob": values})
manifest["densities"] = densities

with open(path("manifest.json"), "w") as f:
    json.dump(manifest, f)
