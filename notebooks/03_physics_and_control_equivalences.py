# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Momentum as a damped oscillator and as a PD controller
#
# Momentum is commonly mapped onto a **mass-spring-damper** (Qian 1999; Goh 2017)
# $m\ddot x + c\dot x + kx = 0$ (mass $\propto 1/\eta$, damping $\propto (1-\beta)/\eta$,
# stiffness the curvature, damping ratio $\zeta = (1-\beta)/(2\sqrt{\eta k})$) and onto a
# **PD controller** on a double integrator (derivative gain $k_d \leftrightarrow
# (1-\beta)/\eta$; optimizers as feedback loops: Lessard, Recht & Packard 2016), and
# choosing $\beta$ for critical damping is a common recommendation. This notebook
# derives each mapping from the update rule with `momentum_dynamics.physics`, checks it
# against independent computations (python-control, `numpy.roots`, simulation, `solve_ivp`),
# and separates what is exact from what is a continuous-time approximation.

# %%
import control
import numpy as np
import sympy as sp

import momentum_dynamics as md
from momentum_dynamics import physics as P
from momentum_dynamics import symbolic as S
from momentum_dynamics.plotting import plot_critical_damping_comparison, plot_ode_convergence

# %% [markdown]
# ## 1. The mass-spring-damper is an exact rewrite of the recurrence
#
# Writing $z^{-1}p(z) = M(z - 2 + z^{-1}) + C(1 - z^{-1}) + K$ (central second difference,
# backward first difference, spring at $x_k$) and scaling so the stiffness is the
# curvature gives, with a time step $dt$ per iteration:

# %%
hb = P.mass_spring_damper_symbolic("heavy_ball")
hb

# %%
a, b, lam = S.alpha, S.beta, S.curvature
dt = P.dt
assert sp.simplify(hb.mass - dt**2 / a) == 0
assert sp.simplify(hb.damping - (1 - b) * dt / a) == 0
assert hb.stiffness == lam
assert sp.simplify(hb.damping_ratio - (1 - b) / (2 * sp.sqrt(a * lam))) == 0
# independent: the finite-difference equation with these m, c, k IS the update rule
x = sp.symbols("x_prev x_now x_next")
fd = (hb.mass * (x[2] - 2 * x[1] + x[0]) / dt**2 + hb.damping * (x[1] - x[0]) / dt
      + hb.stiffness * x[1])
rule = x[2] - x[1] - b * (x[1] - x[0]) + a * lam * x[1]     # heavy ball, eliminated v
assert sp.simplify(fd * a - rule) == 0

# %% [markdown]
# With $dt = 1$ this is the usual mapping exactly: mass $1/\alpha$, damping
# $(1-\beta)/\alpha$, stiffness $\lambda$, $\zeta = (1-\beta)/(2\sqrt{\alpha\lambda})$.
# Nesterov has the same mass and stiffness but an extra, curvature-dependent damping
# $\beta\lambda\,dt$ (Hessian damping), which is why it oscillates less:

# %%
nv = P.mass_spring_damper_symbolic("nesterov")
assert sp.simplify(nv.damping - hb.damping - b * lam * dt) == 0
nv.damping, nv.hessian_damping

# %% [markdown]
# ## 2. Damping regimes and critical damping: continuous reading versus exact
#
# The usual statement: $\zeta<1$ oscillates, $\zeta=1$ converges fastest without oscillation,
# $\zeta>1$ converges slowly. In discrete time the exact statement uses the poles. The
# critically damped momentum from $\zeta = 1$ is $1 - 2\sqrt{\alpha\lambda}$, the exact
# discrete one (double pole) is $(1-\sqrt{\alpha\lambda})^2$; they differ by exactly
# $\alpha\lambda$:

# %%
cd = P.critical_damping_symbolic("heavy_ball")
assert sp.simplify(cd.exact - S.critical_beta("heavy_ball").stable) == 0
assert sp.simplify(cd.exact - cd.continuous - a * lam) == 0
# cd

# %% [markdown]
# The exact critical momentum is also the fastest one at that learning rate: on a grid of
# $\beta$ the smallest spectral radius sits at it (the usual "fastest convergence"
# claim, true for the exact value). The continuous value is slower, and unstable beyond
# $\alpha\lambda = (2\sqrt2-2)^2 \approx 0.686$. Trust the exact discrete value:

# %%
for h in (0.01, 0.1, 0.5):
    betas = np.linspace(-0.99, 0.999, 200001)
    rho = md.spectral_radius("heavy_ball", 1.0, betas, h)
    assert abs(betas[np.argmin(rho)] - md.critical_beta("heavy_ball", 1.0, h)) < 1e-4
comparison = P.critical_damping_comparison("heavy_ball", [0.01, 0.1, 0.5, 0.8])
assert np.all(comparison.exact_rate[:3] < comparison.continuous_rate[:3])
assert not comparison.continuous_valid[-1]
p = plot_critical_damping_comparison("heavy_ball")

# %% [markdown]
# The regimes the two readings assign agree away from the boundary, and the discrete poles
# approach the continuous ones mapped through $z = e^{s\,dt}$ as $\alpha\lambda \to 0$
# (here with the ODE held fixed, $dt = \sqrt{\alpha}$):

