"""Imports live at the top of a module, unless a comment says why not.

An import inside a function hides a module's dependencies and defers its errors to the first call.
It is allowed only where it is the rule (Flask's deferred registration: ``init_app``, ``register``,
``create_app``, or a package's ``__init__.py``), or where its line says why:
``# cycle: <what>`` (it breaks a real import cycle) or ``# lazy: <what>`` (it keeps a heavy
library, WeasyPrint, Presidio/spaCy, Playwright, a CLI-only dependency, out of the processes that
do not need it).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("intranet", "jobs")
REGISTRATION = {"init_app", "register", "create_app"}
REASON = re.compile(r"#\s*(cycle|lazy):\s*\S")


def _function_imports(path: Path) -> list[int]:
    """Line numbers of the imports inside functions of ``path`` that carry no reason."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[int] = []

    def visit(node: ast.AST, functions: tuple[str, ...]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, (*functions, child.name))
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                if not functions or functions[-1] in REGISTRATION:
                    continue
                end = child.end_lineno or child.lineno
                if not any(REASON.search(lines[n - 1]) for n in range(child.lineno, end + 1)):
                    found.append(child.lineno)
            else:
                visit(child, functions)

    visit(ast.parse(source, filename=str(path)), ())
    return found


def _modules() -> list[Path]:
    return sorted(
        path for package in PACKAGES for path in (ROOT / package).rglob("*.py") if path.name != "__init__.py"
    )


def test_imports_inside_functions_say_why():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}" for path in _modules() for line in _function_imports(path)
    ]
    assert not offenders, (
        f"{len(offenders)} imports inside functions without a '# cycle: ...' or '# lazy: ...' reason; "
        "move them to the top of the module, or say why they cannot be there:\n" + "\n".join(offenders)
    )


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "import os\n"
        "def f():\n"
        "    import json\n"
        "    import weasyprint  # lazy: WeasyPrint stays out of the web process\n"
        "    from a import (  # cycle: a imports this module\n"
        "        b,\n"
        "    )\n"
        "def init_app(app):\n"
        "    from . import views\n"
        "def register(app):\n"
        "    @app.cli.command()\n"
        "    def command():\n"
        "        import sqlalchemy\n"
        "class C:\n"
        "    def m(self):\n"
        "        from x import y\n",
        encoding="utf-8",
    )
    assert _function_imports(module) == [3, 13, 16]
