"""The layers of docs/architecture.md, read from the code: no module imports a layer above it.

Top to bottom: views, api, forms, templatetags, admin, management → reports → services →
access, selectors → models, choices, validators. Function-local imports count as much as
module-level ones (an import that runs back up is one however late it runs)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "footprint"

# layer of a module path (relative to footprint/, dotted) → the layers it must not import
ABOVE = {
    "selectors": ("services", "reports", "views", "api", "forms", "templatetags", "access"),
    "models": ("services", "reports", "views", "api", "forms", "selectors", "access"),
    "choices": ("services", "reports", "views", "api", "forms", "selectors", "access", "models"),
    "access": ("services", "reports", "views", "api", "forms", "templatetags"),
    "services": ("reports", "views", "api", "forms", "templatetags", "admin", "management"),
    "reports": ("views", "api", "forms", "templatetags", "admin", "management"),
    "templatetags": ("views", "api"),
    "api": ("views",),
    # HTTP responses shared by the pages and the API (footprint/responses.py)
    "responses": ("views", "api", "forms", "templatetags", "admin", "management"),
}

# The one import that crosses a layer downwards-only in spirit: services/formatting.py is pure
# and imports nothing of the application; a factor saved without its written decimals (the
# admin, a fixture) takes them from it (models.EmissionFactor.save).
ALLOWED = {("models", "services.formatting.normalised_decimals")}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] == "migrations":
            continue
        yield path, parts


def _imported(path: Path, parts: tuple[str, ...]) -> set[str]:
    """The footprint modules `path` imports, as dotted paths below footprint."""
    package = list(parts[:-1]) if parts[-1] != "__init__" else list(parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "footprint":
                target = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:
                found.add(".".join([*target, alias.name]) if target else alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "footprint":
                    found.add(".".join(alias.name.split(".")[1:]))
    return found


def test_no_module_imports_a_layer_above_it():
    upward = []
    for path, parts in _modules():
        forbidden = ABOVE.get(parts[0], ())
        for target in _imported(path, parts):
            if target.split(".")[0] in forbidden and (parts[0], target) not in ALLOWED:
                upward.append(f"{'/'.join(parts)}.py imports {target}")
    assert upward == []


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "x.py"
    module.write_text("from ...reports.pdf import render_study_pdf\n", encoding="utf-8")
    assert _imported(module, ("services", "workflow", "x")) == {"reports.pdf.render_study_pdf"}


@pytest.mark.parametrize("layer", ["services", "selectors", "reports"])
def test_every_layer_named_in_the_rules_exists(layer):
    assert (PACKAGE / layer).exists() or (PACKAGE / f"{layer}.py").exists()
