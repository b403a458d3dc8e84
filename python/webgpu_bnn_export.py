"""Write webgpu-bnn model files from Pyro, NumPyro and PyTorch models.

One file, no installation: copy it next to your code. It needs numpy; the torch paths import torch
when they are called; Pyro and NumPyro are never imported (their paths take the parameters as
plain arrays plus a small description of the network).

Paths (each writes one safetensors file webgpu-bnn loads with ``loadModel`` / ``loadEnsemble``):

- ``export_pyro``: a Pyro ``AutoNormal`` or ``AutoDiagonalNormal`` guide over an MLP (the param
  store as a dict of arrays).
- ``export_numpyro``: NumPyro ``AutoNormal`` parameters (``<site>_auto_loc`` / ``<site>_auto_scale``).
- ``export_mc_dropout``: a plain torch MLP trained with dropout (MC dropout).
- ``export_ensemble``: a list of torch MLPs with a mean and a scale head (a deep ensemble).

The format (see the webgpu-bnn README, "Model files"): safetensors with ``__metadata__`` =
``{"format": "webgpu-bnn", "version": "1", "model": <ModelSpec JSON>}`` (or ``"ensemble"``: a JSON
array of the members' specs, member k's tensors under ``members.<k>.``), tensors named
``layers.<l>.weight.loc`` etc., float32, weights in torch's [out, in] layout.

Everything this module cannot map exactly is refused with an ``ExportError`` that names it; nothing
is guessed (layer order, weight layout, the prior's transform).
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

__all__ = [
    "ExportError",
    "LatentSigma",
    "FixedSigma",
    "gamma",
    "lognormal",
    "halfnormal",
    "halfcauchy",
    "exponential",
    "uniform",
    "prior_from_distribution",
    "export_pyro",
    "export_numpyro",
    "export_mc_dropout",
    "export_ensemble",
    "model_bytes",
    "ensemble_bytes",
    "write_safetensors",
    "safetensors_bytes",
]

FORMAT_NAME = "webgpu-bnn"
FORMAT_VERSION = "1"
ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu", "leaky_relu", "prelu", "identity", "silu")
DEFAULT_LEAKY_SLOPE = 0.01
FLOAT32_MAX = float(np.finfo(np.float32).max)


class ExportError(ValueError):
    """A model this exporter cannot write exactly; the message names what and why."""


# --------------------------------------------------------------------------------------------
# Priors on sigma and the noise description


def _positive(value: Any, what: str) -> float:
    number = _number(value, what)
    if not number > 0:
        raise ExportError(f"{what} must be > 0, got {number}")
    return number


def _number(value: Any, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ExportError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number) or abs(number) > FLOAT32_MAX:
        raise ExportError(f"{what} must be finite in float32, got {number}")
    return number


def gamma(concentration: float, rate: float) -> Dict[str, Any]:
    """sigma ~ Gamma(concentration, rate) (support (0, inf): AutoNormal stores log sigma)."""
    return {"kind": "gamma", "concentration": _positive(concentration, "Gamma concentration"), "rate": _positive(rate, "Gamma rate")}


def lognormal(loc: float, scale: float) -> Dict[str, Any]:
    """sigma ~ LogNormal(loc, scale), loc and scale of log sigma."""
    return {"kind": "lognormal", "loc": _number(loc, "LogNormal loc"), "scale": _positive(scale, "LogNormal scale")}


def halfnormal(scale: float) -> Dict[str, Any]:
    """sigma ~ HalfNormal(scale)."""
    return {"kind": "halfnormal", "scale": _positive(scale, "HalfNormal scale")}


def halfcauchy(scale: float) -> Dict[str, Any]:
    """sigma ~ HalfCauchy(scale)."""
    return {"kind": "halfcauchy", "scale": _positive(scale, "HalfCauchy scale")}


def exponential(rate: float) -> Dict[str, Any]:
    """sigma ~ Exponential(rate)."""
    return {"kind": "exponential", "rate": _positive(rate, "Exponential rate")}


def uniform(low: float, high: float) -> Dict[str, Any]:
    """sigma ~ Uniform(low, high) (an interval: AutoNormal stores logit((sigma - low)/(high - low)))."""
    lo = _number(low, "Uniform low")
    hi = _number(high, "Uniform high")
    if lo < 0:
        raise ExportError(f"Uniform({lo}, {hi}) as a prior on sigma: low must be >= 0 (sigma is a noise scale)")
    if not np.float32(hi) > np.float32(lo):
        raise ExportError(f"Uniform({lo}, {hi}): high must be greater than low (also in float32)")
    return {"kind": "uniform", "low": lo, "high": hi}


_PRIOR_FROM_CLASS = {
    "Gamma": lambda d: gamma(_scalar_attr(d, "concentration"), _scalar_attr(d, "rate")),
    "LogNormal": lambda d: lognormal(_scalar_attr(d, "loc"), _scalar_attr(d, "scale")),
    "HalfNormal": lambda d: halfnormal(_scalar_attr(d, "scale")),
    "HalfCauchy": lambda d: halfcauchy(_scalar_attr(d, "scale")),
    "Exponential": lambda d: exponential(_scalar_attr(d, "rate")),
    "Uniform": lambda d: uniform(_scalar_attr(d, "low"), _scalar_attr(d, "high")),
}


def _scalar_attr(distribution: Any, name: str) -> float:
    value = _to_numpy(getattr(distribution, name))
    if value.size != 1:
        raise ExportError(f"{type(distribution).__name__}.{name} has shape {list(value.shape)}; a prior on sigma must be scalar")
    return float(value.reshape(()))


def prior_from_distribution(distribution: Any) -> Dict[str, Any]:
    """The prior of a torch / Pyro / NumPyro distribution object, e.g. ``dist.Uniform(0., 10.)``.

    Read by class name and attributes (no import): Gamma, LogNormal, HalfNormal, HalfCauchy,
    Exponential, Uniform with scalar parameters. Anything else (other families, ``.expand()``,
    ``.to_event()``, transformed or masked distributions) is an ExportError.
    """
    name = type(distribution).__name__
    reader = _PRIOR_FROM_CLASS.get(name)
    if reader is None:
        raise ExportError(
            f"a {name} prior on sigma is not supported: webgpu-bnn scores Gamma, LogNormal, HalfNormal, "
            "HalfCauchy, Exponential and Uniform(a, b) priors (with scalar parameters)"
        )
    return reader(distribution)


@dataclass(frozen=True)
class LatentSigma:
    """The noise scale is the latent sample site ``site`` with prior ``prior`` (gamma(...), uniform(...), ...)."""

    site: str
    prior: Mapping[str, Any]


@dataclass(frozen=True)
class FixedSigma:
    """The noise scale is the constant ``sigma`` (y ~ Normal(f(x), sigma), no sigma site)."""

    sigma: float


Noise = Union[LatentSigma, FixedSigma]


def _check_prior(prior: Mapping[str, Any]) -> Dict[str, Any]:
    if not isinstance(prior, Mapping) or "kind" not in prior:
        raise ExportError(f"a sigma prior must be made by gamma(), lognormal(), ..., uniform() or prior_from_distribution(), got {prior!r}")
    builders = {"gamma": gamma, "lognormal": lognormal, "halfnormal": halfnormal, "halfcauchy": halfcauchy, "exponential": exponential, "uniform": uniform}
    builder = builders.get(prior["kind"])
    if builder is None:
        raise ExportError(f"sigma prior kind {prior['kind']!r} is not supported (known: {', '.join(builders)})")
    fields = {k: v for k, v in prior.items() if k != "kind"}
    try:
        return builder(**fields)
    except TypeError:
        raise ExportError(f"sigma prior {dict(prior)!r} has the wrong fields for {prior['kind']}") from None


def _latent_noise_spec(noise: LatentSigma) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """(noise spec, sigma prior spec): AutoNormal's transform of the prior's support."""
    prior = _check_prior(noise.prior)
    if prior["kind"] == "uniform":
        # biject_to(interval(a, b)) = a + (b - a) * sigmoid(u): the loc/scale are of u.
        return {"kind": "logitnormal", "site": noise.site, "low": prior["low"], "high": prior["high"]}, prior
    # biject_to(positive) = exp: the loc/scale are of log sigma.
    return {"kind": "lognormal", "site": noise.site}, prior


# --------------------------------------------------------------------------------------------
# safetensors, by hand


def _to_numpy(value: Any) -> np.ndarray:
    """An array from numpy, JAX or torch (detached and moved to the CPU without importing torch)."""
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "cpu"):
        value = value.cpu()
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    return np.asarray(value)


def _float32(value: Any, what: str, *, nonnegative: bool = False) -> np.ndarray:
    array = _to_numpy(value).astype(np.float64)
    if not np.all(np.isfinite(array)) or np.any(np.abs(array) > FLOAT32_MAX):
        raise ExportError(f"{what} has values that are not finite in float32")
    if nonnegative and np.any(array < 0):
        raise ExportError(f"{what} has negative values; it is a scale")
    return array.astype(np.float32)


def safetensors_bytes(tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str]) -> bytes:
    """safetensors bytes: an 8-byte little-endian header length, the JSON header (padded with spaces
    to 8 bytes), then each tensor's float32 data in name order (UTF-16 code-unit order, as the
    webgpu-bnn writer sorts, so both write tensors in the same order)."""
    names = sorted(tensors, key=lambda name: name.encode("utf-16-be"))
    header: Dict[str, Any] = {}
    if metadata:
        if not all(isinstance(v, str) for v in metadata.values()):
            raise ExportError("safetensors metadata values must be strings")
        header["__metadata__"] = dict(metadata)
    chunks = []
    offset = 0
    for name in names:
        if name == "__metadata__":
            raise ExportError("'__metadata__' cannot be a tensor name")
        array = np.asarray(tensors[name], dtype="<f4")
        data = array.tobytes(order="C")  # (np.ascontiguousarray would turn a scalar's shape [] into [1])
        header[name] = {"dtype": "F32", "shape": [int(d) for d in array.shape], "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write_safetensors(path: str, tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str]) -> None:
    """Writes ``safetensors_bytes(tensors, metadata)`` to ``path``."""
    with open(path, "wb") as f:
        f.write(safetensors_bytes(tensors, metadata))


def model_bytes(spec: Mapping[str, Any], tensors: Mapping[str, np.ndarray]) -> bytes:
    """One model in the webgpu-bnn format."""
    model = json.dumps(spec, separators=(",", ":"), allow_nan=False)
    return safetensors_bytes(tensors, {"format": FORMAT_NAME, "version": FORMAT_VERSION, "model": model})


def ensemble_bytes(members: Sequence[Tuple[Mapping[str, Any], Mapping[str, np.ndarray]]]) -> bytes:
    """A deep ensemble in the webgpu-bnn ensemble format: member k's tensors under ``members.<k>.``."""
    if not members:
        raise ExportError("an ensemble needs at least one member")
    tensors: Dict[str, np.ndarray] = {}
    for k, (_, member_tensors) in enumerate(members):
        for name, array in member_tensors.items():
            tensors[f"members.{k}.{name}"] = array
    specs = json.dumps([spec for spec, _ in members], separators=(",", ":"), allow_nan=False)
    return safetensors_bytes(tensors, {"format": FORMAT_NAME, "version": FORMAT_VERSION, "ensemble": specs})


