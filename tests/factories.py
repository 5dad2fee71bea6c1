import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from directory.models import City, Country, PracticeArea, Region
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


class StaffFactory(UserFactory):
    """A staff member with no group and no permissions of their own.

    Signs in with client.force_login: the password is unusable, which skips the slow hashing.
    """

    is_staff = True
    password = factory.LazyFunction(lambda: make_password(None))


class SuperuserFactory(StaffFactory):
    is_superuser = True


class EditorFactory(StaffFactory):
    """A staff member in the "Editors" group that the guides data migration creates."""

    @factory.post_generation
    def editors_group(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name="Editors"))
