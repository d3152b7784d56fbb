import math

import pytest

from momentum_dynamics.cli import main


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
    err = capsys.readouterr().err
    assert err.startswith("momentum-dynamics: error:") and word in err
    assert err.count("\n") == 1 and "Traceback" not in err


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
