# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Principles of momentum, derived and checked
#
# This notebook takes common statements about momentum methods, as they are usually
# made in the literature and in textbooks (Polyak 1964; Nesterov 1983; Sutskever et al.
# 2013; Lessard, Recht & Packard 2016; Goh 2017, "Why momentum really works"), one at a
# time, and for each one
#
# 1. states the claim as it is commonly made,
# 2. derives it exactly with `momentum_dynamics.symbolic` (SymPy, obtained by
#    calling the method's update rule on symbols, never typed in by hand), and
# 3. checks it with an `assert` against an independent computation: the update rule
#    run on numbers (`momentum_dynamics.simulate` or a direct call of the rule), the
#    eigenvalues of a state matrix measured from the rule, or a closed form.
#
# Where the usual statement is only approximately right, the notebook says so and shows the
# exact statement next to the approximate one.
#
# Conventions (the velocity form of Polyak 1964 and Sutskever et al. 2013, with the
# velocity subtracted):
#
# $$v_t = \beta v_{t-1} + \alpha \nabla f(x_{t-1}), \qquad x_t = x_{t-1} - v_t
# \quad\text{(heavy ball)}$$
#
# $$v_t = \beta v_{t-1} + \alpha \nabla f(x_{t-1} - \beta v_{t-1}), \qquad x_t = x_{t-1} - v_t
# \quad\text{(Nesterov)}$$
#
# On a quadratic every Hessian eigendirection with eigenvalue (curvature) $\lambda$
# evolves independently, so one direction, $\nabla f(x) = \lambda x$, tells the whole
# story; $h = \alpha\lambda$ is the step measured in units of that curvature and
# $\kappa = L/\mu$ the condition number.

# %%
import inspect

import matplotlib.pyplot as plt
import mpmath
import numpy as np
import sympy as sp
from IPython.display import display

import momentum_dynamics as md
from momentum_dynamics import symbolic as S

alpha, beta, lam, z, kappa, g = S.alpha, S.beta, S.curvature, S.z, S.kappa, S.gradient
mu_, L_ = S.mu, S.L
rng = np.random.default_rng(0)


def rule_matrix(method, a, b, curv):
    # State matrix measured by running the update rule itself (no SymPy) on the
    # 1-D quadratic grad(x) = curv * x: its columns are the images of (1, 0), (0, 1).
    m = md.get_method(method)
    grad = lambda x: curv * x
    cols = [m.step(tuple(np.eye(2)[j]), grad, alpha=a, beta=b) for j in range(2)]
    return np.array(cols, dtype=float).T


def conditions_hold(cond, a, b, curv):
    # Evaluate a SymPy conjunction of inequalities in (alpha, beta, lambda) on arrays.
    parts = cond.args if isinstance(cond, sp.And) else (cond,)
    vals = [sp.lambdify((alpha, beta, lam), c, "numpy")(a, b, curv) for c in parts]
    return np.logical_and.reduce(np.broadcast_arrays(*vals))


# %% [markdown]
# ## 1. The ill-conditioned canyon
#
# **Claim.** On a narrow, steep canyon (an ill-conditioned quadratic) gradient descent
# zig-zags from wall to wall and makes slow progress along the canyon floor; heavy
# ball averages out the alternating cross-canyon gradient and builds speed along
# the floor.
#
# The canyon: $f(x) = \tfrac12(x_0^2 + 100\,x_1^2)$, $\kappa = 100$; coordinate 0 is
# the shallow direction (along the floor), coordinate 1 the steep one (across).
# Gradient descent uses its best fixed step $\alpha = 2/(\mu + L)$: along each
# coordinate it multiplies the error by $1 - \alpha\lambda_i$, i.e. by $+99/101$ along
# the floor and $-99/101$ across, so it flips sides on every step and crawls along
# the floor. Heavy ball is run twice: with the same $\alpha$ and the everyday
# $\beta = 0.9$, and with its own tuned parameters (Section 6).

# %%
canyon = md.Quadratic([1.0, 100.0])
SHALLOW, STEEP = 0, 1
steps = 100
x0 = [1.0, 1.0]
alpha_gd = 2 / (canyon.mu + canyon.L)
hb_opt = md.optimal_parameters("heavy_ball", mu=canyon.mu, L=canyon.L)

runs = {
    "GD, alpha = 2/(mu+L)": md.simulate("gd", canyon, alpha_gd, steps=steps, x0=x0),
    "heavy ball, same alpha, beta = 0.9": md.simulate(
        "heavy_ball", canyon, alpha_gd, 0.9, steps=steps, x0=x0),
    "heavy ball, tuned": md.simulate(
        "heavy_ball", canyon, hb_opt.alpha, hb_opt.beta, steps=steps, x0=x0),
}
print(f"{'run':36s} {'sign changes, steep':>20s} {'|x_shallow|, t=100':>19s} "
      f"{'|x_steep|, t=50':>16s}")
for name, tr in runs.items():
    print(f"{name:36s} {md.sign_changes(tr, STEEP):20d} {abs(tr.x[-1, SHALLOW]):19.3e} "
          f"{abs(tr.x[50, STEEP]):16.3e}")

fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.2))
for name, tr in runs.items():
    ax.plot(tr.x[:40, SHALLOW], tr.x[:40, STEEP], ".-", lw=0.8, ms=3, label=name)
    ax2.semilogy(np.abs(tr.x[:, SHALLOW]), label=name)
ax.set(xlabel="shallow coordinate $x_0$", ylabel="steep coordinate $x_1$",
       title="first 40 steps in the canyon")
ax2.set(xlabel="step $t$", ylabel="$|x_0|$", title="progress along the canyon floor")
ax.legend(fontsize=7)
plt.show()

