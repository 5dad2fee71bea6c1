"""`manage.py demo_totp`: the current second-factor code of the demo accounts (never in production)."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .seed_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo accounts created by seed_demo."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo accounts do not exist in production.")
        period = app_settings.TOTP_PERIOD
        now = int(time.time())
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // period))
        self.stdout.write(f"{code}  (valid for {period - now % period} more seconds)")
