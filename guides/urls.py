from django.urls import path

from . import feeds, views

app_name = "guides"

urlpatterns = [
    path("", views.home, name="home"),
    path("lawyers/", views.city_index, name="city_index"),
    path("lawyers/<slug:country>/<slug:city>/", views.city_detail, name="city_detail"),
    path(
        "lawyers/<slug:country>/<slug:city>/<slug:practice_area>/",
        views.landing,
        name="landing",
    ),
    path("practice-areas/", views.practice_area_index, name="practice_area_index"),
    path(
        "practice-areas/<slug:practice_area>/",
        views.practice_area_detail,
        name="practice_area_detail",
    ),
    path("guides/preview/<int:pk>/", views.preview, name="preview"),
    # Social cards (og:image) of the pages above.
    path("og/lawyers/<slug:country>/<slug:city>/<slug:practice_area>.png", views.og_landing, name="og_landing"),
    path("og/lawyers/<slug:country>/<slug:city>.png", views.og_city, name="og_city"),
    path("og/practice-areas/<slug:practice_area>.png", views.og_practice_area, name="og_practice_area"),
    # Atom feeds of the guides, under a prefix of their own: lawyers/<country>/<city>/feed/
    # would be the landing page of a practice area slugged "feed", and slugs are not reserved.
    path("feeds/guides.atom", feeds.site_feed, name="feed"),
    path("feeds/lawyers/<slug:country>/<slug:city>.atom", feeds.city_feed, name="city_feed"),
    path("feeds/practice-areas/<slug:practice_area>.atom", feeds.practice_area_feed, name="practice_area_feed"),
]
