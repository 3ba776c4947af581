"""check_raises_saying: bad input must raise, with a message that says how to fix it.

The hinge exercise asks for a ValueError on 0/1 labels whose message says how
to convert them; these tests pin down what the check accepts and what it says.
"""

from __future__ import annotations

import numpy as np
import pytest

from lossbook import grading
from lossbook.grading import Feedback, check_raises_saying

ARGS = ([0.0, 1.0, 1.0], [0.5, -2.0, 3.0])  # 0/1 labels, which a hinge loss must refuse
SAYS = ["-1"]


def hinge_raising(message):
    def hinge(y_true, scores, reduction="mean"):
        if np.any(np.asarray(y_true) == 0):
            raise ValueError(message)
        return 0.0
    return hinge


def feedback(env, **kwargs) -> str:
    with pytest.raises(Feedback) as info:
        check_raises_saying(env, "hinge", ARGS, says=SAYS, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("message", [
    "labels must be -1 or +1: convert 0/1 labels with y_true = 2 * y_true - 1",
    "Labels must be in {-1, 1}; use 2*y-1.",
    "labels 0/1 found: map 0 to - 1",  # spaces are ignored
])
def test_a_message_that_says_how_to_convert_passes(message):
    assert check_raises_saying({"hinge": hinge_raising(message)}, "hinge", ARGS,
                               says=SAYS) is None


def test_any_of_several_phrases_may_be_said():
    env = {"hinge": hinge_raising("Use np.where(y == 0, -1.0, 1.0).")}
    assert check_raises_saying(env, "hinge", ARGS, says=["2*y", "np.where"]) is None


def test_a_message_that_does_not_say_how_to_fix_the_input_fails_and_is_quoted():
    text = feedback({"hinge": hinge_raising("bad labels")}, why="Say how to convert them.")
    assert text == ("hinge([0.0, 1.0, 1.0], [0.5, -2.0, 3.0]) raised ValueError('bad labels'), "
                    "a message that does not say how to fix the input. Say how to convert them.")
    text = feedback({"hinge": hinge_raising("")})
    assert "raised ValueError(''), a message" in text and text.endswith("It should mention '-1'.")
    with pytest.raises(Feedback, match=r"mention '2\*' or 'where'\.$"):
        check_raises_saying({"hinge": hinge_raising("bad")}, "hinge", ARGS, says=["2*", "where"])


def test_not_raising_or_raising_the_wrong_error_fails_as_in_check_raises():
    text = feedback({"hinge": lambda y_true, scores, reduction="mean": 0.0},
                    why="Refuse 0/1 labels.")
    assert text == ("hinge([0.0, 1.0, 1.0], [0.5, -2.0, 3.0]) returned 0.0 instead of raising "
                    "ValueError. Refuse 0/1 labels.")

    def type_error(y_true, scores, reduction="mean"):
        raise TypeError("labels must be -1 or +1")

    assert "raised TypeError" in feedback({"hinge": type_error})
    assert "but it should raise ValueError" in feedback({"hinge": type_error})


def test_missing_stub_and_printing_answers_are_explained():
    assert "is not defined yet" in feedback({})
    assert "still `...`" in feedback({"hinge": ...})
    assert "returned None instead of raising" in feedback(
        {"hinge": lambda y_true, scores, reduction="mean": print(-1)})


def test_a_loop_that_never_ends_is_stopped(monkeypatch):
    monkeypatch.setattr(grading, "CALL_TIME_LIMIT", 0.2)

    def hinge(y_true, scores, reduction="mean"):
        while True:
            pass

    assert "did not return within" in feedback({"hinge": hinge})


def test_the_inputs_are_not_changed():
    y_true, scores = np.array([0.0, 1.0]), np.array([0.5, 2.0])

    def hinge(y_true, scores, reduction="mean"):
        y_true[0] = 5.0  # the learner's function gets copies
        raise ValueError("use 2 * y_true - 1")

    check_raises_saying({"hinge": hinge}, "hinge", (y_true, scores), says=SAYS)
    np.testing.assert_array_equal(y_true, [0.0, 1.0])
