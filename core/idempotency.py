"""Double-submit protection: each form carries a token; the first request to claim it does the work.

A second request with the same token (a double-click, a resubmitted page) blocks on the unique
key until the first commits, then is sent to where the first one went.
"""

import uuid

from django.db import connection

from .models import IdempotencyKey

FIELD = "form_token"


def new_token() -> str:
    return str(uuid.uuid4())


def claim(token: str | None, user) -> tuple[bool, str]:
    """Inside a transaction: (True, "") if this request owns the token, else (False, earlier result URL)."""
    try:
        key = uuid.UUID(str(token))
    except (TypeError, ValueError):
        return True, ""  # no usable token: nothing to deduplicate against
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_idempotencykey (key, user_id, result_url, created_at) "
            "VALUES (%s, %s, '', now()) ON CONFLICT (key) DO NOTHING",
            [key, user.pk],
        )
        if cursor.rowcount == 1:
            return True, ""
    previous = IdempotencyKey.objects.filter(key=key, user=user).values_list("result_url", flat=True).first()
    return False, previous or ""


def record_result(token: str | None, user, url: str) -> None:
    try:
        key = uuid.UUID(str(token))
    except (TypeError, ValueError):
        return
    IdempotencyKey.objects.filter(key=key, user=user).update(result_url=url)
