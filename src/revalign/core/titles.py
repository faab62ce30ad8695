"""Seniority (and department) from free-text job titles, in English and Bahasa Indonesia.

`seniority("Direktur Pemasaran")` -> Seniority.DIRECTOR. The title is normalised (case,
accents, punctuation, abbreviations such as Mgr/Dir/Sr/Kadiv), split into segments at
`, / | ; ( ) -`, and each segment is matched against ranked patterns; the highest seniority
found wins ("Director & Head of Sales" -> director). Two exceptions: an assistant *to*
someone ("Assistant to the Director", "Executive Assistant", "Sekretaris Direksi") is an
individual, and a student marker ("Marketing Intern", "Mahasiswa") makes its segment a
student unless it is the object of the role ("Head of Student Affairs" -> head).
See docs/scoring.md for the full table and the decisions (GM -> director, ...).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from revalign.contract.schema import Seniority

__all__ = ["RANK", "department", "normalise_title", "seniority"]

# Higher is more senior; "highest seniority wins" compares these.
RANK: dict[Seniority, int] = {
    Seniority.C_LEVEL: 7,
    Seniority.VP: 6,
    Seniority.DIRECTOR: 5,
    Seniority.HEAD: 4,
    Seniority.MANAGER: 3,
    Seniority.INDIVIDUAL: 2,
    Seniority.STUDENT: 1,
    Seniority.UNKNOWN: 0,
}

# Whole-word abbreviations expanded before matching (after lower-casing and de-punctuating).
_ABBREVIATIONS: dict[str, str] = {
    "mgr": "manager",
    "mngr": "manager",
    "mgmt": "management",
    "dir": "director",
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "asst": "assistant",
    "assoc": "associate",
    "exec": "executive",
    "spv": "supervisor",
    "gm": "general manager",
    "dirut": "direktur utama",
    "presdir": "presiden direktur",
    "wadir": "wakil direktur",
    "kadiv": "kepala divisi",
    "kabag": "kepala bagian",
    "kasie": "kepala seksi",
    "kasi": "kepala seksi",
    "kacab": "kepala cabang",
    "asmen": "asisten manajer",
    "cofounder": "co founder",
    "copendiri": "co pendiri",
}
_ABBREVIATION_RE = re.compile(r"\b(" + "|".join(map(re.escape, _ABBREVIATIONS)) + r")\b")
_ACRONYM_DOTS_RE = re.compile(r"\b(?:[a-z]\.){2,}")  # "c.e.o." -> "ceo", "v.p." -> "vp"
_SEGMENT_SPLIT_RE = re.compile(r"\s*(?:[,/|;()\[\]]|\s-\s|\s–\s|\s—\s)\s*")
_NON_WORD_RE = re.compile(r"[^a-z0-9 ]+")
_SPACES_RE = re.compile(r"\s+")

_CXO = "ceo|cfo|cto|coo|cmo|cro|cio|ciso|cpo|cdo|cso|cco|chro|cxo|cao|cbo|cno"

# (pattern, seniority): every pattern that matches a segment is a candidate.
_RULES: tuple[tuple[re.Pattern[str], Seniority], ...] = tuple(
    (re.compile(pattern), level)
    for pattern, level in (
        # C-level: chief ... officer, CxO, founders, owners, presidents, the Indonesian board.
        (rf"\b(?:{_CXO})\b", Seniority.C_LEVEL),
        (
            r"\bchief\b(?:\s\w+){0,4}\s(?:officer|executive)\b|\bchief executive\b",
            Seniority.C_LEVEL,
        ),
        (r"\b(?:co )?(?:founder|pendiri)\b|\bfounding partner\b", Seniority.C_LEVEL),
        (r"\b(?:owner|pemilik)\b", Seniority.C_LEVEL),
        (r"(?<!vice )(?<!wakil )\bpresiden(?:t)?\b", Seniority.C_LEVEL),
        (r"(?<!wakil )\bdirektur utama\b|\bmanaging (?:director|partner)\b", Seniority.C_LEVEL),
        (
            r"\b(?:chairman|chairwoman|chairperson|chair of the board|komisaris)\b",
            Seniority.C_LEVEL,
        ),
        # VP: vice presidents in every spelling, and the Indonesian deputy director.
        (r"\b(?:vp|svp|evp|avp|vice president|wakil presiden|wakil direktur)\b", Seniority.VP),
        # Director: any director; "chief of staff" and other non-officer chiefs; GM (decision).
        (r"\b(?:director|direktur|direksi|directeur|direktor)\b", Seniority.DIRECTOR),
        (r"\bchief\b", Seniority.DIRECTOR),
        (r"\b(?:general manager|country manager)\b", Seniority.DIRECTOR),
        # Head: head of X, X head, kepala (bagian, divisi, seksi, cabang, ...).
        (r"\b(?:head|kepala|ketua)\b", Seniority.HEAD),
        # Manager: managers, supervisors, team leads.
        (r"\b(?:manager|manajer|menejer|supervisor|penyelia)\b", Seniority.MANAGER),
        (r"\b(?:team|group|squad) lead(?:er)?\b|\bpimpinan\b|\bpemimpin\b", Seniority.MANAGER),
        # Individual contributors: an explicit list, so that an unknown word stays unknown.
        (
            r"\b(?:staff|staf|karyawan|karyawati|pegawai|analyst|analis|engineer|insinyur"
            r"|developer|programmer|pengembang|designer|desainer|specialist|spesialis"
            r"|associate|executive|consultant|konsultan|officer|representative|rep|admin"
            r"|administrator|administrasi|assistant|asisten|secretary|sekretaris|clerk"
            r"|accountant|akuntan|auditor|coordinator|koordinator|operator|technician"
            r"|teknisi|agent|agen|marketer|writer|penulis|editor|advisor|adviser|planner"
            r"|buyer|recruiter|strategist|scientist|researcher|peneliti|lecturer|dosen"
            r"|teacher|guru|trainee|scrum master"
            r"|freelancer|freelance|pelaksana|petugas|salesman|salesperson|sales|kasir"
            r"|cashier|architect|arsitek|lawyer|pengacara|nurse|perawat|doctor|dokter"
            r"|professional|profesional|generalist)\b",
            Seniority.INDIVIDUAL,
        ),
    )
)

# A segment naming an assistant *to* someone is an individual, whatever it also names.
_ASSISTANT_TO_RE = re.compile(
    r"\b(?:assistant|secretary|sekretaris|asisten|pa|ea) (?:to|untuk|kepada)\b.*$"
    r"|\b(?:executive|personal|administrative|admin|office|board) assistant\b"
    r"|\basisten (?:pribadi|direksi|direktur utama|eksekutif)\b"
    r"|\bsekretaris (?:direksi|direktur|direktur utama|presiden direktur|ceo|perusahaan)\b.*$"
)
# An owner that is a role, not the owner of the company.
_ROLE_OWNER_RE = re.compile(r"\b(?:product|process|account|budget|project|data) owner\b")
_STUDENT_RE = re.compile(
    r"\b(?:student|students|mahasiswa|mahasiswi|pelajar|siswa|siswi|intern|interns"
    r"|internship|magang|praktikan|undergraduate|phd candidate|graduate student|fresh graduate"
    r"|freshgraduate|lulusan baru|co op)\b"
)
# A student word after one of these is the object of the role ("Head of Student Affairs") ...
_OBJECT_MARKER_RE = re.compile(r"\b(?:of|for|untuk|bidang|urusan)\b")
# ... and so is one that qualifies a role noun ("Internship Coordinator").
_STUDENT_AS_OBJECT_RE = re.compile(
    r"\w+(?: \w+)? (?:coordinator|koordinator|manager|manajer|program|programme|affairs"
    r"|recruitment|recruiter|services|success|advisor|adviser|counsel\w*|relations|admissions"
    r"|supervisor|head|director|officer|lead|development|experience)\b"
)


def normalise_title(title: str) -> str:
    """Lower-case, accent-free, de-abbreviated; segments joined by ' | '."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ").replace("+", " and ")
    text = _ACRONYM_DOTS_RE.sub(lambda m: m.group(0).replace(".", ""), text)
    segments = []
    for raw in _SEGMENT_SPLIT_RE.split(text):
        segment = _SPACES_RE.sub(" ", _NON_WORD_RE.sub(" ", raw)).strip()
        segment = _ABBREVIATION_RE.sub(lambda m: _ABBREVIATIONS[m.group(1)], segment)
        if segment:
            segments.append(segment)
    return " | ".join(segments)


