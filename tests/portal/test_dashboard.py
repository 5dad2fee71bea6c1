import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from directory.models import ProfileViewMonth
from intake import figures
from tests.factories import FirmFactory, FirmUserFactory, MatchFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
NOW = datetime.datetime(2026, 5, 15, 12, 0, tzinfo=SHANGHAI)
SVG = "{http://www.w3.org/2000/svg}"
NO_ANSWERS = "–no answers"  # a dash for the eye, words for screen readers


def _url(firm):
    return reverse("portal:dashboard", kwargs={"firm_slug": firm.slug})


def _text(element):
    return " ".join("".join(element.itertext()).split())


def _table(tree):
    """{"March 2026": ["2", "1", ...]} from the figures table."""
    (table,) = [t for t in tree.iter("table") if "dashboard-table" in t.get("class", "")]
    return {_text(row.find("th")): [_text(cell) for cell in row.findall("td")] for row in table.find("tbody")}


def _chart(tree, chart_id):
    (svg,) = [svg for svg in tree.iter(f"{SVG}svg") if svg.get("aria-labelledby", "").startswith(chart_id)]
    return svg


def _bars(svg):
    """{"March 2026": (value, height)} from the bars' tooltips."""
    bars = {}
    for rect in svg.iter(f"{SVG}rect"):
        label, value = _text(rect.find(f"{SVG}title")).rsplit(": ", 1)
        bars[label] = (int(value), float(rect.get("height")))
    return bars


# --- Who may see it -------------------------------------------------------------------------


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    firm = FirmFactory()

    response = client.get(_url(firm))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={_url(firm)}"


def test_a_firm_user_without_two_factor_is_sent_to_set_it_up(client):
    membership = MembershipFactory(user=FirmUserFactory(mfa=False))
    client.force_login(membership.user)

    response = client.get(_url(membership.firm))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:mfa_required"))


def test_another_firms_dashboard_is_a_404(client):
    membership = MembershipFactory()
    other = FirmFactory()
    MatchFactory(firm=other)
    client.force_login(membership.user)

    response = client.get(_url(other))

    assert response.status_code == 404


@pytest.mark.parametrize("owner", [False, True])
def test_members_and_owners_see_what_waits_and_this_weeks_load(client, owner, assert_valid_html):
    membership = MembershipFactory(owner=owner, firm__lead_capacity_per_week=5)
    firm = membership.firm
    MatchFactory(firm=firm, status="delivered")
    MatchFactory(firm=firm, status="viewed")
    MatchFactory(firm=firm, status="accepted")
    MatchFactory(firm=FirmFactory(), status="delivered")  # another firm's
    client.force_login(membership.user)

    response = client.get(_url(firm))

    assert response.status_code == 200
    assert_valid_html(response.content)
    page = " ".join(response.content.decode().split())
    assert "2</strong> requests waiting for your answer" in page
    assert "3</strong> of 5 requests this week" in page
    assert "Your firm accepts new requests." in page
    assert 'aria-current="page">Overview<' in page


def test_it_says_when_the_firm_is_paused_full_or_not_listed_yet(client):
    membership = MembershipFactory(
        firm__is_listed=False, firm__is_accepting_leads=False, firm__lead_capacity_per_week=1
    )
    MatchFactory(firm=membership.firm)
    client.force_login(membership.user)

    page = " ".join(client.get(_url(membership.firm)).content.decode().split())

    assert "operators will verify your firm before it is listed" in page
    assert "does not accept new requests at the moment" in page
    assert "You have reached your weekly capacity" in page


def test_a_listed_verified_firm_sees_when_it_was_checked(client):
    membership = MembershipFactory(firm__verified=datetime.date.today())
    client.force_login(membership.user)

    page = " ".join(client.get(_url(membership.firm)).content.decode().split())

    assert "Your firm is listed and verified" in page
    assert "operators will verify" not in page


# --- The figures ----------------------------------------------------------------------------


def _answered(firm, *, delivered_at, status, hours):
    return MatchFactory(
        firm=firm,
        status=status,
        delivered_at=delivered_at,
        created_at=delivered_at,
        responded_at=delivered_at + datetime.timedelta(hours=hours),
    )


