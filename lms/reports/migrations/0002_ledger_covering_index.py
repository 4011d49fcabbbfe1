"""A covering index for report sums over the study-hour ledger.

Reports sum a year's hours per member (and per source) over millions of ledger rows; with this index the
database reads only the index, in member order, instead of visiting every row. It lives on the ledger
table owned by lms.records, so it is plain SQL here (IF NOT EXISTS: harmless if records adds it to its own
Meta.indexes under this name later).
"""

from django.db import migrations

INDEX = "reports_ledger_year_member_source_hours"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {INDEX} ON records_studyhourentry (year, member_id, source, hours)",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
