"""The package's layout rules, read from its own import statements (no module is imported).

Stages in the order data moves: each may import only itself and earlier stages; the CLI
sits on top; nothing below it imports the CLI or the merged definitions; no import loops.
"""

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "genai_pipeline"
STAGES = (
    "core",
    "simulation",
    "landing",
    "transform",
    "metrics",
    "quality",
    "alerts",
    "instance",
    "definitions",
    "cli",
)
# Where Dagster's private API and dbt / dagster-dbt internals may be used (each use commented).
INTERNALS_ALLOWED = ("instance/", "transform/runner.py", "cli/backfill_engine.py")
# Public entry points of dbt and dagster-dbt; anything else under them is an internal.
PUBLIC = ("dagster_dbt", "dbt.cli.main")
# The old home of the event-log storage, kept so an existing dagster.yaml resolves.
SHIMS = ("event_log_storage.py",)


@dataclass(frozen=True)
class Import:
    source: str  # the importing module's path in the package, e.g. "cli/main.py"
    target: str  # the imported module, e.g. "genai_pipeline.core.paths"
    line: int
    local: bool  # inside a function


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text())
    local_lines = {
        node.lineno
        for func in ast.walk(tree)
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(func)
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            # `from genai_pipeline.cli import backfill_engine` imports the submodule
            names = [base] + [f"{base}.{alias.name}" for alias in node.names if base.startswith("genai_pipeline")]
        else:
            continue
        source = str(path.relative_to(PACKAGE))
        found += [Import(source, name, node.lineno, node.lineno in local_lines) for name in names]
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
IMPORTS = [i for path in MODULES.values() for i in imports_of(path)]
PROJECT = [i for i in IMPORTS if i.target in MODULES]


def stage(module_or_path: str) -> str:
    first = module_or_path.removeprefix("genai_pipeline.").replace("/", ".").split(".")[0]
    return first.removesuffix(".py")


def test_every_module_belongs_to_a_stage():
    loose = [
        p for p in MODULES.values() if p.parent == PACKAGE and p.name not in ("__init__.py", "definitions.py", *SHIMS)
    ]
    assert loose == []
    staged = {stage(str(p.relative_to(PACKAGE))) for p in MODULES.values() if p.parent != PACKAGE}
    assert staged | {"definitions"} == set(STAGES)


def test_no_stage_imports_a_later_stage():
    backwards = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in PROJECT
        if i.source not in SHIMS and STAGES.index(stage(i.target)) > STAGES.index(stage(i.source))
    ]
    assert backwards == []


def test_core_imports_no_other_project_package():
    assert [i for i in PROJECT if stage(i.source) == "core" and stage(i.target) != "core"] == []


def test_the_simulation_is_pure():
    allowed_project = {"core", "simulation"}
    third_party = {"numpy", "pandas"}
    bad = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in IMPORTS
        if stage(i.source) == "simulation"
        and (
            stage(i.target) not in allowed_project
            if i.target.startswith("genai_pipeline")
            else i.target.split(".")[0] not in third_party and not _stdlib(i.target)
        )
    ]
    assert bad == []


def test_only_the_cli_imports_the_cli_or_the_definitions():
    bad = [
        f"{i.source} imports {i.target}"
        for i in PROJECT
        if stage(i.target) in ("cli", "definitions") and stage(i.source) not in ("cli", "definitions")
    ]
    assert bad == []


def test_the_modules_import_no_loop():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for i in PROJECT:
        if not i.local:
            graph[module_name(PACKAGE / i.source)].add(i.target)
    state: dict[str, str] = {}
    loops: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for child in sorted(graph[node]):
            if state.get(child) == "open":
                loops.append(path[path.index(child) :] + [child])
            elif child not in state:
                visit(child, [*path, child])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert loops == []


def test_only_the_cli_entry_point_imports_project_modules_lazily():
    assert sorted({i.source for i in PROJECT if i.local}) == ["cli/main.py"]


