"""The trail above a page (templates/includes/breadcrumbs.html) and its schema.org
BreadcrumbList, which search engines show instead of the address."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _


def breadcrumbs(*trail: tuple[str, str]) -> dict:
    """Context for includes/breadcrumbs.html: Home, then each (name, path) of `trail`; the last
    is the page itself."""
    crumbs = [{"name": str(name), "url": url} for name, url in [(_("Home"), reverse("guides:home")), *trail]]
    return {
        "crumbs": crumbs,
        "breadcrumb_ld": {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": index,
                    "name": crumb["name"],
                    "item": f"{settings.SITE_URL}{crumb['url']}",
                }
                for index, crumb in enumerate(crumbs, start=1)
            ],
        },
    }
