"""Uploaded files, served only by a view that has checked permission and community (never at /media/).

In production the web server sends the file: the view answers with ``X-Accel-Redirect`` to the internal
location named by ``MEDIA_ACCEL_REDIRECT`` (nginx ``internal``, docs/deployment.md). Without that setting
(development, tests) Django streams the file itself."""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control


def file_response(name: str):
    """The stored file ``name`` (a FileField's ``.name``) for a request already checked by the caller."""
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        try:
            response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
        except FileNotFoundError:
            raise Http404 from None
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=3600)
    return response
