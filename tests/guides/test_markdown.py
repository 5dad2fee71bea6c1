"""Editor Markdown becomes safe HTML: golden input → output pairs for render_markdown."""

import pytest

from lawzana.markdown import render_markdown
from tests.factories import FaqItemFactory, GuideFactory

pytestmark = pytest.mark.django_db

REL = 'rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("<script>alert(1)</script>Text", "<p>Text</p>"),
        ("<style>body { display: none }</style>Text", "<p>Text</p>"),
        ('<iframe src="https://evil.example/"></iframe>Text', "<p>Text</p>"),
        ('<object data="movie.swf"></object>Text', "<p>Text</p>"),
        ('<embed src="movie.swf">Text', "<p>Text</p>"),
        (
            '<form action="https://evil.example/"><input name="card"><button>Pay</button></form>Text',
            "Pay\n<p>Text</p>",
        ),
        ('<svg onload="alert(1)"><circle r="1"></circle></svg>Text', "<p>Text</p>"),
        ('<img src="x" onerror="alert(1)">Text', "<p>Text</p>"),
        ('<p onclick="alert(1)" onmouseover="alert(2)" style="color: red">Text</p>', "<p>Text</p>"),
        ("<!-- a note for editors -->Text", "<p>Text</p>"),
    ],
    ids=["script", "style", "iframe", "object", "embed", "form", "svg", "img onerror", "on* and style", "comment"],
)
def test_it_removes_active_content(markdown, html):
    assert render_markdown(markdown).strip() == html


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "&#106;avascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ],
)
@pytest.mark.parametrize("syntax", ["markdown", "html"])
def test_it_drops_links_to_script_and_data_urls(href, syntax):
    source = f"[Click me]({href})" if syntax == "markdown" else f'<a href="{href}">Click me</a>'

    html = render_markdown(source)

    assert html == f"<p><a {REL}>Click me</a></p>"


def test_it_keeps_https_links_and_stops_them_reaching_back_into_the_page():
    html = render_markdown(
        '[The law](https://www.npc.gov.cn/pipl "PIPL")'
        ' and <a href="https://x.example" target="_blank" onclick="steal()">x</a>'
    )

    assert html == (
        f'<p><a href="https://www.npc.gov.cn/pipl" title="PIPL" {REL}>The law</a>'
        f' and <a href="https://x.example" {REL}>x</a></p>'
    )


def test_it_keeps_mailto_links():
    assert render_markdown("[Write to us](mailto:help@lawzana.example)") == (
        f'<p><a href="mailto:help@lawzana.example" {REL}>Write to us</a></p>'
    )


def test_it_keeps_lists_and_subheadings():
    html = render_markdown("### Before you go\n\n#### Documents\n\n- Contract\n- Receipts\n\n1. Call\n2. Write")

    assert html == (
        "<h3>Before you go</h3>\n<h4>Documents</h4>\n"
        "<ul>\n<li>Contract</li>\n<li>Receipts</li>\n</ul>\n"
        "<ol>\n<li>Call</li>\n<li>Write</li>\n</ol>"
    )


def test_it_keeps_tables():
    html = render_markdown("| Fee | Amount |\n|---|---|\n| Filing | 50 CNY |")

    assert html == (
        "<table>\n<thead>\n<tr>\n<th>Fee</th>\n<th>Amount</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>Filing</td>\n<td>50 CNY</td>\n</tr>\n</tbody>\n</table>"
    )


def test_it_keeps_emphasis_quotes_and_code():
    assert render_markdown("**Must** *may* `Art. 13`\n\n> Quoted") == (
        "<p><strong>Must</strong> <em>may</em> <code>Art. 13</code></p>\n<blockquote>\n<p>Quoted</p>\n</blockquote>"
    )


def test_it_never_adds_a_second_page_title():
    # The page has its own <h1>; section text may not add h1/h2 headings.
    html = render_markdown("# Big title\n\n## Smaller title")

    assert "<h1" not in html
    assert "<h2" not in html
    assert "Big title" in html


def test_it_renders_empty_text_as_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


PAYLOADS = "\n\n".join(
    [
        "<script>alert('about')</script>",
        '<img src="x" onerror="alert(1)">',
        "[Click](javascript:alert(1))",
        "[Click](JAVASCRIPT:alert(1))",
        '<a href="jav&#x09;ascript:alert(1)">Tab</a>',
        '<svg onload="alert(1)"></svg>',
        '<iframe src="javascript:alert(1)"></iframe>',
        '<p style="background: url(javascript:alert(1))" onmouseover="alert(1)">Hover</p>',
    ]
)


def test_it_serves_a_guide_full_of_payloads_without_any_active_content(client):
    guide = GuideFactory(published=True, about_md=f"Safe intro.\n\n{PAYLOADS}", why_md=PAYLOADS)
    FaqItemFactory(guide=guide, question="Is it safe?", answer_md=f"Yes.\n\n{PAYLOADS}")

    response = client.get(guide.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Safe intro." in content
    assert "<script>alert" not in content
    assert "onerror=" not in content
    assert "onload=" not in content
    assert "onmouseover=" not in content
    assert "<iframe" not in content
    assert "javascript:" not in content.lower()
