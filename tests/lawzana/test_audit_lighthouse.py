"""The audit (audit/run.py) runs Lighthouse again when Lighthouse itself stumbles, so a trace it
failed to record does not fail CI, while a page below target or a lost session still does."""

import json
import subprocess

import pytest

from audit import run as audit

URL = "http://127.0.0.1:8000/requests/new/details/"
REPORT = {
    "finalDisplayedUrl": URL,
    "environment": {"benchmarkIndex": 2500},
    "categories": {"performance": {"score": 0.99, "auditRefs": []}},
    "audits": {},
}
HICCUP = "Runtime error encountered: Something went wrong with recording the trace over your page load. (NO_NAVSTART)"


def lighthouse_answering(answers, monkeypatch):
    """Lighthouse, as subprocess.run sees it, answering each run with the next of `answers`."""
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        stderr, report = answers[len(calls) - 1]
        out = next(arg.split("=", 1)[1] for arg in cmd if arg.startswith("--output-path="))
        if report is not None:
            with open(out, "w") as file:
                json.dump(report, file)
        return subprocess.CompletedProcess(cmd, 1 if stderr else 0, "", stderr)

    monkeypatch.setattr(audit.subprocess, "run", fake_run)
    return calls


def test_a_trace_lighthouse_failed_to_record_is_measured_again(tmp_path, monkeypatch):
    calls = lighthouse_answering([(HICCUP, None), ("", REPORT)], monkeypatch)

    scores, lost = audit.lighthouse(URL, ["performance"], tmp_path / "report.json")

    assert scores == {"performance": 99} and lost == []
    assert len(calls) == 2


def test_lighthouse_stumbling_every_time_still_fails_the_audit(tmp_path, monkeypatch):
    calls = lighthouse_answering([(HICCUP, None)] * audit.LIGHTHOUSE_ATTEMPTS, monkeypatch)

    with pytest.raises(audit.LighthouseHiccup, match="NO_NAVSTART"):
        audit.lighthouse(URL, ["performance"], tmp_path / "report.json")
    assert len(calls) == audit.LIGHTHOUSE_ATTEMPTS


def test_a_page_that_led_elsewhere_is_not_measured_again(tmp_path, monkeypatch):
    # A refused session leads to the sign-in page: measuring again would hide it.
    calls = lighthouse_answering(
        [("", {**REPORT, "finalDisplayedUrl": "http://127.0.0.1:8000/requests/new/"})], monkeypatch
    )

    with pytest.raises(RuntimeError, match="was led to"):
        audit.lighthouse(URL, ["performance"], tmp_path / "report.json")
    assert len(calls) == 1
