"""Forms of the portal's profile pages. They validate only: directory.services.profile saves
what they clean (with the firm set by the view, never from the POST)."""

import re

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.forms import CityField
from directory.images import ACCEPTED_CONTENT_TYPES
from directory.models import Article, Firm, Language, Lawyer, Office, PracticeArea, ServiceFee, SocialLink
from lawzana.forms import PhoneNumberField, refuse_line_breaks

DESCRIPTION_MAX = 5000
BIO_MAX = 3000
ARTICLE_MAX = 20000
WEB_SCHEMES = ["http", "https"]


# Control characters other than line breaks and tabs (NUL, escape, the C1 range): PostgreSQL
# cannot store NUL, HTML cannot show any of them, and only scripts or broken copy-paste type them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def refuse_control_characters(value: str) -> None:
    # NUL is left to Django's own validator, which every CharField has: one message is enough.
    if CONTROL_CHARACTERS.search(value.replace("\x00", "")):
        raise forms.ValidationError(
            _("Remove the invisible control characters (they come with some copied text)."), code="control"
        )


class RedisplayBoundField(BoundField):
    def value(self):
        # Only what is shown again changes (as U+FFFD); validation still sees the input.
        value = super().value()
        return CONTROL_CHARACTERS.sub("\ufffd", value) if isinstance(value, str) else value


class TextChecksMixin:
    """Refuse control characters in every text field, and line breaks in one-line ones; show
    refused input without them, so that a page with errors is still valid HTML."""

    bound_field_class = RedisplayBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(refuse_control_characters)
            # A plain text input (names, titles, addresses); URL, email and phone fields
            # refuse line breaks themselves.
            if type(field) is forms.CharField and isinstance(field.widget, forms.TextInput):
                field.validators.append(refuse_line_breaks)


class WebURLField(forms.URLField):
    """A web address: http(s) only (no javascript:, data: or ftp:); "example.com" becomes https://."""

    default_validators = [URLValidator(schemes=WEB_SCHEMES)]
    default_error_messages = {"invalid": _("Enter a web address starting with https:// or http://.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class GroupedCheckboxesBoundField(BoundField):
    @property
    def groups(self):
        """[(group name or "", [checkbox subwidgets])] in the order of the choices."""
        groups: dict[str, list] = {}
        for widget in self.subwidgets:
            groups.setdefault(self.field.group_label(widget.data["value"].instance), []).append(widget)
        return list(groups.items())


class CheckboxesField(forms.ModelMultipleChoiceField):
    """Checkboxes, rendered by portal/profile/includes/checkboxes.html in a fieldset per group."""

    widget = forms.CheckboxSelectMultiple
    bound_field_class = GroupedCheckboxesBoundField

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("We don't know one of the options you chose: pick from the list.")}
        )
        super().__init__(**kwargs)

    def group_label(self, obj) -> str:
        return ""


class PracticeAreasField(CheckboxesField):
    """Practice areas (never their groups), grouped under their group."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "queryset",
            PracticeArea.objects.areas()
            .select_related("parent")
            .order_by("parent__position", "parent__name", "position", "name"),
        )
        super().__init__(**kwargs)

    def group_label(self, area) -> str:
        return area.parent.name


class LanguagesField(CheckboxesField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Language.objects.order_by("name"))
        super().__init__(**kwargs)


class FirmDetailsForm(TextChecksMixin, forms.ModelForm):
    """The firm's public facts. The name is left out once the firm is listed: operators
    checked it, so changing it goes through them."""

    # The firm's words in English and in Chinese: visitors read theirs, or the other one marked
    # as such (Firm.text_in), so either language may be left empty.
    description_md = forms.CharField(
        label=_("Description (English)"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "What the firm does and for whom. Markdown: **bold**, *italics*, lists, [links](https://…). "
            "At least 150 characters count towards a complete profile."
        ),
    )
    description_md_zh_hans = forms.CharField(
        label=_("Description (中文)"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 12, "lang": "zh-Hans"}),
        help_text=_("The same in Chinese, for visitors who read the site in Chinese. Markdown as above."),
    )
    website = WebURLField(label=_("Website"), required=False, max_length=200)
    languages = LanguagesField(label=_("Spoken languages"))
    practice_areas = PracticeAreasField(
        label=_("Practice areas"), help_text=_("Requests are matched to firms by these areas and their offices.")
    )

    class Meta:
        model = Firm
        fields = [
            "name",
            "tagline",
            "tagline_zh_hans",
            "description_md",
            "description_md_zh_hans",
            "year_established",
            "size",
            "website",
            "email",
            "phone",
            "languages",
            "practice_areas",
        ]
        labels = {"tagline": _("Tagline (English)"), "tagline_zh_hans": _("Tagline (中文)")}
        widgets = {"tagline_zh_hans": forms.TextInput(attrs={"lang": "zh-Hans"})}
        help_texts = {
            "tagline": _("One line under the firm's name, e.g. “Data protection and disputes, from Harbin”."),
            "tagline_zh_hans": _("The same line in Chinese, e.g. “哈尔滨的数据合规与争议解决”."),
        }
        field_classes = {"phone": PhoneNumberField}

    # What a listed firm's public page cannot do without: its profile says what the firm does
    # (and the search and the meta description are built from it), and a client or Lawzana's
    # operators need one way to reach the firm. The name stays required by the model.
    CONTACT_REQUIRED = _(
        "Give an email address or a phone number (or both): clients and Lawzana reach the firm there."
    )

    DESCRIPTION_REQUIRED = _(
        "Your firm is listed: its public page needs a description of what the firm does, in English or in Chinese."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_listed:
            del self.fields["name"]
            for name in ("email", "phone"):
                self.fields[name].help_text = _("Your public page needs an email address, a phone number or both.")
        self.fields["size"].choices = [("", _("Not stated")), *Firm.Size.choices]
        # Set here, not in the class body: the current year changes while the process runs.
        self.fields["year_established"] = forms.IntegerField(
            label=_("Year established"), required=False, min_value=1800, max_value=timezone.localdate().year
        )

    def clean(self):
        cleaned = super().clean()
        # Only when neither box holds a refused value: that one has its own message.
        refused = "email" in self._errors or "phone" in self._errors
        described = cleaned.get("description_md") or cleaned.get("description_md_zh_hans")
        if self.instance.is_listed and not described and "description_md" not in self._errors:
            self.add_error("description_md", self.DESCRIPTION_REQUIRED)
        if self.instance.is_listed and not (cleaned.get("email") or cleaned.get("phone") or refused):
            self.add_error("email", self.CONTACT_REQUIRED)
            self.add_error("phone", self.CONTACT_REQUIRED)
        return cleaned

    def cleared_fields(self) -> list[str]:
        """The names of the fields the saved profile fills and this valid form empties, in form
        order: saving them empty is a choice the member confirms (portal.views.profile)."""
        return [
            name
            for name in self.fields
            if name != "name" and _filled(self.initial.get(name)) and not _filled(self.cleaned_data.get(name))
        ]


def _filled(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, models.QuerySet):
        return value.exists()
    if isinstance(value, list | tuple):
        return bool(value)
    return value is not None


class FirmItemForm(TextChecksMixin, forms.ModelForm):
    """A form for one of the firm's rows (office, lawyer, article, fee). `firm` is the
    viewer's firm, used in checks that span the firm's rows; the view sets the row's firm."""

    def __init__(self, *args, firm: Firm, **kwargs):
        self.firm = firm
        super().__init__(*args, **kwargs)


class OfficeForm(FirmItemForm):
    city = CityField(label=_("City"))

    class Meta:
        model = Office
        fields = ["city", "address", "postal_code", "phone", "is_headquarters"]
        labels = {"is_headquarters": _("This is the headquarters")}
        field_classes = {"phone": PhoneNumberField}

    def clean(self):
        cleaned = super().clean()
        others = Office.objects.filter(firm=self.firm).exclude(pk=self.instance.pk)
        city, address = cleaned.get("city"), cleaned.get("address")
        # The unique constraint names `firm`, which the form does not have, so Django skips it.
        if city and address and others.filter(city=city, address=address).exists():
            self.add_error("address", _("The firm already has an office at this address in this city."))
        if (
            self.instance.pk
            and self.instance.is_headquarters
            and not cleaned.get("is_headquarters")
            and not others.filter(is_headquarters=True).exists()
        ):
            self.add_error(
                "is_headquarters",
                _("The firm needs a headquarters: to move it, mark another office as the headquarters."),
            )
        return cleaned


