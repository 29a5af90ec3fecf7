"""Registry of the apps' state graphs, printed by `zhengxie workflow APP`."""

from collections.abc import Callable

_GRAPHS: dict[str, Callable[[], list[str]]] = {}


def register(name: str, describe: Callable[[], list[str]]) -> None:
    _GRAPHS[name] = describe


def names() -> list[str]:
    return sorted(_GRAPHS)


def describe(name: str) -> list[str]:
    return _GRAPHS[name]()
