"""Which reads go to the read replica (lawzana/db_router.py), on a real second connection.

The "replica" alias is a second connection to the test database, as DATABASE_REPLICA_URL's
TEST MIRROR makes it in a suite with a replica configured: every query it runs is one the
router sent there, and CaptureQueriesContext on each connection shows which side ran what.
The data is committed (transactional tests) so that both connections see it.
"""

import copy

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.management import call_command
from django.db import connections, router, transaction
from django.db.models import F
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path

from directory.models import Firm
from intake.services import submission
from intake.tasks import leads_expire
from lawzana.db_router import REPLICA
from tests.factories import FirmFactory, GuideFactory, LeadFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup, django_db_blocker):
    """The alias and the router, as DATABASE_REPLICA_URL sets them. Module-wide, so that the
    alias exists before pytest-django checks each test's databases."""
    default = connections["default"].settings_dict
    connections.settings[REPLICA] = {**copy.deepcopy(default), "TEST": {**default["TEST"], "MIRROR": "default"}}
    assert connections[REPLICA] is not connections["default"]
    with override_settings(DATABASE_ROUTERS=["lawzana.db_router.ReplicaRouter"]):
        yield connections[REPLICA]
    with django_db_blocker.unblock():
        connections[REPLICA].close()  # so that the test database can be dropped
    del connections[REPLICA]
    del connections.settings[REPLICA]


class Queries:
    """The SQL each connection ran in the block."""

    def __enter__(self):
        self._contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in ("default", REPLICA)}
        for context in self._contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self._contexts.values():
            context.__exit__(*exc)
        self.default = [query["sql"] for query in self._contexts["default"].captured_queries]
        self.replica = [query["sql"] for query in self._contexts[REPLICA].captured_queries]


def _selects(queries, table):
    return [sql for sql in queries if sql.lstrip().upper().startswith("SELECT") and f'"{table}"' in sql]


def _writes(queries):
    return [sql for sql in queries if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


@pytest.fixture
def landing(harbin, cyber_law):
    FirmFactory(name="Amber Bridge Law", cities=[harbin], practice_areas=[cyber_law])
    return GuideFactory(published=True, city=harbin, practice_area=cyber_law).get_absolute_url()


def test_an_anonymous_visitor_of_a_public_page_reads_only_the_replica(client, landing):
    with Queries() as queries:
        response = client.get(landing)

    assert response.status_code == 200 and b"Amber Bridge Law" in response.content
    assert _selects(queries.replica, "directory_firm")
    assert queries.default == []


def test_a_visitor_with_a_session_reads_the_primary(client, landing):
    client.force_login(UserFactory())  # a firm member, an editor, a client in the request form

    with Queries() as queries:
        response = client.get(landing)

    assert response.status_code == 200 and b"Amber Bridge Law" in response.content
    assert _selects(queries.default, "directory_firm")
    assert queries.replica == []


def test_a_post_reads_the_primary(client, harbin, cyber_law):
    # The request form's first step, sent by a visitor without a session yet.
    with Queries() as queries:
        response = client.post(
            "/requests/new/",
            {"lead_wizard-current_step": "what", "what-practice_area": cyber_law.pk, "what-city": harbin.pk},
        )

    assert response.status_code in (200, 302, 400)
    assert queries.default
    assert queries.replica == []


def test_the_firm_profile_reads_the_replica_and_counts_its_view_on_the_primary(client, harbin, settings):
    # PROFILE_VIEW_FLUSH_SECONDS=0: the profile writes its view count during the request.
    settings.PROFILE_VIEW_FLUSH_SECONDS = 0
    firm = FirmFactory(name="Amber Bridge Law", cities=[harbin])

    with Queries() as queries:
        response = client.get(firm.get_absolute_url())

    assert response.status_code == 200 and b"Amber Bridge Law" in response.content
    assert _selects(queries.replica, "directory_firm")
    assert [sql for sql in _writes(queries.default) if "directory_profileviewmonth" in sql]
    assert not _writes(queries.replica)


@login_not_required
def read_write_read(request):
    """Reads a firm, maybe writes (or opens a transaction), reads it again."""
    firm = Firm.objects.get(slug=request.GET["slug"])
    if request.GET.get("then") == "write":
        Firm.objects.filter(pk=firm.pk).update(name=F("name"))
    elif request.GET.get("then") == "atomic":
        with transaction.atomic():
            Firm.objects.get(pk=firm.pk)
    return HttpResponse(Firm.objects.get(pk=firm.pk).name)


urlpatterns = [path("read-write-read/", read_write_read)]


@pytest.mark.parametrize(
    ("then", "on_replica", "on_default"),
    [
        ("nothing", 2, 0),
        ("write", 1, 1),  # the read after the write (the firm profile's reads all come before its count)
        ("atomic", 1, 2),  # the read in the transaction, and the one after it
    ],
)
def test_a_get_that_writes_reads_the_primary_after_the_write(client, settings, then, on_replica, on_default):
    settings.ROOT_URLCONF = __name__
    firm = FirmFactory(name="Amber Bridge Law")

    with Queries() as queries:
        response = client.get("/read-write-read/", {"slug": firm.slug, "then": then})

    assert response.content == b"Amber Bridge Law"
    assert len(_selects(queries.replica, "directory_firm")) == on_replica
    assert len(_selects(queries.default, "directory_firm")) == on_default


@pytest.mark.parametrize("view", ["status", "confirm"])
def test_secret_links_opened_anonymously_read_the_primary(client, view):
    # Opened from an email sent a moment ago: the replica may not have the row yet.
    lead = LeadFactory()
    url = lead.get_absolute_url() if view == "status" else f"/requests/confirm/{submission.confirmation_token(lead)}/"

    with Queries() as queries:
        response = client.get(url)

    assert response.status_code in (200, 302)
    assert _selects(queries.default, "intake_lead")
    assert queries.replica == []


def test_tasks_and_services_outside_a_request_read_the_primary():
    FirmFactory()
    LeadFactory()

    with Queries() as queries:
        leads_expire()  # a Celery task, run here as a worker runs it
        assert Firm.objects.count() == 1

    assert _selects(queries.default, "intake_lead") and _selects(queries.default, "directory_firm")
    assert queries.replica == []


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate_model(REPLICA, Firm) is False
    assert router.allow_migrate(REPLICA, "directory") is False
    assert router.allow_migrate_model("default", Firm) is True

    with Queries() as queries:
        call_command("migrate", database=REPLICA, verbosity=0)

    # Nothing applied, recorded nor altered there (directory/migrations/0015 alters the database).
    assert not [sql for sql in queries.replica if not sql.lstrip().upper().startswith("SELECT")]
    assert settings.DATABASES[REPLICA]["TEST"]["MIRROR"] == "default"
