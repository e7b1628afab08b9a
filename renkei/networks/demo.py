"""Demo networks (idempotent, matched by slug): CityNet, founded in 1987 with Yokohama among its
founders, and the World Bank–Tokyo Development Learning Center City Partnership Program as a
cohort of cities. The dues, invoices, payments, funding figures and past offices are invented
sample data, and the pages say so in both languages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from renkei.accounts.models import User
from renkei.accounts.permissions import SYSTEM
from renkei.networks import services
from renkei.networks.models import Network
from renkei.partnerships.models import Partnership
from renkei.places.models import Place

ASIA_NE, ASIA_SEA_M, ASIA_SEA_L = "North-East Asia", "South-East Asia (maritime)", "South-East Asia (mainland)"
REGION_OF = {"JP": ASIA_NE, "ID": ASIA_SEA_M, "PH": ASIA_SEA_M, "VN": ASIA_SEA_L, "TH": ASIA_SEA_L}

CITYNET_MEMBERS = [  # place, tier, joined, founder, volunteers
    ("yokohama", "full", date(1987, 7, 1), True, True),
    ("kobe", "full", date(1995, 4, 1), False, True),
    ("kitakyushu", "full", date(1998, 4, 1), False, False),
    ("surabaya", "full", date(1992, 6, 1), False, True),
    ("semarang", "full", date(2001, 6, 1), False, True),
    ("banda-aceh", "associate", date(2008, 3, 1), False, False),
    ("cebu-city", "full", date(1996, 9, 1), False, True),
    ("davao-city", "associate", date(2010, 5, 1), False, True),
    ("da-nang", "full", date(2004, 10, 1), False, True),
    ("hai-phong", "associate", date(2012, 2, 1), False, False),
    ("chiang-mai", "full", date(2006, 8, 1), False, True),
]
SAMPLE_FORMULA = {
    "base": {"full": "6000", "associate": "2500", "affiliate": "800"},
    "income_factors": {"HIC": "1.5", "UMC": "1", "LMC": "0.6", "LIC": "0.3"},
    "population_bands": [{"up_to": 500000, "factor": "0.8"}, {"up_to": 2000000, "factor": "1"},
                         {"up_to": None, "factor": "1.25"}],
    "floor": "1000", "cap": "12000", "currency": "USD"}
SAMPLE_FUNDING = {  # year → source → USD (invented)
    2019: {"membership_fees": 310000, "host_city": 60000, "agency_grants": 20000},
    2020: {"membership_fees": 300000, "host_city": 60000, "agency_grants": 35000},
    2021: {"membership_fees": 290000, "host_city": 70000, "agency_grants": 60000, "project_income": 15000},
    2022: {"membership_fees": 295000, "host_city": 70000, "agency_grants": 90000, "project_income": 30000},
    2023: {"membership_fees": 300000, "host_city": 75000, "agency_grants": 120000, "project_income": 45000,
           "sponsorship": 10000},
    2024: {"membership_fees": 305000, "host_city": 75000, "agency_grants": 150000, "project_income": 60000,
           "sponsorship": 20000},
    2025: {"membership_fees": 310000, "host_city": 80000, "agency_grants": 170000, "project_income": 80000,
           "sponsorship": 25000, "other": 10000},
}
SAMPLE_PRESIDENTS = [("surabaya", 2021), ("yokohama", 2023), ("da-nang", 2025)]


def _citynet() -> int:
    network = services.network_create(actor=SYSTEM, data={
        "slug": "citynet", "name_en": "CityNet", "name_ja": "シティネット", "acronym": "CityNet",
        "founded_year": 1987, "regions": [ASIA_NE, ASIA_SEA_M, ASIA_SEA_L], "website": "https://citynet-ap.org",
        "themes": [], "currency": "USD", "is_sample": True,
        "description": {
            "en": "The regional network of local authorities for the management of human settlements in Asia and "
                  "the Pacific, founded in 1987 with Yokohama among its founders. Members, dues, invoices, "
                  "payments, funding and past offices shown here are sample data for the demonstration.",
            "ja": "1987年に横浜市などが設立した、アジア太平洋地域の自治体による人間居住管理のための地域ネットワーク。"
                  "ここに示す会員、会費、請求、入金、財源、過去の役職はデモ用のサンプルデータです。"}})
    for slug, tier, joined, founder, volunteers in CITYNET_MEMBERS:
        place = Place.objects.get(slug=slug)
        services.member_add(actor=SYSTEM, network=network, data={
            "place": slug, "tier": tier, "region": REGION_OF[place.country], "joined_on": joined,
            "is_founder": founder, "volunteers_for_presidency": volunteers})
    services.member_add(actor=SYSTEM, network=network, data={
        "organisation": "iges", "tier": "affiliate", "region": ASIA_NE, "joined_on": date(2003, 1, 1)})
    services.dues_formula_set(actor=SYSTEM, network=network, data=SAMPLE_FORMULA)
    services.presidency_rules_set(actor=SYSTEM, network=network, data={"term_years": 2})
    services.network_update(actor=SYSTEM, network=network, data={"hhi_threshold": Decimal("0.35")})
    invoices = services.invoices_issue(actor=SYSTEM, network=network, data={
        "year": 2026, "issued_on": date(2026, 1, 15), "due_on": date(2026, 3, 31)})
    by_member = {i.member.key: i for i in invoices}
    for key, amount, currency, rate, on in [
            ("yokohama", None, "USD", None, date(2026, 3, 10)),
            ("kobe", Decimal("900000"), "JPY", Decimal("0.0066"), date(2026, 4, 20)),
            ("surabaya", None, "USD", None, date(2026, 3, 28)),
            ("cebu-city", None, "USD", None, date(2026, 2, 27)),
            ("da-nang", None, "USD", None, date(2026, 3, 15)),
            ("chiang-mai", Decimal("1000"), "USD", None, date(2026, 5, 2))]:
        invoice = by_member.get(key)
        if invoice is None:
            continue
        services.payment_record(actor=SYSTEM, invoice=invoice, data={
            "amount": amount if amount is not None else invoice.amount, "currency": currency, "rate": rate,
            "received_on": on, "reference": "SAMPLE"})
    for year, sources in SAMPLE_FUNDING.items():
        for source, amount in sources.items():
            services.funding_set(actor=SYSTEM, network=network, data={
                "year": year, "source": source, "amount": Decimal(amount), "note": "sample"})
    services.presidency_record(actor=SYSTEM, network=network, data={"terms": [
        {"member": key, "starts_on": date(year, 1, 1), "ends_on": date(year + 1, 12, 31)}
        for key, year in SAMPLE_PRESIDENTS]})
    services.office_add(actor=SYSTEM, network=network, data={
        "member": "kobe", "kind": "vice_president", "starts_on": date(2025, 1, 1), "ends_on": date(2026, 12, 31)})
    services.office_add(actor=SYSTEM, network=network, data={
        "member": "cebu-city", "kind": "vice_president", "starts_on": date(2025, 1, 1),
        "ends_on": date(2026, 12, 31)})
    services.meeting_add(actor=SYSTEM, network=network, data={
        "title": "Executive Committee meeting 2026", "title_ja": "2026年 理事会",
        "held_on": date(2026, 6, 18), "venue": "Da Nang", "quorum": 6,
        "agenda": ["Accounts 2025", "Dues 2027", "Presidency 2027–2028", "Work programme"],
        "attendees": ["yokohama", "kobe", "surabaya", "cebu-city", "da-nang", "chiang-mai", "semarang"],
        "decisions": [{"text": "Accounts 2025 approved", "votes_for": 7},
                      {"text": "Dues formula kept for 2027", "votes_for": 5, "votes_against": 1, "abstentions": 1}]})
    services.project_add(actor=SYSTEM, network=network, data={
        "title": "Disaster-resilient reconstruction exchange", "title_ja": "災害に強い復興のための交流",
        "starts_on": date(2026, 2, 1), "ends_on": date(2027, 3, 31),
        "members": ["yokohama", "banda-aceh", "kobe"],
        "partnerships": list(Partnership.objects.filter(slug="jica-kamaishi-banda-aceh")
                             .values_list("slug", flat=True))})
    return 1


def _tdlc() -> int:
    network = services.network_create(actor=SYSTEM, data={
        "slug": "world-bank-tdlc-cpp", "name_en": "World Bank–TDLC City Partnership Program",
        "name_ja": "世界銀行・東京開発ラーニングセンター シティ・パートナーシップ・プログラム", "acronym": "CPP",
        "host": "tdlc", "founded_year": 2016, "regions": ["Japan"], "currency": "USD", "is_sample": True,
        "description": {
            "en": "A cohort of Japanese cities that share their development experience with the World Bank "
                  "through the Tokyo Development Learning Center. Figures shown here are sample data.",
            "ja": "東京開発ラーニングセンターを通じて世界銀行と都市開発の経験を共有する日本の都市のコホート。"
                  "ここに示す数値はサンプルデータです。"}})
    for slug in ("toyama", "kitakyushu", "kobe", "yokohama"):
        services.member_add(actor=SYSTEM, network=network, data={
            "place": slug, "tier": "full", "region": "Japan", "joined_on": date(2016, 4, 1)})
    return 1


def networks_demo_load() -> int:
    """Load the demo networks; returns how many were created (none on a second run). The demo
    secretariat account, when it exists, becomes the secretariat of both."""
    made = 0
    if not Network.objects.filter(slug="citynet").exists() and Place.objects.filter(slug="yokohama").exists():
        made += _citynet()
    if not Network.objects.filter(slug="world-bank-tdlc-cpp").exists() and Place.objects.filter(
            slug="toyama").exists():
        made += _tdlc()
    secretariat = User.objects.filter(username="secretariat").first()
    if secretariat is not None:
        for network in Network.objects.filter(slug__in=["citynet", "world-bank-tdlc-cpp"]):
            network.secretariat.add(secretariat)
    return made
