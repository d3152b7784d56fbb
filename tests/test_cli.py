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
    ([], "required"),
])
def test_bad_arguments_give_one_line_and_exit_2(argv, word, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("momentum-dynamics: error:") and word in err
    assert err.count("\n") == 1 and "Traceback" not in err
