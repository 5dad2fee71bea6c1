"""The one way the site sends email. Every message is three templates: emails/<name>_subject.txt,
_body.txt and _body.html.

- send() renders and sends at once and raises DeliveryError, saying whether a retry can help:
  for work a Celery task retries (a firm's new request, the client's status link).
- send_after_commit() sends once the caller's transaction commits and logs a failure: for
  notices whose rows are the truth and whose reader can ask again (an invitation, a claim link).
- send_to_operators() is send_after_commit() to settings.MANAGERS (OPERATOR_EMAILS), if any.

Every message is rendered in its reader's language (`language`): links in it lead to the pages in
that language too. A worker has no request to take it from, so callers pass the client's
(Lead.language) or the member's (User.language); group_by_language() splits a list of readers
who do not share one. Without one, the language active when the message was asked for is used.

Every HTML part extends templates/emails/layout.html (allauth's account emails too, through
accounts.adapter), whose one <style> block inline_css() copies into style attributes at send
time: many mail programs drop <style>, none drops a style attribute.

send_email() keeps the connection to an SMTP server open from one message to the next, per
thread (a Celery pool process has one): a new connection costs a TCP (and TLS) handshake,
EHLO, AUTH and QUIT for every message, several times the message itself.
"""

import contextlib
import logging
import os
import smtplib
import threading
import time

import css_inline
from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

# A connection is reused only while messages keep coming: a server drops idle clients after
# a timeout of its own (RFC 5321 asks for at least five minutes; not every server waits that
# long), and opening a new one costs only what every message cost before.
SMTP_REUSE_IDLE_SECONDS = 10
# Some servers limit the messages of one session; start a new one well before that.
SMTP_REUSE_MAX_MESSAGES = 100

_kept = threading.local()


class DeliveryError(Exception):
    """A message was not sent. `permanent`: the server refused it for good (5xx, a bad
    address), so retrying cannot help; otherwise (4xx, network) a later attempt may."""

    def __init__(self, message, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


def send(*, to: list[str], template: str, context: dict, language: str | None = None) -> None:
    """Render emails/<template>_* in `language` and send them now, raising DeliveryError if that fails."""
    message = render_email(to=to, template=template, context=context, language=language)
    try:
        send_email(message)
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=500 <= exc.smtp_code < 600) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        raise DeliveryError(f"Recipients refused: {codes}", permanent=all(500 <= c < 600 for c in codes)) from exc
    except BadHeaderError as exc:
        raise DeliveryError(str(exc), permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}", permanent=False) from exc


def send_after_commit(*, to: list[str], template: str, context: dict, language: str | None = None) -> None:
    """Send once the current transaction commits (at once outside one). A failure is logged,
    never raised: the caller's rows are committed and its user can ask for the email again."""
    language = language or translation.get_language()

    def deliver():
        try:
            send(to=to, template=template, context=context, language=language)
        except DeliveryError as exc:
            logger.warning("Email %s not sent (%s).", template, exc)

    transaction.on_commit(deliver, robust=True)


def send_to_operators(*, template: str, context: dict) -> None:
    """send_after_commit() to the operators (settings.MANAGERS), each in the language of their
    account if they have one, else the site's; nothing when there are none."""
    from django.contrib.auth import get_user_model

    to = [address for _name, address in settings.MANAGERS]
    if not to:
        return
    known = dict(get_user_model().objects.filter(email__in=to).values_list("email", "language"))
    for language, addresses in group_by_language([(a, known.get(a, settings.LANGUAGE_CODE)) for a in to]).items():
        send_after_commit(to=addresses, template=template, context=context, language=language)


def group_by_language(readers) -> dict[str, list[str]]:
    """{language: [address, ...]} from (address, language) pairs, in the pairs' order; an
    unknown or empty language counts as the site's."""
    known = {code for code, _name in settings.LANGUAGES}
    groups: dict[str, list[str]] = {}
    for address, language in readers:
        groups.setdefault(language if language in known else settings.LANGUAGE_CODE, []).append(address)
    return groups


