"""Command line: ``momentum-dynamics region | critical-beta | rates | bode | poles |
variance | multistep-region | equivalents | weight-decay | adam-vs-momentum |
game-region | witness | rnn-region | beta-tradeoff | bn-lag | schedule``.

Every bad argument gives one line on stderr, ``momentum-dynamics: error: ...``, and
exit status 2; never a traceback, and never part of a table on stdout: each verb checks
its arguments and computes everything before it prints.

The verbs that print tables take ``--format text|json|csv``. ``--method`` takes a
registered name or ``module:function``, an update rule to import and register first
(see :func:`momentum_dynamics.methods.register_method`); the current directory is
searched for the module, so ``--method rules:qhm`` finds ``./rules.py``.

:func:`build_parser` returns the :mod:`argparse` parser (for documentation tools such
as sphinx-argparse); :func:`main` runs it.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["build_parser", "main"]

PROG = "momentum-dynamics"
FORMATS = ("text", "json", "csv")


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show every default (lists as typed on the command line); none for flags."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if ("%(default)" in text or default in (None, False, argparse.SUPPRESS)
                or not action.option_strings):
            return text
        if isinstance(default, (list, tuple)):
            shown = " ".join(str(v) for v in default)
        else:
            shown = "%(default)s"
        return f"{text} (default: {shown})".strip()


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):  # one line, exit 2, like argparse but never a usage dump
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite; got {text!r}")
    return value


def _param(text: str) -> tuple[str, float]:
    """``NAME=VALUE``: an extra hyper-parameter of the method (e.g. ``nu=0.7`` for QHM)."""
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, e.g. nu=0.7; got {text!r}")
    try:
        return name, _number(value)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"{name}: {exc}") from None


def _params(args) -> dict[str, float]:
    """The --param values as keyword arguments; a name given twice is an error."""
    out: dict[str, float] = {}
    for name, value in args.param or ():
        if name in out:
            raise ValueError(f"--param {name} given twice")
        if name in ("alpha", "beta", "curvature"):
            raise ValueError(f"--param {name}: {name} has its own option or axis")
        out[name] = value
    return out


def _add_param(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--param", type=_param, action="append", metavar="NAME=VALUE",
                        help="an extra hyper-parameter of the method, e.g. nu=0.7 for "
                        "quasi-hyperbolic momentum; repeat for several")


def _method(text: str) -> str:
    """A registered method name, or ``module:function`` imported and registered here."""
    from .methods import get_method, register_method

    if ":" not in text:
        try:
            return get_method(text).name
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    module_name, _, attr = text.partition(":")
    if not module_name or not attr.isidentifier():
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected a registered name or module:function, e.g. mypkg.rules:qhm")
    # Like `python -m`, look in the current directory first (a console script does not).
    here = os.getcwd()
    sys.path.insert(0, here)
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # the user's module: any failure is reported, in one line
        raise argparse.ArgumentTypeError(
            f"{text!r}: cannot import module {module_name!r} "
            f"({type(exc).__name__}: {exc})") from None
    finally:
        if here in sys.path:
            sys.path.remove(here)
    update = getattr(module, attr, None)
    if not callable(update):
        raise argparse.ArgumentTypeError(
            f"{text!r}: module {module_name!r} has no function {attr!r}")
    try:  # a second mention of the same rule (e.g. in --method a:f a:f) reuses it
        known = get_method(update.__name__)
    except ValueError:
        known = None
    if known is not None and known.update is update:
        return known.name
    try:
        return register_method(update).name
    except (ValueError, TypeError) as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: cannot register the update rule: "
                                         f"{str(exc).splitlines()[0]}") from None


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="output: a readable report, one JSON object, or CSV rows")


def _progress(args: argparse.Namespace) -> bool:
    """Progress bars go to stderr, and only when it is a terminal."""
    return not args.no_progress and sys.stderr.isatty()


def _plain(value: Any) -> Any:
    """JSON-ready: NaN and infinities -> None, complex -> {"real", "imag"}, NumPy -> Python."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # NumPy
        return _plain(value.tolist())
    if isinstance(value, complex):
        return {"real": _plain(value.real), "imag": _plain(value.imag)}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _flatten(record: dict, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, name + ".")
        elif isinstance(value, list):
            yield from _flatten({str(i): v for i, v in enumerate(value)}, name + ".")
        else:
            yield name, value


