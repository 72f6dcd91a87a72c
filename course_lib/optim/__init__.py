"""Reference optimizers, numerically faithful to ``torch.optim`` (float64, ``foreach=False``).

Contract::

    opt = Adam(lr=0.05)                        # torch's hyperparameter names and defaults
    state = opt.init(x0)                       # explicit, inspectable NamedTuple
    x1, state = opt.update(x0, grad, state)    # pure: inputs are never mutated
    traj = minimize(opt, fun, x0, steps=200)   # Trajectory: xs, losses, lrs, diverged_at
"""

from ._base import Optimizer
from .adadelta import Adadelta, AdadeltaState
from .adagrad import Adagrad, AdagradState
from .adam import Adam, AdamState, AdamW
from .adamax import Adamax, AdamaxState
from .lbfgs import LBFGS, LBFGSState, two_loop_direction
from .line_search import backtracking_armijo, cubic_interpolate, strong_wolfe
from .minimize import Trajectory, as_objective, minimize
from .nadam import NAdam, NAdamState
from .newton import Newton, NewtonState
from .radam import RAdam, RAdamState
from .rmsprop import RMSprop, RMSpropState
from .sgd import SGD, SGDState

#: Every optimizer class, by its torch name.
OPTIMIZERS = {
    cls.__name__: cls
    for cls in (SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax, NAdam, RAdam, LBFGS, Newton)
}

__all__ = [
    "OPTIMIZERS", "Optimizer", "Trajectory", "minimize", "as_objective",
    "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Adamax", "NAdam", "RAdam",
    "LBFGS", "Newton", "two_loop_direction", "strong_wolfe", "cubic_interpolate", "backtracking_armijo",
    "SGDState", "AdagradState", "RMSpropState", "AdadeltaState", "AdamState", "AdamaxState",
    "NAdamState", "RAdamState", "LBFGSState", "NewtonState",
]
