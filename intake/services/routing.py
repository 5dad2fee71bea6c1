"""Giving a request to firms: up to LEAD_FANOUT matches in all, re-routing included. Which
firms is intake/matching.py's choice; this writes the matches and publishes their delivery."""

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from directory import conflicts
from lawzana.queue import publish_after_commit

from ..matching import find_candidates, requested_candidate
from ..models import Consent, Lead, Match

# The request as lead_match reads it, locked. Composed once at import: building the two
# Exists subqueries took longer than PostgreSQL takes to answer them, and get() clones it.
_LEAD_FOR_MATCHING = (
    # of=("self",): lock only the lead; PostgreSQL refuses to lock the nullable side of
    # the outer join to preferred_language.
    Lead.objects.select_for_update(of=("self",))
    .select_related("city__region", "city__country", "practice_area", "preferred_language")
    .annotate(
        may_share=Exists(Consent.objects.filter(lead=OuterRef("pk"), purpose=Consent.Purpose.SHARE)),
        has_matches=Exists(Match.objects.filter(lead=OuterRef("pk"))),
    )
)


@transaction.atomic
def lead_match(*, lead_id: int) -> list[Match]:
    """Give the request to up to K firms in total (slots 1..K, re-routing included): the firm
    the client chose on its profile first, then matching's choice, unless the client asked for
    that firm only.

    Locks the lead row so two runs cannot pick slots at once; the unique (lead, slot) and
    (lead, firm) constraints back that up. Returns the matches created by this run.
    """
    lead = _LEAD_FOR_MATCHING.get(pk=lead_id)
    if lead.status not in (Lead.Status.CONFIRMED, Lead.Status.UNMATCHED, Lead.Status.MATCHED) or lead.is_erased:
        return []
    if not lead.may_share:
        return []  # never shared without the separate consent (PIPL Art. 23)
    # A first matching (the usual case) skips the query for earlier matches. has_matches comes
    # from the snapshot taken before the lock was granted, so it can miss matches a concurrent
    # run committed meanwhile; that run also set matched_at, which the locked row shows as
    # committed (PostgreSQL re-reads a row locked FOR UPDATE after waiting).
    if lead.has_matches or lead.matched_at is not None:
        existing = list(lead.matches.values_list("slot", "firm_id", "round"))
    else:
        existing = []
    used_slots = {slot for slot, _firm, _round in existing}
    free_slots = [slot for slot in range(1, settings.LEAD_FANOUT + 1) if slot not in used_slots]
    if not free_slots:
        return []
    round_number = 1 + max((round_ for _slot, _firm, round_ in existing), default=0)
    matched_firms = [firm for _slot, firm, _round in existing]
    # One query on the digest index, and only for a request that names the other party.
    conflicted = conflicts.firms_holding(lead.other_party)
    skipped: list[int] = []
    lead_changes = {}
    candidates = []
    if lead.requested_firm_id is not None and lead.requested_firm_id not in matched_firms:
        chosen = requested_candidate(lead=lead)
        # Counted only when the firm would otherwise have received it (listed, taking requests).
        if chosen and chosen[0].firm.pk in conflicted:
            skipped.append(chosen[0].firm.pk)
            chosen = []
        candidates += chosen
        if not candidates and not lead.requested_firm_unavailable:
            # Said to the client the same way whatever the cause (stopped taking requests, or a
            # conflict), so the status page never tells them whom the firm acts for.
            lead_changes["requested_firm_unavailable"] = True
    if not lead.requested_firm_only:
        candidates += find_candidates(
            lead=lead,
            needed=len(free_slots) - len(candidates),
            exclude_firm_ids=[*matched_firms, *(c.firm.pk for c in candidates), *skipped],
            conflicted_firm_ids=conflicted,
            skipped=skipped,
        )
    if skipped and not lead.conflict_skips_counted:
        conflicts.skips_record(firm_ids=skipped)
        lead_changes["conflict_skips_counted"] = True
    if lead_changes:
        Lead.objects.filter(pk=lead.pk).update(**lead_changes)
    created = Match.objects.bulk_create(
        Match(
            lead=lead,
            firm=candidate.firm,
            slot=slot,
            round=round_number,
            score=candidate.score,
            reason=candidate.reason,
            scope=candidate.scope,
            office_city_id=candidate.office_city_id,
        )
        for slot, candidate in zip(free_slots, candidates, strict=False)
    )
    now = timezone.now()
    if created:
        Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.MATCHED, matched_at=now)

        for match in created:
            publish_after_commit("intake.tasks.match_deliver", match.pk)
    elif not existing:
        Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.UNMATCHED)
    return created
