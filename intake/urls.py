from django.urls import path

from . import reviews, views

app_name = "intake"

# "new/", "new/<step>/", "sent/" and "confirm/" come before "<token>/": a token is 43 URL-safe
# characters and can never be one of those words.
urlpatterns = [
    path("requests/new/", views.lead_new, name="lead_new"),
    path("requests/new/<slug:step>/", views.lead_new, name="lead_new_step"),
    path("requests/sent/", views.lead_submitted, name="lead_submitted"),
    path("requests/sent/resend/", views.lead_resend, name="lead_resend"),
    path("requests/sent/email/", views.lead_correct_email, name="lead_correct_email"),
    path("requests/confirm/<str:signed>/", views.lead_confirm, name="lead_confirm"),
    path("requests/<str:token>/", views.lead_status, name="lead_status"),
    path("requests/<str:token>/release/<int:match_id>/", views.lead_release, name="lead_release"),
    path("requests/<str:token>/widen/", views.lead_widen, name="lead_widen"),
    path("requests/<str:token>/data.json", views.lead_export, name="lead_export"),
    path("requests/<str:token>/withdraw/", views.lead_withdraw, name="lead_withdraw"),
    path("reviews/write/<str:signed>/", reviews.review_new, name="review_new"),
    path("reviews/thanks/", reviews.review_thanks, name="review_thanks"),
]
