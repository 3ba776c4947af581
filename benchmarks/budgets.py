"""The budgets the benchmark checks (issue: benchmarks), in one place."""

#: Every notebook runs top to bottom (kernel start excluded) in under this many seconds.
NOTEBOOK_SECONDS = 10.0

#: The median time of one explorable-figure update stays under this many milliseconds.
EXPLORER_MEDIAN_MS = 50.0

#: A book rebuild with nothing changed takes under this many seconds.
REBUILD_SECONDS = 20.0

#: A lossbook loss or gradient is at most this many times slower than the
#: fastest library measured beside it ...
LOSS_RATIO = 1.5

#: ... and agrees with every library to this relative tolerance.
LOSS_RTOL = 1e-12

#: Explorer updates timed per explorer (at least 20).
EXPLORER_UPDATES = 24

#: A class of several hundred notebooks is graded at more than this many
#: notebooks a minute by ``python -m lossbook.grade`` (all cores) ...
GRADING_PER_MINUTE = 100.0

#: ... in less than this fraction of the time that executing the same
#: notebooks one by one with ``jupyter nbconvert --execute`` takes.
GRADING_RATIO = 0.5
