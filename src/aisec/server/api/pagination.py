"""Pagination, the same on every list: ``limit`` (1-500, default 50) and ``offset``
in, ``{"items", "total", "limit", "offset"}`` out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int

    def page(self, items: list[T], total: int) -> Page[T]:
        return Page[T](items=items, total=total, limit=self.limit, offset=self.offset)

    def slice(self, everything: list[T]) -> Page[T]:
        """A page of a list held in memory (registers are small per system)."""
        return self.page(everything[self.offset : self.offset + self.limit], len(everything))


def _paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9, description="items to skip")] = 0,
) -> Paging:
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(_paging)]
