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


def _area_values(name, slug, synonyms, description) -> dict:
    zh_name, zh_synonyms, zh_description = PRACTICE_AREAS_ZH[slug]
    return {
        "name_en": name,
        "synonyms_en": synonyms,
        "description_en": description,
        "name_zh_hans": zh_name,
        "synonyms_zh_hans": zh_synonyms,
        "description_zh_hans": zh_description,
    }


def seed_places(tally: Counter | None = None) -> dict:
    """Create or update the demo countries, regions, cities and practice areas.

    Returns {"countries": {code: Country}, "cities": {(country code, slug): City},
    "practice_areas": {slug: PracticeArea}, "tally": Counter}.
    """
    tally = Counter() if tally is None else tally
    # Each language's column by name: "name" alone would write the active language's.
    countries = {
        code: sync_row(
            Country, {"code": code}, {"name_en": name, "name_zh_hans": COUNTRY_NAMES_ZH[code], "slug": slug}, tally
        )
        for code, name, slug in COUNTRIES
    }
    regions = {
        (code, slug): sync_row(
            Region,
            {"country": countries[code], "slug": slug},
            {"name_en": name, "name_zh_hans": REGION_NAMES_ZH[code, slug]},
            tally,
        )
        for code, name, slug in REGIONS
    }
    cities = {
        (code, slug): sync_row(
            City,
            {"country": countries[code], "slug": slug},
            {
                "region": regions[code, region_slug],
                "name_en": name,
                "name_zh_hans": CITY_NAMES_ZH[code, slug],
                "is_capital": is_capital,
            },
            tally,
        )
        for code, region_slug, name, slug, is_capital in CITIES
    }

    practice_areas = {}
    for group_index, entry in enumerate(PRACTICE_AREAS, start=1):
        group = sync_row(
            PracticeArea,
            {"slug": entry["group"][1]},
            {**_area_values(*entry["group"]), "parent": None, "position": group_index * 10},
            tally,
        )
        practice_areas[group.slug] = group
        for area_index, area in enumerate(entry["areas"], start=1):
            practice_areas[area[1]] = sync_row(
                PracticeArea,
                {"slug": area[1]},
                {**_area_values(*area), "parent": group, "position": area_index * 10},
                tally,
            )
    return {
        "countries": countries,
        "cities": cities,
        "practice_areas": practice_areas,
        "tally": tally,
    }


# Chinese names, as Chinese sites write them: a province with 省, a municipality with 市 (the
# city itself without it), a US or German state with 州.
COUNTRY_NAMES_ZH = {"CN": "中国", "SG": "新加坡", "GB": "英国", "US": "美国", "DE": "德国"}

REGION_NAMES_ZH = {
    ("CN", "beijing"): "北京市",
    ("CN", "shanghai"): "上海市",
    ("CN", "tianjin"): "天津市",
    ("CN", "chongqing"): "重庆市",
    ("CN", "guangdong"): "广东省",
    ("CN", "zhejiang"): "浙江省",
    ("CN", "jiangsu"): "江苏省",
    ("CN", "sichuan"): "四川省",
    ("CN", "hubei"): "湖北省",
    ("CN", "shaanxi"): "陕西省",
    ("CN", "shandong"): "山东省",
    ("CN", "liaoning"): "辽宁省",
    ("CN", "jilin"): "吉林省",
    ("CN", "heilongjiang"): "黑龙江省",
    ("SG", "singapore"): "新加坡",
    ("GB", "england"): "英格兰",
    ("US", "new-york"): "纽约州",
    ("US", "california"): "加利福尼亚州",
    ("DE", "hesse"): "黑森州",
    ("DE", "bavaria"): "巴伐利亚州",
}

CITY_NAMES_ZH = {
    ("CN", "beijing"): "北京",
    ("CN", "shanghai"): "上海",
    ("CN", "tianjin"): "天津",
    ("CN", "chongqing"): "重庆",
    ("CN", "guangzhou"): "广州",
    ("CN", "shenzhen"): "深圳",
    ("CN", "hangzhou"): "杭州",
    ("CN", "nanjing"): "南京",
    ("CN", "suzhou"): "苏州",
    ("CN", "chengdu"): "成都",
    ("CN", "wuhan"): "武汉",
    ("CN", "xian"): "西安",
    ("CN", "qingdao"): "青岛",
    ("CN", "shenyang"): "沈阳",
    ("CN", "dalian"): "大连",
    ("CN", "changchun"): "长春",
    ("CN", "harbin"): "哈尔滨",
    ("SG", "singapore"): "新加坡",
    ("GB", "london"): "伦敦",
    ("US", "new-york"): "纽约",
    ("US", "san-francisco"): "旧金山",
    ("DE", "frankfurt"): "法兰克福",
    ("DE", "munich"): "慕尼黑",
}

