"""Demo law firms for `manage.py seed_demo`: firms, offices, lawyers, articles, social
links, fees, reviews and verifications, plus the languages they speak.

Every firm, lawyer, reviewer and address here is invented; firm names end in "(demo)" so
nobody mistakes them for real practices, and web addresses use the reserved `.example`
domain. Dates are fixed (never "now"), so a second run finds every row as it left it and
writes nothing.

Natural keys: Language.code; Firm.slug; offices by (firm, city, address); lawyers and
articles by (firm, slug); social links by (firm, network); fees by (firm, position);
reviews by (firm, author_name, created_at); verifications by (firm, verified_on).

The profile of a demo firm (offices, lawyers, articles, social links, fees, languages and
practice areas) is made to match the data exactly, removing extra rows. Reviews and
verifications are only created or updated, never removed: they are history, and people
trying the site may add their own.

Harbin on purpose has no listed firm for "Cyber Law, Data Privacy and Data Protection", so
that landing page shows its empty state, while Harbin corporate law has more than one
page of firms.
"""

from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from demo.places import CITIES, REGIONS
from demo.rows import CREATED, UNCHANGED, UPDATED, save_row, sync_row
from directory.models import Article, Firm, Language, Lawyer, Office, Review, ServiceFee, SocialLink, Verification
from directory.services.firms import firms_refresh

DELETED = "deleted"
SHANGHAI_TIME = ZoneInfo("Asia/Shanghai")
FICTIONAL_NOTE = "A fictional firm created for the Lawzana demo site."

