"""Demo guides for `manage.py seed_demo`.

Content first (plain dicts, one per guide), then the short generic code that writes it.
Every reviewer named here is fictional and says so: these guides exist to show the product,
not to advise anyone.

A guide is identified by (city, practice area, language); its FAQ items and sources by
(guide, position). Rows are written only when a value differs, so a second run is a no-op.
"""

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from demo.guides_zh import GUIDES_ZH
from demo.rows import save_row, sync_row
from guides.models import FaqItem, Guide, GuideSource

SHANGHAI_TIME = ZoneInfo("Asia/Shanghai")

DEMO_DISCLAIMER = (
    "This guide was written for the Lawzana demo site and is general information only. It "
    "is not legal advice and does not make anyone your lawyer. Rules and the way officials "
    "apply them change, so check the current position with a qualified lawyer before you "
    "rely on anything here. Tell us if you find a mistake and we will look at it."
)

# ---------------------------------------------------------------------------------------
# Harbin x Cyber Law, Data Privacy and Data Protection
# ---------------------------------------------------------------------------------------

HARBIN_CYBER_LAW = {
    "city": ("CN", "harbin"),
    "practice_area": "cyber-law-data-privacy-and-data-protection",
    "language": "en",
    "fields": {
        "status": Guide.Status.PUBLISHED,
        "published_at": datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI_TIME),
        "reviewer_name": "Lin Yue (fictional demo reviewer)",
        "reviewer_credentials": ("Invented profile for the demo site: data protection lawyer in Heilongjiang"),
        "last_reviewed_on": date(2026, 9, 1),
        "meta_description": (
            "How China's cybersecurity and personal-information rules apply in Harbin: the "
            "key laws, who enforces them, what to do after a breach, sending data abroad, "
            "and when to call a lawyer."
        ),
        "summary": (
            "Harbin applies China's national rules on cybersecurity, personal information "
            "and data security, enforced locally by the police, market regulators and the "
            "provincial cyberspace office. This guide sets out what those rules demand, the "
            "questions people in Harbin ask most often, and how to get help when something "
            "goes wrong."
        ),
        "about_md": """\
Harbin is the capital of Heilongjiang Province, yet the rules that govern its networks and \
the personal data flowing through them are written at national level. Three statutes carry \
most of the weight. The **Personal Information Protection Law (PIPL)** is the core privacy \
statute, the **Data Security Law** reaches data of every kind, and the **Cybersecurity Law** \
governs how networks are run and secured. Between them they decide who may collect personal \
information and on what footing, how organisations must secure their systems and sort their \
data by sensitivity, and when data may leave mainland China.

The Cyberspace Administration of China (CAC) and other national regulators turn those \
statutes into detailed measures. On the ground in Harbin, enforcement is shared: the police \
deal with cybercrime, market regulators look after consumer-facing businesses, and the \
provincial cyberspace office applies CAC policy and receives filings.

This guide is meant for readers meeting the subject for the first time: owners of small and \
mid-sized firms, HR and IT staff, foreign companies with operations in the city, and \
individuals whose information has been misused. It explains when a lawyer earns their fee, \
which rules matter most in Harbin, and what to do first.""",
        "why_md": """\
Advice from a lawyer who knows China's data rules is usually worth getting when:

- **Data has leaked or your systems were attacked.** A lawyer can run the response with \
your IT team, decide what has to be reported and to whom, and keep the evidence usable \
later.
- **A regulator or the police get in touch.** A letter, inspection or interview request from \
the cyberspace office, market supervision or public security calls for a careful, \
consistent answer.
- **Data needs to go abroad.** Sending customer or staff records to a parent company, cloud \
provider or supplier outside mainland China may require a CAC assessment, a filed standard \
contract or certification, or may fall under an exemption.
- **You are launching an app, website or connected device.** Privacy notices, consent \
screens, user terms and data-sharing agreements should describe what the product really \
does.
- **You are buying IT, cloud or outsourcing services.** The contract should say who secures \
what, who pays after an incident and how data comes back when the deal ends.
- **You are the victim of, or accused of, a computer crime.** Hacking, ransomware, trading \
in personal information and online fraud cases run through the public security organs and \
the criminal courts.
- **You want a compliance programme that holds up.** Data mapping, classification, impact \
assessments, an accountable person and staff training cost less to build with advice than \
to repair after a penalty.
- **Your own information was misused.** Individuals can demand access, correction or \
deletion, and can sue for harm caused by unlawful processing.""",
        "local_laws_md": """\
### The three national laws

- **Cybersecurity Law** (in force since 1 June 2017). Sets security duties for anyone who \
runs a network, including the multi-level (graded) protection scheme supervised by the \
police, extra duties for operators of critical information infrastructure, and a rule that \
those operators keep personal information and important data gathered in China on servers \
inside the country. Amendments adopted in 2025 took effect on 1 January 2026, so always \
work from the current text.
- **Personal Information Protection Law (PIPL)** (in force since 1 November 2021). China's \
general law on personal information. It lists the lawful bases for processing, requires \
separate consent for sensitive data and for some sharing and transfers, gives individuals \
rights to see, copy, correct, delete and move their data, calls for impact assessments \
before higher-risk processing, and sets out the routes for sending personal information \
abroad.
- **Data Security Law** (in force since 1 September 2021). Reaches all data, not only \
personal data. It creates a classification system in which "important data" and "core \
data" receive stronger protection, makes handlers of important data appoint responsible \
people and carry out risk assessments, and bars handing data stored in China to foreign \
courts or police without approval from the Chinese authorities.

### Rules that add the detail

- **Cyberspace Administration of China (CAC)**: the 2022 measures on security assessments \
for outbound data, the 2023 measures on the standard contract for personal information, \
and the 2024 provisions that narrowed and clarified when either route is needed.
- **State Council regulations**, among them the regulations on protecting critical \
information infrastructure and the Network Data Security Management Regulations, in force \
since 1 January 2025.
- **Ministry of Public Security (MPS)** rules on graded protection, which shape what the \
police expect to see from network operators during inspections.
- **State Administration for Market Regulation (SAMR)** rules on consumer rights and online \
trading, which affect how shops and platforms treat customer data; SAMR also runs the \
personal-information protection certification scheme together with the CAC.
- **National standards** (the GB/T series), voluntary on paper but widely used by \
regulators as the yardstick for "reasonable" security.
- **Criminal Law** offences covering the sale or theft of citizens' personal information \
and unlawful intrusion into, or damage to, computer systems.

### Who enforces the rules in Harbin

- **Harbin Municipal Public Security Bureau**: its cyber security units investigate \
hacking, data theft and online fraud, and check compliance with graded protection.
- **Harbin market supervision authorities**: take consumer complaints and act against \
businesses that mishandle customer information.
- **Heilongjiang provincial cyberspace office**: applies CAC policy in the province, \
receives standard-contract filings and can order fixes or impose penalties.
- **Harbin courts**: the district people's courts and the Harbin Intermediate People's \
Court hear privacy claims, disputes over data contracts and challenges to penalty \
decisions; criminal prosecutions for cyber offences are tried there too.""",
        "resources_md": """\
Most rule-making happens in Beijing, while provincial and city bodies apply the rules \
locally. Useful places to start:

- **National regulators**: the Cyberspace Administration of China, the National Data \
Administration, the Ministry of Public Security and the State Administration for Market \
Regulation publish laws, implementing rules and official answers to common questions.
- **Heilongjiang and Harbin authorities**: the provincial cyberspace office, the Harbin \
Municipal Public Security Bureau and the city's market supervision administration.
- **Hotlines**: 110 for the police when a crime is happening or just happened; 12315 for \
consumer complaints to market regulators; 12377, the CAC's centre for reporting illegal \
and harmful online information.
- **Courts**: the district courts and the Harbin Intermediate People's Court, with appeals \
from the intermediate court going to the Heilongjiang Higher People's Court.
- **Finding and checking a lawyer**: the Heilongjiang Lawyers Association and the Harbin \
Lawyers Association can confirm a licence; public legal service centres give basic free \
guidance.
- **Technical help**: accredited graded-protection assessors and incident-response firms \
can test systems and investigate a breach alongside your lawyer.""",
        "next_steps_md": """\
### When something has already gone wrong

- **Keep the evidence.** Do not wipe servers, let logs roll over or delete messages. Secure \
copies of system logs, the files involved, any ransom note and related emails or chats, \
and note who did what and when.
- **Find out what happened.** Establish which systems and what kinds of data were hit, how \
many people are involved, whether sensitive or important data is in scope, and whether \
any of it left China.
- **Bring in a lawyer early.** Look for someone with real PIPL, Cybersecurity Law and Data \
Security Law experience. Ask about comparable matters, fees, and how they work with \
technical investigators.
- **Report where the law requires it.** Your lawyer can say which regulators and which \
individuals must be told, by when, and help draft notices that are accurate and \
consistent with each other.
- **Fix the cause and keep a record.** Close the hole, update policies and contracts, \
train staff and document every change: regulators weigh remediation when they decide on \
penalties.

### When you are planning ahead

- Map the personal information you hold, where it sits and who can reach it.
- Check that each use of data has a lawful basis and that your notices match reality.
- Review every cross-border flow against the CAC routes and the 2024 exemptions.
- **Foreign businesses** that handle personal information of people in China from abroad \
may need a dedicated entity or a named representative in China, and should wrap each \
cross-border flow in suitable contracts and technical safeguards.""",
        "disclaimer_md": """\
This page is a general introduction written for the Lawzana demo site. It is not legal \
advice, it does not create a lawyer-client relationship, and it may not reflect rules \
adopted after the review date shown on the page. China's data protection rules change \
often and are applied case by case, so talk to a qualified lawyer about your own situation \
before acting on anything you read here. If you spot an error or something out of date, \
please tell us and we will check it.""",
    },
    "faq": [
        (
            "Which laws protect personal information in Harbin?",
            "The same national laws that apply across mainland China. The PIPL is the main "
            "personal-information statute; the Data Security Law covers data of every kind, "
            "with extra protection for important data; and the Cybersecurity Law sets "
            "security duties for network operators. CAC measures, State Council regulations "
            "and national standards add detail, and sector rules (for example in finance, "
            "health or telecoms) can add more. Local rules may fill gaps but cannot lower "
            "the national standard.",
        ),
        (
            "What should a business do first after a data breach?",
            "Contain it and keep the evidence: isolate the affected systems, stop the leak "
            "and save logs instead of deleting them. Then work out what data and which "
            "people are affected and how serious the risk is.\n\n"
            "Under the PIPL, a business that has (or may have) leaked, altered or lost "
            "personal information must act at once to limit the harm and inform the "
            "personal-information protection authorities and the people affected: what "
            "happened, what harm may follow, what it has done, what individuals can do and "
            "how to reach it. Telling individuals can be skipped only where the steps taken "
            "effectively prevent harm, and regulators can still require it. Separate CAC "
            "incident-reporting rules set short deadlines for serious cybersecurity "
            "incidents, so get legal advice the same day.",
        ),
        (
            "Is consent always needed to collect personal information?",
            "No. Consent is one of several lawful bases in the PIPL. Others include "
            "processing that is necessary to make or perform a contract with the person, "
            "necessary for HR management under lawfully adopted workplace rules or "
            "collective contracts, necessary to meet a legal duty, necessary to deal with a "
            "public-health emergency or to protect someone's life, health or property in an "
            "emergency, reasonable use for news reporting in the public interest, and "
            "reasonable use of information the person made public or that was lawfully "
            "disclosed.\n\n"
            "Where consent is the basis it must be informed, voluntary and clear, and some "
            "cases need a separate consent of their own: sensitive personal information, "
            "passing data to another organisation, publishing it, and sending it abroad. "
            "People can withdraw consent, and a business generally may not refuse its "
            "service because someone declines processing the service does not need.",
        ),
        (
            "Can a company in Harbin send personal information outside China?",
            "Yes, provided it uses one of the lawful routes and meets its conditions. The "
            "main routes are:\n\n"
            "- a **security assessment** by the CAC, needed for example for critical "
            "information infrastructure operators, for important data and for large volumes "
            "of personal information;\n"
            "- the CAC's **standard contract**, signed with the overseas recipient and filed "
            "with the provincial cyberspace office;\n"
            "- **certification** by an approved body.\n\n"
            "The CAC's 2024 provisions on cross-border data flows exempt several everyday "
            "situations, such as transfers that are genuinely needed to perform a contract "
            "with the person (cross-border shopping, bookings, payments), cross-border HR "
            "management, emergencies and smaller volumes of non-sensitive data, and they use "
            "the number of people whose data is sent each calendar year to decide which "
            "route applies. Whatever the route, the company must tell people about the "
            "overseas recipient, obtain separate consent where it relies on consent, and "
            "complete a personal-information protection impact assessment first.",
        ),
        (
            "What penalties can a business face?",
            "Regulators can order corrections, issue warnings, confiscate unlawful gains, "
            "suspend the app or service concerned and impose fines; in serious cases they "
            "can suspend the business or revoke its licences. For serious PIPL breaches the "
            "fine can reach RMB 50 million or 5% of the previous year's turnover, and the "
            "managers directly responsible can be fined personally and barred from senior "
            "roles for a period. The Data Security Law and the Cybersecurity Law have their "
            "own scales.\n\n"
            "People who suffer harm can also claim compensation, and the business must show "
            "it was not at fault. The worst conduct, such as selling personal information, "
            "is a crime. How hard a penalty lands depends on the facts: how much data, how "
            "sensitive, for how long, and how well the business responded.",
        ),
        (
            "Who investigates cybercrime in Harbin, and how do I report it?",
            "Hacking, ransomware, theft of or trade in personal information and online fraud "
            "are police matters: in Harbin, the Harbin Municipal Public Security Bureau and "
            "its cyber security units. Report at a local police station, or call 110 if the "
            "crime is in progress. Problems that are not crimes, such as an app collecting "
            "more than it needs, go to the cyberspace authorities or, for consumer issues, "
            "to market supervision on 12315. Before you report, save screenshots, payment "
            "records, messages and logs and write down a timeline. A lawyer can help you "
            "prepare the report and, for a business, decide what to disclose.",
        ),
        (
            "What may an employer in Harbin do with staff data?",
            "An employer may process the personal information it genuinely needs to run "
            "the employment relationship (hiring, contracts, pay, social insurance, "
            "attendance, safety) without relying on consent, as long as this stays within "
            "workplace rules and collective contracts adopted through the proper procedure. "
            "It must still tell staff what it collects and why, keep the data secure and "
            "not keep it longer than needed.\n\n"
            "Sensitive data is handled more strictly: fingerprint or face scans for "
            "attendance, health records or location tracking need a specific purpose, real "
            "necessity and, where consent is relied on, separate consent, so a less "
            "intrusive option is wise. Monitoring of devices and communications should be "
            "announced in advance and kept proportionate. Sending staff data to an overseas "
            "group company can be exempt from the CAC routes when it is truly necessary for "
            "cross-border HR management, but the notice and impact-assessment duties remain.",
        ),
        (
            "Does a small business in Harbin need a full compliance programme?",
            "There is no general small-business exemption: a café with a loyalty list or a "
            "shop that ships online orders is a personal-information processor under the "
            "PIPL. At the very least it should know what personal data it holds, tell "
            "customers how it is used, collect no more than it needs, protect it with "
            "reasonable security, answer requests to see or delete data, and have a plan for "
            "a breach.\n\n"
            "Some duties do not depend on size, such as an impact assessment before "
            "processing sensitive data, sharing it with others or sending it abroad. Others "
            "grow with volume and risk: appointing a personal-information protection "
            "officer, the depth of audits and documentation, and CAC filings for transfers.",
        ),
        (
            "What should a privacy policy for users in Harbin contain?",
            "Under the PIPL, at least: who you are and how to contact you; why and how you "
            "process personal information; which categories you collect and how long you "
            "keep them; and how people can exercise their rights (to see, copy, correct or "
            "delete data, withdraw consent and complain).\n\n"
            "Add the specific explanations the law asks for in particular cases: why "
            "sensitive information is needed and how it affects the person; the name, "
            "contact details, purpose and data types of any organisation you share with; "
            "and, for transfers abroad, who the overseas recipient is, what it receives and "
            "how people can exercise their rights against it. If children under 14 may use "
            "the service, you need a parent's or guardian's consent and dedicated rules for "
            "children's information. Write it in plain Chinese (plus any other language "
            "your users read), make it easy to find, and update it whenever the product "
            "changes.",
        ),
        (
            "How can a lawyer help when a regulator audits us or proposes a penalty?",
            "A lawyer reads the notice to pin down what is alleged and under which rules, "
            "helps you gather and hand over documents without producing more than is "
            "required, prepares written explanations and a credible remediation plan, and "
            "speaks for you in meetings.\n\n"
            "Before a penalty decision you have the right to state your case and defend "
            "yourself, and for large fines or an order to suspend business you can ask for "
            "a hearing. After a decision you can apply for administrative reconsideration "
            "(generally within 60 days) or sue in court (generally within six months); your "
            "lawyer will advise which suits your case and whether to comply in the "
            "meantime. Showing that the problem was fixed quickly often helps.",
        ),
        (
            "Can I make a company delete my personal information?",
            "In many cases, yes. Under the PIPL you can ask for deletion when the purpose "
            "has been achieved or the data is no longer needed, when the company stops "
            "providing the service or the retention period has run out, when you withdraw "
            "consent the processing relied on, or when the processing breaks the law or the "
            "agreement. You can also ask what it holds, get a copy and have mistakes "
            "corrected. The company must offer a convenient way to make these requests; if "
            "it refuses, you can go to court. Keep a copy of your request and of any reply.",
        ),
    ],
    "sources": [
        (
            "Cybersecurity Law of the People's Republic of China",
            "Standing Committee of the National People's Congress",
            "",
            date(2016, 11, 7),
        ),
        (
            "Personal Information Protection Law of the People's Republic of China",
            "Standing Committee of the National People's Congress",
            "",
            date(2021, 8, 20),
        ),
        (
            "Data Security Law of the People's Republic of China",
            "Standing Committee of the National People's Congress",
            "",
            date(2021, 6, 10),
        ),
        (
            "Measures for the Security Assessment of Outbound Data Transfers",
            "Cyberspace Administration of China",
            "",
            date(2022, 7, 7),
        ),
        (
            "Measures on the Standard Contract for the Outbound Transfer of Personal Information",
            "Cyberspace Administration of China",
            "",
            date(2023, 2, 22),
        ),
        (
            "Provisions on Promoting and Regulating Cross-Border Data Flows",
            "Cyberspace Administration of China",
            "",
            date(2024, 3, 22),
        ),
        ("Network Data Security Management Regulations", "State Council", "", None),
    ],
}

# ---------------------------------------------------------------------------------------
# Shanghai x Employment & Labour
# ---------------------------------------------------------------------------------------

SHANGHAI_EMPLOYMENT = {
    "city": ("CN", "shanghai"),
    "practice_area": "employment-and-labour",
    "language": "en",
    "fields": {
        "status": Guide.Status.PUBLISHED,
        "published_at": datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI_TIME),
        "reviewer_name": "Zhou Min (fictional demo reviewer)",
        "reviewer_credentials": "Invented profile for the demo site: employment lawyer in Shanghai",
        "last_reviewed_on": date(2026, 10, 12),
        "meta_description": (
            "Employment law in Shanghai for employers and staff: written contracts, "
            "probation, dismissal and severance, non-competes, social insurance and labour "
            "arbitration, with practical next steps."
        ),
        "summary": (
            "Jobs in Shanghai are governed by national labour statutes, applied by the "
            "city's human resources and social security bureau, its labour inspectors and "
            "its arbitration commissions. This guide covers the rules that employers and "
            "employees most often get wrong, and how disputes are settled."
        ),
        "about_md": """\
Shanghai is home to a large share of the foreign employers in China, and its labour \
disputes are correspondingly numerous and well litigated. The ground rules come from \
national statutes: the **Labour Law**, the **Labour Contract Law**, the **Social Insurance \
Law** and the **Labour Dispute Mediation and Arbitration Law**.

The city fills in the figures and the procedure. Shanghai sets its own minimum wage and \
the bases for social insurance and housing fund contributions, runs labour inspection \
through its districts, and handles most disputes first through district arbitration \
commissions. Courts and arbitrators in Shanghai have also published guidance on recurring \
questions, so local practice can differ from what applies in other cities.""",
        "why_md": """\
People in Shanghai commonly turn to an employment lawyer when:

- **A dismissal is planned or has happened**, because Chinese law allows termination only \
on listed grounds and mistakes are expensive.
- **A restructuring or redundancy programme** is on the table, with its consultation, \
reporting and severance rules.
- **Contracts, handbooks and policies** need drafting or review so that they can actually \
be relied on in arbitration.
- **Non-compete or confidentiality terms** are being agreed, enforced or challenged.
- **Wages, overtime or bonuses are unpaid** or disputed.
- **Social insurance or housing fund contributions** were underpaid or never made.
- **Foreign staff** need work and residence permits, or a permit has lapsed.
- **Misconduct needs investigating**, from expense fraud to harassment complaints.
- **A claim has been filed** at a labour arbitration commission or court.""",
        "local_laws_md": """\
### Contracts and probation

- A written contract must be signed within one month of the start date. Without one, the \
employee can claim double wages from the second month, and after a full year the law \
treats the job as open-ended.
- Probation is capped by contract length: at most one month for contracts of three months \
to a year, two months for one to three years, and six months for three years or more or \
open-ended contracts. An employer may use probation only once with the same employee, \
and probation pay cannot fall below 80% of the agreed wage or the local minimum wage.
- After two consecutive fixed-term contracts, or ten years of continuous service, the \
employee can generally insist on an open-ended contract.

### Ending employment

- Immediate dismissal is allowed for listed reasons such as serious breach of lawful \
workplace rules or serious dereliction of duty causing major harm. Other grounds (long \
illness, proven incapability after training or reassignment, a major change of \
circumstances) need 30 days' written notice or a month's pay instead.
- Redundancies of 20 or more people, or of 10% or more of the workforce, require advance \
explanation to the union or all staff and a report to the labour authority.
- Employees who are pregnant, on maternity leave or nursing, or recovering from a work \
injury, among others, are protected from most no-fault dismissals.
- Severance is one month's wage for each full year of service, with six months or more \
counting as a year and less than six months as half a month. For high earners both the \
monthly figure and the number of years are capped. An unlawful dismissal costs twice the \
normal severance, unless the employee chooses reinstatement.
- Employees may resign on 30 days' written notice, or three days during probation.

### Restrictions after leaving

- Non-competes may bind only senior managers, senior technical staff and others with \
confidentiality duties, last at most two years, and must be paid for monthly during the \
restricted period.
- Apart from non-competes and service-period agreements tied to paid special training, \
employers may not make employees pay contractual penalties.

### Pay, hours and benefits

- Overtime is paid at 150% of the normal rate on working days, 200% on rest days when no \
time off in lieu is given, and 300% on statutory holidays.
- Flexible and averaged working-hour systems need approval from the labour authority.
- Employers must enrol staff in pension, medical, unemployment, work-injury and maternity \
insurance and the housing provident fund, using the contribution bases Shanghai publishes \
each year.

### Resolving disputes

- Most claims go first to labour arbitration, which is free. The usual time limit is one \
year from when the claimant knew or should have known of the problem; unpaid wages can be \
claimed throughout the employment and within one year after it ends.
- Arbitrators should decide within 45 days of accepting a case, extendable by 15 days. A \
party that disagrees can usually take the case to court within 15 days of the award.
- The Shanghai Municipal Human Resources and Social Security Bureau and district labour \
inspection teams can also act on complaints about wages, contracts and social insurance.""",
        "resources_md": """\
- **Shanghai Municipal Human Resources and Social Security Bureau** publishes the current \
minimum wage, contribution bases and the rules for special working-hour approvals.
- **District labour dispute arbitration commissions** accept claims where the employer is \
registered or where the work is done.
- **12333** is the national hotline for labour and social security questions.
- **Shanghai Housing Provident Fund Management Center** handles housing fund accounts.
- **Trade unions** at company or district level support employees in consultations and \
disputes.
- **Shanghai Lawyers Association** can confirm that a lawyer is licensed.""",
        "next_steps_md": """\
- **Collect the paperwork**: contract, handbook and proof it was shown to you, pay slips, \
bank records, attendance data, emails and chat messages.
- **Note the dates**: start date, any notice received, and the last day worked, because \
the one-year arbitration limit runs from when you knew of the problem.
- **Get advice before signing** a termination agreement or resignation letter: once signed, \
it is hard to reopen.
- **Employers: follow the procedure**. Check the legal ground, the evidence, the union \
notification and the notice period before any termination.
- **Consider negotiation or mediation** first; many Shanghai disputes settle before an \
award.
- **File at the right commission** if talks fail, and keep copies of everything you \
submit.""",
        "disclaimer_md": DEMO_DISCLAIMER,
    },
    "faq": [
        (
            "Can my employer dismiss me without giving a reason?",
            "No. An employer in China may end an employment contract only on the grounds "
            "the Labour Contract Law lists, or by agreement with you. If the ground or the "
            "procedure is wrong, you can ask for reinstatement or for compensation at twice "
            "the normal severance rate.",
        ),
        (
            "How is severance calculated?",
            "One month's wage for each full year of service. Six months or more counts as a "
            "full year, and less than six months as half a month. The wage used is your "
            "average monthly pay over the last twelve months, including bonuses and "
            "allowances. For high earners, the monthly figure is capped at three times the "
            "local average wage and the years at twelve.",
        ),
        (
            "Is a non-compete binding if my former employer never pays me for it?",
            "Generally not for long. If the employer fails to pay the agreed compensation "
            "for three months for reasons of its own, you can usually ask to end the "
            "restriction. Where the agreement set no amount, arbitrators and courts "
            "normally apply a default based on your earlier pay. Take advice before "
            "joining a competitor, because the penalty clause can be large.",
        ),
        (
            "How long do I have to start labour arbitration?",
            "Usually one year from when you knew or should have known that your rights were "
            "infringed. Claims for unpaid wages are treated more generously while you are "
            "still employed, but must be brought within a year after the job ends. Missing "
            "the deadline can end the claim, so act promptly.",
        ),
        (
            "Can a foreign national work in Shanghai on a business visa?",
            "No. Working requires a work permit and a work-type residence permit, applied "
            "for with the employer's support. Working without them can lead to fines, "
            "detention or removal for the individual, and fines for the employer.",
        ),
        (
            "Are the rules in my employee handbook binding?",
            "Only if the employer adopted them properly. Rules that affect pay, hours, "
            "leave, discipline and similar matters must be discussed with employee "
            "representatives or all staff, settled in consultation with the union or staff "
            "representatives, and made known to employees. Arbitrators check this before "
            "upholding a dismissal based on the handbook.",
        ),
    ],
    "sources": [
        (
            "Labour Contract Law of the People's Republic of China",
            "Standing Committee of the National People's Congress",
            "",
            date(2007, 6, 29),
        ),
        (
            "Labour Dispute Mediation and Arbitration Law of the People's Republic of China",
            "Standing Committee of the National People's Congress",
            "",
            date(2007, 12, 29),
        ),
        (
            "Social Insurance Law of the People's Republic of China",
            "Standing Committee of the National People's Congress",
            "",
            date(2010, 10, 28),
        ),
        (
            "Labour Law of the People's Republic of China",
            "Standing Committee of the National People's Congress",
            "",
            date(1994, 7, 5),
        ),
        (
            "Regulations for the Implementation of the Labour Contract Law",
            "State Council",
            "",
            date(2008, 9, 18),
        ),
    ],
}

# ---------------------------------------------------------------------------------------
# Beijing x Intellectual Property. Deliberately last reviewed more than a year ago, so the
# demo shows the "stale" flag.
# ---------------------------------------------------------------------------------------

BEIJING_IP = {
    "city": ("CN", "beijing"),
    "practice_area": "intellectual-property",
    "language": "en",
    "fields": {
        "status": Guide.Status.PUBLISHED,
        "published_at": datetime(2025, 6, 20, 9, 30, tzinfo=SHANGHAI_TIME),
        "reviewer_name": "Chen Hao (fictional demo reviewer)",
        "reviewer_credentials": "Invented profile for the demo site: IP litigator in Beijing",
        "last_reviewed_on": date(2025, 6, 15),
        "meta_description": (
            "Protecting patents, trademarks, copyright and trade secrets in Beijing: the "
            "laws, CNIPA filings, the Beijing Intellectual Property Court and what to do "
            "about infringement."
        ),
        "summary": (
            "Much of China's intellectual property system is run from Beijing: CNIPA "
            "examines patents and trademarks there, and the Beijing Intellectual Property "
            "Court reviews its decisions. This guide explains how to secure rights and how "
            "to enforce them in the capital."
        ),
        "about_md": """\
Intellectual property in China rests on national statutes: the **Patent Law**, the \
**Trademark Law**, the **Copyright Law** and the **Anti-Unfair Competition Law**, which \
protects trade secrets. Beijing matters more than any other city because the China \
National Intellectual Property Administration (CNIPA), which examines patent and trademark \
applications, sits there, and because the Beijing Intellectual Property Court hears \
challenges to CNIPA decisions from across the country.

China registers trademarks on a first-to-file basis, so timing is often decisive. Courts \
have become more willing to award substantial damages, including punitive damages for \
deliberate infringement, and evidence rules have adapted to online trade.""",
        "why_md": """\
An IP lawyer in Beijing is useful when you need to:

- **File trademarks before launching in China**, to get ahead of squatters.
- **Enter the Chinese national phase** of an international patent application, or choose \
between invention and utility model protection.
- **Oppose, invalidate or defend** a registration before CNIPA and the Beijing \
Intellectual Property Court.
- **Sue, or defend a claim,** for infringement of patents, trademarks or copyright.
- **Remove infringing listings** from e-commerce platforms.
- **Record rights with customs** to stop counterfeit shipments.
- **License or transfer technology**, including checks on export controls.
- **Respond to a trade secret leak**, for example when key staff leave for a competitor.""",
        "local_laws_md": """\
### National statutes

- **Trademark Law** (last amended 2019): first to file wins, with tools against bad-faith \
filings made without intent to use. A registration lasts ten years and can be renewed; a \
mark left unused for three consecutive years can be cancelled.
- **Patent Law** (last amended 2020, in force since June 2021): invention patents last 20 \
years, utility models 10 years and designs 15 years, with extra term available for \
unreasonable delays in examining invention patents.
- **Copyright Law** (last amended 2020, in force since June 2021): protection arises \
automatically when a work is created; voluntary registration gives useful evidence of \
ownership.
- **Anti-Unfair Competition Law**: protects trade secrets that are kept under reasonable \
confidentiality measures, and distinctive product get-up and names.
- Trademark, patent and copyright law now allow punitive damages of one to five times the \
base amount for serious, deliberate infringement, and statutory damages of up to RMB 5 \
million where actual losses cannot be proved.

### Beijing institutions

- **CNIPA** examines patents and trademarks and decides oppositions and invalidation \
requests.
- **Beijing Intellectual Property Court** (since 2014) hears first-instance technical cases \
in Beijing, such as patents and technical secrets, and administrative cases against CNIPA \
grant and invalidation decisions nationwide. Appeals in technical cases go to the \
Intellectual Property Tribunal of the Supreme People's Court.
- **Beijing Internet Court** hears many online copyright disputes arising in Beijing.
- **Beijing Municipal Intellectual Property Office** and market supervision authorities \
can act administratively against trademark infringement and counterfeits.""",
        "resources_md": """\
- **China National Intellectual Property Administration (CNIPA)**: filing guidance, \
fee schedules and searchable databases.
- **Copyright Protection Center of China**: registration of software and other works.
- **General Administration of Customs**: recordal of IP rights for border protection.
- **Beijing Intellectual Property Court** and **Beijing Internet Court**: procedural \
guides for litigants.
- **Beijing Lawyers Association**: licence checks for lawyers.""",
        "next_steps_md": """\
- **List what you own**: brands, inventions, software, designs and know-how, and where \
each is registered.
- **File in China early**, in every class and sub-class you need, including Chinese-language \
brand names.
- **Keep evidence of infringement** through notarised purchases and captures of web pages \
before contacting the other side.
- **Ask a lawyer to choose the forum**: administrative complaint, platform takedown, civil \
action or criminal referral.
- **Protect secrets in practice**: confidentiality agreements, access limits and exit \
procedures for departing staff.""",
        "disclaimer_md": DEMO_DISCLAIMER,
    },
    "faq": [
        (
            "Does a trademark registered abroad protect me in China?",
            "No. Trademark rights are territorial, so you need a Chinese registration, "
            "filed directly with CNIPA or through the Madrid system designating China. "
            "Chinese examiners also look at sub-classes, so check that your goods are "
            "covered.",
        ),
        (
            "Someone registered my brand in China first. What can I do?",
            "It depends on timing. An opposition can be filed within three months of the "
            "mark's preliminary publication. After registration, an invalidation request "
            "based on prior rights is generally possible within five years, and a mark "
            "obtained by deception or without intent to use can be challenged at any time. "
            "A mark unused for three years can be removed for non-use.",
        ),
        (
            "Should I file an invention patent or a utility model?",
            "Utility models are granted without substantive examination, so they arrive "
            "faster but last 10 years; invention patents are examined and last 20 years. "
            "You can file both for the same invention on the same day and give up the "
            "utility model once the invention patent is granted.",
        ),
        (
            "What evidence do I need to sue for infringement in Beijing?",
            "Proof of your rights and proof of the infringement. Courts rely heavily on "
            "notarised test purchases and notarised captures of web pages, and the internet "
            "courts accept electronic evidence such as trusted timestamps. Evidence of the "
            "infringer's sales or profits helps with damages.",
        ),
        (
            "Can counterfeit goods be stopped at the border?",
            "Yes. Once your rights are recorded with the General Administration of Customs, "
            "customs can detain suspected shipments and notify you. You will usually need "
            "to confirm the goods are fakes and provide a bond.",
        ),
        (
            "How are trade secrets protected?",
            "Information qualifies only if it is not public, has commercial value and is "
            "kept under reasonable confidentiality measures, so contracts and internal "
            "controls matter. Serious misappropriation can also be a crime.",
        ),
    ],
    "sources": [
        (
            "Trademark Law of the People's Republic of China (2019 amendment)",
            "Standing Committee of the National People's Congress",
            "",
            date(2019, 4, 23),
        ),
        (
            "Patent Law of the People's Republic of China (2020 amendment)",
            "Standing Committee of the National People's Congress",
            "",
            date(2020, 10, 17),
        ),
        (
            "Copyright Law of the People's Republic of China (2020 amendment)",
            "Standing Committee of the National People's Congress",
            "",
            date(2020, 11, 11),
        ),
        (
            "Anti-Unfair Competition Law of the People's Republic of China (2019 amendment)",
            "Standing Committee of the National People's Congress",
            "",
            date(2019, 4, 23),
        ),
    ],
}

# ---------------------------------------------------------------------------------------
# Shenzhen x Corporate & Company Law
# ---------------------------------------------------------------------------------------

SHENZHEN_CORPORATE = {
    "city": ("CN", "shenzhen"),
    "practice_area": "corporate-and-company-law",
    "language": "en",
    "fields": {
        "status": Guide.Status.PUBLISHED,
        "published_at": datetime(2026, 8, 25, 9, 0, tzinfo=SHANGHAI_TIME),
        "reviewer_name": "Huang Wei (fictional demo reviewer)",
        "reviewer_credentials": "Invented profile for the demo site: corporate lawyer in Shenzhen",
        "last_reviewed_on": date(2026, 8, 20),
        "meta_description": (
            "Setting up and running a company in Shenzhen: the 2024 Company Law reforms, "
            "capital contribution deadlines, foreign investment rules, annual reporting and "
            "where company disputes are heard."
        ),
        "summary": (
            "Shenzhen companies follow China's Company Law and Foreign Investment Law, with "
            "registration handled by the city's market regulator and disputes heard by "
            "specialised local courts and arbitration. This guide covers incorporation, "
            "governance, the new capital rules and what founders and investors should "
            "check."
        ),
        "about_md": """\
Shenzhen has been a special economic zone since 1980 and is home to a dense population of \
start-ups, manufacturers and technology groups. Companies there are formed and run under \
the national **Company Law**, thoroughly revised with effect from 1 July 2024, and, for \
foreign investors, the **Foreign Investment Law**, in force since 2020.

As a special economic zone, Shenzhen can also pass its own regulations within limits set \
by national law. The best-known example is its personal bankruptcy regime, the first in \
mainland China. The city also hosts specialised courts and an international arbitration \
centre that handle many corporate disputes.""",
        "why_md": """\
Founders, investors and managers in Shenzhen typically need a corporate lawyer to:

- **Choose and set up the right vehicle**, whether a limited liability company, a \
company limited by shares or a foreign-invested enterprise.
- **Check the negative list** before a foreign investor enters a restricted sector.
- **Draft articles of association and shareholders' agreements** that deal with control, \
vesting, transfers and deadlock.
- **Plan capital contributions** under the new five-year rule, or reduce registered \
capital.
- **Understand directors' and managers' duties** and the personal liability that comes with \
them.
- **Raise investment** and set up employee incentive plans.
- **Resolve shareholder disputes**, including deadlock and exits.
- **Restructure, merge or close** a company in an orderly way.""",
        "local_laws_md": """\
### The revised Company Law (in force since 1 July 2024)

- Shareholders of a limited liability company must pay their subscribed capital in full \
within five years of incorporation. Companies formed before July 2024 with longer \
timetables have a transition period ending on 30 June 2027 to bring them into line.
- If a company cannot pay debts as they fall due, the company or its creditors can require \
shareholders to pay unpaid capital early.
- A shareholder who does not pay after a written demand and a grace period of at least 60 \
days can lose the unpaid part of the shareholding.
- Directors owe codified duties of loyalty and diligence; those who fail to chase unpaid \
capital can be liable, and controlling shareholders who direct the company's affairs can \
share directors' liability.
- Governance is more flexible: a small company may have a single director and need not \
have a supervisory board, and an audit committee of the board can replace one.
- Companies with 300 or more employees must include an employee representative on the \
board unless the supervisory board already has one.

### Foreign investment

- The **Foreign Investment Law** gives foreign investors national treatment before \
establishment, subject to a negative list of restricted and prohibited sectors.
- Foreign-invested enterprises are organised under the Company Law like domestic companies; \
older joint venture structures had until the end of 2024 to adjust their governance.
- Investment information is reported through the company registration system, and \
investments that affect national security can be reviewed.

### Shenzhen specifics

- **Registration** is handled by the Shenzhen Municipal Administration for Market \
Regulation, largely online.
- **Personal bankruptcy**: Shenzhen's special economic zone regulations, in force since 1 \
March 2021, let individuals resident there seek relief, which matters to founders who \
guaranteed company debts.
- **Courts and arbitration**: the Shenzhen Intermediate People's Court, the Shenzhen \
Bankruptcy Court, the Shenzhen Financial Court, the court of the Qianhai Cooperation \
Zone, and the Shenzhen Court of International Arbitration.
- **Annual reports**: every company files one through the National Enterprise Credit \
Information Publicity System between 1 January and 30 June each year.""",
        "resources_md": """\
- **Shenzhen Municipal Administration for Market Regulation**: company registration and \
changes.
- **National Enterprise Credit Information Publicity System**: company records and annual \
reports.
- **Shenzhen Court of International Arbitration**: rules and model clauses.
- **Shenzhen Bankruptcy Court**: guidance on corporate and personal insolvency.
- **Shenzhen Lawyers Association**: licence checks for lawyers.""",
        "next_steps_md": """\
- **Confirm the business scope** and whether any activity needs a licence or falls on \
the negative list.
- **Set a realistic registered capital** that shareholders can pay within five years.
- **Write down the deal between founders** in the articles and a shareholders' agreement.
- **Diary the recurring filings**: annual report, tax returns and changes of directors or \
address.
- **Review older companies** formed before July 2024 against the transition deadline.
- **Get advice early** when a shareholder dispute starts, before positions harden.""",
        "disclaimer_md": DEMO_DISCLAIMER,
    },
    "faq": [
        (
            "How quickly must shareholders pay in registered capital?",
            "For a limited liability company, within five years of incorporation. For a "
            "company limited by shares, the capital must be paid in full before the company "
            "is registered.",
        ),
        (
            "Can a foreign investor own 100% of a company in Shenzhen?",
            "Yes, in most sectors. Full foreign ownership is allowed unless the negative list "
            "restricts or prohibits foreign investment in the activity concerned.",
        ),
        (
            "Can one person set up a company?",
            "Yes. A single shareholder can form a limited liability company, but must be "
            "able to show that the company's assets are kept separate from their own; if "
            "not, they can be held liable for the company's debts.",
        ),
        (
            "What happens if the company cannot pay its debts?",
            "Creditors can ask shareholders to pay unpaid capital early, and the company or "
            "its creditors can apply to the Shenzhen Bankruptcy Court for restructuring, "
            "settlement or liquidation. Shareholders' liability is normally limited to "
            "their subscribed capital.",
        ),
        (
            "What if shareholders reach deadlock?",
            "The articles and shareholders' agreement should be the first answer, with "
            "buy-out or casting-vote mechanisms. Shareholders who vote against certain major "
            "decisions can ask the company to buy their shares. As a last resort, holders "
            "of at least 10% of the voting rights can ask a court to dissolve a company in "
            "serious deadlock.",
        ),
        (
            "Does a dormant company still have to file an annual report?",
            "Yes. Every registered company must file one each year between 1 January and "
            "30 June, even with no trading. Missing it can put the company on the list of "
            "businesses with abnormal operations.",
        ),
    ],
    "sources": [
        (
            "Company Law of the People's Republic of China (2023 revision)",
            "Standing Committee of the National People's Congress",
            "",
            date(2023, 12, 29),
        ),
        (
            "Foreign Investment Law of the People's Republic of China",
            "National People's Congress",
            "",
            date(2019, 3, 15),
        ),
        (
            "Regulations of the Shenzhen Special Economic Zone on Personal Bankruptcy",
            "Standing Committee of the Shenzhen Municipal People's Congress",
            "",
            date(2020, 8, 26),
        ),
        (
            "Provisions on Implementing the Registered Capital Registration Management System under the Company Law",
            "State Council",
            "",
            None,
        ),
    ],
}

