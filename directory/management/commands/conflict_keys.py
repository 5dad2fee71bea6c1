from django.core.management.base import BaseCommand

from directory.conflicts import entries_by_key


class Command(BaseCommand):
    help = (
        "How many conflict-list entries each CONFLICT_CHECK_KEY holds, while a key is being replaced: "
        "a fallback key can go once it holds none (docs/conflict-check.md, 'Replacing the key')."
    )

    def handle(self, *args, **options):
        counts = entries_by_key()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        if counts["retired"]:
            self.stdout.write(
                f"{counts['retired']} entries are under a key no longer configured and match nothing; "
                "their firms' conflict pages ask them to enter those names again."
            )
