# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Momentum as an ODE solver: a linear two-step method for gradient flow
#
# A common reading (Scieur et al. 2017, "Integration methods and optimization
# algorithms"): optimisation can be seen as solving the gradient-flow ODE
# $x' = -\nabla f(x)$ numerically; momentum is precisely a linear two-step method, so
# zero-stability and absolute stability from numerical analysis give its stability
# bounds, e.g. $\alpha < 2(1+\beta)/L$.
#
# Each statement is derived from the update rule with `momentum_dynamics.multistep` and
# checked with an `assert` against an independent computation (roots of polynomials with
# NumPy, eigenvalues of the iteration, a Taylor expansion).

# %%
import numpy as np
import sympy as sp

from momentum_dynamics import multistep as ms
from momentum_dynamics import symbolic as S
from momentum_dynamics.plotting import plot_absolute_stability_regions

# %% [markdown]
# ## 1. The two characteristic polynomials
#
# On $f = \lambda x^2/2$ gradient flow is the test equation $x' = -\lambda x$. The method's
# characteristic polynomial (derived from its update rule) is affine in $\alpha\lambda$,
# $p(z) = \rho(z) + \alpha\lambda\, s(z)$, so the method is the LMM
# $\rho(E)x = -h_t\lambda\,\sigma(E)x$ with the time step $h_t$ that makes it consistent.

# %%
for name in ("gd", "heavy_ball", "nesterov", "ema_momentum"):
    lmm = ms.lmm_polynomials(name)
    # rho + alpha*lambda*(alpha/h_t)^-1 ... recombine: p = rho + lambda*h_t*sigma
    recombined = sp.expand(lmm.rho + S.curvature * lmm.time_step * lmm.sigma)
    assert sp.simplify(recombined - S.characteristic_polynomial(name)) == 0
    print(f"{name:13s} rho = {lmm.rho},  sigma = {sp.factor(lmm.sigma)},  "
          f"h_t = {lmm.time_step}")

# %% [markdown]
# Heavy ball is the explicit two-step method
# $x_{k+1} - (1+\beta)x_k + \beta x_{k-1} = -h_t(1-\beta)\lambda x_k$ with
# $h_t = \alpha/(1-\beta)$: **the time step of gradient flow per iteration is the effective
# learning rate** (an exact identity, not a limit):

# %%
assert sp.simplify(ms.lmm_polynomials("heavy_ball").time_step
                   - S.effective_learning_rate("heavy_ball")) == 0

# %% [markdown]
# ## 2. Consistency and order
#
# With $\rho = \sum a_j z^j$, $\sigma = \sum b_j z^j$ the error constants
# $C_q = \sum_j (j^q a_j/q! - j^{q-1} b_j/(q-1)!)$ vanish up to the order. Heavy ball is
# consistent ($C_0 = C_1 = 0$) and of order 1, with $C_2 = (1+\beta)/2$: only $\beta = -1$
# (the leapfrog rule) reaches order 2. Checked independently by applying the LMM to
# $x(t) = e^{t}$ and expanding in $h$:

# %%
c = ms.consistency("heavy_ball")
print(c.error_constants, c.order, c.special_orders)
h = sp.Symbol("h")
lmm = ms.lmm_polynomials("heavy_ball")
# residual of the LMM on x' = x (lambda = -1): rho(e^h) - h*sigma(e^h), in powers of h
residual = sp.series(lmm.rho.subs(S.z, sp.exp(h)) - h * lmm.sigma.subs(S.z, sp.exp(h)), h, 0, 3)
assert sp.simplify(residual.removeO() - c.error_constants[2] * h**2) == 0
assert c.order == 1 and c.special_orders == {-1: 2}

# %% [markdown]
# ## 3. Zero-stability: the root condition
#
# The roots of $\rho$ must lie in the closed unit disc, those on the circle simple. For
# heavy ball they are $1$ and $\beta$, so the method is zero-stable exactly for
# $-1 \le \beta < 1$. Checked with `numpy.roots` on a grid including $\beta = \pm 1$:

