"""Evasion attacks on tabular and small image models, and the evasion test that runs them.

``run_evasion`` is the test; the attacks are usable on their own, each taking a target,
rows, their class indices and an :class:`EpsilonBox` (see :func:`build_box`).
"""

from aisec.assurance.attacks.box import EpsilonBox, build_box
from aisec.assurance.attacks.common import AttackOutcome
from aisec.assurance.attacks.evasion import run_evasion
from aisec.assurance.attacks.gradient import fgsm, pgd
from aisec.assurance.attacks.hopskipjump import HsjResult, hopskipjump
from aisec.assurance.attacks.noise import random_sign_noise
from aisec.assurance.attacks.selection import choose_attacks, sample_rows
from aisec.assurance.attacks.square import square_attack

__all__ = [
    "AttackOutcome",
    "EpsilonBox",
    "HsjResult",
    "build_box",
    "choose_attacks",
    "fgsm",
    "hopskipjump",
    "pgd",
    "random_sign_noise",
    "run_evasion",
    "sample_rows",
    "square_attack",
]
