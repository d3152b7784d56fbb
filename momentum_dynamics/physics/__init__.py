"""Momentum as physics: a mass-spring-damper, a PD controller and an ODE limit.

Three readings of the same two-step recurrence, each *derived* from the update rule
(through its characteristic polynomial,
:func:`momentum_dynamics.symbolic.characteristic_polynomial`) and each checked against
an independent computation in ``tests/test_physics.py``.

**Mass-spring-damper.** On the quadratic :math:`f(x) = \\lambda x^2/2` a two-state
method is the recurrence :math:`p(E)\\,x = 0` with :math:`E x_k = x_{k+1}`. Writing

.. math:: z^{-1} p(z) = M\\,(z - 2 + z^{-1}) + C\\,(1 - z^{-1}) + K

reads it as a central second difference (mass), a *backward* first difference
(damping) and a stiffness term at :math:`x_k`, i.e. as the finite-difference form of
:math:`m\\ddot x + c\\dot x + k x = 0` with :math:`\\ddot x \\approx (x_{k+1} - 2x_k +
x_{k-1})/\\Delta t^2`, :math:`\\dot x \\approx (x_k - x_{k-1})/\\Delta t`. Scaling so that
the stiffness is the curvature, :math:`k = \\lambda`, gives

.. math:: m = \\frac{M \\lambda}{K}\\Delta t^2, \\qquad c = \\frac{C\\lambda}{K}\\Delta t,
          \\qquad \\zeta = \\frac{c}{2\\sqrt{mk}} = \\frac{C}{2\\sqrt{MK}},
          \\qquad \\omega_n = \\sqrt{k/m}.

Heavy ball: :math:`M = 1`, :math:`C = 1-\\beta`, :math:`K = \\alpha\\lambda`, so
:math:`m = \\Delta t^2/\\alpha`, :math:`c = (1-\\beta)\\Delta t/\\alpha` and
:math:`\\zeta = (1-\\beta)/(2\\sqrt{\\alpha\\lambda})`; at :math:`\\Delta t = 1` this is
the usual mass :math:`1/\\alpha` and damping :math:`(1-\\beta)/\\alpha` (Qian 1999). Nesterov:
:math:`C = 1 - \\beta + \\alpha\\beta\\lambda`, an extra curvature-dependent (Hessian)
damping :math:`\\beta\\lambda\\Delta t`.

**PD controller.** :math:`m\\ddot x = -k_p x - k_d \\dot x` with :math:`k_p = \\lambda`
and :math:`k_d = c` (:math:`(1-\\beta)/\\alpha` at unit time step), or on the unit-mass double
integrator :math:`\\ddot x = -(k_p/m) x - (k_d/m)\\dot x`; the closed loop is built with
python-control.

**ODE limits.** With time step :math:`\\Delta t = \\sqrt{\\alpha}` heavy ball is
:math:`\\ddot X + a\\dot X + \\nabla f(X) = 0`, :math:`a = (1-\\beta)/\\sqrt\\alpha`; Nesterov
with the schedule :math:`\\beta_k = (k-1)/(k+2)` tends to
:math:`\\ddot X + (3/t)\\dot X + \\nabla f(X) = 0` (Su, Boyd & Candès 2016); gradient
descent with :math:`\\Delta t = \\alpha` to gradient flow. :func:`discretisation_error`
measures the distance to the ODE and its order.

**Symbols.** ``dt`` (:math:`\\Delta t`) is the physical time one iteration stands for
in the mass-spring-damper and PD readings, free to choose (default 1, the usual
mass :math:`1/\\alpha`). ``h`` is the one time step at which the mass is one, derived by
:func:`ode_parameters` together with the friction :math:`\\gamma` (heavy ball and
Nesterov: :math:`h = \\sqrt\\alpha`, :math:`\\gamma = (1-\\beta)/\\sqrt\\alpha`; the
inverse map is :func:`momentum_from_ode`). The ODE limits (arguments ``time_step``,
``step``, ``steps``) and all of :mod:`momentum_dynamics.statphys` use ``h``.

Which answer to trust. The continuous readings are approximations for small
:math:`\\alpha\\lambda`; the discrete formulas (poles of the recurrence, exact
:func:`momentum_dynamics.critical_beta`) are what the iteration does. See
:func:`critical_damping_comparison`.
"""

from __future__ import annotations

# The package re-exports each submodule's public names (its ``__all__``), as
# python-control does; the names are listed once, in the submodule.
from . import mechanics, ode_limits, pd_control
from .mechanics import *  # noqa: F403
from .ode_limits import *  # noqa: F403
from .pd_control import *  # noqa: F403

__all__ = [*mechanics.__all__, *pd_control.__all__, *ode_limits.__all__]
