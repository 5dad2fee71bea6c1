"""One module per section of the portal; portal/urls.py maps every URL to its view."""