def environ_writes_at_import(path: Path) -> list[int]:
    """Lines outside any function that assign to os.environ or call a mutating method on it."""
    tree = ast.parse(path.read_text())
    in_functions = {
        node.lineno
        for func in ast.walk(tree)
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(func)
        if hasattr(node, "lineno")
    }
    writes = []
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            target = next((t.value for t in targets if isinstance(t, ast.Subscript)), None)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("update", "setdefault", "pop", "__setitem__", "clear"):
                target = node.func.value
        if target is not None and ast.unparse(target) == "os.environ" and node.lineno not in in_functions:
            writes.append(node.lineno)
    return writes


def test_no_module_writes_the_environment_when_imported():
    assert {
        str(p.relative_to(PACKAGE)): environ_writes_at_import(p)
        for p in MODULES.values()
        if environ_writes_at_import(p)
    } == {}


def test_an_import_time_environment_write_is_caught(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("import os\nos.environ['A'] = '1'\n\n\ndef f():\n    os.environ['B'] = '2'\n")
    assert environ_writes_at_import(source) == [2]


def is_internal(target: str) -> bool:
    if target.startswith("dagster._"):
        return True
    if target.startswith(("dbt.", "dbt_common", "dagster_dbt.")):
        return not target.startswith(PUBLIC[1]) and target != PUBLIC[0]
    return False


def test_framework_internals_are_confined_and_each_use_is_commented():
    internal = [i for i in IMPORTS if is_internal(i.target)]
    assert internal, "the rule below would pass vacuously"
    outside = sorted({f"{i.source}: {i.target}" for i in internal if not i.source.startswith(INTERNALS_ALLOWED)})
    assert outside == []
    uncommented = [f"{i.source}:{i.line}" for i in internal if not _commented(PACKAGE / i.source, i.line)]
    assert uncommented == []


def _commented(path: Path, line: int) -> bool:
    """True when the import's block (the import lines above it up to a blank line) opens
    with a comment, or the import's own line carries one."""
    lines = path.read_text().splitlines()
    index = line - 1
    if "#" in lines[index]:
        return True
    while index > 0 and lines[index - 1].strip() and not lines[index - 1].lstrip().startswith("#"):
        index -= 1
    return index > 0 and lines[index - 1].lstrip().startswith("#")


def _stdlib(name: str) -> bool:
    return name.split(".")[0] in sys.stdlib_module_names or name == "__future__"


@pytest.mark.parametrize(
    "fault, rule",
    [
        (Import("core/paths.py", "genai_pipeline.landing.raw_asset", 1, False), test_no_stage_imports_a_later_stage),
        (Import("core/paths.py", "genai_pipeline.simulation", 1, False), test_core_imports_no_other_project_package),
        (
            Import("alerts/sinks.py", "genai_pipeline.cli.common", 1, False),
            test_only_the_cli_imports_the_cli_or_the_definitions,
        ),
        (Import("simulation/model.py", "duckdb", 1, False), test_the_simulation_is_pure),
        (Import("core/settings.py", "genai_pipeline.core.partitions", 1, False), test_the_modules_import_no_loop),
        (
            Import("landing/raw_asset.py", "genai_pipeline.core.paths", 1, True),
            test_only_the_cli_entry_point_imports_project_modules_lazily,
        ),
        (
            Import("metrics/store.py", "dagster._core.storage.tags", 1, False),
            test_framework_internals_are_confined_and_each_use_is_commented,
        ),
    ],
)
def test_each_rule_fails_on_a_bad_import(fault, rule, monkeypatch):
    module = sys.modules[__name__]
    monkeypatch.setattr(module, "IMPORTS", [*IMPORTS, fault])
    monkeypatch.setattr(module, "PROJECT", [*PROJECT, fault] if fault.target in MODULES else PROJECT)
    with pytest.raises(AssertionError):
        rule()


def test_an_uncommented_internal_import_is_caught(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "import os\n\n# why\nfrom dagster._core import a\nfrom dagster._core import b\n\nfrom dagster._x import c\n"
    )
    assert [_commented(source, n) for n in (4, 5, 7)] == [True, True, False]
