"""The checks behind the exercises' tests: right answers pass, wrong ones get a diagnosis.

Every expected message here is written from what the learner's answer does,
not copied from the code under test.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pytest

import lossbook
from lossbook import grading
from lossbook.grading import (Feedback, check_call, check_choice, check_number, check_raises,
                              score_report)

Y_TRUE, Y_PRED = [1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 1.0, 5.0]  # errors 1, 0, -2, 1


def feedback(check, *args, **kwargs) -> str:
    with pytest.raises(Feedback) as info:
        check(*args, **kwargs)
    return str(info.value)


def good_mse(y_true, y_pred, reduction="mean"):
    return float(np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2))


# --------------------------------------------------------------------------
# check_call
# --------------------------------------------------------------------------


def test_right_answer_passes_and_is_returned():
    assert check_call({"mse": good_mse}, "mse", (Y_TRUE, Y_PRED), expected=1.5) == 1.5


def test_feedback_is_an_assertion_error_so_otter_reports_it():
    assert issubclass(Feedback, AssertionError)


def test_sum_instead_of_mean_is_diagnosed_with_the_factor_and_the_mistake():
    env = {"mse": lambda y_true, y_pred, reduction="mean": 6.0}
    text = feedback(check_call, env, "mse", (Y_TRUE, Y_PRED), expected=1.5,
                    mistakes={"Did you sum instead of averaging?": 6.0})
    assert text == ("mse([1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 1.0, 5.0]) returned 6.0, but the right "
                    "value is 1.5. It is 4 times too large. Did you sum instead of averaging?")


def test_factors_and_signs_are_described_without_a_named_mistake():
    def env_returning(value):
        return {"f": lambda x: value}

    assert feedback(check_call, env_returning(-1.5), "f", (0,), expected=1.5).endswith(
        "It has the wrong sign.")
    assert feedback(check_call, env_returning(0.75), "f", (0,), expected=1.5).endswith(
        "It is half the right size.")
    assert feedback(check_call, env_returning(0.5), "f", (0,), expected=1.5).endswith(
        "It is 3 times too small.")
    assert feedback(check_call, env_returning(-6.0), "f", (0,), expected=1.5).endswith(
        "It is 4 times too large and has the wrong sign.")
    arrays = feedback(check_call, env_returning(np.array([1.5, 3.0])), "f", (0,),
                      expected=[1.0, 2.0])
    assert arrays.endswith("Every value is 1.5 times too large.")
    # A single number off by an unremarkable factor gets no made-up diagnosis.
    assert feedback(check_call, env_returning(1.7), "f", (0,), expected=1.5).endswith(
        "the right value is 1.5.")


def test_a_mistake_may_be_named_for_several_values():
    env = {"f": lambda x: 3.0}
    pairs = [("Same cause.", 2.0), ("Same cause.", 3.0)]
    assert feedback(check_call, env, "f", (0,), expected=1.0, mistakes=pairs).endswith(
        "Same cause.")


def test_mistake_equal_to_the_right_value_is_ignored():
    env = {"f": lambda x: 5.0}
    text = feedback(check_call, env, "f", (0,), expected=1.0,
                    mistakes={"Not a mistake on this input.": 1.0})
    assert "Not a mistake" not in text and "It is 5 times too large." in text


def test_nan_from_overflow_is_explained_and_a_named_nan_mistake_matches():
    def naive_softmax(logits, axis=-1):
        e = np.exp(np.asarray(logits, dtype=float))
        return e / e.sum()

    env = {"softmax": naive_softmax}
    text = feedback(check_call, env, "softmax", ([1000.0, 1000.0],), expected=[0.5, 0.5])
    assert "It contains nan" in text and "overflow" in text
    text = feedback(check_call, env, "softmax", ([1000.0, 1000.0],), expected=[0.5, 0.5],
                    mistakes={"Subtract the largest logit.": [np.nan, np.nan]})
    assert text.endswith("Subtract the largest logit.")


def test_stub_returning_none_and_printing_instead_of_returning():
    def stub(y_true, y_pred, reduction="mean"):
        ...

    def printer(y_true, y_pred, reduction="mean"):
        print(1.5)

    assert "returned None. Replace the `...` of the stub" in feedback(
        check_call, {"mse": stub}, "mse", (Y_TRUE, Y_PRED), expected=1.5)
    text = feedback(check_call, {"mse": printer}, "mse", (Y_TRUE, Y_PRED), expected=1.5)
    assert "It printed '1.5' instead: use `return`, not `print`" in text


def test_an_exception_is_reported_with_the_line_that_raised():
    def mse(y_true, y_pred, reduction="mean"):
        return (y_pred - y_true) ** 2  # lists cannot be subtracted

    text = feedback(check_call, {"mse": mse}, "mse", (Y_TRUE, Y_PRED), expected=1.5)
    assert "raised TypeError" in text
    assert "return (y_pred - y_true) ** 2" in text
    assert "np.asarray" in text


def test_missing_name_stub_and_non_function_are_explained():
    assert "mse is not defined yet" in feedback(check_call, {}, "mse", (), expected=0.0)
    assert "still `...`" in feedback(check_call, {"mse": ...}, "mse", (), expected=0.0)
    assert "should be a function, but it is a float" in feedback(
        check_call, {"mse": 1.5}, "mse", (), expected=0.0)


def test_importing_the_course_function_is_refused():
    text = feedback(check_call, {"mse": lossbook.mse}, "mse", (Y_TRUE, Y_PRED), expected=1.5)
    assert "lossbook.mse, imported rather than written" in text


def test_wrong_signature_is_explained():
    env = {"mse": lambda a, b: 1.5}
    text = feedback(check_call, env, "mse", (Y_TRUE, Y_PRED), {"reduction": "sum"}, expected=6.0)
    assert "cannot be called as mse(" in text and "Keep the parameters of the stub" in text


@pytest.mark.parametrize("got, words", [
    (np.array([1.5, 1.5]), "It is an array of shape (2,), but the right result is a single number"),
    (np.array([1.0, 2.0]), "Their mean is the right value"),
    (np.array([0.5, 1.0]), "Their sum is the right value"),
    (np.array([1.5]), "Return a plain number"),
    ("1.5", "returned the text '1.5'"),
    ({"loss": 1.5}, "returned a dict, not a number"),
])
def test_shapes_and_types_of_a_scalar_answer(got, words):
    assert words in feedback(check_call, {"f": lambda: got}, "f", (), expected=1.5)


def test_array_shape_mistakes():
    expected = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    text = feedback(check_call, {"f": lambda: expected.T}, "f", (), expected=expected)
    assert "It is the transpose of the right result" in text
    text = feedback(check_call, {"f": lambda: np.ones((3, 3))}, "f", (), expected=[1.0, 2.0, 3.0])
    assert "(N, 1) array were probably broadcast" in text
    text = feedback(check_call, {"f": lambda: 2.0}, "f", (), expected=[1.0, 2.0])
    assert "Return one value per element" in text


def test_input_changed_in_place_fails_and_the_test_input_is_untouched():
    def mse(y_true, y_pred, reduction="mean"):
        y_pred -= y_true
        return float(np.mean(y_pred ** 2))

    y_true, y_pred = np.array(Y_TRUE), np.array(Y_PRED)
    text = feedback(check_call, {"mse": mse}, "mse", (y_true, y_pred), expected=1.5)
    assert "changed its argument number 2 in place" in text
    assert y_pred.tolist() == Y_PRED


def test_a_loop_that_never_ends_is_stopped_once(monkeypatch):
    monkeypatch.setattr(grading.checks, "CALL_TIME_LIMIT", 0.2)

    def mse(y_true, y_pred, reduction="mean"):
        while True:
            pass

    env = {"mse": mse}
    start = time.monotonic()
    assert "did not return within 0.2 seconds" in feedback(
        check_call, env, "mse", (Y_TRUE, Y_PRED), expected=1.5)
    assert "already ran out of time" in feedback(check_call, env, "mse", (Y_TRUE, Y_PRED),
                                                 expected=1.5)
    assert time.monotonic() - start < 2.0


def test_a_loop_that_swallows_exceptions_is_still_stopped(monkeypatch):
    monkeypatch.setattr(grading.checks, "CALL_TIME_LIMIT", 0.2)

    def stubborn():
        while True:
            try:
                time.sleep(0.01)
            except Exception:
                pass

    assert "did not return within" in feedback(check_call, {"f": stubborn}, "f", (),
                                               expected=0.0)


def test_exit_is_caught():
    def quits():
        raise SystemExit(1)

    assert "raised SystemExit" in feedback(check_call, {"f": quits}, "f", (), expected=0.0)


def test_large_inputs_are_described_by_their_shape():
    text = feedback(check_call, {"f": lambda x: 0.0}, "f", (np.zeros(50),), expected=1.0)
    assert text.startswith("f(<an array of shape (50,)>) returned 0.0")


# --------------------------------------------------------------------------
# check_raises, check_number, check_choice
# --------------------------------------------------------------------------


def test_check_raises():
    def strict(y_true, y_pred, reduction="mean"):
        if reduction not in ("mean", "sum", "none"):
            raise ValueError("unknown reduction")
        return 0.0

    def wrong_error(y_true, y_pred, reduction="mean"):
        raise KeyError(reduction)

    args, kwargs = ([1.0], [2.0]), {"reduction": "avg"}
    assert check_raises({"mse": strict}, "mse", args, kwargs) is None
    assert feedback(check_raises, {"mse": good_mse}, "mse", args, kwargs, why="Typo.") == (
        "mse([1.0], [2.0], reduction='avg') returned 1.0 instead of raising ValueError. Typo.")
    text = feedback(check_raises, {"mse": wrong_error}, "mse", args, kwargs)
    assert "raised KeyError" in text and "should raise ValueError" in text


def test_check_number():
    assert check_number({"x": 1.6094}, "x", 1.6094379) is None  # four digits are enough
    assert check_number({"x": 2.5e9}, "x", 2.5e9) is None
    assert "which is not right" in feedback(check_number, {"x": 1.6}, "x", 1.6094379)
    assert "still `...`" in feedback(check_number, {"x": ...}, "x", 1.0)
    assert "is None" in feedback(check_number, {"x": None}, "x", 1.0)
    assert "is the text '1.0'" in feedback(check_number, {"x": "1.0"}, "x", 1.0)
    assert "contains nan" in feedback(check_number, {"x": float("nan")}, "x", 1.0)
    assert "should be a number, but it is a function" in feedback(
        check_number, {"x": print}, "x", 1.0)
    assert "The right value is 2.0." in feedback(check_number, {"x": 3.0}, "x", 2.0, reveal=True)
    assert "2.0" not in feedback(check_number, {"x": 3.0}, "x", 2.0)


def test_check_choice():
    assert check_choice({"a": " (B). "}, "a", "b") is None
    assert "one letter in quotes" in feedback(check_choice, {"a": 2}, "a", "b")
    assert "the options are 'a', 'b', 'c' or 'd'" in feedback(check_choice, {"a": "e"}, "a", "b")
    assert feedback(check_choice, {"a": "c"}, "a", "b", feedback={"c": "Because."}).endswith(
        "which is not the best answer. Because.")
    assert "Reread the options" in feedback(check_choice, {"a": "d"}, "a", "b")


# --------------------------------------------------------------------------
# score_report
# --------------------------------------------------------------------------


def _results():
    passed = SimpleNamespace(passed=True, message="✅ Test case passed")
    failed = SimpleNamespace(passed=False, message="❌ Test case failed\nError at line 3:\n"
                             "    check_call(...)\nFeedback: It is <4> times too large.")
    q1 = SimpleNamespace(score=4.0, possible=4.0, passed_all=True, test_case_results=[passed])
    q2 = SimpleNamespace(score=0.0, possible=3.0, passed_all=False,
                         test_case_results=[passed, failed])
    return SimpleNamespace(results={"q1": q1, "q2": q2})


def test_score_report_shows_each_question_and_the_total():
    report = score_report(_results())
    text = repr(report)
    assert "Score on the public tests: 4 / 7 points." in text
    assert "q2        0 / 3    It is <4> times too large." in text
    html = report._repr_html_()
    assert "&lt;4&gt;" in html and "<caption>" in html and "<th scope='col'>" in html


def test_score_report_is_empty_while_otter_grades():
    assert score_report(None) is None


def test_results_holding_none_are_compared_entry_by_entry():
    """early_stopping_epoch returns (stop_epoch, best_epoch), with None for 'never stops'."""
    assert check_call({"f": lambda: (None, 2)}, "f", (), expected=(None, 2)) == (None, 2)
    text = feedback(check_call, {"f": lambda: (5, 2)}, "f", (), expected=(None, 2))
    assert text == ("f() returned (5, 2), but the right value is (None, 2). Entry 0 is 5, but "
                    "the right value there is None.")
    text = feedback(check_call, {"f": lambda: (None, 2)}, "f", (), expected=(4, 2))
    assert text.endswith("Entry 0 is None, but the right value there is 4.")
    off_by_one = {"Did you stop one epoch late? Count the epochs from 0.": (5, 2)}
    text = feedback(check_call, {"f": lambda: (5, 2)}, "f", (), expected=(4, 2),
                    mistakes=off_by_one)
    assert text.endswith("Did you stop one epoch late? Count the epochs from 0.")
    assert feedback(check_call, {"f": lambda: (None, 3)}, "f", (), expected=(None, 2)) == (
        "f() returned (None, 3), but the right value is (None, 2).")
