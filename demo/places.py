"""Demo places and practice areas for `manage.py seed_demo`.

The data is plain tuples and dicts; `seed_places()` writes it through `sync_row()`
(demo/rows.py), which looks a row up by its natural key and writes only what differs, so a
second run issues no INSERT, UPDATE or DELETE at all.
"""

from collections import Counter

from demo.rows import sync_row
from directory.models import City, Country, PracticeArea, Region

# (ISO code, name, slug)
COUNTRIES = [
    ("CN", "China", "china"),
    ("SG", "Singapore", "singapore"),
    ("GB", "United Kingdom", "united-kingdom"),
    ("US", "United States", "united-states"),
    ("DE", "Germany", "germany"),
]

# (country code, name, slug). Beijing, Shanghai, Tianjin and Chongqing are municipalities:
# they are their own first-level division, so the city and the region share a name.
REGIONS = [
    ("CN", "Beijing", "beijing"),
    ("CN", "Shanghai", "shanghai"),
    ("CN", "Tianjin", "tianjin"),
    ("CN", "Chongqing", "chongqing"),
    ("CN", "Guangdong", "guangdong"),
    ("CN", "Zhejiang", "zhejiang"),
    ("CN", "Jiangsu", "jiangsu"),
    ("CN", "Sichuan", "sichuan"),
    ("CN", "Hubei", "hubei"),
    ("CN", "Shaanxi", "shaanxi"),
    ("CN", "Shandong", "shandong"),
    ("CN", "Liaoning", "liaoning"),
    ("CN", "Jilin", "jilin"),
    ("CN", "Heilongjiang", "heilongjiang"),
    ("SG", "Singapore", "singapore"),
    ("GB", "England", "england"),
    ("US", "New York", "new-york"),
    ("US", "California", "california"),
    ("DE", "Hesse", "hesse"),
    ("DE", "Bavaria", "bavaria"),
]

# (country code, region slug, name, slug, is_capital). `is_capital` means "capital of its
# province or state", so it stays False for the municipalities and for city-states.
CITIES = [
    ("CN", "beijing", "Beijing", "beijing", False),
    ("CN", "shanghai", "Shanghai", "shanghai", False),
    ("CN", "tianjin", "Tianjin", "tianjin", False),
    ("CN", "chongqing", "Chongqing", "chongqing", False),
    ("CN", "guangdong", "Guangzhou", "guangzhou", True),
    ("CN", "guangdong", "Shenzhen", "shenzhen", False),
    ("CN", "zhejiang", "Hangzhou", "hangzhou", True),
    ("CN", "jiangsu", "Nanjing", "nanjing", True),
    ("CN", "jiangsu", "Suzhou", "suzhou", False),
    ("CN", "sichuan", "Chengdu", "chengdu", True),
    ("CN", "hubei", "Wuhan", "wuhan", True),
    ("CN", "shaanxi", "Xi'an", "xian", True),
    ("CN", "shandong", "Qingdao", "qingdao", False),
    ("CN", "liaoning", "Shenyang", "shenyang", True),
    ("CN", "liaoning", "Dalian", "dalian", False),
    ("CN", "jilin", "Changchun", "changchun", True),
    ("CN", "heilongjiang", "Harbin", "harbin", True),
    ("SG", "singapore", "Singapore", "singapore", False),
    ("GB", "england", "London", "london", True),
    ("US", "new-york", "New York", "new-york", False),
    ("US", "california", "San Francisco", "san-francisco", False),
    ("DE", "hesse", "Frankfurt", "frankfurt", False),
    ("DE", "bavaria", "Munich", "munich", True),
]

