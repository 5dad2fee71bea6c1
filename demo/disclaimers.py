"""Demo legal notices for `manage.py seed_demo`: one for each demo country, in English and
Chinese, and one for a practice area, so that the demo's guides can be published
(directory/disclaimers.py) and its pages show a notice.

Written for the demo in general terms: a starting point for editors, not a statement of any
country's law. Rows are keyed by (country, practice area) and written only when they differ.
"""

from collections import Counter

from directory.models import Disclaimer

from .rows import sync_row

GENERAL_EN = (
    "The guides and firm profiles on Lawzana are general information, not legal advice, and "
    "reading them does not make anyone your lawyer. Listed firms are independent; Lawzana does "
    "not recommend one over another. Before you act, check your own situation with a lawyer "
    "qualified where your matter is."
)
GENERAL_ZH = (
    "Lawzana 上的指南和律所介绍仅为一般信息，不构成法律意见，阅读这些内容也不会与任何人建立委托关系。"
    "所列律所均独立执业，Lawzana 不推荐任何一家。行动之前，请就您的具体情况咨询在当地具有执业资格的律师。"
)

ADVERTISING_EN = (
    "Lawyers here may describe their practice only with accurate, verifiable facts. They may "
    "not promise a result, claim to be better than other lawyers, or describe themselves in a "
    "way their regulator's rules on publicity forbid."
)
ADVERTISING_ZH = (
    "律师只能以真实、可核实的信息介绍其业务，不得承诺办案结果，不得宣称优于其他律师，"
    "也不得以其监管机构关于宣传的规定所禁止的方式介绍自己。"
)

# China's, in more detail: the points its rules on lawyers' publicity are known for.
ADVERTISING_CN_EN = (
    "Lawyers and law firms in China may publicise their services only with truthful and "
    "accurate information. They may not promise the outcome of a case, claim special ties to "
    "courts or officials, disparage other lawyers or firms, or attract clients with fees below "
    "those the applicable fee rules allow. Fees are agreed in writing, following those rules."
)
ADVERTISING_CN_ZH = (
    "在中国，律师和律师事务所只能以真实、准确的信息宣传其服务，不得承诺案件结果，"
    "不得宣称与法院或官员有特殊关系，不得贬低其他律师或律所，也不得以低于适用收费规定的价格招揽客户。"
    "律师费应依照上述规定以书面形式约定。"
)

# code: (advertising rules in English, in Chinese); any other demo country gets the general ones.
ADVERTISING = {"CN": (ADVERTISING_CN_EN, ADVERTISING_CN_ZH)}

# (country code, practice area slug, English, Chinese): where the country's notice is not enough.
AREA_NOTICES = [
    (
        "CN",
        "cyber-law-data-privacy-and-data-protection",
        "Data protection in China rests on national laws completed by frequent implementing "
        "measures and standards: check which ones are in force before you act. This page is "
        "general information, not legal advice.",
        "中国的数据保护以国家法律为基础，并由不断出台的实施办法和标准加以补充。"
        "行动之前请确认哪些规定现行有效。本页内容仅为一般信息，不构成法律意见。",
    ),
]


def seed_disclaimers(*, places: dict, tally: Counter | None = None) -> list[Disclaimer]:
    """Create or update the demo countries' notices (and the areas' ones); `places` is what
    demo.places.seed_places() returned."""
    tally = Counter() if tally is None else tally
    notices = []
    for code, country in places["countries"].items():
        rules_en, rules_zh = ADVERTISING.get(code, (ADVERTISING_EN, ADVERTISING_ZH))
        values = {
            "text_en": GENERAL_EN,
            "text_zh_hans": GENERAL_ZH,
            "advertising_rules_en": rules_en,
            "advertising_rules_zh_hans": rules_zh,
            "is_active": True,
        }
        notices.append(sync_row(Disclaimer, {"country": country, "practice_area": None}, values, tally))
    for code, slug, text_en, text_zh in AREA_NOTICES:
        lookup = {"country": places["countries"][code], "practice_area": places["practice_areas"][slug]}
        values = {"text_en": text_en, "text_zh_hans": text_zh, "is_active": True}
        notices.append(sync_row(Disclaimer, lookup, values, tally))
    return notices
