"""Firm logos: uploaded in the portal, re-encoded by directory.images, served publicly by
directory:firm_logo and shown on the profile and the firm cards."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from directory.models import Firm
from tests.factories import FirmFactory, FirmUserFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "This file is not a PNG, JPEG or WebP image."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def member(client):
    membership = MembershipFactory(firm__name="Songhua River Law", firm__slug="songhua")
    client.force_login(membership.user)
    return membership


@pytest.fixture
def firm(member):
    return member.firm


def logo_url(firm):
    return reverse("portal:profile_logo", kwargs={"firm_slug": firm.slug})


def stored_files(media):
    return sorted(path for path in media.rglob("*") if path.is_file())


def png(size=(600, 300), mode="RGBA", color=(200, 30, 30, 255), **save):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, "PNG", **save)
    return buffer.getvalue()


def png_header(width, height):
    """A PNG that is only a header claiming width × height pixels (and an empty image)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def upload(content, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_logo(client, firm, content, **kwargs):
    return client.post(logo_url(firm), {"logo": upload(content, **kwargs)})


# --- Uploading ------------------------------------------------------------------------------


def test_a_png_is_re_encoded_without_its_metadata(client, firm, media, django_capture_on_commit_callbacks):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address: 12 Secret Lane")
    original = png(size=(600, 300), pnginfo=info)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_logo(client, firm, original)

    assert response.status_code == 302
    assert "The new logo is saved." in [str(m) for m in client.get(response["Location"]).context["messages"]]
    firm.refresh_from_db()
    (path,) = stored_files(media)
    stored = path.read_bytes()
    assert stored != original
    assert b"Secret Lane" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG"
        assert image.size == (400, 400)  # fits 400 px, centred on a transparent square
        assert image.getpixel((0, 0))[3] == 0
        assert image.getpixel((200, 200)) == (200, 30, 30, 255)
    assert firm.logo.name == str(path.relative_to(media))


def test_a_jpeg_loses_its_exif_and_a_small_webp_is_not_enlarged(client, firm, media):
    exif = Image.Exif()
    exif[0x010E] = "GPS 45.75N 126.63E"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (0, 90, 200)).save(buffer, "JPEG", exif=exif)

    post_logo(client, firm, buffer.getvalue(), name="logo.jpg", content_type="image/jpeg")

    (path,) = stored_files(media)
    assert b"GPS" not in path.read_bytes()
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), (0, 90, 200)).save(buffer, "WEBP")
    post_logo(client, firm, buffer.getvalue(), name="logo.webp", content_type="image/webp")
    firm.refresh_from_db()
    with firm.logo.open("rb") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (50, 50))


