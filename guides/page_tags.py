"""The page cache's tag for what a landing page shows of its guides (lawzana/page_cache.py)."""

# Any guide: what lists every guide (the sitemaps).
GUIDES = "guides"


def guide_page(city_id: int, practice_area_id: int) -> str:
    """The guides of one city and practice area, in every language: a landing page shows the
    one in its language, or says which other language has one."""
    return f"guide:{city_id}:{practice_area_id}"


def guide(pk: int) -> str:
    """One guide, wherever it is shown (moved to another city, it leaves the old page)."""
    return f"guide:{pk}"
