"""`manage.py seed_demo`: fill a local site with demo places, practice areas, guides and firms.

It lives in guides because guides may import directory (for the places) but not the other
way round. Safe to rerun: rows are matched on natural keys and written only when they
differ, so a second run changes nothing.
"""

from collections import Counter

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.demo import CREATED, UNCHANGED, UPDATED, seed_places
from directory.demo_firms import seed_firms
from guides.demo import seed_guides

DEMO_PASSWORD = "lawzana-demo-password"
# (email, name, is_superuser). Both are staff; the editor joins the "Editors" group.
DEMO_USERS = [
    ("admin@lawzana.example", "Demo Admin", True),
    ("editor@lawzana.example", "Demo Editor", False),
]
EDITORS_GROUP = "Editors"


class Command(BaseCommand):
    help = (
        "Create or update demo countries, cities, practice areas, guides, law firms and two demo "
        "staff accounts (never in production). Running it again changes nothing."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            # Fictional reviewers and known passwords have no place on the live site.
            raise CommandError("seed_demo loads fictional demo content and refuses to run in production.")
        tally = Counter()
        with transaction.atomic():
            places = seed_places(tally)
            # A revision per run that changed a guide, so editors can restore the demo text.
            with reversion.create_revision():
                reversion.set_comment("Demo content loaded by seed_demo.")
                seed_guides(places=places, tally=tally)
            # Fictional firms with offices, lawyers, fees, reviews and verifications.
            seed_firms(places=places, tally=tally)
            user_lines = self.ensure_demo_users(tally)

        self.stdout.write("Demo data:")
        for model in sorted({model for model, _status in tally}):
            counts = ", ".join(
                f"{tally[model, status]} {status}"
                for status in (CREATED, UPDATED, UNCHANGED, "deleted")
                if tally[model, status] or status != "deleted"
            )
            self.stdout.write(f"  {model}: {counts}")
        for line in user_lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("seed_demo finished."))

    def ensure_demo_users(self, tally: Counter) -> list[str]:
        """Create the demo admin and editor if missing; never touch an existing password."""
        User = get_user_model()
        editors = Group.objects.filter(name=EDITORS_GROUP).first()
        lines = []
        for email, name, is_superuser in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                create = User.objects.create_superuser if is_superuser else User.objects.create_user
                user = create(email, DEMO_PASSWORD, name=name, is_staff=True)
                tally["User", CREATED] += 1
                lines.append(f"Demo account created: {email} / {DEMO_PASSWORD}")
            elif not user.is_staff or user.is_superuser != is_superuser:
                user.is_staff, user.is_superuser = True, is_superuser
                user.save(update_fields=["is_staff", "is_superuser"])
                tally["User", UPDATED] += 1
            else:
                tally["User", UNCHANGED] += 1
            if not is_superuser and editors is not None and not user.groups.filter(pk=editors.pk).exists():
                user.groups.add(editors)
        if editors is None:
            lines.append(f'No "{EDITORS_GROUP}" group yet: the demo editor has no group permissions.')
        return lines
