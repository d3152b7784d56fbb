# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Optimisation versus sampling: HMC, heavy ball, Langevin, and the NESS of momentum SGD
#
# Three momentum dynamics are commonly contrasted: **Hamiltonian** (HMC, Neal 2011: no
# friction, energy conserved, periodic orbits), **heavy ball** (friction: energy
# dissipated, the particle stops at the minimum) and **SGHMC / underdamped Langevin**
# (Chen, Fox & Guestrin 2014; friction balanced by noise through the fluctuation-dissipation
# theorem, so the
# stationary distribution is Boltzmann). It is also argued (for SGD by Chaudhari & Soatto
# 2018) that the drift field has a
# non-zero curl, so it settles in a **non-equilibrium steady state** with a persistent
# probability current. Each claim is checked below with `momentum_dynamics.statphys`
# against an independent computation (simulation, quadrature, Lyapunov solutions).
#
# Physical reading of heavy ball used throughout: time step $h = \sqrt\alpha$, velocity
# $p = -v/\sqrt\alpha$, unit mass, friction $\gamma = (1-\beta)/\sqrt\alpha$; heavy ball is
# then exactly symplectic Euler for $\ddot x + \gamma\dot x + \nabla f = 0$.

# %%
import numpy as np

from momentum_dynamics import statphys as T
from momentum_dynamics.plotting import plot_energy_traces, plot_langevin_bias, plot_ness

rng = np.random.default_rng(0)
quad = T.quadratic_potential(1.0)
well = T.double_well_potential()

# %% [markdown]
# ## 1. Hamiltonian dynamics conserves energy (up to $O(h^2)$) and is periodic
#
# Leapfrog, the HMC integrator, on $f = x^2/2$: the energy error is bounded (no drift) and
# halves its size by four when the step halves; after one period $2\pi$ the orbit returns
# to its start.

# %%
errors = []
for h in (0.2, 0.1, 0.05):
    n = int(round(2 * np.pi / h * 5))
    tr = T.leapfrog(quad.grad, 1.0, 0.0, h, n, value=quad.value)
    errors.append(np.max(np.abs(tr.energy - tr.energy[0])))
order = np.polyfit(np.log([0.2, 0.1, 0.05]), np.log(errors), 1)[0]
print("max energy error:", errors, " observed order", round(order, 3))
assert 1.9 < order < 2.1
h = 2 * np.pi / 1000
tr = T.leapfrog(quad.grad, 1.0, 0.0, h, 1000, value=quad.value)
assert np.hypot(np.ravel(tr.x)[-1] - 1.0, np.ravel(tr.p)[-1]) < 1e-4   # periodic orbit

# %% [markdown]
# ## 2. Heavy ball dissipates energy; Langevin thermalises to Boltzmann
#
# On a quadratic, heavy ball's mechanical energy decreases at every step from every state
# exactly when $\beta^2 \le 1 - \alpha\lambda_{\max}$ (derived with SymPy in
# `heavy_ball_monotone_beta`; checked here by simulation on both sides of the bound).

# %%
alpha = 0.01
b_max = T.heavy_ball_monotone_beta(alpha, 1.0)
assert abs(b_max - np.sqrt(1 - alpha)) < 1e-12
for beta, monotone in ((b_max - 1e-3, True), (0.999, False)):
    hb = T.heavy_ball_energy_trace(quad.grad, 1.0, alpha, beta, 3000, value=quad.value)
    assert bool(np.all(np.diff(hb.energy) <= 1e-15)) == monotone
p = plot_energy_traces()

# %% [markdown]
# With friction $\gamma$ and noise of variance $2\gamma T h$ per step the chain samples
# $p(x) \propto e^{-f(x)/T}$. On the double well the long-run averages agree with
# quadrature of the Boltzmann density (Monte-Carlo error bars):

# %%
Temp = 0.3
run = T.underdamped_langevin(well.grad, 0.0, 0.0, 0.02, 1.0, Temp, 6000, n_chains=400,
                             rng=rng, value=well.value, record_every=20)
