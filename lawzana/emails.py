"""Every email the site sends is three templates: emails/<name>_subject.txt, _body.txt and
_body.html. Apps render them here and decide themselves how to send and retry."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def render_email(*, to: list[str], template: str, context: dict) -> EmailMultiAlternatives:
    # One line, whatever the template's whitespace: a newline in a subject is a header injection.
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"emails/{template}_body.txt", context), to=to
    )
    message.attach_alternative(render_to_string(f"emails/{template}_body.html", context), "text/html")
    return message
