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
