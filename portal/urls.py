"""Every URL of the firm portal, under /portal/ (lawzana/urls.py), in the "portal" namespace.

Pages outside any firm come first: their fixed first segments ("new", "claim", ...) sit where
a firm's slug goes (the "firm" converter), so Firm.slug refuses them (directory/firm_slugs.py).
"""

from django.urls import path

from .views import conflicts, figures, home, integrations, onboarding, profile, requests, reviews, team, webhooks

app_name = "portal"

F = "<firm:firm_slug>/"

urlpatterns = [
    # Signed in, no firm needed.
    path("", home.home, name="home"),
    path("two-factor/", home.mfa_required, name="mfa_required"),
    path("new/", onboarding.firm_create, name="firm_create"),
    path("claim/", onboarding.firm_claim_search, name="firm_claim_search"),
    path("claim/confirm/<str:signed>/", onboarding.claim_confirm, name="claim_confirm"),
    path("claim/<firm:slug>/", onboarding.firm_claim, name="firm_claim"),
    path("invitations/<str:signed>/", onboarding.invitation_accept, name="invitation_accept"),
    # One firm's pages: portal.access.portal_view checks the membership.
    path(F, figures.dashboard, name="dashboard"),
    path(f"{F}requests/", requests.inbox, name="inbox"),
    path(f"{F}requests/accepted.csv", requests.inbox_export, name="inbox_export"),
    path(f"{F}requests/<uuid:public_id>/", requests.match, name="match"),
    path(f"{F}requests/<uuid:public_id>/accept/", requests.match_accept, name="match_accept"),
    path(f"{F}requests/<uuid:public_id>/decline/", requests.match_decline, name="match_decline"),
    path(f"{F}requests/<uuid:public_id>/return/", requests.match_return, name="match_return"),
    path(f"{F}profile/", profile.profile, name="profile"),
    path(f"{F}profile/details/", profile.profile_details, name="profile_details"),
    path(f"{F}profile/logo/", profile.profile_logo, name="profile_logo"),
    path(f"{F}profile/logo/current.png", profile.profile_logo_file, name="profile_logo_file"),
    path(f"{F}profile/social/", profile.social_links, name="social_links"),
    path(f"{F}profile/offices/", profile.offices, name="offices"),
    path(f"{F}profile/offices/new/", profile.office_add, name="office_add"),
    path(f"{F}profile/offices/<int:pk>/", profile.office_edit, name="office_edit"),
    path(f"{F}profile/offices/<int:pk>/delete/", profile.office_delete, name="office_delete"),
    path(f"{F}profile/lawyers/", profile.lawyers, name="lawyers"),
    path(f"{F}profile/lawyers/new/", profile.lawyer_add, name="lawyer_add"),
    path(f"{F}profile/lawyers/<int:pk>/", profile.lawyer_edit, name="lawyer_edit"),
    path(f"{F}profile/lawyers/<int:pk>/delete/", profile.lawyer_delete, name="lawyer_delete"),
    path(f"{F}profile/articles/", profile.articles, name="articles"),
    path(f"{F}profile/articles/new/", profile.article_add, name="article_add"),
    path(f"{F}profile/articles/<int:pk>/", profile.article_edit, name="article_edit"),
    path(f"{F}profile/articles/<int:pk>/delete/", profile.article_delete, name="article_delete"),
    path(f"{F}profile/fees/", profile.fees, name="fees"),
    path(f"{F}profile/fees/new/", profile.fee_add, name="fee_add"),
    path(f"{F}profile/fees/<int:pk>/", profile.fee_edit, name="fee_edit"),
    path(f"{F}profile/fees/<int:pk>/delete/", profile.fee_delete, name="fee_delete"),
    path(f"{F}reviews/", reviews.reviews, name="reviews"),
    path(f"{F}reviews/<int:pk>/reply/", reviews.review_reply, name="review_reply"),
    path(f"{F}reviews/<int:pk>/flag/", reviews.review_flag, name="review_flag"),
    path(f"{F}team/", team.team, name="team"),
    path(f"{F}team/invite/", team.team_invite, name="team_invite"),
    path(f"{F}team/invitations/<int:pk>/revoke/", team.invitation_revoke, name="invitation_revoke"),
    path(f"{F}team/members/<int:pk>/", team.member_update, name="member_update"),
    path(f"{F}team/members/<int:pk>/remove/", team.member_remove, name="member_remove"),
    path(f"{F}settings/", team.request_settings, name="settings"),
    # The conflict list (issue 23): keyed hashes of the parties the firm acts for.
    path(f"{F}conflicts/", conflicts.conflict_list, name="conflicts"),
    path(f"{F}conflicts/add/", conflicts.conflict_add, name="conflict_add"),
    path(f"{F}conflicts/<int:pk>/delete/", conflicts.conflict_delete, name="conflict_delete"),
    # The firm's own systems (issue 22): webhooks and API tokens, gathered on one page.
    path(f"{F}integrations/", integrations.integrations, name="integrations"),
    path(f"{F}integrations/api/", integrations.api_tokens, name="api_tokens"),
    path(f"{F}integrations/api/new/", integrations.api_token_create, name="api_token_create"),
    path(f"{F}integrations/api/<int:pk>/revoke/", integrations.api_token_revoke, name="api_token_revoke"),
    path(f"{F}integrations/webhooks/", webhooks.webhooks, name="webhooks"),
    path(f"{F}integrations/webhooks/new/", webhooks.webhook_add, name="webhook_add"),
    path(f"{F}integrations/webhooks/<int:pk>/roll-secret/", webhooks.webhook_roll, name="webhook_roll"),
    path(f"{F}integrations/webhooks/<int:pk>/toggle/", webhooks.webhook_toggle, name="webhook_toggle"),
    path(f"{F}integrations/webhooks/<int:pk>/delete/", webhooks.webhook_delete, name="webhook_delete"),
    path(f"{F}integrations/webhooks/<int:pk>/test/", webhooks.webhook_test, name="webhook_test"),
]
