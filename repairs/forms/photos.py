"""The one field for several photos (at intake, before and after the work)."""

from django import forms

from ..services.intake import photos_check


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several JPEG/PNG/WebP pictures, each checked by opening it (``services.intake.photo_check``);
    ``max_count`` limits how many (None: any number)."""

    widget = MultipleFileInput

    def __init__(self, *args, max_count: int | None = None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        self.max_count = max_count
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned = [super(MultiplePhotoField, self).clean(upload, initial) for upload in files if upload]
        photos_check(cleaned, max_count=self.max_count)
        return cleaned
