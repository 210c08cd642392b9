"""``Clock.community``, step 2 of 3: filled from the ticket in one ``UPDATE … FROM repairs_ticket`` (a hash join;
1.76M clocks on the bench data set, see docs/performance.md, "Clocks by community"), then NOT NULL.

One transaction: the UPDATE takes row locks only (pages keep reading clocks); ``SET NOT NULL`` takes the table lock
for one scan at the end. A clock written without a community meanwhile (an older process still running) makes
``SET NOT NULL`` fail and the migration roll back: run it again.
"""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE repairs_clock c SET community_id = t.community_id
FROM repairs_ticket t
WHERE t.id = c.ticket_id AND c.community_id IS NULL
"""


class Migration(migrations.Migration):

    dependencies = [
        ("repairs", "0010_clock_community"),
    ]

    operations = [
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="clock",
            name="community",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="frontdesk.community"),
        ),
    ]
