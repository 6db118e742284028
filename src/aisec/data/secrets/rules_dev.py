"""Developer platform tokens: GitHub, npm, GitLab, Slack and Stripe.

GitHub's classic tokens carry a CRC32 checksum (:mod:`aisec.data.secrets.checksums`): a token
whose checksum holds is certain (0.99); one of the right shape whose checksum fails is still
reported, with a lower confidence (0.6), because a truncated copy or a future variant of the
format is still worth a look. Fine-grained tokens (``github_pat_``) have no public checksum;
their two-part layout (22 and 59 characters) raises the confidence.
"""

from __future__ import annotations

import re

from aisec.data.secrets.checksums import checksum_valid
from aisec.data.secrets.model import Assess, RegexDetector, token, with_body
from aisec.data.secrets.named import unless_placeholder
from aisec.data.secrets.placeholders import is_placeholder

_FINE_GRAINED = re.compile(r"[A-Za-z0-9]{22}_[A-Za-z0-9]{59}")
_SLACK_BOT = re.compile(r"\d{8,14}-\d{8,14}-[A-Za-z0-9]{24}")
_SLACK_USER = re.compile(r"\d{8,14}-\d{8,14}-\d{8,14}-[a-f0-9]{32}")
_URLSAFE = "[A-Za-z0-9_-]"


def _checksummed(body: str) -> float | None:
    if is_placeholder(body):
        return None
    if checksum_valid(body):
        return 0.99
    return 0.6 if len(body) == 36 else 0.75


def _fine_grained(body: str) -> float | None:
    if is_placeholder(body):
        return None
    return 0.95 if _FINE_GRAINED.fullmatch(body) else 0.8


def _structured(layout: re.Pattern[str], exact: float, loose: float) -> Assess:
    def check(body: str) -> float | None:
        # Dashes kept: removing them joins the ends of two groups into a false run
        # ("...4444-44..." is not six equal characters).
        if is_placeholder(body):
            return None
        return exact if layout.fullmatch(body) else loose

    return with_body(check)


def _github(kind: str, letter: str) -> RegexDetector:
    return RegexDetector(
        kind,
        "github",
        (f"gh{letter}_",),
        token(f"gh{letter}_", "[A-Za-z0-9]{36,251}+"),
        0.99,
        assess=with_body(_checksummed),
    )


def _simple(kind: str, provider: str, prefix: str, body: str, confidence: float) -> RegexDetector:
    return RegexDetector(
        kind,
        provider,
        (prefix,),
        token(re.escape(prefix), body),
        confidence,
        assess=unless_placeholder(confidence),
    )


_GITLAB_BODY = f"{_URLSAFE}{{20,300}}+(?:\\.{_URLSAFE}{{1,60}}+){{0,3}}"
_SLACK_BODY = "[A-Za-z0-9-]{10,250}+"

DEV_DETECTORS: tuple[RegexDetector, ...] = (
    _github("github-pat-classic", "p"),
    _github("github-oauth-token", "o"),
    _github("github-user-to-server-token", "u"),
    _github("github-server-to-server-token", "s"),
    _github("github-refresh-token", "r"),
    RegexDetector(
        "github-pat-fine-grained",
        "github",
        ("github_pat_",),
        token("github_pat_", "[A-Za-z0-9_]{50,255}+"),
        0.95,
        assess=with_body(_fine_grained),
    ),
    RegexDetector(
        "npm-access-token",
        "npm",
        ("npm_",),
        token("npm_", "[A-Za-z0-9]{36}"),
        0.99,
        assess=with_body(_checksummed),
    ),
    _simple("gitlab-pat", "gitlab", "glpat-", _GITLAB_BODY, 0.9),
    _simple("gitlab-deploy-token", "gitlab", "gldt-", _GITLAB_BODY, 0.9),
    _simple("gitlab-runner-token", "gitlab", "glrt-", _GITLAB_BODY, 0.9),
    _simple("gitlab-pipeline-trigger-token", "gitlab", "glptt-", _GITLAB_BODY, 0.9),
    RegexDetector(
        "slack-bot-token",
        "slack",
        ("xoxb-",),
        token("xoxb-", _SLACK_BODY),
        0.95,
        assess=_structured(_SLACK_BOT, 0.95, 0.8),
    ),
    RegexDetector(
        "slack-user-token",
        "slack",
        ("xoxp-",),
        token("xoxp-", _SLACK_BODY),
        0.95,
        assess=_structured(_SLACK_USER, 0.95, 0.8),
    ),
    _simple("slack-workspace-token", "slack", "xoxa-", _SLACK_BODY, 0.85),
    _simple("slack-legacy-token", "slack", "xoxs-", _SLACK_BODY, 0.85),
    _simple("slack-app-token", "slack", "xapp-", _SLACK_BODY, 0.9),
    RegexDetector(
        "slack-webhook-url",
        "slack",
        ("hooks.slack.com/",),
        re.compile(
            r"(?<![A-Za-z0-9_.-])(?P<v>(?P<p>(?:https?://)?hooks\.slack\.com/"
            r"(?:services|workflows|triggers)/)[A-Za-z0-9_-]{1,40}+/[A-Za-z0-9_/-]{10,200}+)"
            r"(?![A-Za-z0-9_-])"
        ),
        0.95,
        assess=unless_placeholder(0.95),
        leads=(8, 7, 0),  # after https:// or http:// when there is one
    ),
    _simple("stripe-secret-key", "stripe", "sk_live_", "[A-Za-z0-9]{24,247}+", 0.95),
    _simple("stripe-restricted-key", "stripe", "rk_live_", "[A-Za-z0-9]{24,247}+", 0.95),
)
