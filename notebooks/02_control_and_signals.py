# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Momentum through control and signal processing, derived and checked
#
# Momentum is commonly read as a **low-pass filter** (an exponential moving average) of
# the gradient (Goh 2017; Ma & Yarats 2019), and as a
# **linear system** whose noise-driven variance follows from a **discrete Lyapunov
# equation**, notes that high momentum **amplifies the lag** behind a drifting gradient
# (batch-norm statistics); federated learning adds **server momentum** (FedAvgM, Hsu, Qi &
# Brown 2019), whose value should minimise the variance of the global model subject to
# stability. Each claim below is derived from the update
# rule with `momentum_dynamics` and checked with an `assert` against an independent
# computation: python-control, `scipy.signal`, `scipy.linalg`, or the update rule run on
# numbers.
#
# Convention: heavy ball $v_t = \beta v_{t-1} + \alpha\nabla f(x_{t-1})$,
# $x_t = x_{t-1} - v_t$; on a quadratic the gradient is $\lambda x + \xi$ with noise $\xi$.

# %%
import control
import numpy as np
import scipy.linalg
import scipy.signal
import sympy as sp

import momentum_dynamics as md
from momentum_dynamics import symbolic as S
from momentum_dynamics.applications import (
    optimal_server_beta,
    server_momentum_model,
    server_variance,
)
from momentum_dynamics.plotting import (
    bode_compare,
    plot_pole_trajectories,
    plot_tracking_lag,
    plot_variance_versus_beta,
    pole_zero_compare,
)

rng = np.random.default_rng(0)


def run(method, alpha, beta, gradients, output="v"):
    '''Run the update rule on a given gradient sequence (curvature 0).'''
    m = md.get_method(method)
    hp = {"alpha": alpha} | ({"beta": beta} if beta is not None else {})
    state, out = tuple(0.0 for _ in m.state), []
    for g in gradients:
        state = m.step(state, lambda _x, g=g: g, **hp)
        out.append(state[m.state.index(output)])
    return np.array(out)


# %% [markdown]
# ## 1. Momentum is a linear system: python-control objects from the update rule
#
# The state-space model is obtained by calling the update rule on SymPy symbols; with
# numbers substituted it becomes a `control.StateSpace` (`dt=True`). The SymPy transfer
# function, with the same numbers, converts to the same python-control object.

# %%
G_sym = S.transfer_function("heavy_ball")          # gradient noise -> iterate
G_sym

# %%
alpha, beta, lam = 0.1, 0.8, 2.0
sys_ss = md.to_statespace("heavy_ball", alpha, beta, curvature=lam)
G_num = md.sympy_to_control(G_sym.subs({S.alpha: alpha, S.beta: beta, S.curvature: lam}))
G_ss = control.ss2tf(sys_ss)
w = np.linspace(0.01, np.pi, 50)
assert np.allclose(G_num(np.exp(1j * w)), G_ss(np.exp(1j * w)), rtol=1e-12)
# poles of the LTI object = eigenvalues of A = roots of the characteristic polynomial
assert np.allclose(np.sort_complex(sys_ss.poles()),
                   np.sort_complex(md.poles("heavy_ball", alpha, beta, lam)))
sys_ss

# %% [markdown]
# For a $d$-dimensional quadratic the same construction gives a MIMO system with $2d$
# states; its poles are the union of the per-curvature poles (the Hessian decouples in its
# eigenbasis).

# %%
M = rng.normal(size=(4, 4))
H = M @ M.T / 4 + 0.1 * np.eye(4)
mimo = md.to_statespace("heavy_ball", 0.2, 0.7, hessian=H)
per_curvature = md.poles("heavy_ball", 0.2, 0.7, np.linalg.eigvalsh(H)[:, None]).ravel()
assert mimo.nstates == 8 and mimo.ninputs == 4
assert np.allclose(np.sort_complex(mimo.poles()), np.sort_complex(per_curvature))

# %% [markdown]
# The step and impulse responses of the linear model are what the update rule does when
# the gradient noise is a step or an impulse:

# %%
m = md.get_method("heavy_ball")
T = 60
impulse = control.impulse_response(sys_ss, T=np.arange(T)).outputs
step = control.step_response(sys_ss, T=np.arange(T)).outputs

def simulate_noise(xi):
    x, v, out = 0.0, 0.0, []
    for k in range(T):
        out.append(x)
        x, v = m.step((x, v), lambda x_, k=k: lam * x_ + xi[k], alpha=alpha, beta=beta)
    return np.array(out)