# %% [markdown]
# **Checks.** (a) The GD run equals the closed form $(1-\alpha\lambda_i)^t$ per
# coordinate and its steep coordinate changes sign on *every* step. (b) Heavy ball
# at the same $\alpha$ with $\beta = 0.9$ is underdamped across the canyon: its poles
# there are $\sqrt\beta\,e^{\pm i\theta}$ with
# $\cos\theta = (1+\beta-\alpha L)/(2\sqrt\beta)$, so the steep coordinate changes
# sign about $t\,\theta/\pi$ times in $t$ steps (about half as often as GD), and it is
# $>10\times$ further along the floor after 100 steps. (c) Tuned heavy ball is
# $>10^5\times$ further along the floor. Honest detail: tuned heavy ball still
# alternates across the canyon on every step (its double pole at $\lambda = L$ is
# $-(\sqrt\kappa-1)/(\sqrt\kappa+1) \approx -0.82$), but that alternation dies at rate
# $0.82$ per step instead of GD's $0.98$; "damping the zig-zag" means its amplitude.
# It also has a transient: at a double pole the error is $(c_1 + c_2 t)\rho^t$, so the
# steep amplitude first *grows* (to about 3.7 times its start, visible in the figure)
# before it decays; by $t = 50$ it is 90 times below GD's.

# %%
gd, hb_same, hb_tuned = runs.values()
t = np.arange(steps + 1)
closed = (1 - alpha_gd * canyon.eigenvalues) ** t[:, None]
assert np.allclose(gd.x, closed, rtol=1e-12, atol=0)
assert md.sign_changes(gd, STEEP) == steps

# heavy ball, same alpha, beta = 0.9: sign changes predicted from the pole angle
b = 0.9
poles_L = np.linalg.eigvals(rule_matrix("heavy_ball", alpha_gd, b, canyon.L))
assert np.all(np.abs(poles_L.imag) > 0) and np.allclose(np.abs(poles_L), np.sqrt(b))
theta = np.abs(np.angle(poles_L[0]))
assert np.isclose(np.cos(theta), (1 + b - alpha_gd * canyon.L) / (2 * np.sqrt(b)))
assert abs(md.sign_changes(hb_same, STEEP) - steps * theta / np.pi) <= 1
assert md.sign_changes(hb_same, STEEP) < 0.6 * md.sign_changes(gd, STEEP)
assert abs(hb_same.x[-1, SHALLOW]) < abs(gd.x[-1, SHALLOW]) / 10

# tuned heavy ball: far ahead along the floor; steep amplitude decays much faster
assert abs(hb_tuned.x[-1, SHALLOW]) < abs(gd.x[-1, SHALLOW]) * 1e-5
assert md.sign_changes(hb_tuned, STEEP) >= steps - 1
assert abs(hb_tuned.x[50, STEEP]) < abs(gd.x[50, STEEP]) * 1e-1
# the transient of the double pole: the steep amplitude first grows
assert 3 < np.max(np.abs(hb_tuned.x[:, STEEP])) < 4

# %% [markdown]
# **Why momentum averages out the zig-zag.** The velocity is a filtered gradient,
# $v_t = \beta v_{t-1} + \alpha g_t$, i.e. $V(z) = \dfrac{\alpha z}{z-\beta}\,G(z)$.
# Its steady gain on a gradient of constant sign ($z = 1$) is $\alpha/(1-\beta)$; on a
# gradient that alternates in sign every step ($z = -1$, the GD zig-zag) it is
# $\alpha/(1+\beta)$. For $\beta = 0.9$ the consistent component is amplified
# $(1+\beta)/(1-\beta) = 19$ times more than the alternating one. Derived from the
# update rule's state-space model, and checked by feeding the heavy-ball rule a
# prescribed gradient sequence.

# %%
A, B, C, D = S.state_space("heavy_ball")
# transfer function from the gradient noise xi to the velocity v, from the derived
# model; at curvature 0 the gradient *is* the input, so this is the filter g -> v
# (up to a one-step delay, of modulus 1 on the unit circle)
G_v = S.transfer_function("heavy_ball", output="v")
filt = sp.cancel(G_v.subs(lam, 0))
gain_const = sp.simplify(filt.subs(z, 1))
# on g_t = (-1)^t the steady response is (-1)^t * filt(-1) = -(-1)^t * alpha/(1+beta):
# its magnitude (beta > -1) is
gain_alt = sp.simplify(-filt.subs(z, -1))
display(G_v, filt, gain_const, gain_alt, sp.simplify(gain_const / gain_alt))

# %%
assert sp.simplify(gain_const - alpha / (1 - beta)) == 0
assert sp.simplify(gain_alt - alpha / (1 + beta)) == 0
assert sp.simplify((gain_const / gain_alt).subs(beta, sp.Rational(9, 10)) - 19) == 0

# independent: run the heavy-ball rule itself with prescribed gradients
a, b, n = 0.01, 0.9, 400
hb = md.get_method("heavy_ball")
for sign, expected in [(+1.0, a / (1 - b)), (-1.0, a / (1 + b))]:
    x, v = np.zeros(1), np.zeros(1)
    for k in range(n):
        gk = np.array([sign**k])
        x, v = hb.step((x, v), lambda _x, gk=gk: gk, alpha=a, beta=b)
    assert np.isclose(abs(v[0]), expected, rtol=1e-12), (sign, v, expected)

# %% [markdown]
# ## 2. Heavy ball is a two-state linear system
#
# **Claim.** On a quadratic with curvature $\lambda$ the heavy-ball recurrence has the
# characteristic polynomial
# $r^2 - (1 + \beta - \alpha\lambda)\,r + \beta$ and discriminant
# $\Delta = (1+\beta-\alpha\lambda)^2 - 4\beta$ (Polyak 1964; the $r$ often used for the
# root is our $z$).
#
# Derivation: `symbolic.state_space` calls the update rule with SymPy symbols and the
# oracle $\nabla f(x) = \lambda x + \xi$ and reads off $A = \partial s_t/\partial s_{t-1}$
# for the state $s = (x, v)$; the characteristic polynomial is $\det(zI - A)$.

# %%
A, B, C, D = S.state_space("heavy_ball")
p_hb = S.characteristic_polynomial("heavy_ball")
d_hb = S.discriminant("heavy_ball")
display(A, p_hb, d_hb)

# %%
textbook_poly = z**2 - (1 + beta - alpha * lam) * z + beta
textbook_disc = (1 + beta - alpha * lam) ** 2 - 4 * beta
assert sp.expand(p_hb - textbook_poly) == 0
assert sp.expand(d_hb - textbook_disc) == 0
# the same from trace and determinant of A (z^2 - tr(A) z + det(A))
assert sp.expand(A.trace() - (1 + beta - alpha * lam)) == 0
assert sp.expand(A.det() - beta) == 0

