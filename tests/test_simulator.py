"""The platform simulator writes what a bureau would receive, and exactly the invalid rows it says.

A small independent reader (below) reads the batches back the way the contract describes them, so
these tests check the files themselves, not the simulator's own bookkeeping.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipelines.contract import fold, label_key, load_contract
from pipelines.contract.warehouse import LIST_SEPARATOR, REJECT_KINDS
from pipelines.simulate import SimConfig, simulate
from pipelines.simulate.__main__ import main as cli_main
from pipelines.simulate.uscc import is_valid as uscc_valid
from pipelines.workcalendar import add_working_days, covered_years

C = load_contract()
BOM = b"\xef\xbb\xbf"
DATE_FORMS = (
    ("cn", re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")),
    ("slash/", re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})/$")),
    ("slash", re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")),
    ("iso", re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
)


# ----------------------------------------------------------------------------------------- reader
def read_cells(path: Path) -> tuple[str, list[list]]:
    """(format, rows including the header row) of one export file."""
    if path.suffix == ".xlsx":
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        return "xlsx", rows
    raw = path.read_bytes()
    if raw.startswith(BOM):
        fmt, text = "csv-utf-8-sig", raw[3:].decode("utf-8")
    else:
        try:
            fmt, text = "csv-utf-8", raw.decode("utf-8")
        except UnicodeDecodeError:
            fmt, text = "csv-gb18030", raw.decode("gb18030")
    return fmt, list(csv.reader(io.StringIO(text, newline="")))


def parse_date(v):
    if isinstance(v, dt.datetime):
        return v.date(), "excel"
    if isinstance(v, dt.date):
        return v, "excel"
    for form, rx in DATE_FORMS:
        m = rx.match(v)
        if m:
            try:
                return dt.date(*map(int, m.groups())), form
            except ValueError:
                return None, form
    return None, None


def check_cell(col, v):
    """(clean value, problem kind or None) for one cell."""
    if isinstance(v, str):
        v = fold(v).strip()
    if v == "" or v is None:
        return None, ("missing_required" if col.required else None)
    if col.type == "date":
        d, _ = parse_date(v)
        return (d, None) if d else (None, "bad_date")
    if col.type == "int":
        if isinstance(v, float) and v.is_integer():
            return int(v), None
        return (int(v), None) if re.fullmatch(r"-?\d+", str(v)) else (None, "bad_number")
    if col.type in ("bool", "enum"):
        lookup = C.enum_lookup("bool" if col.type == "bool" else col.enum)
        label = lookup.get(label_key(str(v)))
        if label is None:
            return None, "bad_bool" if col.type == "bool" else "bad_enum"
        return (label == next(iter(C.enums["bool"]))) if col.type == "bool" else label, None
    if col.type == "list":
        lookup = C.enum_lookup(col.enum)
        labels = [lookup.get(label_key(x)) for x in str(v).split(LIST_SEPARATOR)]
        return (tuple(labels), None) if all(labels) else (None, "bad_enum")
    v = str(v)
    if col.type == "uscc":
        return (v, None) if uscc_valid(v) else (None, "bad_uscc")
    if col.type == "code" and not re.fullmatch(col.pattern, v):
        return None, "bad_code"
    return v, None


def read_landing(out: Path) -> dict:
    """Every file of every batch: rows with their problems, plus the raw cells for style checks."""
    files = []
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(folder.iterdir()):
            entity = C.entity_for_file(path.name)
            fmt, rows = read_cells(path)
            header_map = {}
            for col in entity.columns:
                for h in col.headers:
                    header_map[label_key(h)] = col
            cols = [header_map.get(label_key(str(h))) for h in rows[0]]
            parsed = []
            for r, raw in enumerate(rows[1:], start=2):
                rec, problems = {}, []
                for col, v in zip(cols, raw):
                    value, kind = check_cell(col, v)
                    rec[col.name] = value
                    if kind:
                        problems.append(kind)
                parsed.append((r, rec, problems, raw))
            files.append({"batch": folder.name, "file": path.name, "entity": entity, "format": fmt,
                          "headers": rows[0], "cols": cols, "rows": parsed})
    return {"files": files}


def latest(landing: dict, entity: str) -> dict:
    """Current version of each record: the last valid row for its natural key, batches in order."""
    ent = C.entity(entity)
    out = {}
    for f in landing["files"]:
        if f["entity"].name != entity:
            continue
        for _, rec, problems, _ in f["rows"]:
            if not problems:
                out[tuple(rec[k] for k in ent.natural_key)] = rec
    return out


def truth_rows(out: Path) -> list[dict]:
    with open(out / ".simulator" / "invalid_rows.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def tree_hashes(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


# ----------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("landing")
    params = simulate(SimConfig(years=(2020, 2021), seed=7, scale=0.1), out)
    return out, params, read_landing(out)


# ----------------------------------------------------------------------------------------- tests
def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path):
    cfg = SimConfig(years=(2021,), seed=11, scale=0.03)
    simulate(cfg, tmp_path / "a")
    simulate(cfg, tmp_path / "b")
    simulate(SimConfig(years=(2021,), seed=12, scale=0.03), tmp_path / "c")
    a, b, c = (tree_hashes(tmp_path / x) for x in "abc")
    assert any(k.endswith(".xlsx") for k in a)
    assert a == b
    assert a != c


def test_batch_folders_are_named_by_export_date_and_sort_chronologically(run):
    out, params, landing = run
    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert len(folders) == 24 == params["batches"]
    months = []
    for name in folders:
        m = re.match(C.batch_folder_pattern, name)
        assert m, name
        months.append({f.name.rsplit("_", 1)[1][:6] for f in (out / name).iterdir()})
    data_months = [next(iter(m)) for m in months]
    assert all(len(m) == 1 for m in months)  # one data month per batch
    assert data_months == sorted(data_months) and len(set(data_months)) == 24
    for name, ym in zip(folders, data_months):
        y, mo = int(ym[:4]), int(ym[4:])
        last_day = dt.date(y + (mo == 12), 1 if mo == 12 else mo + 1, 1) - dt.timedelta(days=1)
        assert name[:8] == add_working_days(last_day, 1).strftime("%Y%m%d")  # first working day after
    assert folders[0].startswith("20200203")  # the 2020 Spring Festival was extended to 02-02


def test_file_names_carry_the_contract_label_and_month(run):
    _, _, landing = run
    for f in landing["files"]:
        label, rest = f["file"].rsplit("_", 1)
        assert label == f["entity"].file_label
        stem, ext = rest.split(".")
        assert re.fullmatch(r"\d{6}", stem) and ext in C.file_extensions


def test_every_header_is_a_contract_header_or_synonym_and_every_column_is_there(run):
    _, _, landing = run
    synonyms_used = 0
    for f in landing["files"]:
        assert None not in f["cols"], (f["file"], f["headers"])
        assert [c.name for c in f["cols"]] == [c.name for c in f["entity"].columns]
        synonyms_used += sum(h != c.header for h, c in zip(f["headers"], f["cols"]))
    assert synonyms_used > 0


def test_invalid_row_ground_truth_is_exactly_what_the_files_hold(run):
    out, params, landing = run
    found = set()
    for f in landing["files"]:
        for r, _, problems, _ in f["rows"]:
            assert len(problems) <= 1, (f["file"], r, problems)
            for kind in problems:
                found.add((f["batch"], f["file"], r, f["entity"].name, REJECT_KINDS[kind]))
    truth = {(t["batch_id"], t["file_name"], int(t["row_number"]), t["entity"], t["reason_kind"])
             for t in truth_rows(out)}
    assert len(truth) == len(truth_rows(out))
    assert found == truth
    kinds = {k for *_, k in truth}
    assert kinds == {REJECT_KINDS[k] for k in ("bad_uscc", "missing_required", "bad_enum", "bad_date")}
    n_rows = sum(len(f["rows"]) for f in landing["files"])
    assert 0.001 < len(truth) / n_rows < 0.006
    assert len({e for *_, e, _ in truth}) >= 3  # spread across entities


def test_uscc_check_digits_are_valid_except_in_the_recorded_rows(run):
    out, _, landing = run
    recorded = {(t["file_name"], int(t["row_number"])) for t in truth_rows(out)
                if t["reason_kind"] == REJECT_KINDS["bad_uscc"]}
    checked = 0
    for f in landing["files"]:
        pos = [i for i, c in enumerate(f["cols"]) if c.type == "uscc"]
        for r, _, _, raw in f["rows"]:
            for i in pos:
                checked += 1
                assert uscc_valid(fold(str(raw[i])).strip()) != ((f["file"], r) in recorded)
    assert checked > 10_000


def test_no_file_holds_a_natural_key_twice(run):
    _, _, landing = run
    for f in landing["files"]:
        keys = [tuple(rec[k] for k in f["entity"].natural_key) for _, rec, problems, _ in f["rows"] if not problems]
        assert len(keys) == len(set(keys)), f["file"]


def test_both_csv_encodings_with_and_without_bom_and_xlsx_are_written(run):
    _, params, landing = run
    formats = Counter(f["format"] for f in landing["files"])
    assert set(formats) == {"csv-utf-8", "csv-utf-8-sig", "csv-gb18030", "xlsx"}
    assert formats == Counter(params["files_by_format"])


def test_real_world_variety_is_present(run):
    _, _, landing = run
    date_forms, fullwidth, spaces, breaks, variants = Counter(), 0, 0, 0, 0
    for f in landing["files"]:
        for _, _, _, raw in f["rows"]:
            for col, v in zip(f["cols"], raw):
                if col.type == "date" and v != "":
                    date_forms[parse_date(fold(v).strip() if isinstance(v, str) else v)[1]] += 1
                if isinstance(v, str) and v:
                    fullwidth += any(0xFF01 <= ord(ch) <= 0xFF5E for ch in v)
                    spaces += v != v.strip()
                    breaks += "\n" in v
                    if col.type == "enum" and v not in C.enums[col.enum]:
                        variants += 1
    assert {"cn", "slash", "slash/", "iso", "excel"} <= set(date_forms)
    assert fullwidth > 20 and spaces > 20 and breaks > 0 and variants > 100


def test_department_names_resolve_by_full_or_short_name(run):
    _, _, landing = run
    depts = latest(landing, "department")
    names = {}
    for d in depts.values():
        names[re.sub(r"\s+", "", d["dept_name"])] = d["dept_code"]
        names[re.sub(r"\s+", "", d["dept_short_name"])] = d["dept_code"]
    forms = Counter()
    for f in landing["files"]:
        if f["entity"].name == "department":
            continue
        for _, rec, problems, _ in f["rows"]:
            for col in f["entity"].columns:
                if col.name.endswith("dept_name") and rec.get(col.name):
                    v = rec[col.name]
                    assert re.sub(r"\s+", "", v) in names, v
                    forms["short" if v in {d["dept_short_name"] for d in depts.values()} else
                          "spaced" if v != re.sub(r"\s+", "", v) else "full"] += 1
    assert set(forms) == {"full", "short", "spaced"}


def test_member_departments_and_jurisdictions_of_fushun(run):
    _, _, landing = run
    regions = latest(landing, "jurisdiction")
    assert sorted(k[0] for k in regions) == ["210400", "210402", "210403", "210404", "210411", "210421",
                                              "210422", "210423"]
    depts = latest(landing, "department")
    city = [d for d in depts.values() if d["region_code"] == "210400"]
    assert 20 <= sum(d["is_member"] for d in city) <= 35 and any(not d["is_member"] for d in city)
    for county in ("210402", "210422"):
        n = sum(d["region_code"] == county for d in depts.values())
        assert 0.35 * len(city) <= n <= 0.65 * len(city)


def test_object_register_mix(run):
    _, _, landing = run
    objects = latest(landing, "object")
    assert 15_000 < len(objects) < 20_000
    types = Counter(o["object_type"] for o in objects.values())
    labels = list(C.enums["object_type"])
    share = {t: types[t] / len(objects) for t in labels}
    assert 0.23 <= share[labels[0]] <= 0.29 and 0.69 <= share[labels[1]] <= 0.75
    assert 0.01 <= share[labels[2]] <= 0.03 and 0 < share[labels[3]] + share[labels[4]] < 0.02
    classes = Counter(o["credit_class"] for o in objects.values() if o["credit_class"])
    total = sum(classes.values())
    a, b, c, d = (classes[k] / total for k in C.enums["credit_class"])
    assert 0.40 <= a <= 0.50 and 0.35 <= b <= 0.45 and 0.08 <= c <= 0.12 and 0.02 <= d <= 0.05
    prefixes = Counter(code[:2] for (code,), o in objects.items() if o["object_type"] == labels[0])
    assert set(prefixes) == {"91"}
    counties = Counter(o["region_code"] for o in objects.values())
    assert len(counties) == 7 and min(counties.values()) > 0.08 * len(objects)


def test_task_mix_joint_temporary_surprise(run):
    _, params, landing = run
    tasks = latest(landing, "task")
    n = len(tasks)
    assert n == sum(y["tasks"] for y in params["per_year"].values())
    scope = list(C.enums["task_scope"])
    source = list(C.enums["task_source"])
    joint = sum(t["task_scope"] == scope[1] for t in tasks.values()) / n
    temporary = sum(t["task_source"] != source[0] for t in tasks.values()) / n
    assert 0.20 <= joint <= 0.30
    assert 0.10 <= temporary <= 0.30
    surprise = [t for t in tasks.values() if t["is_surprise"]]
    assert surprise and all(t["published_date"] is None for t in surprise)
    assert all(t["plan_id"] is None for t in tasks.values() if t["task_source"] != source[0])
    parts = latest(landing, "task_department")
    joint_ids = {k[0] for k, t in tasks.items() if t["task_scope"] == scope[1]}
    assert {k[0] for k in parts} == joint_ids
    per_task = Counter(k[0] for k in parts)
    assert all(2 <= per_task[t] <= 5 for t in joint_ids)
    ratio_texts = {t["sampling_ratio_text"] for t in tasks.values()}
    assert "100%" in ratio_texts and any("户" in r for r in ratio_texts)


def test_draws_rise_with_credit_risk_and_two_inspectors_per_object(run):
    _, _, landing = run
    # the register at the start of 2021 = the latest rows exported up to the December 2020 batch
    register = latest({"files": [f for f in landing["files"] if f["batch"] < "20210115"]}, "object")
    active = next(iter(C.enums["object_status"]))
    start_class = {k[0]: o["credit_class"] for k, o in register.items() if o["status"] == active}
    draws = latest(landing, "draw")
    drawn = {k[1] for k, d in draws.items() if d["draw_date"].year == 2021 and k[1] in start_class}
    base, hit = Counter(start_class.values()), Counter(start_class[u] for u in drawn)
    a, b, c, d = (hit[k] / base[k] for k in C.enums["credit_class"])
    assert a <= 0.05 and a < c < d and b < c and d >= 0.5
    modes = Counter(x["draw_mode"] for x in draws.values())
    assert len(modes) == 3
    assignments = latest(landing, "assignment")
    per_object = Counter((k[0], k[1]) for k in assignments)
    leaders = Counter((k[0], k[1]) for k, a in assignments.items() if a["is_team_leader"])
    assert sum(per_object.values()) / len(per_object) == pytest.approx(2, abs=0.1)
    assert set(leaders.values()) == {1}


def test_result_mix_and_exemptions(run):
    _, _, landing = run
    results = latest(landing, "result")
    n = len(results)
    cats = Counter(r["result_category"] for r in results.values())
    labels = list(C.enums["result_category"])
    ok, unpublished, false_info, unreachable, _, corrected, *_, uncooperative, _ = (cats[k] / n for k in labels)
    assert 0.75 <= ok <= 0.85
    assert 0.03 <= unreachable <= 0.10 and 0.03 <= unpublished <= 0.10
    assert 0.01 <= false_info <= 0.04 and 0.03 <= corrected <= 0.08 and uncooperative < 0.01
    exempt = [r for r in results.values() if r["nondisclosure_reason"]]
    assert exempt and all(r["published_date"] is None for r in exempt)


def test_publication_gets_more_punctual_after_2020_and_some_offices_stay_late(run):
    _, params, landing = run
    depts = latest(landing, "department")
    code_of = {re.sub(r"\s+", "", n): d["dept_code"] for d in depts.values() for n in (d["dept_name"], d["dept_short_name"])}
    late_counties = set(params["chronically_late_counties"])
    assert 1 <= len(late_counties) <= 2 and 2 <= len(params["chronically_late_departments"]) <= 3
    by_year, by_place = defaultdict(list), defaultdict(list)
    for r in latest(landing, "result").values():
        if r["nondisclosure_reason"]:
            continue
        on_time = bool(r["published_date"]) and r["published_date"] <= add_working_days(r["formed_date"], 10)
        by_year[r["formed_date"].year].append(on_time)
        region = code_of[re.sub(r"\s+", "", r["dept_name"])][:6]
        by_place[region in late_counties].append(on_time)
    year_rate = {k: sum(v) / len(v) for k, v in by_year.items()}
    late_place_rate = {k: sum(v) / len(v) for k, v in by_place.items()}
    assert year_rate[2020] < year_rate[2021]
    assert late_place_rate[True] < late_place_rate[False] - 0.05


def test_later_batches_restate_and_correct_records(run):
    _, _, landing = run
    seen = defaultdict(list)
    for f in landing["files"]:
        if f["entity"].name not in ("task", "result", "draw", "object"):
            continue
        for _, rec, problems, _ in f["rows"]:
            if not problems:
                key = (f["entity"].name, *(rec[k] for k in f["entity"].natural_key))
                seen[key].append(tuple(sorted((k, str(v)) for k, v in rec.items())))
    repeated = [v for v in seen.values() if len(v) > 1]
    assert any(len(set(v)) < len(v) for v in repeated)  # restated unchanged
    assert any(len(set(v)) > 1 for v in repeated)  # restated with a change


def test_params_and_ground_truth_files(run):
    out, params, landing = run
    saved = json.loads((out / ".simulator" / "params.json").read_text(encoding="utf-8"))
    assert saved == params
    assert saved["years"] == [2020, 2021] and saved["seed"] == 7 and saved["scale"] == 0.1
    rows = Counter()
    for f in landing["files"]:
        rows[f["entity"].name] += len(f["rows"])
    assert {k: v for k, v in saved["rows"].items() if v} == dict(rows)
    with open(out / ".simulator" / "invalid_rows.csv", encoding="utf-8") as fh:
        assert fh.readline().strip() == "batch_id,file_name,row_number,entity,reason_kind"


def test_cli_refuses_to_mix_with_earlier_output_and_years_past_the_calendar(tmp_path, capsys):
    args = ["--years", "2021", "--scale", "0.02", "--seed", "3", "--out", str(tmp_path), "--quiet"]
    assert cli_main(args) == 0
    assert cli_main(args) == 2
    assert "already holds" in capsys.readouterr().err
    assert cli_main(args + ["--overwrite"]) == 0
    # December's batch is exported in January: the last covered year cannot be simulated
    last = covered_years()[1]
    assert cli_main(["--years", str(last), "--scale", "0.02", "--out", str(tmp_path / "x"), "--quiet"]) == 2
    assert str(last + 1) in capsys.readouterr().err
    assert cli_main(["--years", "2019-2020", "--scale", "0.02", "--out", str(tmp_path / "y"), "--quiet"]) == 2
