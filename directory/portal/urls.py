from . import home, profile, reviews, team

# Fixed words come before "<firm_slug>/...": directory.portal.team.RESERVED_SLUGS keeps firms
# from taking them.
urlpatterns = [*home.urlpatterns, *team.urlpatterns, *profile.urlpatterns, *reviews.urlpatterns]
