"""Firm logos on an S3-compatible bucket (lawzana/settings.py, media_storage), against moto's S3
server over real HTTP: what a firm uploads lands in the bucket, never on the host's disk, is
served back through the app, and a bucket that stops answering costs the firm an error message,
not its logo or a 500.

moto is a development dependency (requirements.lock); without it these tests skip on a laptop
and fail under CI=true."""

import datetime
import gc
import io
import logging
import re
import urllib.error
import urllib.request
import warnings

import boto3
import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter
from import_export.tmp_storages import MediaStorage
from PIL import Image

from directory.importing import PENDING_FILES_FOLDER, import_files_delete_abandoned
from lawzana.settings import media_storage
from tests.factories import MembershipFactory
from tests.integration.conftest import _unavailable

pytestmark = pytest.mark.django_db

BUCKET = "lawzana-media"
ACCESS_KEY_ID = "AKIAMOTOTESTKEY00001"
SECRET_ACCESS_KEY = "moto-secret-that-must-never-be-logged-0123456789"
CLOSED_PORT_ENDPOINT = "http://127.0.0.1:1"  # nothing listens on port 1: refused at once


@pytest.fixture(autouse=True)
def _drop_botocore_sockets():
    """botocore leaves the sockets of failed connections (the unreachable bucket) to the garbage
    collector, whose ResourceWarning would surface in whichever test runs next: collect here."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture(scope="module")
def s3_endpoint():
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # moto[server] needs flask
        _unavailable(f"needs moto's S3 server (pip install 'moto[s3,server]'): {exc}")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def use_bucket(settings, monkeypatch, endpoint):
    """STORAGES as lawzana/settings.py builds it from the environment an operator would set.
    Django's setting_changed handler (django/test/signals.py) drops the cached default_storage."""
    for name, value in {
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": endpoint,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "MEDIA_S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
    }.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def member(client):
    membership = MembershipFactory(firm__name="Songhua River Law", firm__slug="songhua")
    client.force_login(membership.user)
    return membership


def png(color):
    buffer = io.BytesIO()
    Image.new("RGBA", (600, 300), color).save(buffer, "PNG")
    return buffer.getvalue()


def post_logo(client, firm, content):
    upload = SimpleUploadedFile("logo.png", content, content_type="image/png")
    return client.post(reverse("portal:profile_logo", kwargs={"firm_slug": firm.slug}), {"logo": upload})


def keys(bucket):
    return sorted(item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_logo_lives_in_the_private_bucket_and_is_served_by_the_app(
    client, member, bucket, s3_endpoint, media_root, settings, monkeypatch, django_capture_on_commit_callbacks
):
    use_bucket(settings, monkeypatch, s3_endpoint)
    firm = member.firm

    with django_capture_on_commit_callbacks(execute=True):
        response = post_logo(client, firm, png((200, 30, 30, 255)))

    assert response.status_code == 302
    assert "The new logo is saved." in [str(m) for m in client.get(response["Location"]).context["messages"]]
    firm.refresh_from_db()
    (first,) = keys(bucket)
    assert first == f"media/{firm.logo.name}"
    assert re.fullmatch(rf"media/logos/{firm.pk}/[0-9a-f]{{32}}\.png", first)
    stored = bucket.get_object(Bucket=BUCKET, Key=first)
    assert stored["ContentType"] == "image/png"
    stored_bytes = stored["Body"].read()
    assert stored_bytes.startswith(b"\x89PNG")
    assert list(media_root.rglob("*")) == []

    # Private: no grant to everyone, and the bucket refuses a request that is not signed.
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=first)["Grants"]
    assert [g for g in grants if g["Grantee"].get("URI", "").endswith("/AllUsers")] == []
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{first}", timeout=5)
    assert refused.value.code == 403

    # A visitor sees the same bytes through the profile page's <img>.
    client.logout()
    profile = client.get(firm.get_absolute_url()).content.decode()
    (src,) = set(re.findall(r'src="(/[^"]*/logo\.png\?v=[^"]+)"', profile))
    image = client.get(src)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == stored_bytes

    # A new logo: the old object goes, but only once the new one is committed.
    client.force_login(member.user)
    with django_capture_on_commit_callbacks() as callbacks:
        post_logo(client, firm, png((0, 255, 0, 255)))
    assert len(keys(bucket)) == 2
    for callback in callbacks:
        callback()
    firm.refresh_from_db()
    assert keys(bucket) == [f"media/{firm.logo.name}"] != [first]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:profile_logo", kwargs={"firm_slug": firm.slug}), {"remove": "1"})

    assert response.status_code == 302
    assert keys(bucket) == []
    assert list(media_root.rglob("*")) == []