# independent 1: the state matrix measured from the update rule on numbers equals A,
# and its eigenvalues are the roots of the textbook polynomial
A_num = sp.lambdify((alpha, beta, lam), A, "numpy")
for a, b, c in rng.uniform([0.01, -0.9, -2.0], [1.0, 0.99, 10.0], size=(50, 3)):
    M = rule_matrix("heavy_ball", a, b, c)
    assert np.allclose(M, A_num(a, b, c), rtol=1e-13, atol=1e-13)
    ev = np.sort_complex(np.linalg.eigvals(M))
    roots = np.sort_complex(np.roots([1.0, -(1 + b - a * c), b]))
    assert np.allclose(ev, roots, atol=1e-7)  # double roots: sqrt(eps) sensitivity
    assert np.allclose(np.sort_complex(md.poles("heavy_ball", a, b, c)), roots, atol=1e-7)

# independent 2: eliminating v, a simulated trajectory obeys the textbook recurrence
# x_t - (1 + beta - alpha*lambda) x_{t-1} + beta x_{t-2} = 0
a, b, c = 0.05, 0.8, 3.0
x = md.simulate("heavy_ball", c, a, b, steps=60, x0=[1.0], v0=[0.3]).x[:, 0]
resid = x[2:] - (1 + b - a * c) * x[1:-1] + b * x[:-2]
assert np.max(np.abs(resid)) < 1e-14

# %% [markdown]
# ## 3. The three regimes
#
# **Claim.** The discriminant's sign sets the behaviour:
# $\Delta < 0$ underdamped (complex poles, oscillation),
# $\Delta = 0$ critically damped (fastest without overshoot),
# $\Delta > 0$ overdamped (real poles, creeping without oscillation).
#
# Check: at example points the exact sign of $\Delta$ (rational arithmetic), the
# numeric `damping_regime` and the eigenvalues of the rule's state matrix (complex
# pair / double / two real) agree; and simulated trajectories oscillate (many sign
# changes) when underdamped.
#
# **A correction to the usual statement.** "Overdamped means no oscillation" needs the real poles to
# be *positive*. Both poles multiply to $\beta$ and add to $1 + \beta - \alpha\lambda$, so for
# $0 < \beta < 1$ they are positive exactly when $\alpha\lambda < 1 + \beta$. Past that, an
# overdamped heavy ball has negative real poles and its iterates *alternate* in sign
# on every step (the same sign flipping as GD with $\alpha\lambda > 1$). The last row
# below is such a point.

# %%
R = sp.Rational
# (alpha*lambda, beta) with alpha = 1/10, exact rationals
examples = [(R(1, 100), R(9, 10)), (R(1, 100), R(81, 100)), (R(1, 100), R(1, 2)),
            (R(1, 10), R(9, 10)), (R(1, 10), R(1, 5)), (R(19, 10), R(1, 100))]
a_ex = R(1, 10)
n_steps = 300
rows = []
for h_ex, b_ex in examples:
    lam_ex = h_ex / a_ex
    disc = d_hb.subs({alpha: a_ex, beta: b_ex, lam: lam_ex})
    by_sign = "underdamped" if disc < 0 else "critical" if disc == 0 else "overdamped"
    numeric = md.damping_regime("heavy_ball", float(a_ex), float(b_ex), float(lam_ex))
    ev = np.linalg.eigvals(rule_matrix("heavy_ball", float(a_ex), float(b_ex), float(lam_ex)))
    if np.any(np.abs(ev.imag) > 1e-6):
        by_eig = "underdamped"
    elif abs(ev[0] - ev[1]) < 1e-6:
        by_eig = "critical"
    else:
        by_eig = "overdamped"
    tr = md.simulate("heavy_ball", float(lam_ex), float(a_ex), float(b_ex), steps=n_steps)
    rows.append((h_ex, b_ex, disc, by_sign, numeric, by_eig, np.real_if_close(ev),
                 md.sign_changes(tr)))
print(f"{'alpha*lam':>9s} {'beta':>5s} {'disc':>11s} {'sign(disc)':>12s} {'numeric':>12s} "
      f"{'eigenvalues':>12s} {'sign changes':>13s}   poles")
for h_ex, b_ex, disc, s1, s2, s3, ev, nsc in rows:
    print(f"{float(h_ex):9.3g} {float(b_ex):5.3g} {float(disc):11.3e} {s1:>12s} {s2:>12s} "
          f"{s3:>12s} {nsc:13d}   {np.round(ev, 4)}")

# %%
for h_ex, b_ex, _disc, by_sign, numeric, by_eig, ev, nsc in rows:
    assert by_sign == numeric == by_eig, (h_ex, b_ex, by_sign, numeric, by_eig)
    positive_poles = h_ex < 1 + b_ex  # both real poles > 0 when not underdamped
    if by_sign == "underdamped":
        # oscillation: about n*theta/pi sign changes, theta the pole angle
        theta = abs(np.angle(ev[0]))
        assert nsc >= 2 and abs(nsc - n_steps * theta / np.pi) <= 2, (h_ex, b_ex, nsc)
    elif positive_poles:
        # real positive poles: x_t = c1 p1^t + c2 p2^t (or (c1 + c2 t) p^t) changes
        # sign at most once
        assert np.all(np.real(ev) > 0) and nsc <= 1, (h_ex, b_ex, nsc)
    else:
        # overdamped with negative poles: alternates on (almost) every step
        assert np.all(np.real(ev) < 0) and nsc >= n_steps - 2, (h_ex, b_ex, nsc)

# %% [markdown]
# ### Critical momentum: exact versus the continuous-time approximation
#
# **Claim (implicit in the physical picture of momentum as a damped oscillator, e.g.
# Qian 1999; Goh 2017).** Critical damping is the
# "Goldilocks" setting. Exactly, $\Delta = 0$ gives two solutions in $\beta$,
# $(1 \mp \sqrt{\alpha\lambda})^2$; only
#
# $$\beta_c^{\text{exact}} = \bigl(1 - \sqrt{\alpha\lambda}\bigr)^2$$
#
# has a stable double pole $1 - \sqrt{\alpha\lambda}$ (for $0 < \alpha\lambda < 4$). The
# familiar formula from the damped oscillator (damping ratio
# $\zeta = (1-\beta)/(2\sqrt{\alpha\lambda}) = 1$),
#
# $$\beta_c^{\text{continuous}} = 1 - 2\sqrt{\alpha\lambda},$$
#
# is its first-order (small-step) approximation. Their difference is **exactly**
# $\alpha\lambda$. Since $\Delta < 0$ only for $\beta$ between the two exact roots, the
# continuous value, lying below $\beta_c^{\text{exact}}$, is always slightly
# *overdamped*; and it is even unstable once $\alpha\lambda > (2\sqrt2 - 2)^2 =
# 12 - 8\sqrt2 \approx 0.686$.

