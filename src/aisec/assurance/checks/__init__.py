"""The ``assurance.*`` checks: a plan's failed thresholds, and what explanations reveal,
as findings mapped to framework ids."""
