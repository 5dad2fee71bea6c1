"""The page cache's tags for what public pages show of the directory (lawzana/page_cache.py).

A page names the tags of what it shows (`response.page_tags`); a change retires the tags of
what it changed (lawzana.page_cache.retire), so only the pages showing it are rendered again:

- PLACES: the names of countries, regions, cities, practice areas and languages, which every
  page shows (pickers, breadcrumbs, headings). Retired by any save of one (directory/apps.py).
- firm(pk): what a firm's card and profile show. Retired by its edits (directory.services
  firms_refresh), and by the hourly response figures only when a shown figure changed.
- listing(city_id, area_id): which listed firms a landing page of one city and practice area
  (or group) lists, how many, and in what order. Retired when a firm of that area joins or
  leaves the city, changes what the filters read (languages, rating, size...), or moves past
  another firm there.
- nearby(country_id, area_id): the firms a city without any shows from elsewhere in its
  country, for one practice area (or group).
- SEARCH: which firms and lawyers a search finds, and in what order.
- DISCLAIMERS: the legal notices (directory/disclaimers.py) landing pages and firm profiles
  show, or would show once one is added. Retired by any save of one (directory/apps.py): edits
  are rare, and one tag also covers a notice moved to another country or area.
"""

PLACES = "places"
SEARCH = "search"
DISCLAIMERS = "disclaimers"


def firm(pk: int) -> str:
    return f"firm:{pk}"


def listing(city_id: int, area_id: int) -> str:
    return f"listing:{city_id}:{area_id}"


def nearby(country_id: int, area_id: int) -> str:
    return f"nearby:{country_id}:{area_id}"
