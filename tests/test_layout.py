"""The shape of the code, checked with the suite: no import cycles (type-checking imports
included), feature packages used only through their API, and no module too long to
read in one sitting. (The layer contracts are import-linter's, in test_project_checks.)"""

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400
SERVICES = "helpdesk_tui.services"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("helpdesk_tui", cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    """A control: the same check on a graph with a cycle reports it."""
    looped = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        looped.add_module(name)
    looped.add_import(importer="pkg.a", imported="pkg.b")
    looped.add_import(importer="pkg.b", imported="pkg.c")
    looped.add_import(importer="pkg.c", imported="pkg.a")
    assert _cycles(looped) == [["pkg.a", "pkg.b", "pkg.c"]]


def _feature_packages() -> list[str]:
    folder = ROOT / "helpdesk_tui" / "services"
    return sorted(
        f"{SERVICES}.{p.name}"
        for p in folder.iterdir()
        if (p / "__init__.py").exists() and p.name != "kernel"
    )


def test_feature_packages_are_used_through_their_api(graph: grimp.ImportGraph) -> None:
    """Outside a feature package (services/tickets, services/recovery ...), code imports
    the package itself, never one of its modules; the kernel's modules are its API."""
    wrong = []
    for package in _feature_packages():
        for module in graph.find_children(package):
            for importer in graph.find_modules_that_directly_import(module):
                if importer != package and not importer.startswith(package + "."):
                    wrong.append(f"{importer} imports {module}")
    assert wrong == []


@pytest.mark.parametrize("folder", ["helpdesk_tui", "tests", "benchmarks"])
def test_no_module_is_too_long(folder: str) -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / folder).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