# (ISO 639-1 code, English name)
LANGUAGES = [
    ("en", "English"),
    ("zh", "Chinese"),
    ("ru", "Russian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
]

# Short names for the practice-area slugs of demo/places.py, to keep the table readable.
AREAS = {
    "corporate": "corporate-and-company-law",
    "m&a": "mergers-and-acquisitions",
    "foreign-investment": "foreign-investment",
    "banking": "banking-and-finance",
    "tax": "tax",
    "insolvency": "bankruptcy-and-insolvency",
    "contracts": "commercial-contracts",
    "cyber": "cyber-law-data-privacy-and-data-protection",
    "e-commerce": "e-commerce-and-internet",
    "tech-transactions": "technology-transactions-and-outsourcing",
    "telecoms": "telecommunications-and-media",
    "ip": "intellectual-property",
    "patents": "patents",
    "trademarks": "trademarks",
    "copyright": "copyright",
    "employment": "employment-and-labour",
    "benefits": "employee-benefits-and-social-insurance",
    "immigration": "immigration-and-visas",
    "litigation": "civil-litigation",
    "arbitration": "arbitration-and-mediation",
    "debt": "debt-collection",
    "criminal": "criminal-defence",
    "white-collar": "white-collar-crime-and-anti-corruption",
    "family": "family-law",
    "divorce": "divorce-and-separation",
    "wills": "wills-inheritance-and-estates",
    "real-estate": "real-estate",
    "construction": "construction",
    "tenancy": "landlord-and-tenant",
    "antitrust": "antitrust-and-competition",
    "consumer": "consumer-protection",
    "environment": "environmental-law",
    "customs": "customs-and-international-trade",
}

# ---------------------------------------------------------------------------------------
# Firms. One dict per firm; `offices` lists city slugs, headquarters first. `reviews` is a
# list of tokens: the rating, prefixed "p" for pending or "r" for rejected, suffixed "v" for
# a verified client. `fees` is how many entries of the fee menu (below) the firm shows.
# ---------------------------------------------------------------------------------------

FIRMS = [
    # --- Harbin: thirteen listed firms do corporate work there, none does cyber law ---
    {
        "slug": "songhua-river-legal-partners-demo",
        "name": "Songhua River Legal Partners (demo)",
        "tagline": "Company and trade work for businesses between Harbin and the Russian Far East",
        "description": (
            "Songhua River Legal Partners advises manufacturers, traders and investors who do business "
            "across China's north-east border. The team sets up companies, reviews supply and distribution "
            "contracts, and handles customs classification and foreign-investment filings."
        ),
        "year": 2004,
        "size": "medium",
        "offices": ["harbin", "beijing"],
        "languages": ["zh", "en", "ru"],
        "areas": ["corporate", "m&a", "foreign-investment", "customs"],
        "lawyers": 5,
        "social": ["linkedin", "wechat"],
        "fees": 4,
        "reviews": "5v 5 4v 4 5 3 p5",
        "verified": ["2026-06-15"],
    },
    {
        "slug": "ice-lantern-law-office-demo",
        "name": "Ice Lantern Law Office (demo)",
        "tagline": "Everyday company and dispute work for small businesses in Harbin",
        "description": (
            "A small office near the old town that handles the legal side of running a small business: "
            "registering a company, drafting shareholder agreements, chasing unpaid invoices and, when "
            "talks fail, taking the case to court."
        ),
        "year": 2011,
        "size": "small",
        "offices": ["harbin"],
        "languages": ["zh", "en"],
        "areas": ["corporate", "litigation", "debt"],
        "lawyers": 3,
        "fees": 3,
        "reviews": "4 5 3 2 p4",
    },
    {
        "slug": "sun-island-counsel-demo",
        "name": "Sun Island Counsel (demo)",
        "tagline": "Companies, property and construction projects in Harbin and Dalian",
        "description": (
            "Sun Island Counsel works for developers, contractors and the companies that occupy their "
            "buildings. It forms project companies, negotiates land use and construction contracts, and "
            "resolves payment and defect disputes. Japanese-speaking lawyers serve clients from Japan."
        ),
        "year": 2008,
        "size": "medium",
        "offices": ["harbin", "dalian"],
        "languages": ["zh", "en", "ja"],
        "areas": ["corporate", "real-estate", "construction"],
        "lawyers": 4,
        "social": ["wechat"],
        "fees": 2,
        "reviews": "5 4 4v 5",
        "verified": ["2026-03-02"],
    },
    {
        "slug": "northern-birch-attorneys-demo",
        "name": "Northern Birch Attorneys (demo)",
        "tagline": "Employment and company law for growing employers in Heilongjiang",
        "description": (
            "Northern Birch helps employers hire, pay and part with staff lawfully: employment contracts, "
            "handbooks, social insurance questions and labour arbitration. It also looks after the company "
            "paperwork that goes with growing a team."
        ),
        "year": 2015,
        "size": "small",
        "offices": ["harbin"],
        "languages": ["zh", "en"],
        "areas": ["corporate", "employment", "benefits"],
        "lawyers": 2,
        "fees": 3,
        "reviews": "4 3 5v p2",
    },
    {
        "slug": "central-avenue-advocates-demo",
        "name": "Central Avenue Advocates (demo)",
        "tagline": "Contracts, company law and disputes across three north-eastern capitals",
        "description": (
            "With offices in Harbin, Shenyang and Changchun, Central Avenue Advocates acts for regional "
            "companies and their foreign partners. Its lawyers draft and negotiate commercial contracts, "
            "advise boards, and argue disputes in court and before arbitration commissions."
        ),
        "year": 1998,
        "size": "large",
        "offices": ["harbin", "shenyang", "changchun"],
        "languages": ["zh", "en", "ru"],
        "areas": ["corporate", "contracts", "litigation", "arbitration"],
        "lawyers": 6,
        "social": ["linkedin", "wechat", "weibo"],
        "fees": 4,
        "reviews": "5v 5v 4 4 4 5 3 2 5",
        "verified": ["2024-10-08", "2026-09-21"],
    },
    {
        "slug": "heilong-gate-law-firm-demo",
        "name": "Heilong Gate Law Firm (demo)",
        "tagline": "Tax, restructuring and company law for family businesses",
        "description": (
            "Heilong Gate advises family-owned companies on tax filings and audits, shareholder changes, "
            "and restructuring or closing a business that can no longer pay its debts."
        ),
        "year": 2017,
        "size": "small",
        "offices": ["harbin"],
        "languages": ["zh"],
        "areas": ["corporate", "tax", "insolvency"],
        "lawyers": 2,
        "website": False,
        "reviews": "3 4",
        # Verified once, more than twelve months ago: the badge has lapsed.
        "verified": ["2025-07-14"],
    },
    {
        "slug": "frost-harbour-legal-demo",
        "name": "Frost Harbour Legal (demo)",
        "tagline": "Cross-border trade and investment between Heilongjiang and Russia",
        "description": (
            "Frost Harbour Legal helps importers, exporters and investors on both sides of the border. It "
            "sets up trading companies, checks customs classifications and origin rules, and advises "
            "Russian-speaking investors on China's foreign-investment reporting."
        ),
        "year": 2013,
        "size": "small",
        "offices": ["harbin"],
        "languages": ["zh", "ru", "en"],
        "areas": ["corporate", "customs", "foreign-investment"],
        "lawyers": 3,
        "fees": 2,
        "reviews": "5 5 4 r1",
        "verified": ["2026-02-11"],
    },
    {
        "slug": "volga-songhua-trade-lawyers-demo",
        "name": "Volga-Songhua Trade Lawyers (demo)",
        "tagline": "Trade contracts and trade disputes, in Russian, Chinese and English",
        "description": (
            "A trade practice working from Harbin and Beijing. It drafts sales and agency contracts for "
            "cross-border deals, advises on customs audits and represents clients in trade arbitration. "
            "Fees for foreign clients are quoted in US dollars."
        ),
        "year": 2006,
        "size": "medium",
        "offices": ["harbin", "beijing"],
        "languages": ["ru", "zh", "en"],
        "areas": ["corporate", "customs", "arbitration"],
        "lawyers": 4,
        "social": ["linkedin"],
        "fees": 2,
        "currency": "USD",
        "reviews": "4 4v 5 3 p5",
        "verified": ["2026-08-05"],
    },
    {
        "slug": "snowfield-partners-demo",
        "name": "Snowfield Partners (demo)",
        "tagline": "A young Harbin practice for employers and company founders",
        "description": (
            "Snowfield Partners was set up by two lawyers who wanted to offer founders fixed prices. It "
            "registers companies, writes employment contracts and represents clients in labour and civil "
            "cases before Harbin's courts."
        ),
        "year": 2019,
        "size": "small",
        "offices": ["harbin"],
        "languages": ["zh", "en"],
        "areas": ["corporate", "employment", "litigation"],
        "lawyers": 2,
        "fees": 2,
        "reviews": "5 2 4",
    },
    {
        "slug": "lilac-street-law-chambers-demo",
        "name": "Lilac Street Law Chambers (demo)",
        "tagline": "Family matters, inheritance and the family business",
        "description": (
            "Lilac Street handles the legal matters families bring: marriage and divorce agreements, "
            "custody arrangements, wills and estates, and the company questions that arise when a family "
            "business passes to the next generation."
        ),
        "year": 2009,
        "size": "small",
        "offices": ["harbin"],
        "languages": ["zh", "en"],
        "areas": ["corporate", "family", "divorce", "wills"],
        "lawyers": 3,
        "fees": 3,
        "reviews": "5v 5 5 4 1",
        "verified": ["2026-10-30"],
    },
    {
        "slug": "great-khingan-law-group-demo",
        "name": "Great Khingan Law Group (demo)",
        "tagline": "Resources, land and environmental permits in the north-east",
        "description": (
            "Great Khingan Law Group advises forestry, farming and energy businesses on land use rights, "
            "environmental impact assessments and the company structures behind their projects, from "
            "offices in Harbin and Shenyang."
        ),
        "year": 2001,
        "size": "medium",
        "offices": ["harbin", "shenyang"],
        "languages": ["zh", "en"],
        "areas": ["corporate", "environment", "real-estate"],
        "lawyers": 4,
        "social": ["wechat"],
        "fees": 2,
        "reviews": "4 3 4",
    },
    {
        "slug": "polar-star-legal-services-demo",
        "name": "Polar Star Legal Services (demo)",
        "tagline": "A solo practice for start-ups and their contracts",
        "description": (
            "Polar Star is one lawyer who helps start-ups with incorporation, founder agreements and "
            "standard customer contracts, in Chinese, English or Korean."
        ),
        "year": 2020,
        "size": "solo",
        "offices": ["harbin"],
        "languages": ["zh", "en", "ko"],
        "areas": ["corporate", "contracts"],
        "lawyers": 1,
        "phone": False,
        "capacity": 3,
        "fees": 1,
        "reviews": "5 p3",
    },
    {
        "slug": "taiyang-bridge-law-office-demo",
        "name": "Taiyang Bridge Law Office (demo)",
        "tagline": "Deals and financing for north-eastern companies, from Harbin and Shanghai",
        "description": (
            "Taiyang Bridge acts on acquisitions, joint ventures and bank financing for companies based in "
            "Heilongjiang and for buyers from Shanghai, Japan and elsewhere who invest in them. Its "
            "Shanghai office handles lender-side work."
        ),
        "year": 1996,
        "size": "large",
        "offices": ["harbin", "shanghai"],
        "languages": ["zh", "en", "ja"],
        "areas": ["corporate", "m&a", "banking"],
        "lawyers": 5,
        "social": ["linkedin", "wechat"],
        "fees": 3,
        "reviews": "4 5 4v 3 4 5",
        "verified": ["2026-04-18"],
    },
    {
        "slug": "riverside-ledger-law-firm-demo",
        "name": "Riverside Ledger Law Firm (demo)",
        # A Chinese-speaking firm: its tagline only in Chinese (FIRM_TEXTS_ZH), so English pages
        # show it marked as such.
        "tagline": "",
        "description": (
            "Riverside Ledger defends people under criminal investigation and represents clients in civil "
            "and family disputes. It offers a first meeting within a day for people who have been detained "
            "or whose relatives have."
        ),
        "year": 2012,
        "size": "small",
        "offices": ["harbin"],
        "languages": ["zh"],
        "areas": ["criminal", "litigation", "family"],
        "lawyers": 2,
        "fees": 2,
        "reviews": "5 4 2 p1",
    },
    {
        # Unlisted: waiting for operators. It would be Harbin's only cyber-law firm.
        "slug": "winter-circuit-data-law-demo",
        "name": "Winter Circuit Data Law (demo)",
        "tagline": "Data protection and online business compliance",
        "description": "A new practice that has applied to be listed; operators have not checked it yet.",
        "year": 2023,
        "size": "small",
        "offices": ["harbin"],
        "languages": ["zh", "en"],
        "areas": ["cyber", "e-commerce"],
        "lawyers": 2,
        "listed": False,
        "fees": 1,
        "reviews": "",
    },
    # --- Beijing, Shanghai and the south ---
    {
        "slug": "hutong-data-privacy-partners-demo",
        "name": "Hutong Data Privacy Partners (demo)",
        "tagline": "PIPL compliance, data transfers and incident response from Beijing",
        "description": (
            "Hutong Data Privacy Partners helps platforms, manufacturers and foreign companies meet China's "
            "data rules: personal information impact assessments, cross-border transfer filings, privacy "
            "notices and the first days after a data breach. German-speaking lawyers serve clients from Europe."
        ),
        "year": 2014,
        "size": "medium",
        "offices": ["beijing"],
        "languages": ["zh", "en", "de"],
        "areas": ["cyber", "telecoms", "tech-transactions"],
        "lawyers": 4,
        "social": ["linkedin", "x"],
        "fees": 3,
        "reviews": "5v 5v 4 5 4 3 p4",
        "verified": ["2026-07-07"],
    },
    {
        "slug": "bund-cipher-legal-demo",
        "name": "Bund Cipher Legal (demo)",
        "tagline": "Data protection and consumer law for online businesses",
        "description": (
            "Bund Cipher Legal advises online shops, apps and platforms in Shanghai and Hangzhou on "
            "personal information, consumer rights and platform rules. It reviews privacy policies, runs "
            "data mapping workshops and answers regulators' questions."
        ),
        "year": 2012,
        "size": "medium",
        "offices": ["shanghai", "hangzhou"],
        "languages": ["zh", "en", "fr"],
        "areas": ["cyber", "e-commerce", "consumer"],
        "lawyers": 4,
        "social": ["linkedin", "wechat"],
        "fees": 3,
        "reviews": "4 4 5 3v 2",
        "verified": ["2026-05-20"],
    },
    {
        "slug": "pearl-delta-tech-law-demo",
        "name": "Pearl Delta Tech Law (demo)",
        "tagline": "Technology companies, their inventions and their data",
        "description": (
            "Pearl Delta Tech Law works for hardware and software companies in Shenzhen and Guangzhou: "
            "company set-up, patent filings, technology licences and data protection programmes. Many "
            "clients are foreign firms building products with local partners."
        ),
        "year": 2003,
        "size": "large",
        "offices": ["shenzhen", "guangzhou"],
        "languages": ["zh", "en"],
        "areas": ["corporate", "cyber", "ip", "patents", "tech-transactions"],
        "lawyers": 6,
        "social": ["linkedin", "wechat", "weibo"],
        "fees": 4,
        "reviews": "5 5v 4 4 4 5 3 p5",
        "verified": ["2026-01-26"],
    },
    {
        "slug": "west-lake-digital-law-demo",
        "name": "West Lake Digital Law (demo)",
        "tagline": "Online sellers, creators and their rights",
        "description": (
            "West Lake Digital Law advises e-commerce sellers, live-streaming studios and content creators "
            "on platform rules, copyright and the personal data they collect from buyers."
        ),
        "year": 2016,
        "size": "small",
        "offices": ["hangzhou"],
        "languages": ["zh", "en"],
        "areas": ["e-commerce", "cyber", "copyright"],
        "lawyers": 3,
        "fees": 2,
        "reviews": "4 5",
    },
    {
        "slug": "jade-terrace-ip-demo",
        "name": "Jade Terrace IP (demo)",
        "tagline": "Patents, trademarks and copyright, filed and enforced from Beijing",
        "description": (
            "Jade Terrace IP files patents and trademarks for clients from China, Japan and Korea, fights "
            "trademark squatting and counterfeits, and licenses software and creative works. Its lawyers "
            "work in four languages."
        ),
        "year": 2005,
        "size": "medium",
        "offices": ["beijing"],
        "languages": ["zh", "en", "ja", "ko"],
        "areas": ["ip", "patents", "trademarks", "copyright"],
        "lawyers": 5,
        "social": ["linkedin"],
        "fees": 4,
        "reviews": "5 4v 4 5 5 3",
        "verified": ["2026-09-03"],
    },
    {
        "slug": "huangpu-workplace-counsel-demo",
        "name": "Huangpu Workplace Counsel (demo)",
        "tagline": "Employment, benefits and work permits for employers in Shanghai",
        "description": (
            "Huangpu Workplace Counsel advises international employers in Shanghai on hiring, restructuring "
            "and dismissals, social insurance and housing fund contributions, and work permits for foreign "
            "staff. It represents employers in labour arbitration."
        ),
        "year": 2010,
        "size": "medium",
        "offices": ["shanghai"],
        "languages": ["zh", "en", "de", "fr"],
        "areas": ["employment", "benefits", "immigration"],
        "lawyers": 4,
        "social": ["linkedin", "wechat"],
        "fees": 4,
        "reviews": "5v 4 4 5 2 p3",
        "verified": ["2026-06-30"],
    },
    {
        "slug": "lujiazui-capital-law-demo",
        "name": "Lujiazui Capital Law (demo)",
        "tagline": "Finance, acquisitions and competition filings across Asia",
        "description": (
            "Lujiazui Capital Law acts for banks, funds and multinational companies on loans, acquisitions "
            "and merger control filings, with offices in Shanghai, Beijing and Singapore. Fees are quoted "
            "in US dollars."
        ),
        "year": 1993,
        "size": "xlarge",
        "offices": ["shanghai", "beijing", "singapore"],
        "languages": ["zh", "en"],
        "areas": ["banking", "m&a", "foreign-investment", "antitrust"],
        "lawyers": 6,
        "social": ["linkedin"],
        "fees": 2,
        "currency": "USD",
        "capacity": 25,
        "reviews": "4 4 3 5",
        "verified": ["2026-02-27"],
    },
    {
        "slug": "canton-hearth-family-law-demo",
        "name": "Canton Hearth Family Law (demo)",
        "tagline": "Divorce, custody and wills, handled by one lawyer from start to finish",
        "description": (
            "A solo family lawyer in Guangzhou. She handles agreed and contested divorces, custody and "
            "support, and wills, and explains each step to clients in Chinese or English."
        ),
        "year": 2018,
        "size": "solo",
        "offices": ["guangzhou"],
        "languages": ["zh", "en"],
        "areas": ["family", "divorce", "wills"],
        "lawyers": 1,
        "capacity": 4,
        "fees": 3,
        "reviews": "5 5 4 p5",
    },
    {
        "slug": "nanshan-startup-legal-demo",
        "name": "Nanshan Startup Legal (demo)",
        "tagline": "Fixed-price legal work for Shenzhen start-ups",
        "description": (
            "Nanshan Startup Legal helps founders incorporate, issue equity to early staff, write customer "
            "and supplier contracts and hire their first employees, at fixed prices published up front."
        ),
        "year": 2019,
        "size": "small",
        "offices": ["shenzhen"],
        "languages": ["zh", "en", "es"],
        "areas": ["corporate", "contracts", "employment"],
        "lawyers": 3,
        "social": ["wechat"],
        "fees": 3,
        "reviews": "5 4 4",
        "verified": ["2026-11-02"],
    },
    {
        "slug": "qinhuai-lantern-law-demo",
        "name": "Qinhuai Lantern Law (demo)",
        "tagline": "Property and construction in Nanjing and Suzhou",
        "description": (
            "Qinhuai Lantern Law advises developers, landlords and manufacturers on buying and leasing "
            "industrial property, building contracts and the companies that hold them, in Nanjing and Suzhou."
        ),
        "year": 2002,
        "size": "medium",
        "offices": ["nanjing", "suzhou"],
        "languages": ["zh", "en"],
        "areas": ["corporate", "real-estate", "construction"],
        "lawyers": 4,
        "fees": 2,
        "reviews": "4 3",
        "verified": ["2026-03-16"],
    },
    {
        "slug": "jinli-lane-counsel-demo",
        "name": "Jinli Lane Counsel (demo)",
        "tagline": "Civil disputes and debt recovery in Chengdu",
        "description": (
            "Jinli Lane Counsel recovers debts for small suppliers and represents individuals in civil and "
            "family disputes before Chengdu's courts."
        ),
        "year": 2014,
        "size": "small",
        "offices": ["chengdu"],
        "languages": ["zh"],
        "areas": ["litigation", "debt", "family"],
        "lawyers": 2,
        "fees": 2,
        "reviews": "5 3 1 r2",
    },
    {
        "slug": "yellow-crane-legal-demo",
        "name": "Yellow Crane Legal (demo)",
        "tagline": "Criminal defence and corporate investigations in Wuhan",
        "description": (
            "Yellow Crane Legal defends individuals and companies in criminal cases, including fraud and "
            "bribery, runs internal investigations for employers and handles related civil claims."
        ),
        "year": 2000,
        "size": "medium",
        "offices": ["wuhan"],
        "languages": ["zh", "en"],
        "areas": ["criminal", "white-collar", "litigation"],
        "lawyers": 4,
        "fees": 2,
        "reviews": "4 5 4",
        # Verified once, more than twelve months ago: the badge has lapsed.
        "verified": ["2025-04-22"],
    },
    {
        "slug": "terracotta-road-law-demo",
        "name": "Terracotta Road Law (demo)",
        "tagline": "Brands and contracts for businesses in Xi'an",
        "description": (
            "Terracotta Road Law registers and defends trademarks for local food and tourism brands and "
            "drafts their licensing and distribution contracts."
        ),
        "year": 2011,
        "size": "small",
        "offices": ["xian"],
        "languages": ["zh", "en"],
        "areas": ["ip", "trademarks", "contracts"],
        "lawyers": 2,
        "fees": 2,
        "reviews": "4",
    },
    {
        "slug": "laoshan-harbour-trade-law-demo",
        "name": "Laoshan Harbour Trade Law (demo)",
        "tagline": "Shipping, trade and investment for Korean and Japanese companies",
        "description": (
            "From Qingdao and Dalian, Laoshan Harbour Trade Law advises Korean and Japanese investors and "
            "the trading companies they work with on customs, foreign-investment rules and trade arbitration."
        ),
        "year": 2007,
        "size": "medium",
        "offices": ["qingdao", "dalian"],
        "languages": ["zh", "en", "ko", "ja"],
        "areas": ["customs", "foreign-investment", "arbitration"],
        "lawyers": 4,
        "social": ["linkedin"],
        "fees": 2,
        "reviews": "5 4 4v",
        "verified": ["2026-08-19"],
    },
    {
        "slug": "haihe-crossing-legal-demo",
        "name": "Haihe Crossing Legal (demo)",
        "tagline": "Restructuring, lending and recovery in Tianjin",
        "description": (
            "Haihe Crossing Legal acts for creditors and debtors in restructurings and liquidations, "
            "documents secured loans and recovers debts for lenders and suppliers."
        ),
        "year": 1999,
        "size": "medium",
        "offices": ["tianjin"],
        "languages": ["zh", "en"],
        "areas": ["insolvency", "banking", "debt"],
        "lawyers": 3,
        "fees": 2,
        "reviews": "3 4 2",
    },
    {
        "slug": "three-gorges-civic-law-demo",
        "name": "Three Gorges Civic Law (demo)",
        "tagline": "Building, leasing and environmental matters in Chongqing",
        "description": (
            "Three Gorges Civic Law handles construction disputes, commercial and residential leases, and "
            "pollution complaints for businesses and residents."
        ),
        "year": 2013,
        "size": "small",
        "offices": ["chongqing"],
        "languages": ["zh"],
        "areas": ["environment", "construction", "tenancy"],
        "lawyers": 2,
        "website": False,
        "fees": 1,
        "reviews": "4 p2",
    },
    {
        "slug": "north-tower-legal-demo",
        "name": "North Tower Legal (demo)",
        "tagline": "Employment and civil disputes in Shenyang, in Chinese and Korean",
        "description": (
            "North Tower Legal represents employers and employees in labour arbitration and civil "
            "disputes, and advises Korean-owned factories in Shenyang on local employment rules."
        ),
        "year": 2016,
        "size": "small",
        "offices": ["shenyang"],
        "languages": ["zh", "ko", "en"],
        "areas": ["employment", "litigation"],
        "lawyers": 2,
        "fees": 2,
        "reviews": "5 4",
        "verified": ["2026-10-12"],
    },
    {
        # A thin profile on purpose: low completeness, so it ranks below fuller profiles.
        "slug": "changbai-pine-law-demo",
        "name": "Changbai Pine Law (demo)",
        "tagline": "",
        "description": "Property and family matters in Changchun.",
        "year": None,
        "size": "solo",
        "offices": ["changchun"],
        "languages": ["zh"],
        "areas": ["real-estate", "family"],
        "lawyers": 1,
        "website": False,
        "phone": False,
        "reviews": "",
    },
    # --- Outside mainland China ---
    {
        "slug": "merlion-bay-legal-demo",
        "name": "Merlion Bay Legal (demo)",
        "tagline": "Singapore arbitration and investment into China",
        "description": (
            "Merlion Bay Legal advises companies investing into China through Singapore holding companies, "
            "acts in arbitrations seated in Singapore, and helps clients align their privacy programmes "
            "with both Singapore's and China's data rules."
        ),
        "year": 2009,
        "size": "medium",
        "offices": ["singapore"],
        "languages": ["en", "zh"],
        "areas": ["arbitration", "m&a", "foreign-investment", "cyber"],
        "lawyers": 4,
        "social": ["linkedin", "x"],
        "fees": 3,
        "currency": "SGD",
        "reviews": "5 5v 4",
        "verified": ["2026-05-05"],
    },
    {
        "slug": "thames-lantern-solicitors-demo",
        "name": "Thames Lantern Solicitors (demo)",
        "tagline": "Contracts, disputes and visas for Chinese businesses in London",
        "description": (
            "Thames Lantern Solicitors helps Chinese companies and their staff in the UK: commercial "
            "contracts, arbitration in London, and visas for people moving between the two countries."
        ),
        "year": 2012,
        "size": "small",
        "offices": ["london"],
        "languages": ["en", "zh", "fr"],
        "areas": ["arbitration", "contracts", "immigration"],
        "lawyers": 3,
        "social": ["linkedin"],
        "fees": 3,
        "currency": "GBP",
        "reviews": "4 5",
    },
    {
        "slug": "hudson-and-pine-counsel-demo",
        "name": "Hudson & Pine Counsel (demo)",
        "tagline": "US deals, investigations and antitrust for Chinese companies",
        "description": (
            "Hudson & Pine Counsel advises Chinese buyers on US acquisitions and merger reviews, and "
            "defends companies and executives in fraud and anti-bribery investigations."
        ),
        "year": 1995,
        "size": "large",
        "offices": ["new-york"],
        "languages": ["en", "zh", "es"],
        "areas": ["m&a", "white-collar", "antitrust"],
        "lawyers": 5,
        "social": ["linkedin", "x"],
        "fees": 2,
        "currency": "USD",
        "reviews": "4 3 5",
        "verified": ["2026-09-25"],
    },
    {
        "slug": "golden-gate-byte-law-demo",
        "name": "Golden Gate Byte Law (demo)",
        "tagline": "Privacy and technology contracts for software companies",
        "description": (
            "Golden Gate Byte Law advises software companies selling into China and the US on privacy "
            "compliance, cloud and licence agreements and protecting their code."
        ),
        "year": 2015,
        "size": "small",
        "offices": ["san-francisco"],
        "languages": ["en", "zh", "es"],
        "areas": ["cyber", "tech-transactions", "ip"],
        "lawyers": 3,
        "social": ["linkedin", "x"],
        "fees": 3,
        "currency": "USD",
        "reviews": "5 4 p4",
    },
    {
        "slug": "main-riverbank-rechtsanwaelte-demo",
        "name": "Main Riverbank Rechtsanwälte (demo)",
        "tagline": "Finance, tax and inbound investment in Frankfurt",
        "description": (
            "Main Riverbank Rechtsanwälte advises Chinese banks and investors in Germany on lending, tax "
            "structures and investment screening, and German lenders on deals with Chinese borrowers."
        ),
        "year": 2004,
        "size": "medium",
        "offices": ["frankfurt"],
        "languages": ["de", "en", "zh"],
        "areas": ["banking", "foreign-investment", "tax"],
        "lawyers": 4,
        "social": ["linkedin"],
        "fees": 2,
        "currency": "EUR",
        "reviews": "4 4",
        "verified": ["2026-07-28"],
    },
    {
        "slug": "isar-bridge-legal-demo",
        "name": "Isar Bridge Legal (demo)",
        "tagline": "Patents and staff for German engineering companies in China",
        "description": (
            "Isar Bridge Legal protects the inventions of German engineering firms in China and Europe and "
            "advises on sending staff between Munich and Shanghai, from offices in both cities."
        ),
        "year": 2001,
        "size": "medium",
        "offices": ["munich", "shanghai"],
        "languages": ["de", "en", "zh"],
        "areas": ["patents", "ip", "employment"],
        "lawyers": 4,
        "social": ["linkedin", "wechat"],
        "fees": 3,
        "currency": "EUR",
        "reviews": "5 4v 3",
        "verified": ["2026-04-02"],
    },
    {
        # Unlisted: the owner has not finished the profile.
        "slug": "quiet-courtyard-law-demo",
        "name": "Quiet Courtyard Law (demo)",
        "tagline": "",
        "description": "Profile not finished yet.",
        "year": 2022,
        "size": "small",
        "offices": ["beijing"],
        "languages": ["zh"],
        "areas": ["cyber", "litigation"],
        "lawyers": 1,
        "listed": False,
        "website": False,
        "reviews": "",
    },
]

# ---------------------------------------------------------------------------------------
# Fees: a menu by practice area (amounts in CNY), then general entries. A firm shows the
# first `fees` entries for its areas; other currencies divide by a rough rate.
# (service, fee model, amount from, amount to, notes)
# ---------------------------------------------------------------------------------------

FEE_MENU = {
    "corporate": [
        ("Company registration (domestic limited company)", "flat", 6000, None, "Government fees extra."),
        ("Foreign-invested enterprise set-up", "range", 18000, 45000, "Depends on the business scope and licences."),
    ],
    "m&a": [("Legal due diligence", "on_request", None, None, "Quoted after a first call about the target.")],
    "foreign-investment": [
        ("Market entry structuring memo", "range", 15000, 35000, "Covers the negative list and the options."),
    ],
    "banking": [("Loan agreement review", "range", 20000, 60000, "Lender or borrower side.")],
    "tax": [("Tax audit support", "hourly", 2200, None, "Billed per hour, monthly.")],
    "insolvency": [("Creditor claim filing in a liquidation", "flat", 5000, None, "Per claim.")],
    "contracts": [("Commercial contract review", "flat", 3500, None, "Up to 20 pages, written comments.")],
    "cyber": [
        ("Personal information protection impact assessment", "range", 20000, 60000, "One processing activity."),
        ("Privacy policy review", "flat", 8000, None, "App or website, Chinese and English."),
        ("Data breach response", "hourly", 3000, None, "First 48 hours, lawyer on call."),
    ],
    "e-commerce": [("Platform terms of service", "flat", 9000, None, "Seller or platform side.")],
    "tech-transactions": [("Software licence agreement", "range", 8000, 25000, "Drafting or review.")],
    "telecoms": [("Telecom licence application", "on_request", None, None, "Depends on the licence type.")],
    "ip": [("Infringement warning letter", "flat", 3000, None, "One recipient.")],
    "patents": [("Invention patent application", "range", 12000, 30000, "Drafting and filing, official fees extra.")],
    "trademarks": [("Trademark application, one class", "flat", 1800, None, "Official fee included.")],
    "copyright": [("Software copyright registration", "flat", 1500, None, "One program.")],
    "employment": [
        ("Employment contract and handbook review", "flat", 5000, None, "Up to 50 employees."),
        ("Labour arbitration, employer side", "range", 15000, 40000, "Through the arbitration award."),
    ],
    "benefits": [("Social insurance compliance check", "flat", 6000, None, "One city, one entity.")],
    "immigration": [("Work permit application", "flat", 4500, None, "Per employee, documents checked.")],
    "litigation": [("Civil case, first instance", "on_request", None, None, "Quoted after reading the file.")],
    "arbitration": [("Arbitration counsel", "hourly", 3000, None, "Partner time; associates lower.")],
    "debt": [("Lawyer's demand letter", "flat", 1500, None, "Sent within three working days.")],
    "criminal": [("Defence at the investigation stage", "range", 30000, 80000, "Includes detention visits.")],
    "white-collar": [("Internal investigation", "on_request", None, None, "Scoped with the audit committee.")],
    "family": [("Prenuptial agreement", "flat", 6000, None, "Drafting and one meeting.")],
    "divorce": [
        ("Agreed divorce settlement", "flat", 5000, None, "Property and custody terms."),
        ("Contested divorce, first instance", "range", 20000, 60000, "Court fees extra."),
    ],
    "wills": [("Will drafting", "flat", 3000, None, "One person, one meeting.")],
    "real-estate": [("Property purchase contract review", "flat", 4000, None, "Residential or commercial.")],
    "construction": [("Construction payment claim", "range", 20000, 80000, "Depends on the claim amount.")],
    "tenancy": [("Lease review", "flat", 2000, None, "Commercial or residential.")],
    "antitrust": [("Merger control filing", "on_request", None, None, "After a first look at turnover.")],
    "consumer": [("Advertising claims review", "flat", 4000, None, "One campaign.")],
    "environment": [("Environmental permit review", "range", 10000, 30000, "One site.")],
    "customs": [("Customs classification opinion", "flat", 5000, None, "Up to five products.")],
}
GENERAL_FEES = [
    ("Initial consultation (one hour)", "flat", 800, None, "Credited against later work."),
    ("Partner hourly rate", "hourly", 2500, None, "Associates from half this rate."),
]
# Rough CNY per unit, only to make foreign fees look plausible.
CNY_PER_UNIT = {"CNY": 1, "USD": 7, "EUR": 8, "GBP": 9, "SGD": 5}

# ---------------------------------------------------------------------------------------
# Articles: (firm slug, article slug, title, summary, Markdown body, published_at)
# ---------------------------------------------------------------------------------------

ARTICLES = [
    (
        "hutong-data-privacy-partners-demo",
        "pipl-checklist-for-small-platforms",
        "A PIPL checklist for small online platforms",
        "Six questions to answer before you collect your first user's phone number.",
        """\
China's Personal Information Protection Law (PIPL) applies to small apps as much as to large ones. \
Before launch, answer these questions in writing:

- **What do you collect, and why?** List each item of personal information and the purpose it serves.
- **What is your legal basis?** Consent is common, but performing a contract is often a better fit.
- **Is anything sensitive?** Location, health and financial data need separate consent and extra care.
- **Who else receives the data?** Cloud providers and analytics tools count.
- **Does any data leave mainland China?** If so, read up on the transfer routes first.
- **Who answers users' requests?** People may ask to see, correct or delete their data.

Keep the answers up to date: regulators ask for them when something goes wrong.""",
        datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI_TIME),
    ),
    (
        "bund-cipher-legal-demo",
        "sending-personal-data-abroad",
        "Sending personal data abroad: the three routes",
        "Security assessment, standard contract or certification: which one applies to you.",
        """\
A company that sends personal information out of mainland China needs a route for the transfer. \
There are three:

1. a **security assessment** by the cyberspace authorities, for large volumes or important data;
2. the **standard contract**, signed with the recipient and filed locally;
3. **certification** by an approved body, often used inside a corporate group.

Several exemptions now apply, for example for some employee data and for data needed to perform a \
contract with the individual. Check them first: they may save you a filing.""",
        datetime(2026, 5, 22, 10, 30, tzinfo=SHANGHAI_TIME),
    ),
    (
        "songhua-river-legal-partners-demo",
        "setting-up-a-trading-company-in-harbin",
        "Setting up a trading company in Harbin",
        "What a cross-border trader needs before the first shipment.",
        """\
Most cross-border traders in Harbin start with a limited company whose business scope covers \
import and export. Plan for:

- registration with the market regulator and a business licence;
- customs registration as a consignee or consignor;
- a foreign-currency account with a bank that handles trade settlements.

Registration itself is quick. Opening the bank account and clearing the first shipment take longer, \
so start those conversations early.""",
        datetime(2025, 11, 4, 9, 0, tzinfo=SHANGHAI_TIME),
    ),
    (
        "huangpu-workplace-counsel-demo",
        "ending-an-employment-contract-in-shanghai",
        "Ending an employment contract in Shanghai",
        "Grounds, notice and severance, in brief.",
        """\
An employer in China cannot simply end an employment contract at will. It needs one of the grounds \
the Labour Contract Law lists, such as mutual agreement, serious misconduct or a redundancy that \
follows the statutory steps.

Severance is usually one month's pay for each year of service, with a cap for high earners. An \
unlawful dismissal can cost twice that. **Document everything**, and talk to the employee before \
you put anything in writing.""",
        datetime(2026, 2, 14, 9, 0, tzinfo=SHANGHAI_TIME),
    ),
    (
        "jade-terrace-ip-demo",
        "trademark-squatting-what-to-do",
        "Someone registered your brand first: what now?",
        "Options when a trademark squatter gets there before you.",
        """\
China registers trademarks for whoever files first, with few exceptions. If someone has filed your \
brand, you may be able to:

- oppose the application while it is published for opposition;
- ask for the registration to be invalidated if it was filed in bad faith;
- apply to cancel it if it has not been used for three years.

Gather proof of your own earlier use and of any link between you and the filer. Then file your own \
application for the classes that matter, whatever else you do.""",
        datetime(2025, 12, 1, 9, 0, tzinfo=SHANGHAI_TIME),
    ),
    (
        "lilac-street-law-chambers-demo",
        "agreed-divorce-step-by-step",
        "An agreed divorce, step by step",
        "From the written agreement to the certificate.",
        """\
When both spouses agree, a divorce can be registered at the civil affairs office without going to \
court. The steps:

1. write a divorce agreement covering property, debts and any children;
2. file it together at the registry;
3. wait out the thirty-day cooling-off period;
4. return together to collect the divorce certificates.

The agreement is the part that matters. Have it checked before you sign: mistakes are hard to undo.""",
        datetime(2026, 6, 8, 9, 0, tzinfo=SHANGHAI_TIME),
    ),
    (
        "central-avenue-advocates-demo",
        "choosing-arbitration-or-court",
        "Arbitration or court: choosing in your contract",
        "What to weigh before you sign a dispute clause.",
        """\
A dispute clause decides where a future fight takes place. Arbitration is private and its awards \
are easier to enforce abroad; court is often cheaper for small claims and allows an appeal.

Whichever you choose, **name one forum only**. A clause that offers both arbitration and court is \
usually invalid for the arbitration part, and you lose the choice you thought you had made.""",
        datetime(2026, 8, 25, 9, 0, tzinfo=SHANGHAI_TIME),
    ),
    (
        "pearl-delta-tech-law-demo",
        "patent-or-trade-secret",
        "Patent or trade secret?",
        "Choosing how to protect an invention.",
        """\
A patent gives a monopoly for a fixed term in exchange for publishing the invention. A trade \
secret lasts as long as it stays secret, and no longer.

Choose a patent when competitors could work out the invention from the product. Keep a secret when \
they could not, for example a manufacturing process, and back it with confidentiality agreements and \
access controls.""",
        datetime(2026, 1, 19, 9, 0, tzinfo=SHANGHAI_TIME),
    ),
    (
        "merlion-bay-legal-demo",
        "arbitration-clauses-for-china-contracts",
        "Arbitration clauses for contracts with Chinese parties",
        "Three points that make an award easier to enforce.",
        """\
If you may need to enforce an award against assets in mainland China, draft the clause with that \
in mind:

- name an arbitration institution, not just a city;
- state the seat and the language of the arbitration;
- make sure the person signing for the Chinese party has authority to do so.

Awards from a New York Convention country, such as Singapore, can be enforced by Chinese courts.""",
        datetime(2026, 4, 30, 9, 0, tzinfo=SHANGHAI_TIME),
    ),
    (
        "frost-harbour-legal-demo",
        "customs-classification-basics",
        "Customs classification: the basics",
        "Why the tariff code on your declaration matters.",
        """\
Every import is declared under a tariff code. The code sets the duty rate, any licence requirement \
and sometimes a quota. A wrong code can mean back duties and fines years later.

When a product could fall under more than one code, ask for an advance ruling and keep a file of \
the technical documents you relied on.""",
        datetime(2026, 9, 12, 9, 0, tzinfo=SHANGHAI_TIME),
    ),
]