# %%
cb = S.critical_beta("heavy_ball")
s = sp.sqrt(alpha) * sp.sqrt(lam)  # = sqrt(alpha*lambda) for alpha > 0
display(cb.solutions, cb.stable, cb.double_pole, cb.condition, cb.continuous)

# where the continuous approximation is unstable: Jury's p(-1) > 0 fails
hs = sp.Symbol("s", positive=True)  # s = sqrt(alpha*lambda)
p_minus1 = textbook_poly.subs({z: -1, beta: 1 - 2 * hs, lam: hs**2 / alpha})
s_edge = [r for r in sp.solve(sp.expand(p_minus1), hs) if r.is_positive][0]
display(sp.expand(p_minus1), s_edge, sp.expand(s_edge**2))

# %%
# exact: a root of the discriminant, the textbook forms, difference exactly alpha*lambda
for sol in cb.solutions:
    assert sp.simplify(d_hb.subs(beta, sol)) == 0
assert sp.expand(cb.stable - (1 - s) ** 2) == 0
assert sp.expand(cb.continuous - (1 - 2 * s)) == 0
assert sp.expand(cb.stable - cb.continuous - alpha * lam) == 0
# the continuous value is the series of the exact one truncated after the linear term
assert sp.expand(sp.series(cb.stable.subs(lam, hs**2 / alpha), hs, 0, 2).removeO()
                 - (1 - 2 * hs)) == 0
assert sp.simplify(s_edge**2 - (12 - 8 * sp.sqrt(2))) == 0

# numeric table; independent check by the rule's eigenvalues (double pole 1 - s)
hv = np.array([1e-4, 1e-3, 1e-2, 0.1, 0.25, 0.5, 0.68, 0.69, 1.0])
exact = md.critical_beta("heavy_ball", 1.0, hv)
cont = md.continuous_critical_beta("heavy_ball", 1.0, hv)
reg_exact = md.damping_regime("heavy_ball", 1.0, exact, hv)
reg_cont = md.damping_regime("heavy_ball", 1.0, cont, hv)
print(f"{'alpha*lam':>9s} {'exact (1-sqrt h)^2':>19s} {'continuous 1-2sqrt h':>21s} "
      f"{'difference':>11s} {'regime(exact)':>14s} {'regime(continuous)':>19s}")
for row in zip(hv, exact, cont, exact - cont, reg_exact, reg_cont, strict=True):
    print(f"{row[0]:9.4g} {row[1]:19.10f} {row[2]:21.10f} {row[3]:11.4g} {row[4]:>14s} "
          f"{row[5]:>19s}")

assert np.allclose(exact - cont, hv, rtol=0, atol=1e-14)
assert np.allclose(exact, (1 - np.sqrt(hv)) ** 2, rtol=1e-14)
assert np.all(reg_exact == "critical")
assert np.all(reg_cont[hv < 0.686] == "overdamped")
assert np.all(reg_cont[hv > 0.687] == "unstable")
for h_, b_ in zip(hv, exact, strict=True):
    ev = np.linalg.eigvals(rule_matrix("heavy_ball", 1.0, b_, h_))
    assert np.allclose(ev, 1 - np.sqrt(h_), atol=1e-7)  # a double root: sqrt(eps) accuracy

# %% [markdown]
# ## 4. Terminal velocity and the effective learning rate
#
# **Claim.** Under a constant gradient $g$ the velocity settles at
# $v_{ss} = \alpha g/(1-\beta)$, so the steady step is
# $-\eta_{\text{eff}}\,g$ with $\eta_{\text{eff}} = \alpha/(1-\beta)$:
# $10\alpha$ for $\beta = 0.9$ and $100\alpha$ for $\beta = 0.99$.
#
# Derivation: `symbolic.terminal_velocity` solves the update rule's fixed point for
# the non-iterate state under the oracle $\nabla f \equiv g$.

# %%
v_ss = S.terminal_velocity("heavy_ball")["v"]
eta = S.effective_learning_rate("heavy_ball")
display(v_ss, eta, eta.subs(beta, sp.Rational(9, 10)), eta.subs(beta, sp.Rational(99, 100)))
for name in ("gd", "heavy_ball", "nesterov", "ema_momentum"):
    print(f"{name:13s} eta_eff = {S.effective_learning_rate(name)}")

# %% [markdown]
# **Checks.** Exact equalities; the numeric `effective_learning_rate`; and a simulation
# with a constant gradient, whose step follows the closed form
# $x_t - x_{t-1} = -\alpha g\,(1-\beta^t)/(1-\beta)$ and converges to
# $-\alpha g/(1-\beta)$ (within $10^{-6}$ relative once $\beta^t < 10^{-6}$). Nesterov
# has the same $\eta_{\text{eff}}$ (a constant gradient does not care where it is
# evaluated); the EMA form $v = \beta v + (1-\beta) g$ has unit gain, hence $\alpha$.

# %%
assert sp.simplify(v_ss - alpha * g / (1 - beta)) == 0
assert sp.simplify(eta - alpha / (1 - beta)) == 0
assert eta.subs(beta, sp.Rational(9, 10)) == 10 * alpha
assert eta.subs(beta, sp.Rational(99, 100)) == 100 * alpha
assert sp.simplify(S.effective_learning_rate("nesterov") - alpha / (1 - beta)) == 0
assert S.effective_learning_rate("ema_momentum") == alpha
assert np.allclose(md.effective_learning_rate("heavy_ball", 0.01, [0.9, 0.99]), [0.1, 1.0],
                   rtol=1e-12)

