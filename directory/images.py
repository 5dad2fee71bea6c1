"""Firm logos: what a firm uploads is never stored or served as it came.

An upload is refused before decoding when it is too large in bytes, when its header is not
a PNG, JPEG or WebP one, or when the header promises more pixels than we are willing to
decode (a "decompression bomb": a few kilobytes that decode to gigabytes). What passes is
decoded, stripped of metadata (EXIF with GPS positions, ICC profiles, text chunks), shrunk
to fit settings.PORTAL_LOGO_SIZE, centred on a transparent square and written as a fresh
PNG. The square lets pages give the <img> equal width and height without distorting it.

The PNG goes to the default storage: local files, or an S3-compatible bucket on several hosts
(lawzana/settings.py, media_storage). Either may fail; the firm then keeps its logo and is told.
"""

import io
import logging
import struct
import warnings

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from directory.services.firms import firms_refresh

from .models import Firm

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")
ACCEPTED_CONTENT_TYPES = "image/png,image/jpeg,image/webp"
NOT_AN_IMAGE = _("This file is not a PNG, JPEG or WebP image.")
# What Pillow raises on broken or hostile files, beyond "cannot identify" (an OSError).
DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
)
# What the default storage raises when it cannot do its job: OSError from a local disk (full,
# unwritable), botocore's errors from a bucket that is unreachable, slow or refuses the request.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class LogoRejected(ValueError):
    """The upload cannot be a logo; str(exc) is the message for the firm."""


class LogoStorageFailed(Exception):
    """The storage could not store or read a logo; nothing about the firm changed."""


def logo_reencode(upload) -> bytes:
    """Return the PNG bytes to store for an uploaded file, or raise LogoRejected."""
    max_bytes = settings.PORTAL_LOGO_MAX_BYTES
    if upload.size > max_bytes:
        raise LogoRejected(
            _("This file is %(size)s MB; a logo may be at most %(max)s MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "max": f"{max_bytes / 1024 / 1024:.0f}"}
        )
    upload.seek(0)
    try:
        # Why catch_warnings: Pillow only *warns* about a bomb between MAX_IMAGE_PIXELS and
        # twice that; turned into an error here, such a file is refused like any other.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=ACCEPTED_FORMATS) as image:
                # Image.open reads the header only: the size is known, nothing is decoded yet.
                width, height = image.size
                if width < 1 or height < 1:
                    raise LogoRejected(NOT_AN_IMAGE)
                if width * height > settings.PORTAL_LOGO_MAX_PIXELS:
                    raise LogoRejected(
                        _(
                            "This image is %(width)s × %(height)s pixels, too large to process. "
                            "Upload a smaller version (a logo of %(size)s × %(size)s pixels is plenty)."
                        )
                        % {"width": width, "height": height, "size": settings.PORTAL_LOGO_SIZE}
                    )
                image.load()
                return _to_png(image)
    except LogoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        logger.info("logo refused: %s", type(exc).__name__)
        raise LogoRejected(_("This image has too many pixels to process. Upload a smaller version.")) from exc
    except DECODE_ERRORS as exc:
        logger.info("logo refused: %s", type(exc).__name__)
        raise LogoRejected(NOT_AN_IMAGE) from exc


def _to_png(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image)  # a phone photo keeps its orientation, not its EXIF
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    side = settings.PORTAL_LOGO_SIZE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    # A new canvas carries no metadata at all (no EXIF, ICC profile or text chunks).
    square = Image.new("RGBA", (max(image.size),) * 2, (0, 0, 0, 0))
    square.paste(image, ((square.width - image.width) // 2, (square.height - image.height) // 2))
    out = io.BytesIO()
    square.save(out, format="PNG", optimize=True)
    return out.getvalue()


@transaction.atomic
def firm_logo_set(*, firm: Firm, upload) -> Firm:
    """Store the re-encoded logo (raises LogoRejected) and delete the previous file."""
    png = logo_reencode(upload)
    # The row lock keeps two uploads at once from each deleting the other's file.
    firm = Firm.objects.select_for_update().get(pk=firm.pk)
    previous = firm.logo.name
    try:
        firm.logo.save("logo.png", ContentFile(png), save=False)
    except STORAGE_ERRORS as exc:
        # Raised inside the transaction: the row, and so the firm's logo, stay as they were.
        logger.warning("logo of firm %s not stored: %s: %s", firm.pk, type(exc).__name__, exc)
        raise LogoStorageFailed from exc
    firm.save(update_fields=["logo", "updated_at"])
    _delete_after_commit(previous)
    firms_refresh(firm_ids=[firm.pk])
    return firm


@transaction.atomic
def firm_logo_remove(*, firm: Firm) -> Firm:
    firm = Firm.objects.select_for_update().get(pk=firm.pk)
    previous = firm.logo.name
    if previous:
        firm.logo = ""
        firm.save(update_fields=["logo", "updated_at"])
        _delete_after_commit(previous)
        firms_refresh(firm_ids=[firm.pk])
    return firm


def logo_read(name: str) -> bytes:
    """The stored PNG; FileNotFoundError when it is gone, LogoStorageFailed when the storage fails.

    Read whole (a logo is a few hundred kilobytes at most) so that a failure happens here, where
    the view can answer 503, and not halfway through a response already sent as 200."""
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        raise
    except STORAGE_ERRORS as exc:
        logger.warning("logo %s not read: %s: %s", name, type(exc).__name__, exc)
        raise LogoStorageFailed from exc


def _delete_after_commit(name: str) -> None:
    # After commit: if the transaction rolls back, the row still points at the old file.
    if name:
        transaction.on_commit(lambda: _delete(name))


def _delete(name: str) -> None:
    # The new logo is committed by now: a storage failure leaves an unused file behind, which
    # must not turn the firm's successful change into an error page.
    try:
        default_storage.delete(name)
    except STORAGE_ERRORS as exc:
        logger.warning("old logo %s not deleted: %s: %s", name, type(exc).__name__, exc)
