"""The house rules, read from the code's syntax trees (nothing is imported or run).

1. Every app has the same shape: the packages and modules of ``docs/architecture.md``.
2. A status is written only inside ``<app>/services/``: no ``.status = …`` and no ``update(status=…)``
   anywhere else.
3. Dependencies point one way: ``core`` imports no app; ``frontdesk`` imports no feature app; a feature
   app reaches another only through its ``interface.py`` (``apps.get_model`` counts as an import).
4. Views and tasks do not write: no model write (``save``, ``create``, ``delete``, queryset ``update``,
   ``select_for_update`` …) in a view module or in ``tasks.py``; a task calls a service.
5. An app plugs into the others only from its ``extensions.py``: no other module of an app calls a
   registry's ``register_*``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE_APPS = ("core", "frontdesk")
FEATURE_APPS = ("repairs", "billing", "duty", "renovation")
APPS = BASE_APPS + FEATURE_APPS
PROJECT_PACKAGES = APPS + ("config",)

# The modules and packages every app has. ``documents.py`` holds every PDF an app renders and
# ``tasks.py`` every Celery task: ``render_pdf`` and ``@shared_task`` appear nowhere else.
SHAPE = ("models.py", "services", "selectors", "forms", "views", "documents.py", "urls.py", "extensions.py",
         ("demo.py", "demo"))
SHAPED_APPS = ("frontdesk", "repairs", "billing", "duty", "renovation")
# Module names that belong in a package of the shape instead (``selectors_log.py`` → ``selectors/log.py``).
LOOSE_PREFIXES = ("selectors_", "services_", "forms_", "views_", "demo_", "panels", "unit_panel", "import_views")

# Modules outside services/ that may set a ``status``, with the reason.
STATUS_WRITERS = {
    "core/notifications.py": "core has no services package: its outbound sender is the one writer of OutboundMessage.status",
    "frontdesk/imports/batches.py": "an import batch's sidecar file (a dataclass on disk, not a model)",
}

WRITE_CALLS = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create",
               "select_for_update"}
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "select_for_update", "select_related"}


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _imported(tree, path: Path):
    """(line, dotted module) for every absolute import, relative imports resolved, and every
    ``apps.get_model("<app>", …)`` / ``get_model("<app>.<Model>")`` as ``<app>.models``."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(ROOT).parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}" if module else alias.name
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_model"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            yield node.lineno, node.args[0].value.split(".")[0] + ".models"


def _chain_names(node) -> set[str]:
    """Attribute and call names along a receiver chain: ``Ticket.objects.filter(…).update`` → {objects, filter, …}."""
    names = set()
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        else:
            return names


def _is_queryset(receiver) -> bool:
    """A receiver that reads as a queryset (``Model.objects.filter(…)``, ``qs``, ``tickets_qs``), not a dict."""
    if _chain_names(receiver) & QUERYSET_HINTS:
        return True
    return isinstance(receiver, ast.Name) and receiver.id.endswith(("qs", "queryset"))


def _writes(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in WRITE_CALLS:
                yield node.lineno, name
            elif name == "update" and _is_queryset(node.func.value):
                yield node.lineno, "queryset update"


def _status_writes(tree):
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for element in (target.elts if isinstance(target, ast.Tuple) else [target]):
                if isinstance(element, ast.Attribute) and element.attr == "status":
                    yield node.lineno, ".status ="
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("update", "bulk_update") and _is_queryset(node.func.value)
                and any(k.arg == "status" for k in node.keywords)):
            yield node.lineno, "update(status=…)"


def _in_services(path: Path) -> bool:
    return "services" in path.relative_to(ROOT).parts[1:-1] or path.stem == "services"


