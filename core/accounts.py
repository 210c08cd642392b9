"""Writes to a staff member's own account."""


def user_set_language(*, user, language: str):
    """Remember the interface language the user chose (the middleware applies it on their next request)."""
    user.language = language
    user.save(update_fields=["language"])
    return user
