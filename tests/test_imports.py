"""The package's modules import one another without a cycle: each module can be read, and
changed, knowing only what it imports. Imports inside functions count too: one made late to
dodge a cycle still ties the two modules together."""

from __future__ import annotations

import ast
from pathlib import Path

import simforensics

PACKAGE_ROOT = Path(simforensics.__file__).resolve().parent


def _module_name(path: Path, root: Path, package: str) -> str:
    parts = [package, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """For each module of the package under ``root``: the package's modules it imports, anywhere
    in its code. ``from A import b`` names module ``A.b`` when there is one, else ``A``."""
    files = {_module_name(path, root, package): path for path in root.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        # A package's own imports are relative to itself; a module's to the package holding it.
        home = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = home.split(".")[: len(home.split(".")) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                imported.update(f"{source}.{alias.name}" if f"{source}.{alias.name}" in files else source
                                for alias in node.names)
        graph[name] = {module for module in imported if module in files and module != name}
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as the modules along it (first repeated at the end), or None."""
    finished: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return path[path.index(module):] + [module]
        if module in finished:
            return None
        path.append(module)
        for imported in sorted(graph[module]):
            cycle = visit(imported)
            if cycle:
                return cycle
        path.pop()
        finished.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module)
        if cycle:
            return cycle
    return None


def test_no_import_cycle_among_the_packages_modules() -> None:
    graph = _import_graph(PACKAGE_ROOT, "simforensics")
    assert "simforensics.scan.jobs" in graph["simforensics.scan.engine"]  # the graph is read at all
    cycle = _find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_the_check_sees_relative_and_late_imports(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from .first import thing\n")
    (package / "sub" / "first.py").write_text("from .. import helpers\nthing = 1\n")
    (package / "helpers.py").write_text("def late():\n    from .sub import first\n")
    graph = _import_graph(package, "pkg")
    assert graph == {"pkg": set(), "pkg.sub": {"pkg.sub.first"}, "pkg.sub.first": {"pkg.helpers"},
                     "pkg.helpers": {"pkg.sub.first"}}
    assert _find_cycle(graph) == ["pkg.helpers", "pkg.sub.first", "pkg.helpers"]
    (package / "helpers.py").write_text("def late():\n    return 1\n")
    assert _find_cycle(_import_graph(package, "pkg")) is None