# %%
zs = ms.zero_stability("heavy_ball")
print(zs)
for b in np.linspace(-1.2, 1.2, 25):
    r = np.roots([1, -(1 + b), b])
    on = np.isclose(np.abs(r), 1)
    root_condition = np.all(np.abs(r) <= 1 + 1e-12) and not (
        on.sum() == 2 and np.isclose(r[0], r[1]))
    assert bool(zs.condition.subs(S.beta, sp.nsimplify(round(b, 10)))) == root_condition

# %% [markdown]
# ## 4. Absolute stability: the boundary locus and $\alpha < 2(1+\beta)/L$
#
# The iteration on curvature $\lambda$ is stable when all roots of
# $\rho(z) + \alpha\lambda\,s(z)$ lie inside the unit circle. The boundary of that region
# in the complex $\alpha\lambda$ plane is traced by $w(\theta) = -\rho(e^{i\theta})/
# s(e^{i\theta})$. Its real section for heavy ball is exactly $(0, 2(1+\beta))$: the
# usual bound $\alpha < 2(1+\beta)/L$, because the largest curvature $L$ must lie in it.

# %%
for b in (0.0, 0.5, 0.9):
    interval = ms.real_stability_interval("heavy_ball", b)
    assert interval == sp.Interval.open(0, 2 * (1 + sp.nsimplify(b)))
    # independent: eigenvalues of the 2x2 state matrix on a fine grid of alpha*lambda
    hl = np.linspace(0.001, 5, 5000)
    A = np.zeros((hl.size, 2, 2))
    A[:, 0, 0], A[:, 0, 1], A[:, 1, 0] = 1 + b - hl, -b, 1
    stable = np.abs(np.linalg.eigvals(A)).max(axis=1) < 1
    inside = (hl > 0) & (hl < 2 * (1 + b))
    away = np.abs(hl - 2 * (1 + b)) > 1e-6   # grid points on the edge are ambiguous
    assert np.array_equal(stable[away], inside[away])
print(ms.real_stability_interval("nesterov", 0.9), "= (0, 2(1+beta)/(1+2beta)) at beta=0.9")

# %% [markdown]
# For complex curvature (an eigenvalue of a non-symmetric Jacobian, e.g. a game) the same
# region decides stability. Points of the locus give a root on the unit circle, and the
# mask agrees with eigenvalues of the iteration:

# %%
loc = ms.boundary_locus("heavy_ball", 0.9, n=9)
for w, th in zip(loc.points[1:-1], loc.theta[1:-1], strict=True):
    roots = np.roots([1, w - 1.9, 0.9])
    assert np.min(np.abs(roots - np.exp(1j * th))) < 1e-10

rng = np.random.default_rng(1)
hl = rng.uniform(-0.5, 4.5, 400) + 1j * rng.uniform(-0.6, 0.6, 400)
mask = ms.absolute_stability_mask("heavy_ball", 1.0, 0.9, hl)
A = np.zeros((hl.size, 2, 2), complex)
A[:, 0, 0], A[:, 0, 1], A[:, 1, 0] = 1.9 - hl, -0.9, 1
eig_stable = np.abs(np.linalg.eigvals(A)).max(axis=1) < 1
assert np.array_equal(mask, eig_stable)
p = plot_absolute_stability_regions(("gd", "heavy_ball", "nesterov"), beta=0.9)

# %% [markdown]
# Heavy ball's region is a thin ellipse stretched along the real axis: large momentum buys
# a long real interval (large learning rates on stiff directions) at the price of a tiny
# tolerance to imaginary parts (rotational, game-like dynamics). Nesterov trades real
# length for a much fatter region.
#
# ## Summary
#
# | claim | status |
# |---|---|
# | momentum is a linear two-step method for gradient flow | exact, $h_t = \alpha/(1-\beta)$ |
# | consistency | exact; order 1 (order 2 only at $\beta=-1$) |
# | zero-stability | exactly $-1\le\beta<1$ |
# | absolute stability gives $\alpha < 2(1+\beta)/L$ | exact real section of the region |

# %% [markdown]
# ## References
#
# - D. Scieur, V. Roulet, F. Bach, A. d'Aspremont (2017). Integration methods and
#   optimization algorithms. *NeurIPS*.
# - B. T. Polyak (1964). Some methods of speeding up the convergence of iteration methods.
#   *USSR Computational Mathematics and Mathematical Physics* 4(5), 1-17.
