"""What every app's admin shares."""


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
