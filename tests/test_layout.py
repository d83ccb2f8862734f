"""The package layout holds: private names stay inside their package, no import cycles.

Every module of ``src/ingest`` is read as text (nothing is imported): a module
may import its own package's private modules, but from another package only
the names that package's ``__init__`` offers (no ``ingest.other._module``, no
``_name``). The packages import each other without a cycle, and so do the
modules at import time (imports under ``if TYPE_CHECKING:`` or inside a
function run later, so they do not count for cycles).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import attrs
import pytest

import ingest

from .conftest import ROOT

SRC: Final = ROOT / "src"
PACKAGE: Final = SRC / "ingest"


@attrs.frozen
class Import:
    """One imported module, or one name imported from a module, in a module of ``ingest``."""

    importer: str  # dotted name of the importing module
    target: str  # dotted name of the imported module
    name: str | None  # the name imported from *target*, if any
    line: int
    at_import_time: bool  # top level and not under ``if TYPE_CHECKING:``


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(module: str, path: Path) -> str:
    """The package a module belongs to (a package's ``__init__`` belongs to itself).

    ``__main__`` (``python -m ingest``) is a script over the package, not part of
    it: nothing imports it, so it counts as a package of its own.
    """
    if path.name in ("__init__.py", "__main__.py"):
        return module
    return module.rpartition(".")[0]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path) -> Iterator[Import]:
    """Every import of ``ingest`` modules in the module at *path*."""
    module = module_name(path)
    package = package_of(module, path)
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(nodes: list[ast.stmt], *, at_import_time: bool) -> Iterator[Import]:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                yield from visit(node.body, at_import_time=False)
                yield from visit(node.orelse, at_import_time=at_import_time)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                if target == "ingest" or target.startswith("ingest."):
                    for alias in node.names:
                        submodule = f"{target}.{alias.name}"
                        if (SRC / submodule.replace(".", "/")).is_dir() or (
                            SRC / f"{submodule.replace('.', '/')}.py"
                        ).is_file():
                            yield Import(module, submodule, None, node.lineno, at_import_time)
                        else:
                            yield Import(module, target, alias.name, node.lineno, at_import_time)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "ingest" or alias.name.startswith("ingest."):
                        yield Import(module, alias.name, None, node.lineno, at_import_time)
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    children = getattr(node, field, None)
                    if isinstance(children, list):
                        inner = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                        stmts = [c for c in children if isinstance(c, ast.stmt)]
                        stmts += [
                            s for h in children if isinstance(h, ast.ExceptHandler) for s in h.body
                        ]
                        yield from visit(stmts, at_import_time=at_import_time and not inner)

    yield from visit(tree.body, at_import_time=True)


MODULES: Final = sorted(PACKAGE.rglob("*.py"))


def _private(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def test_the_modules_are_found() -> None:
    assert len(MODULES) > 40
    assert {module_name(p) for p in MODULES} >= {"ingest", "ingest.core", "ingest.dedup._index"}


def test_no_package_imports_another_packages_private_names() -> None:
    crossings = []
    for path in MODULES:
        module = module_name(path)
        package = package_of(module, path)
        for imp in imports(path):
            owner = imp.target
            while _private(owner.rpartition(".")[2]):
                owner = owner.rpartition(".")[0]
            if owner == package:
                continue  # a module of the same package: allowed
            private_name = imp.name is not None and _private(imp.name)
            if _private(imp.target) or private_name:
                shown = f"{imp.target}.{imp.name}" if imp.name else imp.target
                crossings.append(f"{path.relative_to(ROOT)}:{imp.line}: {shown}")
    assert crossings == []


def _graph(key: str) -> dict[str, set[str]]:
    """Import-time edges between modules (``key="module"``) or packages (``"package"``)."""
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        module = module_name(path)
        source = module if key == "module" else package_of(module, path)
        graph.setdefault(source, set())
        for imp in imports(path):
            if not imp.at_import_time:
                continue
            target = imp.target
            if key == "package":
                target_path = SRC / target.replace(".", "/")
                target = target if target_path.is_dir() else target.rpartition(".")[0]
            if target != source:
                graph[source].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of *graph* as a list of nodes (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := walk(nxt)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := walk(node)) is not None:
            return found
    return None


@pytest.mark.parametrize("key", ["package", "module"])
def test_no_import_cycle(key: str) -> None:
    graph = _graph(key)
    assert len(graph) > (10 if key == "package" else 40)
    assert find_cycle(graph) is None


def test_the_cycle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_relative_imports_resolve_to_their_modules() -> None:
    clusters = {(i.target, i.name) for i in imports(PACKAGE / "dedup" / "_clusters.py")}
    assert ("ingest.dedup._verify", "Link") in clusters
    scale = {(i.target, i.name) for i in imports(PACKAGE / "cli" / "_scale.py")}
    assert ("ingest.pipeline", "Pipeline") in scale
    assert ("ingest.cli._console", "Console") in scale
    root = {(i.target, i.name) for i in imports(PACKAGE / "__init__.py")}
    assert ("ingest.engines", None) in root


def test_every_public_name_imports() -> None:
    for name in ingest.__all__:
        assert getattr(ingest, name) is not None, name
    assert ingest.__all__ == sorted(ingest.__all__)
    # The engines' names, imported on first use (their extras are installed for the tests).
    engines = ("DaskEngine", "DaskOptions", "DaskRun", "IndexOptionsError", "RedisIndex")
    for name in (*engines, "clean_document"):
        assert getattr(ingest, name) is getattr(ingest.engines, name)
        assert name in dir(ingest)
        assert name not in ingest.__all__
