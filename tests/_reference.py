"""Hand-written update rules: the independent reference the tests compare against.

Written out from the seed's recurrences (and QHM), deliberately not derived from
``momentum_dynamics.methods``.
"""

NU = 0.7  # QHM's extra hyper-parameter in the numeric checks


def hand_step(name, x, v, grad, alpha, beta=None, nu=NU):
    """One step of the named method, written out."""
    if name == "gd":
        return x - alpha * grad(x), v
    if name == "heavy_ball":
        v = beta * v + alpha * grad(x)
        return x - v, v
    if name == "nesterov":
        v = beta * v + alpha * grad(x - beta * v)
        return x - v, v
    if name == "ema_momentum":
        v = beta * v + (1 - beta) * grad(x)
        return x - alpha * v, v
    if name == "qhm":
        g = grad(x)
        v = beta * v + (1 - beta) * g
        return x - alpha * ((1 - nu) * g + nu * v), v
    raise AssertionError(name)
