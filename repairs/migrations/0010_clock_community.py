"""``Clock.community``, a copy of the ticket's community (issue 14 §5, issue 13 §8; docs/performance.md, "Clocks by
community"), step 1 of 3: the column, nullable, without an index (0012 adds the indexes concurrently).

The column is not tracked by pghistory (``exclude``): the history trigger's condition lists the tracked columns,
so the backfill in 0011 writes no history rows (the old condition, ``OLD.* IS DISTINCT FROM NEW.*``, would have
written one per clock). The trigger is replaced before the column is added, in this one short transaction.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('frontdesk', '0009_summary_survey_notices'),
        ('repairs', '0009_summary_indexes'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='clock',
            name='update_update',
        ),
        migrations.AddField(
            model_name='clock',
            name='community',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='frontdesk.community'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='clock',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."breached_at" IS DISTINCT FROM (NEW."breached_at") OR OLD."cancelled_at" IS DISTINCT FROM (NEW."cancelled_at") OR OLD."due_at" IS DISTINCT FROM (NEW."due_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."met_at" IS DISTINCT FROM (NEW."met_at") OR OLD."owner_informed_at" IS DISTINCT FROM (NEW."owner_informed_at") OR OLD."owner_informed_by_id" IS DISTINCT FROM (NEW."owner_informed_by_id") OR OLD."owner_informed_note" IS DISTINCT FROM (NEW."owner_informed_note") OR OLD."paused_at" IS DISTINCT FROM (NEW."paused_at") OR OLD."started_at" IS DISTINCT FROM (NEW."started_at") OR OLD."ticket_id" IS DISTINCT FROM (NEW."ticket_id") OR OLD."warn_at" IS DISTINCT FROM (NEW."warn_at") OR OLD."warned_at" IS DISTINCT FROM (NEW."warned_at"))', func='INSERT INTO "repairs_clockevent" ("breached_at", "cancelled_at", "due_at", "id", "kind", "met_at", "owner_informed_at", "owner_informed_by_id", "owner_informed_note", "paused_at", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "started_at", "ticket_id", "warn_at", "warned_at") VALUES (NEW."breached_at", NEW."cancelled_at", NEW."due_at", NEW."id", NEW."kind", NEW."met_at", NEW."owner_informed_at", NEW."owner_informed_by_id", NEW."owner_informed_note", NEW."paused_at", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."started_at", NEW."ticket_id", NEW."warn_at", NEW."warned_at"); RETURN NULL;', hash='57510c8a189ef01a655c3cf911ffa62a4ba81506', operation='UPDATE', pgid='pgtrigger_update_update_3ba20', table='repairs_clock', when='AFTER')),
        ),
    ]