# Groups in display order, each with its practice areas in display order:
# (name, slug, synonyms one per line, one-sentence description).
PRACTICE_AREAS = [
    {
        "group": (
            "Business & Corporate",
            "business-and-corporate",
            "business law\ncommercial law\ncompany",
            "Setting up, running, financing, buying and winding up businesses.",
        ),
        "areas": [
            (
                "Corporate & Company Law",
                "corporate-and-company-law",
                "company formation\nWFOE\nshareholders\narticles of association\ngovernance\n"
                "start a company\nset up a business\nbusiness partner\nco-founder\nshares",
                "Forming companies, shareholder arrangements, directors' duties and corporate governance.",
            ),
            (
                "Mergers & Acquisitions",
                "mergers-and-acquisitions",
                "M&A\nacquisition\nshare purchase\ndue diligence\njoint venture\nbuy a company\n"
                "sell my business\ntakeover\nmerger",
                "Buying, selling or combining businesses, including due diligence and deal documents.",
            ),
            (
                "Foreign Investment",
                "foreign-investment",
                "FDI\nnegative list\nmarket entry\nforeign-invested enterprise\ninvesting from abroad\n"
                "foreign investor\nopen a local office",
                "Entering the market as a foreign investor, from structuring to approvals and reporting.",
            ),
            (
                "Banking & Finance",
                "banking-and-finance",
                "loans\nsecurity interests\nfintech\nfinancial regulation\nbank\nborrow money\nguarantor\n"
                "bank account frozen",
                "Lending, security over assets, financial products and the rules on financial institutions.",
            ),
            (
                "Tax",
                "tax",
                "VAT\ncorporate income tax\nindividual income tax\ntransfer pricing\ntaxes\ntax return\n"
                "tax bill\ntax audit",
                "Tax planning, filings, audits and disputes for companies and individuals.",
            ),
            (
                "Bankruptcy & Insolvency",
                "bankruptcy-and-insolvency",
                "liquidation\nrestructuring\ncreditors\ninsolvency\nbankrupt\ncannot pay my debts\n"
                "closing the company\nwinding up",
                "Restructuring, liquidation and creditors' claims when a debtor cannot pay.",
            ),
            (
                "Commercial Contracts",
                "commercial-contracts",
                "contract drafting\nagreements\nterms and conditions\nbreach of contract\ncontract\n"
                "supplier\nbroke the contract\ndid not deliver",
                "Drafting, negotiating and enforcing agreements between businesses.",
            ),
        ],
    },
    {
        "group": (
            "Technology & Data",
            "technology-and-data",
            "tech law\ndigital\nIT law",
            "The law of networks, software, online business and the data they carry.",
        ),
        "areas": [
            (
                "Cyber Law, Data Privacy and Data Protection",
                "cyber-law-data-privacy-and-data-protection",
                "PIPL\nGDPR\nprivacy\ndata breach\ncybersecurity\ncross-border data transfer\ndata leak\n"
                "leaked\nhacked\npersonal information\ncustomer data\nsurveillance",
                "Personal information, data security, cybersecurity duties and responses to data incidents.",
            ),
            (
                "E-commerce & Internet",
                "e-commerce-and-internet",
                "online shop\nplatform\nmarketplace\nE-commerce Law\nlive streaming\nselling online\n"
                "online store\nwebsite\napp\nonline seller",
                "Online sales, platform rules, consumer terms and internet content requirements.",
            ),
            (
                "Technology Transactions & Outsourcing",
                "technology-transactions-and-outsourcing",
                "software licence\nSaaS\nIT outsourcing\ncloud contract\nsoftware\napp development\ndeveloper\ncloud",
                "Licensing, development, cloud and outsourcing agreements for technology.",
            ),
            (
                "Telecommunications & Media",
                "telecommunications-and-media",
                "telecom licence\nICP licence\nbroadcasting\nmedia regulation\ntelevision\nnewspaper\n"
                "video platform\nphone network",
                "Licences and regulation for telecom services, broadcasting and online media.",
            ),
        ],
    },
    {
        "group": (
            "IP & Innovation",
            "ip-and-innovation",
            "IP\nintangible assets\nbrands",
            "Protecting and exploiting inventions, brands, creative works and know-how.",
        ),
        "areas": [
            (
                "Intellectual Property",
                "intellectual-property",
                "IP\nIP enforcement\ncounterfeits\nIP litigation\nlicensing\nidea stolen\ncopycat\n"
                "fake products\nknock-off",
                "Registering, licensing and enforcing intellectual property rights of all kinds.",
            ),
            (
                "Patents",
                "patents",
                "patent filing\ninvention\nutility model\ndesign patent\npatent infringement\nmy invention\n"
                "copied my product",
                "Filing, prosecuting, licensing and litigating patents.",
            ),
            (
                "Trademarks",
                "trademarks",
                "brand\ntrademark registration\nlogo\ntrademark squatting\nbrand name\n"
                "someone registered my brand\nfake brand",
                "Clearing, registering and defending brand names and logos.",
            ),
            (
                "Copyright",
                "copyright",
                "software copyright\npiracy\nauthors' rights\ncontent licensing\nmy photos\nmy music\nbook\n"
                "copied my work\nused my photo",
                "Ownership, registration, licensing and infringement of creative works and software.",
            ),
        ],
    },
    {
        "group": (
            "Employment & Immigration",
            "employment-and-immigration",
            "work\njobs\nHR law",
            "The relationship between employers and staff, and moving people across borders.",
        ),
        "areas": [
            (
                "Employment & Labour",
                "employment-and-labour",
                "labor law\nlabour contract\ndismissal\nseverance\nlabour arbitration\nemployer\nemployee\n"
                "boss\nsalary\nunpaid wages\nnot paid\novertime\nfired\nsacked\nlaid off\nworkplace\n"
                "harassment at work",
                "Employment contracts, dismissals, workplace disputes and HR compliance.",
            ),
            (
                "Employee Benefits & Social Insurance",
                "employee-benefits-and-social-insurance",
                "pension\nsocial security\nhousing fund\nincentive plans\nstock options\nretirement\nbonus\n"
                "sick leave\nmaternity leave",
                "Social insurance, pensions, housing funds and employee incentive plans.",
            ),
            (
                "Immigration & Visas",
                "immigration-and-visas",
                "work permit\nresidence permit\nvisa\nZ visa\ntalent visa\nvisa refused\nwork visa\n"
                "moving abroad\nforeigner\npassport",
                "Work permits, residence permits and visas for foreign staff and their families.",
            ),
        ],
    },
    {
        "group": (
            "Disputes & Criminal",
            "disputes-and-criminal",
            "litigation\ncourt\nlawsuit",
            "Resolving disputes in court or arbitration, and defending criminal charges.",
        ),
        "areas": [
            (
                "Civil Litigation",
                "civil-litigation",
                "lawsuit\ncourt case\nsue\nappeal\nenforcement of judgment\nsue someone\ntaken to court\n"
                "court summons\ncompensation\ndamages\nclaim",
                "Bringing or defending civil claims before the courts.",
            ),
            (
                "Arbitration & Mediation",
                "arbitration-and-mediation",
                "CIETAC\ninternational arbitration\nADR\nmediation\nsettle out of court\nmediator\narbitration clause",
                "Settling disputes out of court through arbitration or mediation.",
            ),
            (
                "Debt Collection",
                "debt-collection",
                "unpaid invoices\nrecovery\ncreditor\npayment order\nowes me money\nunpaid bill\n"
                "client refuses to pay\ncustomer has not paid\nrecover money\nlent money",
                "Recovering unpaid debts through demands, negotiation and legal action.",
            ),
            (
                "Criminal Defence",
                "criminal-defence",
                "criminal defense\narrest\ndetention\ncriminal charges\npolice\narrested\n"
                "charged with a crime\nprison\nbail\naccused\ntheft\ndrunk driving",
                "Representing people suspected or accused of crimes, from investigation to trial.",
            ),
            (
                "White-Collar Crime & Anti-Corruption",
                "white-collar-crime-and-anti-corruption",
                "bribery\nfraud\ninternal investigation\ncompliance\nanti-bribery\nembezzlement\nscam\n"
                "kickbacks\nwhistleblower\nmoney laundering",
                "Fraud, bribery and corporate crime, including internal investigations.",
            ),
        ],
    },
    {
        "group": (
            "Family & Private Client",
            "family-and-private-client",
            "personal matters\nprivate client",
            "Family relationships, personal wealth and what happens to it after death.",
        ),
        "areas": [
            (
                "Family Law",
                "family-law",
                "marriage\nprenuptial agreement\nadoption\nfamily dispute\nchildren\nson\ndaughter\nparents\n"
                "husband\nwife\npaternity\nguardianship\ndomestic violence",
                "Marriage, partnerships, children and other family relationships.",
            ),
            (
                "Divorce & Separation",
                "divorce-and-separation",
                "divorce\nchild custody\nalimony\nproperty division\nseparation\nsplit up\ncustody\n"
                "child support\nvisiting rights\nspouse",
                "Ending a marriage, dividing property and arranging for children.",
            ),
            (
                "Wills, Inheritance & Estates",
                "wills-inheritance-and-estates",
                "will\nsuccession\nprobate\nestate planning\ninheritance\nmy father died\nmy mother died\n"
                "death\ninherit\nheir\nfamily home",
                "Wills, succession and the administration of estates.",
            ),
        ],
    },
    {
        "group": (
            "Real Estate & Construction",
            "real-estate-and-construction",
            "property\nland\nbuilding",
            "Owning, leasing, developing and building on land and property.",
        ),
        "areas": [
            (
                "Real Estate",
                "real-estate",
                "property purchase\nland use rights\nconveyancing\nmortgage\nbuy a house\nbuy a flat\n"
                "apartment\nhome purchase\nproperty developer",
                "Buying, selling and financing land use rights and buildings.",
            ),
            (
                "Construction",
                "construction",
                "construction contract\ncontractor\nbuilding defects\nEPC\nbuilder\nrenovation\n"
                "building work\ncracks in the walls\nlate delivery of a building",
                "Construction contracts, project disputes and building regulation.",
            ),
            (
                "Landlord & Tenant",
                "landlord-and-tenant",
                "lease\ntenancy\nrent\neviction\nlandlord\ntenant\nrenting\ndeposit\nmoving out\nrent increase",
                "Commercial and residential leases and the disputes they lead to.",
            ),
        ],
    },
    {
        "group": (
            "Regulatory & Compliance",
            "regulatory-and-compliance",
            "regulation\ngovernment\nlicensing",
            "Dealing with regulators, licences and the rules that govern whole markets.",
        ),
        "areas": [
            (
                "Antitrust & Competition",
                "antitrust-and-competition",
                "Anti-Monopoly Law\nmerger control\ncartel\nabuse of dominance\nmonopoly\nprice fixing\n"
                "unfair competition\ncompetitor",
                "Merger filings, cartels, dominance and other competition rules.",
            ),
            (
                "Consumer Protection",
                "consumer-protection",
                "consumer rights\nproduct liability\nrefund\nadvertising law\nfaulty product\n"
                "broken product\nwarranty\nshop refused to refund\ndefective\nmisleading advert",
                "Consumer rights, product safety, advertising and complaints.",
            ),
            (
                "Environmental Law",
                "environmental-law",
                "pollution\nenvironmental impact assessment\nemissions\nESG\nnoise\nfactory smoke\n"
                "water pollution\nwaste",
                "Environmental permits, pollution rules and environmental liability.",
            ),
            (
                "Customs & International Trade",
                "customs-and-international-trade",
                "import\nexport control\ntariffs\nsanctions\ncustoms\nshipping goods\ncustoms duty\n"
                "import licence\ngoods stuck at customs\nexporting",
                "Import and export rules, tariffs, export controls and trade sanctions.",
            ),
        ],
    },
]