g0, a = 0.5, 0.01
for method in ("heavy_ball", "nesterov"):
    for b in (0.9, 0.99):
        n = int(np.ceil(np.log(1e-6) / np.log(b))) + 1
        tr = md.simulate(method, lambda x: np.full_like(x, g0), a, b, steps=n, x0=[0.0])
        step = np.diff(tr.x[:, 0])
        t = np.arange(1, n + 1)
        assert np.allclose(step, -a * g0 * (1 - b**t) / (1 - b), rtol=1e-10, atol=0)
        assert abs(step[-1] / (-a * g0 / (1 - b)) - 1) < 1e-6
        print(f"{method:10s} beta={b}: last step / (alpha*g) = {step[-1] / (-a * g0):.6f} "
              f"(target {1 / (1 - b):g}) after {n} steps")

# %% [markdown]
# **On a common practical advice** ("if you increase $\beta$ you may need to lower
# $\alpha$ to stay stable"). On a quadratic the exact stability region of heavy ball is
# $0 < \alpha\lambda < 2(1+\beta)$, $|\beta| < 1$ (`stability_conditions`, Jury's
# test), which *grows* with $\beta$: at fixed $\alpha$, raising $\beta \in [0, 1)$ never
# destabilises heavy ball. What grows is the effective step $\alpha/(1-\beta)$ and the
# oscillation (modulus $\sqrt\beta$ once underdamped). Lowering $\alpha$ by the factor
# $(1-\beta)$ is the way to keep $\eta_{\text{eff}}$ fixed; the linear analysis does not
# support "stability" as the reason.

# %%
cond_hb = S.stability_conditions("heavy_ball")
display(cond_hb)
hh = np.linspace(0.005, 4.5, 300)[:, None]
bb = np.linspace(0.0, 0.995, 200)[None, :]
stable_hb = md.is_stable("heavy_ball", 1.0, bb, hh)
assert np.array_equal(stable_hb, conditions_hold(cond_hb, 1.0, bb, hh))
# monotone in beta: once stable at some beta >= 0, stable for every larger beta
assert np.all(np.diff(stable_hb.astype(int), axis=1) >= 0)

# %% [markdown]
# ## 5. Nesterov's look-ahead
#
# **Claim.** Nesterov evaluates the gradient at a look-ahead point, where the
# momentum alone would carry the iterate, which brakes before overshooting.
#
# In our convention ($x_t = x_{t-1} - v_t$) the look-ahead point is
# $x_{t-1} - \beta v_{t-1}$. (It is often written "$x_t + \beta v_{t-1}$", e.g. by
# Sutskever et al. 2013, which is the same point in the opposite sign convention
# $x_t = x_{t-1} + v_t$.) The
# update rule, as written once in `momentum_dynamics.methods`:

# %%
print(inspect.getsource(md.methods.nesterov))

# %%
# The look-ahead point is where a heavy-ball step with zero gradient lands, and a
# Nesterov step is a heavy-ball step with the gradient taken at that point.
hb, nag = md.get_method("heavy_ball"), md.get_method("nesterov")
quad = md.Quadratic(rng.uniform(0.1, 5.0, 4), x_star=rng.normal(size=4))
for _ in range(20):
    x, v = rng.normal(size=4), rng.normal(size=4)
    a, b = rng.uniform(0.01, 0.3), rng.uniform(0.0, 0.99)
    ahead, _v = hb.step((x, v), lambda y: 0 * y, alpha=a, beta=b)
    assert np.allclose(ahead, x - b * v, rtol=1e-14, atol=1e-14)
    g_ahead = quad.grad(ahead)
    x_nag, v_nag = nag.step((x, v), quad.grad, alpha=a, beta=b)
    x_hb, v_hb = hb.step((x, v), lambda y, g_=g_ahead: g_, alpha=a, beta=b)
    assert np.allclose(x_nag, x_hb, rtol=1e-14, atol=1e-14)
    assert np.allclose(v_nag, v_hb, rtol=1e-14, atol=1e-14)

# %% [markdown]
# ### Characteristic polynomial and critical momentum
#
# With $h = \alpha\lambda$ the derived polynomial is
# $z^2 - (1+\beta)(1-h)\,z + \beta(1-h)$, and critical damping is at
#
# $$\beta_c^{\text{NAG}} = \frac{1-\sqrt h}{1+\sqrt h},$$
#
# with the same double pole $1 - \sqrt h$ as heavy ball at its $\beta_c = (1-\sqrt h)^2$,
# and the same continuous approximation $1 - 2\sqrt h$.
#
# **The braking, exactly.** The poles multiply to $\beta(1-h)$ instead of heavy ball's
# $\beta$: in the underdamped regime Nesterov's oscillation decays at
# $\sqrt{\beta(1-\alpha\lambda)} < \sqrt\beta$ at the same $(\alpha, \beta)$.

# %%
A_nag = S.state_space("nesterov").A
p_nag = S.characteristic_polynomial("nesterov")
cb_nag = S.critical_beta("nesterov")
display(A_nag, p_nag, S.discriminant("nesterov"), cb_nag.stable, cb_nag.double_pole,
        cb_nag.condition, cb_nag.continuous)

# %%
hsym = alpha * lam
textbook_nag = z**2 - (1 + beta) * (1 - hsym) * z + beta * (1 - hsym)
assert sp.expand(p_nag - textbook_nag) == 0
assert sp.expand(A_nag.trace() - (1 + beta) * (1 - hsym)) == 0
assert sp.expand(A_nag.det() - beta * (1 - hsym)) == 0
assert sp.simplify(cb_nag.stable - (1 - s) / (1 + s)) == 0
assert sp.simplify(cb_nag.double_pole - cb.double_pole) == 0
assert sp.simplify(cb_nag.continuous - cb.continuous) == 0
assert sp.simplify(S.discriminant("nesterov").subs(beta, cb_nag.stable)) == 0

# independent: rule matrix on numbers, its eigenvalues, and the recurrence
A_nag_num = sp.lambdify((alpha, beta, lam), A_nag, "numpy")
for a, b, c in rng.uniform([0.01, -0.9, -2.0], [1.0, 0.99, 10.0], size=(50, 3)):
    M = rule_matrix("nesterov", a, b, c)
    assert np.allclose(M, A_nag_num(a, b, c), rtol=1e-13, atol=1e-13)
    roots = np.sort_complex(np.roots([1.0, -(1 + b) * (1 - a * c), b * (1 - a * c)]))
    assert np.allclose(np.sort_complex(np.linalg.eigvals(M)), roots, atol=1e-7)
