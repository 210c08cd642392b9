"""The seed loader's old name, kept while billing (``billing/demo.py``, ``tests/billing/test_demo.py``)
imports ``PASSWORD`` from it. The loader is ``frontdesk.demo``; remove this module once they import that."""

from .demo import PASSWORD, accounts_banner  # noqa: F401
