from django.core.management.base import BaseCommand

from lawzana.page_cache import SITE, retire


class Command(BaseCommand):
    help = (
        "Retire cached public pages by tag (lawzana/page_cache.py), and hand the tags to the CDN purge "
        "hook. Without tags: every page (after a deploy that changes their markup)."
    )

    def add_arguments(self, parser):
        parser.add_argument("tags", nargs="*", help=f"tags such as firm:12 or listing:3 (default: {SITE})")

    def handle(self, *tags, **options):
        tags = tags or (SITE,)
        retire(*tags)
        self.stdout.write(f"Retired {len(tags)} tag(s): {' '.join(sorted(tags))}")
