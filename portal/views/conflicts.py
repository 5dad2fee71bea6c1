"""The firm's conflict list (issue 23): parties it acts for, kept as keyed hashes, so that
matching does not send it requests against its own clients. Members and owners add (conflict
checks are part of every lawyer's intake); only owners remove, since a removal lets such
requests reach the firm again. Entries are looked up within request.firm: another firm's id
is a 404 (docs/reliability.md A3). Nothing here says whether any request named a party."""

from django.conf import settings as conf
from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from directory import conflicts
from directory.models import ConflictEntry

from ..access import portal_view
from ..forms.conflicts import ConflictEntryForm


def _page(request, *, form=None, status=200):
    entries = list(ConflictEntry.objects.filter(firm=request.firm).select_related("created_by"))
    current = conflicts.current_key_id()
    for entry in entries:
        entry.needs_entering_again = entry.key_id != current
    return render(
        request,
        "portal/conflicts/list.html",
        {
            "section": "dashboard",
            "entries": entries,
            "entries_to_enter_again": sum(entry.needs_entering_again for entry in entries),
            "form": form or ConflictEntryForm(),
            "is_owner": request.membership.is_owner,
            "max_entries": conf.CONFLICT_LIST_MAX_ENTRIES,
            "max_per_day": conf.CONFLICT_LIST_MAX_ADDITIONS_PER_DAY,
            "skipped_this_week": conflicts.skips_this_week(firm=request.firm),
        },
        status=status,
    )


@portal_view
@require_safe
def conflict_list(request):
    return _page(request)


@portal_view
@require_POST
def conflict_add(request):
    form = ConflictEntryForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        entry, created = conflicts.entry_add(
            firm=request.firm, name=form.cleaned_data["name"], label=form.cleaned_data["label"], user=request.user
        )
    except conflicts.ConflictListFull as exc:
        form.add_error(None, str(exc))
        return _page(request, form=form, status=409)
    if created:
        messages.success(request, _("Added “%(label)s” to your conflict list.") % {"label": entry.label})
    else:
        messages.info(request, _("That name is already on your list, as “%(label)s”.") % {"label": entry.label})
    return redirect("portal:conflicts", firm_slug=request.firm.slug)


@portal_view(owner_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def conflict_delete(request, pk):
    # Looked up before the method is checked: another firm's entry id is a 404 however it is asked.
    entry = get_object_or_404(ConflictEntry, pk=pk, firm=request.firm)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    entry.delete()
    messages.success(request, _("Removed “%(label)s” from your conflict list.") % {"label": entry.label})
    return redirect("portal:conflicts", firm_slug=request.firm.slug)
