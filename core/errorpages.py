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


# --- Server errors: a database outage is a 503 the clerk can understand -------------------------------
# ``handler500`` (config/urls.py) runs for every uncaught exception, in whichever layer it was raised
# (middleware loading the session, a view, a template). When the cause is the database being unreachable
# (PostgreSQL restarting, the connection dropped), the answer is a Chinese "temporarily unavailable" page
# with status 503 and Retry-After, never a traceback; every write is one transaction, so nothing was
# half-saved. The next request opens a new connection by itself (CONN_HEALTH_CHECKS): no restart is needed.
# The page is plain HTML rendered without a request context: no context processor may touch the database.

import errno  # noqa: E402
import sys  # noqa: E402

from django.db import InterfaceError, OperationalError  # noqa: E402
from django.http import HttpResponse, HttpResponseServerError  # noqa: E402
from django.template import loader  # noqa: E402

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 15


def database_unavailable(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it) says the database cannot be reached."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_DOWN):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


# A file could not be written: the disk is full, the media directory read-only or missing. The request's
# transaction was rolled back by the same exception, so the record the file belonged to was not saved.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR,
                            errno.EIO})


def storage_unwritable(exc: BaseException | None) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OSError) and not isinstance(exc, DATABASE_DOWN) and exc.errno in STORAGE_ERRNOS:
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request, template_name="500.html"):
    exc = sys.exc_info()[1]
    if storage_unwritable(exc):
        return HttpResponse(loader.get_template("507.html").render(), status=507)
    if database_unavailable(exc):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template(template_name).render())
