"""Page numbers and pages for every list: whatever ``?page=`` holds, a list never fails on it."""

from django.core.paginator import Paginator

MAX_PAGE = 10_000


def page_number(value, *, max_page: int = MAX_PAGE) -> int:
    """``?page=`` as a number from 1 to ``max_page``; anything else (text, NUL bytes, huge numbers) is 1."""
    text = str(value or "").strip()
    if not text.isdecimal() or len(text) > 9:
        return max_page if text.isdecimal() else 1
    return min(max(1, int(text)), max_page)


def paginate(request, queryset, per_page: int, *, param: str = "page"):
    """A Django page of ``queryset`` for the request's ``?page=`` (the last page when past the end)."""
    return Paginator(queryset, per_page).get_page(page_number(request.GET.get(param)))
