import time

from django.conf import settings
from django.utils import translation

TOUCHED = "_touched"


class UserLanguageMiddleware:
    """Speak the signed-in staff member's chosen language (Chinese unless they picked English)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class SlidingSessionMiddleware:
    """The idle timeout slides with activity, but the session row is rewritten at most once a minute
    (``SESSION_TOUCH_SECONDS``), not on every request: marking the session modified makes Django save
    it with a fresh expiry. Pages thus cost no session write in the common case."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - session.get(TOUCHED, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[TOUCHED] = now
        return self.get_response(request)


def stamp_session_at_login(sender, request, user, **kwargs):
    """Logging in has just written the session: the minute starts now (``user_logged_in`` receiver)."""
    if request is not None and hasattr(request, "session"):
        request.session[TOUCHED] = int(time.time())


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` with every HTML page: scripts only from this site's
    static files (no inline script, no eval), so injected markup cannot run. Other responses (PDFs,
    spreadsheets, JSON) run no script and keep the browser's own viewer unhindered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", policy)
        return response
