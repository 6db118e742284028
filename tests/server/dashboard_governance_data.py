"""Helpers of the governance and administration page tests: a system in the inventory,
and a browser that fills in the classification questionnaire through its forms."""

from __future__ import annotations

import re

# A credit-scoring system: high-risk under Annex III 5(b); every other question "no",
# the first choice or none.
HIGH_RISK = {
    "subject": ["ai-system"],
    "annex_iii_use_cases": ["AnnexIII.5(b)"],
}


def add_system(store, name: str = "credit-scoring") -> str:
    from aisec.store.records import SystemAsset

    return store.inventory.add(SystemAsset(name=name, owner="risk team")).id


def multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields as httpx takes repeated names: a dict of lists."""
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


def asked(html: str) -> list[str]:
    return re.findall(r'name="asked" value="([^"]+)"', html)


def form_answers(html: str, plan: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The form fields answering every question the page shows, from ``plan`` or a default."""
    from aisec.governance.classify.questions import by_id

    fields: list[tuple[str, str]] = []
    for qid in asked(html):
        question = by_id()[qid]
        fields.append(("asked", qid))
        if qid in plan:
            values = plan[qid]
        elif question.kind == "yes-no":
            values = ["no"]
        elif question.kind == "one-of":
            values = [question.choices[0].value]
        elif question.kind == "number":
            values = ["0"]
        else:
            values = []
        fields.extend((f"q.{qid}", v) for v in values)
    return fields


def classify_through_forms(client, csrf: str, system: str, plan: dict[str, list[str]]):
    """Continue until the page offers to save, then save; returns the save response and
    how many Continue steps it took."""
    page = client.get(f"/systems/{system}/classification")
    assert page.status_code == 200
    steps = 0
    while 'value="save"' not in page.text:
        data = [("csrf_token", csrf), ("role", "provider"), ("action", "continue")]
        page = client.post(f"/systems/{system}/classification",
                           data=multi(data + form_answers(page.text, plan)))  # fmt: skip
        assert page.status_code == 200, page.text
        steps += 1
        assert steps < 20
    data = [("csrf_token", csrf), ("role", "provider"), ("action", "save")]
    fields = multi(data + form_answers(page.text, plan))
    done = client.post(f"/systems/{system}/classification", data=fields, follow_redirects=False)
    return done, steps
