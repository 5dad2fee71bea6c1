"""The texts a client agrees to, versioned. A Consent row stores the version and a SHA-256
digest of the exact text shown, so what was agreed can be reproduced from this module's
history (PIPL Art. 14 and 23; GDPR Art. 7(1))."""

import hashlib

from django.utils.translation import gettext_lazy as _

# 2026-12-07: the optional other party's name and the conflict check (issue 23).
POLICY_VERSION = "2026-12-07"

PROCESS = "process"
SHARE = "share"
MARKETING = "marketing"


def consent_texts(*, fanout: int) -> dict[str, str]:
    return {
        PROCESS: str(
            _(
                "I agree that Lawzana processes my request, including anything sensitive I write "
                "in the description, to find law firms that can help me, as described in the "
                "privacy notice."
            )
        ),
        SHARE: str(
            _(
                "I agree that Lawzana provides my request (practice area, city, description, "
                "urgency, budget, language and whether I am an individual or a business) to at "
                "most %(fanout)s law firms it matches, so that they can offer to help. My name, "
                "email and phone go only to a firm that accepts, and only after I release them "
                "to that firm."
            )
        )
        % {"fanout": fanout},
    }


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
