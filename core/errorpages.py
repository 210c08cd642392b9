"""Development only (``config.settings.local``): with DEBUG on, Django answers a wrong address with its
English debug page listing every URL pattern. This middleware puts the project's own Chinese 404 page
in its place, so ``./scripts/run`` shows a clerk what production shows. Tracebacks of server errors
stay (they are for the developer, and production never shows them)."""

from django.conf import settings
from django.shortcuts import render

_DEBUG_404_MARK = b"<title>Page not found at "


class FriendlyNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and _DEBUG_404_MARK in getattr(response, "content", b""):
            return render(request, "404.html", status=404)
        return response
