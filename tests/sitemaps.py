"""Reading the sitemaps as a crawler does: the index at /sitemap.xml, then each sitemap it names."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def section_paths(client, **extra) -> list[str]:
    """The paths (with their ?p= page) of the sitemaps the index names, in its order."""
    response = client.get("/sitemap.xml", **extra)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    paths = []
    for loc in root.findall("sm:sitemap/sm:loc", NS):
        parts = urlsplit(loc.text)
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def sitemap_text(client, **extra) -> str:
    """Every sitemap's XML, one after the other."""
    parts = []
    for path in section_paths(client, **extra):
        response = client.get(path, **extra)
        assert response.status_code == 200
        parts.append(response.content.decode())
    return "\n".join(parts)


def sitemap_urls(client, sitemap: str | None = None, **extra) -> list[ET.Element]:
    """The <url> elements of one sitemap (sitemap-<sitemap>.xml, such as "firms-zh-hans"; its
    first page), or of every sitemap the index names."""
    paths = [f"/sitemap-{sitemap}.xml"] if sitemap else section_paths(client, **extra)
    urls = []
    for path in paths:
        response = client.get(path, **extra)
        assert response.status_code == 200
        urls += ET.fromstring(response.content).findall("sm:url", NS)
    return urls


def locations(urls: list[ET.Element]) -> list[str]:
    """The <loc> of each <url>."""
    return [url.findtext("sm:loc", namespaces=NS) for url in urls]


def alternates(url: ET.Element) -> dict[str, str]:
    """A <url>'s xhtml:link alternates, {hreflang: href}."""
    return {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)}
