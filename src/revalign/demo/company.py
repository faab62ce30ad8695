"""The demo company's world: names, titles, industries, regions and channel profiles.

The channel profiles are where the planted story lives (docs/demo.md): paid social brings
volume that never closes, partners bring few leads that win, review-site MQLs are mostly
rejected at the SAL gate, and two reps (budi, jake) sit on high-intent leads for days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

PERIOD_START = datetime(2026, 6, 1, tzinfo=UTC)
PERIOD_END = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)  # two quarters ending 2026-11-30


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SLOW_REPS = frozenset({"budi", "jake"})  # planted: high-intent leads left untouched for days

FIRST_NAMES_ID = _words(
    """Budi Siti Agus Dewi Rizky Putri Andi Rina Hendra Wahyu Fitri Yusuf Ayu Bambang
Indah Joko Kartika Lestari Made Nyoman Ketut Gede Nur Eko Dian Sri Arief Ratna Taufik Wulan Fajar
Intan Bayu Citra Dimas Galih Hana Irfan Kevin Mega Nadia Oki Reza Sari Tono Vina Yoga Zaki"""
)
LAST_NAMES_ID = _words(
    """Santoso Wijaya Saputra Hidayat Pratama Kusuma Nugroho Setiawan Siregar Nasution
Simanjuntak Halim Gunawan Susanto Lubis Harahap Purnomo Wibowo Hartono Suryadi Rahman Utomo
Sitompul Tanoto Salim Effendi Permana Wirawan Sembiring Ginting"""
)
FIRST_NAMES_INTL = _words(
    """James Emma Olivia Liam Chen Wei Priya Arjun Sofia Lucas Hannah Mohammed Aisha
Kenji Yuki Minh Somchai Maria Jose Daniel Grace Ethan Chloe Ravi Mei Jun Isabel Oliver Ava Noah
Amelia Hiroshi Ananya Carlos Lina Tom Sarah"""
)
LAST_NAMES_INTL = _words(
    """Smith Johnson Brown Tan Lim Lee Wong Garcia Martinez Müller Nguyen Kumar
Sharma Santos Reyes Cruz Chua Ong Taylor Walker Clarke Schmidt Dubois Rossi Kim Park Sato Tanaka
Singh Patel Anderson Thompson O'Brien"""
)

# (title, seniority tier) in English and Bahasa Indonesia; the core parses both.
TITLES: dict[str, tuple[str, ...]] = {
    "senior": ("Direktur Pemasaran", "Direktur Utama", "VP Sales", "VP Marketing",
               "Chief Marketing Officer", "Head of Growth", "Kepala Divisi Penjualan",
               "Head of Sales", "Director of IT", "CTO", "Chief Revenue Officer",
               "Direktur Penjualan", "Head of Digital", "Kepala Divisi TI", "Founder & CEO"),
    "manager": ("Manajer TI", "Marketing Manager", "Manajer Pemasaran", "Sales Manager",
                "Manajer Operasional", "Growth Manager", "Manajer Penjualan", "IT Manager"),
    "individual": ("Marketing Executive", "Staf Pemasaran", "Account Executive", "Analis Data",
                   "Software Engineer", "Marketing Specialist", "Staf Administrasi",
                   "Content Writer"),
    "student": ("Mahasiswa", "Marketing Intern", "Student", "Magang Pemasaran"),
}  # fmt: skip

FIT_INDUSTRIES = ("software", "saas", "fintech", "financial services", "e-commerce",
                  "telecommunications", "logistics")  # fmt: skip
OTHER_INDUSTRIES = ("education", "government", "hospitality", "agriculture", "non-profit",
                    "construction", "retail")  # fmt: skip

# country, weight, Indonesian names?  (weights: a Jakarta-based company selling in the region)
COUNTRIES: tuple[tuple[str, float, bool], ...] = (
    ("ID", 0.46, True), ("SG", 0.10, False), ("MY", 0.07, False), ("TH", 0.03, False),
    ("PH", 0.03, False), ("VN", 0.02, False), ("AU", 0.04, False), ("GB", 0.08, False),
    ("DE", 0.02, False), ("NL", 0.01, False), ("US", 0.12, False), ("CA", 0.01, False),
    ("IN", 0.01, False),
)  # fmt: skip
TLD = {"ID": "co.id", "SG": "com.sg", "MY": "com.my", "TH": "co.th", "PH": "com.ph",
       "VN": "com.vn", "AU": "com.au", "GB": "co.uk", "DE": "de", "NL": "nl", "US": "com",
       "CA": "ca", "IN": "in"}  # fmt: skip
