"""momentum_dynamics: momentum optimizers as discrete-time dynamical systems."""

from .methods import Method, available_methods, get_method, register_method, unregister_method

__version__ = "0.1.0"
