"""Seniority from free-text titles, English and Bahasa Indonesia: one big table."""

from __future__ import annotations

import pytest

from revalign.contract.schema import Seniority
from revalign.core.titles import department, normalise_title, seniority

C, VP, DIR, HEAD = Seniority.C_LEVEL, Seniority.VP, Seniority.DIRECTOR, Seniority.HEAD
MGR, IND, STU, UNK = Seniority.MANAGER, Seniority.INDIVIDUAL, Seniority.STUDENT, Seniority.UNKNOWN

TITLES: list[tuple[str | None, Seniority]] = [
    # C-level
    ("CEO", C),
    ("CEO & Founder", C),
    ("Chief Revenue Officer", C),
    ("Chief Executive Officer", C),
    ("Chief Information Security Officer", C),
    ("C.E.O.", C),
    ("cfo", C),
    ("CTO / Co-Founder", C),
    ("CISO", C),
    ("CPO", C),
    ("Co-founder", C),
    ("Cofounder", C),
    ("Founder", C),
    ("Pendiri", C),
    ("Co-Pendiri & Direktur", C),
    ("Owner", C),
    ("Business Owner", C),
    ("Pemilik", C),
    ("Pemilik Usaha", C),
    ("President", C),
    ("Presiden Direktur", C),
    ("Direktur Utama", C),
    ("Dirut", C),
    ("Managing Director", C),
    ("Managing Partner", C),
    ("Chairman", C),
    ("Komisaris Utama", C),
    # VP
    ("VP Sales", VP),
    ("V.P. of Engineering", VP),
    ("Vice President of Marketing", VP),
    ("Vice-President, Sales", VP),
    ("SVP", VP),
    ("EVP Operations", VP),
    ("Senior Vice President", VP),
    ("Executive Vice President", VP),
    ("Wakil Direktur", VP),
    ("Wakil Direktur Utama", VP),
    ("Wakil Presiden Direktur", VP),
    ("Wadir Keuangan", VP),
    # director
    ("Direktur Pemasaran", DIR),
    ("Direktur Keuangan", DIR),
    ("Director of Sales", DIR),
    ("Sr. Director", DIR),
    ("Sr Dir, Marketing", DIR),
    ("Senior Director, Product", DIR),
    ("Associate Director", DIR),
    ("Deputy Director", DIR),
    ("Director & Head of Growth", DIR),
    ("Dir. Operations", DIR),
    ("GM", DIR),
    ("General Manager", DIR),
    ("Country Manager", DIR),
    ("Chief of Staff", DIR),
    ("Anggota Direksi", DIR),
    # head
    ("Head of Growth", HEAD),
    ("Head of Student Affairs", HEAD),
    ("Department Head", HEAD),
    ("Kepala Divisi Pemasaran", HEAD),
    ("Kepala Bagian", HEAD),
    ("Kepala Bagian Keuangan", HEAD),
    ("Kadiv IT", HEAD),
    ("Kabag Umum", HEAD),
    ("Kepala Cabang", HEAD),
    # manager
    ("Manajer TI", MGR),
    ("Manager, IT", MGR),
    ("Marketing Mgr", MGR),
    ("Sr. Manager", MGR),
    ("Assistant Manager", MGR),
    ("Asisten Manajer Pemasaran", MGR),
    ("Supervisor", MGR),
    ("Penyelia", MGR),
    ("SPV Sales", MGR),
    ("Team Lead", MGR),
    ("Product Manager", MGR),
    ("Account Manager", MGR),
    # individual
    ("Staf Pemasaran", IND),
    ("Staff", IND),
    ("Software Engineer", IND),
    ("Marketing Executive", IND),
    ("Sales Representative", IND),
    ("Analis Keuangan", IND),
    ("Konsultan", IND),
    ("Assistant to the Director", IND),
    ("Executive Assistant", IND),
    ("Executive Assistant to the CEO", IND),
    ("Personal Assistant to the Managing Director", IND),
    ("Sekretaris Direksi", IND),
    ("Asisten Pribadi Direktur Utama", IND),
    ("Product Owner", IND),
    ("Management Trainee", IND),
    ("Internship Coordinator", IND),
    ("Karyawan", IND),
    # student
    ("Mahasiswa", STU),
    ("Mahasiswi Teknik", STU),
    ("Student", STU),
    ("Intern", STU),
    ("Marketing Intern", STU),
    ("Magang", STU),
    ("Magang Pemasaran", STU),
    ("PhD Candidate", STU),
    ("Pelajar", STU),
    # unknown
    (None, UNK),
    ("", UNK),
    ("   ", UNK),
    ("Marketing", UNK),
    ("—", UNK),
]


def test_table_is_large() -> None:
    assert len(TITLES) >= 60
    assert {level for _, level in TITLES} == set(Seniority)


@pytest.mark.parametrize(("title", "expected"), TITLES, ids=[repr(t) for t, _ in TITLES])
def test_seniority(title: str | None, expected: Seniority) -> None:
    assert seniority(title) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("C.E.O.", "ceo"),
        ("Sr. Mgr, Marketing", "senior manager | marketing"),
        ("VP Sales & Marketing", "vp sales and marketing"),
        ("Direktur Pemasaran (Jakarta)", "direktur pemasaran | jakarta"),
        ("Co-founder", "co founder"),
        ("Gérant", "gerant"),
        ("Head of Growth - APAC", "head of growth | apac"),
    ],
)
def test_normalise_title(title: str, expected: str) -> None:
    assert normalise_title(title) == expected


def test_case_and_spacing_do_not_matter() -> None:
    assert seniority("  vIcE   PRESIDENT  ") is VP
    assert seniority("DIREKTUR PEMASARAN") is DIR


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Direktur Pemasaran", "marketing"),
        ("VP Sales", "sales"),
        ("Manajer TI", "it"),
        ("Kepala Bagian Keuangan", "finance"),
        ("HR Manager", "hr"),
        ("Manajer SDM", "hr"),
        ("Accounting Manager", "finance"),
        ("CEO", "executive"),
        ("Staff", None),
        (None, None),
    ],
)
def test_department(title: str | None, expected: str | None) -> None:
    assert department(title) == expected
