from django.core.management.base import BaseCommand

from directory.services.firms import firms_refresh


class Command(BaseCommand):
    help = (
        "Recompute every firm's derived fields (search text and vector, rating, completeness, rank). "
        "Run once after an upgrade that changes how they are computed, e.g. Chinese search."
    )

    def handle(self, *args, **options):
        count = firms_refresh()
        self.stdout.write(f"Refreshed {count} firms.")