assert np.allclose(impulse, simulate_noise(np.eye(1, T, 0)[0]), atol=1e-14)
assert np.allclose(step, simulate_noise(np.ones(T)), atol=1e-13)

# %% [markdown]
# ## 2. Bode plots, pole-zero maps and pole trajectories, one setting per damping regime
#
# At $\alpha\lambda = 0.1$ we compare an overdamped momentum, the critically damped one
# (exact discrete value) and an underdamped one. The underdamped setting has a resonance
# peak: the poles are complex and close to the unit circle.

# %%
settings = md.plotting.regime_settings("heavy_ball", 0.1)
settings

# %%
cp = bode_compare("heavy_ball", 0.1, 1.0)
mag_lines = cp.lines[0, 0]
for line, (_name, b) in zip(mag_lines, settings, strict=True):
    w_, mag = line.get_data()
    G = md.to_transfer_function("heavy_ball", 0.1, b, curvature=1.0)
    _, h = scipy.signal.freqz(G.num[0][0], G.den[0][0], worN=w_)
    assert np.allclose(mag, np.abs(h), rtol=1e-9)

# %%
cp = pole_zero_compare("heavy_ball", 0.1, 1.0)

# %%
traj = plot_pole_trajectories("heavy_ball", 0.1, 1.0)
bc = md.critical_beta("heavy_ball", 0.1, 1.0)
# at the critical beta both poles meet at 1 - sqrt(alpha*lambda) on the real axis
assert np.allclose(md.poles("heavy_ball", 0.1, bc, 1.0), 1 - np.sqrt(0.1), atol=1e-7)

# %% [markdown]
# ## 3. The EMA is an IIR low-pass filter
#
# *"The update $g'_t = \beta g'_{t-1} + (1-\beta) g_t$ is an AR(1) model, an IIR filter;
# its DC gain is largest and the gain falls monotonically with frequency; $\beta$ controls
# the cut-off: the closer to 1, the narrower the filter."*
#
# The transfer function is read off the `ema_momentum` update rule:

# %%
H_ema = md.ema_transfer_function()
H_ema

# %%
wz = sp.Symbol("omega", real=True)
H_w = H_ema.subs(S.z, sp.exp(sp.I * wz))
gain2 = sp.simplify(sp.expand_complex(H_w * sp.conjugate(H_w)))
assert sp.simplify(H_ema.subs(S.z, 1) - 1) == 0                       # unit DC gain
dgain = sp.simplify(sp.diff(gain2, wz))
dgain

# %% [markdown]
# The derivative is $-2\beta(1-\beta)^2\sin\omega/(1-2\beta\cos\omega+\beta^2)^2 \le 0$ on
# $[0,\pi]$ for $0 \le \beta < 1$: the gain decreases monotonically. Checked against
# `scipy.signal.freqz`, together with the exact $-3$ dB cut-off, its approximation
# $\omega_c \approx 1-\beta$ for $\beta \to 1$ (approximate), and the noise bandwidth
# (the variance left of white gradient noise), $\sum_k h_k^2 = (1-\beta)/(1+\beta)$:

# %%
for b in (0.5, 0.9, 0.99):
    f = md.ema_filter(b)
    w_ = np.linspace(0, np.pi, 2001)
    _, h = scipy.signal.freqz(f.scipy.num, f.scipy.den, worN=w_)
    assert np.all(np.diff(np.abs(h)) <= 1e-15)                    # monotone
    wc = md.ema_cutoff_frequency(b)
    _, hc = scipy.signal.freqz(f.control.num[0][0], f.control.den[0][0], worN=[wc])
    assert abs(abs(hc[0]) ** 2 - 0.5) < 1e-12                     # exact -3 dB point
    impulse = (1 - b) * b ** np.arange(5000)
    assert abs(np.sum(impulse**2) - md.ema_noise_bandwidth(b)) < 1e-12
    print(f"beta={b}: cutoff {wc:.5f} rad/step (approximation 1-beta = {1 - b:.5f}), "
          f"noise variance kept {md.ema_noise_bandwidth(b):.4f}")
assert np.isnan(md.ema_cutoff_frequency(0.1))   # gain never drops to -3 dB below 3-2*sqrt(2)

# %% [markdown]
# ## 4. Heavy-ball velocity as a filter: DC gain = effective learning rate
#
# With the gradient as an external signal (zero curvature) the velocity is
# $V(z) = \frac{\alpha z}{z-\beta} G(z)$. Its DC gain $\alpha/(1-\beta)$ is exactly the
# effective learning rate $\alpha/(1-\beta)$ (Sutskever et al. 2013), derived separately as
# the terminal
# velocity under a constant gradient:

# %%
Hv = md.gradient_filter("heavy_ball", "v")
assert sp.simplify(Hv.subs(S.z, 1) - S.effective_learning_rate("heavy_ball")) == 0
assert sp.simplify(md.gradient_filter("heavy_ball", "step").subs(S.z, 1)
                   + S.effective_learning_rate("heavy_ball")) == 0
G = md.gradient_filter_system("heavy_ball", 0.1, 0.9)
assert abs(float(G.dcgain()) - md.effective_learning_rate("heavy_ball", 0.1, 0.9)) < 1e-12
assert abs(run("heavy_ball", 0.1, 0.9, np.ones(500))[-1] - 1.0) < 1e-12   # simulated
Hv, S.effective_learning_rate("heavy_ball")

# %% [markdown]
# ## 5. Lag behind a drifting gradient (the batch-norm reading)
#
# *"Batch-norm running statistics lag the current batch; the optimizer's velocity and the
# instantaneous gradient develop a phase difference; high $\beta$ amplifies it."*
#
# For a sinusoidal gradient $\cos(\omega t)$ the velocity lags by
# $\phi(\omega) = \operatorname{atan2}(\beta\sin\omega, 1-\beta\cos\omega)$ radians, i.e.
# $\phi/\omega$ steps; behind a ramp the lag is exactly $\beta/(1-\beta)$ steps. Both grow
# with $\beta$. Lines are the frequency response, circles the update rule run on numbers:

# %%
omega = np.geomspace(1e-3, np.pi, 200)
lags = np.array([md.tracking_lag("heavy_ball", 0.1, b, omega).radians
                 for b in (0.5, 0.9, 0.99)])
assert np.all(np.diff(lags, axis=0) >= 0)                        # more momentum, more lag
assert np.allclose(md.ramp_lag("heavy_ball", 0.1, [0.5, 0.9, 0.99]), [1, 9, 99])
t = np.arange(6000)
v = run("heavy_ball", 0.1, 0.9, 1e-3 * t)                        # ramp gradient
assert abs((t[-1] - v[-1] / (1.0 * 1e-3)) - 9) < 1e-6            # lags 9 steps
p = plot_tracking_lag("heavy_ball", 0.1, (0.5, 0.9, 0.99))

# %% [markdown]
# ## 6. Stationary variance under gradient noise: the discrete Lyapunov equation
#
# The stationary covariance of the state solves $P = APA^\top + \sigma^2 BB^\top$. For one
# curvature SymPy solves it exactly:

# %%
P = S.stationary_covariance("heavy_ball")
P[0, 0]

# %% [markdown]
# that is $\mathrm{Var}(x) = \dfrac{\alpha\sigma^2(1+\beta)}{\lambda(1-\beta)(2(1+\beta)-\alpha
# \lambda)}$. For $d$ dimensions `md.stationary_covariance` solves it blockwise in the
# Hessian's eigenbasis (closed form per pair of directions). Checked against
# `control.dlyap`, `scipy.linalg.solve_discrete_lyapunov` and a Monte-Carlo run of the
# update rule:

# %%
sub = {S.alpha: 0.1, S.beta: 0.8, S.curvature: 2.0, S.sigma: 1.0}
r1 = md.stationary_covariance("heavy_ball", 0.1, 0.8, hessian=[2.0], noise_cov=1.0)
assert abs(float(P[0, 0].subs(sub)) - r1.x[0, 0]) < 1e-14

Sigma = M @ M.T / 4
r = md.stationary_covariance("heavy_ball", 0.2, 0.7, H, Sigma)
A, B = md.state_space_matrices("heavy_ball", 0.2, 0.7, hessian=H)
dense = control.dlyap(A, B @ Sigma @ B.T)
assert np.allclose(r.state, dense, rtol=1e-10, atol=1e-12)
assert np.allclose(r.state, scipy.linalg.solve_discrete_lyapunov(A, B @ Sigma @ B.T),
                   rtol=1e-10, atol=1e-12)

chains = 20000
L_chol = np.linalg.cholesky(Sigma)
x = np.zeros((chains, 4))
v = np.zeros_like(x)
for _ in range(300):
    noise = rng.normal(size=(chains, 4)) @ L_chol.T
    x, v = m.step((x, v), lambda x_, n=noise: x_ @ H + n, alpha=0.2, beta=0.7)
