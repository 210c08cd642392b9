"""QR codes for "scan to verify" links on printed documents (SVG, which WeasyPrint embeds)."""

import segno
from django.conf import settings


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def qr_svg_data_uri(data: str, *, scale: int = 3) -> str:
    return segno.make(data, error="m").svg_data_uri(scale=scale, border=1)