# ---------------------------------------------------------------------------------------
# Guangzhou x Family Law: a draft, part-written, not reviewed, not published.
# ---------------------------------------------------------------------------------------

GUANGZHOU_FAMILY_DRAFT = {
    "city": ("CN", "guangzhou"),
    "practice_area": "family-law",
    "language": "en",
    "fields": {
        "status": Guide.Status.DRAFT,
        "published_at": None,
        "reviewer_name": "",
        "reviewer_credentials": "",
        "last_reviewed_on": None,
        "meta_description": (
            "Family law in Guangzhou: marriage, divorce by agreement or through the courts, "
            "children and property, explained for residents and foreigners."
        ),
        "summary": (
            "Marriage, divorce and children's arrangements in Guangzhou are governed by the "
            "marriage and family book of China's Civil Code. This draft guide is still being "
            "written."
        ),
        "about_md": """\
Since 1 January 2021 the rules on marriage, divorce, children and family property have \
been part of the **Civil Code**. Couples who agree can divorce by registration, after a \
30-day cooling-off period; others go to court. Cases involving a foreign spouse raise extra \
questions about jurisdiction and recognition of documents.""",
        "why_md": """\
- **Divorce**, whether agreed or contested.
- **Arrangements for children** after separation.
- **Dividing property**, including homes bought before or during the marriage.
- **Marriages with a foreign element**.""",
        "local_laws_md": "",
        "resources_md": "",
        "next_steps_md": "",
        "disclaimer_md": DEMO_DISCLAIMER,
    },
    "faq": [
        (
            "How long does a divorce by agreement take?",
            "After the application is filed there is a 30-day cooling-off period; both "
            "spouses must then confirm within the next 30 days, or the application lapses.",
        ),
    ],
    "sources": [],
}

