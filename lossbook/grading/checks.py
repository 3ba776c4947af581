"""Checking a learner's answers: the shared logic behind every exercise's tests.

The otter tests of the exercises (written in ``solutions/NN_name.ipynb``) are
short: each calls one check from this module, which compares the learner's
answer with a value the test computed independently and, when they differ,
raises :class:`Feedback` with a message that says what is wrong and names the
likely mistake ("It is 4 times too large. Did you sum instead of
averaging?"). Otter shows that message under the question's
``grader.check``.

* :func:`check_call` calls a learner's function on given inputs and checks
  the result.
* :func:`check_raises` checks that a learner's function refuses bad input.
* :func:`check_number` checks a number the learner computed.
* :func:`check_choice` checks a multiple-choice answer (a letter).
* :func:`score_report` shows the score table of the check-all cell.

Every check takes the notebook's global namespace ``env`` and the *name* of
the answer, so it can tell a missing answer from a wrong one. It survives
whatever the learner wrote: a name that is not defined, a stub still holding
``...``, a function that returns ``None``, raises, prints instead of
returning, returns the wrong shape or NaN, changes its input in place, or
loops forever (it is stopped after :data:`CALL_TIME_LIMIT` seconds) each give
a clear message and fail the test case, never a crash of the grader.

A *mistakes* mapping names typical wrong answers: each key is the message to
show, each value the answer that mistake produces (computed in the test, for
example the sum where the mean is right); a list of ``(message, value)``
pairs may repeat a message for several values. The first mistake whose value
matches the learner's answer (same shape, equal within the tolerance, NaN
matching NaN) is named in the feedback. When none matches, the feedback still
says how the answer differs: its shape, NaN, the wrong sign, or a constant
factor.

Examples
--------
>>> env = {"mse": lambda y_true, y_pred, reduction="mean": float(sum(
...     (p - t) ** 2 for t, p in zip(y_true, y_pred)))}
>>> try:
...     check_call(env, "mse", ([1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 1.0, 5.0]),
...                expected=1.5,
...                mistakes={"Did you sum the squared errors instead of averaging them?": 6.0})
... except Feedback as fb:
...     print(fb)
mse([1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 1.0, 5.0]) returned 6.0, but the right value is 1.5. \
It is 4 times too large. Did you sum the squared errors instead of averaging them?
"""

from __future__ import annotations

import copy
import html
import inspect
import io
import signal
import threading
import traceback
import weakref
from contextlib import contextmanager, redirect_stdout
from typing import Any, Mapping, Sequence

import numpy as np

from .sandbox import _same  # the same test of "changed in place" on both sides

__all__ = [
    "CALL_TIME_LIMIT",
    "Feedback",
    "ScoreReport",
    "check_call",
    "check_choice",
    "check_number",
    "check_raises",
    "check_raises_saying",
    "score_report",
]

#: Seconds a learner's function may run on one test input before it is stopped
#: and the test case fails ("is there a loop that never ends?"). Correct
#: answers run in milliseconds. A function that ran out of time once fails
#: its later calls at once, so a hanging answer costs this long only once.
CALL_TIME_LIMIT = 5.0

_HUNG: "weakref.WeakSet" = weakref.WeakSet()
_MAX_SHOWN = 12  # arrays with more values are described by their shape


class Feedback(AssertionError):
    """A check failed. The message says what is wrong and the likely mistake.

    ``mistake`` names the mistake for the instructor's report: the key of the
    ``mistakes`` mapping that matched, or a short description of the failure
    ("not defined", "raised ValueError", "wrong value").
    """

    def __init__(self, message: str = "", mistake: str | None = None):
        super().__init__(message)
        self.mistake = mistake


class _TimeUp(BaseException):
    # A BaseException, so that ``except Exception`` in the learner's code
    # cannot swallow it.
    pass


# --------------------------------------------------------------------------
# Formatting values for messages
# --------------------------------------------------------------------------


def _fmt_float(x: float) -> str:
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    s = f"{x:.6g}"
    if not any(c in s for c in ".e"):
        s += ".0"
    return s


