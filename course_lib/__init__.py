"""course_lib: the reference code of the course "Optimization algorithms for deep learning".

Modules: :mod:`~course_lib.optim` (optimizers faithful to ``torch.optim``),
:mod:`~course_lib.schedules` (learning-rate schedules as ``lr(t)``),
:mod:`~course_lib.functions` (2-D and n-D landscapes with gradients and Hessians).
"""

__version__ = "0.1.0"
