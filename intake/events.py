"""What happened to a firm's request, announced to whoever listens (the webhooks app, which sits
above intake in the import layers and so cannot be called from here).

Sent inside the services' transactions: a receiver that writes rows (an outbox) commits or rolls
back with the event itself, so a firm is never told of an event that did not happen, nor misses
one that did.
"""

from django.dispatch import Signal

REQUEST_RECEIVED = "request.received"
REQUEST_ACCEPTED = "request.accepted"
CONTACT_RELEASED = "contact.released"
REQUEST_WITHDRAWN = "request.withdrawn"

# Sent with match= (a Match; receivers read it again, since the sender may hold a copy older
# than the UPDATE it just made) and event= (one of the names above).
match_event = Signal()

# Sent with lead= when lead_erase erases a request's personal data: copies of it held elsewhere
# (webhook payloads) must go too.
lead_erased = Signal()
