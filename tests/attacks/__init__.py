"""Submissions for the grader's tests: solved, blank and sabotaging notebooks."""
