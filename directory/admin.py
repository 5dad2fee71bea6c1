from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import City, Country, PracticeArea, Region


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "slug")
    search_fields = ("name", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "slug")
    list_filter = ("country",)
    search_fields = ("name",)
    list_select_related = ("country",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "country", "is_capital", "slug")
    list_filter = ("country", "is_capital")
    search_fields = ("name", "region__name")
    list_select_related = ("region", "country")
    autocomplete_fields = ("region",)
    prepopulated_fields = {"slug": ("name",)}


class ChildAreaInline(admin.TabularInline):
    model = PracticeArea
    fields = ("name", "slug", "position")
    extra = 0
    show_change_link = True
    verbose_name = _("practice area in this group")
    verbose_name_plural = _("practice areas in this group")


@admin.register(PracticeArea)
class PracticeAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "slug", "position")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "synonyms")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)

    def get_inlines(self, request, obj):
        return [ChildAreaInline] if obj is not None and obj.is_group else []