def _emit(args: argparse.Namespace, data: dict, rows: list[dict] | None,
          text: Callable[[], None]) -> None:
    """Print `data` as JSON, `rows` (or the one flattened `data`) as CSV, or call `text`."""
    if args.format == "json":
        print(json.dumps(_plain(data), indent=2, allow_nan=False))
    elif args.format == "csv":
        table = [dict(_flatten(_plain(row))) for row in (rows if rows is not None else [data])]
        writer = csv.DictWriter(sys.stdout, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    else:
        text()


def _print_table(head: str, lines: Iterable[str]) -> None:
    """The text tables of the verbs: a header, a rule as wide as it, one line per row."""
    print(head)
    print("-" * len(head))
    for line in lines:
        print(line)


def build_parser() -> argparse.ArgumentParser:
    """The command line's :mod:`argparse` parser, every verb and option with its default.

    Returns
    -------
    argparse.ArgumentParser
        Its ``error`` raises instead of exiting; run the command line with :func:`main`.

    See Also
    --------
    main : parse and run.

    Examples
    --------
    >>> args = build_parser().parse_args(["rates", "--kappa", "100", "--format", "json"])
    >>> args.command, args.kappa, args.tolerance, args.format
    ('rates', 100.0, 1e-06, 'json')
    """
    from . import __version__
    from .methods import available_methods

    p = _Parser(prog=PROG, description="Momentum optimizers as discrete-time dynamical "
                "systems (Polyak 1964; Nesterov 1983; Lessard, Recht & Packard 2016).")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    methods = ", ".join(available_methods())

    r = sub.add_parser("region", help="draw stability-region diagrams (PNG)",
                       description="Draw the stable set, damping regimes, spectral-radius "
                       "contours and the critical-damping curve in the (alpha*lambda, beta) "
                       "plane, one panel per method.")
    r.add_argument("--method", nargs="+", default=["heavy_ball", "nesterov"], type=_method,
                   help=f"methods to draw ({methods}, or module:function)")
    r.add_argument("--out", default="stability_region.png", help="output file (PNG, PDF, SVG)")
    r.add_argument("--resolution", type=int, default=400, help="grid points per axis")
    r.add_argument("--dpi", type=int, default=150, help="resolution of the saved figure")
    r.add_argument("--beta-range", type=_number, nargs=2, metavar=("LO", "HI"),
                   default=[0.0, 1.0], help="momentum axis, within [-1, 1]")
    r.add_argument("--alpha-lambda-range", type=_number, nargs=2, metavar=("LO", "HI"),
                   default=None, help="alpha*lambda axis (default (0, 4.5], or "
                   "[1e-3, 4.5] with --log)")
    r.add_argument("--log", action="store_true", help="log-scaled alpha*lambda axis")
    r.add_argument("--no-critical", action="store_true",
                   help="skip the critical-damping curves")
    _add_param(r)

    c = sub.add_parser("critical-beta", help="momentum for critical damping",
                       description="Exact critically damped momentum for a learning rate and "
                       "curvature, beside the continuous-time approximation.")
    c.add_argument("--alpha", type=_number, required=True, help="learning rate (> 0)")
    c.add_argument("--curvature", type=_number, required=True, help="Hessian eigenvalue lambda")
    c.add_argument("--method", default="heavy_ball", type=_method,
                   help=f"one of {methods}, or module:function")
    _add_param(c)
    _add_format(c)

    t = sub.add_parser("rates", help="tuned rates versus the condition number",
                       description="Tuned GD / heavy ball / Nesterov rates for a condition "
                       "number: exact, the large-kappa approximation, and iterations.")
    t.add_argument("--kappa", type=_number, required=True, help="condition number L/mu (>= 1)")
    t.add_argument("--tolerance", type=_number, default=1e-6,
                   help="target reduction of the error")
    _add_format(t)
    for verb, what in (("bode", "Bode plot"), ("poles", "pole-zero map and pole trajectories")):
        q = sub.add_parser(verb, help=f"{what} (PNG), one setting per damping regime",
                           description=f"{what} of a method on one curvature, comparing an "
                           "overdamped, the critically damped and an underdamped momentum.")
        q.add_argument("--method", default="heavy_ball", type=_method,
                       help=f"one of {methods}, or module:function")
        q.add_argument("--alpha", type=_number, default=0.1, help="learning rate (> 0)")
        q.add_argument("--curvature", type=_number, default=1.0, help="Hessian eigenvalue")
        q.add_argument("--out", default=f"{verb}.png", help="output file")
        q.add_argument("--dpi", type=int, default=150, help="resolution of the saved figure")

    v = sub.add_parser(
        "variance", help="server-momentum variance against beta (table and PNG)",
        description="Federated server momentum (FedAvgM) on a quadratic whose curvatures "
        "spread geometrically over [L/kappa, L]: the stationary variance of the global "
        "model against the server momentum beta, from discrete Lyapunov equations, and "
        "the variance-minimising stable beta for each server learning rate. With the "
        "defaults (one local step of size 1, every client sampled from an infinite "
        "population) this is plain momentum SGD with gradient noise.")
    v.add_argument("--method", default="heavy_ball", type=_method,
                   help=f"server optimizer ({methods}, or module:function)")
    v.add_argument("--server-lr", type=_number, nargs="+", default=[0.5, 1.0, 1.5],
                   help="server learning rates (one curve each)")
    v.add_argument("--hold", choices=["server_lr", "effective_lr"], default="server_lr",
                   help="keep the server learning rate or the effective rate "
                   "lr/(1-beta) fixed across beta")
    v.add_argument("--kappa", type=_number, default=100.0, help="condition number (>= 1)")
    v.add_argument("--L", type=_number, default=1.0, help="largest curvature (> 0)")
    v.add_argument("--dim", type=int, default=50, help="dimension d")
    v.add_argument("--heterogeneity", type=_number, default=1.0,
                   help="variance of the client optima around the global one, per "
                   "coordinate")
    v.add_argument("--clients-per-round", type=int, default=10,
                   help="clients sampled per round")
    v.add_argument("--total-clients", type=int, default=None,
                   help="population size (default: infinite)")
    v.add_argument("--local-steps", type=int, default=1, help="local SGD steps per round")
    v.add_argument("--local-lr", type=_number, default=1.0, help="local learning rate")
    v.add_argument("--objective", choices=["total_variance", "excess_loss"],
                   default="total_variance",
                   help="E||x - x*||^2 or the excess loss E f(x) - f*")
    v.add_argument("--betas", type=int, default=397, help="points of the beta sweep")
    v.add_argument("--out", default="variance.png", help="output figure")
    v.add_argument("--dpi", type=int, default=150, help="resolution of the saved figure")
    v.add_argument("--no-progress", action="store_true",
                   help="hide the progress bar (shown only when stderr is a terminal)")
    _add_format(v)

    eq = sub.add_parser(
        "equivalents", help="mass-spring-damper and PD-controller readings",
        description="Read the update rule as m x'' + c x' + k x = 0 (central second "
        "difference, backward first difference) and as a PD controller on a double "
        "integrator; compare discrete and continuous poles and critical momenta.")
    eq.add_argument("--alpha", type=_number, required=True, help="learning rate (> 0)")
    eq.add_argument("--beta", type=_number, required=True, help="momentum in [-1, 1]")
    eq.add_argument("--curvature", type=_number, required=True, help="Hessian eigenvalue (> 0)")
    eq.add_argument("--method", default="heavy_ball", type=_method,
                    help=f"one of {methods}, or module:function")
    eq.add_argument("--dt", type=_number, default=1.0, help="time per iteration (> 0)")
    _add_format(eq)

    ms = sub.add_parser(
        "multistep-region", help="absolute-stability regions of the LMM reading (PNG)",
        description="Each method read as a linear multistep method for gradient flow: its "
        "absolute-stability region in the complex alpha*lambda plane with the boundary "
        "locus and the exact real stability interval.")
    ms.add_argument("--method", nargs="+", default=["gd", "heavy_ball", "nesterov"],
                    type=_method, help=f"methods to draw ({methods}, or module:function)")
    ms.add_argument("--beta", type=_number, default=0.9, help="momentum in [-1, 1]")
    ms.add_argument("--out", default="multistep_region.png", help="output file")
    ms.add_argument("--dpi", type=int, default=150, help="resolution of the saved figure")

    wd = sub.add_parser(
        "weight-decay", help="coupled L2 against decoupled weight decay (PNG and numbers)",
        description="Heavy ball with coupled L2 decay (torch SGD weight_decay) against "
        "decoupled decay (SGDW, Loshchilov & Hutter 2019): one region diagram with both "
        "stability boundaries at a fixed alpha*wd, the largest stable alpha*lambda, the "
        "critically damping momentum and the tuned rates, all from the exact polynomials.")
    wd.add_argument("--alpha-wd", type=_number, default=0.2,
                    help="alpha*weight_decay of the region diagram, in [0, 2)")
    wd.add_argument("--beta", type=_number, nargs="+", default=[0.0, 0.5, 0.9, 0.99],
                    help="momenta at which to print the largest stable alpha*lambda")
    wd.add_argument("--alpha", type=_number, default=0.1,
                    help="learning rate of the critical-momentum line (> 0)")
    wd.add_argument("--curvature", type=_number, default=1.0,
                    help="curvature of the critical-momentum line (> 0)")
    wd.add_argument("--weight-decay", type=_number, default=0.1,
                    help="weight decay wd of the critical-momentum and tuning lines (>= 0)")
    wd.add_argument("--kappa", type=_number, default=100.0,
                    help="condition number of the tuning line: curvatures in [1/kappa, 1]")
    wd.add_argument("--out", default="weight_decay.png", help="output figure")
    wd.add_argument("--dpi", type=int, default=150, help="resolution of the saved figure")
    _add_format(wd)

    ad = sub.add_parser(
        "adam-vs-momentum", help="Adam against tuned heavy ball, aligned and rotated (PNG)",
        description="Simulate Adam (Kingma & Ba 2015; nonlinear, so simulated, not "
        "analysed) and heavy ball with Polyak's tuning on 2-D quadratics with curvatures "
        "1/kappa and 1, axis-aligned and rotated: iterations to tolerance against kappa "
        "(Adam at the best learning rate of a grid), trajectories and per-coordinate step "
        "sizes. Adam's per-coordinate advantage needs the Hessian aligned with the "
        "coordinates.")
    ad.add_argument("--kappa", type=_number, nargs="+", default=[1.0, 10.0, 100.0, 1e3, 1e4],
                    help="condition numbers (>= 1)")
    ad.add_argument("--kappa-shown", type=_number, default=100.0,
                    help="condition number of the trajectory panels")
    ad.add_argument("--rotation", type=_number, default=45.0,
                    help="rotation of the rotated case, in degrees")
    ad.add_argument("--tolerance", type=_number, default=1e-6,
                    help="relative error to reach and keep")
    ad.add_argument("--max-steps", type=int, default=4000, help="longest run")
    ad.add_argument("--beta", type=_number, default=0.9, help="Adam's beta_1 in [0, 1)")
    ad.add_argument("--beta2", type=_number, default=0.999, help="Adam's beta_2 in [0, 1)")
    ad.add_argument("--eps", type=_number, default=1e-8, help="Adam's epsilon (> 0)")
    ad.add_argument("--out", default="adam_vs_momentum.png", help="output figure")
    ad.add_argument("--dpi", type=int, default=150, help="resolution of the saved figure")
    ad.add_argument("--no-progress", action="store_true",
                    help="hide the progress bar (shown only when stderr is a terminal)")
    _add_format(ad)
    gr = sub.add_parser(
        "game-region", help="momentum in the bilinear min-max game (PNG and table)",
        description="Gradient descent-ascent with momentum on the game x^T A y, per "
        "singular value sigma: the spectral radius over the (alpha*sigma, beta) plane "
        "(simultaneous and alternating heavy ball, and alternating with self-curvature "
        "a = c), trajectories that cycle, converge and diverge, and the best momentum "
        "and rate at one alpha*sigma (Gidel et al. 2019).")
    gr.add_argument("--alpha-sigma", type=_number, default=0.5,
                    help="step size times singular value for the table (> 0)")
    gr.add_argument("--self-curvature", type=_number, default=0.25,
                    help="a = c (in units of sigma) of the self-curvature panel and row")
    gr.add_argument("--resolution", type=int, default=241, help="grid points per axis")
    gr.add_argument("--out", default="game_region.png",
                    help="output file; the trajectories go beside it, as STEM_trajectories.png")
    gr.add_argument("--dpi", type=int, default=150, help="resolution of the saved figure")
    _add_format(gr)

    w = sub.add_parser(
        "witness", help="a function of F(mu, L) on which the quadratic rate fails (PNG)",
        description="The quadratic rate, and a search for a p-cycle of the method on a 1-D "
        "L-smooth, mu-strongly convex piecewise quadratic (Lessard, Recht & Packard 2016, "
        "section 4.6; Goujaud, Taylor & Dieuleveut 2023); a witness found is verified and "
        "drawn.")
    w.add_argument("--method", default="heavy_ball", type=_method,
                   help=f"one of {methods}, or module:function")
    w.add_argument("--alpha", type=_number, required=True, help="learning rate (> 0)")
    w.add_argument("--beta", type=_number, default=None,
                   help="momentum in [-1, 1] (leave out for a method without one)")
    w.add_argument("--mu", type=_number, required=True, help="strong convexity, 0 < mu < L")
    w.add_argument("--L", type=_number, required=True, help="smoothness, > mu")
    w.add_argument("--max-period", type=int, default=5, help="largest period searched (2..8)")
    w.add_argument("--out", default="witness.png", help="output file (PNG, PDF, SVG)")
    w.add_argument("--dpi", type=int, default=150, help="resolution of the saved figure")
    _add_param(w)
    _add_format(w)

    ce = sub.add_parser(
        "certify", help="a rate certified on every L-smooth, mu-strongly convex function",
        description="The quadratic rate next to the rate certified by the sector and the "
        "weighted off-by-one IQC (Lessard, Recht & Packard 2016): small SDPs (cvxpy, "
        "Clarabel) in a bisection, each solution checked independently.")
    ce.add_argument("--method", default="nesterov", type=_method,
                    help=f"one of {methods}, or module:function")
    ce.add_argument("--alpha", type=_number, required=True, help="learning rate (> 0)")
    ce.add_argument("--beta", type=_number, default=None,
                    help="momentum in [-1, 1] (leave out for a method without one)")
    ce.add_argument("--mu", type=_number, required=True, help="strong convexity, 0 < mu < L")
    ce.add_argument("--L", type=_number, required=True, help="smoothness, > mu")
    ce.add_argument("--iqc", choices=("sector", "off_by_one", "both"), default="both",
                    help="the IQC(s) to certify with")
    ce.add_argument("--tol", type=_number, default=None,
                    help="bisection tolerance on the rate, in [1e-9, 0.1] (default: "
                    "1e-3 times 1 - quadratic rate, at most 1e-6)")
    _add_param(ce)
    _add_format(ce)
    _add_deep_learning(sub, methods)
    return p


def _add_figure(parser: argparse.ArgumentParser, out: str, progress: bool = False) -> None:
    parser.add_argument("--out", default=out, help="output figure")
    parser.add_argument("--dpi", type=int, default=150, help="resolution of the saved figure")
    if progress:
        parser.add_argument("--no-progress", action="store_true",
                            help="hide the progress bar (shown only when stderr is a terminal)")
    _add_format(parser)


def _add_deep_learning(sub, methods: str) -> None:
    """The verbs of the deep-learning applications (linear RNN, trade-offs, BN lag,
    schedules)."""
    rn = sub.add_parser(
        "rnn-region", help="linear RNN: curvature, stable (alpha, beta) set, gradients (PNG)",
        description="A linear RNN h_t = w h_{t-1} + u x_t fitted to a teacher with the "
        "sequence loss: the largest Hessian eigenvalue at the optimum against w, the "
        "stable (alpha, beta) set for several w and sequence lengths T, and gradient norms "
        "of simulated momentum training (exploding gradients, Pascanu, Mikolov & Bengio "
        "2013).")
    rn.add_argument("--w", type=_number, nargs="+", default=[0.0, 0.5, 0.9],
                    help="recurrent weights of the optimum, in (-1, 1)")
    rn.add_argument("--T", type=int, nargs="+", default=[5, 20, 50],
                    help="sequence lengths (>= 1)")
    rn.add_argument("--method", default="heavy_ball", type=_method,
                    help=f"optimiser ({methods}, or module:function)")
    rn.add_argument("--w-star", type=_number, default=0.95,
                    help="teacher's recurrent weight of the simulated runs, in (-1, 1)")
    rn.add_argument("--alpha", type=_number, default=5e-5, help="learning rate of the runs")
    rn.add_argument("--beta", type=_number, default=0.9,
                    help="momentum of the runs and of the table's largest stable alpha")
    rn.add_argument("--steps", type=int, default=200, help="steps of each run")
    rn.add_argument("--resolution", type=int, default=200, help="points of the w and beta grids")
    _add_figure(rn, "rnn_region.png", progress=True)

    bt = sub.add_parser(
        "beta-tradeoff", help="largest stable step, effective rate, cliff overshoot (PNG)",
        description="Exact largest stable alpha*lambda and effective learning rate against "
        "beta (from the stability conditions and the terminal velocity), and overshoot "
        "of simulated runs on a plateau-and-cliff landscape with and without a linear "
        "learning-rate warm-up (Goyal et al. 2017).")
    bt.add_argument("--method", nargs="+", default=["heavy_ball", "nesterov"], type=_method,
                    help=f"methods with momentum ({methods}, or module:function)")
    bt.add_argument("--betas", type=_number, nargs="+", default=[0.5, 0.9, 0.99],
                    help="momenta of the table and of the landscape runs, in [0, 1)")
    bt.add_argument("--alpha", type=_number, default=0.05,
                    help="learning rate of the runs and of the effective rate (> 0)")
    bt.add_argument("--warmup-steps", type=int, default=50, help="length of the warm-up")
    bt.add_argument("--steps", type=int, default=400, help="steps of each run")
    bt.add_argument("--x0", type=_number, default=0.8,
                    help="start on the plateau (the cliff is at 1)")
    bt.add_argument("--resolution", type=int, default=200, help="points of the beta grid")
    _add_figure(bt, "beta_tradeoff.png")

    bn = sub.add_parser(
        "bn-lag", help="heavy ball with batch-norm lag: stable set and phase lag (PNG)",
        description="Heavy ball whose gradient is taken at the batch-norm running "
        "statistic (Ioffe & Szegedy 2015): the largest stable alpha*lambda against beta "
        "for several batch-norm momenta, and the phase lag of the velocity behind the "
        "true gradient at a drifting optimum.")
    bn.add_argument("--bn-momentum", type=_number, nargs="+", default=[0.0, 0.5, 0.9, 0.99],
                    help="batch-norm momenta (Keras convention), in [0, 1)")
    bn.add_argument("--beta", type=_number, nargs="+", default=[0.5, 0.9, 0.99],
                    help="optimiser momenta of the table")
    bn.add_argument("--omega", type=_number, default=0.05,
                    help="drift frequency of the optimum, radians per step, in (0, pi]")
    bn.add_argument("--alpha-lambda", type=_number, default=0.01,
                    help="alpha*lambda of the phase lag (> 0)")
    bn.add_argument("--resolution", type=int, default=200, help="points of the beta grid")
    _add_figure(bn, "bn_lag.png", progress=True)

    sc = sub.add_parser(
        "schedule", help="warm-up, momentum ramp, cyclical rate: transient growth (PNG)",
        description="Heavy ball on curvature 1 with a linear learning-rate warm-up, a "
        "momentum ramp and a cyclical learning rate, read as time-varying linear systems: "
        "the growth ||A_t ... A_1||_2 of the worst initial state against the frozen "
        "spectral radii of each step.")
    sc.add_argument("--alpha", type=_number, default=3.0,
                    help="target alpha*lambda (> 0), also the high cyclical value")
    sc.add_argument("--beta", type=_number, default=0.9, help="target momentum, in [-1, 1]")
    sc.add_argument("--steps", type=int, default=40, help="length of each schedule (>= 2)")
    sc.add_argument("--warmup-steps", type=int, default=20,
                    help="steps of the warm-up and of the momentum ramp")
    sc.add_argument("--beta-start", type=_number, default=0.6,
                    help="first momentum of the ramp")
    sc.add_argument("--low", type=_number, default=0.5,
                    help="low alpha*lambda of the cyclical schedule (> 0)")
    _add_figure(sc, "schedule.png")


# The name docs/cli.rst (sphinx-argparse) used before build_parser was public.
_build_parser = build_parser


def _out_path(text):
    out = Path(text).expanduser().resolve()
    if not out.parent.is_dir():
        raise ValueError(f"--out: directory {str(out.parent)!r} does not exist")
    return out


def _bode(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from .plotting import bode_compare

    out = _out_path(args.out)
    bode_compare(args.method, args.alpha, args.curvature).figure.savefig(out, dpi=args.dpi)
    print(f"wrote {out}")


def _poles(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from .plotting import plot_pole_trajectories, pole_zero_compare

    out = _out_path(args.out)
    traj = out.with_name(out.stem + "_trajectories" + out.suffix)
    # Both figures before either file: a failure leaves nothing half-written.
    zeros = pole_zero_compare(args.method, args.alpha, args.curvature)
    paths = plot_pole_trajectories(args.method, args.alpha, args.curvature)
    zeros.figure.savefig(out, dpi=args.dpi)
    paths.figure.savefig(traj, dpi=args.dpi)
    print(f"wrote {out}")
    print(f"wrote {traj}")


def _variance(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    from .applications import server_momentum_model, server_variance
    from .plotting import plot_variance_versus_beta

    out = _out_path(args.out)
    if args.kappa < 1:
        raise ValueError(f"--kappa must be >= 1; got {args.kappa:g}")
    if args.L <= 0:
        raise ValueError(f"--L must be positive; got {args.L:g}")
    if not 1 <= args.dim <= 5000:
        raise ValueError(f"--dim must be in [1, 5000]; got {args.dim}")
    if not 5 <= args.betas <= 100000:
        raise ValueError(f"--betas must be in [5, 100000]; got {args.betas}")
    if args.heterogeneity < 0:
        raise ValueError(f"--heterogeneity must be >= 0; got {args.heterogeneity:g}")
    if args.dpi < 10:
        raise ValueError(f"--dpi must be >= 10; got {args.dpi}")
    curvatures = np.geomspace(args.L / args.kappa, args.L, args.dim)
    model = server_momentum_model(curvatures, args.heterogeneity,
                                  clients_per_round=args.clients_per_round,
                                  total_clients=args.total_clients,
                                  local_steps=args.local_steps, local_lr=args.local_lr)
    betas = np.linspace(-0.99, 0.99, args.betas)
    kw = dict(method=args.method, hold=args.hold, objective=args.objective)
    plot = plot_variance_versus_beta(model, args.server_lr, betas=betas,
                                     progress=_progress(args), **kw)
    rows = [{args.hold: lr, "beta_star": best.beta, "value_at_beta_star": best.value,
             "value_at_beta_zero": float(server_variance(model, lr, 0.0, **kw)),
             "stable_beta_min": best.stable_betas[0], "stable_beta_max": best.stable_betas[1],
             "beta_star_at_range_end": best.at_boundary}
            for lr, best in zip(args.server_lr, plot.results, strict=True)]
    plot.ax.figure.savefig(out, dpi=args.dpi)
    settings = {"method": args.method, "dim": args.dim, "curvature_min": args.L / args.kappa,
                "curvature_max": args.L, "heterogeneity": args.heterogeneity,
                "clients_per_round": args.clients_per_round,
                "total_clients": args.total_clients, "local_steps": args.local_steps,
                "local_lr": args.local_lr, "objective": args.objective, "hold": args.hold}

    def text() -> None:
        print(f"server momentum: {args.method}, d = {args.dim}, curvatures in "
              f"[{args.L / args.kappa:g}, {args.L:g}], {args.clients_per_round} clients per "
              "round" + (f" of {args.total_clients}" if args.total_clients else "")
              + f", {args.local_steps} local step(s) of {args.local_lr:g}; objective "
              f"{args.objective}, {args.hold} held fixed")
        head = f"{args.hold:>12}{'beta*':>10}{'value at beta*':>18}{'value at beta=0':>18}" \
               f"{'stable betas':>22}"

        def line(row: dict) -> str:
            stable = f"[{row['stable_beta_min']:.3f}, {row['stable_beta_max']:.3f}]"
            return (f"{row[args.hold]:>12g}{row['beta_star']:>10.4f}"
                    f"{row['value_at_beta_star']:>18.6g}{row['value_at_beta_zero']:>18.6g}"
                    f"{stable:>22}" + ("   (beta* at the end of the searched range)"
                                       if row["beta_star_at_range_end"] else ""))

        _print_table(head, map(line, rows))
        print(f"wrote {out}")

    _emit(args, {"settings": settings, "rows": rows, "figure": str(out)}, rows, text)
    if args.format != "text":  # stdout holds only the data
        print(f"wrote {out}", file=sys.stderr)


def _equivalents(args) -> None:
    from . import physics
    from .methods import get_method
    from .numeric import critical_beta, damping_regime

    m = get_method(args.method)
    a, b, lam, dt = args.alpha, args.beta, args.curvature, args.dt
    msd = physics.mass_spring_damper(m, a, b, lam, dt)
    sym = physics.mass_spring_damper_symbolic(m)
    pd = physics.pd_gains(m, a, b, lam, dt)
    loop = physics.pd_closed_loop(m, a, b, lam, dt)
    poles = physics.pole_correspondence(m, a, b, lam, dt)
    zeta = float(msd.damping_ratio)
    reading = ("underdamped" if zeta < 1 else "critically damped" if zeta == 1
               else "overdamped")
    names = ("mass", "damping", "stiffness", "natural_frequency", "damping_ratio")
    data = {
        "method": m.name, "alpha": a, "beta": b, "curvature": lam, "dt": dt,
        "mass_spring_damper": {name: float(getattr(msd, name)) for name in names}
        | {"hessian_damping": float(msd.hessian_damping or 0.0)},
        "formulas": {name: str(getattr(sym, name)) for name in names},
        "continuous_reading": reading,
        "discrete_regime": str(damping_regime(m, a, b, lam)),
        "critical_beta": float(critical_beta(m, a, lam)),
        "continuous_critical_beta": float(
            physics.critical_damping_comparison(m, [a * lam]).continuous[0]),
        "pd_controller": {"k_p": float(pd.k_p), "k_d": float(pd.k_d), "mass": float(pd.mass),
                          "k_p_unit": float(pd.k_p_unit), "k_d_unit": float(pd.k_d_unit)},
        "closed_loop_poles": [complex(p) for p in loop.poles],
        "discrete_poles": [complex(p) for p in poles.discrete],
        "mapped_continuous_poles": [complex(p) for p in poles.mapped],
        "max_pole_gap": float(poles.error),
    }

    def text() -> None:
        print(f"{m.title}: alpha = {a:g}, beta = {b:g}, curvature lambda = {lam:g}, "
              f"dt = {dt:g}")
        print("mass-spring-damper  m x'' + c x' + k x = 0  (exact rewrite of the recurrence)")
        for name in names:
            print(f"  {name:<18} {getattr(sym, name)!s:<44} = {getattr(msd, name):.10g}")
        if msd.hessian_damping:
            print(f"  of which curvature-dependent (Hessian) damping: "
                  f"{msd.hessian_damping:.10g}")
        print(f"  continuous reading: zeta = {zeta:.6g} -> {reading}; "
              f"exact discrete regime: {data['discrete_regime']}")
        print(f"  critical beta: exact discrete {data['critical_beta']:.10g}, "
              f"zeta = 1 (continuous approximation) "
              f"{data['continuous_critical_beta']:.10g}")
        print("PD controller on a double integrator  m x'' = -k_p x - k_d x'")
        print(f"  k_p = {pd.k_p:.10g}, k_d = {pd.k_d:.10g} (mass {pd.mass:.10g}); unit mass: "
              f"k_p/m = {pd.k_p_unit:.10g}, k_d/m = {pd.k_d_unit:.10g}")
        fmt = ", ".join
        print(f"  closed-loop poles (python-control feedback): "
              f"{fmt(f'{p:.6g}' for p in loop.poles)}")
        print(f"poles: discrete z = {fmt(f'{p:.6g}' for p in poles.discrete)}")
        print(f"       exp(s dt) of the continuous poles = "
              f"{fmt(f'{p:.6g}' for p in poles.mapped)}"
              f"   (max gap {poles.error:.3g}: the continuous reading is an approximation)")

    _emit(args, data, None, text)


def _multistep_region(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from .plotting import plot_absolute_stability_regions

    out = _out_path(args.out)
    drawn = plot_absolute_stability_regions(tuple(args.method), beta=args.beta)
    drawn.ax.figure.savefig(out, dpi=args.dpi)
    print(f"wrote {out}")


def _region(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from .plotting import plot_stability_region

    if args.resolution < 10 or args.resolution > 4000:
        raise ValueError(f"--resolution must be in [10, 4000]; got {args.resolution}")
    if args.dpi < 10:
        raise ValueError(f"--dpi must be >= 10; got {args.dpi}")
    out = Path(args.out).expanduser().resolve()
    if not out.parent.is_dir():
        raise ValueError(f"--out: directory {str(out.parent)!r} does not exist")
    lo, hi = args.beta_range
    if not -1 <= lo < hi <= 1:
        raise ValueError(f"--beta-range must satisfy -1 <= LO < HI <= 1; got {lo:g} {hi:g}")
    if args.alpha_lambda_range is not None:
        lo, hi = args.alpha_lambda_range
        if not lo < hi or (args.log and lo <= 0):
            raise ValueError(f"--alpha-lambda-range must satisfy LO < HI (and LO > 0 with "
                             f"--log); got {lo:g} {hi:g}")
    drawn = plot_stability_region(args.method, resolution=args.resolution,
                                  beta_range=tuple(args.beta_range),
                                  alpha_lambda_range=None if args.alpha_lambda_range is None
                                  else tuple(args.alpha_lambda_range),
                                  log=args.log,
                                  critical=False if args.no_critical else None,
                                  **_params(args))
    drawn.figure.savefig(out, dpi=args.dpi)
    print(f"wrote {out}")


def _critical_beta(args) -> None:
    import numpy as np

    from . import symbolic
    from .methods import get_method
    from .numeric import (
        continuous_critical_beta,
        critical_beta,
        damping_regime,
        poles,
        spectral_radius,
    )

    m = get_method(args.method)
    a, lam = args.alpha, args.curvature
    hp = _params(args)
    exact = float(critical_beta(m, a, lam, **hp))
    approx = float(continuous_critical_beta(m, a, lam, **hp))
    sym = symbolic.critical_beta(m)
    h = a * lam
    data: dict[str, Any] = {
        "method": m.name, "alpha": a, "curvature": lam, "alpha_lambda": h, **hp,
        "critical_beta": exact, "formula": str(sym.stable), "condition": str(sym.condition),
        "continuous_critical_beta": approx, "continuous_formula": str(sym.continuous),
        "double_pole": math.nan, "spectral_radius": math.nan,
        "regime_below": None, "regime_above": None, "no_critical_beta_because": None}
    if math.isnan(exact):
        data["no_critical_beta_because"] = (
            "the curvature is not positive (no oscillation to damp: the quadratic is flat "
            "or a saddle)" if h <= 0 else
            f"alpha*lambda = {h:g} is too large: no momentum in [-1, 1] gives a stable "
            f"double pole (valid where {sym.condition})")
    else:
        # Probe each side within (-1, 1): near beta = 1 (tiny alpha*lambda) a fixed step
        # would land on the marginally stable beta = 1.
        delta = 1e-3 * max(min(1 + exact, 1 - exact), 1e-12)
        data |= {
            # From the poles at the returned beta (the branch the numeric layer chose,
            # which for some rules, e.g. QHM, is not the symbolic default's).
            "double_pole": float(np.mean(poles(m, a, exact, lam, **hp)).real),
            "spectral_radius": float(spectral_radius(m, a, exact, lam, **hp)),
            "regime_below": str(damping_regime(m, a, max(exact - delta, -1.0), lam, **hp)),
            "regime_above": str(damping_regime(m, a, min(exact + delta, 1.0), lam, **hp))}

    def text() -> None:
        print(f"method: {m.title}   alpha = {a:g}   curvature lambda = {lam:g}   "
              f"alpha*lambda = {h:g}")
        print(f"exact critical beta (discrete time):   {sym.stable}")
        if math.isnan(exact):
            print(f"  = nan: no critical beta exists, because "
                  f"{data['no_critical_beta_because']}.")
            return
        pole = data["double_pole"]
        print(f"  = {exact:.15g}")
        print(f"double pole at critical damping: {pole:.15g} "
              + ("(positive: iterates approach the minimum monotonically)" if pole > 0 else
                 "(negative: iterates alternate in sign while they decay)"))
        print(f"  spectral radius there: {data['spectral_radius']:.15g}")
        print(f"continuous-time approximation (damping ratio 1): {sym.continuous}")
        if math.isnan(approx):
            print("  = nan")
        else:
            print(f"  = {approx:.15g}   (approximation - exact = {approx - exact:+.3g})")
        explain = {"overdamped": "overdamped (two real poles)",
                   "underdamped": "underdamped (complex poles: oscillation)",
                   "unstable": "unstable", "critical": "critical"}
        print(f"beta just below {exact:.6g}: {explain[data['regime_below']]}; "
              f"just above: {explain[data['regime_above']]}.")

    _emit(args, data, None, text)


def _count(n: float) -> str:
    """An iteration count: digits grouped while they are exact, else four significant."""
    return f"{n:,.0f}" if n < 1e15 else f"{n:.4e}"


def _rates(args) -> None:
    from .numeric import tuned_rates

    rows = [{"method": r.method, "tuning": r.tuning, "exact_rate": float(r.exact_rate),
             "approximate_rate": float(r.approximate_rate),
             "exact_gap": float(r.exact_gap), "approximate_gap": float(r.approximate_gap),
             "exact_iterations": float(r.exact_iterations),
             "approximate_iterations": float(r.approximate_iterations),
             "exact_formula": str(r.exact), "approximate_formula": str(r.approximation)}
            for r in tuned_rates(args.kappa, args.tolerance)]

    def text() -> None:
        # The gap 1 - rate is printed beside the rate: at large kappa the rate rounds to
        # 1 while the gap (computed without cancellation) keeps every digit.
        print(f"kappa = {args.kappa:g}; iterations to reduce the error by {args.tolerance:g}")
        head = (f"{'method':<22}{'exact rate':>14}{'1 - rate':>12}{'approx. 1 - rate':>18}"
                f"{'iters exact':>16}{'iters approx':>16}   exact formula | approximation")

        def line(r: dict) -> str:
            name = f"{r['method']} ({r['tuning']})"
            return (f"{name:<22}{r['exact_rate']:>14.10f}{r['exact_gap']:>12.4e}"
                    f"{r['approximate_gap']:>18.4e}"
                    f"{_count(r['exact_iterations']):>16}"
                    f"{_count(r['approximate_iterations']):>16}"
                    f"   {r['exact_formula']} | {r['approximate_formula']}")

        _print_table(head, map(line, rows))

    _emit(args, {"kappa": args.kappa, "tolerance": args.tolerance, "rows": rows}, rows, text)


def _weight_decay(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from .applications import WEIGHT_DECAY_METHODS, max_stable_step, weight_decay_tuning
    from .numeric import critical_beta
    from .plotting import plot_weight_decay_region

    out = _out_path(args.out)
    if args.dpi < 10:
        raise ValueError(f"--dpi must be >= 10; got {args.dpi}")
    if args.kappa < 1:
        raise ValueError(f"--kappa must be >= 1; got {args.kappa:g}")
    plot = plot_weight_decay_region(args.alpha_wd)
    rows = [{"beta": b,
             "max_alpha_lambda_coupled": float(max_stable_step("heavy_ball_l2", b, args.alpha_wd)),
             "max_alpha_lambda_decoupled": float(max_stable_step("sgdw", b, args.alpha_wd))}
            for b in args.beta]
    a, lam, wd = args.alpha, args.curvature, args.weight_decay
    crit = {"heavy_ball": float(critical_beta("heavy_ball", a, lam))}
    for key, name in (("coupled", "heavy_ball_l2"), ("decoupled", "sgdw")):
        crit[key] = float(critical_beta(WEIGHT_DECAY_METHODS[name], a, lam, weight_decay=wd))
    tuned = weight_decay_tuning(1.0 / args.kappa, 1.0, wd)
    tuning = {name: {"alpha": float(t.alpha), "beta": float(t.beta), "rate": float(t.rate)}
              for name, t in zip(("heavy_ball", "coupled", "decoupled"), tuned, strict=True)}
    plot.figure.savefig(out, dpi=args.dpi)
    data = {"alpha_wd": args.alpha_wd, "max_stable_step": rows,
            "critical_beta": {"alpha": a, "curvature": lam, "weight_decay": wd, **crit},
            "tuning": {"kappa": args.kappa, "weight_decay": wd, **tuning},
            "figure": str(out)}

    def text() -> None:
        print(f"largest stable alpha*lambda at alpha*wd = {args.alpha_wd:g} "
              "(coupled: 2(1+beta) - alpha*wd; SGDW: (1+beta)(2 - alpha*wd))")
        _print_table(f"{'beta':>8}{'coupled L2':>14}{'SGDW':>14}",
                     (f"{r['beta']:>8g}{r['max_alpha_lambda_coupled']:>14.6g}"
                      f"{r['max_alpha_lambda_decoupled']:>14.6g}" for r in rows))
        print(f"critical beta at alpha = {a:g}, lambda = {lam:g}, wd = {wd:g}: heavy ball "
              f"{crit['heavy_ball']:.6g}, coupled L2 {crit['coupled']:.6g}, SGDW "
              f"{crit['decoupled']:.6g}")
        print(f"tuned over [1/kappa, 1], kappa = {args.kappa:g}, wd = {wd:g} (rates towards "
              "each rule's own fixed point):")
        _print_table(f"{'rule':<12}{'alpha':>12}{'beta':>12}{'rate':>12}",
                     (f"{n:<12}{t['alpha']:>12.6g}{t['beta']:>12.6g}{t['rate']:>12.6g}"
                      for n, t in tuning.items()))
        print(f"wrote {out}")

    _emit(args, data, rows, text)
    if args.format != "text":
        print(f"wrote {out}", file=sys.stderr)


def _adam_vs_momentum(args) -> None:
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    from .plotting import plot_adam_vs_momentum

    out = _out_path(args.out)
    if args.dpi < 10:
        raise ValueError(f"--dpi must be >= 10; got {args.dpi}")
    if not 1 <= args.max_steps <= 1_000_000:
        raise ValueError(f"--max-steps must be in [1, 1000000]; got {args.max_steps}")
    plot = plot_adam_vs_momentum(args.kappa, kappa_shown=args.kappa_shown,
                                 rotation=math.radians(args.rotation), tol=args.tolerance,
                                 max_steps=args.max_steps, beta=args.beta, beta2=args.beta2,
                                 eps=args.eps, progress=_progress(args))
    c = plot.data.comparison
    rows = [{"kappa": float(k), "heavy_ball_aligned": float(c.heavy_ball_aligned[i]),
             "heavy_ball_rotated": float(c.heavy_ball_rotated[i]),
             "heavy_ball_predicted": float(c.heavy_ball_predicted[i]),
             "adam_aligned": float(c.adam_aligned[i]), "adam_rotated": float(c.adam_rotated[i]),
             "adam_alpha_aligned": float(c.adam_alpha_aligned[i]),
             "adam_alpha_rotated": float(c.adam_alpha_rotated[i]),
             "adam_relapsed_aligned": bool(c.adam_relapsed_aligned[i]),
             "adam_relapsed_rotated": bool(c.adam_relapsed_rotated[i])}
            for i, k in enumerate(c.kappa)]
    plot.figure.savefig(out, dpi=args.dpi)
    settings = {"rotation_degrees": args.rotation, "tolerance": args.tolerance,
                "max_steps": args.max_steps, "beta": args.beta, "beta2": args.beta2,
                "eps": args.eps, "adam_alphas": c.alphas}

    def n(v: float) -> str:
        return f"> {args.max_steps}" if math.isnan(v) else f"{v:.0f}"

    def text() -> None:
        print(f"iterations until |x - x*| <= {args.tolerance:g} |x0 - x*|; Adam "
              f"(beta {args.beta:g}, beta2 {args.beta2:g}, eps {args.eps:g}) at the best "
              f"of {c.alphas.size} learning rates; rotated by {args.rotation:g} degrees")
        head = (f"{'kappa':>8}{'HB aligned':>12}{'HB rotated':>12}{'Adam aligned':>14}"
                f"{'Adam rotated':>14}")
        _print_table(head, (f"{r['kappa']:>8g}{n(r['heavy_ball_aligned']):>12}"
                            f"{n(r['heavy_ball_rotated']):>12}{n(r['adam_aligned']):>14}"
                            f"{n(r['adam_rotated']):>14}" for r in rows))
        relapses = int(c.adam_relapsed_aligned.sum() + c.adam_relapsed_rotated.sum())
        reached = int(np.isfinite(c.adam_aligned).sum() + np.isfinite(c.adam_rotated).sum())
        print(f"Adam's error climbed back above the tolerance before step {args.max_steps} in "
              f"{relapses} of its {reached} converged runs (a constant learning rate does not "
              "keep it converged).")
        print("Adam is simulated, not analysed (nonlinear); heavy ball is tuned by Polyak's "
              "closed form and is rotation invariant. Adam's per-coordinate steps help only "
              "when the Hessian's eigenvectors are the coordinate axes.")
        print(f"wrote {out}")

    _emit(args, {"settings": settings, "rows": rows, "figure": str(out)}, rows, text)
    if args.format != "text":
        print(f"wrote {out}", file=sys.stderr)
def _game_region(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from .applications import best_game_momentum, bilinear_game
    from .plotting import plot_game_region, plot_game_trajectories

    out = _out_path(args.out)
    traj = out.with_name(out.stem + "_trajectories" + out.suffix)
    h, k = args.alpha_sigma, args.self_curvature
    if not h > 0:
        raise ValueError(f"--alpha-sigma must be > 0; got {h:g}")
    if not 11 <= args.resolution <= 4000:
        raise ValueError(f"--resolution must be in [11, 4000]; got {args.resolution}")
    if args.dpi < 10:
        raise ValueError(f"--dpi must be >= 10; got {args.dpi}")
    settings = (("gda_simultaneous_heavy_ball", 0.0), ("gda_alternating_heavy_ball", 0.0),
                ("gda_simultaneous_nesterov", 0.0), ("gda_alternating_nesterov", 0.0),
                ("gda_alternating_heavy_ball", k))
    rows = []
    for name, curv in settings:
        best = best_game_momentum(h, name, a=curv, c=curv)
        rows.append({"method": name, "a": curv, "c": curv, "alpha_sigma": h,
                     "best_beta": best.beta, "best_rate": best.rate,
                     "rate_at_beta_zero": best.rate_at_zero, "converges": best.rate < 1})
    region = plot_game_region((("gda_simultaneous_heavy_ball", 0.0, 0.0),
                               ("gda_alternating_heavy_ball", 0.0, 0.0),
                               ("gda_alternating_heavy_ball", k, k)),
                              resolution=args.resolution)
    paths = plot_game_trajectories(min(h, 1.99)) if h < 2 else None
    region.figure.savefig(out, dpi=args.dpi)
    written = [str(out)]
    if paths is not None:
        paths.figure.savefig(traj, dpi=args.dpi)
        written.append(str(traj))
    exact = {n: str(bilinear_game(n).modulus_at_beta_zero)
             for n in ("gda_simultaneous", "gda_alternating")}
    data = {"alpha_sigma": h, "rows": rows, "modulus_at_beta_zero": exact, "files": written}

    def text() -> None:
        for path in written:
            print(f"wrote {path}")
        print(f"bilinear game, alpha*sigma = {h:g}; modulus at beta = 0 (exact): "
              f"simultaneous {exact['gda_simultaneous']}, alternating "
              f"{exact['gda_alternating']}")
        _print_table(f"{'method':<30} {'a = c':>6} {'best beta':>10} {'rate':>10} "
                     f"{'rate(0)':>10}  verdict",
                     (f"{r['method']:<30} {r['a']:>6g} {r['best_beta']:>10.6f} "
                      f"{r['best_rate']:>10.6f} {r['rate_at_beta_zero']:>10.6f}  "
                      + ("converges" if r["converges"] else "diverges for every beta in "
                         "(-1, 1)") for r in rows))

    _emit(args, data, rows, text)


def _witness(args) -> None:
    from .robust import quadratic_rate_extends

    out = _out_path(args.out)
    hp = _params(args)
    check = quadratic_rate_extends(args.method, args.alpha, args.beta, args.mu, args.L,
                                   max_period=args.max_period, **hp)
    w = check.witness
    data: dict[str, Any] = {
        "method": args.method, "alpha": args.alpha, "beta": args.beta, "mu": args.mu,
        "L": args.L, **hp, "quadratic_rate": check.quadratic_rate, "extends": check.extends,
        "verdict": check.verdict, "periods_searched": list(check.periods), "figure": None}
    if w is not None:
        # The figure before any output: a failure leaves nothing half-written.
        import matplotlib

        matplotlib.use("Agg")
        from .plotting import plot_witness

        fig = plot_witness(args.method, args.alpha, args.beta, args.mu, args.L,
                           period=w.period, **hp).figure
        fig.savefig(out, dpi=args.dpi)
        data |= {"figure": str(out), "period": w.period, "x": w.states[:, 0],
                 "points": w.points, "gradients": w.gradients, "values": w.values,
                 "knots": w.function.knots, "knot_gradients": w.function.gradients,
                 "interpolation_violation": w.interpolation_violation,
                 "curvature_min": w.curvature_bounds[0], "curvature_max": w.curvature_bounds[1],
                 "cycle_error": w.cycle_error, "return_map_radius": w.return_map_radius,
                 "converges_nearby": w.converges_nearby}

    def text() -> None:
        print(f"method: {args.method}   alpha = {args.alpha:g}   beta = {args.beta}   "
              f"class F(mu={args.mu:g}, L={args.L:g})")
        print(f"quadratic rate (worst case over quadratics): {check.quadratic_rate:.12g}")
        print(f"verdict: {check.verdict}")
        if w is None:
            if check.extends is None:
                print("no cycle found; this does not prove the rate extends to the class "
                      "(that needs a certificate). No figure written.")
            return
        print("the quadratic rate does NOT extend to smooth strongly convex functions:")
        _print_table(f"{'step':>4}{'query point':>16}{'gradient':>16}{'f':>16}",
                     (f"{i + 1:>4}{y:>16.10g}{g:>16.10g}{f:>16.10g}" for i, (y, g, f)
                      in enumerate(zip(w.points, w.gradients, w.values, strict=True))))
        print(f"function: piecewise quadratic, f'' in [{w.curvature_bounds[0]:.6g}, "
              f"{w.curvature_bounds[1]:.6g}] on a fine grid; knots {w.function.knots.size}")
        print(f"interpolation (Taylor-Hendrickx-Glineur) violation: "
              f"{w.interpolation_violation:.3g}")
        print(f"simulated from the cycle: largest drift {w.cycle_error:.3g} of its spread")
        print(f"return-map spectral radius {w.return_map_radius:.6g}; a start 0.1 % away "
              + ("converges" if w.converges_nearby else "does not converge"))
        print(f"wrote {out}")

    _emit(args, data, None, text)


def _certify(args) -> None:
    from .robust import certified_rate

    hp = _params(args)
    iqcs = ("sector", "off_by_one") if args.iqc == "both" else (args.iqc,)
    certs = [certified_rate(args.method, args.mu, args.L, args.alpha, args.beta, iqc=iqc,
                            tol=args.tol, **hp) for iqc in iqcs]
    q = certs[0].quadratic_rate
    rows = [{"method": args.method, "alpha": args.alpha, "beta": args.beta, "mu": args.mu,
             "L": args.L, **hp, "iqc": c.iqc, "quadratic_rate": q, "certified_rate": c.rate,
             "gap": c.rate - q, "verified": c.verified, "condition_number_P":
             c.condition_number, "sdp_solves": c.solves, "reason": c.reason} for c in certs]
    data: dict[str, Any] = {
        "method": args.method, "alpha": args.alpha, "beta": args.beta, "mu": args.mu,
        "L": args.L, **hp, "quadratic_rate": q,
        "certificates": [{k: r[k] for k in ("iqc", "certified_rate", "gap", "verified",
                                            "condition_number_P", "sdp_solves", "reason")}
                         for r in rows]}

    def text() -> None:
        print(f"method: {args.method}   alpha = {args.alpha:g}   beta = {args.beta}   "
              f"class F(mu={args.mu:g}, L={args.L:g})")
        print(f"quadratic rate (worst case over quadratics): {q:.10g}")
        _print_table(f"{'IQC':<12}{'certified rate':>16}{'gap':>12}  reason",
                     (f"{r['iqc']:<12}{r['certified_rate']:>16.10g}{r['gap']:>12.3g}  "
                      f"{r['reason']}" for r in rows))

    _emit(args, data, rows, text)


def _check_dpi(args) -> None:
    if args.dpi < 10:
        raise ValueError(f"--dpi must be >= 10; got {args.dpi}")


def _check_resolution(args) -> None:
    if not 2 <= args.resolution <= 4000:
        raise ValueError(f"--resolution must be in [2, 4000]; got {args.resolution}")


def _save(args, plot, out: Path, data: dict, rows: list[dict], text: Callable[[], None]) -> None:
    """Save the figure, then print: the verbs compute everything before any output."""
    plot.figure.savefig(out, dpi=args.dpi)

    def text_and_path() -> None:
        text()
        print(f"wrote {out}")

    _emit(args, {**data, "rows": rows, "figure": str(out)}, rows, text_and_path)
    if args.format != "text":  # stdout holds only the data
        print(f"wrote {out}", file=sys.stderr)


def _rnn_region(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    from .applications import rnn_curvature, rnn_max_alpha
    from .plotting import plot_rnn_region

    out = _out_path(args.out)
    _check_dpi(args)
    _check_resolution(args)
    for w in args.w:
        if not -1 < w < 1:
            raise ValueError(f"--w must lie in (-1, 1) (a teacher whose hidden state stays "
                             f"bounded); got {w:g}")
    if not -1 < args.w_star < 1:
        raise ValueError(f"--w-star must lie in (-1, 1); got {args.w_star:g}")
    for T in args.T:
        if T < 1:
            raise ValueError(f"--T (sequence length) must be >= 1; got {T}")
    if args.steps < 1:
        raise ValueError(f"--steps must be >= 1; got {args.steps}")
    plot = plot_rnn_region(args.w, args.T, method=args.method, w_star=args.w_star,
                           alpha=args.alpha, beta=args.beta, steps=args.steps,
                           resolution=args.resolution, progress=_progress(args))
    d = plot.data
    rows = []
    for w in args.w:
        for j, T in enumerate(args.T):
            c = rnn_curvature(w, T)
            g = d.gradient_norms[j]
            rows.append({"w": w, "T": T, "lambda_max": float(c.largest),
                         "lambda_min": float(c.eigenvalues[0]),
                         "max_alpha": float(rnn_max_alpha(args.beta, w, T, args.method)),
                         "run_max_gradient_norm": float(g.max()),
                         "run_diverged": bool(not np.all(np.isfinite(g)))})
    settings = {"method": args.method, "beta": args.beta, "w_star": args.w_star,
                "alpha": args.alpha, "steps": args.steps}

    def text() -> None:
        print(f"linear RNN h_t = w h_(t-1) + u x_t, u = 1, unit inputs; {args.method}, "
              f"beta = {args.beta:g}")
        print(f"runs (last two columns): teacher w* = {args.w_star:g}, alpha = "
              f"{args.alpha:g}, {args.steps} steps from (w, u) = (0, 0.5); they depend on T only")
        head = (f"{'w':>6}{'T':>6}{'lambda_max':>14}{'lambda_min':>14}"
                f"{'largest stable alpha':>22}{'run max |grad|':>16}")

        def line(r: dict) -> str:
            g = "overflow" if r["run_diverged"] else f"{r['run_max_gradient_norm']:.4g}"
            return (f"{r['w']:>6g}{r['T']:>6d}{r['lambda_max']:>14.6g}{r['lambda_min']:>14.6g}"
                    f"{r['max_alpha']:>22.6g}{g:>16}")

        _print_table(head, map(line, rows))

    _save(args, plot, out, {"settings": settings}, rows, text)


def _beta_tradeoff(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from .applications import beta_tradeoff
    from .plotting import plot_beta_tradeoff

    out = _out_path(args.out)
    _check_dpi(args)
    _check_resolution(args)
    for b in args.betas:
        if not 0 <= b < 1:
            raise ValueError(f"--betas must lie in [0, 1); got {b:g}")
    if args.steps < 1 or args.warmup_steps < 1:
        raise ValueError(f"--steps and --warmup-steps must be >= 1; got {args.steps} and "
                         f"{args.warmup_steps}")
    plot = plot_beta_tradeoff(tuple(args.method), tuple(args.betas), alpha=args.alpha,
                              steps=args.steps, warmup_steps=args.warmup_steps, x0=args.x0,
                              resolution=args.resolution)
    d = plot.data
    rows = []
    for m in args.method:
        t = beta_tradeoff(m, args.betas, alpha=args.alpha)
        for i, b in enumerate(args.betas):
            rows.append({"method": m, "beta": b, "max_alpha_lambda": float(t.max_step[i]),
                         "effective_lr": float(t.effective_lr[i]),
                         "max_effective_lr_lambda": float(t.max_effective_lr[i])})
    runs = [{"beta": b, "overshoot": float(d.plain.overshoot[i]),
             "overshoot_warmup": float(d.warm.overshoot[i]),
             "rebound": float(d.plain.rebound[i]), "rebound_warmup": float(d.warm.rebound[i]),
             "cliff_step": int(d.plain.cliff_step[i]),
             "cliff_step_warmup": int(d.warm.cliff_step[i]),
             "settle_step": int(d.plain.settle_step[i]),
             "settle_step_warmup": int(d.warm.settle_step[i])}
            for i, b in enumerate(args.betas)]
    land = d.landscape
    settings = {"alpha": args.alpha, "warmup_steps": args.warmup_steps, "steps": args.steps,
                "x0": args.x0, "landscape": {"slope": land.slope, "height": land.height,
                                             "width": land.width, "cliff": land.cliff,
                                             "wall": land.wall, "minimizer": land.minimizer}}

    def text() -> None:
        print(f"largest stable alpha*lambda (exact) and effective learning rate at "
              f"alpha = {args.alpha:g}")
        head = (f"{'method':<14}{'beta':>8}{'max alpha*lambda':>18}{'eff. lr':>12}"
                f"{'eff. lr at max (x lambda)':>28}")
        _print_table(head, (f"{r['method']:<14}{r['beta']:>8g}{r['max_alpha_lambda']:>18.6g}"
                            f"{r['effective_lr']:>12.6g}{r['max_effective_lr_lambda']:>28.6g}"
                            for r in rows))
        print()
        print(f"heavy ball on the plateau-and-cliff landscape (cliff at {land.cliff:g}, "
              f"minimum at {land.minimizer:.6g}), x0 = {args.x0:g}, alpha = {args.alpha:g}, "
              f"warm-up {args.warmup_steps} steps; overshoot past the minimum, rebound back "
              f"towards the plateau; settle = within 1e-3 for good (-1: not within "
              f"{args.steps} steps)")
        head = (f"{'beta':>8}{'overshoot':>12}{'with warm-up':>14}{'rebound':>10}"
                f"{'with warm-up':>14}{'cliff step':>12}"
                f"{'with warm-up':>14}{'settle step':>13}{'with warm-up':>14}")
        _print_table(head, (f"{r['beta']:>8g}{r['overshoot']:>12.4g}"
                            f"{r['overshoot_warmup']:>14.4g}{r['rebound']:>10.4g}"
                            f"{r['rebound_warmup']:>14.4g}{r['cliff_step']:>12d}"
                            f"{r['cliff_step_warmup']:>14d}{r['settle_step']:>13d}"
                            f"{r['settle_step_warmup']:>14d}" for r in runs))

    _save(args, plot, out, {"settings": settings, "runs": runs}, rows, text)


def _bn_lag(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    from .applications import bn_lag_max_step, bn_lag_phase, check_bn_momentum
    from .plotting import plot_bn_lag

    out = _out_path(args.out)
    _check_dpi(args)
    _check_resolution(args)
    try:
        check_bn_momentum(args.bn_momentum)
    except ValueError as exc:
        raise ValueError(f"--{str(exc).replace('_', '-')}") from None
    for b in args.beta:
        if not -1 <= b <= 1:
            raise ValueError(f"--beta must lie in [-1, 1]; got {b:g}")
    if not 0 < args.omega <= math.pi:
        raise ValueError(f"--omega must lie in (0, pi]; got {args.omega:g}")
    if args.alpha_lambda <= 0:
        raise ValueError(f"--alpha-lambda must be > 0; got {args.alpha_lambda:g}")
    plot = plot_bn_lag(tuple(args.bn_momentum), omega=args.omega,
                       alpha_lambda=args.alpha_lambda, resolution=args.resolution,
                       progress=_progress(args))
    rho = np.asarray(args.bn_momentum)[:, None]
    steps = bn_lag_max_step(args.beta, rho)
    phase = bn_lag_phase(args.omega, args.alpha_lambda, args.beta, rho).steps
    rows = [{"bn_momentum": r, "beta": b, "max_alpha_lambda": float(steps[i, j]),
             "phase_lag_steps": float(phase[i, j])}
            for i, r in enumerate(args.bn_momentum) for j, b in enumerate(args.beta)]
    settings = {"omega": args.omega, "alpha_lambda": args.alpha_lambda}

    def text() -> None:
        print(f"heavy ball with batch-norm lag; phase lag at omega = {args.omega:g}, "
              f"alpha*lambda = {args.alpha_lambda:g} (nan: unstable there)")
        head = f"{'bn momentum':>12}{'beta':>8}{'max alpha*lambda':>18}{'phase lag (steps)':>20}"
        _print_table(head, (f"{r['bn_momentum']:>12g}{r['beta']:>8g}"
                            f"{r['max_alpha_lambda']:>18.6g}{r['phase_lag_steps']:>20.4g}"
                            for r in rows))

    _save(args, plot, out, {"settings": settings}, rows, text)


def _schedule(args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from .plotting import plot_schedule_growth

    out = _out_path(args.out)
    _check_dpi(args)
    if args.steps < 2:
        raise ValueError(f"--steps must be >= 2; got {args.steps}")
    if not 1 <= args.warmup_steps <= args.steps:
        raise ValueError(f"--warmup-steps must lie in [1, --steps = {args.steps}]; got "
                         f"{args.warmup_steps}")
    for name in ("alpha", "low"):
        if getattr(args, name) <= 0:
            raise ValueError(f"--{name} must be > 0; got {getattr(args, name):g}")
    for name in ("beta", "beta_start"):
        if not -1 <= getattr(args, name) <= 1:
            raise ValueError(f"--{name.replace('_', '-')} must lie in [-1, 1]; got "
                             f"{getattr(args, name):g}")
    plot = plot_schedule_growth(args.alpha, args.beta, args.steps, args.warmup_steps,
                                args.beta_start, args.low)
    d = plot.data
    rows = [{"schedule": name, "transient_growth": float(g.transient_growth),
             "peak_step": int(g.peak_step), "final_norm": float(g.final_norm),
             "geometric_rate": float(g.geometric_rate),
             "max_frozen_radius": float(g.max_frozen_radius),
             "tail_radius": float(g.tail_radius)}
            for name, g in zip(d.names, d.growth, strict=True)]
    settings = {"alpha_lambda": args.alpha, "beta": args.beta, "steps": args.steps,
                "warmup_steps": args.warmup_steps, "beta_start": args.beta_start,
                "low": args.low}

    def text() -> None:
        print(f"heavy ball, curvature 1, {args.steps} steps: warm-up of alpha*lambda to "
              f"{args.alpha:g} over {args.warmup_steps} steps at beta = {args.beta:g}; "
              f"momentum ramp {args.beta_start:g} -> {args.beta:g}; cyclical "
              f"{args.low:g}/{args.alpha:g}")
        head = (f"{'schedule':<24}{'growth':>12}{'at step':>9}{'final norm':>13}"
                f"{'rate/step':>11}{'max frozen rho':>16}")
        _print_table(head, (f"{r['schedule']:<24}{r['transient_growth']:>12.4g}"
                            f"{r['peak_step']:>9d}{r['final_norm']:>13.4g}"
                            f"{r['geometric_rate']:>11.4f}{r['max_frozen_radius']:>16.4f}"
                            for r in rows))

    _save(args, plot, out, {"settings": settings}, rows, text)


# One verb per line (branches that add verbs then merge without conflicts).
_VERBS = {
    "region": _region,
    "critical-beta": _critical_beta,
    "rates": _rates,
    "bode": _bode,
    "poles": _poles,
    "variance": _variance,
    "multistep-region": _multistep_region,
    "equivalents": _equivalents,
    "weight-decay": _weight_decay,
    "adam-vs-momentum": _adam_vs_momentum,
    "game-region": _game_region,
    "witness": _witness,
    "certify": _certify,
    "rnn-region": _rnn_region,
    "beta-tradeoff": _beta_tradeoff,
    "bn-lag": _bn_lag,
    "schedule": _schedule,
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0, or 2 after one line ``momentum-dynamics: error: ...`` on stderr.

    See Also
    --------
    build_parser : the parser, for documentation tools.

    Examples
    --------
    >>> main(["critical-beta", "--alpha", "0.04", "--curvature", "1", "--format", "csv"])
    ... # doctest: +ELLIPSIS
    method,alpha,curvature,alpha_lambda,critical_beta,...
    heavy_ball,0.04,1.0,0.04,0.64...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        _VERBS[args.command](args)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except _UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        print(f"{PROG}: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
