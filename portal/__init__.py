"""The firm portal under /portal/: views and forms only. The data and the services the portal
calls belong to the domain apps (directory, intake); every firm page goes through
portal.access, which scopes it to the signed-in user's own memberships."""
