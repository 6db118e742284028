"""SDK and loader use in Python, read with ast: imports resolve names, nothing is run."""

from __future__ import annotations

import pytest

from aisec.discovery.pycode import analyse_source


def test_sdk_imports_in_every_form():
    source = (
        "import openai\n"
        "from anthropic import Anthropic\n"
        "import langchain_core.prompts as lp\n"
        "from google import genai\n"
        "import google.generativeai as gg\n"
        "from . import local\n"
        "import os\n"
    )
    facts = analyse_source(source, "a.py")
    assert facts.sdk_uses == {
        "openai": [1],
        "anthropic": [2],
        "langchain": [3],
        "google-genai": [4],
        "google-generativeai": [5],
    }
    assert facts.modules["anthropic"] == {"anthropic"}


def test_names_resolve_through_imports_anywhere_in_the_module():
    source = (
        "def f(p):\n"
        "    return ld(p)\n"
        "from torch import load as ld\n"
        "import numpy\n"
        "numpy.load(p, allow_pickle=True)\n"
    )
    calls = analyse_source(source, "a.py").calls
    assert [(c.function, c.location.row) for c in calls] == [("torch.load", 2), ("numpy.load", 5)]
    assert calls[1].keywords == {"allow_pickle": "True"}


def test_line_map_places_cell_lines_in_the_file():
    facts = analyse_source("import torch\ntorch.load(p)\n", "nb.ipynb", [10, 11])
    assert facts.sdk_uses == {"torch": [10]}
    assert facts.calls[0].location.row == 11


def test_argument_text_never_holds_a_key():
    key = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"
    source = f"from transformers import pipeline\npipeline('x', token='{key}')\n"
    (call,) = analyse_source(source, "a.py").calls
    assert key not in repr(call) and call.keywords["token"] == "'hf_…EfGh'"


def test_code_is_never_run(tmp_path):
    marker = tmp_path / "ran"
    source = f"open({str(marker)!r}, 'w').write('x')\nimport pickle\npickle.loads(b'')\n"
    analyse_source(source, "a.py")
    assert not marker.exists()


@pytest.mark.parametrize("source", ["def (:\n", "x = '\\x00\n"])
def test_what_is_not_python_raises_for_the_caller(source):
    with pytest.raises((SyntaxError, ValueError)):
        analyse_source(source, "a.py")
