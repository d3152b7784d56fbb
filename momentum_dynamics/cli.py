"""Command line: ``momentum-dynamics region | critical-beta | rates``.

Every bad argument gives one line on stderr, ``momentum-dynamics: error: ...``, and
exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

__all__ = ["main"]

PROG = "momentum-dynamics"


class _Parser(argparse.ArgumentParser):
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


def _build_parser() -> argparse.ArgumentParser:
    from .methods import available_methods

    p = _Parser(prog=PROG, description="Momentum optimizers as discrete-time dynamical systems.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    methods = ", ".join(available_methods())

    r = sub.add_parser("region", help="draw stability-region diagrams (PNG)",
                       description="Draw the stable set, damping regimes, spectral-radius "
                       "contours and the critical-damping curve in the (alpha*lambda, beta) "
                       "plane, one panel per method.")
    r.add_argument("--method", nargs="+", default=["heavy_ball", "nesterov"],
                   help=f"methods to draw ({methods}); default heavy_ball nesterov")
    r.add_argument("--out", default="stability_region.png", help="output file (PNG, PDF, SVG)")
    r.add_argument("--resolution", type=int, default=400, help="grid points per axis")
    r.add_argument("--dpi", type=int, default=150)

    c = sub.add_parser("critical-beta", help="momentum for critical damping",
                       description="Exact critically damped momentum for a learning rate and "
                       "curvature, beside the continuous-time approximation.")
    c.add_argument("--alpha", type=_number, required=True, help="learning rate (> 0)")
    c.add_argument("--curvature", type=_number, required=True, help="Hessian eigenvalue lambda")
    c.add_argument("--method", default="heavy_ball", help=f"one of {methods}")

    t = sub.add_parser("rates", help="tuned rates versus the condition number",
                       description="Tuned GD / heavy ball / Nesterov rates for a condition "
                       "number: exact, the large-kappa approximation, and iterations.")
    t.add_argument("--kappa", type=_number, required=True, help="condition number L/mu (>= 1)")
    t.add_argument("--tolerance", type=_number, default=1e-6,
                   help="target reduction of the error (default 1e-6)")
    for verb, what in (("bode", "Bode plot"), ("poles", "pole-zero map and pole trajectories")):
        q = sub.add_parser(verb, help=f"{what} (PNG), one setting per damping regime",
                           description=f"{what} of a method on one curvature, comparing an "
                           "overdamped, the critically damped and an underdamped momentum.")
        q.add_argument("--method", default="heavy_ball", help=f"one of {methods}")
        q.add_argument("--alpha", type=_number, default=0.1, help="learning rate (> 0)")
        q.add_argument("--curvature", type=_number, default=1.0, help="Hessian eigenvalue")
        q.add_argument("--out", default=f"{verb}.png", help="output file")
        q.add_argument("--dpi", type=int, default=150)
    return p


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
    pole_zero_compare(args.method, args.alpha, args.curvature).figure.savefig(out, dpi=args.dpi)
    traj = out.with_name(out.stem + "_trajectories" + out.suffix)
    plot_pole_trajectories(args.method, args.alpha, args.curvature).figure.savefig(
        traj, dpi=args.dpi)
    print(f"wrote {out}")
    print(f"wrote {traj}")


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
    drawn = plot_stability_region(args.method, resolution=args.resolution)
    drawn.figure.savefig(out, dpi=args.dpi)
    print(f"wrote {out}")


def _critical_beta(args) -> None:
    from . import symbolic
    from .methods import get_method
    from .numeric import continuous_critical_beta, critical_beta, damping_regime, spectral_radius

    m = get_method(args.method)
    a, lam = args.alpha, args.curvature
    exact = critical_beta(m, a, lam)
    approx = continuous_critical_beta(m, a, lam)
    sym = symbolic.critical_beta(m)
    h = a * lam
    print(f"method: {m.title}   alpha = {a:g}   curvature lambda = {lam:g}   "
          f"alpha*lambda = {h:g}")
    print(f"exact critical beta (discrete time):   {sym.stable}")
    if math.isnan(exact):
        why = ("the curvature is not positive (no oscillation to damp: the quadratic is flat "
               "or a saddle)" if h <= 0 else
               f"alpha*lambda = {h:g} is too large: no momentum in [-1, 1] gives a stable "
               f"double pole (valid where {sym.condition})")
        print(f"  = nan: no critical beta exists, because {why}.")
        return
    pole = float(sym.double_pole.subs({symbolic.alpha: a, symbolic.curvature: lam}))
    print(f"  = {exact:.15g}")
    print(f"double pole at critical damping: {pole:.15g} "
          + ("(positive: iterates approach the minimum monotonically)" if pole > 0 else
             "(negative: iterates alternate in sign while they decay)"))
    print(f"  spectral radius there: {spectral_radius(m, a, exact, lam):.15g}")
    print(f"continuous-time approximation (damping ratio 1): {sym.continuous}")
    if math.isnan(approx):
        print("  = nan")
    else:
        print(f"  = {approx:.15g}   (approximation - exact = {approx - exact:+.3g})")
    explain = {"overdamped": "overdamped (two real poles)",
               "underdamped": "underdamped (complex poles: oscillation)",
               "unstable": "unstable", "critical": "critical"}
    delta = 1e-3 * (1 + abs(exact))
    below = damping_regime(m, a, max(exact - delta, -1.0), lam)
    above = damping_regime(m, a, min(exact + delta, 1.0), lam)
    print(f"beta just below {exact:.6g}: {explain[below]}; just above: {explain[above]}.")


def _rates(args) -> None:
    from .numeric import tuned_rates

    rows = tuned_rates(args.kappa, args.tolerance)
    print(f"kappa = {args.kappa:g}; iterations to reduce the error by {args.tolerance:g}")
    head = f"{'method':<22}{'exact rate':>14}{'approximation':>16}{'iters exact':>14}" \
           f"{'iters approx':>14}   exact formula | approximation"
    print(head)
    print("-" * len(head))
    for r in rows:
        name = f"{r.method} ({r.tuning})"
        print(f"{name:<22}{r.exact_rate:>14.10f}{r.approximate_rate:>16.10f}"
              f"{r.exact_iterations:>14,.0f}{r.approximate_iterations:>14,.0f}"
              f"   {r.exact} | {r.approximation}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        {"region": _region, "critical-beta": _critical_beta, "rates": _rates,
         "bode": _bode, "poles": _poles}[args.command](args)
    except _UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        print(f"{PROG}: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
