"""Default service deadlines per category (editable by the Manajer) and the back
office's permissions (puskesos/roles.py)."""

from django.db import migrations

from puskesos.roles import sync_roles

# Review within 3 working days, a decision within 14, an agency's answer within 14.
DEADLINES = [("kepesertaan", 3, 14, 14), ("non_kepesertaan", 3, 14, 14)]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("referrals", "DeadlineRule")
    for category, review, decision, referral in DEADLINES:
        DeadlineRule.objects.get_or_create(category=category, defaults={
            "review_days": review, "decision_days": decision,
            "referral_response_days": referral})


def seed_and_sync(apps, schema_editor):
    seed(apps, schema_editor)
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0005_workflow")]
    operations = [migrations.RunPython(seed_and_sync, migrations.RunPython.noop)]
