"""Issue 15 item 2.3: a strict Content-Security-Policy. Every HTML page says where scripts may come from
(this site only: no inline script, no eval), and no template keeps an inline script or event handler
that the policy would block (tests/browser/test_csp.py walks the pages in Chromium under the header)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _assert_strict(header: str):
    d = _directives(header)
    assert d["script-src"] == ["'self'"], header  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert d["object-src"] == ["'none'"]
    assert d["base-uri"] == ["'self'"]
    assert d["frame-ancestors"] == ["'none'"]
    assert d["form-action"] == ["'self'"]
    assert d["default-src"] == ["'self'"]
    assert "'unsafe-eval'" not in header


@pytest.mark.django_db
def test_every_html_page_has_a_strict_policy(clerk_client):
    for url in ["/", "/frontdesk/units/", "/repairs/"]:
        response = clerk_client.get(url)
        assert response.status_code == 200, url
        _assert_strict(response.headers["Content-Security-Policy"])


@pytest.mark.django_db
def test_the_login_page_has_the_policy_too(client):
    response = client.get("/login/")
    _assert_strict(response.headers["Content-Security-Policy"])


def test_production_settings_send_the_policy():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", DJANGO_SECRET_KEY="x" * 60,
               DJANGO_ALLOWED_HOSTS="frontdesk.example.com")
    code = ("import django; django.setup(); from django.conf import settings; "
            "print('core.middleware.ContentSecurityPolicyMiddleware' in settings.MIDDLEWARE); "
            "print(settings.CONTENT_SECURITY_POLICY)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    in_middleware, policy = result.stdout.strip().splitlines()
    assert in_middleware == "True"
    _assert_strict(policy)


def _page_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "pdf" in path.relative_to(TEMPLATES).parts:
            continue  # rendered by WeasyPrint, never by a browser
        yield path


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for path in _page_templates():
        text = path.read_text()
        for match in SCRIPT_TAG.finditer(text):
            if "src=" not in match.group(1):
                found.append(f"{path.relative_to(ROOT)}: inline <script>")
        if EVENT_HANDLER.search(text):
            found.append(f"{path.relative_to(ROOT)}: inline event handler")
        if re.search(r"hx-trigger\s*=\"[^\"]*\[", text) or re.search(r"\bhx-on[:-]", text) or "javascript:" in text:
            found.append(f"{path.relative_to(ROOT)}: htmx/JS code in an attribute (needs eval)")
    assert found == []