def test_an_unreachable_bucket_is_an_error_message_and_the_firm_keeps_its_logo(
    client, member, bucket, s3_endpoint, settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    use_bucket(settings, monkeypatch, s3_endpoint)
    firm = member.firm
    post_logo(client, firm, png((200, 30, 30, 255)))
    firm.refresh_from_db()
    kept = firm.logo.name
    use_bucket(settings, monkeypatch, CLOSED_PORT_ENDPOINT)

    response = post_logo(client, firm, png((0, 255, 0, 255)))

    page = client.get(response["Location"])
    assert (response.status_code, page.status_code) == (302, 200)
    assert "Your logo could not be saved just now; nothing was changed." in page.content.decode()
    assert "please correct what is marked below" not in page.content.decode()
    firm.refresh_from_db()
    assert firm.logo.name == kept
    assert "not stored: EndpointConnectionError" in caplog.text

    # The logo cannot be read either: 503, which nginx and browsers do not keep.
    public = client.get(reverse("directory:firm_logo", kwargs={"slug": firm.slug}))
    assert (public.status_code, public["Cache-Control"]) == (503, "no-store")
    assert client.get(reverse("portal:profile_logo_file", kwargs={"firm_slug": firm.slug})).status_code == 503

    # Removing still works: the row is what counts; the object left behind is only logged.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:profile_logo", kwargs={"firm_slug": firm.slug}), {"remove": "1"})
    assert response.status_code == 302
    firm.refresh_from_db()
    assert not firm.logo
    assert f"old logo {kept} not deleted" in caplog.text
    assert keys(bucket) == [f"media/{kept}"]


def test_no_log_line_carries_the_credentials_even_at_debug_level(
    client, member, bucket, s3_endpoint, settings, monkeypatch, caplog
):
    use_bucket(settings, monkeypatch, s3_endpoint)
    caplog.set_level(logging.DEBUG)

    assert post_logo(client, member.firm, png((200, 30, 30, 255))).status_code == 302

    assert len(keys(bucket)) == 1
    assert SECRET_ACCESS_KEY not in caplog.text
    assert ACCESS_KEY_ID not in caplog.text
    assert "Signature=" not in caplog.text


def test_the_bucket_comes_from_the_environment_and_error_reports_hide_the_keys(monkeypatch):
    assert media_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    monkeypatch.setenv("MEDIA_S3_BUCKET", BUCKET)
    monkeypatch.setenv("MEDIA_S3_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)

    storage = media_storage()

    options = storage["OPTIONS"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["location"], options["endpoint_url"]) == (BUCKET, "media", None)
    assert (options["default_acl"], options["querystring_auth"], options["file_overwrite"]) == (None, True, False)
    config = options["client_config"]
    assert (config.connect_timeout, config.read_timeout, config.retries["total_max_attempts"]) == (2, 5, 2)
    # Django's error pages and 500 emails show settings; the key must be masked there.
    shown = SafeExceptionReporterFilter().cleanse_setting("STORAGES", {"default": storage})
    assert SECRET_ACCESS_KEY not in str(shown)

    monkeypatch.setenv("MEDIA_S3_PREFIX", "/tenant-a/media/")
    assert media_storage()["OPTIONS"]["location"] == "tenant-a/media"
    monkeypatch.setenv("MEDIA_S3_ADDRESSING_STYLE", "path")
    assert media_storage()["OPTIONS"]["addressing_style"] == "path"
    monkeypatch.setenv("MEDIA_S3_ADDRESSING_STYLE", "pathway")
    with pytest.raises(ImproperlyConfigured, match="MEDIA_S3_ADDRESSING_STYLE"):
        media_storage()


def test_import_files_nobody_confirmed_are_deleted_from_the_bucket_after_a_day(
    bucket, s3_endpoint, media_root, settings, monkeypatch
):
    # As the admin's import preview stores its upload (directory/admin.py, FirmImportExportMixin).
    use_bucket(settings, monkeypatch, s3_endpoint)
    start = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        MediaStorage(MEDIA_FOLDER=PENDING_FILES_FOLDER).save(b"name,country\n")
    with time_machine.travel(start + datetime.timedelta(hours=23), tick=False):
        recent = MediaStorage(MEDIA_FOLDER=PENDING_FILES_FOLDER)
        recent.save(b"name,country\n")
    assert len(keys(bucket)) == 2

    with time_machine.travel(start + datetime.timedelta(hours=24, minutes=1), tick=False):
        deleted = import_files_delete_abandoned()

    assert deleted == 1
    assert keys(bucket) == [f"media/{PENDING_FILES_FOLDER}/{recent.name}"]
    assert list(media_root.rglob("*")) == []
