"""Division codes (GB/T 2260 to county level, statistics-bureau 12-digit codes below) and tenants."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from vc_contracts.codes import Normalised

# ASCII digits only: `Normalised` turns full-width digits into ASCII before these are checked.
_SIX = re.compile(r"^[1-9]\d{5}$", re.ASCII)
_TWELVE = re.compile(r"^[1-9]\d{11}$", re.ASCII)


def _check_division(code: str) -> str:
    if _SIX.match(code):
        return code
    if _TWELVE.match(code) and code[6:] != "000000":
        return code
    raise ValueError("行政区划代码须为6位（县级及以上，GB/T 2260）或12位（乡镇、村/社区）数字")


def _check_county(code: str) -> str:
    if not _SIX.match(code) or code.endswith("00"):
        raise ValueError("县级行政区划代码须为6位且末两位不为00")
    return code


# Published in the JSON Schema so consumers validating raw messages apply the same rule
# (no look-ahead: not every JSON Schema regex engine has it). 12 digits: the last six are not 000000.
_NOT_SIX_ZEROS = r"(00000[1-9]|0000[1-9]\d|000[1-9]\d{2}|00[1-9]\d{3}|0[1-9]\d{4}|[1-9]\d{5})"
DIVISION_CODE_PATTERN = rf"^[1-9]\d{{5}}{_NOT_SIX_ZEROS}?$"
COUNTY_CODE_PATTERN = r"^[1-9]\d{3}(0[1-9]|[1-9]\d)$"

DivisionCode = Annotated[
    str,
    Normalised,
    AfterValidator(_check_division),
    Field(
        description="GB/T 2260 six-digit code (province/city/county) or twelve-digit code (township/village)",
        json_schema_extra={"pattern": DIVISION_CODE_PATTERN},
    ),
]
CountyCode = Annotated[
    str,
    Normalised,
    AfterValidator(_check_county),
    Field(description="Six-digit county code", json_schema_extra={"pattern": COUNTY_CODE_PATTERN}),
]


PROVINCE_PREFIXES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})  # fmt: skip
"""The first two digits of every province-level division of GB/T 2260 (34: 11 Beijing … 65 Xinjiang,
71 Taiwan, 81 Hong Kong, 82 Macao). A code whose first two digits are not one of these names no
place: a scope of `990000` or `000000` would cover nothing any import can hold."""


def real_province(code: str) -> bool:
    """True when the division code's first two digits are a GB/T 2260 province (`PROVINCE_PREFIXES`)."""
    return code[:2] in PROVINCE_PREFIXES


def province_of(code: str) -> str:
    """The 6-digit province code of a division code (`621025...` -> `620000`)."""
    return code[:2] + "0000"


def city_of(code: str) -> str:
    """The 6-digit city code of a division code (`621025...` -> `621000`)."""
    return code[:4] + "00"


def county_of(code: str) -> str:
    """The 6-digit county code of a county or lower division code (its first six digits)."""
    return code[:6]


def level_of(code: str) -> str:
    """Level a valid division code is shaped for: province, city, county, township or village.

    Village and community codes share a shape (12 digits, last three not 000).
    """
    if len(code) == 12:
        return "township" if code.endswith("000") else "village"
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def contains(scope: str, code: str) -> bool:
    """True when division `code` lies inside (or is) the division `scope`.

    Codes are hierarchical by prefix: 62 (province) > 6210 (city) > 621025 (county) >
    621025100 (township, 9 digits of the 12) > 621025100201 (village).
    """
    return code.startswith(_prefix(scope))


def _prefix(code: str) -> str:
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
        return code
    if code.endswith("000"):  # township: 9 significant digits
        return code[:9]
    return code


class Tenant(BaseModel):
    """Who an event belongs to: province, city and (usually) county codes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    province: str = Field(pattern=r"^\d{2}0000$", description="Province code, e.g. 620000")
    city: str | None = Field(default=None, pattern=r"^\d{4}00$", description="City code, e.g. 621000")
    county: str | None = Field(default=None, pattern=r"^\d{6}$", description="County code, e.g. 621025")

    @classmethod
    def of(cls, division_code: str) -> Tenant:
        """The tenant a division belongs to (its province, city and county)."""
        prefix = _prefix(division_code)
        province = division_code[:2] + "0000"
        city = division_code[:4] + "00" if len(prefix) >= 4 else None
        county = division_code[:6] if len(prefix) >= 6 else None
        return cls(province=province, city=city, county=county)

    @property
    def narrowest(self) -> str:
        return self.county or self.city or self.province


def significant_prefix(code: str) -> str:
    """The digits every division inside `code` starts with (62, 6210, 621025, 621025100…)."""
    return _prefix(code)