mc = np.cov(x.T)
se = np.sqrt((mc**2 + np.outer(np.diag(mc), np.diag(mc))) / chains)
assert np.all(np.abs(mc - r.x) < 5 * se)
r

# %% [markdown]
# Unstable settings have no stationary distribution, and say so:

# %%
try:
    md.stationary_covariance("heavy_ball", 1.0, 0.5, hessian=[5.0])
except ValueError as exc:
    print(exc)

# %% [markdown]
# ## 7. Federated server momentum: variance against $\beta$ and the best stable $\beta^*$
#
# *"The server keeps an EMA of client updates; client heterogeneity brings noise; by a
# state-space model and the discrete Lyapunov equation one finds the $\beta^*$ that
# minimises the variance of the global model while keeping the system stable."*
#
# Model (see `momentum_dynamics.applications.federated`): clients share the Hessian, their
# optima scatter with covariance $\Sigma_{het}$; $M$ of $N$ clients run $K$ local steps;
# the server sees the pseudo-gradient $P(x-x^*)$ with $P = I-(I-\eta_l H)^K$ plus noise of
# covariance $c_M P\Sigma_{het}P$, and applies heavy ball. On one direction with
# $h = \eta_s p$, SymPy minimises the variance exactly:

# %%
h, b = sp.symbols("h beta", positive=True)
var = S.stationary_covariance("heavy_ball")[0, 0].subs(S.alpha * S.curvature, h)
var = sp.simplify(var.subs(S.curvature, h / S.alpha).subs(S.beta, b))
crit = sp.solve(sp.numer(sp.together(sp.diff(var, b))), b)
crit

# %% [markdown]
# The stationary point in $(-1, 1)$ is $\beta^* = \sqrt{h}-1$: momentum *lowers* the
# variance only when $h = \eta_s p > 1$; for smaller server steps the best momentum is
# negative. It is stable because $\sqrt h - 1 > h/2 - 1$ for $0 < h < 4$. The numeric
# search agrees, and a dimension-50 model shows the same pattern per server learning
# rate:

# %%
for hv in (0.5, 2.25):
    fq1 = server_momentum_model([hv], 1.0, clients_per_round=4)
    assert abs(optimal_server_beta(fq1, 1.0).beta - (np.sqrt(hv) - 1)) < 1e-7

curv = np.geomspace(0.01, 1.0, 50)
fq = server_momentum_model(curv, 1.0, clients_per_round=10, total_clients=100,
                           local_steps=5, local_lr=0.3)
plot = plot_variance_versus_beta(fq, (0.5, 1.0, 2.0, 4.0))
[(round(r.beta, 3), r.at_boundary) for r in plot.results]

# %% [markdown]
# Holding the **effective** learning rate $\eta_s/(1-\beta)$ fixed instead, the variance
# falls all the way to $\beta \to 1$ (for this model; the search reports that its optimum
# is at the end of the range rather than pretending to an interior $\beta^*$):

# %%
r_eff = optimal_server_beta(fq, 1.0, hold="effective_lr")
grid = server_variance(fq, 1.0, np.linspace(0, 0.98, 30), hold="effective_lr")
assert r_eff.at_boundary and np.all(np.diff(grid) < 0)
r_eff

# %% [markdown]
# ## Summary
#
# | claim | status |
# |---|---|
# | momentum is a linear system | derived; python-control agrees |
# | step/impulse response of the model = update rule | checked by simulation |
# | EMA: low-pass IIR, cut-off set by $\beta$ | exact ($\omega_c\approx1-\beta$: approx) |
# | heavy-ball velocity DC gain = effective learning rate | exact |
# | high $\beta$ amplifies the lag behind a drifting gradient | exact: $\beta/(1-\beta)$ steps |
# | stationary variance from the discrete Lyapunov equation | exact; dlyap, SciPy, MC agree |
# | server $\beta^*$ minimising variance subject to stability | $\sqrt{h}-1$ in 1-D; numeric in $d$|

# %% [markdown]
# ## References
#
# - G. Goh (2017). Why momentum really works. *Distill*.
# - J. Ma, D. Yarats (2019). Quasi-hyperbolic momentum and Adam for deep learning. *ICLR*.
# - I. Sutskever, J. Martens, G. Dahl, G. Hinton (2013). On the importance of initialization
#   and momentum in deep learning. *ICML*.
# - T.-M. H. Hsu, H. Qi, M. Brown (2019). Measuring the effects of non-identical data
#   distribution for federated visual classification. arXiv:1909.06335 (FedAvgM).