def _fmt_nested(a: np.ndarray) -> str:
    if a.ndim == 0:
        return _fmt_float(float(a))
    return "[" + ", ".join(_fmt_nested(row) for row in a) + "]"


def _fmt(value: Any, *, as_input: bool = False) -> str:
    """A short, readable (and for inputs, pasteable) form of ``value``."""
    if value is None or value is Ellipsis or isinstance(value, (str, bool)):
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return _fmt_float(float(value))
    if isinstance(value, tuple) and len(value) <= _MAX_SHOWN:
        inner = ", ".join(_fmt(v, as_input=as_input) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    try:
        arr = np.asarray(value)
    except Exception:  # a ragged list, an object without an array form
        return repr(value)[:80]
    if arr.dtype.kind not in "biuf":
        return repr(value)[:80]
    if arr.size > _MAX_SHOWN:
        return f"<an array of shape {arr.shape}>"
    if arr.dtype.kind in "iub":
        text = repr(arr.tolist())
    else:
        text = _fmt_nested(arr.astype(float))
    if isinstance(value, np.ndarray) and value.ndim > 0 and as_input:
        return f"np.array({text})"
    return text


def _describe_call(name: str, args: Sequence, kwargs: Mapping) -> str:
    parts = [_fmt(a, as_input=True) for a in args]
    parts += [f"{k}={_fmt(v, as_input=True)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _type_name(value: Any) -> str:
    return type(value).__name__


# --------------------------------------------------------------------------
# Looking up and calling the learner's answer
# --------------------------------------------------------------------------

_MISSING = object()


def _lookup(env: Mapping, name: str):
    if env is None:
        return _MISSING
    return env.get(name, _MISSING)


def _require_defined(value, name: str, kind: str):
    if value is _MISSING:
        raise Feedback(
            f"{name} is not defined yet. Run the cell where you define it (and the cells "
            f"above it), then run this check again. Keep the name {name} exactly as given.",
            mistake="not defined")
    if value is Ellipsis:
        raise Feedback(f"{name} is still `...`: replace the `...` with your {kind}.",
                       mistake="still a stub")


def _require_function(env: Mapping, name: str):
    func = _lookup(env, name)
    _require_defined(func, name, "code")
    if not callable(func):
        raise Feedback(
            f"{name} should be a function, but it is a {_type_name(func)} ({_fmt(func)}). "
            f"Did a later cell assign to the name {name}? Run the cell with `def {name}(...)` again.",
            mistake="not a function")
    reference = _reference_name(func)
    if reference:
        raise Feedback(
            f"{name} is the course package's own {reference}, imported rather than written. "
            "Write your own implementation in the answer cell: that is the exercise.",
            mistake="used the course's implementation")
    return func


def _reference_name(func) -> str:
    """'lossbook.mse' when ``func`` is one of the course package's public functions."""
    module = getattr(func, "module", None)
    if hasattr(func, "invoke") and isinstance(module, str):  # a learner's function, remote
        if module == "lossbook" or module.startswith("lossbook."):
            return f"lossbook.{func.__name__}"
        return ""
    import lossbook

    for public in getattr(lossbook, "__all__", []):
        if getattr(lossbook, public, None) is func:
            return f"lossbook.{public}"
    return ""


@contextmanager
def _time_limit(seconds: float | None):
    """Raise :class:`_TimeUp` in the block after ``seconds`` (where signals allow)."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:  # Windows, or a worker thread: no limit (the notebook limit still applies)
        yield
        return

    def _alarm(signum, frame):
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _where(exc: BaseException) -> str:
    """' (line 3 of mse: `return ...`)' for the learner's line that raised, if known."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    if not frames:
        return ""
    last = frames[-1]
    if "site-packages" in last.filename or "/numpy/" in last.filename:
        own = [f for f in frames if "site-packages" not in f.filename and "/numpy/" not in f.filename]
        if not own:
            return ""
        last = own[-1]
    line = (last.line or "").strip()
    where = f" (in {last.name}" + (f", at `{line}`" if line else "") + ")"
    return where


_ERROR_HINTS = {
    "NameError": " A name used in the function is not defined: check its spelling, and run the "
    "cells above (for example the one with `import numpy as np`).",
    "TypeError": " Check the types: the inputs may be Python lists (convert them with "
    "np.asarray), and the function must keep the stub's parameters.",
    "IndexError": " An index is out of range: check the axis and the shape you index with.",
    "AxisError": " The axis does not exist for this input: check its number of dimensions.",
    "RecursionError": " The function calls itself without end.",
    "ValueError": "",
}


class _Raised:
    """The outcome of a call that raised the error a check asked for."""

    def __init__(self, message: str):
        self.message = message


def _local_invoke(func, args: Sequence, kwargs: Mapping) -> dict:
    """Call ``func`` in this process; the outcome as :meth:`RemoteFunction.invoke` gives it."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        sig = None
    if sig is not None:
        try:
            sig.bind(*args, **kwargs)
        except TypeError:
            return {"kind": "bind_error", "signature": str(sig)}
    try:
        hung = func in _HUNG
    except TypeError:  # not weak-referenceable: never recorded
        hung = False
    if hung:
        return {"kind": "hung"}
    passed_args = [_snapshot(a) for a in args]
    passed_kwargs = {k: _snapshot(v) for k, v in kwargs.items()}
    printed = io.StringIO()
    try:
        with redirect_stdout(printed), _time_limit(CALL_TIME_LIMIT):
            result = func(*passed_args, **passed_kwargs)
    except _TimeUp:
        try:
            _HUNG.add(func)
        except TypeError:
            pass
        return {"kind": "timeout"}
    except (Exception, SystemExit) as exc:
        return {"kind": "raised", "error": {
            "type": _type_name(exc), "mro": [c.__name__ for c in type(exc).__mro__],
            "message": str(exc).strip(), "where": _where(exc)}}
    mutated = [i for i, (before, after) in enumerate(zip(args, passed_args))
               if not _same(before, after)]
    return {"kind": "ok", "value": result, "printed": printed.getvalue(), "mutated": mutated}


def _snapshot(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    return copy.deepcopy(value)


def _call(func, name: str, args: Sequence, kwargs: Mapping, expect_error=None):
    """Call the learner's function safely; return ``(result, printed_text, call_text)``.

    ``func`` runs in this process, or in the grading sandbox when it is a
    remote function (it has ``invoke``). With ``expect_error``, an exception of
    that type is the wanted outcome: the result is then a :class:`_Raised`.
    """
    call_text = _describe_call(name, args, kwargs)
    invoke = getattr(func, "invoke", None)
    outcome = invoke(args, kwargs) if callable(invoke) and hasattr(func, "session") else \
        _local_invoke(func, args, kwargs)
    kind = outcome["kind"]
    if kind == "bind_error":
        raise Feedback(
            f"{name}{outcome['signature']} cannot be called as {call_text}. "
            "Keep the parameters of the stub (names, order and defaults).",
            mistake="wrong parameters")
    limit = outcome.get("seconds") or CALL_TIME_LIMIT
    if kind == "hung":
        raise Feedback(
            f"{call_text} was not run: {name} already ran out of time on an earlier input "
            f"(limit {limit:g} s). Is there a loop that never ends?",
            mistake="ran out of time")
    if kind == "timeout":
        raise Feedback(
            f"{call_text} did not return within {limit:g} seconds, so it was stopped. "
            "Is there a loop that never ends? (A vectorised NumPy expression needs no loop.)",
            mistake="ran out of time")
    if kind == "crashed":
        raise Feedback(f"{call_text} stopped your code: {outcome.get('note', '')}.",
                       mistake="crashed")
    if kind == "missing":
        raise Feedback(f"{name} is no longer defined.", mistake="not defined")
    if kind == "raised":
        error = outcome["error"]
        exc_kind, message = error["type"], error["message"] or "(no message)"
        if expect_error is not None and expect_error.__name__ in error["mro"]:
            return _Raised(error["message"]), "", call_text
        if expect_error is not None:
            raise Feedback(
                f"{call_text} raised {exc_kind} ({message[:120]}), but it should raise "
                f"{expect_error.__name__}.", mistake=f"raised {exc_kind}")
        hint = _ERROR_HINTS.get(exc_kind, "")
        raise Feedback(f"{call_text} raised {exc_kind}: {message}{error['where']}.{hint}",
                       mistake=f"raised {exc_kind}")
    for i in outcome["mutated"]:
        raise Feedback(
            f"{call_text} changed its argument number {i + 1} in place (for example with "
            "`-=` or by assigning into it). A loss must not modify its inputs: compute a new "
            "array instead (r = y_pred - y_true).", mistake="changed its input")
    return outcome["value"], outcome["printed"], call_text


# --------------------------------------------------------------------------
# Comparing an answer with the right value
# --------------------------------------------------------------------------


def _to_array(value):
    """``(values, none)``: ``value`` as a float array, and where it holds ``None``
    (a tuple such as ``(None, 3)``, as early stopping returns); ``None`` when it
    is not numeric."""
    if isinstance(value, (str, bytes, dict, set)) or value is None or value is Ellipsis:
        return None
    if isinstance(value, (list, tuple)) and any(v is None for v in value):
        try:
            arr = np.array([np.nan if v is None else float(v) for v in value])
        except (TypeError, ValueError, OverflowError):
            return None
        return arr, np.array([v is None for v in value])
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None
    return arr, np.zeros(arr.shape, dtype=bool)


def _matches(got, target, rtol: float, atol: float) -> bool:
    (a, a_none), (b, b_none) = got, target
    if a.shape != b.shape or not np.array_equal(a_none, b_none):
        return False
    keep = ~a_none
    return bool(np.allclose(a[keep], b[keep], rtol=rtol, atol=atol, equal_nan=True))


def _ratio_text(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    """'It is 4 times too large.' when ``got`` is a constant multiple of ``expected``."""
    if got.shape != expected.shape or not np.all(np.isfinite(got)):
        return ""
    mask = np.isfinite(expected) & (np.abs(expected) > atol)
    if not mask.any():
        return ""
    k = float(np.median(got[mask] / expected[mask]))
    if k == 0 or not np.allclose(got, k * expected, rtol=max(rtol, 1e-6), atol=atol):
        return ""
    if np.isclose(k, 1.0, rtol=rtol):
        return ""
    sign = " and has the wrong sign" if k < 0 else ""
    a = abs(k)
    if np.isclose(a, 1.0, rtol=rtol):
        return "It has the wrong sign."
    # A whole array off by one factor is telling whatever the factor; a single
    # number is always off by some factor, which is telling only when simple.
    several = int(mask.sum()) > 1
    if a > 1:
        n = round(a)
        if 2 <= n <= 1000 and np.isclose(a, n, rtol=1e-6):
            return f"It is {n} times too large{sign}."
        return f"Every value is {a:.4g} times too large{sign}." if several else ""
    n = round(1 / a)
    if n == 2 and np.isclose(1 / a, 2, rtol=1e-6):
        return f"It is half the right size{sign}."
    if 3 <= n <= 1000 and np.isclose(1 / a, n, rtol=1e-6):
        return f"It is {n} times too small{sign}."
    return f"Every value is {1 / a:.4g} times too small{sign}." if several else ""


def _shape_text(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    what = "a single number" if expected.ndim == 0 else f"an array of shape {expected.shape}"
    has = "a single number" if got.ndim == 0 else f"an array of shape {got.shape}"
    text = f"It is {has}, but the right result is {what}."
    if expected.ndim == 0 and got.size > 1 and np.all(np.isfinite(got)):
        if np.isclose(got.mean(), expected, rtol=rtol, atol=atol):
            text += " Their mean is the right value: average them into one number."
        elif np.isclose(got.sum(), expected, rtol=rtol, atol=atol):
            text += " Their sum is the right value: add them into one number."
    elif expected.ndim == 0 and got.size == 1:
        text += " Return a plain number, for example float(...)."
    elif got.ndim == 0 and expected.ndim > 0:
        text += " Return one value per element, without reducing them."
    elif got.shape == expected.shape[::-1] and got.ndim == 2 and np.allclose(
        got.T, expected, rtol=rtol, atol=atol, equal_nan=True
    ):
        text += " It is the transpose of the right result: check the axis you work along."
    elif got.ndim == 2 and expected.ndim == 1 and got.shape == (expected.size, expected.size):
        text += (" An (N,) array and an (N, 1) array were probably broadcast against each "
                 "other into (N, N): give both the same shape.")
    elif got.size == expected.size:
        text += " It has the right number of values: check how you reshape or index."
    return text


def _not_numeric(value) -> str:
    """Why ``value`` cannot be compared with a number, or '' when it can."""
    if value is None:
        return "None"
    if value is Ellipsis:
        return "`...`"
    if isinstance(value, (str, bytes)):
        return f"the text {value!r}"
    if _to_array(value) is None:
        return f"a {_type_name(value)}, not a number or an array of numbers"
    return ""


def _mistake_items(mistakes):
    if not mistakes:
        return []
    if isinstance(mistakes, Mapping):
        return list(mistakes.items())
    return list(mistakes)  # (message, value) pairs: one message may name several values


def _diagnose(got_value, expected, mistakes, rtol, atol) -> tuple[str, bool]:
    """Return ``(diagnosis, ok)`` for a numeric ``got_value`` against ``expected``."""
    diagnosis, ok, _ = _diagnose_named(got_value, expected, mistakes, rtol, atol)
    return diagnosis, ok


def _diagnose_named(got_value, expected, mistakes, rtol, atol) -> tuple[str, bool, str | None]:
    """``(diagnosis, ok, the key of the mistake that matched or None)``."""
    got_n = _to_array(got_value)
    if got_n is None:
        return (f"It is a {_type_name(got_value)}, not a number or an array of numbers."), False, None
    exp_n = _to_array(expected)
    if exp_n is None:
        raise TypeError(f"expected must be a number or an array of numbers; got {expected!r}")
    if _matches(got_n, exp_n, rtol, atol):
        return "", True, None
    got, got_none = got_n
    exp, exp_none = exp_n
    for message, wrong in _mistake_items(mistakes):
        wrong_n = _to_array(wrong)
        if wrong_n is None or _matches(wrong_n, exp_n, rtol, atol):
            continue  # not a distinguishable mistake on this input
        if _matches(got_n, wrong_n, rtol, atol):
            ratio = "" if exp_none.any() else _ratio_text(got, exp, rtol, atol)
            return (ratio + " " + message).strip(), False, message
    if got.shape != exp.shape:
        return _shape_text(got, exp, rtol, atol), False, None
    differ = np.flatnonzero(got_none != exp_none)
    if differ.size:
        i = int(differ[0])

        def entry(value, arr):
            return _fmt(value[i] if isinstance(value, (list, tuple)) else arr[i])

        if got_none[i]:
            return (f"Entry {i} is None, but the right value there is "
                    f"{entry(expected, exp)}."), False, None
        return f"Entry {i} is {entry(got_value, got)}, but the right value there is None.", False, None
    finite = np.isfinite(exp) & ~exp_none
    if np.any(~np.isfinite(got) & finite):
        bad = "nan" if np.any(np.isnan(got) & finite) else "inf"
        return (
            f"It contains {bad} where the right answer has ordinary numbers. That usually comes "
            "from an overflow (np.exp(1000) is inf, and inf / inf is nan), from the log of 0 "
            "or of a negative number, or from 0 / 0."
        ), False, None
    if exp_none.any():
        return "", False, None
    return _ratio_text(got, exp, rtol, atol), False, None


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------


def check_call(env: Mapping, name: str, args: Sequence = (), kwargs: Mapping | None = None, *,
               expected, mistakes: Mapping[str, Any] | None = None,
               rtol: float = 1e-6, atol: float = 1e-9):
    """Call the learner's function ``env[name](*args, **kwargs)`` and check the result.

    Parameters
    ----------
    env : mapping
        The notebook's global namespace (otter passes it to a test function's
        parameter named ``env``).
    name : str
        The function's name, as in the stub.
    args, kwargs
        The inputs. The function gets copies; it fails if it changes them.
    expected : float or array_like
        The right result, computed independently in the test.
    mistakes : mapping of str to float or array_like, optional
        Message to show -> the result that mistake gives on these inputs. A
        list of ``(message, result)`` pairs works too, when one message
        names several results.
    rtol, atol : float
        Tolerances of the comparison (:func:`numpy.allclose`).

    Returns
    -------
    The learner's result, when it is right.

    Raises
    ------
    Feedback
        When the function is missing, fails, or returns the wrong value.

    Examples
    --------
    >>> import numpy as np
    >>> env = {"softmax": lambda logits, axis=-1: np.exp(logits) / np.exp(logits).sum()}
    >>> try:
    ...     check_call(env, "softmax", (np.array([1000.0, 1000.0]),), expected=[0.5, 0.5],
    ...                mistakes={"Subtract the largest logit before np.exp.": [np.nan, np.nan]})
    ... except Feedback as fb:
    ...     print(fb)
    softmax(np.array([1000.0, 1000.0])) returned [nan, nan], but the right value is [0.5, 0.5]. \
Subtract the largest logit before np.exp.
    """
    kwargs = dict(kwargs or {})
    func = _require_function(env, name)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow in exp: diagnosed below
        result, printed, call_text = _call(func, name, args, kwargs)
    unusable = _not_numeric(result)
    if result is None:
        if printed.strip():
            shown = printed.strip().splitlines()[0][:80]
            raise Feedback(f"{call_text} returned None. It printed {shown!r} instead: use "
                           "`return`, not `print`, to give the result back.",
                           mistake="printed instead of returning")
        raise Feedback(f"{call_text} returned None. Replace the `...` of the stub with your "
                       "code, and `return` the result.", mistake="returned None")
    if unusable:
        raise Feedback(f"{call_text} returned {unusable}. Return the result as a number (or, "
                       "where the question says so, an array of numbers).",
                       mistake="not a number")
    diagnosis, ok, named = _diagnose_named(result, expected, mistakes, rtol, atol)
    if ok:
        return result
    raise Feedback(
        f"{call_text} returned {_fmt(result)}, but the right value is {_fmt(expected)}. "
        f"{diagnosis}".strip(), mistake=named or "wrong value")


def check_raises(env: Mapping, name: str, args: Sequence = (), kwargs: Mapping | None = None, *,
                 error: type[BaseException] = ValueError, why: str = ""):
    """Check that the learner's function raises ``error`` for bad input.

    Examples
    --------
    >>> env = {"mse": lambda y_true, y_pred, reduction="mean": 0.0}
    >>> try:
    ...     check_raises(env, "mse", ([1.0], [2.0]), {"reduction": "avg"},
    ...                  why="An unknown reduction must not silently mean 'mean'.")
    ... except Feedback as fb:
    ...     print(fb)
    mse([1.0], [2.0], reduction='avg') returned 0.0 instead of raising ValueError. \
An unknown reduction must not silently mean 'mean'.
    """
    _raises(env, name, args, kwargs, error, why)


def _raises(env, name, args, kwargs, error, why) -> _Raised:
    """:func:`check_raises`, returning what was raised."""
    kwargs = dict(kwargs or {})
    func = _require_function(env, name)
    try:
        result, _, call_text = _call(func, name, args, kwargs, expect_error=error)
    except Feedback as fb:
        if "but it should raise" in str(fb) and why:
            raise Feedback(f"{fb} {why}", mistake=fb.mistake) from None
        raise
    if isinstance(result, _Raised):
        return result
    raise Feedback(
        f"{call_text} returned {_fmt(result)} instead of raising {error.__name__}. {why}".strip(),
        mistake=f"did not raise {error.__name__}")


def check_number(env: Mapping, name: str, expected, *, mistakes: Mapping[str, Any] | None = None,
                 rtol: float = 1e-3, atol: float = 1e-9, reveal: bool = False):
    """Check a number (or array) the learner assigned to ``name``.

    The default tolerance accepts an answer rounded to four significant
    digits. The right value is not shown unless ``reveal`` is true.

    Examples
    --------
    >>> try:
    ...     check_number({"house_squared_error": 50_000.0}, "house_squared_error", 2.5e9,
    ...                  mistakes={"That is the error itself: square it.": 50_000.0})
    ... except Feedback as fb:
    ...     print(fb)
    house_squared_error is 50000.0, which is not right. That is the error itself: square it.
    >>> check_number({"x": 1.6094}, "x", 1.6094379)
    """
    value = _lookup(env, name)
    _require_defined(value, name, "answer")
    if callable(value):
        raise Feedback(f"{name} should be a number, but it is a function.",
                       mistake="not a number")
    unusable = _not_numeric(value)
    if value is None:
        raise Feedback(f"{name} is None: assign the number itself (print(...) shows a value "
                       "but gives back None).", mistake="None")
    if unusable:
        raise Feedback(f"{name} is {unusable}: assign the number itself, without quotes.",
                       mistake="not a number")
    diagnosis, ok, named = _diagnose_named(value, expected, mistakes, rtol, atol)
    if ok:
        return
    right = f" The right value is {_fmt(expected)}." if reveal else ""
    raise Feedback(f"{name} is {_fmt(value)}, which is not right.{right} {diagnosis}".strip(),
                   mistake=named or "wrong value")


def _normalise_choice(value) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip().strip("().").strip().lower()


def check_choice(env: Mapping, name: str, correct: str, *, options: str = "abcd",
                 feedback: Mapping[str, str] | None = None):
    """Check a multiple-choice answer: one letter of ``options``, in quotes.

    ``feedback`` maps a wrong letter to the explanation shown when it is chosen.
    Case, spaces and brackets are ignored: ``"B"``, ``" b "`` and ``"(b)"`` all mean b.

    Examples
    --------
    >>> try:
    ...     check_choice({"judgement": "a"}, "judgement", "b",
    ...                  feedback={"a": "A larger step can overshoot the minimum."})
    ... except Feedback as fb:
    ...     print(fb)
    judgement is 'a', which is not the best answer. A larger step can overshoot the minimum.
    >>> check_choice({"judgement": "(B)"}, "judgement", "b")
    """
    value = _lookup(env, name)
    _require_defined(value, name, "answer")
    letters = ", ".join(repr(o) for o in options[:-1]) + f" or {options[-1]!r}"
    choice = _normalise_choice(value)
    if choice is None:
        raise Feedback(
            f"{name} is {_fmt(value)}, but the answer is one letter in quotes: {letters}, "
            f"for example {name} = {options[0]!r}.", mistake="not a letter")
    if choice not in options or len(choice) != 1:
        raise Feedback(f"{name} is {value!r}, but the options are {letters}.",
                       mistake="not an option")
    if choice != correct:
        why = (feedback or {}).get(choice, "Reread the options and the text above the question.")
        raise Feedback(f"{name} is {choice!r}, which is not the best answer. {why}",
                       mistake=(feedback or {}).get(choice) or f"chose {choice!r}")


# --------------------------------------------------------------------------
# The score table of the check-all cell
# --------------------------------------------------------------------------


def _first_feedback(test_file) -> str:
    """The first failing test case's message, shortened to its explanation."""
    for result in getattr(test_file, "test_case_results", []):
        if result.passed:
            continue
        message = (result.message or "").strip()
        for line in message.splitlines():
            line = line.strip()
            if line.startswith("Feedback: "):
                return line[len("Feedback: "):]
        lines = [line.strip() for line in message.splitlines() if line.strip()]
        return lines[-1] if lines else "failed"
    return ""


class ScoreReport:
    """The table shown by the check-all cell: one row per question and the total."""

    def __init__(self, rows: list[tuple[str, float, float, str]]):
        self.rows = rows
        self.total = float(sum(r[1] for r in rows))
        self.possible = float(sum(r[2] for r in rows))

    @staticmethod
    def _pts(x: float) -> str:
        return f"{x:g}"

    def summary(self) -> str:
        return (f"Score on the public tests: {self._pts(self.total)} / "
                f"{self._pts(self.possible)} points.")

    NOTE = ("When your notebook is graded, hidden tests check more cases, so a question that "
            "passes here can still lose points there.")

    def __repr__(self) -> str:
        width = max([len("Question")] + [len(r[0]) for r in self.rows])
        lines = [f"{'Question':<{width}}  Points   Feedback"]
        for name, score, possible, note in self.rows:
            pts = f"{self._pts(score)} / {self._pts(possible)}"
            lines.append(f"{name:<{width}}  {pts:<7}  {note or 'all checks passed'}")
        return "\n".join(lines + ["", self.summary(), self.NOTE])

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><th scope='row'>{html.escape(name)}</th>"
            f"<td>{self._pts(score)} / {self._pts(possible)}</td>"
            f"<td>{html.escape(note) if note else 'all checks passed'}</td></tr>"
            for name, score, possible, note in self.rows
        )
        return (
            "<table><caption>Your answers against the public tests</caption>"
            "<thead><tr><th scope='col'>Question</th><th scope='col'>Points</th>"
            "<th scope='col'>Feedback</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
            f"<p><strong>{html.escape(self.summary())}</strong> {html.escape(self.NOTE)}</p>"
        )


