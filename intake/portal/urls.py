from . import dashboard, inbox

urlpatterns = [*inbox.urlpatterns, *dashboard.urlpatterns]