# ---------------------------------------------------------------------------------------
# Reviews, verifications, lawyers: pools the code below draws from in a fixed order.
# ---------------------------------------------------------------------------------------

REVIEW_TEXTS = {
    5: [
        ("Clear advice, quick answers", "They explained our options in plain language and replied within a day."),
        ("Company set-up without surprises", "The partner checked every document before filing. No delays."),
        ("Calm and well prepared", "The hearing was stressful, but they had prepared us well. A good outcome."),
        ("Would use them again", "Practical, honest about the risks and clear about what we did not need."),
    ],
    4: [
        ("Good result, a little slow", "The work was excellent; updates sometimes took a few days."),
        ("Helpful for a foreign company", "Each step explained in English. The bill was slightly above the quote."),
        ("Solid contract review", "They found two clauses that would have hurt us. Short, useful comments."),
        ("Knows the local procedures", "Very knowledgeable. Meetings had to be booked well in advance."),
    ],
    3: [
        ("Fine, but hard to reach", "The matter was resolved, but I often had to chase them for news."),
        ("Average", "Competent work at a fair price, though our lawyer changed twice."),
        ("Mixed experience", "Good advice at the first meeting; the follow-up letter took three weeks."),
    ],
    2: [
        ("Too slow for an urgent matter", "We needed an answer within a week and waited nearly a month."),
        ("Unclear fees", "The final bill had items we had never discussed. The advice was acceptable."),
    ],
    1: [
        ("Calls not returned", "After paying the retainer we could not reach anyone for two weeks."),
        ("Not the right firm for us", "They did not seem to know our kind of dispute; we moved elsewhere."),
    ],
}
REVIEW_AUTHORS = [
    "Li W.",
    "Zhang M.",
    "Anna K.",
    "Chen Y.",
    "Sergei P.",
    "Wang J.",
    "Yuki T.",
    "Liu H.",
    "Min-jun K.",
    "Zhou L.",
    "Thomas B.",
    "Sun Q.",
    "Olga V.",
    "Maria G.",
]
REJECTION_REASONS = [
    "Gives a lawyer's private phone number; the author was asked to resubmit without it.",
    "Describes a different firm; the author was told where to post it.",
]
REVIEW_FIRST_DAY = date(2025, 1, 6)
REVIEW_DAY_SPAN = 640  # the last possible review day is in October 2026