def score_report(results) -> ScoreReport | None:
    """Summarise otter's ``grader.check_all()`` results as a score table.

    Returns ``None`` when there are no results (``check_all`` does nothing
    while otter grades the notebook).
    """
    if results is None or not hasattr(results, "results"):
        return None
    rows = []
    for name, test_file in results.results.items():
        rows.append((name, float(test_file.score), float(test_file.possible),
                     "" if test_file.passed_all else _first_feedback(test_file)))
    return ScoreReport(rows)


# --------------------------------------------------------------------------
# An error whose message says how to fix the input
# --------------------------------------------------------------------------


def check_raises_saying(env: Mapping, name: str, args: Sequence = (),
                        kwargs: Mapping | None = None, *, says: Sequence[str],
                        error: type[BaseException] = ValueError, why: str = ""):
    """Like :func:`check_raises`, and the error's message must mention one of ``says``.

    An error should tell the caller how to fix the input, not only that it is
    wrong. The message passes when it contains one of the strings ``says``,
    ignoring case and spaces (``"2*y - 1"`` matches ``"2 * y - 1"``). The feedback on
    a message that mentions none of them shows ``why``, or else lists ``says``.

    Examples
    --------
    >>> def hinge(y_true, scores, reduction="mean"):
    ...     raise ValueError("bad labels")
    >>> try:
    ...     check_raises_saying({"hinge": hinge}, "hinge", ([0, 1], [0.5, 2.0]), says=["-1"],
    ...                         why="Say how to convert them: y_true = 2 * y_true - 1.")
    ... except Feedback as fb:
    ...     print(fb)
    hinge([0, 1], [0.5, 2.0]) raised ValueError('bad labels'), a message that does not say \
how to fix the input. Say how to convert them: y_true = 2 * y_true - 1.
    """
    raised = _raises(env, name, args, kwargs, error, why)
    kwargs = dict(kwargs or {})
    message = raised.message if isinstance(raised, _Raised) else ""
    squeezed = "".join(message.lower().split())
    if any("".join(s.lower().split()) in squeezed for s in says):
        return
    # The explanation ``why`` says what the message should say; without one, the phrases do.
    how = why or "It should mention " + " or ".join(repr(s) for s in says) + "."
    raise Feedback(
        f"{_describe_call(name, args, kwargs)} raised {error.__name__}({message!r}), a message "
        f"that does not say how to fix the input. {how}", mistake="unhelpful error message")
