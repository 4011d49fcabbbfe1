"""The one error a refused package raises, and how names and sizes appear in its message."""


class ScormError(ValueError):
    """The package is refused; the message says why (in the user's language)."""


def shown(name: str) -> str:
    name = "".join(ch if ch.isprintable() else "?" for ch in str(name))
    return name if len(name) <= 120 else name[:117] + "..."


def mb(n: int) -> int:
    return max(1, n // (1024 * 1024))