VERIFIER = "Demo Operator (fictional)"

CN_SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma"]
CN_GIVEN = ["Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Hao", "Xin", "Tao", "Qian", "Lan", "Jun", "Rui", "Yue"]
SG_SURNAMES = ["Tan", "Lim", "Ng", "Ong", "Goh", "Chua", "Teo"]
SG_GIVEN = ["Wei Ling", "Jun Hao", "Mei Xin", "Kai Wen", "Shu Fen", "Jia Hui", "Zhi Yang"]
WESTERN_FIRST = ["Anna", "James", "Sophie", "Daniel", "Laura", "Thomas", "Clara", "Lukas", "Emma", "Felix"]
WESTERN_LAST = ["Becker", "Walsh", "Moreau", "Klein", "Turner", "Fischer", "Hughes", "Novak", "Richter", "Lambert"]
ROLES = [Lawyer.Role.PARTNER, Lawyer.Role.ASSOCIATE, Lawyer.Role.COUNSEL, Lawyer.Role.ASSOCIATE, Lawyer.Role.PARTNER]
ROLE_PHRASES = {
    Lawyer.Role.PARTNER: "is a partner",
    Lawyer.Role.COUNSEL: "is counsel",
    Lawyer.Role.ASSOCIATE: "is an associate",
    Lawyer.Role.CONSULTANT: "is a consultant",
}