def _is_view_module(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return (len(parts) >= 2 and parts[1] == "views") or path.name == "views.py"


@pytest.mark.parametrize("app", SHAPED_APPS)
def test_app_has_the_shape(app):
    missing = [name for name in SHAPE
               if not any((ROOT / app / n).exists() for n in (name if isinstance(name, tuple) else (name,)))]
    loose = [p.name for p in (ROOT / app).glob("*.py") if p.stem.startswith(LOOSE_PREFIXES)]
    packages_as_modules = [f"{name}.py" for name in ("services", "selectors", "forms", "views")
                           if (ROOT / app / f"{name}.py").exists()]
    assert not missing, f"{app} lacks {missing} (see docs/architecture.md)"
    assert not loose, f"{app}: {loose} belong in a package of the app shape (e.g. selectors/log.py)"
    assert not packages_as_modules, f"{app}: {packages_as_modules} must be packages, one module per area"


@pytest.mark.parametrize("app", APPS)
def test_pdfs_only_in_documents_and_tasks_only_in_tasks(app):
    found = []
    for path, tree in _modules(app):
        for node in ast.walk(tree):
            name = (node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute)
                    else node.name if isinstance(node, ast.alias) else None)
            if name == "render_pdf" and path.name != "documents.py" and _rel(path) != "core/pdf.py":
                found.append(f"{_rel(path)}:{getattr(node, 'lineno', '')} renders a PDF outside documents.py")
            if name == "shared_task" and path.name != "tasks.py":
                found.append(f"{_rel(path)}:{getattr(node, 'lineno', '')} defines a task outside tasks.py")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("app", APPS)
def test_status_is_written_only_in_services(app):
    found = [f"{_rel(path)}:{line} {what}" for path, tree in _modules(app)
             if not _in_services(path) and _rel(path) not in STATUS_WRITERS
             for line, what in _status_writes(tree)]
    assert not found, "a status is written outside services/ (use the app's status writer):\n" + "\n".join(found)


@pytest.mark.parametrize("app", APPS)
def test_dependencies_point_one_way(app):
    found = []
    for path, tree in _modules(app):
        for line, module in _imported(tree, path):
            top = module.split(".")[0]
            if top not in PROJECT_PACKAGES or top == app:
                continue
            if app == "core" and top != "config":
                found.append(f"{_rel(path)}:{line} core imports {module}")
            elif app == "frontdesk" and top in FEATURE_APPS:
                found.append(f"{_rel(path)}:{line} frontdesk imports the feature app {module}")
            elif app in FEATURE_APPS and top in FEATURE_APPS and module.split(".")[1:2] != ["interface"]:
                found.append(f"{_rel(path)}:{line} {app} reaches into {module} (only {top}.interface may be used)")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("app", APPS)
def test_views_and_tasks_do_not_write(app):
    found = [f"{_rel(path)}:{line} {what}" for path, tree in _modules(app)
             if _is_view_module(path) or path.name == "tasks.py"
             for line, what in _writes(tree)]
    assert not found, "writes belong in services/ (a view or a task calls one service):\n" + "\n".join(found)


@pytest.mark.parametrize("app", APPS)
def test_apps_plug_in_only_from_extensions(app):
    found = []
    for path, tree in _modules(app):
        if path.name in ("extensions.py", "registry.py", "menu.py", "demo.py") and path.parent == ROOT / app:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
                    and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr).startswith("register_")):
                found.append(f"{_rel(path)}:{node.lineno}")
    assert not found, "an app registers its plugs only in extensions.register():\n" + "\n".join(found)


def test_the_rules_catch_what_they_name(tmp_path):
    """The checks themselves: each finds its violation in a small sample."""
    sample = ast.parse(
        "ticket.status = 'done'\n"
        "Ticket.objects.filter(pk=1).update(status='x')\n"
        "context.update(a=1)\n"
        "filters.update(status='open')\n"
        "form.save()\n"
        "Bill.objects.select_for_update().get(pk=1)\n")
    assert [what for _line, what in _status_writes(sample)] == [".status =", "update(status=…)"]
    assert [what for _line, what in _writes(sample)] == ["queryset update", "save", "select_for_update"]
    path = ROOT / "billing" / "services" / "sample.py"
    imports = {m: line for line, m in _imported(ast.parse(
        "from repairs import charges\nfrom repairs import interface\nfrom ..models import Bill\n"
        "x = apps.get_model('duty', 'Roster')\n"), path)}
    assert set(imports) == {"repairs.charges", "repairs.interface", "billing.models.Bill", "duty.models"}