# --------------------------------------------------------------------------------------------
# The ModelSpec


def _normal_prior(scale: float, what: str) -> Dict[str, Any]:
    return {"kind": "normal", "loc": 0.0, "scale": _positive(scale, what)}


def _per_layer(value: Any, count: int, what: str) -> List[float]:
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ExportError(f"{what} lists {len(value)} values for {count} layers")
        return [float(v) for v in value]
    return [float(value)] * count


def _standardization(value: Optional[Mapping[str, Any]], input_dim: int, output_dim: int) -> Optional[Dict[str, Any]]:
    """x_model = (x - x_mean)/x_std; y = y_mean + y_std * y_model (the network's units)."""
    if value is None:
        return None
    keys = {"x_mean": input_dim, "x_std": input_dim, "y_mean": output_dim, "y_std": output_dim}
    unknown = set(value) - set(keys)
    if unknown:
        raise ExportError(f"standardization has unknown key(s) {sorted(unknown)}; known: {sorted(keys)}")
    out = {}
    for key, length in keys.items():
        if key not in value:
            raise ExportError(f"standardization needs {key}")
        array = _to_numpy(value[key]).astype(np.float64).reshape(-1)
        if array.size != length:
            raise ExportError(f"standardization {key} has {array.size} values, expected {length}")
        if not np.all(np.isfinite(array)) or (key.endswith("std") and np.any(array <= 0)):
            raise ExportError(f"standardization {key} must be finite (and > 0 for a std)")
        out[key] = [float(v) for v in array]
    return {"xMean": out["x_mean"], "xStd": out["x_std"], "yMean": out["y_mean"], "yStd": out["y_std"]}