for h_ in (1e-3, 0.04, 0.5, 2.0, 3.5):
    b_ = md.critical_beta("nesterov", 1.0, h_)
    assert np.isclose(b_, (1 - np.sqrt(h_)) / (1 + np.sqrt(h_)), rtol=1e-13)
    assert np.allclose(np.linalg.eigvals(rule_matrix("nesterov", 1.0, b_, h_)),
                       1 - np.sqrt(h_), atol=1e-7)

# braking: same (alpha, beta), underdamped for both; simulated rates
a, b, c = 0.1, 0.9, 1.0
rates = {}
for method in ("heavy_ball", "nesterov"):
    assert md.damping_regime(method, a, b, c) == "underdamped"
    tr = md.simulate(method, c, a, b, steps=400)
    rates[method] = md.empirical_rate(tr)
print(rates, {"sqrt(beta)": np.sqrt(b), "sqrt(beta(1-h))": np.sqrt(b * (1 - a * c))})
assert np.isclose(rates["heavy_ball"], np.sqrt(b), rtol=1e-5)
assert np.isclose(rates["nesterov"], np.sqrt(b * (1 - a * c)), rtol=1e-5)

# %% [markdown]
# ### Stability regions
#
# Jury's conditions give the exact regions in the $(\alpha\lambda, \beta)$ plane. For
# $\beta \in [0, 1)$: heavy ball is stable for $0 < \alpha\lambda < 2(1+\beta)$, Nesterov
# for $0 < \alpha\lambda < 2(1+\beta)/(1+2\beta)$, a strictly smaller range for
# $\beta > 0$ (at most $4/3$ instead of $4$ as $\beta \to 1$). The look-ahead buys
# damping at small $\alpha\lambda$, not a larger stable step with positive momentum
# (with negative momentum it is the other way round: Nesterov reaches
# $\alpha\lambda = 4$ at $\beta = -1/3$). Checked on a grid with
# `is_stable` (spectral radius) against the Jury inequalities and the rule's
# eigenvalues.

# %%
cond_nag = S.stability_conditions("nesterov")
display(cond_nag)
hh = np.linspace(0.0037, 4.5, 400)[:, None]   # offsets keep grid points off the boundary
bb = np.linspace(-0.9973, 0.9973, 301)[None, :]
st = {m: md.is_stable(m, 1.0, bb, hh) for m in ("heavy_ball", "nesterov")}
assert np.array_equal(st["nesterov"], conditions_hold(cond_nag, 1.0, bb, hh))
assert np.array_equal(st["heavy_ball"], conditions_hold(cond_hb, 1.0, bb, hh))

# independent spot check with the rule's eigenvalues
for i, j in rng.integers(0, [hh.shape[0], bb.shape[1]], size=(300, 2)):
    for m in st:
        rho = np.max(np.abs(np.linalg.eigvals(rule_matrix(m, 1.0, bb[0, j], hh[i, 0]))))
        assert (rho < 1) == st[m][i, j], (m, hh[i, 0], bb[0, j], rho)

# the closed-form edges for beta >= 0, and the inclusion
pos = bb[0] >= 0
edge_hb = 2 * (1 + bb[0, pos])
edge_nag = 2 * (1 + bb[0, pos]) / (1 + 2 * bb[0, pos])
dh = hh[1, 0] - hh[0, 0]
for m, edge in (("heavy_ball", edge_hb), ("nesterov", edge_nag)):
    top = np.array([hh[st[m][:, j], 0].max() for j in np.flatnonzero(pos)])
    expected = np.minimum(edge, hh[-1, 0])
    assert np.all((top <= expected) & (top > expected - dh - 1e-12)), m
assert np.all(st["heavy_ball"][:, pos] >= st["nesterov"][:, pos])
assert md.is_stable("nesterov", 1.0, -1 / 3, 3.99)
assert not md.is_stable("heavy_ball", 1.0, -1 / 3, 3.99)
area = {m: st[m][:, pos].mean() for m in st}
print("fraction of the beta >= 0 part of the grid that is stable:", area)

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for m, color in (("heavy_ball", "tab:blue"), ("nesterov", "tab:orange")):
    ax.contourf(hh[:, 0], bb[0], st[m].T.astype(float), levels=[0.5, 1.5], colors=[color],
                alpha=0.25)
    ax.contour(hh[:, 0], bb[0], st[m].T.astype(float), levels=[0.5], colors=color)
    ax.plot([], [], color=color, label=md.get_method(m).title)
ax.set(xlabel=r"$\alpha\lambda$", ylabel=r"$\beta$", title="stable regions (shaded)")
ax.legend()
plt.show()

# %% [markdown]
# The package's diagram shows the same regions with the damping regimes, spectral-radius
# contours and the critically damped momentum (exact, solid; continuous approximation,
# dashed). Its critical curve is checked against the closed forms.

# %%
from momentum_dynamics.plotting import plot_stability_region

drawn = plot_stability_region(("heavy_ball", "nesterov"), resolution=200)
h_line = drawn.lines[0].get_xdata()
assert np.allclose(drawn.lines[0].get_ydata(),
                   np.where(h_line < 4, (1 - np.sqrt(h_line))**2, np.nan), equal_nan=True)
h_line = drawn.lines[2].get_xdata()
assert np.allclose(drawn.lines[2].get_ydata(),
                   np.where(h_line < 4, (1 - np.sqrt(h_line)) / (1 + np.sqrt(h_line)), np.nan),
                   equal_nan=True)
plt.show()

# %% [markdown]
# ## 6. Rates versus the condition number
#
# **Claim.** With curvatures in $[\mu, L]$, $\kappa = L/\mu$, the per-step convergence
# factors are about $1 - 2/\kappa$ (GD), $1 - 2/\sqrt\kappa$ (heavy ball) and
# $1 - 1/\sqrt\kappa$ (Nesterov), so GD needs $O(\kappa)$ iterations and the momentum
# methods $O(\sqrt\kappa)$.
#
# Derivation: `symbolic.optimal_parameters` solves the equal-ripple conditions
# (GD: opposite poles at $\mu$ and $L$; heavy ball: critically damped at both ends
# with opposite double poles; Nesterov "optimal": critically damped at $\mu$ with
# minus the rate a pole at $L$; Nesterov "standard": $\alpha = 1/L$, critically damped
# at $\mu$). `tuned_rate` is the exact worst-case rate in $\kappa$,
# `rate_approximation` its leading large-$\kappa$ term.

