import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from directory.models import City, Country, Disclaimer, PracticeArea, Region
from guides.models import FaqItem, Guide, GuideSource


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.django.Password("a-long-test-password-1")


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("slug",)

    name = "China"
    slug = "china"
    code = "CN"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("country", "slug")

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Province {n}")
    slug = factory.Sequence(lambda n: f"province-{n}")


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")


class PracticeAreaGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeArea

    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")


class PracticeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeArea

    parent = factory.SubFactory(PracticeAreaGroupFactory)
    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")


class DisclaimerFactory(factory.django.DjangoModelFactory):
    """A country's active legal notice in English; pass practice_area for an area's, text_zh_hans for Chinese."""

    class Meta:
        model = Disclaimer

    country = factory.SubFactory(CountryFactory)
    practice_area = None
    text_en = factory.Sequence(lambda n: f"General information, not legal advice ({n}).")
    advertising_rules_en = "Firms may not promise outcomes."
    is_active = True


class GuideFactory(factory.django.DjangoModelFactory):
    """A complete draft; use the `published` trait for a live guide with a source."""

    class Meta:
        model = Guide
        skip_postgeneration_save = True

    city = factory.SubFactory(CityFactory)
    practice_area = factory.SubFactory(PracticeAreaFactory)
    meta_description = "What to know about this area of law here."
    summary = "A short summary of the guide."
    about_md = "About this area of law."
    why_md = "- When something goes wrong"
    local_laws_md = "The national laws apply."
    resources_md = "- A public body"
    next_steps_md = "1. Keep evidence"
    reviewer_name = "Wei Zhang"
    reviewer_credentials = "Lawyer"
    last_reviewed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))

    class Params:
        published = factory.Trait(
            status=Guide.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
            source=factory.RelatedFactory("tests.factories.GuideSourceFactory", factory_related_name="guide"),
        )


class FaqItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqItem

    guide = factory.SubFactory(GuideFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer_md = "An answer."
    position = factory.Sequence(int)


class GuideSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuideSource

    guide = factory.SubFactory(GuideFactory)
    title = "Personal Information Protection Law"
    issuing_body = "Standing Committee of the National People's Congress"
    url = "https://www.example.gov.cn/pipl"
    issued_on = datetime.date(2021, 8, 20)


# The TOTP secret test users enrol with: tests compute the current code with totp_code().
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def mfa_enable(user, secret=TEST_TOTP_SECRET):
    """Give a user a TOTP authenticator, as enrolling in the account pages would."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": encrypt(secret)}}
    )
    return user


def totp_code(secret=TEST_TOTP_SECRET):
    """The code an authenticator app shows now for `secret`. Never one about to expire: the
    server checks the current period only, and a code made in the last moment of a period
    reaches it in the next one (a rare failure of any test that signs in)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    remaining = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if remaining < 2:
        time.sleep(remaining + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def email_verify(user):
    """Mark the user's address verified, as following allauth's confirmation link does."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


class StaffFactory(UserFactory):
    """A staff member with no group and no permissions of their own, enrolled in two-factor
    authentication (the admin requires it; pass `mfa=False` for one who is not).

    Signs in with client.force_login: the password is unusable, which skips the slow hashing.
    """

    is_staff = True
    password = factory.LazyFunction(lambda: make_password(None))

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if create and extracted is not False:
            mfa_enable(self)


class SuperuserFactory(StaffFactory):
    is_superuser = True


class EditorFactory(StaffFactory):
    """A staff member in the "Editors" group that the guides data migration creates."""

    @factory.post_generation
    def editors_group(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name="Editors"))


# --- Directory: firms and what hangs off them -----------------------------------------
# Models are named as "app.Model" strings so that this appended block needs no import at
# the top of the module. Derived firm fields (rating, counts, completeness, rank, badge
# date, search text) are never set by hand: create the related rows, then call
# `refresh(firm)`; FirmFactory does that itself after its own related rows.

LANGUAGE_NAMES = {
    "en": "English",
    "zh": "Chinese",
    "de": "German",
    "fr": "French",
    "ru": "Russian",
    "ja": "Japanese",
    "ko": "Korean",
    "es": "Spanish",
}


def refresh(*firms):
    """Recompute the firms' derived fields (directory.services.firms.firms_refresh) and reload them."""
    from directory.services.firms import firms_refresh

    firms_refresh(firm_ids=[firm.pk for firm in firms])
    for firm in firms:
        firm.refresh_from_db()
    return firms[0] if len(firms) == 1 else firms


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Language"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"x{n}")
    name = factory.LazyAttribute(lambda o: LANGUAGE_NAMES.get(o.code, f"Language {o.code}"))


def _language(value):
    return LanguageFactory(code=value) if isinstance(value, str) else value


class FirmFactory(factory.django.DjangoModelFactory):
    """A listed firm. Optional shortcuts, all created before the derived fields are computed:

    cities=[city, ...]          one office in each
    practice_areas=[area, ...]  (not groups)
    languages=["en", lang, ...] codes or Language rows
    ratings=[5, 4, ...]         published reviews with these ratings
    verified=date               a Verification on that date
    response=(score, hours)     what the intake records about answering requests
    """

    class Meta:
        model = "directory.Firm"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Firm {n}")
    slug = factory.Sequence(lambda n: f"firm-{n}")
    is_listed = True

    class Params:
        complete = factory.Trait(
            description_md="We advise companies and people on the law. " * 4,
            year_established=2005,
            size="small",
            website="https://firm.example.com",
            email="hello@firm.example.com",
            phone="+86 451 1234 5678",
        )

    @factory.post_generation
    def cities(self, create, extracted, **kwargs):
        for city in extracted or []:
            OfficeFactory(firm=self, city=city)

    @factory.post_generation
    def practice_areas(self, create, extracted, **kwargs):
        if extracted:
            self.practice_areas.set(extracted)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if extracted:
            self.languages.set([_language(value) for value in extracted])

    @factory.post_generation
    def ratings(self, create, extracted, **kwargs):
        for rating in extracted or []:
            ReviewFactory(firm=self, rating=rating)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if extracted:
            VerificationFactory(firm=self, verified_on=extracted)

    @factory.post_generation
    def response(self, create, extracted, **kwargs):
        # Stands in for the intake, which is the only writer of these two fields.
        if extracted:
            score, hours = extracted
            type(self).objects.filter(pk=self.pk).update(response_score=score, median_response_hours=hours)

    @factory.post_generation
    def refreshed(self, create, extracted, **kwargs):
        if create:
            refresh(self)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Office"

    firm = factory.SubFactory(FirmFactory)
    city = factory.SubFactory(CityFactory)
    address = factory.Sequence(lambda n: f"{n} Zhongyang Street")
    postal_code = "150010"


class LawyerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Lawyer"
        skip_postgeneration_save = True

    firm = factory.SubFactory(FirmFactory)
    name = factory.Sequence(lambda n: f"Lawyer {n}")
    slug = factory.Sequence(lambda n: f"lawyer-{n}")
    role = "associate"

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if extracted:
            self.languages.set([_language(value) for value in extracted])

    @factory.post_generation
    def practice_areas(self, create, extracted, **kwargs):
        if extracted:
            self.practice_areas.set(extracted)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Article"

    firm = factory.SubFactory(FirmFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    body_md = "What clients ask us most often."
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class ReviewFactory(factory.django.DjangoModelFactory):
    """A published review. Call `refresh(firm)` afterwards for the firm's rating to follow."""

    class Meta:
        model = "directory.Review"

    firm = factory.SubFactory(FirmFactory)
    author_name = factory.Sequence(lambda n: f"Client {n}, Harbin")
    rating = 5
    body = "Clear advice and quick answers."
    status = "published"


class ServiceFeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.ServiceFee"

    firm = factory.SubFactory(FirmFactory)
    service = factory.Sequence(lambda n: f"Service {n}")
    fee_model = "on_request"


class VerificationFactory(factory.django.DjangoModelFactory):
    """A verification; call `refresh(firm)` afterwards for the badge to follow."""

    class Meta:
        model = "directory.Verification"

    firm = factory.SubFactory(FirmFactory)
    checked_business_licence = True
    verified_by = "Lawzana operations"
    verified_on = factory.LazyFunction(timezone.localdate)


class SocialLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.SocialLink"

    firm = factory.SubFactory(FirmFactory)
    network = "linkedin"
    url = "https://www.linkedin.com/company/example-firm"


class FirmUserFactory(UserFactory):
    """Someone at a law firm who can use the portal: verified email, TOTP enrolled
    (`mfa=False` for one who is not). Sign in with client.force_login."""

    password = factory.LazyFunction(lambda: make_password(None))

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if create:
            email_verify(self)
            if extracted is not False:
                mfa_enable(self)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A portal user's place in a firm; the user can use the portal straight away."""

    class Meta:
        model = "directory.Membership"

    user = factory.SubFactory(FirmUserFactory)
    firm = factory.SubFactory(FirmFactory)
    role = "member"

    class Params:
        owner = factory.Trait(role="owner")


# --- Intake: requests, their consents and matches ---------------------------------------
# Written straight to the database (no services), so nothing is enqueued: a test that wants
# the pipeline calls intake.services itself.


def _policy_version():
    from lawzana import privacy

    return privacy.POLICY_VERSION


def _consent_digest(purpose):
    from django.conf import settings

    from lawzana import privacy

    return privacy.digest(privacy.consent_texts(fanout=settings.LEAD_FANOUT)[purpose])


class LeadFactory(factory.django.DjangoModelFactory):
    """A confirmed request. `consents=["process", "share"]` (the default) adds those rows;
    pass `consents=[]` for none."""

    class Meta:
        model = "intake.Lead"
        skip_postgeneration_save = True

    practice_area = factory.SubFactory(PracticeAreaFactory)
    city = factory.SubFactory(CityFactory)
    description = "Our online shop leaked customer emails; what must we tell them, and when?"
    urgency = "soon"
    budget = "unsure"
    client_type = "individual"
    name = factory.Sequence(lambda n: f"Client {n}")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    phone = "+8613812345678"
    status = "confirmed"
    confirmation_sent_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)
    dedupe_key = factory.Sequence(lambda n: f"{n:064x}")

    @factory.post_generation
    def consents(self, create, extracted, **kwargs):
        if create:
            for purpose in ["process", "share"] if extracted is None else extracted:
                ConsentFactory(lead=self, purpose=purpose)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intake.Consent"

    lead = factory.SubFactory(LeadFactory, consents=[])
    purpose = "process"
    policy_version = factory.LazyFunction(_policy_version)
    text_digest = factory.LazyAttribute(lambda o: _consent_digest(o.purpose))
    locale = "en"


class MatchFactory(factory.django.DjangoModelFactory):
    """A match in the given slot (default: the next free one) for a firm serving nothing in
    particular; pass `firm=` for a real one."""

    class Meta:
        model = "intake.Match"

    lead = factory.SubFactory(LeadFactory)
    firm = factory.SubFactory(FirmFactory)
    slot = factory.LazyAttribute(lambda o: o.lead.matches.count() + 1)
    round = 1
    status = "delivered"
    score = 0.5
    reason = "office in the city"
    delivered_at = factory.LazyFunction(timezone.now)


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    """An endpoint on a public HTTPS address (nothing is sent to it unless a test sends)."""

    class Meta:
        model = "webhooks.WebhookEndpoint"

    firm = factory.SubFactory(FirmFactory)
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/lawzana")


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webhooks.WebhookDelivery"

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event = "ping"
    payload = factory.LazyFunction(lambda: {"type": "ping", "data": {}})