@time_machine.travel(NOW, tick=False)
def test_the_table_and_the_chart_show_each_months_figures_in_local_time(client, assert_valid_html):
    membership = MembershipFactory()
    firm = membership.firm
    march = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
    _answered(firm, delivered_at=march, status="accepted", hours=2)
    _answered(firm, delivered_at=march, status="declined", hours=6)
    _answered(firm, delivered_at=march, status="accepted", hours=30)
    # 20:00 UTC on 31 March is 04:00 on 1 April in Shanghai: an April request.
    _answered(firm, delivered_at=datetime.datetime(2026, 3, 31, 20, 0, tzinfo=UTC), status="returned", hours=1)
    MatchFactory(firm=firm, status="delivered", delivered_at=datetime.datetime(2026, 5, 2, tzinfo=SHANGHAI))
    MatchFactory(firm=firm, status="pending", delivered_at=None)  # never reached the firm
    # Thirteen months ago, and another firm's: neither counts.
    _answered(firm, delivered_at=datetime.datetime(2025, 4, 20, tzinfo=SHANGHAI), status="accepted", hours=1)
    _answered(FirmFactory(), delivered_at=march, status="accepted", hours=1)
    ProfileViewMonth.objects.create(firm=firm, month=datetime.date(2026, 3, 1), views=7)
    ProfileViewMonth.objects.create(firm=firm, month=datetime.date(2026, 5, 1), views=14)
    client.force_login(membership.user)

    response = client.get(_url(firm))

    tree = assert_valid_html(response.content)
    table = _table(tree)
    assert list(table)[0] == "June 2025" and list(table)[-1] == "May 2026" and len(table) == 12
    #                         received accepted declined returned median views
    assert table["March 2026"] == ["3", "2", "1", "0", "6.0", "7"]
    assert table["April 2026"] == ["1", "0", "0", "1", "1.0", "0"]
    assert table["May 2026"] == ["1", "0", "0", "0", NO_ANSWERS, "14"]
    assert table["January 2026"] == ["0", "0", "0", "0", NO_ANSWERS, "0"]

    requests = _chart(tree, "chart-requests")
    assert requests.get("role") == "img"
    assert _text(requests.find(f"{SVG}title")) == "Requests received per month"
    assert "5 in all, most in March 2026 (3)" in _text(requests.find(f"{SVG}desc"))
    bars = _bars(requests)
    assert len(bars) == 12
    assert bars["March 2026"] == (3, figures.PLOT_HEIGHT)  # the tallest bar fills the plot
    assert bars["April 2026"][0] == 1 and bars["April 2026"][1] == pytest.approx(figures.PLOT_HEIGHT / 3, abs=0.1)
    assert bars["January 2026"] == (0, 0.0)
    assert _bars(_chart(tree, "chart-views"))["May 2026"] == (14, figures.PLOT_HEIGHT)


@time_machine.travel(NOW, tick=False)
def test_a_firm_with_no_figures_gets_flat_charts_and_a_table_of_zeros(client, assert_valid_html):
    membership = MembershipFactory()
    client.force_login(membership.user)

    response = client.get(_url(membership.firm))

    tree = assert_valid_html(response.content)
    for chart_id in ("chart-requests", "chart-views"):
        svg = _chart(tree, chart_id)
        assert "none in any month" in _text(svg.find(f"{SVG}desc"))
        assert {height for _value, height in _bars(svg).values()} == {0.0}
    assert set(map(tuple, _table(tree).values())) == {("0", "0", "0", "0", NO_ANSWERS, "0")}


def _cards(tree, heading_id):
    """The figure cards of one section, as their text ("3 requests received")."""
    (section,) = [s for s in tree.iter("section") if s.get("aria-labelledby") == heading_id]
    return [_text(card) for card in section.iter("li") if "stat" in card.get("class", "").split()]


@time_machine.travel(NOW, tick=False)
def test_the_figures_come_as_cards_with_the_years_totals(client, assert_valid_html):
    membership = MembershipFactory(firm__lead_capacity_per_week=5)
    firm = membership.firm
    march, april = datetime.datetime(2026, 3, 10, tzinfo=SHANGHAI), datetime.datetime(2026, 4, 10, tzinfo=SHANGHAI)
    # March's median is 2 hours, April's 30: the year's is that of all four answers (2.5), not
    # the median of the months' (16).
    _answered(firm, delivered_at=march, status="accepted", hours=1)
    _answered(firm, delivered_at=march, status="declined", hours=2)
    _answered(firm, delivered_at=march, status="returned", hours=3)
    _answered(firm, delivered_at=april, status="accepted", hours=30)
    MatchFactory(firm=firm, status="delivered", delivered_at=april)
    ProfileViewMonth.objects.create(firm=firm, month=datetime.date(2026, 3, 1), views=7)
    ProfileViewMonth.objects.create(firm=firm, month=datetime.date(2026, 5, 1), views=14)
    firm.completeness = 0.8
    firm.save()
    client.force_login(membership.user)

    tree = assert_valid_html(client.get(_url(firm)).content)

    now = _cards(tree, "now-heading")
    assert now[0] == "1 request waiting for your answer Open the requests"
    assert now[1] == "1 of 5 requests this week (the last seven days)"  # the one waiting
    assert now[2] == "80% profile completeness Complete your profile"
    assert _cards(tree, "figures-heading") == [
        "5 requests received",
        "80% of them answered: accepted, declined or returned",
        "2.5 hours: the median time to answer",
        "21 profile views",
    ]


