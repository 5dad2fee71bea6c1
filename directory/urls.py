from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("firms/compare/", views.compare, name="compare"),
    path("firms/<firm:slug>/", views.firm_detail, name="firm_detail"),
    path("firms/<firm:slug>/logo.png", views.firm_logo, name="firm_logo"),
    path("firms/<firm:slug>/articles/<slug:article>/", views.article_detail, name="article_detail"),
    path("og/firms/<firm:slug>.png", views.og_firm, name="og_firm"),  # the profile's social card
    path("search/", views.search, name="search"),
    path("how-we-rank/", views.how_we_rank, name="how_we_rank"),
]
