"""The firm portal under /portal/: directory's pages (firm, profile, team, reviews) and
intake's (dashboard, request inbox) in one "portal" namespace."""

from directory.portal import urls as directory_portal
from intake.portal import urls as intake_portal

app_name = "portal"

urlpatterns = [*directory_portal.urlpatterns, *intake_portal.urlpatterns]
