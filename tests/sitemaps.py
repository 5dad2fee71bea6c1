"""Reading the sitemaps as a crawler does: the index at /sitemap.xml, then each section it names."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def section_paths(client, **extra) -> list[str]:
    """The paths of the section sitemaps the index names, in its order."""
    response = client.get("/sitemap.xml", **extra)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [urlsplit(loc.text).path for loc in root.findall("sm:sitemap/sm:loc", NS)]


def sitemap_text(client, **extra) -> str:
    """Every section sitemap's XML, one after the other."""
    parts = []
    for path in section_paths(client, **extra):
        response = client.get(path, **extra)
        assert response.status_code == 200
        parts.append(response.content.decode())
    return "\n".join(parts)


def sitemap_urls(client, section: str | None = None, **extra) -> list[ET.Element]:
    """The <url> elements of one section (sitemap-<section>.xml), or of every section."""
    paths = [f"/sitemap-{section}.xml"] if section else section_paths(client, **extra)
    urls = []
    for path in paths:
        response = client.get(path, **extra)
        assert response.status_code == 200
        urls += ET.fromstring(response.content).findall("sm:url", NS)
    return urls
