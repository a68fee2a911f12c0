"""The demo as plain data, computed from a fixed seed without touching the database.

``build_plan()`` always returns the same units, people, memberships, terms, positions and
accounts: one ``random.Random(SEED)`` drives every choice, in a fixed order, and no choice
depends on today's date. The loader writes the plan; it also reads it again on later runs
to find the demo accounts' people by their party card numbers.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils.text import slugify

from dangbo.core.dates import add_years
from dangbo.core.text import fold
from dangbo.orgs.models import Role

from . import dongha as d
from .names import ETHNICITIES, HOMETOWNS, make_name, weighted

SEED = 2015
MIN_CELL, MAX_CELL = 15, 60
MIN_CELLS_PER_WARD, MAX_CELLS_PER_WARD = 6, 12
# Share of women among the leaders picked for a post, by where the post is.
FEMALE_LEADERS = {"military": 0.0, "police": 0.05}


@dataclass
class UnitSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    short_name: str = ""
    category: str = ""  # for cells: the profile of their members


@dataclass
class PersonSpec:
    full_name: str
    gender: str
    birth_date: dt.date | None
    joined_on: dt.date | None
    official_on: dt.date | None
    status: str
    hometown: str = ""
    ethnicity: str = "Kinh"
    party_card_number: str = ""

    @property
    def birth_year(self) -> int | None:
        return self.birth_date.year if self.birth_date else None


@dataclass
class MembershipSpec:
    person: int
    unit: str
    start: dt.date


@dataclass
class TermSpec:
    unit: str
    code: str
    name: str
    start: dt.date
    end: dt.date | None


@dataclass
class PositionSpec:
    person: int
    unit: str
    title: str
    body: str
    term: str | None
    start: dt.date
    end: dt.date | None
    role: int
    sort_order: int


@dataclass
class AccountSpec:
    username: str
    person: int
    email: str
    description: str


@dataclass
class Plan:
    units: list[UnitSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    memberships: list[MembershipSpec] = field(default_factory=list)
    terms: list[TermSpec] = field(default_factory=list)
    positions: list[PositionSpec] = field(default_factory=list)
    accounts: list[AccountSpec] = field(default_factory=list)


def _code(*parts: str) -> str:
    return "-".join(parts)


def _slug(text: str) -> str:
    return slugify(fold(text))


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.plan = Plan()
        self.cell_members: dict[str, list[int]] = {}
        self.ward_cells: dict[str, list[UnitSpec]] = {}
        self.agency_cells: dict[str, list[UnitSpec]] = {}
        self.terms: dict[tuple[str, str], TermSpec] = {}
        self.special: dict[str, int] = {}
        self.reserved: set[int] = set()

    # -- helpers ---------------------------------------------------------------------------

    def date_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def unit(self, code, name, kind, parent, short_name="", category="") -> UnitSpec:
        spec = UnitSpec(code, name, kind, parent, short_name, category)
        self.plan.units.append(spec)
        return spec

    # -- the tree --------------------------------------------------------------------------

    def build_tree(self) -> None:
        rng = self.rng
        province_code, province_name, province_short = d.PROVINCE
        city_code, city_name, city_short = d.CITY
        self.unit(province_code, province_name, "dang-bo-tinh", None, province_short)
        self.unit(city_code, city_name, "dang-bo-huyen", province_code, city_short)
        for suffix, name, short in d.BOARDS:
            self.unit(_code(city_code, suffix), name, "ban-tham-muu", city_code, short)
        schools = list(d.SCHOOL_PATRONS)
        brands = list(d.COMPANY_BRANDS)
        rng.shuffle(schools)
        rng.shuffle(brands)
        for suffix, name, short in d.WARDS:
            ward_code = _code(city_code, suffix)
            self.unit(ward_code, name, "dang-bo-xa", city_code, short)
            cells: list[tuple[str, str, str]] = [
                (f"kp{i}", f"Chi bộ Khu phố {i}", "residential")
                for i in range(1, rng.randint(4, 7) + 1)
            ]
            cells += [
                ("coquan", "Chi bộ Cơ quan phường", "office"),
                ("congan", "Chi bộ Công an phường", "police"),
                ("quansu", "Chi bộ Quân sự phường", "military"),
            ]
            if rng.random() < 0.6:
                cells.append(("tramyte", "Chi bộ Trạm Y tế phường", "health"))
            for _ in range(rng.randint(0, 2)):
                school = weighted(rng, d.SCHOOL_KINDS)
                patron = schools.pop()
                prefix = {"Trường Tiểu học": "th", "Trường Mầm non": "mn", "Trường THCS": "thcs"}
                cells.append(
                    (f"{prefix[school]}-{_slug(patron)}", f"Chi bộ {school} {patron}", "school")
                )
            for _ in range(rng.randint(0, 2)):
                brand = brands.pop()
                trade = rng.choice(d.COMPANY_TRADES)
                cells.append(
                    (f"cty-{_slug(brand)}", f"Chi bộ Công ty TNHH {trade} {brand}", "enterprise")
                )
            del cells[MAX_CELLS_PER_WARD:]
            assert len(cells) >= MIN_CELLS_PER_WARD  # noqa: S101 (4 residential + 3 agencies)
            self.ward_cells[ward_code] = [
                self.unit(_code(ward_code, suffix), name, "chi-bo", ward_code, category=category)
                for suffix, name, category in cells
            ]
        for suffix, name, cells in d.AGENCIES:
            agency_code = _code(city_code, suffix)
            self.unit(agency_code, name, "dang-bo-co-so", city_code)
            self.agency_cells[agency_code] = [
                self.unit(_code(agency_code, cell), cell_name, "chi-bo", agency_code, category=cat)
                for cell, cell_name, cat in cells
            ]

    @property
    def cells(self) -> list[UnitSpec]:
        return [u for u in self.plan.units if u.kind == "chi-bo"]

    def cell_sizes(self) -> list[int]:
        rng = self.rng
        raw = [rng.randint(*d.CELL_PROFILES[c.category]["size"]) for c in self.cells]
        scale = d.TARGET_MEMBERS / sum(raw)
        sizes = [min(MAX_CELL, max(MIN_CELL, round(r * scale))) for r in raw]
        missing = d.TARGET_MEMBERS - sum(sizes)
        while missing:
            i = rng.randrange(len(sizes))
            step = 1 if missing > 0 else -1
            if MIN_CELL <= sizes[i] + step <= MAX_CELL:
                sizes[i] += step
                missing -= step
        return sizes

    # -- people ----------------------------------------------------------------------------

    def person(
        self,
        cell: UnitSpec,
        *,
        gender: str | None = None,
        years: tuple[int, int] | None = None,
        name: str | None = None,
        joined_before: dt.date | None = None,
    ) -> int:
        rng = self.rng
        profile = d.CELL_PROFILES[cell.category]
        if gender is None:
            gender = "f" if rng.random() < profile["female"] else "m"
        if years is None:
            ranges = profile["years"]
            lo, hi, _weight = rng.choices(ranges, weights=[r[2] for r in ranges])[0]
        else:
            lo, hi = years
        birth = dt.date(rng.randint(lo, hi), 1, 1) + dt.timedelta(days=rng.randrange(365))
        adult = add_years(birth, 18)
        latest_official = add_years(d.LAST_DAY, -1)
        status = d.OFFICIAL
        if birth.year >= 1975 and joined_before is None and rng.random() < d.PROBATION_SHARE:
            status = d.PROBATION
            joined = self.date_between(latest_official + dt.timedelta(days=1), d.LAST_DAY)
        else:
            joined = add_years(birth, rng.randint(20, 35)) + dt.timedelta(days=rng.randrange(365))
            latest = min(latest_official, joined_before or latest_official)
            if joined > latest:
                joined = self.date_between(adult, latest)
        official = add_years(joined, 1) if status == d.OFFICIAL else None
        if cell.category == "residential" and birth.year <= 1962:
            # Retired members live and meet in their residential area.
            start = max(joined, add_years(birth, rng.randint(55, 62)))
        else:
            start = max(joined, self.date_between(dt.date(2005, 1, 1), dt.date(2023, 12, 31)))
        start = min(start, d.LAST_DAY)
        self.plan.people.append(
            PersonSpec(
                full_name=name or make_name(rng, gender),
                gender=gender,
                birth_date=birth,
                joined_on=joined,
                official_on=official,
                status=status,
                hometown=weighted(rng, HOMETOWNS),
                ethnicity=weighted(rng, ETHNICITIES),
            )
        )
        index = len(self.plan.people) - 1
        self.plan.memberships.append(MembershipSpec(index, cell.code, start))
        self.cell_members.setdefault(cell.code, []).append(index)
        return index

    def build_people(self) -> None:
        city = d.CITY[0]
        # The people the demo accounts and the seed article need, by cell:
        # (key, gender, birth years, admitted before).
        specials: dict[str, list[tuple[str, str | None, tuple[int, int], dt.date | None]]] = {
            f"{city}-phuong1-kp1": [
                ("bithu.chibo", None, (1955, 1964), dt.date(1995, 1, 1)),
                ("dangvien", None, (1978, 1990), None),
            ],
            f"{city}-phuong1-coquan": [("bithu.phuong1", "m", (1970, 1980), dt.date(2008, 1, 1))],
            f"{city}-dongluong-coquan": [
                ("bithu.dongluong", "f", (1970, 1980), dt.date(2008, 1, 1))
            ],
            f"{city}-cqdang-vanphong": [
                ("hst", "m", (1962, 1970), dt.date(1998, 1, 1)),
                ("vanphong", "f", (1985, 1993), dt.date(2015, 1, 1)),
            ],
        }
        for cell, size in zip(self.cells, self.cell_sizes(), strict=True):
            for key, gender, years, joined_before in specials.get(cell.code, []):
                self.special[key] = self.person(
                    cell,
                    gender=gender,
                    years=years,
                    joined_before=joined_before,
                    name=d.SEED_AUTHOR if key == "hst" else None,
                )
            while len(self.cell_members.get(cell.code, [])) < size:
                self.person(cell)
        # Hồ Sỹ Trung is a real person: give him no invented birth date or hometown.
        hst = self.plan.people[self.special["hst"]]
        hst.birth_date = hst.joined_on = hst.official_on = None
        hst.hometown = ""
        hst.ethnicity = "Kinh"
        self.reserved = set(self.special.values())
        cards = self.rng.sample(range(10_000_000, 100_000_000), len(self.plan.people))
        for person, card in zip(self.plan.people, cards, strict=True):
            person.party_card_number = str(card)

    # -- terms and positions ---------------------------------------------------------------

    def term(self, unit: str, code: str, start: dt.date, end: dt.date | None) -> TermSpec:
        first, last = code.split("-")
        spec = TermSpec(unit, code, f"Nhiệm kỳ {first}–{last}", start, end)
        self.plan.terms.append(spec)
        self.terms[unit, code] = spec
        return spec

    def build_terms(self) -> None:
        city = d.CITY[0]
        for (code, start), following in zip(d.CITY_TERMS, [*d.CITY_TERMS[1:], None], strict=True):
            self.term(city, code, start, following[1] - dt.timedelta(days=1) if following else None)
        for ward in self.ward_cells:
            (c1, lo1, hi1), (c2, lo2, hi2) = d.WARD_TERM_WINDOWS
            first = self.date_between(lo1, hi1)
            second = self.date_between(lo2, hi2)
            self.term(ward, c1, first, second - dt.timedelta(days=1))
            self.term(ward, c2, second, None)

    def position(self, person: int, unit: str, slot: tuple, *, start, end=None, term=None):
        title, body, role, order = slot
        self.plan.positions.append(
            PositionSpec(person, unit, title, body, term, start, end, int(role), order)
        )
        # A holder has been a member of their cell since at least the start of the position.
        membership = self.plan.memberships[person]
        joined = self.plan.people[person].joined_on
        if membership.start > start:
            membership.start = max(start, joined) if joined else start

    def eligible(self, pool, on: dt.date, years=(1950, 1992), exclude=()) -> list[int]:
        people = self.plan.people
        ready = add_years(on, -3)
        return [
            i
            for i in pool
            if i not in self.reserved
            and i not in exclude
            and people[i].status == d.OFFICIAL
            and people[i].joined_on is not None
            and people[i].joined_on <= ready
            and years[0] <= people[i].birth_date.year <= years[1]
        ]

    def pick(self, pool, on: dt.date, years=(1950, 1992), exclude=(), female=0.25) -> int:
        """Someone from ``pool`` fit for a post on ``on``; about ``female`` of them women."""
        candidates = self.eligible(pool, on, years, exclude) or self.eligible(
            pool, on, (1900, 2100), exclude
        )
        if not candidates:  # pragma: no cover - the sizes above leave plenty of people
            raise RuntimeError("no candidate left for a position")
        gender = "f" if self.rng.random() < female else "m"
        preferred = [i for i in candidates if self.plan.people[i].gender == gender]
        return self.rng.choice(preferred or candidates)

    def members_of(self, cells) -> list[int]:
        return [i for cell in cells for i in self.cell_members[cell.code]]

    def build_cell_committees(self) -> dict[str, int]:
        """Current chi ủy of every cell; returns each cell's secretary."""
        rng = self.rng
        first_cell = f"{d.CITY[0]}-phuong1-kp1"
        secretaries: dict[str, int] = {}
        for cell in self.cells:
            pool = self.cell_members[cell.code]
            start = self.date_between(*d.CELL_CONGRESS_WINDOW)
            if cell.code == first_cell:
                secretary = self.special["bithu.chibo"]
            else:
                secretary = self.pick(pool, start, (1950, 1988))
            secretaries[cell.code] = secretary
            self.position(secretary, cell.code, d.CELL_SECRETARY, start=start)
            taken = {secretary}
            deputy = self.pick(pool, start, (1955, 1992), taken, female=0.4)
            taken.add(deputy)
            self.position(deputy, cell.code, d.CELL_DEPUTY, start=start)
            for _ in range(rng.randint(1, 3)):
                member = self.pick(pool, start, (1950, 1995), taken, female=0.45)
                taken.add(member)
                self.position(member, cell.code, d.CELL_MEMBER, start=start)
        return secretaries

    def build_wards(self, secretaries: dict[str, int]) -> dict[str, dict[str, int]]:
        """Ward committees for both terms; returns each term's ward secretaries."""
        rng = self.rng
        accounts = {
            f"{d.CITY[0]}-phuong1": "bithu.phuong1",
            f"{d.CITY[0]}-dongluong": "bithu.dongluong",
        }
        ward_secretaries: dict[str, dict[str, int]] = {}
        for ward, cells in self.ward_cells.items():
            by_category: dict[str, list[int]] = {}
            for cell in cells:
                by_category.setdefault(cell.category, []).extend(self.cell_members[cell.code])
            everyone = self.members_of(cells)
            previous: dict[str, int] = {}
            previous_bch: list[int] = []
            for term_code, *_window in d.WARD_TERM_WINDOWS:
                term = self.terms[ward, term_code]
                current = term.end is None
                on = term.start
                used: set[int] = set()
                holders: dict[str, int] = {}
                for key, title, body, role, order, category in d.WARD_SLOTS:
                    pool = by_category[category]
                    if current and key == "bithu" and ward in accounts:
                        person = self.special[accounts[ward]]
                    elif current and key == "bithu" and previous and rng.random() < 0.5:
                        person = previous["pbt-tt"]  # the deputy moves up
                    else:
                        person = self.choose(previous, key, category, pool, on, used)
                    if person in used:
                        person = self.pick(pool, on, (1960, 1988), used, 0.2)
                    used.add(person)
                    holders[key] = person
                    self.position(
                        person,
                        ward,
                        (title, body, role, order),
                        start=on,
                        end=term.end,
                        term=term_code,
                    )
                ordinary = rng.randint(*d.WARD_BCH_SIZE) - len(d.WARD_SLOTS)
                bch: list[int] = []
                if current:
                    carried = [p for p in previous_bch if p not in used and rng.random() < 0.5]
                    local = [
                        secretaries[c.code]
                        for c in cells
                        if secretaries[c.code] not in used
                        and secretaries[c.code] not in self.reserved
                    ]
                    rng.shuffle(local)
                    for person in [*carried, *local]:
                        if len(bch) < ordinary and person not in bch:
                            bch.append(person)
                while len(bch) < ordinary:
                    bch.append(self.pick(everyone, on, (1950, 1988), used | set(bch), 0.3))
                for person in bch:
                    used.add(person)
                    self.position(
                        person,
                        ward,
                        (d.WARD_BCH_TITLE, d.BCH, Role.VIEW, 60),
                        start=on,
                        end=term.end,
                        term=term_code,
                    )
                ward_secretaries.setdefault(term_code, {})[ward] = holders["bithu"]
                previous, previous_bch = holders, bch
        return ward_secretaries

    def choose(
        self, previous: dict[str, int], key: str, place: str, pool, on, used: set[int]
    ) -> int:
        """Re-elect the previous holder of ``key`` now and then, else pick someone new."""
        holder = previous.get(key)
        if (
            holder is not None
            and holder not in used
            and holder not in self.reserved
            and self.rng.random() < 0.35
        ):
            return holder
        female = FEMALE_LEADERS.get(place, 0.2)
        return self.pick(pool, on, (1960, 1980), used | set(previous.values()), female)

    def build_city(self, ward_secretaries: dict[str, dict[str, int]]) -> None:
        rng = self.rng
        city = d.CITY[0]
        agency = {suffix: f"{city}-{suffix}" for suffix, _n, _c in d.AGENCIES}
        committees = {
            suffix: name.replace("Đảng bộ", "Đảng ủy", 1) for suffix, name, _c in d.AGENCIES
        }
        front = f"{agency['cqdang']}-mttq"
        pools = {
            "party": [
                i
                for c in self.agency_cells[agency["cqdang"]]
                if c.code != front
                for i in self.cell_members[c.code]
            ],
            "front": self.cell_members[front],
            "government": self.members_of(self.agency_cells[agency["cqcq"]]),
            "military": self.members_of(self.agency_cells[agency["quansu"]]),
            "police": self.members_of(self.agency_cells[agency["congan"]]),
        }
        previous: dict[str, int] = {}
        previous_bch: list[int] = []
        for term_code, _start in d.CITY_TERMS:
            term = self.terms[city, term_code]
            on, end = term.start, term.end
            used: set[int] = set()
            holders: dict[str, int] = {}
            for key, title, body, role, order, place in d.CITY_TT:
                if term_code == d.CITY_TERMS[0][0] and key == "pbt-tt":
                    person = self.special["hst"]  # the seed article's author, 2015–2020
                elif key == "bithu":
                    person = self.pick(
                        pools[place], on, (1958, 1975), used | set(previous.values()), 0.1
                    )
                else:
                    person = self.choose(previous, key, place, pools[place], on, used)
                used.add(person)
                holders[key] = person
                self.position(
                    person, city, (title, body, role, order), start=on, end=end, term=term_code
                )
            # The Standing Deputy Secretary also chairs the People's Council.
            self.position(holders["pbt-tt"], city, d.CITY_HDND, start=on, end=end, term=term_code)
            for i, (key, title, head_title, board, place) in enumerate(d.CITY_BTV):
                person = self.choose(previous, key, place, pools[place], on, used)
                used.add(person)
                holders[key] = person
                self.position(
                    person,
                    city,
                    (title, d.BTV, Role.VIEW, 40 + i),
                    start=on,
                    end=end,
                    term=term_code,
                )
                if head_title:
                    self.position(
                        person,
                        f"{city}-{board}",
                        (head_title, "", Role.MANAGE, 10),
                        start=on,
                        end=end,
                    )
            # The rest of the executive committee: ward secretaries and agency cadres.
            ordinary = d.CITY_BCH_SIZE - len(d.CITY_TT) - len(d.CITY_BTV)
            bch = [
                p
                # A city congress after the wards' last one elects their current secretaries.
                for p in ward_secretaries.get(term_code, ward_secretaries[d.WARD_TERM_WINDOWS[-1][0]]).values()
                if p not in self.reserved and p not in used
            ]
            for person in previous_bch:
                if person not in used and person not in bch and rng.random() < 0.5:
                    bch.append(person)
            del bch[ordinary:]
            everyone = pools["party"] + pools["front"] + pools["government"]
            while len(bch) < ordinary:
                bch.append(self.pick(everyone, on, (1962, 1985), used | set(bch), 0.3))
            for person in bch:
                used.add(person)
                self.position(
                    person,
                    city,
                    (d.CITY_BCH_TITLE, d.BCH, Role.VIEW, 60),
                    start=on,
                    end=end,
                    term=term_code,
                )
            # Agency committees; by custom the city secretary also leads the military one.
            leaders = {
                "cqdang": (holders["vp"], None),
                "cqcq": (holders["pct"], None),
                "quansu": (holders["bithu"], holders["qs"]),
                "congan": (holders["ca"], None),
            }
            for suffix, (secretary, deputy) in leaders.items():
                unit = agency[suffix]
                if deputy is None:
                    pool = self.members_of(self.agency_cells[unit])
                    deputy = self.pick(pool, on, (1965, 1985), used | {secretary}, 0.15)
                    used.add(deputy)
                title, body, role, order = d.AGENCY_SECRETARY
                self.position(
                    secretary,
                    unit,
                    (f"{title} {committees[suffix]}", body, role, order),
                    start=on,
                    end=end,
                )
                title, body, role, order = d.AGENCY_DEPUTY
                self.position(
                    deputy,
                    unit,
                    (f"{title} {committees[suffix]}", body, role, order),
                    start=on,
                    end=end,
                )
            previous, previous_bch = holders, bch

    def build_accounts(self) -> None:
        city = d.CITY[0]
        clerk = self.special["vanphong"]
        self.position(clerk, city, (d.CLERK_TITLE, "", Role.ADMIN, 200), start=dt.date(2019, 3, 1))
        descriptions = {
            "vanphong": "Chuyên viên Văn phòng Thành ủy – quản trị toàn thành phố",
            "bithu.phuong1": "Bí thư Đảng ủy Phường 1",
            "bithu.dongluong": "Bí thư Đảng ủy phường Đông Lương",
            "bithu.chibo": "Bí thư Chi bộ Khu phố 1, Phường 1",
            "dangvien": "Đảng viên Chi bộ Khu phố 1, Phường 1",
        }
        for username, description in descriptions.items():
            self.plan.accounts.append(
                AccountSpec(
                    username, self.special[username], f"{username}@dongha.example", description
                )
            )

    def build(self) -> Plan:
        self.build_tree()
        self.build_people()
        self.build_terms()
        secretaries = self.build_cell_committees()
        ward_secretaries = self.build_wards(secretaries)
        self.build_city(ward_secretaries)
        self.build_accounts()
        return self.plan


def build_plan(seed: int = SEED) -> Plan:
    """The whole demo as data. Same seed, same plan, on any machine."""
    return _Builder(seed).build()