@dataclass
class _Layer:
    """One dense layer as the spec needs it (weights [out, in])."""

    weight_loc: np.ndarray
    bias_loc: np.ndarray
    weight_scale: Optional[np.ndarray]
    bias_scale: Optional[np.ndarray]
    weight_site: str
    bias_site: str
    activation: str = "identity"
    leaky_slope: float = DEFAULT_LEAKY_SLOPE
    dropout: float = 0.0
    prelu_slope: Optional[np.ndarray] = None
    bn_scale: Optional[np.ndarray] = None
    bn_shift: Optional[np.ndarray] = None


def _build(
    layers: Sequence[_Layer],
    *,
    noise_spec: Dict[str, Any],
    sigma_prior: Optional[Dict[str, Any]],
    link: str,
    weight_prior_scale: Any,
    bias_prior_scale: Any,
    standardization: Optional[Mapping[str, Any]],
    noise_tensors: Mapping[str, np.ndarray],
) -> Tuple[Dict[str, Any], Dict[str, np.ndarray]]:
    """(spec, tensors), checking what the loader would: chained shapes, activations, rates."""
    if not layers:
        raise ExportError("the network has no layers")
    if link not in ("sigma", "sigma2"):
        raise ExportError(f"link must be 'sigma' (y ~ Normal(f, sigma)) or 'sigma2' (scale sigma^2), got {link!r}")
    count = len(layers)
    weight_scales = _per_layer(weight_prior_scale, count, "weight_prior_scale")
    bias_scales = _per_layer(weight_prior_scale if bias_prior_scale is None else bias_prior_scale, count, "bias_prior_scale")
    tensors: Dict[str, np.ndarray] = {}
    spec_layers = []
    inputs = None
    for l, layer in enumerate(layers):
        units, fan_in = layer.weight_loc.shape if layer.weight_loc.ndim == 2 else (None, None)
        if units is None:
            raise ExportError(f"layer {l} ({layer.weight_site}): a weight must be 2-D [out, in], got shape {list(layer.weight_loc.shape)}")
        if inputs is not None and fan_in != inputs:
            raise ExportError(f"layer {l} ({layer.weight_site}) takes {fan_in} inputs but the layer before gives {inputs}: the layers are not in forward order or not chained")
        if layer.bias_loc.shape != (units,):
            raise ExportError(f"layer {l}: bias {layer.bias_site} has shape {list(layer.bias_loc.shape)}, expected [{units}]")
        if layer.activation not in ACTIVATIONS:
            raise ExportError(f"layer {l}: activation {layer.activation!r} is not supported (known: {', '.join(ACTIVATIONS)})")
        if not 0 <= layer.dropout < 1:
            raise ExportError(f"layer {l}: dropout rate {layer.dropout} is not in [0, 1)")
        inputs = units
        for name, array, nonnegative in (
            (f"layers.{l}.weight.loc", layer.weight_loc, False),
            (f"layers.{l}.bias.loc", layer.bias_loc, False),
            (f"layers.{l}.weight.scale", layer.weight_scale, True),
            (f"layers.{l}.bias.scale", layer.bias_scale, True),
            (f"layers.{l}.prelu_slope", layer.prelu_slope, False),
            (f"layers.{l}.bn_scale", layer.bn_scale, False),
            (f"layers.{l}.bn_shift", layer.bn_shift, False),
        ):
            if array is not None:
                tensors[name] = _float32(array, name, nonnegative=nonnegative)
        spec_layers.append(
            {
                "units": int(units),
                "activation": layer.activation,
                "leakySlope": float(layer.leaky_slope),
                "dropout": float(layer.dropout),
                "batchNorm": layer.bn_scale is not None,
                "weight": {
                    "site": layer.weight_site,
                    "posterior": "delta" if layer.weight_scale is None else "normal",
                    "prior": _normal_prior(weight_scales[l], f"layer {l} weight prior scale"),
                },
                "bias": {
                    "site": layer.bias_site,
                    "posterior": "delta" if layer.bias_scale is None else "normal",
                    "prior": _normal_prior(bias_scales[l], f"layer {l} bias prior scale"),
                },
            }
        )
    for name, array in noise_tensors.items():
        tensors[name] = _float32(array, name, nonnegative=name.endswith("scale")).reshape(())
    input_dim = int(layers[0].weight_loc.shape[1])
    last_units = int(layers[-1].weight_loc.shape[0])
    output_dim = last_units // 2 if noise_spec["kind"] == "heteroscedastic" else last_units
    spec = {
        "inputDim": input_dim,
        "layers": spec_layers,
        "likelihood": {"noise": noise_spec, "link": link, "sigmaPrior": sigma_prior},
        "standardization": _standardization(standardization, input_dim, output_dim),
    }
    return spec, tensors


