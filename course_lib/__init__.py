"""course_lib: the reference code of the course "Optimization algorithms for deep learning".

Modules: :mod:`~course_lib.optim` (optimizers faithful to ``torch.optim``),
:mod:`~course_lib.schedules` (learning-rate schedules as ``lr(t)``),
:mod:`~course_lib.functions` (2-D and n-D landscapes with gradients and Hessians),
:mod:`~course_lib.presets` (optimizers by short name), :mod:`~course_lib.plotting` (static
figures, GIF export), :mod:`~course_lib.widgets` and :mod:`~course_lib.explorers`
(interactive explorers). Command line: ``python -m course_lib --help``.
"""

__version__ = "0.1.0"
