"""Importing targets and schemas loads no model library: they are optional and slow."""

import subprocess
import sys


def test_no_heavy_imports():
    code = (
        "import sys, aisec.assurance, aisec.assurance.targets, aisec.assurance.schema\n"
        "heavy = ('numpy', 'torch', 'sklearn', 'onnxruntime', 'pandas')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
