"""`manage.py seed_demo`: fill a local site with demo places, practice areas, guides and firms.

Safe to rerun: rows are matched on natural keys and written only when they differ, so a
second run changes nothing.
"""

from collections import Counter
from datetime import timedelta

import reversion
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.disclaimers import seed_disclaimers
from demo.firms import seed_firms
from demo.guides import seed_guides
from demo.places import seed_places
from demo.rows import CREATED, UNCHANGED, UPDATED
from directory.models import City, Firm, Membership, PracticeArea
from intake.models import Consent, Lead, Match
from lawzana import privacy

DEMO_PASSWORD = "lawzana-demo-password"
# Every demo account signs in with a second factor from this published secret: add it to an
# authenticator app, or run `manage.py demo_totp` for the current code. Demo only.
DEMO_TOTP_SECRET = "LAWZANADEMOTOTPSECRETLAWZANADEMO"
# (email, name, is_superuser). Both are staff; the editor joins the "Editors" group.
DEMO_USERS = [
    ("admin@lawzana.example", "Demo Admin", True),
    ("editor@lawzana.example", "Demo Editor", False),
]
EDITORS_GROUP = "Editors"
# A firm owner for the portal, and the demo firm they manage.
DEMO_FIRM_USER = ("firm@lawzana.example", "Demo Firm Owner")
DEMO_FIRM_SLUG = "songhua-river-legal-partners-demo"
# (days ago, match status, description): fictional requests in the demo firm's inbox.
DEMO_REQUESTS = [
    (
        0,
        "delivered",
        "We are a Harbin machinery exporter setting up a joint venture with a Russian "
        "distributor and need the shareholder agreement reviewed. Call me on 138 0000 0000.",
    ),
    (
        3,
        "viewed",
        "Our small trading company wants to add a second shareholder and change the "
        "legal representative. What filings are needed and how long do they take?",
    ),
    (
        40,
        "accepted",
        "A supplier breached our distribution contract; we want to understand our options "
        "before the next delivery is due.",
    ),
    (
        75,
        "declined",
        "We plan to acquire a local food-processing company and need due diligence on its licences and debts.",
    ),
]


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
                # The countries' legal notices first: a guide is published only where one is.
                seed_disclaimers(places=places, tally=tally)
                seed_guides(places=places, tally=tally)
            # Fictional firms with offices, lawyers, fees, reviews and verifications.
            seed_firms(places=places, tally=tally)
            user_lines = self.ensure_demo_users(tally)
            user_lines += self.ensure_demo_firm_user(tally)
            self.ensure_demo_requests(tally)

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
            self.ensure_sign_in(user)
        if editors is None:
            lines.append(f'No "{EDITORS_GROUP}" group yet: the demo editor has no group permissions.')
        return lines

    def ensure_demo_firm_user(self, tally: Counter) -> list[str]:
        """The demo firm's owner, for trying the portal; never touches an existing password."""
        email, name = DEMO_FIRM_USER
        User = get_user_model()
        user = User.objects.filter(email=email).first()
        lines = []
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
            tally["User", CREATED] += 1
            lines.append(f"Demo account created: {email} / {DEMO_PASSWORD} (firm portal)")
        else:
            tally["User", UNCHANGED] += 1
        self.ensure_sign_in(user)
        firm = Firm.objects.filter(slug=DEMO_FIRM_SLUG).first()
        if firm is not None and not Membership.objects.filter(user=user, firm=firm).exists():
            Membership.objects.create(user=user, firm=firm, role=Membership.Role.OWNER)
        if lines:
            lines.append(f"Demo accounts use the authenticator secret {DEMO_TOTP_SECRET} (or: manage.py demo_totp).")
        return lines

    def ensure_demo_requests(self, tally: Counter) -> None:
        """A few fictional requests in the demo firm's inbox, answered in various ways, so the
        portal's inbox, request page and figures have something to show. Created once."""
        firm = Firm.objects.filter(slug=DEMO_FIRM_SLUG).first()
        city = City.objects.filter(slug="harbin").first()
        area = PracticeArea.objects.filter(slug="corporate-and-company-law").first()
        if firm is None or city is None or area is None:
            return
        texts = privacy.consent_texts(fanout=settings.LEAD_FANOUT)
        now = timezone.now()
        for number, (days_ago, status, description) in enumerate(DEMO_REQUESTS, start=1):
            key = f"demo-request-{number}"
            if Lead.objects.filter(dedupe_key=key).exists():
                tally["Lead", UNCHANGED] += 1
                continue
            created = now - timedelta(days=days_ago)
            lead = Lead.objects.create(
                practice_area=area,
                city=city,
                description=description,
                urgency=Lead.Urgency.SOON,
                budget=Lead.Budget.FROM_5K,
                client_type=Lead.ClientType.BUSINESS,
                name=f"Demo Client {number}",
                email=f"client{number}@demo.lawzana.example",
                status=Lead.Status.MATCHED,
                dedupe_key=key,
                created_at=created,
                confirmation_sent_at=created,
                confirmed_at=created,
                matched_at=created,
            )
            for purpose in (Consent.Purpose.PROCESS, Consent.Purpose.SHARE):
                Consent.objects.create(
                    lead=lead,
                    purpose=purpose,
                    policy_version=privacy.POLICY_VERSION,
                    text_digest=privacy.digest(texts[purpose]),
                    locale="en",
                    given_at=created,
                )
            answered = status in {Match.Status.ACCEPTED, Match.Status.DECLINED}
            Match.objects.create(
                lead=lead,
                firm=firm,
                slot=1,
                status=status,
                reason="Office in Harbin; practises corporate law",
                created_at=created,
                delivered_at=created,
                viewed_at=created + timedelta(hours=2) if status != Match.Status.DELIVERED else None,
                responded_at=created + timedelta(hours=5) if answered else None,
                firm_message="Demo answer: we can help and will send an engagement letter." if answered else "",
                decline_reason=Match.DeclineReason.CAPACITY if status == Match.Status.DECLINED else "",
                client_notified_at=created + timedelta(hours=5) if status == Match.Status.ACCEPTED else None,
            )
            tally["Lead", CREATED] += 1

    @staticmethod
    def ensure_sign_in(user) -> None:
        """Verified email and the demo TOTP secret, so the account can sign in straight away."""
        if not EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists():
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            Authenticator.objects.create(
                user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(DEMO_TOTP_SECRET)}
            )
