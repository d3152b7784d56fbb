import argparse
import csv
import io
import json
import math
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import numpy as np
import pytest

import momentum_dynamics
from momentum_dynamics.cli import build_parser, main
from momentum_dynamics.methods import available_methods, unregister_method


def test_region_writes_png(tmp_path, capsys):
    out = tmp_path / "r.png"
    assert main(["region", "--out", str(out), "--resolution", "40", "--dpi", "40"]) == 0
    assert out.stat().st_size > 1000
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize("verb", ["bode", "poles"])
def test_bode_and_poles_write_pngs(verb, tmp_path, capsys):
    out = tmp_path / f"{verb}.png"
    assert main([verb, "--out", str(out), "--dpi", "40"]) == 0
    written = [line.split(" ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert str(out) in written
    for path in written:
        with open(path, "rb") as f:
            assert f.read(4) == b"\x89PNG"


def test_critical_beta_prints_exact_and_approximation(capsys):
    assert main(["critical-beta", "--alpha", "0.04", "--curvature", "1"]) == 0
    text = capsys.readouterr().out
    assert f"{(1 - math.sqrt(0.04)) ** 2:.15g}" in text      # exact (1 - sqrt h)^2
    assert f"{1 - 2 * math.sqrt(0.04):.15g}" in text         # continuous approximation
    assert "overdamped" in text and "underdamped" in text


def test_critical_beta_nan_is_explained(capsys):
    assert main(["critical-beta", "--alpha", "1", "--curvature", "-2"]) == 0
    assert "no critical beta exists" in capsys.readouterr().out


def test_rates_table(capsys):
    k = 400.0
    assert main(["rates", "--kappa", str(k)]) == 0
    text = capsys.readouterr().out
    for value in ((k - 1) / (k + 1), (math.sqrt(k) - 1) / (math.sqrt(k) + 1),
                  1 - 2 / math.sqrt(3 * k + 1), 1 - 1 / math.sqrt(k)):
        assert f"{value:.10f}" in text


@pytest.mark.parametrize("argv, word", [
    (["critical-beta", "--alpha", "-1", "--curvature", "1"], "alpha"),
    (["critical-beta", "--alpha", "nan", "--curvature", "1"], "alpha"),
    (["critical-beta", "--alpha", "abc", "--curvature", "1"], "alpha"),
    (["critical-beta", "--alpha", "1", "--curvature", "1", "--method", "adam"], "adam"),
    (["critical-beta", "--alpha", "1", "--curvature", "1", "--method", "gd"], "momentum"),
    (["rates", "--kappa", "0.5"], "kappa"),
    (["rates", "--kappa", "10", "--tolerance", "2"], "tolerance"),
    (["region", "--method", "adam"], "adam"),
    (["region", "--out", "/nonexistent/dir/x.png"], "--out"),
    (["frobnicate"], "invalid choice"),
    (["bode", "--alpha", "1", "--curvature", "9"], "critical beta"),
    (["poles", "--method", "gd"], "momentum"),
    (["variance", "--server-lr", "50", "--no-progress"], "no momentum"),
    # a bad value after good ones: no table rows for the good ones
    (["variance", "--server-lr", "0.5", "1", "50", "--no-progress", "--dim", "3",
      "--betas", "21"], "no momentum"),
    (["rates", "--kappa", "10", "--format", "xml"], "invalid choice"),
    (["critical-beta", "--alpha", "0.1", "--curvature", "1", "--format", "json",
      "--method", "adam"], "adam"),
    (["variance", "--kappa", "0.5"], "kappa"),
    (["variance", "--clients-per-round", "0"], "clients_per_round"),
    (["variance", "--method", "adam"], "adam"),
    (["multistep-region", "--beta", "2"], "beta"),
    (["equivalents", "--alpha", "0.1", "--beta", "0.5", "--curvature", "-2"], "curvature"),
    (["equivalents", "--alpha", "0.1", "--beta", "0.5", "--curvature", "2", "--method", "gd"],
     "momentum"),
    (["equivalents", "--alpha", "0.1", "--beta", "0.5", "--curvature", "2", "--dt", "0"],
     "dt"),
    ([], "required"),
])
def test_bad_arguments_give_one_line_and_exit_2(argv, word, capsys):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert err.startswith("momentum-dynamics: error:") and word in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert out == ""  # nothing half-printed before the error


def test_variance_table_matches_the_one_direction_closed_form(tmp_path, capsys):
    """d = 1, h = server_lr * L: beta* = sqrt(h) - 1 and the heavy-ball variance
    lr^2 s^2 (1+b) / (h (1-b) (2(1+b) - h)) with s^2 = L^2 * heterogeneity / M."""
    out = tmp_path / "v.png"
    argv = ["variance", "--dim", "1", "--kappa", "1", "--L", "1", "--server-lr", "2.25",
            "--clients-per-round", "4", "--no-progress", "--betas", "201", "--out", str(out)]
    assert main(argv) == 0
    row = [line for line in capsys.readouterr().out.splitlines()
           if line.strip().startswith("2.25")][0].split()
    b, h, s2 = 0.5, 2.25, 1 / 4
    assert float(row[1]) == pytest.approx(b, abs=1e-4)
    closed = 2.25**2 * s2 * (1 + b) / (h * (1 - b) * (2 * (1 + b) - h))
    assert float(row[2]) == pytest.approx(closed, rel=1e-5)
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_multistep_region_writes_png(tmp_path, capsys):
    out = tmp_path / "m.png"
    assert main(["multistep-region", "--out", str(out), "--dpi", "40"]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_equivalents_prints_the_seed_mapping(capsys):
    """m = dt^2/alpha, c = (1-beta) dt/alpha, k = lambda, zeta = (1-beta)/(2 sqrt(alpha k));
    closed-loop poles = roots of m s^2 + c s + k."""
    import numpy as np

    a, b, lam, dt = 0.1, 0.9, 2.0, 0.5
    assert main(["equivalents", "--alpha", str(a), "--beta", str(b), "--curvature", str(lam),
                 "--dt", str(dt)]) == 0
    text = capsys.readouterr().out
    values = {line.split()[0]: float(line.rsplit("=", 1)[1]) for line in text.splitlines()
              if line.startswith("  ") and line.split()[0] in
              ("mass", "damping", "stiffness", "damping_ratio")}
    m, c = dt**2 / a, (1 - b) * dt / a
    assert values["mass"] == pytest.approx(m, rel=1e-9)
    assert values["damping"] == pytest.approx(c, rel=1e-9)
    assert values["stiffness"] == pytest.approx(lam, rel=1e-9)
    assert values["damping_ratio"] == pytest.approx((1 - b) / (2 * math.sqrt(a * lam)),
                                                    rel=1e-9)
    root = np.roots([m, c, lam])[0]
    assert f"{root.real:.6g}" in text and f"{abs(root.imag):.6g}" in text
    assert f"{(1 - math.sqrt(a * lam)) ** 2:.10g}" in text     # exact critical beta


# --- --version, --help, --format, module:function methods (issue 9) ---------------------




def _json(argv, capsys):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _csv(argv, capsys):
    assert main(argv) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.split() == ["momentum-dynamics",
                                               momentum_dynamics.__version__]


def _subparsers():
    # argparse has no public list of a parser's actions: read its private one.
    parser = build_parser()
    (sub,) = [a for a in parser._actions  # noqa: SLF001
              if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
    return parser, sub.choices


def test_every_help_shows_every_default(capsys):
    """Each option with a default (not a flag, not 'none') shows it in its verb's --help."""
    _, verbs = _subparsers()
    assert set(verbs) == {"region", "critical-beta", "rates", "bode", "poles", "variance",
                          "multistep-region", "equivalents", "weight-decay",
                          "adam-vs-momentum", "game-region", "witness",
                          "rnn-region", "beta-tradeoff", "bn-lag", "schedule",
                          "certify"}
    for verb, sub in verbs.items():
        assert main([verb, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())  # undo the line wrapping
        for action in sub._actions:  # noqa: SLF001
            if action.option_strings and action.default not in (None, False, "==SUPPRESS=="):
                default = action.default
                shown = (" ".join(map(str, default)) if isinstance(default, list)
                         else str(default))
                assert f"(default: {shown})" in text, (verb, action.dest)


def test_top_level_help(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "--version" in text and "critical-beta" in text


@pytest.mark.parametrize("h", [0.04, 0.5, 1e-8])
def test_critical_beta_json_heavy_ball_closed_form(h, capsys):
    """Polyak heavy ball: critical beta (1 - sqrt(alpha lambda))^2, double pole and
    spectral radius 1 - sqrt(alpha lambda) (the double root of z^2 - (1+b-h) z + b)."""
    lam = 2.0
    got = _json(["critical-beta", "--alpha", repr(h / lam), "--curvature", "2",
                 "--format", "json"], capsys)
    r = math.sqrt(h)
    assert got["method"] == "heavy_ball" and got["alpha_lambda"] == pytest.approx(h)
    assert got["critical_beta"] == pytest.approx((1 - r) ** 2, rel=1e-12)
    assert got["double_pole"] == pytest.approx(1 - r, rel=1e-12)
    # beta is rounded to a double; a double root moves by O(sqrt(rounding)) under it
    assert got["spectral_radius"] == pytest.approx(1 - r, rel=1e-7)
    assert got["continuous_critical_beta"] == pytest.approx(1 - 2 * r, rel=1e-12)
    assert (got["regime_below"], got["regime_above"]) == ("overdamped", "underdamped")


def test_critical_beta_json_nesterov_closed_form(capsys):
    """Nesterov: z^2 - (1+b)(1-h) z + b(1-h) has a double root at
    b = (1 - sqrt h)/(1 + sqrt h) (solve (1+b)^2 (1-h) = 4b)."""
    h = 0.09
    got = _json(["critical-beta", "--alpha", "0.09", "--curvature", "1", "--method",
                 "nesterov", "--format", "json"], capsys)
    assert got["critical_beta"] == pytest.approx((1 - 0.3) / (1 + 0.3), rel=1e-12)
    b = got["critical_beta"]
    roots = np.roots([1, -(1 + b) * (1 - h), b * (1 - h)])
    assert got["double_pole"] == pytest.approx(roots.real.mean(), rel=1e-9)


def test_critical_beta_json_nan_is_null(capsys):
    got = _json(["critical-beta", "--alpha", "1", "--curvature", "-2", "--format", "json"],
                capsys)
    assert got["critical_beta"] is None and "not positive" in got["no_critical_beta_because"]


def test_critical_beta_csv(capsys):
    (row,) = _csv(["critical-beta", "--alpha", "0.01", "--curvature", "4", "--format", "csv"],
                  capsys)
    assert float(row["critical_beta"]) == pytest.approx((1 - 0.2) ** 2, rel=1e-12)
    assert row["method"] == "heavy_ball"


def _closed_form_rates(k):
    """Tuned rates: GD (k-1)/(k+1), Polyak's heavy ball (sqrt k - 1)/(sqrt k + 1), Nesterov
    with beta = (sqrt k - 1)/(sqrt k + 1), 1 - 1/sqrt k, and its optimal tuning
    1 - 2/sqrt(3k + 1) (Lessard, Recht & Packard 2016)."""
    s = math.sqrt(k)
    return {("gd", "optimal"): (k - 1) / (k + 1),
            ("heavy_ball", "optimal"): (s - 1) / (s + 1),
            ("nesterov", "optimal"): 1 - 2 / math.sqrt(3 * k + 1),
            ("nesterov", "standard"): 1 - 1 / s}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_rates_machine_readable(fmt, capsys):
    k, tol = 400.0, 1e-6
    argv = ["rates", "--kappa", str(k), "--tolerance", str(tol), "--format", fmt]
    rows = _json(argv, capsys)["rows"] if fmt == "json" else _csv(argv, capsys)
    want = _closed_form_rates(k)
    assert {(r["method"], r["tuning"]) for r in rows} == set(want)
    for r in rows:
        rate = float(r["exact_rate"])
        assert rate == pytest.approx(want[r["method"], r["tuning"]], rel=1e-12)
        # iterations to shrink the error by tol at that rate: log(tol)/log(rate)
        assert float(r["exact_iterations"]) == pytest.approx(
            math.log(tol) / math.log(rate), abs=1.0)
        assert float(r["exact_gap"]) == pytest.approx(1 - want[r["method"], r["tuning"]],
                                                      rel=1e-9)


def test_rates_gap_at_kappa_1e16(capsys):
    """GD's tuned rate (k-1)/(k+1) rounds to 1 at k = 1e16; its gap 2/(k+1) does not,
    and the iterations log(tol)/log1p(-gap) = 6.9e16 (mpmath at 40 digits)."""
    import mpmath

    k, tol = 1e16, 1e-6
    rows = _json(["rates", "--kappa", str(k), "--format", "json"], capsys)["rows"]
    gd = next(r for r in rows if r["method"] == "gd")
    mpmath.mp.dps = 40
    rate = (mpmath.mpf(k) - 1) / (mpmath.mpf(k) + 1)
    assert gd["exact_gap"] == pytest.approx(float(1 - rate), rel=1e-14)
    assert gd["exact_iterations"] == pytest.approx(
        float(mpmath.log(tol) / mpmath.log(rate)), rel=1e-12)
    assert main(["rates", "--kappa", str(k)]) == 0
    text = capsys.readouterr().out
    assert "2.0000e-16" in text and "6.9078e+16" in text


def test_rates_json_in_a_subprocess():
    root = Path(momentum_dynamics.__file__).parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root),
                                                        os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "momentum_dynamics", "rates", "--kappa",
                           "100", "--format", "json"], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress bar, no warning
    got = {(r["method"], r["tuning"]): r["exact_rate"] for r in json.loads(done.stdout)["rows"]}
    want = _closed_form_rates(100.0)
    assert got == pytest.approx(want, rel=1e-12)


def test_variance_json_matches_the_one_direction_closed_form(tmp_path, capsys):
    """As the text test above: beta* = sqrt(h) - 1 and the heavy-ball variance
    lr^2 s^2 (1+b) / (h (1-b) (2(1+b) - h)); the figure's path goes to stderr."""
    out = tmp_path / "v.png"
    argv = ["variance", "--dim", "1", "--kappa", "1", "--L", "1", "--server-lr", "2.25",
            "--clients-per-round", "4", "--betas", "201", "--out", str(out), "--format",
            "json"]
    assert main(argv) == 0
    text, err = capsys.readouterr()
    got = json.loads(text)
    (row,) = got["rows"]
    b, h, s2 = 0.5, 2.25, 1 / 4
    assert row["server_lr"] == 2.25
    assert row["beta_star"] == pytest.approx(b, abs=1e-4)
    closed = 2.25**2 * s2 * (1 + b) / (h * (1 - b) * (2 * (1 + b) - h))
    assert row["value_at_beta_star"] == pytest.approx(closed, rel=1e-5)
    assert row["value_at_beta_zero"] is None  # plain SGD is unstable: h = 2.25 > 2
    assert got["figure"] == str(out) and err == f"wrote {out}\n"  # no bar: not a terminal
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_equivalents_json(capsys):
    """m = dt^2/alpha, c = (1-beta) dt/alpha, k = lambda; closed-loop poles = roots of
    m s^2 + c s + k; discrete poles = roots of z^2 - (1+b-h) z + b (heavy ball)."""
    a, b, lam, dt = 0.1, 0.9, 2.0, 0.5
    got = _json(["equivalents", "--alpha", str(a), "--beta", str(b), "--curvature",
                 str(lam), "--dt", str(dt), "--format", "json"], capsys)
    m, c = dt**2 / a, (1 - b) * dt / a
    msd = got["mass_spring_damper"]
    assert msd["mass"] == pytest.approx(m, rel=1e-12)
    assert msd["damping"] == pytest.approx(c, rel=1e-12)
    assert msd["stiffness"] == pytest.approx(lam, rel=1e-12)

    def as_complex(points):
        return np.sort_complex([complex(p["real"], p["imag"]) for p in points])

    np.testing.assert_allclose(as_complex(got["closed_loop_poles"]),
                               np.sort_complex(np.roots([m, c, lam])), rtol=1e-9)
    h = a * lam
    np.testing.assert_allclose(as_complex(got["discrete_poles"]),
                               np.sort_complex(np.roots([1, -(1 + b - h), b])), rtol=1e-12)


# --- methods given as module:function ------------------------------------------------------

@pytest.fixture
def rules_module(tmp_path, monkeypatch):
    """A throw-away module of update rules in the current directory; cleaned up after."""
    name = f"rules_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent('''
        def hb_velocity(x, v, grad, alpha, beta):
            """Polyak's heavy ball in velocity form: v <- beta v - alpha g, x <- x + v."""
            v = beta * v - alpha * grad(x)
            return x + v, v

        def broken(x):
            return x

        def qhm(x, v, grad, alpha, beta, nu):
            """Quasi-hyperbolic momentum (Ma & Yarats 2019)."""
            g = grad(x)
            v = beta * v + (1 - beta) * g
            return x - alpha * ((1 - nu) * g + nu * v), v

        not_a_function = 3
        '''))
    (tmp_path / f"{name}_fails.py").write_text("raise RuntimeError('boom at import')\n")
    monkeypatch.chdir(tmp_path)
    before = set(available_methods())
    yield name
    for method in set(available_methods()) - before:
        unregister_method(method)
    for module in (name, f"{name}_fails"):
        sys.modules.pop(module, None)


def test_method_as_module_function(rules_module, capsys):
    """The velocity form of heavy ball has the same critical beta (1 - sqrt h)^2."""
    h = 0.16
    got = _json(["critical-beta", "--alpha", "0.16", "--curvature", "1", "--method",
                 f"{rules_module}:hb_velocity", "--format", "json"], capsys)
    assert got["method"] == "hb_velocity"
    assert got["critical_beta"] == pytest.approx((1 - math.sqrt(h)) ** 2, rel=1e-12)


def test_method_as_module_function_twice(rules_module, tmp_path, capsys):
    spec = f"{rules_module}:hb_velocity"
    out = tmp_path / "m.png"
    assert main(["multistep-region", "--method", spec, spec, "--out", str(out), "--dpi",
                 "30"]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("spec, words", [
    ("{m}:missing", ["no function", "'missing'"]),
    ("{m}:not_a_function", ["no function"]),
    ("{m}:broken", ["cannot register", "grad"]),
    ("{m}_fails:anything", ["cannot import", "RuntimeError", "boom at import"]),
    ("no_such_module_xyz:rule", ["cannot import", "no_such_module_xyz"]),
    ("{m}:", ["module:function"]),
    (":rule", ["module:function"]),
])
def test_method_as_module_function_errors(rules_module, spec, words, capsys):
    argv = ["critical-beta", "--alpha", "0.1", "--curvature", "1", "--method",
            spec.format(m=rules_module), "--format", "json"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("momentum-dynamics: error:")
    assert err.count("\n") == 1
    for word in words:
        assert word in err


def test_param_passes_extra_hyperparameters(rules_module, tmp_path, capsys):
    """QHM at nu = 0.7: the returned beta gives the hand-built state matrix a double
    eigenvalue, equal to the reported double pole. With g = lam x, h = a lam:
    v' = b v + (1 - b) lam x and x' = x - a ((1 - nu) g + nu v'), so
    A = [[1 - h (1 - nu) - h nu (1 - b), -a nu b], [(1 - b) lam, b]]."""
    a, lam, nu = 2.0, 1.0, 0.7
    got = _json(["critical-beta", "--alpha", str(a), "--curvature", str(lam), "--method",
                 f"{rules_module}:qhm", "--param", f"nu={nu}", "--format", "json"], capsys)
    b = got["critical_beta"]
    assert got["nu"] == nu
    h = a * lam
    A = np.array([[1 - h * (1 - nu) - h * nu * (1 - b), -a * nu * b],
                  [(1 - b) * lam, b]])
    ev = np.linalg.eigvals(A)
    assert abs(ev[0] - ev[1]) < 1e-6
    assert got["double_pole"] == pytest.approx(ev.real.mean(), abs=1e-7)
    out = tmp_path / "q.png"
    assert main(["region", "--method", f"{rules_module}:qhm", "--param", f"nu={nu}",
                 "--resolution", "20", "--out", str(out), "--dpi", "30"]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("param, words", [
    ("nu", ["--param", "NAME=VALUE"]),
    ("nu=abc", ["--param", "nu", "not a number"]),
    ("1x=2", ["--param", "NAME=VALUE"]),
])
def test_param_errors(param, words, capsys):
    argv = ["critical-beta", "--alpha", "0.1", "--curvature", "1", "--param", param]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    for word in words:
        assert word in err


def test_param_twice_or_unknown(capsys):
    argv = ["critical-beta", "--alpha", "0.1", "--curvature", "1", "--param", "nu=0.5",
            "--param", "nu=0.6"]
    assert main(argv) == 2
    assert "nu given twice" in capsys.readouterr().err
    assert main(["critical-beta", "--alpha", "0.1", "--curvature", "1", "--param",
                 "nu=0.5"]) == 2
    assert "nu" in capsys.readouterr().err


def test_weight_decay_json_against_closed_forms(tmp_path, capsys):
    """Jury on z^2 - (1+b-h-d) z + b(1-d) (SGDW) and heavy ball at lambda + wd (L2):
    largest stable h = (1+b)(2-d) and 2(1+b) - d; critical momenta from a double
    eigenvalue of the hand-built state matrices; L2's tuning is Polyak's on the shift."""
    out = tmp_path / "wd.png"
    argv = ["weight-decay", "--alpha-wd", "0.3", "--beta", "0", "0.9", "--alpha", "0.1",
            "--curvature", "2", "--weight-decay", "0.5", "--kappa", "50", "--out", str(out),
            "--dpi", "40", "--format", "json"]
    got = _json(argv, capsys)
    for row in got["max_stable_step"]:
        b = row["beta"]
        assert row["max_alpha_lambda_coupled"] == pytest.approx(2 * (1 + b) - 0.3, rel=1e-12)
        assert row["max_alpha_lambda_decoupled"] == pytest.approx((1 + b) * 1.7, rel=1e-12)
    c = got["critical_beta"]
    h, d = 0.1 * 2, 0.1 * 0.5
    assert c["heavy_ball"] == pytest.approx((1 - math.sqrt(h)) ** 2, rel=1e-12)
    assert c["coupled"] == pytest.approx((1 - math.sqrt(h + d)) ** 2, rel=1e-12)
    b = c["decoupled"]
    ev = np.linalg.eigvals(np.array([[1 - h - d, -b], [h, b]]))
    assert abs(ev[0] - ev[1]) < 1e-6
    t = got["tuning"]
    k = (1 + 0.5) / (1 / 50 + 0.5)
    assert t["coupled"]["rate"] == pytest.approx((math.sqrt(k) - 1) / (math.sqrt(k) + 1),
                                                 rel=1e-12)
    assert t["heavy_ball"]["rate"] == pytest.approx((math.sqrt(50) - 1) / (math.sqrt(50) + 1),
                                                    rel=1e-12)
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_weight_decay_refuses_a_decay_outside_the_diagram(tmp_path, capsys):
    assert main(["weight-decay", "--alpha-wd", "2.5", "--out", str(tmp_path / "x.png")]) == 2
    assert "alpha_weight_decay" in capsys.readouterr().err


def test_adam_vs_momentum_json_against_simulations_written_here(tmp_path, capsys):
    """Heavy ball at Polyak's closed-form tuning and Adam (Kingma & Ba, Algorithm 1) run
    here from R (1, 1/2): the first step within tolerance, and whether Adam leaves it."""
    out = tmp_path / "adam.png"
    argv = ["adam-vs-momentum", "--kappa", "1", "100", "--kappa-shown", "100",
            "--max-steps", "800", "--tolerance", "1e-4", "--out", str(out), "--dpi", "40",
            "--format", "json"]
    got = _json(argv, capsys)
    th = math.pi / 4
    R = np.array([[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]])

    def count(xs, x0):
        err = np.linalg.norm(xs, axis=1) / np.linalg.norm(x0)
        below = np.nonzero(err <= 1e-4)[0]
        return (float(below[0]), bool(np.any(err[below[0]:] > 1e-4))) if below.size else \
            (math.nan, False)

    for row in got["rows"]:
        k = row["kappa"]
        assert row["heavy_ball_aligned"] == row["heavy_ball_rotated"]
        a = 4 / (1 + 1 / math.sqrt(k)) ** 2
        b = ((math.sqrt(k) - 1) / (math.sqrt(k) + 1)) ** 2
        for rot, key in ((np.eye(2), "aligned"), (R, "rotated")):
            H = rot @ np.diag([1 / k, 1.0]) @ rot.T
            x0 = rot @ np.array([1.0, 0.5])
            x, v, xs = x0.copy(), np.zeros(2), [x0.copy()]
            for _ in range(800):
                v = b * v + a * (H @ x)
                x = x - v
                xs.append(x.copy())
            assert row["heavy_ball_" + key] == count(np.array(xs), x0)[0]
            lr = row["adam_alpha_" + key]
            x, m, s, xs = x0.copy(), np.zeros(2), np.zeros(2), [x0.copy()]
            for t in range(1, 801):
                g = H @ x
                m = 0.9 * m + 0.1 * g
                s = 0.999 * s + 0.001 * g * g
                x = x - lr * (m / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8)
                xs.append(x.copy())
            n, relapsed = count(np.array(xs), x0)
            assert row["adam_" + key] == n
            assert row["adam_relapsed_" + key] == relapsed
    (k1, k100) = got["rows"]
    assert k100["adam_rotated"] > k100["adam_aligned"]
    assert out.read_bytes()[:4] == b"\x89PNG"
# --------------------------------------------------------------------------
# Deep-learning verbs: rnn-region, beta-tradeoff, bn-lag, schedule
# --------------------------------------------------------------------------


def test_rnn_region_json_against_hand_built_hessian(tmp_path, capsys):
    out = tmp_path / "rnn.png"
    argv = ["rnn-region", "--w", "0.0", "--T", "3", "--steps", "20", "--resolution", "20",
            "--dpi", "40", "--no-progress", "--out", str(out), "--format", "json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert out.read_bytes()[:4] == b"\x89PNG"
    (row,) = data["rows"]
    # w = 0, u = 1, unit inputs: dh/dw = (0, 1, 1), dh/du = (1, 1, 1)
    G = np.array([[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    lam = np.linalg.eigvalsh(G.T @ G)
    assert row["lambda_max"] == pytest.approx(lam[-1], rel=1e-12)
    assert row["max_alpha"] == pytest.approx(2 * 1.9 / lam[-1], rel=1e-9)  # 2(1 + beta)


def test_beta_tradeoff_text_and_csv(tmp_path, capsys):
    out = tmp_path / "bt.png"
    base = ["beta-tradeoff", "--method", "heavy_ball", "--betas", "0.5", "0.9",
            "--steps", "100", "--resolution", "10", "--dpi", "40", "--out", str(out)]
    assert main(base) == 0
    text = capsys.readouterr().out
    assert "overshoot" in text and str(out) in text
    assert main(base + ["--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [float(r["max_alpha_lambda"]) for r in rows] == pytest.approx([3.0, 3.8])
    assert [float(r["effective_lr"]) for r in rows] == pytest.approx([0.1, 0.5])


def test_bn_lag_rows_against_heavy_ball_and_closed_form(tmp_path, capsys):
    out = tmp_path / "bn.png"
    argv = ["bn-lag", "--bn-momentum", "0", "0.5", "--beta", "0.9", "--resolution", "10",
            "--dpi", "40", "--no-progress", "--out", str(out), "--format", "json"]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[0]["max_alpha_lambda"] == pytest.approx(3.8)  # heavy ball 2 (1 + beta)
    # Neimark-Sacker edge (1 - beta)(1 - beta rho)/(beta rho) at beta = 0.9, rho = 0.5
    assert rows[1]["max_alpha_lambda"] == pytest.approx(0.1 * 0.55 / 0.45, rel=1e-9)
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_schedule_growth_against_brute_force_products(tmp_path, capsys):
    out = tmp_path / "s.png"
    argv = ["schedule", "--steps", "10", "--warmup-steps", "4", "--dpi", "40",
            "--out", str(out), "--format", "json"]
    assert main(argv) == 0
    rows = {r["schedule"]: r for r in json.loads(capsys.readouterr().out)["rows"]}

    def hb(h, b):
        return np.array([[1 - h, -b], [h, b]])

    # cyclical 0.5 / 3 at beta 0.9, brute force
    P, best = np.eye(2), 1.0
    for t in range(10):
        P = hb(0.5 if t % 2 == 0 else 3.0, 0.9) @ P
        best = max(best, np.linalg.norm(P, 2))
    assert rows["cyclical learning rate"]["transient_growth"] == pytest.approx(best, rel=1e-10)
    assert rows["cyclical learning rate"]["max_frozen_radius"] == pytest.approx(np.sqrt(0.9))


@pytest.mark.parametrize("argv, word", [
    (["rnn-region", "--w", "1.0"], "--w"),
    (["rnn-region", "--T", "0"], "--T"),
    (["rnn-region", "--w-star", "-1"], "--w-star"),
    (["beta-tradeoff", "--betas", "1.0"], "--betas"),
    (["beta-tradeoff", "--method", "gd"], "momentum"),
    (["bn-lag", "--bn-momentum", "1.0"], "bn-momentum"),
    (["bn-lag", "--bn-momentum", "-0.1"], "bn-momentum"),
    (["bn-lag", "--omega", "4"], "--omega"),
    (["schedule", "--warmup-steps", "50", "--steps", "10"], "--warmup-steps"),
    (["schedule", "--steps", "1"], "--steps"),
    (["schedule", "--beta", "1.5"], "--beta"),
])
def test_deep_learning_verbs_refuse_bad_arguments(argv, word, tmp_path, capsys):
    assert main(argv + ["--out", str(tmp_path / "x.png")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert err.startswith("momentum-dynamics: error:") and "\n" not in err
    assert word in err
    assert not (tmp_path / "x.png").exists()