@time_machine.travel(NOW, tick=False)
def test_without_requests_the_cards_say_so_rather_than_divide_by_zero(client, assert_valid_html):
    membership = MembershipFactory()
    client.force_login(membership.user)

    tree = assert_valid_html(client.get(_url(membership.firm)).content)

    assert _cards(tree, "figures-heading") == [
        "0 requests received",
        "– answered: no requests yet",
        "– median response time: no answers yet",
        "0 profile views",
    ]


@time_machine.travel(NOW, tick=False)
def test_the_chart_marks_the_bars_that_carry_a_year_so_a_phone_keeps_them(client, assert_valid_html):
    membership = MembershipFactory()
    client.force_login(membership.user)

    svg = _chart(assert_valid_html(client.get(_url(membership.firm)).content), "chart-requests")

    marked = [
        " ".join(_text(label) for label in g.iter(f"{SVG}text"))
        for g in svg.iter(f"{SVG}g")
        if "chart__bar--year" in g.get("class", "")
    ]
    assert marked == ["Jun 2025", "Jan 2026"]


def test_month_starts_cross_the_year():
    starts = figures.month_starts(today=datetime.date(2026, 2, 27))

    assert starts[0] == datetime.date(2025, 3, 1)
    assert starts[-1] == datetime.date(2026, 2, 1)
    assert len(starts) == 12


@pytest.mark.parametrize("count", [2, 40])
def test_the_dashboard_runs_a_fixed_number_of_queries(client, count, django_assert_max_num_queries):
    membership = MembershipFactory()
    for i in range(count):
        _answered(
            membership.firm,
            delivered_at=NOW - datetime.timedelta(days=i * 9),
            status=["accepted", "declined", "returned"][i % 3],
            hours=i + 1,
        )
    client.force_login(membership.user)

    # Session, user, two-factor check, membership; 1 overview + 3 figures queries; this week's
    # conflict count (one row by its unique key); the idle timeout's session save (savepoint,
    # update, release).
    with django_assert_max_num_queries(12):
        response = client.get(_url(membership.firm))

    assert response.status_code == 200


# --- Profile views, counted on the public profile --------------------------------------------


def _views(firm):
    return {row.month: row.views for row in ProfileViewMonth.objects.filter(firm=firm)}


def _profile(firm):
    return reverse("directory:firm_detail", kwargs={"slug": firm.slug})


@time_machine.travel(NOW, tick=False)
def test_each_get_of_a_listed_profile_counts_one_view_in_the_local_month(client):
    firm = FirmFactory()

    for _i in range(3):
        assert (
            client.get(_profile(firm), HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0").status_code
            == 200
        )

    assert _views(firm) == {datetime.date(2026, 5, 1): 3}


@time_machine.travel(datetime.datetime(2026, 5, 31, 20, 0, tzinfo=UTC), tick=False)
def test_a_view_counts_in_the_month_it_is_in_shanghai(client):
    firm = FirmFactory()
    ProfileViewMonth.objects.create(firm=firm, month=datetime.date(2026, 5, 1), views=10)

    client.get(_profile(firm))

    assert _views(firm) == {datetime.date(2026, 5, 1): 10, datetime.date(2026, 6, 1): 1}


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Baiduspider-render/2.0",
        "SomeCrawler/1.0",
        "Mozilla/5.0 (compatible; Discordbot/2.0)",
        "Slack-LinkPreview 1.0",
        "WhatsApp PREVIEW",
    ],
)
def test_bots_and_link_previews_are_not_counted(client, user_agent):
    firm = FirmFactory()

    assert client.get(_profile(firm), HTTP_USER_AGENT=user_agent).status_code == 200

    assert _views(firm) == {}


def test_head_requests_and_unlisted_firms_are_not_counted(client):
    firm = FirmFactory()
    unlisted = FirmFactory(is_listed=False)

    assert client.head(_profile(firm)).status_code == 200
    assert client.get(_profile(unlisted)).status_code == 404

    assert _views(firm) == {} and _views(unlisted) == {}


def test_the_firms_own_members_are_not_counted_but_other_signed_in_users_are(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    client.get(_profile(membership.firm))
    assert _views(membership.firm) == {}

    client.force_login(MembershipFactory().user)  # someone at another firm
    client.get(_profile(membership.firm))
    assert sum(_views(membership.firm).values()) == 1


def test_a_lost_race_to_create_the_months_row_still_counts(monkeypatch, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet
    from django.utils import timezone

    from directory import stats

    firm = FirmFactory()
    month = timezone.localdate().replace(day=1)
    # Another request created the month's row just after our UPDATE found none: our INSERT
    # then hits the unique (firm, month) constraint.
    ProfileViewMonth.objects.create(firm=firm, month=month, views=1)
    real_update, missed = QuerySet.update, []

    def update_missing_once(queryset, **kwargs):
        if queryset.model is ProfileViewMonth and not missed:
            missed.append(True)
            return 0
        return real_update(queryset, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_missing_once)
    request = rf.get("/")
    request.user = AnonymousUser()

    assert stats.profile_view_count(request, firm.pk) is True

    assert _views(firm) == {month: 2}