STREETS = ["Lantern Road", "Riverside Avenue", "Birch Street", "Harbour Road", "Garden Lane", "Pine Terrace"]
BUILDINGS = ["Aurora", "Meridian", "Northgate", "Crescent", "Harmony", "Summit"]
CITY_DIALLING = {
    "harbin": "+86 451",
    "beijing": "+86 10",
    "shanghai": "+86 21",
    "tianjin": "+86 22",
    "chongqing": "+86 23",
    "guangzhou": "+86 20",
    "shenzhen": "+86 755",
    "hangzhou": "+86 571",
    "nanjing": "+86 25",
    "suzhou": "+86 512",
    "chengdu": "+86 28",
    "wuhan": "+86 27",
    "xian": "+86 29",
    "qingdao": "+86 532",
    "shenyang": "+86 24",
    "dalian": "+86 411",
    "changchun": "+86 431",
    "singapore": "+65",
    "london": "+44 20",
    "new-york": "+1 212",
    "san-francisco": "+1 415",
    "frankfurt": "+49 69",
    "munich": "+49 89",
}
CITY_POSTCODES = {
    "harbin": "150010",
    "beijing": "100020",
    "shanghai": "200120",
    "tianjin": "300051",
    "chongqing": "400010",
    "guangzhou": "510620",
    "shenzhen": "518057",
    "hangzhou": "310007",
    "nanjing": "210005",
    "suzhou": "215021",
    "chengdu": "610041",
    "wuhan": "430071",
    "xian": "710065",
    "qingdao": "266071",
    "shenyang": "110013",
    "dalian": "116001",
    "changchun": "130022",
    "singapore": "049320",
    "london": "EC2A 4NE",
    "new-york": "10004",
    "san-francisco": "94105",
    "frankfurt": "60311",
    "munich": "80331",
}
# Where lawyers of an office abroad are admitted.
FOREIGN_BARS = {
    "singapore": "Supreme Court of Singapore (advocate and solicitor)",
    "london": "Solicitors Regulation Authority, England and Wales",
    "new-york": "New York State Bar",
    "san-francisco": "State Bar of California",
    "frankfurt": "Rechtsanwaltskammer Frankfurt am Main",
    "munich": "Rechtsanwaltskammer München",
}
SOCIAL_URLS = {
    "linkedin": "https://linkedin.example/company/{}",
    "wechat": "https://wechat.example/account/{}",
    "weibo": "https://weibo.example/{}",
    "x": "https://x.example/{}",
}

