"""The two-minute request form: three steps, each a plain Form, put together by the wizard in
intake/views.py. Nothing here writes to the database; intake.services.submission.lead_submit does."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from directory.forms import CityField, PracticeAreaField
from directory.models import Firm, Language
from lawzana import privacy
from lawzana.forms import PhoneNumberField, has_control_characters

from .models import Lead

DESCRIPTION_MIN = 20
DESCRIPTION_MAX = 5000
# Characters a person can type in a multi-line text box; every other control character
# (NUL, escape, the C1 range...) is refused: PostgreSQL cannot store NUL, and the rest only
# ever comes from scripts or broken copy-paste.
TEXT_CONTROLS_ALLOWED = frozenset("\n\r\t")


class WhatForm(forms.Form):
    """Step 1: which kind of lawyer, where; and, from a firm's profile, that firm and whether
    other firms may receive the request too."""

    title = _("What and where")

    SEND_TO_FIRST = "first"
    SEND_TO_ONLY = "only"

    practice_area = PracticeAreaField(label=_("What do you need help with?"))
    city = CityField(
        label=_("Where?"),
        help_text=_("The city where you need the lawyer, or the nearest one in the list."),
    )
    # The slug of the firm whose profile the client came from ("Send your request to this
    # firm"); empty for every other request.
    firm = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    send_to = forms.ChoiceField(
        label=_("Who receives your request?"),
        widget=forms.RadioSelect,
        initial=SEND_TO_FIRST,
        error_messages={
            "required": _("Choose whether other firms may receive your request too."),
            "invalid_choice": _("Choose one of the two options."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.chosen_slug():
            del self.fields["send_to"]  # no firm chosen: matching alone decides, as usual
            return
        others = settings.LEAD_FANOUT - 1
        self.fields["send_to"].choices = [
            (
                self.SEND_TO_FIRST,
                ngettext_lazy(
                    "This firm first, and up to %(others)d other suitable firm if it has room",
                    "This firm first, and up to %(others)d other suitable firms if they have room",
                    others,
                )
                % {"others": others},
            ),
            (self.SEND_TO_ONLY, _("Only this firm")),
        ]
        if others < 1:
            self.fields["send_to"].choices = [(self.SEND_TO_ONLY, _("Only this firm"))]
            self.fields["send_to"].initial = self.SEND_TO_ONLY

    def chosen_slug(self) -> str:
        value = (
            self.data.get(self.add_prefix("firm"))
            if self.is_bound
            else self.get_initial_for_field(self.fields["firm"], "firm")
        )
        return value if isinstance(value, str) else ""

    def clean_firm(self):
        slug = self.cleaned_data["firm"]
        if not slug:
            return None
        firm = Firm.objects.accepting_leads().filter(slug=slug).first()
        if firm is None:
            raise ValidationError(
                _("The firm you chose no longer takes requests through Lawzana."),
                code="firm_unavailable",
            )
        return firm


class DetailsForm(forms.Form):
    """Step 2: the problem itself. This is what matched firms will read."""

    title = _("Details")

    description = forms.CharField(
        label=_("Describe your situation"),
        widget=forms.Textarea(attrs={"rows": 8}),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        error_messages={
            "required": _("Describe your situation in a few sentences."),
            "min_length": _(
                "Please write at least %(limit_value)d characters so that firms understand your situation "
                "(you wrote %(show_value)d)."
            ),
            "max_length": _(
                "Please keep it to %(limit_value)d characters at most (you wrote %(show_value)d); a firm "
                "will ask for the rest."
            ),
            "null_characters_not_allowed": _(
                "Your description contains invisible control characters (such as NUL) that we cannot "
                "store. Please remove them; line breaks and tabs are fine."
            ),
        },
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Lead.Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Tell us how urgent it is."),
            "invalid_choice": _("Choose one of the options for urgency."),
        },
    )
    budget = forms.ChoiceField(
        label=_("What budget do you have in mind?"),
        choices=Lead.Budget.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a budget, or “Not sure yet”."),
            "invalid_choice": _("Choose one of the options for the budget."),
        },
    )
    preferred_language = forms.ModelChoiceField(
        label=_("Preferred language"),
        queryset=Language.objects.none(),
        required=False,
        empty_label=_("No preference"),
        error_messages={"invalid_choice": _("We don't know that language: choose one from the list.")},
    )
    client_type = forms.ChoiceField(
        label=_("Who needs the lawyer?"),
        choices=Lead.ClientType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Tell us whether you ask for yourself or for a business."),
            "invalid_choice": _("Choose one of the options."),
        },
    )
    # Optional (issue 23): compared as a keyed hash with firms' conflict lists, never shown to them.
    other_party = forms.CharField(
        label=_("The other party"),
        required=False,
        max_length=200,
        help_text=_(
            "The person or company your matter is against, as it is usually written. We use it only to "
            "avoid sending your request to a law firm that acts for them (a conflict of interest): we "
            "compare it with a fingerprint of the names on each firm's list. No law firm sees it, and it "
            "is erased with your request."
        ),
        error_messages={
            "max_length": _("Please shorten the name to %(limit_value)d characters (it has %(show_value)d)."),
            "null_characters_not_allowed": _("The name contains control characters; please remove them."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].queryset = Language.objects.order_by("name")
        # No maxlength: a browser would cut a pasted text at the limit without a word. The
        # page counts as the client types (static/js/char-count.js) and the server says how
        # much is too much, keeping every character typed.
        self.fields["description"].widget.attrs.pop("maxlength", None)
        # Set here, not in the class body, so that it is translated per request.
        self.fields["description"].help_text = _(
            "What happened, what you want to achieve, any dates or deadlines: between %(min)s and %(max)s "
            "characters. Law firms read this before they decide to help, so leave out your name and contact "
            "details; the next step asks for them. Anything here that looks like contact details (a phone "
            "number, an email address, a WeChat or QQ ID) stays hidden from firms until you choose one."
        ) % {"min": DESCRIPTION_MIN, "max": DESCRIPTION_MAX}

    def clean_description(self):
        description = self.cleaned_data["description"]
        if has_control_characters(description, allowed=TEXT_CONTROLS_ALLOWED):
            raise ValidationError(self.fields["description"].error_messages["null_characters_not_allowed"])
        return description

    def clean_other_party(self):
        other_party = self.cleaned_data["other_party"]
        if has_control_characters(other_party):
            raise ValidationError(self.fields["other_party"].error_messages["null_characters_not_allowed"])
        return other_party


class ContactForm(forms.Form):
    """Step 3: how firms that accept can reach the client, and the client's consents."""

    title = _("Contact")

    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Tell us your name, so that a firm knows whom to answer."),
            "max_length": _("Please shorten your name to %(limit_value)d characters (it has %(show_value)d)."),
            "null_characters_not_allowed": _("Your name contains control characters; please remove them."),
        },
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send you a link to confirm your request and to follow it."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address: we send you a link to confirm your request."),
            "invalid": _("Enter a valid email address, e.g. name@example.com."),
            "max_length": _("An email address has at most %(limit_value)d characters."),
        },
    )
    phone = PhoneNumberField(
        label=_("Phone"),
        help_text=_(
            "Only for a firm you choose to give your details to. Include the country code if it is not "
            "a Chinese number."
        ),
        required=False,
    )
    consent_process = forms.BooleanField(
        error_messages={"required": _("We can only look at your request with this consent: tick the box.")},
    )
    consent_share = forms.BooleanField(
        error_messages={"required": _("We can only pass your request to law firms with this consent: tick the box.")},
    )
    is_adult = forms.BooleanField(
        label=_("I am 18 or older"),
        error_messages={"required": _("You must be 18 or older to send a request: tick the box to confirm.")},
    )
    # The honeypot: hidden from people (and from screen readers and the tab order) by the
    # template; bots that fill every field fill this one too.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    HONEYPOT = "website"
    CONSENT_FIELDS = ("consent_process", "consent_share", "is_adult")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The exact texts whose digests lead_submit stores with each consent.
        texts = privacy.consent_texts(fanout=settings.LEAD_FANOUT)
        self.fields["consent_process"].label = texts[privacy.PROCESS]
        self.fields["consent_share"].label = texts[privacy.SHARE]

    def clean_name(self):
        name = self.cleaned_data["name"]
        if has_control_characters(name):
            raise ValidationError(self.fields["name"].error_messages["null_characters_not_allowed"])
        return name


STEPS = (("what", WhatForm), ("details", DetailsForm), ("contact", ContactForm))


class EmailCorrectionForm(forms.Form):
    """The sent page's form for a mistyped address."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=ContactForm.base_fields["email"].error_messages,
    )
