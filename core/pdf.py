"""WeasyPrint rendering with the vendored CJK font. Templates extend ``pdf/base_a4.html`` or ``pdf/base_a5.html``."""

import threading

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept across documents: WeasyPrint then loads the vendored font
    once instead of on every PDF (about a quarter of a receipt's render time). It keeps each @font-face
    file once, by digest, so it does not grow from document to document."""
    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


def render_pdf(template_name: str, context: dict | None = None, *, request=None) -> bytes:
    context = dict(context or {})
    # An absolute file:// URI: a URL that fails to resolve silently falls back to tofu boxes.
    context["pdf_font_uri"] = settings.PDF_FONT_PATH.resolve().as_uri()
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=_font_config())


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response