CITY_COUNTRY = {slug: code for code, _region, _name, slug, _capital in CITIES}
CITY_REGION_NAME = {
    slug: next(name for code, name, region in REGIONS if (code, region) == (country, region_slug))
    for country, region_slug, _name, slug, _capital in CITIES
}

# Models whose rows feed a firm's derived fields; a write to any of them means a refresh.
REFRESH_TRIGGERS = {
    "City",
    "PracticeArea",
    "Language",
    "Firm",
    "Firm.languages",
    "Firm.practice_areas",
    "Office",
    "Lawyer",
    "Lawyer.languages",
    "Lawyer.practice_areas",
    "Review",
    "Verification",
}


def seed_firms(*, places: dict, tally: Counter | None = None) -> dict:
    """Create or update the demo languages and firms with everything a profile shows.

    `places` is what `demo.places.seed_places()` returned. Recomputes the firms' derived
    fields (rating, ranking, search document, badge) only when something was written, so a
    second run issues no write at all. Returns {"languages", "firms", "tally"}.
    """
    tally = Counter() if tally is None else tally
    languages = {code: sync_row(Language, {"code": code}, {"name": name}, tally) for code, name in LANGUAGES}
    firms = {}
    for number, data in enumerate(FIRMS, start=1):
        firms[data["slug"]] = _seed_firm(number, data, places=places, languages=languages, tally=tally)
    for firm in firms.values():
        # Every demo firm is synced, so an article removed from ARTICLES disappears too.
        rows = {
            (slug,): {"title": title, "summary": summary, "body_md": body, "published_at": published_at}
            for firm_slug, slug, title, summary, body, published_at in ARTICLES
            if firm_slug == firm.slug
        }
        _sync_children(Article, firm, ("slug",), rows, tally)

    if _writes(tally, REFRESH_TRIGGERS):
        firms_refresh(firm_ids=[firm.pk for firm in firms.values()])
    return {"languages": languages, "firms": firms, "tally": tally}


