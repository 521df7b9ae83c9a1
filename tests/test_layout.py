"""Issue 23: the core's layout. The import contracts themselves are
import-linter's (.importlinter, run by `make test`); these are what it
cannot see: the old module names still import, the top level stays small,
and each package says what it holds and what it may import."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import portal

ROOT = Path(portal.__file__).resolve().parent


@pytest.mark.parametrize("old", sorted(portal.MOVED))
def test_an_old_module_name_still_imports_the_moved_module(old):
    new = importlib.import_module(portal.MOVED[old])
    alias = importlib.import_module(old)
    public = [n for n in vars(new) if not n.startswith("_")]
    assert public, new
    for name in public:
        assert getattr(alias, name) is getattr(new, name), (old, name)


def test_a_plugin_written_before_the_move_still_imports():
    from portal.migrate import add_columns
    from portal.printing import render_pdf
    from portal.services import Service
    from portal.uploads import check

    from portal.files.printing import render_pdf as moved_render_pdf
    from portal.files.uploads import check as moved_check
    from portal.ops.migrate import add_columns as moved_add_columns
    from portal.plugins.services import Service as MovedService

    assert (check, render_pdf, Service, add_columns) == (
        moved_check, moved_render_pdf, MovedService, moved_add_columns)


def test_the_top_level_holds_only_the_bottom_modules():
    modules = {p.stem for p in ROOT.glob("*.py")} - {"__init__"}
    assert modules == {"config", "db", "i18n", "models", "thai"}


def test_each_package_says_what_it_holds_and_may_import():
    packages = [p for p in ROOT.iterdir() if (p / "__init__.py").exists()
                and p.name not in ("translations", "static")]
    assert {p.name for p in packages} == {"base", "files", "forms", "identity", "ops",
                                         "plugins", "requests", "staff", "web"}
    for package in packages:
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text("utf-8")))
        assert doc and len(doc) > 120, package.name
        assert "import" in doc.lower(), f"{package.name}: say what it may import"


# Modules a plugin may import by their full name: the staff views it
# extends. Everything else it takes from a package's top (``portal.requests``,
# ``portal.files``, ``portal.plugins``…) or the bottom modules (models, db,
# thai, i18n, config), so a package may rearrange its insides.
PUBLIC_MODULES = {"portal.staff.base", "portal.staff.widgets", "portal.staff.resources",
                  "portal.staff.requests"}


def test_plugins_import_what_a_package_exposes_at_its_top():
    plugins = ROOT.parent / "plugins"
    deep = []
    for path in plugins.rglob("*.py"):
        if "migrations" in path.parts:  # written once, against the names of their day
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and node.module.startswith("portal.") and node.module.count(".") >= 2 \
                    and node.module not in PUBLIC_MODULES:
                deep.append(f"{path.relative_to(plugins)}:{node.lineno} {node.module}")
    assert not deep, deep


def test_patching_an_old_name_patches_the_module():
    import portal.notify as old

    from portal.requests import notify

    kept = notify.requester_email
    try:
        old.requester_email = "patched"
        assert notify.requester_email == "patched"
    finally:
        notify.requester_email = kept


def test_mock_patch_on_an_old_name_undoes_itself():
    from unittest import mock

    from portal.files import uploads

    real = uploads.store
    with mock.patch("portal.uploads.store", lambda: "fake"):
        assert uploads.store() == "fake"
    assert uploads.store is real


def test_an_old_submodule_name_leaves_the_moved_package_alone():
    import portal.public.views  # noqa: F401

    import portal.web.public
    import portal.web.public.views as real

    assert portal.web.public.views is real
