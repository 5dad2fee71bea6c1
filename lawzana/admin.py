"""What every app's admin shares: the site itself, and the read-only mixin."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.filters import FieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.urls import reverse


class ReadOnlyAdminMixin:
    """For rows only the site's services write (requests, consents, invitations, claims...):
    staff may look, never add, change or delete them here.

    With actions_need_change, the change permission still allows the changelist's actions
    (retry a delivery, decide a claim), while each row's own page stays view-only.
    """

    actions_need_change = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return self.actions_need_change and obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ListedLookupsOnlyMixin:
    """For staff without settings.PERSONAL_DATA_PERMISSION, a changelist takes only the query
    parameters its own list filters and date drill-down offer; anything else is a 400.

    Django lets anyone who may view a list filter it by any of the model's own columns
    (?email__startswith=...). Where a column is masked for these staff, the number of rows
    answering such a filter would still give the value away, a character at a time.
    """

    def lookup_allowed(self, lookup, value, request):
        if request.user.has_perm(settings.PERSONAL_DATA_PERMISSION):
            return super().lookup_allowed(lookup, value, request)
        allowed = lookup in self._listed_lookups(request) or self._is_popup_lookup(lookup, value)
        return allowed and super().lookup_allowed(lookup, value, request)

    def _listed_lookups(self, request) -> set[str]:
        cached = getattr(request, "_lawzana_listed_lookups", None)
        if cached is None:
            cached = request._lawzana_listed_lookups = {}
        if self not in cached:
            cached[self] = self._lookups_of_list_filters(request)
        return cached[self]

    def _lookups_of_list_filters(self, request) -> set[str]:
        lookups = set()
        for list_filter in self.get_list_filter(request):
            if isinstance(list_filter, (tuple, list)):
                field_path, filter_class = list_filter
            elif isinstance(list_filter, str):
                field_path, filter_class = list_filter, FieldListFilter.create
            else:  # a SimpleListFilter: it names its own parameter
                lookups.update(list_filter(request, {}, self.model, self).expected_parameters())
                continue
            field = get_fields_from_path(self.model, field_path)[-1]
            spec = filter_class(field, request, {}, self.model, self, field_path=field_path)
            lookups.update(spec.expected_parameters())
        if self.date_hierarchy:
            lookups.update(f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day"))
        return lookups

    def _is_popup_lookup(self, lookup, value) -> bool:
        # What a raw-id widget's popup sends, from a ForeignKey's limit_choices_to (as Django allows).
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False


class AdminSite(admin.AdminSite):
    """admin.site (lawzana/apps.py): every model admin registered on it, the site's and the
    libraries' alike, takes only its listed lookups from staff without the personal-data
    permission."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ListedLookupsOnlyMixin):
            admin_class = type(
                admin_class.__name__, (ListedLookupsOnlyMixin, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)

    def each_context(self, request):
        # "View site" leads to the home page in the admin's language (/zh-hans/ from /zh-hans/manage/).
        return {**super().each_context(request), "site_url": reverse("guides:home")}