def test_a_new_logo_replaces_and_deletes_the_old_file(client, firm, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_logo(client, firm, png(color=(255, 0, 0, 255)))
    (first,) = stored_files(media)

    with django_capture_on_commit_callbacks(execute=True):
        post_logo(client, firm, png(color=(0, 255, 0, 255)))

    (second,) = stored_files(media)
    assert second != first
    firm.refresh_from_db()
    assert firm.logo.name == str(second.relative_to(media))


def test_removing_the_logo_deletes_the_file(client, firm, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_logo(client, firm, png())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(logo_url(firm), {"remove": "1"})

    assert response.status_code == 302
    firm.refresh_from_db()
    assert not firm.logo
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "content,name,content_type",
    [
        (b"<?php system($_GET['c']); ?>", "logo.png", "image/png"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
            "logo.svg",
            "image/svg+xml",
        ),
        (png()[:200], "logo.png", "image/png"),  # truncated
        (
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
            b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "logo.gif",
            "image/gif",
        ),
    ],
    ids=["php-named-png", "svg-with-script", "truncated-png", "gif"],
)
def test_what_is_not_a_png_jpeg_or_webp_is_refused(
    client, firm, media, assert_valid_html, content, name, content_type
):
    response = post_logo(client, firm, content, name=name, content_type=content_type)

    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == [NOT_AN_IMAGE]
    assert NOT_AN_IMAGE in response.content.decode()
    assert_valid_html(response.content)
    firm.refresh_from_db()
    assert not firm.logo
    assert stored_files(media) == []


def test_a_50_megapixel_image_is_refused_before_decoding(client, firm, media):
    buffer = io.BytesIO()
    Image.new("1", (8000, 7000)).save(buffer, "PNG", optimize=True)
    assert len(buffer.getvalue()) < 100_000  # tiny on disk, 56 million pixels decoded

    response = post_logo(client, firm, buffer.getvalue())

    assert response.status_code == 200
    assert "8000 × 7000 pixels, too large" in response.context["form"].errors["logo"][0]
    firm.refresh_from_db()
    assert not firm.logo
    assert stored_files(media) == []


@pytest.mark.parametrize("side", [10_000, 20_000], ids=["bomb-warning", "bomb-error"])
def test_a_header_claiming_a_decompression_bomb_is_refused(client, firm, media, side):
    # Above Pillow's own limit (89 million pixels) it warns, above twice that it raises.
    response = post_logo(client, firm, png_header(side, side))

    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == [
        "This image has too many pixels to process. Upload a smaller version."
    ]
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(client, firm, media, settings):
    content = png() + b"\0" * settings.PORTAL_LOGO_MAX_BYTES

    response = post_logo(client, firm, content)

    assert response.status_code == 200
    assert "a logo may be at most 2 MB" in response.context["form"].errors["logo"][0]
    assert stored_files(media) == []


def test_posting_without_a_file_asks_for_one(client, firm):
    response = client.post(logo_url(firm), {})

    assert response.context["form"].errors["logo"] == ["Choose a file to upload."]


def test_the_portal_shows_the_current_logo(client, firm, assert_valid_html):
    post_logo(client, firm, png())

    response = client.get(logo_url(firm))

    file_url = reverse("portal:profile_logo_file", kwargs={"firm_slug": firm.slug})
    assert f'src="{file_url}?v=' in response.content.decode()
    assert 'alt="Songhua River Law logo"' in response.content.decode()
    assert_valid_html(response.content)
    image = client.get(file_url)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


# --- The portal's own copy of the logo: who may see it --------------------------------------


def test_the_portal_logo_file_needs_a_signed_in_member(client):
    firm = FirmFactory()
    file_url = reverse("portal:profile_logo_file", kwargs={"firm_slug": firm.slug})

    response = client.get(file_url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={file_url}"


def test_the_portal_logo_file_needs_two_factor(client):
    membership = MembershipFactory(user=FirmUserFactory(mfa=False))
    client.force_login(membership.user)

    response = client.get(reverse("portal:profile_logo_file", kwargs={"firm_slug": membership.firm.slug}))

    assert response["Location"].startswith(reverse("portal:mfa_required"))


def test_another_firms_logo_is_a_404_in_the_portal_and_cannot_be_changed(client, member, media):
    rival = MembershipFactory(firm__slug="rival")
    client.force_login(rival.user)
    post_logo(client, rival.firm, png())
    rival.firm.refresh_from_db()
    before = rival.firm.logo.name
    client.force_login(member.user)

    assert client.get(reverse("portal:profile_logo_file", kwargs={"firm_slug": "rival"})).status_code == 404
    assert post_logo(client, rival.firm, png(color=(0, 0, 0, 255))).status_code == 404
    assert client.post(logo_url(rival.firm), {"remove": "1"}).status_code == 404

    rival.firm.refresh_from_db()
    assert rival.firm.logo.name == before
    assert len(stored_files(media)) == 1


def test_without_a_logo_the_portal_file_is_a_404(client, firm):
    assert client.get(reverse("portal:profile_logo_file", kwargs={"firm_slug": firm.slug})).status_code == 404


# --- The public logo ------------------------------------------------------------------------


@pytest.fixture
def with_logo(client, firm):
    post_logo(client, firm, png())
    client.logout()
    firm.refresh_from_db()
    return firm


def test_the_public_logo_is_served_as_a_png_to_anyone(client, with_logo):
    response = client.get(reverse("directory:firm_logo", kwargs={"slug": "songhua"}))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=86400"
    with with_logo.logo.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


def test_the_public_logo_answers_head_but_not_post(client, with_logo):
    logo = reverse("directory:firm_logo", kwargs={"slug": "songhua"})

    head = client.head(logo)
    head.close()  # as the WSGI server does; the test client drops HEAD bodies without closing
    assert head.status_code == 200
    assert head["Content-Type"] == "image/png"
    assert client.post(logo).status_code == 405


def test_the_public_logo_is_a_404_without_a_logo_or_for_an_unlisted_firm(client, with_logo):
    FirmFactory(slug="no-logo")

    assert client.get(reverse("directory:firm_logo", kwargs={"slug": "no-logo"})).status_code == 404
    assert client.get(reverse("directory:firm_logo", kwargs={"slug": "nobody"})).status_code == 404
    Firm.objects.filter(pk=with_logo.pk).update(is_listed=False)
    assert client.get(reverse("directory:firm_logo", kwargs={"slug": "songhua"})).status_code == 404


def test_the_public_profile_and_firm_card_show_the_logo(client, with_logo, assert_valid_html):
    logo = reverse("directory:firm_logo", kwargs={"slug": "songhua"})

    profile = client.get(with_logo.get_absolute_url()).content.decode()
    search = client.get(reverse("directory:search"), {"q": "Songhua"}).content.decode()

    for page, size in [(profile, "96"), (search, "48")]:
        assert f'src="{logo}?v=' in page
        assert f'alt="Songhua River Law logo" width="{size}" height="{size}"' in page
        assert_valid_html(page)


def test_without_a_logo_the_pages_show_no_image(client, firm):
    client.logout()

    profile = client.get(firm.get_absolute_url()).content.decode()
    search = client.get(reverse("directory:search"), {"q": "Songhua"}).content.decode()

    assert "logo.png" not in profile
    assert "logo.png" not in search
    assert "Songhua River Law" in search
