"""Benchmarks of the course: how fast it runs for learners and maintainers.

Run ``python -m benchmarks`` from the repository root (``--help`` for the
options). It measures

* each course notebook's top-to-bottom execution time, with the kernel start
  reported separately (:mod:`benchmarks.notebooks`);
* the median and worst time of one update of every explorable figure, the
  callback a slider move runs in a live kernel (:mod:`benchmarks.notebooks`);
* a clean book build, a rebuild with nothing changed, and the size of every
  built page and of the whole site (:mod:`benchmarks.build`);
* the course package's losses and gradients on 10^6 values against
  scikit-learn and PyTorch, measured side by side (:mod:`benchmarks.losses`);
* how fast ``python -m lossbook.grade`` grades a generated class of several
  hundred notebooks (notebooks a minute), against executing the same notebooks
  one by one with ``jupyter nbconvert --execute`` (:mod:`benchmarks.grading`);

checks the budgets in :mod:`benchmarks.budgets`, prints the results and writes
them to ``benchmarks/RESULTS.md``. It exits with status 1 when a budget is
missed. This is a tool, not a test: timings depend on the machine and on what
else it is running.
"""
