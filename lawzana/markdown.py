"""Editor Markdown to safe HTML.

Markdown passes raw HTML through, so everything it produces goes through nh3 (the Ammonia
sanitizer): an allow-list of tags and attributes, https/mailto links only, and rel attributes
that stop a linked page from reaching back into ours.
"""

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"https", "mailto"}


def render_markdown(text: str) -> str:
    """Return sanitized HTML for editor-written Markdown (safe to mark as safe)."""
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )
