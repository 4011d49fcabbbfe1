"""Registries of codes that a model field stores and the apps above it contribute (ledger sources, lesson
completion rules): each app registers its codes from ``AppConfig.ready()``; the field's choices are a callable over
the registry, so a new code needs no migration of the app that owns the field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    label: str  # a lazy translation
    order: int = 100


class CodeRegistry:
    def __init__(self, kind: str):
        self.kind = kind
        self.entries: dict[str, Code] = {}

    def add(self, entry: Code) -> Code:
        if len(entry.code) > 20 or not entry.code.isidentifier():
            raise ValueError(f"a {self.kind} code is a short identifier (≤ 20 characters), not {entry.code!r}")
        self.entries[entry.code] = entry
        return entry

    def ordered(self) -> list:
        return sorted(self.entries.values(), key=lambda e: (e.order, e.code))

    def choices(self) -> list[tuple[str, str]]:
        return [(e.code, e.label) for e in self.ordered()]

    def label(self, code: str) -> str:
        entry = self.entries.get(code or "")
        return str(entry.label) if entry else (code or "")

    def __contains__(self, code) -> bool:
        return code in self.entries