def seniority(title: str | None) -> Seniority:
    """The seniority a free-text title names; UNKNOWN for none or an unrecognised title."""
    if not title:
        return Seniority.UNKNOWN
    return _seniority_cached(title)


@lru_cache(maxsize=16384)
def _seniority_cached(title: str) -> Seniority:
    return _seniority_of_normalised(normalise_title(title))


@lru_cache(maxsize=16384)
def _seniority_of_normalised(normalised: str) -> Seniority:
    best = Seniority.UNKNOWN
    for segment in normalised.split(" | "):
        level = _segment_seniority(segment)
        if RANK[level] > RANK[best]:
            best = level
    return best


def _segment_seniority(segment: str) -> Seniority:
    if _ASSISTANT_TO_RE.search(segment):
        return Seniority.INDIVIDUAL
    student = _STUDENT_RE.search(segment)
    if (
        student
        and not _OBJECT_MARKER_RE.search(segment, 0, student.start())
        and not _STUDENT_AS_OBJECT_RE.match(segment, student.start())
    ):
        return Seniority.STUDENT
    segment = _ROLE_OWNER_RE.sub("staff", segment)
    best = Seniority.UNKNOWN
    for pattern, level in _RULES:
        if RANK[level] > RANK[best] and pattern.search(segment):
            best = level
    return best


_DEPARTMENTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"\b(?:marketing|pemasaran|growth|brand|demand gen\w*|cmo|komunikasi)\b", "marketing"),
        (r"\b(?:sales|penjualan|revenue|business development|bd|account|cro)\b", "sales"),
        (
            r"\b(?:it|ti|teknologi informasi|information technology|technology|teknologi"
            r"|engineering|engineer|developer|software|data|cto|cio|ciso|security)\b",
            "it",
        ),
        (r"\b(?:finance|keuangan|financial|accounting|akuntansi|cfo|treasury|pajak)\b", "finance"),
        (
            r"\b(?:hr|human resources|people|talent|sdm|sumber daya manusia|personalia"
            r"|recruit\w*|chro)\b",
            "hr",
        ),
        (r"\b(?:operations|operasional|operasi|ops|coo|supply chain|logistik)\b", "operations"),
        (r"\b(?:product|produk|cpo)\b", "product"),
        (r"\b(?:customer success|customer service|support|layanan pelanggan)\b", "customer"),
        (
            r"\b(?:ceo|founder|pendiri|owner|pemilik|direktur utama|presiden|president)\b",
            "executive",
        ),
    )
)


@lru_cache(maxsize=16384)
def department(title: str | None) -> str | None:
    """The department a title names (marketing, sales, it, finance, hr, ...), or None."""
    if not title:
        return None
    normalised = normalise_title(title)
    for pattern, name in _DEPARTMENTS:
        if pattern.search(normalised):
            return name
    return None