GUIDES = [
    HARBIN_CYBER_LAW,
    SHANGHAI_EMPLOYMENT,
    BEIJING_IP,
    SHENZHEN_CORPORATE,
    GUANGZHOU_FAMILY_DRAFT,
    *GUIDES_ZH,  # the Chinese versions of the first three
]


def seed_guides(*, places: dict, tally: Counter | None = None) -> dict:
    """Create or update the demo guides with their FAQ items and sources.

    `places` is what `demo.places.seed_places()` returned. Returns
    {"guides": [Guide, ...], "tally": Counter}.
    """
    tally = Counter() if tally is None else tally
    guides = []
    for data in GUIDES:
        guide = sync_row(
            Guide,
            {
                "city": places["cities"][data["city"]],
                "practice_area": places["practice_areas"][data["practice_area"]],
                "language": data["language"],
            },
            data["fields"],
            tally,
        )
        faq_rows = [{"question": q, "answer_md": a} for q, a in data["faq"]]
        source_rows = [
            {"title": title, "issuing_body": body, "url": url, "issued_on": issued_on}
            for title, body, url, issued_on in data["sources"]
        ]
        _sync_children(FaqItem, guide, faq_rows, tally)
        _sync_children(GuideSource, guide, source_rows, tally)
        guides.append(guide)
    return {"guides": guides, "tally": tally}


def _sync_children(model, guide: Guide, rows: list[dict], tally: Counter) -> None:
    """Make the guide's rows of `model` (keyed by position 1..n) match `rows` exactly."""
    current, extra = {}, []
    for child in model.objects.filter(guide=guide).order_by("position", "pk"):
        # A duplicate position (possible after editing in the admin) or a position past the
        # end of the demo data is removed, so the result never depends on earlier edits.
        if child.position in current or not 1 <= child.position <= len(rows):
            extra.append(child.pk)
        else:
            current[child.position] = child
    for position, values in enumerate(rows, start=1):
        child = current.get(position) or model(guide=guide, position=position)
        save_row(child, values, tally)
    if extra:  # checked first: QuerySet.delete() would issue a DELETE even for no rows
        model.objects.filter(pk__in=extra).delete()
        tally[model.__name__, "deleted"] += len(extra)