def seed_places(tally: Counter | None = None) -> dict:
    """Create or update the demo countries, regions, cities and practice areas.

    Returns {"countries": {code: Country}, "cities": {(country code, slug): City},
    "practice_areas": {slug: PracticeArea}, "tally": Counter}.
    """
    tally = Counter() if tally is None else tally
    countries = {
        code: sync_row(Country, {"code": code}, {"name": name, "slug": slug}, tally) for code, name, slug in COUNTRIES
    }
    regions = {
        (code, slug): sync_row(Region, {"country": countries[code], "slug": slug}, {"name": name}, tally)
        for code, name, slug in REGIONS
    }
    cities = {
        (code, slug): sync_row(
            City,
            {"country": countries[code], "slug": slug},
            {"region": regions[code, region_slug], "name": name, "is_capital": is_capital},
            tally,
        )
        for code, region_slug, name, slug, is_capital in CITIES
    }

    practice_areas = {}
    for group_index, entry in enumerate(PRACTICE_AREAS, start=1):
        name, slug, synonyms, description = entry["group"]
        group = sync_row(
            PracticeArea,
            {"slug": slug},
            {
                "parent": None,
                "name": name,
                "synonyms": synonyms,
                "description": description,
                "position": group_index * 10,
            },
            tally,
        )
        practice_areas[slug] = group
        for area_index, (name, slug, synonyms, description) in enumerate(entry["areas"], start=1):
            practice_areas[slug] = sync_row(
                PracticeArea,
                {"slug": slug},
                {
                    "parent": group,
                    "name": name,
                    "synonyms": synonyms,
                    "description": description,
                    "position": area_index * 10,
                },
                tally,
            )
    return {
        "countries": countries,
        "cities": cities,
        "practice_areas": practice_areas,
        "tally": tally,
    }
