import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations

import frontdesk.models

FUNCTION = """
CREATE OR REPLACE FUNCTION fd_name_grams(s text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
    SELECT substr(s, i, 1) AS g FROM generate_series(1, char_length(s)) i
    UNION ALL
    SELECT substr(s, i, 2) FROM generate_series(1, char_length(s) - 1) i
  ) t
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("frontdesk", "0004_labels")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS fd_name_grams(text)"),
        migrations.AddIndex(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                frontdesk.models.NameGrams(django.db.models.functions.text.Upper("name")), name="person_name_grams"
            ),
        ),
    ]
