"""Registry-driven properties every reference optimizer must have."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from optim_registry import FIRST_ORDER, REGISTRY, all_configs

from course_lib import functions, optim, schedules

QUADRATIC = functions.ill_conditioned_quadratic(kappa=10.0, angle=30.0)
CONCAVE = functions.Quadratic(-QUADRATIC.A)  # for maximize: unbounded below, bounded above by 0
STEPS = 100


def state_arrays(state):
    """Every array in a state (a NamedTuple, possibly with tuples of arrays)."""
    for value in state:
        if isinstance(value, np.ndarray):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, np.ndarray))


def assert_states_equal(a, b):
    assert type(a) is type(b)
    for left, right in zip(a, b, strict=True):
        if isinstance(left, tuple):
            assert len(left) == len(right)
            for u, v in zip(left, right, strict=True):
                np.testing.assert_array_equal(u, v)
        else:
            np.testing.assert_array_equal(left, right)


@pytest.mark.parametrize(("info", "kwargs"), all_configs())
def test_loss_goes_down(info, kwargs):
    traj = optim.minimize(info.cls(**kwargs), QUADRATIC, steps=STEPS)
    assert traj.diverged_at is None
    assert traj.final_loss < 1e-2 * traj.losses[0]


@pytest.mark.parametrize(("info", "kwargs"), all_configs([i for i in REGISTRY if i.maximize]))
def test_maximize_goes_up(info, kwargs):
    traj = optim.minimize(info.cls(**kwargs, maximize=True), CONCAVE, x0=QUADRATIC.start, steps=STEPS)
    assert traj.final_loss > 0.5 * traj.losses[0]  # losses are negative: climbing towards 0
    assert traj.final_loss > traj.losses[0]


@pytest.mark.parametrize(("info", "kwargs"), all_configs(FIRST_ORDER))
def test_maximize_equals_minimizing_the_negated_gradient(info, kwargs):
    rng = np.random.default_rng(0)
    x, grads = rng.normal(size=3), rng.normal(size=(5, 3))
    up, down = info.cls(**kwargs, maximize=True), info.cls(**kwargs)
    xu, su, xd, sd = x, up.init(x), x, down.init(x)
    for g in grads:
        xu, su = up.update(xu, g, su)
        xd, sd = down.update(xd, -g, sd)
    np.testing.assert_array_equal(xu, xd)


@pytest.mark.parametrize(("info", "kwargs"), all_configs([i for i in FIRST_ORDER if i.l2_weight_decay]))
def test_l2_weight_decay_adds_lambda_x_to_the_gradient(info, kwargs):
    rng = np.random.default_rng(1)
    x, grads = rng.normal(size=4), rng.normal(size=(5, 4))
    decayed, plain = info.cls(**{**kwargs, "weight_decay": 0.3}), info.cls(**{**kwargs, "weight_decay": 0.0})
    xa, sa, xb, sb = x, decayed.init(x), x, plain.init(x)
    for g in grads:
        xa, sa = decayed.update(xa, g, sa)
        xb, sb = plain.update(xb, g + 0.3 * xb, sb)
    np.testing.assert_array_equal(xa, xb)


@pytest.mark.parametrize(("info", "kwargs"), all_configs(FIRST_ORDER))
def test_update_is_pure_and_deterministic(info, kwargs):
    opt = info.cls(**kwargs)
    rng = np.random.default_rng(2)
    x, g = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    _, state = opt.update(x, g, opt.init(x))  # a state with filled buffers
    copies = (x.copy(), g.copy(), [a.copy() for a in state_arrays(state)])
    first = opt.update(x, g, state)
    second = opt.update(x, g, state)
    np.testing.assert_array_equal(x, copies[0])
    np.testing.assert_array_equal(g, copies[1])
    for before, after in zip(copies[2], state_arrays(state), strict=True):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(first[0], second[0])
    assert_states_equal(first[1], second[1])
    assert first[1].step == state.step + 1


@pytest.mark.parametrize(("info", "kwargs"), all_configs())
def test_step_does_not_mutate_x(info, kwargs):
    opt = info.cls(**kwargs)
    x = QUADRATIC.start.copy()
    x_new, loss, _ = opt.step(x, QUADRATIC, opt.init(x))
    np.testing.assert_array_equal(x, QUADRATIC.start)
    assert loss == QUADRATIC.value(x) and not np.shares_memory(x_new, x)


@pytest.mark.parametrize(("info", "kwargs"), all_configs(FIRST_ORDER))
def test_dtype_is_kept(info, kwargs):
    opt = info.cls(**kwargs)
    x = np.array([[0.5, -1.0], [2.0, 0.25]], dtype=np.float32)
    state = opt.init(x)
    for _ in range(3):
        x, state = opt.update(x, (2 * x).astype(np.float32), state)
    assert x.dtype == np.float32
    assert all(a.dtype == np.float32 for a in state_arrays(state))


@pytest.mark.parametrize("info", REGISTRY, ids=lambda i: i.name)
def test_invalid_hyperparameters_are_rejected_with_torchs_message(info):
    for kwargs, message in info.invalid:
        with pytest.raises(ValueError, match=re.escape(message)):
            info.cls(**kwargs)


@pytest.mark.parametrize("info", REGISTRY, ids=lambda i: i.name)
def test_replace_and_repr(info):
    opt = info.cls(**info.configs[-1])
    assert eval(repr(opt), {**vars(optim), "inf": np.inf}) == opt
    changed = opt.replace(lr=0.125)
    assert changed.lr == 0.125 and opt.lr == info.configs[-1].get("lr", opt.lr)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        opt.replace(lr=-1.0)


@pytest.mark.parametrize("info", FIRST_ORDER, ids=lambda i: i.name)
def test_constant_schedule_equals_float_lr(info):
    kwargs = info.configs[0]
    by_float = optim.minimize(info.cls(**kwargs), QUADRATIC, steps=20)
    by_schedule = optim.minimize(info.cls(**{**kwargs, "lr": schedules.Constant(kwargs["lr"])}), QUADRATIC, steps=20)
    np.testing.assert_array_equal(by_float.xs, by_schedule.xs)


# --- equivalences between optimizers -------------------------------------------------------

def run_updates(opt, x, grads):
    state = opt.init(x)
    for g in grads:
        x, state = opt.update(x, g, state)
    return x


GRADS = np.random.default_rng(3).normal(size=(8, 3))
X0 = np.array([0.3, -1.2, 2.0])


def test_sgd_momentum_zero_is_plain_gradient_descent():
    expected = X0.copy()
    for g in GRADS:
        expected = expected - 0.1 * g
    np.testing.assert_allclose(run_updates(optim.SGD(lr=0.1, momentum=0.0), X0, GRADS), expected, rtol=0, atol=1e-15)


def test_sgd_momentum_buffer_starts_as_the_first_gradient_without_dampening():
    opt = optim.SGD(lr=0.1, momentum=0.9, dampening=0.5)
    _, state = opt.update(X0, GRADS[0], opt.init(X0))
    np.testing.assert_array_equal(state.momentum_buffer, GRADS[0])
    _, state = opt.update(X0, GRADS[1], state)
    np.testing.assert_allclose(state.momentum_buffer, 0.9 * GRADS[0] + 0.5 * GRADS[1], rtol=1e-15)


def test_adamw_with_zero_weight_decay_equals_adam():
    np.testing.assert_array_equal(
        run_updates(optim.AdamW(lr=0.05, weight_decay=0.0), X0, GRADS), run_updates(optim.Adam(lr=0.05), X0, GRADS)
    )


def test_adam_with_decoupled_weight_decay_equals_adamw():
    np.testing.assert_array_equal(
        run_updates(optim.Adam(lr=0.05, weight_decay=0.2, decoupled_weight_decay=True), X0, GRADS),
        run_updates(optim.AdamW(lr=0.05, weight_decay=0.2), X0, GRADS),
    )


def test_adam_first_step_is_lr_times_sign_at_any_gradient_scale():
    for scale in (1e-6, 1.0, 1e6):
        x1 = run_updates(optim.Adam(lr=0.01, eps=0.0), X0, GRADS[:1] * scale)
        np.testing.assert_allclose(x1, X0 - 0.01 * np.sign(GRADS[0]), rtol=0, atol=1e-15)


def test_adam_with_beta1_zero_and_no_eps_is_rmsprop_with_bias_correction():
    beta2, lr = 0.9, 0.01
    x = X0.copy()
    v = np.zeros(3)
    for t, g in enumerate(GRADS, start=1):
        v = beta2 * v + (1 - beta2) * g * g
        x = x - lr * g / np.sqrt(v / (1 - beta2**t))
    np.testing.assert_allclose(run_updates(optim.Adam(lr=lr, betas=(0.0, beta2), eps=0.0), X0, GRADS), x, rtol=1e-13)


def test_radam_takes_plain_momentum_steps_while_rho_is_at_most_5():
    # with the default betas rho_t <= 5 for t <= 5: RAdam equals SGD on the bias-corrected EMA
    x, m = X0.copy(), np.zeros(3)
    for t, g in enumerate(GRADS[:5], start=1):
        m = 0.9 * m + 0.1 * g
        x = x - 0.05 * m / (1 - 0.9**t)
    np.testing.assert_allclose(run_updates(optim.RAdam(lr=0.05), X0, GRADS[:5]), x, rtol=1e-14)


def test_amsgrad_keeps_the_max_of_raw_second_moments():
    opt = optim.Adam(lr=0.1, betas=(0.9, 0.5), amsgrad=True)
    big_then_small = np.array([[10.0, 10.0, 10.0]] + [[0.1, 0.1, 0.1]] * 4)
    state = opt.init(X0)
    x = X0
    for g in big_then_small:
        x, state = opt.update(x, g, state)
    assert np.all(state.max_exp_avg_sq >= state.exp_avg_sq)
    np.testing.assert_allclose(state.max_exp_avg_sq, 0.5 * 100.0)  # (1 - beta2) * g1^2: never decays


def test_rmsprop_is_an_ema_and_adagrad_a_sum():
    g = np.ones(3)
    _, rms = optim.RMSprop(alpha=0.9).update(X0, g, optim.RMSprop(alpha=0.9).init(X0))
    _, ada = optim.Adagrad().update(X0, g, optim.Adagrad().init(X0))
    np.testing.assert_allclose(rms.square_avg, 0.1)
    np.testing.assert_allclose(ada.sum, 1.0)


def test_adagrad_effective_step_only_shrinks():
    opt = optim.Adagrad(lr=1.0)
    state, x = opt.init(X0), X0
    effective = []
    for g in np.random.default_rng(4).normal(scale=100.0, size=(50, 3)):
        x, state = opt.update(x, g, state)
        effective.append(1.0 / (np.sqrt(state.sum) + opt.eps))
    assert np.all(np.diff(np.array(effective), axis=0) <= 0)


def test_newton_solves_a_quadratic_in_one_step():
    traj = optim.minimize(optim.Newton(), QUADRATIC, steps=1)
    np.testing.assert_allclose(traj.final_x, QUADRATIC.minima[0], atol=1e-14)


def test_newton_with_large_damping_is_a_small_gradient_step():
    x1, _, _ = optim.Newton(damping=1e8).step(QUADRATIC.start, QUADRATIC, optim.Newton().init(QUADRATIC.start))
    np.testing.assert_allclose(x1, QUADRATIC.start - 1e-8 * QUADRATIC.grad(QUADRATIC.start), rtol=1e-6)


def test_closure_optimizers_refuse_a_bare_gradient():
    for cls in (optim.LBFGS, optim.Newton):
        with pytest.raises(TypeError, match="step"):
            cls().update(X0, GRADS[0], cls().init(X0))


def test_lbfgs_direction_equals_the_bfgs_inverse_hessian_product():
    rng = np.random.default_rng(5)
    n, pairs = 4, 3
    A = rng.normal(size=(n, n))
    A = A @ A.T + n * np.eye(n)
    steps = rng.normal(size=(pairs, n))
    dirs = steps @ A  # y = A s for a quadratic
    ro = [1.0 / float(y @ s) for y, s in zip(dirs, steps, strict=True)]
    gamma = float(steps[-1] @ dirs[-1]) / float(dirs[-1] @ dirs[-1])
    H = gamma * np.eye(n)
    for s, y, r in zip(steps, dirs, ro, strict=True):  # explicit BFGS inverse update
        V = np.eye(n) - r * np.outer(y, s)
        H = V.T @ H @ V + r * np.outer(s, s)
    g = rng.normal(size=n)
    d = optim.two_loop_direction(g, list(dirs), list(steps), ro, gamma)
    np.testing.assert_allclose(d, -H @ g, rtol=1e-12)


# --- hypothesis: any shape, any valid hyperparameters --------------------------------------

finite = st.floats(-1e3, 1e3, allow_nan=False, width=64)
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    info=st.sampled_from(FIRST_ORDER),
    lr=st.floats(1e-4, 1.0),
    weight_decay=st.sampled_from([0.0, 0.01]),
)
def test_any_shape_keeps_shape_and_stays_finite(data, info, lr, weight_decay):
    shape = data.draw(shapes)
    x = data.draw(hnp.arrays(np.float64, shape, elements=finite))
    grads = data.draw(hnp.arrays(np.float64, (3, *shape), elements=finite))
    opt = info.cls(**{**info.configs[0], "lr": lr, "weight_decay": weight_decay})
    state = opt.init(x)
    for g in grads:
        x_new, state = opt.update(x, g, state)
        assert np.shape(x_new) == shape and np.all(np.isfinite(x_new))
        x = x_new


def test_backtracking_armijo_accepts_the_first_sufficient_decrease():
    f = functions.Quadratic(np.eye(2))
    x, d = np.array([1.0, 0.0]), np.array([-4.0, 0.0])
    # f(x + t d) = 0.5 (1 - 4t)^2 <= 0.5 - 4 c1 t first holds at t = 1/4 (trials 1, 1/2, 1/4)
    assert optim.backtracking_armijo(f, x, d) == (0.25, 3)
    assert optim.backtracking_armijo(f, x, d, t0=0.25) == (0.25, 1)
    with pytest.raises(ValueError, match="not a descent direction"):
        optim.backtracking_armijo(f, x, -d)
    with pytest.raises(ValueError, match="Invalid Armijo parameters"):
        optim.backtracking_armijo(f, x, d, shrink=1.5)