COMPANY_WORDS_ID = _words(
    """Maju Jaya Sentosa Nusantara Makmur Abadi Sejahtera Mitra Karya Cipta Global
Prima Mandiri Sinar Buana Bintang Samudra Garuda Cahaya"""
)
COMPANY_WORDS_INTL = _words(
    """Lion Harbor Blue Summit Apex Vertex Nimbus Quantum Atlas Orbit Pioneer
Coral Beacon Northwind Sterling Crescent Meridian Evergreen"""
)
COMPANY_SUFFIX = {"software": "Software", "saas": "Cloud", "fintech": "Pay",
                  "financial services": "Capital", "e-commerce": "Commerce",
                  "telecommunications": "Telekom", "logistics": "Logistik",
                  "education": "Academy", "government": "Agency", "hospitality": "Hotels",
                  "agriculture": "Agro", "non-profit": "Foundation",
                  "construction": "Konstruksi", "retail": "Retail"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Channel:
    """How one channel's leads look and behave, and how sales treats them."""

    name: str
    campaign: str
    share: float  # of all leads
    fit: tuple[float, float, float]  # P(good, medium, poor account)
    titles: tuple[float, float, float, float]  # P(senior, manager, individual, student)
    activity: float  # mean extra marketing touches after the first
    demo_rate: float  # P(demo request): high intent
    reject_rate: float  # P(sales rejects the MQL at the SAL gate)
    reject_reasons: tuple[str, ...]
    sql_rate: float  # P(an accepted lead qualifies)
    opp_rate: float  # P(an SQL becomes an opportunity)
    win_rate: float
    deal: tuple[int, int]  # amount range, USD
    cycle_days: tuple[int, int]
    lost_reasons: tuple[str, ...]
    first_touch: str  # the kind of the touch that created the lead


CHANNELS: tuple[Channel, ...] = (
    Channel("paid_social", "paid-social-q4", 0.34, (0.15, 0.45, 0.40), (0.10, 0.35, 0.50, 0.05),
            5.0, 0.06, 0.30, ("wrong_title", "no_budget_signal", "wrong_size"), 0.18, 0.55,
            0.03, (2500, 7000), (20, 60), ("no_budget", "price", "no_decision"),
            "content_download"),
    Channel("paid_search", "search-brand", 0.12, (0.40, 0.40, 0.20), (0.30, 0.40, 0.28, 0.02),
            3.0, 0.30, 0.25, ("wrong_size", "wrong_geography", "duplicate"), 0.45, 0.65, 0.20,
            (5000, 16000), (30, 75), ("competitor", "price", "timing"), "form"),
    Channel("webinar", "webinar-series", 0.10, (0.30, 0.45, 0.25), (0.25, 0.40, 0.30, 0.05),
            3.5, 0.08, 0.30, ("wrong_title", "wrong_size"), 0.35, 0.6, 0.20, (4000, 12000),
            (30, 80), ("no_decision", "timing", "competitor"), "webinar"),
    Channel("organic", "seo-content", 0.13, (0.35, 0.40, 0.25), (0.25, 0.40, 0.32, 0.03),
            3.0, 0.12, 0.25, ("wrong_size", "no_budget_signal"), 0.40, 0.65, 0.22,
            (4000, 14000), (30, 75), ("competitor", "price", "timing"), "content_download"),
    Channel("partner", "partner-referral", 0.03, (0.85, 0.15, 0.00), (0.70, 0.25, 0.05, 0.00),
            2.5, 0.60, 0.05, ("duplicate",), 0.75, 0.85, 0.65, (12000, 32000), (25, 55),
            ("timing", "no_decision"), "form"),
    Channel("events", "events-jakarta", 0.07, (0.40, 0.40, 0.20), (0.40, 0.35, 0.23, 0.02),
            2.5, 0.20, 0.30, ("wrong_geography", "wrong_size"), 0.40, 0.6, 0.22,
            (6000, 18000), (35, 90), ("competitor", "no_decision", "timing"), "form"),
    Channel("outbound", "outbound-abm", 0.06, (0.80, 0.20, 0.00), (0.60, 0.30, 0.10, 0.00),
            1.0, 0.10, 0.20, ("no_budget_signal",), 0.45, 0.7, 0.25, (10000, 28000),
            (45, 100), ("no_decision", "competitor", "timing"), "email_click"),
    Channel("email", "email-nurture", 0.09, (0.30, 0.45, 0.25), (0.25, 0.40, 0.32, 0.03),
            3.0, 0.10, 0.30, ("no_budget_signal", "duplicate"), 0.35, 0.6, 0.18,
            (3000, 10000), (30, 70), ("timing", "price", "no_budget"), "email_click"),
    Channel("review_sites", "review-sites", 0.06, (0.05, 0.25, 0.70), (0.05, 0.20, 0.50, 0.25),
            4.0, 0.45, 0.80, ("wrong_size", "student", "wrong_size", "wrong_title"), 0.30,
            0.5, 0.15, (2000, 6000), (20, 50), ("price", "product_fit"), "pricing_page"),
)  # fmt: skip
CHANNEL_BY_NAME = {c.name: c for c in CHANNELS}

# Follow-up touch kinds and their weights, per the touch that makes a journey.
FOLLOW_UPS: tuple[tuple[str, float], ...] = (
    ("page_view", 0.30), ("email_open", 0.20), ("email_click", 0.14),
    ("content_download", 0.14), ("pricing_page", 0.10), ("webinar", 0.08), ("form", 0.04),
)  # fmt: skip
DISQUALIFY_REASONS = ("no_response", "not_interested", "no_budget", "competitor")
RECYCLE_REASONS = ("wrong_timing", "budget_next_fiscal_year")