class LawyerForm(FirmItemForm):
    bio = forms.CharField(label=_("Biography"), required=False, max_length=BIO_MAX, widget=forms.Textarea)
    languages = LanguagesField(label=_("Languages"))
    practice_areas = PracticeAreasField(label=_("Practice areas"))

    class Meta:
        model = Lawyer
        fields = ["name", "role", "bio", "bar_admission", "languages", "practice_areas", "position"]
        help_texts = {"position": _("Team members are listed by this number, lowest first, then by name.")}


class ArticleForm(FirmItemForm):
    body_md = forms.CharField(
        label=_("Text"),
        max_length=ARTICLE_MAX,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: **bold**, *italics*, lists, ### headings, [links](https://…)."),
    )
    is_published = forms.BooleanField(label=_("Published on the firm's public page"), required=False)

    class Meta:
        model = Article
        fields = ["title", "summary", "body_md"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["is_published"].initial = self.instance.published_at is not None


class ServiceFeeForm(FirmItemForm):
    class Meta:
        model = ServiceFee
        fields = ["service", "fee_model", "amount_min", "amount_max", "currency", "notes"]
        help_texts = {
            "amount_min": _("The fee for flat and hourly fees; the lowest amount of a range."),
            "amount_max": _("Only for a range: the highest amount."),
        }

    def clean(self):
        cleaned = super().clean()
        model, low, high = cleaned.get("fee_model"), cleaned.get("amount_min"), cleaned.get("amount_max")
        if model is None:
            return cleaned
        if low is not None and low <= 0:
            self.add_error("amount_min", _("Enter an amount above zero."))
        if model == ServiceFee.Model.ON_REQUEST:
            for name in ("amount_min", "amount_max"):
                if cleaned.get(name) is not None:
                    self.add_error(name, _("Leave the amounts empty for a fee “on request”."))
        elif model in (ServiceFee.Model.FLAT, ServiceFee.Model.HOURLY):
            if low is None:
                self.add_error("amount_min", _("Enter the fee."))
            if high is not None:
                self.add_error("amount_max", _("Leave “to” empty: only a range has two amounts."))
        elif model == ServiceFee.Model.RANGE:
            if low is None:
                self.add_error("amount_min", _("Enter the lowest amount of the range."))
            if high is None:
                self.add_error("amount_max", _("Enter the highest amount of the range."))
            if low is not None and high is not None and high < low:
                self.add_error("amount_max", _("The highest amount cannot be below the lowest."))
        return cleaned


SOCIAL_URL_MAX = SocialLink._meta.get_field("url").max_length


class SocialLinksForm(TextChecksMixin, forms.Form):
    """One address per network; an empty box removes that network's link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = SocialLink._meta.get_field("url").max_length
        for network in SocialLink.Network:
            self.fields[network.value] = WebURLField(
                label=network.label,
                required=False,
                max_length=limit,
                error_messages={
                    "max_length": _("Keep the address to %(limit)d characters or fewer.") % {"limit": limit}
                },
            )


class LogoForm(forms.Form):
    # A FileField, not an ImageField: ImageField would decode the upload with Pillow before
    # directory.images has refused it for its size (images.logo_reencode does that first).
    logo = forms.FileField(
        label=_("Logo file"),
        widget=forms.FileInput(attrs={"accept": ACCEPTED_CONTENT_TYPES}),
        error_messages={"required": _("Choose a file to upload."), "empty": _("This file is empty.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].help_text = _(
            "PNG, JPEG or WebP, at most %(size)s MB. It is shown in a square of up to %(side)s pixels."
        ) % {"size": settings.PORTAL_LOGO_MAX_BYTES // (1024 * 1024), "side": settings.PORTAL_LOGO_SIZE}
