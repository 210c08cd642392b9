"""Checks of uploaded pictures, shared by every app that takes photos (repairs' tickets, renovation's site
rounds): the file is opened, never trusted by its name or its declared type."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHOTO_MAX_BYTES = 8 * 1024 * 1024


def photo_check(upload, *, max_bytes: int = PHOTO_MAX_BYTES) -> None:
    """Refuse a file that is not a JPEG/PNG/WebP image of at most ``max_bytes`` (checked by opening it)."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > max_bytes:
        raise ValidationError(_("“%(name)s” is larger than 8 MB.") % {"name": upload.name}, code="photo_size")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("“%(name)s” is not a picture.") % {"name": upload.name},
                              code="photo_not_image") from None
    finally:
        upload.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(_("“%(name)s” must be a JPEG, PNG or WebP picture.") % {"name": upload.name},
                              code="photo_type")


def photos_check(photos, *, max_count: int | None, check=photo_check) -> None:
    """Each photo as ``check`` (all the refusals together), and at most ``max_count`` (None: any number)."""
    photos = list(photos)
    if max_count is not None and len(photos) > max_count:
        raise ValidationError(_("At most %(n)d photos.") % {"n": max_count}, code="photo_count")
    errors = []
    for photo in photos:
        try:
            check(photo)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)


# ---- papers: an application's scan, an ID copy (PDF, JPEG or PNG), read by the content ----
DOCUMENT_MAGIC = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
DOCUMENT_SUFFIXES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def document_type(head: bytes) -> str | None:
    """The accepted content type the file's first bytes show, or None."""
    return next((kind for magic, kind in DOCUMENT_MAGIC.items() if head.startswith(magic)), None)


def document_check(upload) -> str:
    """A PDF, JPEG or PNG of at most 10 MB, read from the content: its content type, or a ValidationError."""
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB (it has %(size).1f MB).")
                              % {"size": upload.size / 1024 / 1024}, code="too_big")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    kind = document_type(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError(_("Only PDF, JPEG or PNG files are accepted."), code="type")
    return kind