x = np.asarray(run.x)[len(np.asarray(run.x)) // 3:].ravel()
expected_x2 = T.boltzmann_expectation(well, Temp, lambda y: y**2)
se = x.std() ** 2 * 0.1   # generous: chains are correlated in time
assert abs(np.mean(x**2) - expected_x2) < max(se, 0.03)
print(f"<x^2>: Langevin {np.mean(x**2):.4f}, Boltzmann quadrature {expected_x2:.4f}")

# %% [markdown]
# ## 3. The Langevin scheme's stationary distribution: Boltzmann up to a step bias
#
# On a quadratic the scheme is linear, and its exact stationary covariance solves a
# discrete Lyapunov equation. Against the Boltzmann values $T H^{-1}$ (position) and $T$
# (velocity), SymPy gives the bias in 1-D:

# %%
bias = T.langevin_bias()
bias.relative_x_series, bias.relative_v_series

# %% [markdown]
# Position variance is exact to $O(h^2)$, velocity variance to $O(h)$: **exact in the
# continuous limit; the discretisation bias is quantified**. Checked against the numbers
# and against Monte Carlo:

# %%
H = np.array([[2.0, 0.3], [0.3, 1.0]])
for h in (0.1, 0.05, 0.025):
    c = T.langevin_stationary_covariance(h, 1.0, 0.5, H)
    print(h, np.abs(c.x - c.boltzmann_x).max(), np.abs(c.v - c.boltzmann_v).max())
c = T.langevin_stationary_covariance(0.1, 1.0, 0.5, np.array([[2.0]]))
sym = {bias.symbols["step"]: 0.1, bias.symbols["friction"]: 1.0,
       bias.symbols["curvature"]: 2.0, bias.symbols["temperature"]: 0.5,
       bias.symbols["noise_factor"]: 1.0}
assert abs(float(bias.var_x.subs(sym)) - c.x[0, 0]) < 1e-12
assert abs(float(bias.var_v.subs(sym)) - c.v[0, 0]) < 1e-12
run = T.underdamped_langevin(quad.grad, 0.0, 0.0, 0.1, 1.0, 0.5, 400, n_chains=20000,
                             rng=rng)
xs = np.ravel(np.asarray(run.x)[-1])
c1 = T.langevin_stationary_covariance(0.1, 1.0, 0.5, np.array([[1.0]]))
assert abs(xs.var() - c1.x[0, 0]) < 4 * c1.x[0, 0] * np.sqrt(2 / xs.size)
p = plot_langevin_bias()

# %% [markdown]
# When the noise does not match the friction (noise scaled by $r$), the stationary
# temperature is $rT$, not $T$: the fluctuation-dissipation balance is what makes the
# sampler correct.

# %%
for r in (0.5, 2.0):
    c = T.langevin_stationary_covariance(1e-3, 1.0, 0.5, np.array([[1.0]]), noise_factor=r)
    assert abs(c.configurational_temperature - r * 0.5) < 1e-3 * r

# %% [markdown]
# Heavy ball with gradient noise $\sigma^2$ is this Langevin scheme with $h^2 = \alpha$ and
# $\gamma h = 1-\beta$: it samples at the temperature $T \approx \alpha\sigma^2/(2(1-\beta))$
# (small-step approximation). The exact value comes from its stationary covariance:

# %%
for a in (0.1, 0.01, 0.001):
    t = T.heavy_ball_temperature(a, 0.9, np.array([[1.0]]), 1.0)
    print(f"alpha={a}: approximation {t.approximation[0]:.6g}, exact (from Var x) "
          f"{t.configurational[0]:.6g}")
gap = [abs(T.heavy_ball_temperature(a, 0.9, np.array([[1.0]]), 1.0).configurational[0]
           / (a / 0.2) - 1) for a in (0.01, 0.001)]
assert gap[1] < gap[0] / 5      # the approximation improves linearly in alpha

# %% [markdown]
# ## 4. The non-equilibrium steady state of momentum SGD
#
# In the continuous-time limit (time in iterations) momentum SGD is the linear SDE
# $ds = F s\,dt + \sqrt{2D}\,dW$ in $(\theta, v)$. Its drift, derived from the update rule,
# has curl $1 + \alpha f''(\theta) \neq 0$: **the drift is not a gradient field** (the
# claim above, confirmed symbolically and by finite differences):

# %%
drift = T.symbolic_drift()
drift.drift, drift.curl

# %%
sde = T.momentum_sgd_sde(0.05, 0.8, np.array([[1.0]]), 1.0)
F = sde.F
grid = np.linspace(-1, 1, 41)
TH, V = np.meshgrid(grid, grid, indexing="ij")
Fx, Fv = F[0, 0] * TH + F[0, 1] * V, F[1, 0] * TH + F[1, 1] * V
curl_fd = np.gradient(Fv, grid, axis=0) - np.gradient(Fx, grid, axis=1)
assert np.allclose(curl_fd, F[1, 0] - F[0, 1])          # = 1 + alpha*lambda
assert abs((F[1, 0] - F[0, 1]) - (1 + 0.05 * 1.0)) < 1e-12

# %% [markdown]
# The stationary density is Gaussian with covariance $\Sigma$ ($F\Sigma + \Sigma F^\top + 2D
# = 0$), and the drift splits as $F = -(D + Q)\Sigma^{-1}$ with $Q$ antisymmetric. $Q \ne 0$:
# a persistent, divergence-free probability current $J = -Q\Sigma^{-1} s\,p(s)$ circulates
# around the minimum:

# %%
model = T.ness_decomposition(sde.F, sde.D)
assert np.allclose(model.F @ model.Sigma + model.Sigma @ model.F.T + 2 * model.D, 0,
                   atol=1e-15)
assert np.allclose(model.Q, -model.Q.T) and abs(model.Q[0, 1]) > 1e-3
print("Q =", model.Q)
p = plot_ness()

# %% [markdown]
# **A correction to the usual statement.** Whether this current breaks detailed balance depends on
# how the momentum behaves under time reversal. Treating $v$ as an ordinary (even)
# variable, as a reading of the drift field does, detailed balance fails. With the
# physical parity (momentum odd), momentum SGD with noise **aligned with the Hessian's
# eigenvectors** is ordinary underdamped Langevin and satisfies detailed balance exactly;
# only noise that is not co-diagonal with $H$ gives a genuine non-equilibrium steady state:

# %%
Hd = np.diag([1.0, 3.0])
Sg = np.array([[1.0, 0.5], [0.5, 1.0]])
aligned = T.momentum_sgd_sde(0.05, 0.8, Hd, 1.0)
general = T.momentum_sgd_sde(0.05, 0.8, Hd, Sg)
v_even = T.continuous_detailed_balance(aligned, parity="even").violation
v_odd = T.continuous_detailed_balance(aligned, parity="odd").violation
v_general = T.continuous_detailed_balance(general, parity="odd").violation
print(f"aligned noise: v even {v_even:.3g}, v odd {v_odd:.1e};  general noise, v odd "
      f"{v_general:.3g}")
assert v_even > 0.1 and v_odd < 1e-12 and v_general > 0.1

# %% [markdown]
# In discrete time the aligned case violates detailed balance only through the
# discretisation, and that violation vanishes as the step shrinks:

# %%
viol = [T.heavy_ball_detailed_balance(a, 0.8, Hd, 1.0).violation for a in (5e-3, 5e-4, 5e-5)]
print(viol)
assert viol[0] > viol[1] > viol[2]

# %% [markdown]
# ## Summary
#
# | claim | status |
# |---|---|
# | HMC conserves energy, periodic orbits | $O(h^2)$ energy error, measured |
# | heavy ball dissipates energy | every step iff $\beta^2 \le 1-\alpha\lambda_{\max}$ (exact) |
# | Langevin (fluctuation-dissipation) samples Boltzmann | bias $O(h^2)$ in $x$, $O(h)$ in $v$ |
# | mismatched noise gives the wrong temperature | $rT$ |
# | momentum SGD's drift has non-zero curl | exact: $1+\alpha f''$ |
# | hence a NESS (persistent current) | $v$ even: yes; $v$ odd: only for noise not aligned with $H$|

# %% [markdown]
# ## References
#
# - R. M. Neal (2011). MCMC using Hamiltonian dynamics. In *Handbook of Markov Chain Monte
#   Carlo*, CRC Press.
# - T. Chen, E. Fox, C. Guestrin (2014). Stochastic gradient Hamiltonian Monte Carlo. *ICML*.
# - P. Chaudhari, S. Soatto (2018). Stochastic gradient descent performs variational
#   inference, converges to limit cycles for deep networks. *ICLR*.