def _noise_parts(noise: Noise, loc: Any = None, scale: Any = None) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]], Dict[str, np.ndarray]]:
    """(noise spec, sigma prior, noise tensors) for a fixed sigma or a latent one with guide loc/scale."""
    if isinstance(noise, FixedSigma):
        return {"kind": "fixed", "sigma": _positive(noise.sigma, "FixedSigma.sigma")}, None, {}
    if isinstance(noise, LatentSigma):
        spec, prior = _latent_noise_spec(noise)
        for what, value in (("loc", loc), ("scale", scale)):
            if value is None or _to_numpy(value).size != 1:
                raise ExportError(f"the noise site {noise.site!r} needs a scalar guide {what}")
        return spec, prior, {"noise.loc": _to_numpy(loc).reshape(()), "noise.scale": _to_numpy(scale).reshape(())}
    raise ExportError(f"noise must be LatentSigma(site, prior) or FixedSigma(sigma), got {noise!r}")


def _layer_pairs(layers: Sequence[Sequence[str]]) -> List[Tuple[str, str]]:
    pairs = []
    for l, entry in enumerate(layers):
        if isinstance(entry, str) or len(entry) != 2:
            raise ExportError(
                f"layers[{l}] must be a (weight site, bias site) pair, got {entry!r}; a layer without a bias "
                "is not supported (webgpu-bnn's dense layers always add one)"
            )
        pairs.append((str(entry[0]), str(entry[1])))
    return pairs


def _dropout_rates(dropout: Any, count: int) -> List[float]:
    """Each layer's input dropout rate: a list of one per layer; a single number only if 0."""
    if isinstance(dropout, (list, tuple)):
        return _per_layer(dropout, count, "dropout")
    if float(dropout) != 0:
        raise ExportError("dropout must list one rate per layer (the rate on that layer's input), e.g. [0, 0, 0.1]")
    return [0.0] * count


def _use(params: Dict[str, Any], key: str, what: str) -> np.ndarray:
    if key not in params:
        raise ExportError(f"{what}: the parameters have no {key!r} (they have: {', '.join(sorted(params)[:12])}{' ...' if len(params) > 12 else ''})")
    return _to_numpy(params.pop(key))


def _check_all_used(params: Mapping[str, Any], what: str) -> None:
    if params:
        raise ExportError(f"{what}: parameter(s) {sorted(params)} belong to no layer and no noise site; list every layer in `layers` (and the noise in `noise`)")


# --------------------------------------------------------------------------------------------
# Pyro and NumPyro guides