# %%
tunings = [("gd", "optimal"), ("heavy_ball", "optimal"), ("nesterov", "optimal"),
           ("nesterov", "standard")]
sym = {}
for m, tun in tunings:
    p = S.optimal_parameters(m, tun)
    sym[m, tun] = (p, S.tuned_rate(m, tun), S.rate_approximation(m, tun))
    print(f"{m} ({tun}): alpha = {p.alpha}, beta = {p.beta}")
    display(sp.Eq(sp.Symbol("rho"), sym[m, tun][1]),
            sp.Eq(sp.Symbol("rho_approx"), sym[m, tun][2]))

# %% [markdown]
# **Checks (symbolic).** The textbook $1 - 2/\kappa$ and $1 - 2/\sqrt\kappa$ are the
# leading terms of the exact rates $(\kappa-1)/(\kappa+1)$ and
# $(\sqrt\kappa-1)/(\sqrt\kappa+1)$ (errors $2/\kappa^2$ and $2/\kappa$ to leading
# order). For Nesterov, $1 - 1/\sqrt\kappa$ is *exact* for the standard tuning
# $\alpha = 1/L$, $\beta = (\sqrt\kappa-1)/(\sqrt\kappa+1)$, while the optimal tuning
# gives exactly $1 - 2/\sqrt{3\kappa+1} \approx 1 - 1.155/\sqrt\kappa$. On quadratics
# tuned heavy ball is therefore the fastest of the three; Nesterov's distinction (his
# method's optimality, Nesterov 1983) concerns general smooth strongly convex functions,
# where heavy ball's tuning can fail to converge (Lessard, Recht & Packard 2016), and is
# outside what a quadratic analysis checks.

# %%
(p_gd, r_gd, a_gd), (p_hb, r_hb, a_hb), (p_no, r_no, a_no), (p_ns, r_ns, a_ns) = sym.values()
sk = sp.sqrt(kappa)
assert sp.simplify(r_gd - (kappa - 1) / (kappa + 1)) == 0
assert sp.simplify(r_hb - (sk - 1) / (sk + 1)) == 0
assert sp.simplify(r_ns - (1 - 1 / sk)) == 0
assert sp.simplify(r_no - (1 - 2 / sp.sqrt(3 * kappa + 1))) == 0
assert sp.simplify(a_gd - (1 - 2 / kappa)) == 0
assert sp.simplify(a_hb - (1 - 2 / sk)) == 0
assert sp.simplify(a_ns - (1 - 1 / sk)) == 0
assert sp.simplify(a_no - (1 - 2 / sp.sqrt(3 * kappa))) == 0
# leading terms: the remainders are of higher order
assert sp.limit((r_gd - a_gd) * kappa**2, kappa, sp.oo) == 2
assert sp.limit((r_hb - a_hb) * kappa, kappa, sp.oo) == 2
assert sp.limit((r_no - a_no) * kappa**sp.Rational(3, 2), kappa, sp.oo).is_finite
# the tuned parameters in closed form
assert sp.simplify(p_gd.alpha - 2 / (mu_ + L_)) == 0
assert sp.simplify(p_hb.alpha - 4 / (sp.sqrt(L_) + sp.sqrt(mu_)) ** 2) == 0
assert sp.simplify(p_hb.beta - r_hb.subs(kappa, L_ / mu_) ** 2) == 0
assert sp.simplify(p_ns.alpha - 1 / L_) == 0
assert sp.simplify(p_no.alpha - 4 / (3 * L_ + mu_)) == 0

# %% [markdown]
# **Checks (numeric and simulated), $\mu = 1$, $L = 100$.** At the tuned parameters:
# `convergence_rate` (worst spectral radius over $[\mu, L]$) and the largest eigenvalue
# modulus of the rule's state matrix over a dense sample of curvatures both equal the
# exact rate; a simulation on a diagonal quadratic with 8 curvatures spread over
# $[1, 100]$ decays at that rate. Tolerances: the tuned methods sit at a double pole
# (critical damping), where float eigenvalues carry a $\sqrt{\varepsilon} \approx 10^{-8}$
# error, and where the error decays like $t\rho^t$, which biases a fitted rate upward by
# about $1/t$ (about $10^{-3}$ over a 1500-step run).

# %%
mu_n, L_n = 1.0, 100.0
lam_dense = np.linspace(mu_n, L_n, 2001)
problem = md.Quadratic(np.geomspace(mu_n, L_n, 8))
print(f"{'method':22s} {'exact rate':>11s} {'approx':>9s} {'convergence_rate':>17s} "
      f"{'max|eig| dense':>15s} {'simulated':>10s}")
results = {}
for (m, tun), (_p, r, ap) in sym.items():
    num = md.optimal_parameters(m, mu=mu_n, L=L_n, tuning=tun)
    exact = float(r.subs(kappa, L_n / mu_n))
    approx = float(ap.subs(kappa, L_n / mu_n))
    cr = md.convergence_rate(m, num.alpha, num.beta, mu=mu_n, L=L_n)
    b_ = 0.0 if num.beta is None else num.beta
    if m == "gd":
        dense = np.max(np.abs(1 - num.alpha * lam_dense))
    else:
        dense = max(np.max(np.abs(np.linalg.eigvals(rule_matrix(m, num.alpha, b_, c))))
                    for c in lam_dense)
    n = 3000 if m == "gd" else 1500
    sim = md.empirical_rate(md.simulate(m, problem, num.alpha, num.beta, steps=n))
    results[m, tun] = (exact, approx, cr, dense, sim, num)
    print(f"{m + ' (' + tun + ')':22s} {exact:11.8f} {approx:9.6f} {cr:17.10f} {dense:15.10f} "
          f"{sim:10.6f}")

