"""Parcels by community and day: the daily summary's arrivals, pick-ups and returns of a day read a range of
``arrived_at`` / ``picked_up_at`` / ``returned_at`` (they were ``__date`` casts over every parcel: 150 ms each
at 1M parcels), and the parcels waiting at a past moment OR the waiting ones with those picked up or returned
since. Built CONCURRENTLY (not atomic), so a live parcels table is not locked."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("frontdesk", "0009_summary_survey_notices"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="parcel",
            index=models.Index(fields=["community", "arrived_at"], name="parcel_arrived_idx"),
        ),
        AddIndexConcurrently(
            model_name="parcel",
            index=models.Index(condition=models.Q(("picked_up_at__isnull", False)), fields=["community", "picked_up_at"],
                               name="parcel_picked_up_idx"),
        ),
        AddIndexConcurrently(
            model_name="parcel",
            index=models.Index(condition=models.Q(("returned_at__isnull", False)), fields=["community", "returned_at"],
                               name="parcel_returned_idx"),
        ),
    ]
