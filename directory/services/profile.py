"""A firm edits its public profile (the portal's profile pages): details, offices, lawyers,
articles, fees and social links. Each function takes the firm's validated form, writes in one
transaction and ends in firms_refresh, which recomputes completeness, rank and the search
document and retires cached public pages. Logos are directory/images.py's."""

from django import forms
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from ..models import Article, Firm, Lawyer, Office, ServiceFee, SocialLink
from .firms import firms_refresh


def _lock_firm(firm: Firm) -> None:
    """Serialise writes that depend on the firm's other rows (one headquarters, free slugs)."""
    list(Firm.objects.select_for_update().filter(pk=firm.pk).values_list("pk", flat=True))


@transaction.atomic
def firm_details_save(*, firm: Firm, form: forms.ModelForm) -> Firm:
    firm = form.save(commit=False)
    # Only the form's columns: a full save would write back the listing flag and the derived
    # fields as they were when the request began, undoing an operator's or the intake's change.
    concrete = {field.name for field in Firm._meta.concrete_fields}
    rendered = ["description_html", "description_html_zh_hans", "updated_at"]
    firm.save(update_fields=[*(name for name in form.fields if name in concrete), *rendered])
    form.save_m2m()
    firms_refresh(firm_ids=[firm.pk])
    return firm


@transaction.atomic
def office_save(*, firm: Firm, form: forms.ModelForm) -> Office:
    """Keep exactly one headquarters: marking an office moves it there; the first office is it."""
    _lock_firm(firm)
    office = form.save(commit=False)
    office.firm = firm
    others = Office.objects.filter(firm=firm).exclude(pk=office.pk)
    if office.is_headquarters:
        others.filter(is_headquarters=True).update(is_headquarters=False)
    elif not others.filter(is_headquarters=True).exists():
        office.is_headquarters = True
    office.save()
    firms_refresh(firm_ids=[firm.pk])
    return office


@transaction.atomic
def office_remove(*, firm: Firm, office: Office) -> None:
    _lock_firm(firm)
    was_headquarters = office.is_headquarters
    office.delete()
    if was_headquarters:
        successor = Office.objects.filter(firm=firm).order_by("city__name", "pk").first()
        if successor is not None:
            Office.objects.filter(pk=successor.pk).update(is_headquarters=True)
    firms_refresh(firm_ids=[firm.pk])


def _unique_slug(model: type[models.Model], *, firm: Firm, text: str, fallback: str) -> str:
    """A slug for `text` not yet used by the firm's rows of `model`: "li-na", "li-na-2", ...
    Names in Chinese characters have no ASCII slug and get the fallback word instead."""
    max_length = model._meta.get_field("slug").max_length
    base = slugify(text)[: max_length - 6].strip("-") or fallback
    taken = set(model.objects.filter(firm=firm, slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def lawyer_save(*, firm: Firm, form: forms.ModelForm) -> Lawyer:
    lawyer = form.save(commit=False)
    lawyer.firm = firm
    if lawyer.pk is None:
        _lock_firm(firm)
        lawyer.slug = _unique_slug(Lawyer, firm=firm, text=lawyer.name, fallback="lawyer")
    lawyer.save()
    form.save_m2m()
    firms_refresh(firm_ids=[firm.pk])
    return lawyer


@transaction.atomic
def article_save(*, firm: Firm, form: forms.ModelForm) -> Article:
    """The slug is set once: renaming an article keeps its public address."""
    article = form.save(commit=False)
    article.firm = firm
    if not form.cleaned_data["is_published"]:
        article.published_at = None
    elif article.published_at is None:
        article.published_at = timezone.now()
    if article.pk is None:
        _lock_firm(firm)
        article.slug = _unique_slug(Article, firm=firm, text=article.title, fallback="article")
    article.save()
    firms_refresh(firm_ids=[firm.pk])
    return article


@transaction.atomic
def fee_save(*, firm: Firm, form: forms.ModelForm) -> ServiceFee:
    fee = form.save(commit=False)
    fee.firm = firm
    fee.save()
    firms_refresh(firm_ids=[firm.pk])
    return fee


@transaction.atomic
def profile_item_remove(*, firm: Firm, item: models.Model) -> None:
    item.delete()
    firms_refresh(firm_ids=[firm.pk])


@transaction.atomic
def social_links_save(*, firm: Firm, urls: dict[str, str]) -> None:
    """One link per network in `urls`; an empty address removes that network's link."""
    for network, url in urls.items():
        if url:
            SocialLink.objects.update_or_create(firm=firm, network=network, defaults={"url": url})
        else:
            SocialLink.objects.filter(firm=firm, network=network).delete()
    firms_refresh(firm_ids=[firm.pk])