# What some firms wrote in Chinese: slug -> (tagline, description). The others have English only,
# which Chinese pages show marked as such.
FIRM_TEXTS_ZH = {
    "songhua-river-legal-partners-demo": (
        "为往来哈尔滨与俄罗斯远东的企业提供公司与贸易法律服务",
        "本所服务于在中国东北边境两侧做生意的制造商、贸易商和投资者：设立公司，"
        "审查供货与经销合同，办理海关商品归类和外商投资信息报告。",
    ),
    "ice-lantern-law-office-demo": (
        "哈尔滨小微企业身边的公司事务与纠纷律师",
        "我们在老城区附近执业，专门处理小企业经营中的法律问题：注册公司、起草股东协议、追讨拖欠的货款；"
        "协商不成时，代理客户到法院起诉。",
    ),
    "riverside-ledger-law-firm-demo": (
        "哈尔滨刑事辩护与婚姻家事纠纷",
        "本所为处于刑事侦查中的当事人提供辩护，并代理民事和婚姻家事纠纷。"
        "本人或亲属被羁押的，我们可在一日内安排首次会见。",
    ),
    "hutong-data-privacy-partners-demo": (
        "立足北京，专注个人信息保护合规、数据出境与数据安全事件应对",
        "本所帮助平台企业、制造企业和外资企业满足中国的数据合规要求：个人信息保护影响评估、"
        "数据出境申报、隐私政策，以及数据泄露发生后最关键的头几天。我们的德语律师为欧洲客户提供服务。",
    ),
    "jade-terrace-ip-demo": (
        "专利、商标与著作权的申请和维权，立足北京",
        "本所为来自中国、日本和韩国的客户申请专利和商标，打击商标抢注和假冒产品，"
        "并办理软件与作品的许可。我们的律师可使用四种语言工作。",
    ),
}
FICTIONAL_NOTE_ZH = "本律所为 Lawzana 演示站点虚构。"


def _seed_firm(number: int, data: dict, *, places: dict, languages: dict, tally: Counter) -> Firm:
    hq_slug = data["offices"][0]
    domain = data["slug"].removesuffix("-demo") + ".example"
    dialling = CITY_DIALLING[hq_slug]
    description = f"{data['description']} {FICTIONAL_NOTE}".strip()
    tagline_zh, description_zh = FIRM_TEXTS_ZH.get(data["slug"], ("", ""))
    firm = sync_row(
        Firm,
        {"slug": data["slug"]},
        {
            "name": data["name"],
            "tagline": data["tagline"],
            "description_md": description,
            "tagline_zh_hans": tagline_zh,
            "description_md_zh_hans": f"{description_zh}{FICTIONAL_NOTE_ZH}" if description_zh else "",
            "year_established": data["year"],
            "size": data["size"],
            "website": f"https://www.{domain}" if data.get("website", True) else "",
            "email": f"contact@{domain}",
            "phone": f"{dialling} 5550 {number:02d}00" if data.get("phone", True) else "",
            "is_listed": data.get("listed", True),
            "is_accepting_leads": data.get("listed", True),
            "lead_capacity_per_week": data.get("capacity", 10),
        },
        tally,
    )
    area_slugs = [AREAS[key] for key in data["areas"]]
    firm_areas = [places["practice_areas"][slug] for slug in area_slugs]
    firm_languages = [languages[code] for code in data["languages"]]
    _sync_m2m(firm, "languages", firm_languages, tally)
    _sync_m2m(firm, "practice_areas", firm_areas, tally)

    cities = [places["cities"][CITY_COUNTRY[slug], slug] for slug in data["offices"]]
    offices = {}
    for index, (slug, city) in enumerate(zip(data["offices"], cities, strict=True)):
        street = STREETS[(number + index * 2) % len(STREETS)]
        building = BUILDINGS[(number * 5 + index) % len(BUILDINGS)]
        suite = 100 * ((number * 37) % 28 + 3) + 10 * ((index * 3 + number) % 10)
        address = f"Suite {suite}, {building} Tower, {number * 7 + 11} {street}"
        offices[city.pk, address] = {
            "postal_code": CITY_POSTCODES[slug],
            "phone": f"{CITY_DIALLING[slug]} 5550 {number:02d}{index + 1}0",
            "is_headquarters": index == 0,
        }
    _sync_children(Office, firm, ("city_id", "address"), offices, tally)

    _seed_lawyers(number, data, firm, firm_areas, firm_languages, languages, tally)

    social = {
        (network,): {"url": SOCIAL_URLS[network].format(domain.removesuffix(".example"))}
        for network in data.get("social", [])
    }
    _sync_children(SocialLink, firm, ("network",), social, tally)

    fees = {(position,): values for position, values in enumerate(_fees(number, data), start=1)}
    _sync_children(ServiceFee, firm, ("position",), fees, tally)

    _seed_reviews(number, data, firm, city_name=cities[0].name, tally=tally)
    for index, day in enumerate(data.get("verified", [])):
        sync_row(
            Verification,
            {"firm": firm, "verified_on": date.fromisoformat(day)},
            {
                "checked_business_licence": True,
                "checked_lawyer_licences": index % 2 == 0 or number % 2 == 0,
                "checked_office_address": number % 3 != 0,
                "checked_contact_details": True,
                "notes": "Demo record: documents seen by video call.",
                "verified_by": VERIFIER,
            },
            tally,
        )
    return firm


