"""Checks every archive write shares: the duplicate check at the clerk's field, and the checks that need no query."""

from django.core.exceptions import ValidationError


def refuse_duplicate(queryset, obj, field: str, message: str) -> None:
    """The duplicate check, at the field the clerk typed (the unique constraint remains the guarantee)."""
    if queryset.exclude(pk=obj.pk).exists() if obj.pk else queryset.exists():
        raise ValidationError({field: message})


def clean_without_queries(obj) -> None:
    """What ``full_clean()`` checks without the database: field values and ``clean()``. For a batch
    that checks related rows, duplicates and constraints against what it loaded once (the import);
    the database's constraints remain the last guarantee."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)