# %%
errors, steps = [], [0.2, 0.1, 0.05, 0.025]
for h_t in steps:                       # fixed ODE: damping 0.5, stiffness 1
    params = P.heavy_ball_from_ode(0.5, h_t)
    pc = P.pole_correspondence("heavy_ball", params.alpha, params.beta, 1.0, dt=h_t)
    errors.append(pc.error)
order = np.polyfit(np.log(steps), np.log(errors), 1)[0]
print("|z - exp(s dt)| errors:", errors, " observed order", round(order, 2))
assert 1.8 < order < 2.2
for beta in (0.5, 0.9, 0.99):
    zeta = P.mass_spring_damper("heavy_ball", 0.001, beta, 1.0).damping_ratio
    regime = md.damping_regime("heavy_ball", 0.001, beta, 1.0)
    assert (zeta < 1) == (regime == "underdamped")

# %% [markdown]
# ## 3. Momentum as a PD controller
#
# A PD controller $u = -k_p x - k_d \dot x$ on the double integrator $m\ddot x = u$ closes
# the loop $m\ddot x + k_d\dot x + k_p x = 0$. So $k_p = \lambda$ and $k_d = (1-\beta)/\alpha$
# (the usual derivative gain) with mass $1/\alpha$; per unit mass $k_p/m = \alpha\lambda$,
# $k_d/m = 1-\beta$. Built with python-control's `feedback`:

# %%
gains = P.pd_gains("heavy_ball", 0.1, 0.9, 2.0)
assert np.isclose(gains.k_p, 2.0) and np.isclose(gains.k_d, (1 - 0.9) / 0.1)
loop = P.pd_closed_loop("heavy_ball", 0.1, 0.9, 2.0)
C = control.tf([gains.k_d, gains.k_p], [1])
plant = control.tf([1], [gains.mass, 0, 0])
independent = control.feedback(C * plant, 1)
assert np.allclose(np.sort_complex(independent.poles()),
                   np.sort_complex(np.roots([gains.mass, gains.k_d, gains.k_p])))
assert np.allclose(np.sort_complex(loop.poles), np.sort_complex(independent.poles()))
back = P.momentum_from_pd(gains.k_p_unit, gains.k_d_unit, 2.0)
assert np.isclose(back.alpha, 0.1) and np.isclose(back.beta, 0.9)
gains

# %% [markdown]
# The step response (the minimiser jumps from 0 to 1) of the closed loop, sampled at
# $t = k\,dt$, approaches the method's iterates as the step shrinks with the ODE fixed:

# %%
errs = []
for h_t in (0.2, 0.1, 0.05):
    params = P.heavy_ball_from_ode(0.8, h_t)
    cmp = P.pd_step_comparison("heavy_ball", params.alpha, params.beta, 1.0, dt=h_t,
                               duration=20.0)
    errs.append(cmp.max_error)
print("max |discrete - continuous|:", errs)
assert errs[0] > errs[1] > errs[2]

# %% [markdown]
# ## 4. Continuous-time limits
#
# Heavy ball with time step $\sqrt\alpha$ and fixed damping $a = (1-\beta)/\sqrt\alpha$
# converges to $\ddot x + a\dot x + \nabla f = 0$; Nesterov with $\beta_k = (k-1)/(k+2)$
# converges to Su-Boyd-Candes' $\ddot X + \tfrac{3}{t}\dot X + \nabla f(X) = 0$. Measured
# on a quadratic with curvatures (1, 0.1), errors against `solve_ivp` fall linearly in
# the step (observed order about 1):

# %%
for method in ("gd", "heavy_ball", "nesterov"):
    e = P.discretisation_error(method)
    print(f"{method:10s} vs {e.ode:14s}: errors {np.round(e.errors, 5)}, order {e.order:.2f}")
    assert 0.85 < e.order < 1.2
p = plot_ode_convergence("nesterov")

# %% [markdown]
# ## Summary
#
# | claim | status |
# |---|---|
# | mass-spring-damper $m=1/\alpha$, $c=(1-\beta)/\alpha$, $k=\lambda$ | exact ($dt=1$) |
# | $\zeta = (1-\beta)/(2\sqrt{\alpha\lambda})$ sets the regime | approximate; exact: poles |
# | critical damping is the fastest | true for the exact $(1-\sqrt{\alpha\lambda})^2$ |
# | $\zeta = 1$ gives $1-2\sqrt{\alpha\lambda}$ | approximation, off by exactly $\alpha\lambda$ |
# | PD gains $k_p = \lambda$, $k_d = (1-\beta)/\alpha$ | exact; python-control closed loop agrees |
# | heavy-ball and Nesterov ODE limits | first order in the step, measured |

# %% [markdown]
# ## References
#
# - N. Qian (1999). On the momentum term in gradient descent learning algorithms. *Neural
#   Networks* 12(1), 145-151.
# - G. Goh (2017). Why momentum really works. *Distill*.
# - L. Lessard, B. Recht, A. Packard (2016). Analysis and design of optimization algorithms
#   via integral quadratic constraints. *SIAM Journal on Optimization* 26(1), 57-95.
