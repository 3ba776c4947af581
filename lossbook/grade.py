"""``python -m lossbook.grade``: the instructor's grader (see :mod:`lossbook.grading.cli`)."""

import sys

from .grading.cli import *  # noqa: F401,F403 - the command's functions, under their old name
from .grading.cli import Graded, collect, main, match_exercise  # noqa: F401

if __name__ == "__main__":
    sys.exit(main())
