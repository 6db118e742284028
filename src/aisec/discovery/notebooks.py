"""Jupyter notebooks: their code cells, as Python, at the lines of the ``.ipynb`` file.

A notebook is JSON; its cells' sources are lists of lines. Each source line is found again
in the file's text (in order, from where the previous one was found), so a finding in a
cell points at the line a reader sees when opening the ``.ipynb`` in an editor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Cell:
    index: int
    source: str
    line_map: list[int]  # line of the cell -> line of the file


def is_notebook(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("cells"), list) and "nbformat" in data


def code_cells(text: str, data: dict[str, Any]) -> list[Cell]:
    file_lines = text.splitlines()
    cursor = 0
    cells: list[Cell] = []
    for index, cell in enumerate(data.get("cells", [])):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        lines = (
            "".join(source).splitlines() if isinstance(source, list) else str(source).splitlines()
        )
        # IPython magics and shell escapes are not Python: blank them, keep the numbering
        lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in lines]
        line_map = []
        for line in lines:
            found = _find(file_lines, json.dumps(line)[1:-1], cursor) if line.strip() else None
            if found is not None:
                cursor = found
            line_map.append(found + 1 if found is not None else cursor + 1)
        cells.append(Cell(index, "\n".join(lines) + "\n", line_map))
    return cells


def _find(lines: list[str], needle: str, start: int) -> int | None:
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number
    return None