# %%
for (m, tun), (exact, _approx, cr, dense, sim, num) in results.items():
    assert np.isclose(num.rate, exact, rtol=1e-12)
    assert np.isclose(cr, exact, rtol=1e-7), (m, tun, cr, exact)
    assert np.isclose(dense, exact, rtol=1e-7), (m, tun, dense, exact)
    tol = 1e-8 if m == "gd" else 2e-3  # no double pole for GD; t*rho^t bias otherwise
    assert np.isclose(sim, exact, rtol=tol), (m, tun, sim, exact)
    assert sim >= exact * (1 - 1e-8)  # the bias is upward
rate = {k: v[0] for k, v in results.items()}
assert (rate["heavy_ball", "optimal"] < rate["nesterov", "optimal"]
        < rate["nesterov", "standard"] < rate["gd", "optimal"])

# %% [markdown]
# ### A million versus a thousand
#
# **Claim.** At $\kappa = 10^6$, GD needs "about a million" steps and the accelerated
# methods "about a thousand", i.e. $\sqrt{10^6}$.
#
# As an order-of-magnitude statement this is right; the exact count to reduce the
# error by $10^{-6}$ is $\lceil\ln 10^{-6}/\ln\rho\rceil$, which for
# $\rho \approx 1 - c/\kappa^{p}$ is $\approx \tfrac{\ln 10^6}{c}\,\kappa^{p}$. The
# constant $\ln(10^6)/2 \approx 6.9$ makes the counts about $6.9\times10^6$ (GD) and
# $6.9\times10^3$ (heavy ball); Nesterov needs $\approx 1.4\times10^4$ (standard) or
# $1.2\times10^4$ (optimal tuning). What survives exactly is the ratio: GD/heavy ball
# $\approx \sqrt\kappa = 1000$. Checked against counts computed with 40-digit
# arithmetic from the exact rate.

# %%
K, tol = 1e6, 1e-6
table = md.tuned_rates(K, tol)
print(f"{'method':22s} {'exact rate':>18s} {'iterations (exact)':>19s} "
      f"{'iterations (approx rate)':>25s}")
for row in table:
    print(f"{row.method + ' (' + row.tuning + ')':22s} {row.exact_rate:18.15f} "
          f"{row.exact_iterations:19,.0f} {row.approximate_iterations:25,.0f}")

# %%
mpmath.mp.dps = 40
counts = {}
for row in table:
    exact_mp = sp.N(row.exact.subs(kappa, sp.Integer(10**6)), 40)
    n_mp = int(mpmath.ceil(mpmath.log(mpmath.mpf(tol)) / mpmath.log(mpmath.mpf(str(exact_mp)))))
    assert row.exact_iterations == n_mp, (row.method, row.tuning, row.exact_iterations, n_mp)
    counts[row.method, row.tuning] = n_mp
n_gd, n_hb = counts["gd", "optimal"], counts["heavy_ball", "optimal"]
lead = np.log(1 / tol) / 2
assert abs(n_gd / (lead * K) - 1) < 1e-3        # ~ 6.9e6
assert abs(n_hb / (lead * np.sqrt(K)) - 1) < 1e-3  # ~ 6.9e3
assert abs(n_gd / n_hb / np.sqrt(K) - 1) < 1e-2   # ratio sqrt(kappa) = 1000
# the usual numbers as orders of magnitude
assert abs(np.log10(n_gd) - 6) < 1 and abs(np.log10(n_hb) - 3) < 1
for tun in ("optimal", "standard"):
    assert abs(np.log10(counts["nesterov", tun]) - 3) < 1.5
print(counts, "GD / heavy ball =", n_gd / n_hb)

# %% [markdown]
# ## Summary
#
# - **GD zig-zags in a canyon, momentum progresses along it**: confirmed (Sec. 1).
#   Tuned heavy ball still alternates across the canyon, but the alternation decays at
#   0.82 per step against GD's 0.98, after a transient.
# - **Characteristic polynomial and discriminant**: exact (Sec. 2).
# - **Three regimes by the sign of $\Delta$**: exact; "overdamped means no
#   oscillation" needs positive poles, $\alpha\lambda < 1+\beta$ (Sec. 3).
# - **Critical momentum**: exact $(1-\sqrt{\alpha\lambda})^2$;
#   $1-2\sqrt{\alpha\lambda}$ is the continuous approximation, off by exactly
#   $\alpha\lambda$, overdamped below and unstable above $\alpha\lambda = 12-8\sqrt2$.
# - **$\eta_{\text{eff}} = \alpha/(1-\beta)$, 10x and 100x**: exact (Sec. 4); a larger
#   $\beta$ does not destabilise heavy ball on a quadratic.
# - **Nesterov's look-ahead**: the point is $x - \beta v$ (the prose's "+" belongs to
#   the other sign convention); the braking is the pole product
#   $\beta(1-\alpha\lambda)$; for $\beta > 0$ its stable step range is smaller (Sec. 5).
# - **$1-2/\kappa$ and $1-2/\sqrt\kappa$**: leading terms of the exact rates (Sec. 6).
# - **$1-1/\sqrt\kappa$ for Nesterov**: exact for the standard tuning; the optimal
#   tuning gives $1-2/\sqrt{3\kappa+1}$; tuned heavy ball is faster on quadratics.
# - **$10^6$ versus $10^3$ steps at $\kappa = 10^6$**: right as orders of magnitude;
#   the exact counts are $6.9\times10^6$ and $6.9\times10^3$, ratio $\sqrt\kappa$.

# %% [markdown]
# ## References
#
# - B. T. Polyak (1964). Some methods of speeding up the convergence of iteration methods.
#   *USSR Computational Mathematics and Mathematical Physics* 4(5), 1-17.
# - Y. Nesterov (1983). A method for solving the convex programming problem with convergence
#   rate $O(1/k^2)$. *Soviet Mathematics Doklady* 27, 372-376.
# - I. Sutskever, J. Martens, G. Dahl, G. Hinton (2013). On the importance of initialization
#   and momentum in deep learning. *ICML*.
# - L. Lessard, B. Recht, A. Packard (2016). Analysis and design of optimization algorithms
#   via integral quadratic constraints. *SIAM Journal on Optimization* 26(1), 57-95.
# - N. Qian (1999). On the momentum term in gradient descent learning algorithms. *Neural
#   Networks* 12(1), 145-151.
# - G. Goh (2017). Why momentum really works. *Distill*.
