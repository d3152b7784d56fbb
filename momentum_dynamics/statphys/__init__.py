"""Statistical physics of momentum: optimisation versus sampling.

Three dynamics on the same potential ``f``, with mass 1 unless stated:

* **Leapfrog (HMC)**, the velocity-Verlet integrator of Hamilton's equations
  :math:`\\dot x = p/m`, :math:`\\dot p = -\\nabla f(x)`; it conserves the energy
  :math:`E = p^2/(2m) + f(x)` up to a bounded :math:`O(h^2)` error.
* **Heavy ball**, read as a damped mechanical system. With the time step
  :math:`h = \\sqrt\\alpha`, the velocity :math:`p_k = -v_k/\\sqrt\\alpha` and the friction
  :math:`\\gamma = (1-\\beta)/\\sqrt\\alpha`, the update of :mod:`momentum_dynamics.methods`
  is exactly

  .. math:: p_{k+1} = \\beta p_k - h \\nabla f(x_k), \\qquad x_{k+1} = x_k + h\\, p_{k+1},

  the semi-implicit (symplectic) Euler scheme for :math:`\\ddot x + \\gamma \\dot x +
  \\nabla f(x) = 0` (since :math:`\\beta = 1 - \\gamma h`). The mechanical energy
  :math:`E_k = p_k^2/2 + f(x_k)` is dissipated; on a quadratic it decreases at *every*
  step from *every* state iff :math:`\\beta^2 \\le 1 - \\alpha\\lambda_{\\max}`
  (:func:`heavy_ball_monotone_beta`); above that bound it decreases only on average.
* **Underdamped Langevin / SGHMC** with fluctuation-dissipation noise,

  .. math:: v_{k+1} = (1 - \\gamma h) v_k - h \\nabla f(x_k) + \\sqrt{2 r \\gamma T h}\\,
            \\zeta_k, \\qquad x_{k+1} = x_k + h\\, v_{k+1}, \\qquad \\zeta_k \\sim N(0, I),

  whose noise factor ``r = 1`` matches the friction (Einstein relation). This is heavy ball
  with :math:`\\alpha = h^2`, :math:`\\beta = 1 - \\gamma h`, :math:`v^{HB} = -h v` and
  gradient noise of variance :math:`\\sigma^2 = 2 r \\gamma T / h`; equivalently heavy
  ball with gradient noise :math:`\\sigma^2` samples at the temperature
  :math:`T = \\alpha\\sigma^2 / (2(1-\\beta))` (:func:`heavy_ball_temperature`).

**Symbols and methods.** ``h`` (argument ``step``) is always the time step at which the
mass is one, and ``gamma`` (argument ``friction``) the friction, as given by
:func:`momentum_dynamics.physics.ode_parameters`; no statphys argument is called ``dt``
(the ``dt`` of an SDE below is its time differential, in iterations). Where the
derivation is generic (:func:`langevin_matrices`, :func:`langevin_stationary_covariance`,
:func:`langevin_bias`, :func:`effective_temperature`, :func:`momentum_sgd_sde`) any
registered two-state method with momentum is accepted (``method="nesterov"``,
``"ema_momentum"``, ...): its velocity is :math:`(x_k - x_{k-1})/h`, a function of its
state solved from :func:`momentum_dynamics.symbolic.state_space`. The simulations run
the update rule through :func:`momentum_dynamics.simulate.simulate` (gradient noise and
schedules are its hooks) on its :class:`~momentum_dynamics.simulate.Quadratic`.

On a quadratic :math:`f = x^\\top H x/2` the Langevin scheme is linear, and its stationary
covariance solves a discrete Lyapunov equation (:func:`langevin_stationary_covariance`).
In one dimension (derived by :func:`langevin_bias`)

.. math:: \\mathrm{Var}(x) = \\frac{rT}{\\lambda}\\,
          \\frac{1}{1 - \\frac{\\lambda h^2}{2(2 - \\gamma h)}}
          = \\frac{rT}{\\lambda}\\Big(1 + \\frac{\\lambda h^2}{4} + O(h^3)\\Big), \\qquad
          \\mathrm{Var}(v) = \\frac{4 rT}{4 - 2\\gamma h - \\lambda h^2}
          = rT\\Big(1 + \\frac{\\gamma h}{2} + O(h^2)\\Big),

so the Boltzmann values :math:`T/\\lambda` and :math:`T` are exact only as
:math:`h \\to 0` (configurational bias second order, kinetic bias first order), and a
noise that does not match the friction gives the temperature :math:`rT`.

**Non-equilibrium reading.** In the small-step limit momentum SGD in :math:`(\\theta, v)`
(time in iterations) is the linear SDE :math:`ds = F s\\,dt + \\sqrt{2D}\\,dW` with

.. math:: F = \\begin{pmatrix} 0 & -I \\\\ \\alpha H & -(1-\\beta) I \\end{pmatrix}, \\qquad
          D = \\begin{pmatrix} 0 & 0 \\\\ 0 & \\alpha^2 \\Sigma_\\xi / 2 \\end{pmatrix}

(:func:`momentum_sgd_sde`): :math:`v_{k+1} - v_k = -(1-\\beta) v_k + \\alpha(H\\theta_k +
\\xi_k)` exactly, and :math:`\\theta_{k+1} - \\theta_k = -v_{k+1} = -v_k + O(\\text{increment})`.
The stationary covariance solves :math:`F\\Sigma + \\Sigma F^\\top + 2D = 0`; writing
:math:`F = -(D + Q)\\Sigma^{-1}` the matrix :math:`Q = -F\\Sigma - D` is antisymmetric, and the
stationary probability current is :math:`J(s) = (F + D\\Sigma^{-1}) s\\, p(s) =
-Q\\Sigma^{-1} s\\, p(s)` (divergence free). For momentum SGD :math:`Q \\neq 0` and the
drift has curl :math:`1 + \\alpha\\lambda \\neq 0`: there is a persistent circulating
current, so detailed balance fails when :math:`(\\theta, v)` are both treated as even
under time reversal. With the physical parity (:math:`v` odd) the same process satisfies
*extended* detailed balance whenever the noise is co-diagonal with :math:`H` (it is then
underdamped Langevin, the current is the reversible Hamiltonian one); only noise that is
not co-diagonal with the Hessian gives a genuine non-equilibrium steady state
(:func:`continuous_detailed_balance`, :func:`discrete_detailed_balance`).
"""

# The package re-exports each submodule's public names (its ``__all__``), as
# python-control does; the names are listed once, in the submodule.
from . import integrators, langevin, ness, potentials, reversibility
from .integrators import *  # noqa: F403
from .integrators import Trajectory as Trajectory  # the former name of PhaseSpaceTrajectory
from .langevin import *  # noqa: F403
from .langevin import HeavyBallTemperature as HeavyBallTemperature  # former name
from .ness import *  # noqa: F403
from .potentials import *  # noqa: F403
from .reversibility import *  # noqa: F403

__all__ = [
    *potentials.__all__,
    *integrators.__all__,
    *langevin.__all__,
    *ness.__all__,
    *reversibility.__all__,
]
