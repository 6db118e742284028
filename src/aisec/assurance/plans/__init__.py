"""Test plans: declared assurance tests with budgets and thresholds, run, judged and reported."""
