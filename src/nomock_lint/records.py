"""`Record`: the `__eq__` and `__repr__` of a mutable dataclass, for hand-written slot classes.

`@dataclass` generates its methods with `exec` when a module is imported, about 1.3 ms a class:
with two dozen classes that was a fifth of a one-file `nomock check`. Value types are NamedTuples;
the few mutable ones declare `__slots__` and an `__init__`, and inherit these two methods.
A slot whose name starts with `_` is a cache: neither compared nor shown (a dataclass field
with `compare=False, repr=False`).
"""

from __future__ import annotations

from typing import Any


class Record:
    __slots__: tuple[str, ...] = ()
    __hash__ = None  # type: ignore[assignment]  # mutable: unhashable, as a dataclass is

    def _fields(self) -> tuple[str, ...]:
        return tuple(name for name in self.__slots__ if not name.startswith("_"))

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not isinstance(other, Record):
            return NotImplemented
        return self._values() == other._values()

    def __repr__(self) -> str:
        values = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields())
        return f"{type(self).__qualname__}({values})"