# slug: (name, synonyms one per line, description), in the words Chinese firms and their clients
# use: the synonyms are what people type ("拖欠工资"), not translations of the English ones.
PRACTICE_AREAS_ZH = {
    "business-and-corporate": ("公司与商事", "商事\n公司业务\n企业法律顾问", "企业的设立、经营、融资、并购与解散。"),
    "corporate-and-company-law": (
        "公司法务",
        "公司设立\n外商独资企业\n股东\n公司章程\n公司治理\n开公司\n注册公司\n合伙人\n股权",
        "公司设立、股东安排、董事义务与公司治理。",
    ),
    "mergers-and-acquisitions": (
        "并购重组",
        "并购\n收购\n股权收购\n尽职调查\n合资\n出售公司",
        "企业的收购、出售与合并，包括尽职调查与交易文件。",
    ),
    "foreign-investment": (
        "外商投资",
        "外资\n负面清单\n市场准入\n外商投资企业\n境外投资者",
        "外国投资者进入中国市场，从架构设计到审批与信息报告。",
    ),
    "banking-and-finance": (
        "银行与金融",
        "贷款\n担保\n金融科技\n金融监管\n银行\n借款\n保证人\n账户冻结",
        "借贷、资产担保、金融产品与金融机构监管。",
    ),
    "tax": (
        "税务",
        "增值税\n企业所得税\n个人所得税\n转让定价\n纳税申报\n税务稽查",
        "企业与个人的税务筹划、申报、稽查与争议。",
    ),
    "bankruptcy-and-insolvency": (
        "破产重整",
        "破产\n清算\n重整\n债权人\n还不上债\n公司注销",
        "债务人无力清偿时的重整、清算与债权申报。",
    ),
    "commercial-contracts": (
        "商事合同",
        "合同起草\n协议\n合同审查\n违约\n供应商\n不发货",
        "企业之间合同的起草、谈判与履行争议。",
    ),
    "technology-and-data": ("科技与数据", "科技法\n数字经济\n互联网", "网络、软件、线上业务及其承载的数据相关法律。"),
    "cyber-law-data-privacy-and-data-protection": (
        "网络法、数据隐私与数据保护",
        "个人信息保护法\n数据安全\n网络安全\n数据出境\n数据泄露\n个人信息\n隐私\n被黑客攻击",
        "个人信息、数据安全、网络安全义务与数据事件应对。",
    ),
    "e-commerce-and-internet": (
        "电子商务与互联网",
        "网店\n电商平台\n电子商务法\n直播带货\n网上销售\n小程序",
        "网络销售、平台规则、消费者条款与互联网内容合规。",
    ),
    "technology-transactions-and-outsourcing": (
        "技术交易与外包",
        "软件许可\nSaaS\nIT外包\n云服务合同\n软件开发",
        "技术领域的许可、开发、云服务与外包协议。",
    ),
    "telecommunications-and-media": (
        "电信与传媒",
        "电信业务许可\nICP许可证\n广播电视\n媒体监管\n视频平台",
        "电信业务、广播电视与网络媒体的许可与监管。",
    ),
    "ip-and-innovation": ("知识产权与创新", "知识产权\n无形资产\n品牌", "保护与运用发明、品牌、作品与技术秘密。"),
    "intellectual-property": (
        "知识产权",
        "知识产权维权\n假冒\n知识产权诉讼\n许可\n山寨\n假货",
        "各类知识产权的登记、许可与维权。",
    ),
    "patents": ("专利", "专利申请\n发明\n实用新型\n外观设计\n专利侵权", "专利的申请、审查、许可与诉讼。"),
    "trademarks": ("商标", "品牌\n商标注册\n标识\n商标抢注\n被抢注", "品牌名称与标识的检索、注册与维权。"),
    "copyright": ("著作权", "版权\n软件著作权\n盗版\n作品授权\n抄袭", "作品与软件的权属、登记、许可与侵权。"),
    "employment-and-immigration": ("劳动与移民", "工作\n人力资源", "用人单位与员工之间的关系，以及人员的跨境流动。"),
    "employment-and-labour": (
        "劳动与雇佣",
        "劳动法\n劳动合同\n辞退\n经济补偿\n劳动仲裁\n用人单位\n工资\n拖欠工资\n加班\n被开除\n裁员\n职场骚扰",
        "劳动合同、解除、劳动争议与人事合规。",
    ),
    "employee-benefits-and-social-insurance": (
        "社保与员工福利",
        "养老金\n社会保险\n住房公积金\n股权激励\n期权\n退休\n奖金\n病假\n产假",
        "社会保险、养老金、住房公积金与员工激励计划。",
    ),
    "immigration-and-visas": (
        "出入境与签证",
        "工作许可\n居留许可\n签证\nZ字签证\n人才签证\n拒签\n外国人",
        "外籍员工及其家属的工作许可、居留许可与签证。",
    ),
    "disputes-and-criminal": ("争议解决与刑事", "诉讼\n法院\n打官司", "通过诉讼或仲裁解决争议，以及刑事辩护。"),
    "civil-litigation": (
        "民商事诉讼",
        "起诉\n打官司\n上诉\n强制执行\n被起诉\n传票\n赔偿\n损害赔偿",
        "在法院提起或应对民商事诉讼。",
    ),
    "arbitration-and-mediation": (
        "仲裁与调解",
        "贸仲\n国际仲裁\n调解\n庭外和解\n仲裁条款",
        "通过仲裁或调解在法院之外解决争议。",
    ),
    "debt-collection": (
        "债务催收",
        "欠款\n追讨\n债权人\n支付令\n欠钱不还\n借钱",
        "通过催告、协商与法律程序追讨欠款。",
    ),
    "criminal-defence": (
        "刑事辩护",
        "刑事\n逮捕\n拘留\n刑事指控\n警察\n取保候审\n盗窃\n醉驾",
        "从侦查到审判，为犯罪嫌疑人和被告人辩护。",
    ),
    "white-collar-crime-and-anti-corruption": (
        "经济犯罪与反腐败",
        "行贿\n受贿\n诈骗\n内部调查\n合规\n职务侵占\n回扣\n举报\n洗钱",
        "诈骗、贿赂与单位犯罪，包括内部调查。",
    ),
    "family-and-private-client": ("婚姻家庭与私人财富", "家事\n私人客户", "家庭关系、个人财富及其传承。"),
    "family-law": (
        "婚姻家事",
        "结婚\n婚前协议\n收养\n家庭纠纷\n子女\n抚养\n监护\n家庭暴力",
        "婚姻、子女与其他家庭关系。",
    ),
    "divorce-and-separation": (
        "离婚纠纷",
        "离婚\n子女抚养权\n抚养费\n财产分割\n探望权\n配偶",
        "解除婚姻、分割财产与安排子女抚养。",
    ),
    "wills-inheritance-and-estates": (
        "遗嘱继承",
        "遗嘱\n继承\n遗产\n财富传承\n父亲去世\n母亲去世\n继承人",
        "遗嘱、继承与遗产管理。",
    ),
    "real-estate-and-construction": ("房地产与建设工程", "房产\n土地\n建筑", "土地与房产的持有、租赁、开发与建设。"),
    "real-estate": ("房地产", "买房\n土地使用权\n过户\n按揭\n房贷\n开发商", "土地使用权与房屋的买卖与融资。"),
    "construction": (
        "建设工程",
        "施工合同\n承包商\n工程质量\n装修\n工程款\n延期交房",
        "施工合同、工程争议与建筑监管。",
    ),
    "landlord-and-tenant": (
        "房屋租赁",
        "租赁\n租房\n房租\n房东\n租客\n押金\n退租\n涨租",
        "商业与住宅租赁及其引发的纠纷。",
    ),
    "regulatory-and-compliance": (
        "监管与合规",
        "监管\n政府\n行政许可",
        "与监管机构打交道、行政许可及整个行业的规则。",
    ),
    "antitrust-and-competition": (
        "反垄断与反不正当竞争",
        "反垄断法\n经营者集中\n垄断协议\n滥用市场支配地位\n价格垄断\n不正当竞争",
        "经营者集中申报、垄断协议、市场支配地位及其他竞争规则。",
    ),
    "consumer-protection": (
        "消费者权益保护",
        "消费者权益\n产品责任\n退款\n广告法\n质量问题\n三包\n虚假宣传",
        "消费者权益、产品安全、广告与投诉。",
    ),
    "environmental-law": (
        "环境法",
        "污染\n环评\n排放\nESG\n噪音\n废水\n固体废物",
        "环境许可、污染防治规则与环境责任。",
    ),
    "customs-and-international-trade": (
        "海关与国际贸易",
        "进口\n出口管制\n关税\n制裁\n海关\n报关\n清关",
        "进出口规则、关税、出口管制与贸易制裁。",
    ),
}
