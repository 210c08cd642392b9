"""No float anywhere in money paths: money is Decimal from the form to the database.

Guards: no FloatField in billing's models; ``to_money`` refuses a float; and a scan of every module of
the billing app (its syntax tree) that fails on a ``float(...)`` call or a float literal (``0.1``,
``1e3``). What is legitimately not money is allow-listed below by module and function, each with the
reason; anything new must be Decimal or be added here with its reason in review."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from core.money import to_money

ROOT = Path(__file__).resolve().parents[2]
BILLING = ROOT / "billing"

# (module path, enclosing function) -> why a float is fine there
ALLOWED = {
    ("billing/views/collection.py", "_pct"): "collection rates in per cent, for the chart and the Excel cells",
    ("billing/views/collection.py", "collection"): "the target collection rate (per cent) for the Chart.js line",
}


def _float_uses(path: Path):
    """(line, function, what) for each float() call and float literal in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []

    def visit(node, function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
            found.append((node.lineno, function, "float() call"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.append((node.lineno, function, f"float literal {node.value!r}"))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def _modules():
    return sorted(p for p in BILLING.rglob("*.py") if "migrations" not in p.parts)


def test_scan_finds_what_it_should():
    """The scanner itself: a float call and a float literal are found, Decimal strings and isinstance are not."""
    sample = ROOT / "tests" / "billing" / "_float_sample.py"
    sample.write_text("from decimal import Decimal\n\ndef f(x):\n    a = float(x)\n    b = 0.1 + 1\n"
                      "    c = Decimal('0.10')\n    return isinstance(x, float)\n", encoding="utf-8")
    try:
        assert [(line, fn) for line, fn, _what in _float_uses(sample)] == [(4, "f"), (5, "f")]
    finally:
        sample.unlink()


def test_no_float_in_billing_code():
    assert len(_modules()) > 10, "the scan must see the billing app"
    offenders = []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        for line, function, what in _float_uses(path):
            if (rel, function) not in ALLOWED:
                offenders.append(f"{rel}:{line} in {function}(): {what}")
    assert not offenders, "Money must be Decimal (core.money.to_money). Found:\n" + "\n".join(offenders)


def test_allow_list_is_not_stale():
    uses = {(p.relative_to(ROOT).as_posix(), fn) for p in _modules() for _line, fn, _what in _float_uses(p)}
    assert set(ALLOWED) <= uses, f"remove allow-list entries that no longer use a float: {set(ALLOWED) - uses}"


def test_no_float_field_in_billing_models():
    fields = [f"{m.__name__}.{f.name}" for m in apps.get_app_config("billing").get_models()
              for f in m._meta.get_fields() if isinstance(f, models.FloatField)]
    assert not fields
    money = [f for m in apps.get_app_config("billing").get_models() for f in m._meta.get_fields()
             if isinstance(f, models.DecimalField)]
    assert money and all(f.decimal_places in (2, 4) for f in money)


def test_to_money_refuses_float():
    with pytest.raises(TypeError):
        to_money(0.1)
    with pytest.raises(TypeError):
        to_money(100.0)
    assert to_money("0.1") + to_money("0.2") == Decimal("0.30")
    assert to_money(Decimal("2.345")) == Decimal("2.35")  # ROUND_HALF_UP to the fen
