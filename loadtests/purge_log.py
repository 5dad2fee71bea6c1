"""The load test's CDN purge hook (settings.PAGE_CACHE_PURGE): it records what the answers and
the response figures refresh retired in its own process, so loadtests/run.py can report it."""

retired: list[str] = []


def record(tags):
    retired.extend(tags)