def export_pyro(
    params: Mapping[str, Any],
    path: Optional[str],
    *,
    layers: Sequence[Sequence[str]],
    activation: str,
    noise: Noise,
    guide: str = "AutoNormal",
    sites: Optional[Sequence[Tuple[str, Sequence[int]]]] = None,
    weight_prior_scale: Any = 1.0,
    bias_prior_scale: Any = None,
    dropout: Any = 0.0,
    link: str = "sigma",
    standardization: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    """Writes a Pyro guide over an MLP (PyroSample Normal(0, s) priors on every weight and bias) to ``path``.

    ``params``: the param store as a dict, e.g. ``dict(pyro.get_param_store().items())`` (torch
    tensors or arrays; constrained values, as the store returns them).
    ``layers``: each layer's (weight site, bias site) in forward order, with Pyro's site names, e.g.
    ``[("0.weight", "0.bias"), ("1.weight", "1.bias"), ("layers.2.weight", "layers.2.bias")]`` (an
    nn.ModuleList), ``[("0.weight", "0.bias"), ("2.weight", "2.bias")]`` (an nn.Sequential with an
    activation at position 1) or ``[("fc1.weight", "fc1.bias"), ...]`` (named layers).
    ``activation``: the hidden layers' activation (the last layer is identity).
    ``noise``: ``LatentSigma(site, prior)`` (any site name; the prior decides AutoNormal's
    transform: exp for Gamma, LogNormal, HalfNormal, HalfCauchy, Exponential; a + (b - a) sigmoid
    for Uniform(a, b)) or ``FixedSigma(sigma)``.
    ``guide``: "AutoNormal" (``AutoNormal.locs.<site>`` / ``AutoNormal.scales.<site>``) or
    "AutoDiagonalNormal" (flat ``AutoDiagonalNormal.loc`` / ``.scale``), which needs ``sites``: every
    latent site as (name, shape) in the order of the model's prototype trace, e.g.
    ``[(n, tuple(s["value"].shape)) for n, s in guide.prototype_trace.iter_stochastic_nodes()]``.
    ``dropout``: one rate per layer, on that layer's input (torch's inverted dropout), or 0.
    ``link``: "sigma" (y ~ Normal(f, sigma)) or "sigma2" (y ~ Normal(f, sigma**2)).
    Returns the ModelSpec written; ``path`` None writes nothing.
    """
    pairs = _layer_pairs(layers)
    store = dict(params)
    if guide == "AutoNormal":
        if sites is not None:
            raise ExportError("sites (the flat vector's order) is for guide='AutoDiagonalNormal'; AutoNormal names each site")

        def site_params(site: str) -> Tuple[np.ndarray, np.ndarray]:
            return _use(store, f"AutoNormal.locs.{site}", f"site {site!r}"), _use(store, f"AutoNormal.scales.{site}", f"site {site!r}")

    elif guide == "AutoDiagonalNormal":
        flat = _unpack_diagonal(store, sites)

        def site_params(site: str) -> Tuple[np.ndarray, np.ndarray]:
            if site not in flat:
                raise ExportError(f"site {site!r} is not in `sites` (the AutoDiagonalNormal order): {list(flat)}")
            return flat.pop(site)

    else:
        raise ExportError(f"guide {guide!r} is not supported: only AutoNormal and AutoDiagonalNormal (mean-field normal guides)")
    spec_layers = _guide_layers(pairs, site_params, activation, _dropout_rates(dropout, len(pairs)), transpose=False)
    loc = scale = None
    if isinstance(noise, LatentSigma):
        loc, scale = site_params(noise.site)
    _check_all_used(store, f"Pyro {guide}")
    if guide == "AutoDiagonalNormal" and flat:
        _check_all_used(flat, "Pyro AutoDiagonalNormal sites")
    noise_spec, prior, noise_tensors = _noise_parts(noise, loc, scale)
    spec, tensors = _build(
        spec_layers,
        noise_spec=noise_spec,
        sigma_prior=prior,
        link=link,
        weight_prior_scale=weight_prior_scale,
        bias_prior_scale=bias_prior_scale,
        standardization=standardization,
        noise_tensors=noise_tensors,
    )
    if path is not None:
        with open(path, "wb") as f:
            f.write(model_bytes(spec, tensors))
    return spec


def _unpack_diagonal(store: Dict[str, Any], sites: Optional[Sequence[Tuple[str, Sequence[int]]]]) -> Dict[str, Tuple[np.ndarray, np.ndarray]]:
    """Pyro's AutoContinuous._unpack_latent: the flat vector cut site after site, each row-major."""
    if sites is None:
        raise ExportError(
            "guide='AutoDiagonalNormal' needs sites=[(name, shape), ...] in the order of the model's prototype trace: "
            "[(n, tuple(s['value'].shape)) for n, s in guide.prototype_trace.iter_stochastic_nodes()]"
        )
    loc = _use(store, "AutoDiagonalNormal.loc", "AutoDiagonalNormal").reshape(-1)
    scale = _use(store, "AutoDiagonalNormal.scale", "AutoDiagonalNormal").reshape(-1)
    if loc.size != scale.size:
        raise ExportError(f"AutoDiagonalNormal.loc has {loc.size} values but .scale has {scale.size}")
    out: Dict[str, Tuple[np.ndarray, np.ndarray]] = {}
    position = 0
    for name, shape in sites:
        if name in out:
            raise ExportError(f"sites lists {name!r} twice")
        size = int(np.prod(shape, dtype=np.int64))
        if position + size > loc.size:
            raise ExportError(f"sites need more than the {loc.size} values of AutoDiagonalNormal.loc (they run out at {name!r})")
        out[name] = (loc[position : position + size].reshape(shape), scale[position : position + size].reshape(shape))
        position += size
    if position != loc.size:
        raise ExportError(f"sites cover {position} values but AutoDiagonalNormal.loc has {loc.size}: the list is not the model's latent sites")
    return out


def _guide_layers(pairs, site_params, activation: str, rates: Sequence[float], *, transpose: bool) -> List[_Layer]:
    if activation not in ACTIVATIONS:
        raise ExportError(f"activation {activation!r} is not supported (known: {', '.join(ACTIVATIONS)})")
    if activation == "prelu":
        raise ExportError("a PReLU's slopes are parameters of the network, not a guide's sites: not supported here")
    out = []
    for l, (weight_site, bias_site) in enumerate(pairs):
        weight_loc, weight_scale = site_params(weight_site)
        bias_loc, bias_scale = site_params(bias_site)
        if transpose:
            if weight_loc.ndim != 2:
                raise ExportError(f"site {weight_site!r} has shape {list(weight_loc.shape)}; a weight must be 2-D")
            weight_loc, weight_scale = weight_loc.T, weight_scale.T
        out.append(
            _Layer(
                weight_loc=weight_loc,
                bias_loc=bias_loc.reshape(-1) if bias_loc.ndim == 2 and 1 in bias_loc.shape else bias_loc,
                weight_scale=weight_scale,
                bias_scale=bias_scale.reshape(-1) if bias_scale.ndim == 2 and 1 in bias_scale.shape else bias_scale,
                weight_site=weight_site,
                bias_site=bias_site,
                activation="identity" if l == len(pairs) - 1 else activation,
                dropout=rates[l],
            )
        )
    return out


def export_numpyro(
    params: Mapping[str, Any],
    path: Optional[str],
    *,
    layers: Sequence[Sequence[str]],
    activation: str,
    noise: Noise,
    weight_layout: str,
    weight_prior_scale: Any = 1.0,
    bias_prior_scale: Any = None,
    dropout: Any = 0.0,
    link: str = "sigma",
    standardization: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    """Writes NumPyro ``AutoNormal`` parameters (``svi_result.params``: ``<site>_auto_loc`` unconstrained,
    ``<site>_auto_scale`` positive) over an MLP to ``path``.

    ``layers``: each layer's (weight site, bias site) in forward order, e.g. ``[("w1", "b1"), ("w2",
    "b2")]``. ``weight_layout``: "in_out" when the model computes ``x @ w`` (w is [in, out], as in
    NumPyro's examples) or "out_in" for torch's [out, in]; it is not guessed, since a square weight
    would read either way. ``noise``, ``activation``, ``dropout``, ``link``: as ``export_pyro``
    (NumPyro's AutoNormal uses the same transforms: exp for positive priors, a + (b - a) sigmoid for
    Uniform(a, b)).
    """
    if weight_layout not in ("in_out", "out_in"):
        raise ExportError(f"weight_layout must be 'in_out' (x @ w) or 'out_in' (torch's [out, in]), got {weight_layout!r}")
    pairs = _layer_pairs(layers)
    store = dict(params)

    def site_params(site: str) -> Tuple[np.ndarray, np.ndarray]:
        return _use(store, f"{site}_auto_loc", f"site {site!r}"), _use(store, f"{site}_auto_scale", f"site {site!r}")

    spec_layers = _guide_layers(pairs, site_params, activation, _dropout_rates(dropout, len(pairs)), transpose=weight_layout == "in_out")
    loc = scale = None
    if isinstance(noise, LatentSigma):
        loc, scale = site_params(noise.site)
    _check_all_used(store, "NumPyro AutoNormal")
    noise_spec, prior, noise_tensors = _noise_parts(noise, loc, scale)
    spec, tensors = _build(
        spec_layers,
        noise_spec=noise_spec,
        sigma_prior=prior,
        link=link,
        weight_prior_scale=weight_prior_scale,
        bias_prior_scale=bias_prior_scale,
        standardization=standardization,
        noise_tensors=noise_tensors,
    )
    if path is not None:
        with open(path, "wb") as f:
            f.write(model_bytes(spec, tensors))
    return spec


# --------------------------------------------------------------------------------------------
# Plain torch networks: MC dropout and deep ensembles


def _torch():
    try:
        import torch  # noqa: F401 (imported only for these paths)
        from torch import nn
    except ImportError as error:  # pragma: no cover - depends on the machine
        raise ExportError("the torch paths need PyTorch (pip install torch, or Debian's python3-torch)") from error
    return nn


def _activation_of(module: Any, nn: Any, where: str) -> Tuple[str, float, Optional[np.ndarray]]:
    """(activation, leaky slope, PReLU slopes) of an activation module; ExportError for others."""
    if isinstance(module, nn.ReLU):
        return "relu", DEFAULT_LEAKY_SLOPE, None
    if isinstance(module, nn.Tanh):
        return "tanh", DEFAULT_LEAKY_SLOPE, None
    if isinstance(module, nn.Sigmoid):
        return "sigmoid", DEFAULT_LEAKY_SLOPE, None
    if isinstance(module, nn.GELU):
        if getattr(module, "approximate", "none") != "tanh":
            raise ExportError(
                f"{where}: nn.GELU() is the exact (erf) GELU; webgpu-bnn's gelu is the tanh approximation: use nn.GELU(approximate='tanh')"
            )
        return "gelu", DEFAULT_LEAKY_SLOPE, None
    if isinstance(module, nn.SiLU):
        return "silu", DEFAULT_LEAKY_SLOPE, None
    if isinstance(module, nn.LeakyReLU):
        return "leaky_relu", float(module.negative_slope), None
    if isinstance(module, nn.PReLU):
        return "prelu", DEFAULT_LEAKY_SLOPE, _to_numpy(module.weight).reshape(-1)
    raise ExportError(
        f"{where}: not supported (an MLP of Linear layers with ReLU, Tanh, Sigmoid, GELU(approximate='tanh'), SiLU, LeakyReLU or "
        "PReLU activations, Dropout and BatchNorm1d)"
    )


def _flatten_sequential(module: Any, nn: Any) -> List[Any]:
    out = []
    for child in module.children():
        if isinstance(child, nn.Sequential):
            out.extend(_flatten_sequential(child, nn))
        else:
            out.append(child)
    return out


def _sequential_layers(model: Any, nn: Any, *, keep_dropout: bool, what: str) -> List[_Layer]:
    """The dense layers of an nn.Sequential, read module by module in forward order.

    Grammar: [Dropout] Linear [BatchNorm1d] [activation] [Dropout] Linear ... Linear [BatchNorm1d]
    [activation]. A Dropout acts on the next Linear's input (webgpu-bnn's dropout); one between a
    Linear and its activation, two in a row or one after the last Linear are refused.
    """
    layers: List[_Layer] = []
    pending_dropout = 0.0
    stage = "start"  # start | linear | bn | act | dropout
    for index, module in enumerate(_flatten_sequential(model, nn)):
        where = f"{what}: module {index} ({type(module).__name__})"
        if isinstance(module, nn.Identity):
            continue
        if isinstance(module, nn.Linear):
            if module.bias is None:
                raise ExportError(f"{where}: a Linear without bias is not supported (webgpu-bnn's dense layers always add one)")
            layers.append(
                _Layer(
                    weight_loc=_to_numpy(module.weight),
                    bias_loc=_to_numpy(module.bias),
                    weight_scale=None,
                    bias_scale=None,
                    weight_site=f"{len(layers)}.weight",
                    bias_site=f"{len(layers)}.bias",
                    dropout=pending_dropout,
                )
            )
            pending_dropout = 0.0
            stage = "linear"
        elif type(module) is nn.Dropout:
            if not keep_dropout:
                continue  # eval mode: the identity
            if stage == "linear" or stage == "bn":
                raise ExportError(
                    f"{where}: a Dropout right after a Linear (before its activation, or on the outputs) is not supported: "
                    "webgpu-bnn's dropout acts on a layer's input; put it after the activation"
                )
            if stage == "dropout":
                raise ExportError(f"{where}: two Dropouts in a row")
            pending_dropout = float(module.p)
            stage = "dropout"
        elif isinstance(module, nn.BatchNorm1d):
            if stage != "linear":
                raise ExportError(f"{where}: a BatchNorm1d must come right after a Linear (it is folded into that layer)")
            layers[-1].bn_scale, layers[-1].bn_shift = _fold_batch_norm(module, where)
            stage = "bn"
        else:
            activation, slope, prelu = _activation_of(module, nn, where)
            if stage not in ("linear", "bn"):
                raise ExportError(f"{where}: an activation must follow a Linear (or its BatchNorm1d)")
            if prelu is not None and prelu.size not in (1, layers[-1].weight_loc.shape[0]):
                raise ExportError(f"{where}: PReLU has {prelu.size} slopes for {layers[-1].weight_loc.shape[0]} units")
            layers[-1].activation, layers[-1].leaky_slope, layers[-1].prelu_slope = activation, slope, prelu
            stage = "act"
    if not layers:
        raise ExportError(f"{what}: no nn.Linear layers")
    if stage == "dropout" and pending_dropout > 0:
        raise ExportError(f"{what}: a Dropout after the last Linear (dropout on the outputs) is not supported")
    return layers


def _fold_batch_norm(module: Any, where: str) -> Tuple[np.ndarray, np.ndarray]:
    """BatchNorm1d in eval mode as pre * scale + shift (its running statistics)."""
    if not module.track_running_stats or module.running_mean is None:
        raise ExportError(f"{where}: a BatchNorm1d without running statistics cannot be folded")
    mean = _to_numpy(module.running_mean).astype(np.float64)
    var = _to_numpy(module.running_var).astype(np.float64)
    weight = _to_numpy(module.weight).astype(np.float64) if module.affine else np.ones_like(mean)
    bias = _to_numpy(module.bias).astype(np.float64) if module.affine else np.zeros_like(mean)
    scale = weight / np.sqrt(var + module.eps)
    return scale, bias - mean * scale


def _described_layers(model: Any, nn: Any, layers: Sequence[Any], activation: Any, dropout: Any, what: str) -> List[_Layer]:
    """The dense layers of any module, from a description: ``layers`` names its nn.Linear submodules in
    forward order (an entry may be a (mean, scale) pair of heads fed by the same input, concatenated
    into one layer of 2D units); ``activation`` is one name for the hidden layers or one per layer;
    ``dropout`` one rate per layer (on its input), or 0."""
    names = list(layers)
    if activation is None:
        raise ExportError(f"{what}: with `layers`, give `activation` (the forward code is not read)")
    activations = list(activation) if isinstance(activation, (list, tuple)) else [activation] * (len(names) - 1) + ["identity"]
    if len(activations) != len(names):
        raise ExportError(f"{what}: activation lists {len(activations)} names for {len(names)} layers")
    rates = _dropout_rates(dropout, len(names))
    out = []
    for l, entry in enumerate(names):
        modules = [entry] if isinstance(entry, str) else list(entry)
        linears = []
        for name in modules:
            try:
                module = model.get_submodule(name)
            except AttributeError:
                raise ExportError(f"{what}: layers[{l}] names {name!r}, which the module does not have") from None
            if not isinstance(module, nn.Linear):
                raise ExportError(f"{what}: layers[{l}] {name!r} is a {type(module).__name__}, not an nn.Linear")
            if module.bias is None:
                raise ExportError(f"{what}: layers[{l}] {name!r} has no bias (webgpu-bnn's dense layers always add one)")
            linears.append(module)
        if len(linears) not in (1, 2) or (len(linears) == 2 and linears[0].in_features != linears[1].in_features):
            raise ExportError(f"{what}: layers[{l}] must be one Linear or a (mean, scale) pair of Linears with the same input")
        act = activations[l]
        if act not in ACTIVATIONS or act == "prelu":
            raise ExportError(f"{what}: activation {act!r} is not supported here (known: {', '.join(a for a in ACTIVATIONS if a != 'prelu')})")
        out.append(
            _Layer(
                weight_loc=np.concatenate([_to_numpy(m.weight) for m in linears], axis=0),
                bias_loc=np.concatenate([_to_numpy(m.bias) for m in linears], axis=0),
                weight_scale=None,
                bias_scale=None,
                weight_site=f"{l}.weight",
                bias_site=f"{l}.bias",
                activation=act,
                dropout=rates[l],
            )
        )
    return out


def _torch_layers(model: Any, layers: Optional[Sequence[Any]], activation: Any, dropout: Any, *, keep_dropout: bool, what: str) -> List[_Layer]:
    nn = _torch()
    if not isinstance(model, nn.Module):
        raise ExportError(f"{what}: expected a torch nn.Module, got {type(model).__name__}")
    if layers is not None:
        return _described_layers(model, nn, layers, activation, dropout if keep_dropout else 0.0, what)
    if not isinstance(model, nn.Sequential):
        raise ExportError(
            f"{what}: a {type(model).__name__} is read only with a description: pass layers=[names of its nn.Linear "
            "submodules in forward order], activation=..., dropout=[rate per layer] (its forward code is not read)"
        )
    if activation is not None or isinstance(dropout, (list, tuple)) or dropout:
        raise ExportError(f"{what}: an nn.Sequential is read module by module; activation and dropout come from its modules")
    return _sequential_layers(model, nn, keep_dropout=keep_dropout, what=what)


def export_mc_dropout(
    model: Any,
    path: Optional[str],
    *,
    sigma: float,
    layers: Optional[Sequence[Any]] = None,
    activation: Any = None,
    dropout: Any = 0.0,
    weight_prior_scale: Any = 1.0,
    standardization: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    """Writes a torch MLP trained with dropout as an MC-dropout model: every weight a point value
    (posterior 'delta'), dropout kept at prediction with the trained rates (torch's inverted
    dropout), noise fixed at ``sigma`` (Gal's tau gives sigma = 1/sqrt(tau), in y's units).

    ``model``: an nn.Sequential (Linear, activations, Dropout, BatchNorm1d folded in eval mode) is read
    module by module; any other module needs ``layers`` (its Linear submodules' names in forward
    order), ``activation`` and ``dropout`` (one rate per layer, on its input).
    ``weight_prior_scale``: the Normal(0, s) prior recorded for score() (Gal's weight decay is such a prior).
    ``standardization``: {x_mean, x_std, y_mean, y_std} when the network works in standardised units.

    One difference to torch, in the random numbers only: torch draws a dropout mask per row of a
    batch, webgpu-bnn one per posterior sample shared by all rows (so each sample is one function);
    every input's predictive distribution is the same.
    """
    spec_layers = _torch_layers(model, layers, activation, dropout, keep_dropout=True, what="MC dropout model")
    spec, tensors = _build(
        spec_layers,
        noise_spec={"kind": "fixed", "sigma": _positive(sigma, "sigma")},
        sigma_prior=None,
        link="sigma",
        weight_prior_scale=weight_prior_scale,
        bias_prior_scale=None,
        standardization=standardization,
        noise_tensors={},
    )
    if path is not None:
        with open(path, "wb") as f:
            f.write(model_bytes(spec, tensors))
    return spec


SCALE_HEADS = {
    "softplus": "sigma = softplus(raw) + min_scale: webgpu-bnn's heteroscedastic head",
}
_UNMAPPABLE_HEADS = {
    "exp": "sigma = exp(raw)",
    "log_variance": "sigma = exp(raw / 2)",
    "softplus_variance": "sigma^2 = softplus(raw) + min_scale",
    "variance": "sigma^2 = raw",
}


def export_ensemble(
    members: Sequence[Any],
    path: Optional[str],
    *,
    min_scale: float,
    scale_head: str = "softplus",
    layers: Optional[Sequence[Any]] = None,
    activation: Any = None,
    weight_prior_scale: Any = 1.0,
    standardization: Optional[Mapping[str, Any]] = None,
) -> List[Dict[str, Any]]:
    """Writes a deep ensemble (Lakshminarayanan et al.) of torch MLPs to one file.

    Each member maps x to 2D outputs: ``out[..., :D]`` is the mean and ``out[..., D:]`` the raw
    scale, with ``sigma = softplus(raw) + min_scale`` (``scale_head="softplus"``), which is
    webgpu-bnn's 'heteroscedastic' noise kind exactly (y ~ Normal(mean, sigma)). Other heads
    (``exp``: sigma = exp(raw); ``log_variance``: sigma = exp(raw/2); ``softplus_variance``: sigma^2 =
    softplus(raw) + eps; ``variance``) are refused: the engine's head is softplus of the raw output,
    and no reparameterisation of the last layer turns one into the other.

    A member is an nn.Sequential ending in a Linear of 2D units (no activation after it), or any
    module with ``layers`` / ``activation`` as for ``export_mc_dropout``, where the last entry of
    ``layers`` may be a (mean head, scale head) pair of Linears on the same input. Members are
    exported as torch evaluates them in eval mode: Dropout is the identity, BatchNorm1d uses its
    running statistics.
    """
    if scale_head in _UNMAPPABLE_HEADS:
        raise ExportError(
            f"scale_head={scale_head!r} ({_UNMAPPABLE_HEADS[scale_head]}) cannot be mapped: webgpu-bnn's heteroscedastic "
            "head is sigma = softplus(raw) + min_scale; train the members with that head"
        )
    if scale_head not in SCALE_HEADS:
        raise ExportError(f"scale_head {scale_head!r} is unknown; supported: {', '.join(SCALE_HEADS)}")
    if len(members) == 0:
        raise ExportError("an ensemble needs at least one member")
    minimum = _number(min_scale, "min_scale")
    if minimum < 0:
        raise ExportError(f"min_scale must be >= 0, got {minimum}")
    written = []
    for k, member in enumerate(members):
        what = f"ensemble member {k}"
        spec_layers = _torch_layers(member, layers, activation, 0.0, keep_dropout=False, what=what)
        last = spec_layers[-1]
        units = last.weight_loc.shape[0]
        if units % 2 != 0:
            raise ExportError(f"{what}: the last layer has {units} units; a mean and a scale head need 2D")
        if last.activation != "identity" or last.bn_scale is not None:
            raise ExportError(f"{what}: the last Linear must be the raw output (no activation or BatchNorm after it): the scale head applies softplus itself")
        written.append(
            _build(
                spec_layers,
                noise_spec={"kind": "heteroscedastic", "minScale": minimum},
                sigma_prior=None,
                link="sigma",
                weight_prior_scale=weight_prior_scale,
                bias_prior_scale=None,
                standardization=standardization,
                noise_tensors={},
            )
        )
    if path is not None:
        with open(path, "wb") as f:
            f.write(ensemble_bytes(written))
    return [spec for spec, _ in written]
