"""Country normalisation: ISO 3166-1 alpha-2 codes, and common names (English and Bahasa
Indonesia) mapped to them. "Indonesia" -> ID, "Singapura" -> SG, "USA" -> US."""

from __future__ import annotations

import re

_CODES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW""".split()  # noqa: SIM905  (a list literal of 249 codes reads worse)
)

_NAMES: dict[str, str] = {
    "indonesia": "ID", "republik indonesia": "ID", "singapore": "SG", "singapura": "SG",
    "malaysia": "MY", "thailand": "TH", "philippines": "PH", "filipina": "PH",
    "vietnam": "VN", "viet nam": "VN", "australia": "AU", "new zealand": "NZ",
    "selandia baru": "NZ", "japan": "JP", "jepang": "JP", "south korea": "KR",
    "korea": "KR", "korea selatan": "KR", "china": "CN", "tiongkok": "CN", "hong kong": "HK",
    "taiwan": "TW", "india": "IN", "pakistan": "PK", "bangladesh": "BD", "sri lanka": "LK",
    "brunei": "BN", "brunei darussalam": "BN", "cambodia": "KH", "kamboja": "KH",
    "myanmar": "MM", "laos": "LA", "united states": "US", "united states of america": "US",
    "usa": "US", "us": "US", "u.s.": "US", "u.s.a.": "US", "america": "US",
    "amerika serikat": "US", "amerika": "US", "canada": "CA", "kanada": "CA", "mexico": "MX",
    "meksiko": "MX", "brazil": "BR", "brasil": "BR", "argentina": "AR", "chile": "CL",
    "colombia": "CO", "peru": "PE", "united kingdom": "GB", "uk": "GB", "u.k.": "GB",
    "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "inggris": "GB", "britania raya": "GB", "ireland": "IE", "irlandia": "IE",
    "germany": "DE", "jerman": "DE", "deutschland": "DE", "france": "FR", "prancis": "FR",
    "perancis": "FR", "netherlands": "NL", "the netherlands": "NL", "holland": "NL",
    "belanda": "NL", "belgium": "BE", "belgia": "BE", "spain": "ES", "spanyol": "ES",
    "italy": "IT", "italia": "IT", "portugal": "PT", "switzerland": "CH", "swiss": "CH",
    "swiss confederation": "CH", "austria": "AT", "sweden": "SE", "swedia": "SE",
    "norway": "NO", "norwegia": "NO", "denmark": "DK", "denmark kingdom": "DK",
    "finland": "FI", "finlandia": "FI", "poland": "PL", "polandia": "PL", "russia": "RU",
    "rusia": "RU", "turkey": "TR", "turkiye": "TR", "türkiye": "TR", "turki": "TR",
    "united arab emirates": "AE", "uae": "AE", "uni emirat arab": "AE", "saudi arabia": "SA",
    "arab saudi": "SA", "qatar": "QA", "israel": "IL", "egypt": "EG", "mesir": "EG",
    "south africa": "ZA", "afrika selatan": "ZA", "nigeria": "NG", "kenya": "KE",
}  # fmt: skip

_SPACES = re.compile(r"\s+")


def country_code(value: str) -> str | None:
    """The ISO alpha-2 code for a code or a common name; None when unknown."""
    cleaned = _SPACES.sub(" ", value.strip())
    if len(cleaned) == 2 and cleaned.upper() in _CODES:
        return cleaned.upper()
    return _NAMES.get(cleaned.lower())