def _seed_lawyers(number, data, firm, firm_areas, firm_languages, languages, tally) -> None:
    hq_slug = data["offices"][0]
    rows, links = {}, {}
    for index in range(data["lawyers"]):
        name = _lawyer_name(number, index, hq_slug)
        slug = slugify(name)
        role = ROLES[index % len(ROLES)] if data["size"] != "solo" else Lawyer.Role.PARTNER
        if index == 5:
            role = Lawyer.Role.CONSULTANT
        admitted = min(2024, 1995 + (number * 3 + index * 5) % 25 + (6 if role == Lawyer.Role.ASSOCIATE else 0))
        areas = [firm_areas[index % len(firm_areas)]]
        if index % 2 == 0 and len(firm_areas) > 1:
            areas.append(firm_areas[(index + 1) % len(firm_areas)])
        spoken = [firm_languages[0]]
        if len(firm_languages) > 1:
            spoken.append(firm_languages[1 + index % (len(firm_languages) - 1)])
        if CITY_COUNTRY[hq_slug] == "CN" and languages["zh"] not in spoken:
            spoken.append(languages["zh"])
        area_names = " and ".join(area.name for area in areas)
        rows[slug,] = {
            "name": name,
            "role": role,
            "bar_admission": f"{_bar(hq_slug)}, {admitted}",
            "bio": f"{name} {ROLE_PHRASES[role]} at the firm and works mainly on {area_names}. "
            "Fictional demo profile.",
            "position": index + 1,
        }
        links[slug] = (spoken, areas)
    lawyers = _sync_children(Lawyer, firm, ("slug",), rows, tally)
    for lawyer in lawyers:
        spoken, areas = links[lawyer.slug]
        _sync_m2m(lawyer, "languages", spoken, tally)
        _sync_m2m(lawyer, "practice_areas", areas, tally)


def _lawyer_name(number: int, index: int, hq_slug: str) -> str:
    # The surname index moves by one per lawyer, so names never repeat within a firm.
    if CITY_COUNTRY[hq_slug] == "CN":
        surname = CN_SURNAMES[(number * 5 + index) % len(CN_SURNAMES)]
        return f"{surname} {CN_GIVEN[(number * 3 + index * 5) % len(CN_GIVEN)]}"
    if hq_slug == "singapore":
        surname = SG_SURNAMES[(number + index) % len(SG_SURNAMES)]
        return f"{surname} {SG_GIVEN[(number * 3 + index * 2) % len(SG_GIVEN)]}"
    first = WESTERN_FIRST[(number * 3 + index * 7) % len(WESTERN_FIRST)]
    return f"{first} {WESTERN_LAST[(number + index) % len(WESTERN_LAST)]}"


def _bar(hq_slug: str) -> str:
    if hq_slug in FOREIGN_BARS:
        return FOREIGN_BARS[hq_slug]
    return f"{CITY_REGION_NAME[hq_slug]} Lawyers Association"


def _fees(number: int, data: dict) -> list[dict]:
    count = data.get("fees", 0)
    menu = [entry for key in data["areas"] for entry in FEE_MENU.get(key, [])]
    menu = ([GENERAL_FEES[0]] if number % 3 == 0 else []) + menu + GENERAL_FEES
    chosen = list(dict.fromkeys(menu))[:count]
    currency = data.get("currency", "CNY")
    rate = CNY_PER_UNIT[currency]
    return [
        {
            "service": service,
            "fee_model": model,
            "amount_min": _convert(low, rate),
            "amount_max": _convert(high, rate),
            "currency": currency,
            "notes": notes,
        }
        for service, model, low, high, notes in chosen
    ]


def _convert(amount: int | None, rate: int) -> Decimal | None:
    if amount is None:
        return None
    return Decimal(max(10, round(amount / rate / 10) * 10))


def _seed_reviews(number: int, data: dict, firm: Firm, *, city_name: str, tally: Counter) -> None:
    existing = {(review.author_name, review.created_at): review for review in Review.objects.filter(firm=firm)}
    rejected = 0
    for index, token in enumerate(data["reviews"].split()):
        status = {"p": Review.Status.PENDING, "r": Review.Status.REJECTED}.get(token[0], Review.Status.PUBLISHED)
        rating = int(token.strip("prv"))
        texts = REVIEW_TEXTS[rating]
        title, body = texts[(number + index) % len(texts)]
        day = REVIEW_FIRST_DAY.toordinal() + (number * 37 + index * 53) % REVIEW_DAY_SPAN
        created_at = datetime.combine(date.fromordinal(day), datetime.min.time(), tzinfo=SHANGHAI_TIME).replace(
            hour=9 + index % 9, minute=(number * 7) % 60
        )
        author = f"{REVIEW_AUTHORS[(number * 3 + index) % len(REVIEW_AUTHORS)]}, {city_name}"
        reason = ""
        if status == Review.Status.REJECTED:
            reason = REJECTION_REASONS[(number + rejected) % len(REJECTION_REASONS)]
            rejected += 1
        review = existing.get((author, created_at)) or Review(firm=firm, author_name=author, created_at=created_at)
        save_row(
            review,
            {
                "rating": rating,
                "title": title,
                "body": body,
                "status": status,
                "is_verified": token.endswith("v"),
                "rejection_reason": reason,
            },
            tally,
        )


def _sync_children(model, firm: Firm, key_fields: tuple, rows: dict, tally: Counter) -> list:
    """Make the firm's rows of `model` match `rows` ({key tuple: values}) exactly; return them."""
    current, extra = {}, []
    for child in model.objects.filter(firm=firm).order_by("pk"):
        key = tuple(getattr(child, field) for field in key_fields)
        if key in rows and key not in current:
            current[key] = child
        else:
            extra.append(child.pk)
    saved = []
    for key, values in rows.items():
        child = current.get(key) or model(firm=firm, **dict(zip(key_fields, key, strict=True)))
        saved.append(save_row(child, values, tally))
    if extra:  # checked first: QuerySet.delete() would issue a DELETE even for no rows
        model.objects.filter(pk__in=extra).delete()
        tally[model.__name__, DELETED] += len(extra)
    return saved


def _sync_m2m(obj, field: str, targets: list, tally: Counter) -> None:
    """Make the many-to-many `field` of `obj` hold exactly `targets`, writing only differences."""
    manager = getattr(obj, field)
    current = set(manager.values_list("pk", flat=True))
    wanted = {target.pk for target in targets}
    label = f"{type(obj).__name__}.{field}"
    if wanted - current:
        manager.add(*(wanted - current))
    if current - wanted:
        manager.remove(*(current - wanted))
    tally[label, CREATED] += len(wanted - current)
    tally[label, DELETED] += len(current - wanted)
    tally[label, UNCHANGED] += len(wanted & current)


def _writes(tally: Counter, models: set) -> int:
    return sum(tally[model, status] for model in models for status in (CREATED, UPDATED, DELETED))