def render_email(*, to: list[str], template: str, context: dict, language: str | None = None):
    with translation.override(language or translation.get_language()):
        return _render_email(to=to, template=template, context=context)


def _render_email(*, to: list[str], template: str, context: dict) -> EmailMultiAlternatives:
    # The layout's links (logo, footer) lead to the site; every template may use site_url too.
    context = {"site_url": settings.SITE_URL, **context}
    # One line, whatever the template's whitespace: a newline in a subject is a header injection.
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"emails/{template}_body.txt", context), to=to
    )
    html = render_to_string(f"emails/{template}_body.html", {**context, "subject": subject})
    message.attach_alternative(inline_css(html), "text/html")
    return message


# Nothing is fetched: the layout's CSS is all in its <style>. At-rules (the narrow-screen
# @media) cannot live in a style attribute, so they stay in a <style> for the programs that read it.
_inliner = css_inline.CSSInliner(keep_style_tags=False, keep_at_rules=True, load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """The HTML with its <style> rules copied into each element's style attribute."""
    return _inliner.inline(html)


def send_email(message: EmailMessage) -> None:
    """Send one message with the configured backend, raising what the backend raises.

    Over SMTP, through this thread's kept connection: opened when there is none, replaced when
    it sat idle or carried SMTP_REUSE_MAX_MESSAGES, and dropped after any error, so that the
    next message starts on a fresh one (the failed message is the caller's to retry).
    """
    if not message.recipients():
        return  # as EmailMessage.send(): nobody to send it to
    backend = get_connection()
    if not isinstance(backend, SMTPBackend):
        backend.send_messages([message])  # nothing to keep: locmem, console, file
        return
    backend = _kept_backend(backend)
    try:
        backend.open()  # a no-op while the kept connection is open
        backend.send_messages([message])
    except BaseException:
        _drop(hang_up=True)
        raise
    _kept.messages += 1
    _kept.last_used = time.monotonic()


def kept_backend() -> SMTPBackend | None:
    """This thread's kept SMTP backend, if a message opened one and no error dropped it."""
    return getattr(_kept, "backend", None)


def close_kept_connection() -> None:
    """Say goodbye to the server (QUIT) on this thread's kept connection, if there is one."""
    _drop(hang_up=False)


def _settings_of(backend: SMTPBackend) -> tuple:
    return (
        type(backend),
        backend.host,
        backend.port,
        backend.username,
        backend.password,
        backend.use_tls,
        backend.use_ssl,
        backend.timeout,
        backend.ssl_keyfile,
        backend.ssl_certfile,
    )


def _kept_backend(fresh: SMTPBackend) -> SMTPBackend:
    kept = getattr(_kept, "backend", None)
    if kept is not None and (
        # A pool process forked with its parent's connection must not talk over it.
        _kept.pid != os.getpid()
        or _settings_of(kept) != _settings_of(fresh)
        or _kept.messages >= SMTP_REUSE_MAX_MESSAGES
        or time.monotonic() - _kept.last_used > SMTP_REUSE_IDLE_SECONDS
    ):
        _drop(hang_up=_kept.pid != os.getpid())
        kept = None
    if kept is None:
        _kept.backend, _kept.pid, _kept.messages, _kept.last_used = fresh, os.getpid(), 0, time.monotonic()
        kept = fresh
    return kept


def _drop(*, hang_up: bool) -> None:
    """Forget the kept connection. hang_up closes the socket without QUIT: after an error the
    server may not answer, and waiting EMAIL_TIMEOUT once more for a goodbye helps nobody."""
    backend = getattr(_kept, "backend", None)
    _kept.backend = None
    if backend is None:
        return
    if hang_up and backend.connection is not None:
        backend.connection.close()
        backend.connection = None
    # QUIT, when there is still a connection to say it on; a failed goodbye changes nothing.
    with contextlib.suppress(Exception):
        backend.close()
