# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Momentum in deep-learning practice: landscapes, Adam, weight decay, batch norm, schedules, RNNs
#
# Common statements about momentum in deep learning, each turned into an update rule of
# the package, derived exactly where the model is linear and simulated where it is not,
# and given a verdict: **exact**, **approximation** (and how good), or **wrong** (and what
# is true instead). Games (GANs) have their own notebook, `07_games`; server momentum in
# federated learning is in `02_control_and_signals`.

# %%
import numpy as np
import sympy as sp

import momentum_dynamics as md
from momentum_dynamics import applications as app
from momentum_dynamics import plotting as P
from momentum_dynamics import symbolic

# %% [markdown]
# ## 1. Plateaus and cliffs: the momentum trade-off
#
# *Statement:* a higher $\beta$ (say 0.99) crosses plateaus faster but "needs a smaller
# learning rate" to avoid catastrophic overshoot at a cliff; a smaller $\beta$ (0.5)
# reacts faster but is slow on plateaus; warm-up or a changing $\beta$ help.
#
# The stability edge first. The largest stable $\alpha\lambda$ comes from the exact
# Schur-Cohn conditions of each rule, the effective learning rate from its terminal
# velocity:

# %%
hb = app.beta_tradeoff("heavy_ball", [0.5, 0.9, 0.99])
nag = app.beta_tradeoff("nesterov", [0.5, 0.9, 0.99])
hb.max_alpha.round(4).tolist(), hb.max_effective_lr.round(1).tolist(), nag.max_alpha.round(4).tolist()

# %% [markdown]
# For heavy ball the stable step is $2(1+\beta)/\lambda$: it *grows* with $\beta$, so
# on a quadratic a larger momentum does not force a smaller $\alpha$ for stability. What
# grows much faster is the effective learning rate $\alpha/(1-\beta)$ at that edge,
# $2(1+\beta)/(1-\beta)$ per unit curvature: the "smaller learning rate" is right when it
# means the *effective* rate. For Nesterov the stable step does shrink with $\beta$.
# Check heavy ball's edge against the eigenvalues of the hand-built state matrix:

# %%
for b, h in zip([0.5, 0.9, 0.99], hb.max_alpha):
    inside = np.array([[1 - 0.999 * h, -b], [0.999 * h, b]])
    outside = np.array([[1 - 1.001 * h, -b], [1.001 * h, b]])
    assert np.abs(np.linalg.eigvals(inside)).max() < 1 < np.abs(np.linalg.eigvals(outside)).max()

# %% [markdown]
# Overshoot is a nonlinear effect, so it is simulated: heavy ball with $\alpha = 0.05$
# on a 1-D loss with a gentle plateau, a cliff and a quadratic wall past it
# (`PlateauCliff`), from $x_0 = 0.8$, with and without a 50-step linear warm-up
# (Goyal et al. 2017):

# %%
plain = app.overshoot([0.5, 0.9, 0.99], x0=0.8)
warm = app.overshoot([0.5, 0.9, 0.99], x0=0.8, warmup_steps=50)
assert np.all(np.diff(plain.overshoot) > 0) and np.all(warm.overshoot < plain.overshoot)
plain.overshoot.round(3).tolist(), warm.overshoot.round(3).tolist()

# %%
P.plot_beta_tradeoff().figure

# %% [markdown]
# *Verdict:* the trade-off is real for overshoot (it grows with $\beta$: 0.11, 0.43,
# 0.67 here) and warm-up roughly halves it from this start; but it is not universal:
# from $x_0 = 0.5$ warm-up makes $\beta = 0.5$ overshoot *more*:

# %%
a, b = app.overshoot(0.5, x0=0.5), app.overshoot(0.5, x0=0.5, warmup_steps=50)
assert b.overshoot[0] > a.overshoot[0]
round(float(a.overshoot[0]), 3), round(float(b.overshoot[0]), 3)

# %% [markdown]
# ## 2. Adam against momentum on anisotropic valleys
#
# *Statement:* Adam's per-coordinate scaling straightens the path through an anisotropic
# valley, which is why it beats momentum SGD there.
#
# Adam divides by the root of a running second moment: it is nonlinear, and the symbolic
# core refuses to linearise it (it says why and what to use instead):

# %%
try:
    symbolic.model(app.ADAPTIVE_METHODS["adam"])
except ValueError as e:
    print(str(e)[:200], "...")

# %% [markdown]
# With the second moment frozen (late in training) Adam is a fixed diagonal
# preconditioner $p$, and the rule is EMA momentum at learning rate $\alpha p$ - linear,
# and analysed by the core. What a diagonal preconditioner can do depends on the axes:
# with the Hessian's eigenvectors on the coordinate axes, $p = 1/\mathrm{diag}(H)$ makes
# the condition number 1; rotated by 45 degrees, no diagonal preconditioner helps at all:

# %%
H0 = app.anisotropic_quadratic(100.0, rotation=0.0).hessian
H45 = app.anisotropic_quadratic(100.0, rotation=np.pi / 4).hessian
k0 = app.preconditioned_condition_number(H0, 1 / np.diag(H0))
k45 = app.preconditioned_condition_number(H45, 1 / np.diag(H45))
w = np.linalg.eigvalsh(np.diag(np.diag(H45) ** -0.5) @ H45 @ np.diag(np.diag(H45) ** -0.5))
assert np.isclose(k45, w.max() / w.min())
round(k0, 6), round(k45, 3)

# %% [markdown]
# Simulated (iterations to a relative error of $10^{-6}$; Adam at the best of a grid of
# learning rates, heavy ball at Polyak's tuning):

# %%
c = app.compare_adam_momentum([10.0, 1000.0], max_steps=4000)
{"heavy ball": c.heavy_ball_aligned.tolist(), "Adam aligned": c.adam_aligned.tolist(),
 "Adam rotated": c.adam_rotated.tolist()}

# %% [markdown]
# *Verdict:* true only when the anisotropy is aligned with the coordinates. Aligned,
# Adam needs the same number of steps at every $\kappa$; rotated, it falls behind tuned
# heavy ball as $\kappa$ grows. Also left out: with a constant learning rate Adam does
# not stay converged (every run above relapses above the tolerance later).

# %%
P.plot_adam_vs_momentum([10.0, 100.0, 1000.0], max_steps=3000).figure

# %% [markdown]
# ## 3. L2 regularisation against decoupled weight decay
#
# *Statement:* for plain SGD, L2 regularisation is the same as multiplying the weights by
# $(1 - \eta\lambda)$ each step; with momentum or adaptive methods the two differ, and
# decoupled decay (Loshchilov & Hutter 2019) adds "an extra, always stable pole
# independent of momentum".
#
# Both are update rules (`heavy_ball_l2`, `sgdw`); their exact polynomials are compared.
# SGDW is a curvature shift of heavy ball only where this condition vanishes:

# %%
app.curvature_shift("sgdw").condition

# %% [markdown]
# So the equivalence holds exactly at $\beta = 0$ (plain SGD) and fails with momentum.
# The pole claim: SGDW has two poles, like heavy ball. At zero curvature they are
# $\beta$ and $1 - \alpha\,\mathrm{wd}$; elsewhere a pole independent of $\beta$ exists
# only where this vanishes:

# %%
r = app.decoupled_decay_poles()
r.poles_at_zero_curvature, sp.factor(r.beta_independent_condition)

# %% [markdown]
# *Verdict:* the equivalence for SGD is exact; the "extra, always stable pole" is exact
# only in flat directions ($\lambda = 0$, where the decay pole $1 - \alpha\,\mathrm{wd}$
# is stable for $0 < \alpha\,\mathrm{wd} < 2$) or at $\alpha\,\mathrm{wd} = 1$. The same
# holds for AdamW with a frozen preconditioner. What decoupling does to stability: at
# equal $\alpha\,\mathrm{wd}$ the largest stable $\alpha\lambda$ is
# $(1+\beta)(2-\alpha\,\mathrm{wd})$ for SGDW against $2(1+\beta)-\alpha\,\mathrm{wd}$ for
# L2 (3.42 against 3.6 at $\beta = 0.9$, $\alpha\,\mathrm{wd} = 0.2$); checked on
# hand-built matrices:

# %%
b, d = 0.9, 0.2
for rule, edge in (("sgdw", (1 + b) * (2 - d)), ("heavy_ball_l2", 2 * (1 + b) - d)):
    assert np.isclose(app.max_stable_step(rule, b, d), edge)
# SGDW's state matrix by hand, (x, v): v' = b v + h x, x' = (1 - d) x - v'
for h, stable in ((3.42 * 0.999, True), (3.42 * 1.001, False)):
    sgdw = np.array([[1 - d - h, -b], [h, b]])
    assert (np.abs(np.linalg.eigvals(sgdw)).max() < 1) == stable
P.plot_weight_decay_region(0.2).figure

# %% [markdown]
# ## 4. Batch normalisation's running statistics lag
#
# *Statement:* BN's running statistics are an EMA that lags the current batch, so the
# optimiser sees a lagged landscape; the velocity falls out of phase with the true
# gradient, more so for large $\beta$ and a drifting input distribution.
#
# The linear model `heavy_ball_bn_lag` keeps the running statistic as a third state
# ($m_t = \rho m_{t-1} + (1-\rho) x_{t-1}$, the gradient taken at $m$). Its exact
# stability conditions give the largest stable $\alpha\lambda$ at $\beta = 0.9$ for BN
# momentum $\rho = 0, 0.5, 0.9$, and the phase lag of the velocity behind the true
# gradient when the optimum drifts as $\sin(0.05 t)$:

# %%
edges = app.bn_lag_max_step(0.9, [0.0, 0.5, 0.9])
lag = app.bn_lag_phase(0.05, 0.01, 0.9, [0.0, 0.9]).steps
assert np.isclose(edges[0], 3.8)  # rho = 0 is heavy ball: 2(1 + beta)
[round(float(e), 4) for e in edges], [round(float(s), 2) for s in lag]

# %%
P.plot_bn_lag((0.0, 0.5, 0.9)).figure

# %% [markdown]
# *Verdict:* right for large $\beta$ and non-trivial BN momentum (the stable step
# collapses from 3.8 to 0.024 and the lag triples), but not always: a small lag first
# *widens* the stable range.
#
# ## 5. Warm-up and momentum schedules as time-varying systems
#
# *Statement:* warm-up and changing $\beta$ adapt the dynamics to the phase of training.
# A schedule is a product of per-step transition matrices; each step can be stable while
# the product amplifies. The package finds such a schedule and measures it:

# %%
ex = app.transient_amplification_example()
round(float(ex.frozen_radii.max()), 4), round(ex.growth, 1)

# %%
P.plot_schedule_growth().figure

# %% [markdown]
# *Verdict:* a schedule is not safe because every frozen step is: here every step has
# spectral radius 0.949 and the schedule still amplifies the worst initial state
# 291-fold. A linear warm-up to $\alpha\lambda = 3$ at $\beta = 0.9$ is the good case:
# it amplifies less than holding the final step from the start (1.57 against 4.13).
#
# ## 6. Recurrent networks: momentum coupled to the recurrence
#
# *Statement:* for a linear RNN, a poor $(\eta, \beta)$ combination aggravates exploding
# gradients. For $h_t = w h_{t-1} + u x_t$ fitted to a teacher, the curvature of the
# sequence loss at the optimum is derived (here $T = 2$, unit inputs):

# %%
app.rnn_hessian_symbolic(2)

# %% [markdown]
# Its largest eigenvalue grows quickly with $|w|$ and $T$, and heavy ball's largest stable
# step (at $\beta = 0.9$, $T = 20$) falls with it; once the iterate's $|w|$ passes 1 the
# gradient grows like $|w|^T$ (Bengio et al. 1994; Pascanu et al. 2013). One step size
# that trains a teacher with $w^\star = 0.95$ at $T = 10$ overflows at $T = 40$:

# %%
amax = app.rnn_max_alpha(0.9, [0.0, 0.5, 0.9], 20)
runs = [app.rnn_training(0.95, T, alpha=2e-4, beta=0.9).max_gradient_norm for T in (10, 40)]
assert amax[0] > amax[1] > amax[2] and np.isfinite(runs[0]) and not np.isfinite(runs[1])
[f"{a:.3g}" for a in amax], [f"{g:.3g}" for g in runs]

# %%
P.plot_rnn_region().figure

# %% [markdown]
# *Verdict:* right, and quantified: the stable set of $(\alpha, \beta)$ shrinks like the
# inverse of the sequence-loss curvature, which grows as $|w| \to 1$ and with $T$.
#
# ## Summary
#
# | statement | exact answer | verdict |
# |---|---|---|
# | high $\beta$ needs a smaller learning rate | heavy ball's stable $\alpha$ grows with $\beta$; its effective rate $2(1+\beta)/(1-\beta)$ explodes; overshoot grows with $\beta$ | right for the effective rate and overshoot, wrong for heavy ball's stability edge |
# | warm-up tames overshoot | halves it from $x_0 = 0.8$; can increase it from other starts | usually, not always |
# | Adam straightens anisotropic valleys | needs the anisotropy aligned with the coordinates; rotated, tuned heavy ball wins | true only when aligned |
# | L2 = weight decay for SGD, not with momentum | curvature shift iff $\alpha\beta\,\mathrm{wd} = 0$ | exact |
# | decoupled decay adds an extra always-stable pole | only in flat directions or at $\alpha\,\mathrm{wd} = 1$ | loose |
# | BN lag destabilises momentum | stable step 3.8 to 0.024 at $\beta = 0.9$; small lags widen the range | right for large momenta |
# | schedules adapt the dynamics | every-step-stable schedules can amplify 291-fold | needs the product, not the frozen steps |
# | momentum can aggravate exploding RNN gradients | stable set shrinks with the derived curvature in $w$, $T$ | right |
