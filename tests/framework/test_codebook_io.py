"""Codebook import and export: CSV and REFI-QDA, round trips, real files from other tools, bad input.

Every test runs on SQLite and on PostgreSQL through the ``project`` fixture. Files are
built in ``tmp_path``; the real .qdpx projects written by NVivo, QualCoder and ATLAS.ti
live in the shared data folder beside the repository.
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from framework.codebook import add_theme, find_theme, theme_paths
from framework.codebook_io import (
    ImportSummary, definition_to_description, description_to_definition, export_codebook_csv,
    export_codebook_qdc, import_codebook_csv, import_codebook_qdc,
)
from framework.errors import CharterError
from models import Theme
from models.project import create_project

REPO = Path(__file__).resolve().parents[2]
# The team's shared test data (REFI-QDA schemas, projects written by other tools) sits
# beside the repository, as in CI; CHARTER_SHARED_DATA points elsewhere if needed.
SHARED_DATA = Path(os.environ.get("CHARTER_SHARED_DATA", REPO.parent / "shared" / "data"))
XSD = SHARED_DATA / "refi-schema" / "Codebook-from-spec.xsd"
QDPX = SHARED_DATA / "qdpx"

# One theme from each real project, checked field by field after import.
REAL_FILES = {
    "cproctor_nvivo_project.qdpx": ("rq1_definition/competencies/programming", None, ""),
    "cproctor_qc_demo.qdpx": ("rq1_definition/framings/cs_as_programming/programming", None, ""),
    "skyloom_TestProject.qdpx": ("Coke::diet Coke", "#966450", "non sucré"),
}


@pytest.fixture
def fresh_project(project, request, tmp_path):
    """A second empty project on the same back end as ``project``, to import into."""
    if project.backend == "postgresql":
        location = request.getfixturevalue("postgres_cluster").create_database()
    else:
        location = str(tmp_path / "fresh.charter")
    created = create_project(location, name="Fresh study")
    yield created
    created.close()


def build_codebook(session) -> None:
    """A small framework with every awkward thing a codebook holds."""
    barriers = add_theme(
        session, "Barriers", colour="#D55E00", description="Things that get in the way.\nOf any kind.",
        use_when="A participant names an obstacle.", dont_use_when="It was overcome; use Facilitators.",
        example="“We never had the budget, ever.”",
    )
    add_theme(session, 'Cost, money & "budget"', parent_id=barriers, colour="#cc79a7",
              description="Funding, fees, <pay>.")
    time = add_theme(session, "Time/scheduling", parent_id=barriers, use_when="Rotas; shifts.\nHolidays too.")
    add_theme(session, "Shift work", parent_id=time, example="Nights, mostly.")
    facilitators = add_theme(session, "Facilitators", colour="#009E73")
    add_theme(session, "Strong leadership", parent_id=facilitators, dont_use_when="Leadership is only mentioned.")
    add_theme(session, "Équipe soignante 🩺", parent_id=facilitators)
    add_theme(session, "Other")


def snapshot(project) -> dict[str, tuple]:
    """Each theme by path: colour, definition fields and its place among its siblings."""
    with project.transaction("read") as session:
        paths = theme_paths(session)
        return {
            paths[theme.id]: (theme.colour, theme.description, theme.use_when, theme.dont_use_when,
                              theme.example, theme.position)
            for theme in session.scalars(select(Theme))
        }


def guids(project) -> dict[str, str]:
    with project.transaction("read") as session:
        paths = theme_paths(session)
        return {paths[theme.id]: theme.guid for theme in session.scalars(select(Theme))}


def theme_count(project) -> int:
    with project.transaction("read") as session:
        return session.scalar(select(func.count()).select_from(Theme))


def assert_one_sentence(message: str, *names: str) -> None:
    assert message.endswith(".") and "\n" not in message
    assert not re.search(r"\.\s+[A-Z]", message), message
    for name in names:
        assert name in message, message


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def qdc(body: str, *, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> str:
    return f'{prolog}<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test"><Codes>{body}</Codes></CodeBook>'


def code(name: str, guid: str, inner: str = "", **attributes: str) -> str:
    extra = "".join(f' {key}="{value}"' for key, value in attributes.items())
    return f'<Code guid="{guid}" name="{name}" isCodable="true"{extra}>{inner}</Code>'


GUID_A = "0f8a1907-7e42-4739-8610-a676b4d1b69f"
GUID_B = "d2c1e38e-5220-42fa-a442-908471cc7964"
GUID_C = "7988dac2-adbd-4258-a81e-71489189f5b5"


# ------------------------------------------------------------------ CSV


def test_csv_round_trip_into_a_fresh_project(project, fresh_project, tmp_path):
    with project.transaction("build") as session:
        build_codebook(session)
    exported = tmp_path / "codebook.csv"
    with project.transaction("export") as session:
        assert export_codebook_csv(session, exported) == 8

    with fresh_project.transaction("import") as session:
        summary = import_codebook_csv(session, exported)

    assert summary == ImportSummary(created=8, updated=0, unchanged=0)
    assert snapshot(fresh_project) == snapshot(project)
    with fresh_project.transaction("again") as session:
        assert import_codebook_csv(session, exported) == ImportSummary(0, 0, 8)


def test_csv_is_utf8_with_bom_and_lists_parents_before_children(project, tmp_path):
    with project.transaction("build") as session:
        build_codebook(session)
        export_codebook_csv(session, tmp_path / "codebook.csv")
    data = (tmp_path / "codebook.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines(keepends=True)))
    assert list(rows[0]) == ["path", "name", "parent", "colour", "description", "use_when", "dont_use_when", "example"]
    assert [row["path"] for row in rows] == [
        "Barriers", 'Barriers/Cost, money & "budget"', "Barriers/Time\\/scheduling",
        "Barriers/Time\\/scheduling/Shift work", "Facilitators", "Facilitators/Strong leadership",
        "Facilitators/Équipe soignante 🩺", "Other",
    ]
    shift = rows[3]
    assert (shift["name"], shift["parent"]) == ("Shift work", "Barriers/Time\\/scheduling")
    assert shift["example"] == "Nights, mostly."
    assert rows[1]["colour"] == "#CC79A7"


def test_csv_path_column_alone_creates_missing_parents_and_merges(project, tmp_path):
    with project.transaction("build") as session:
        add_theme(session, "Barriers", colour="#D55E00", description="Kept.", example="Old example.")
    source = write_csv(tmp_path / "paths.csv", [
        ["Path", "Colour", "Example"],
        ["Barriers/Cost/Fees", "", ""],
        ["barriers", "#0072b2", ""],  # same theme, another case: colour changes, example stays
        ["Context", "", "A new one."],
    ])
    with project.transaction("import") as session:
        summary = import_codebook_csv(session, source)
    assert summary.as_json() == {"created": 3, "updated": 1, "unchanged": 0}
    themes = snapshot(project)
    assert set(themes) == {"Barriers", "Barriers/Cost", "Barriers/Cost/Fees", "Context"}
    assert themes["Barriers"][:5] == ("#0072B2", "Kept.", "", "", "Old example.")
    assert themes["Context"][4] == "A new one."


def test_csv_with_only_a_header_imports_nothing(project, tmp_path):
    source = write_csv(tmp_path / "header.csv", [["path", "colour"]])
    with project.transaction("import") as session:
        assert import_codebook_csv(session, source) == ImportSummary(0, 0, 0)


def test_csv_parent_column_may_hold_a_full_path(project, tmp_path):
    source = write_csv(tmp_path / "paths.csv", [
        ["name", "parent"], ["Cost", "Barriers"], ["Cost", "Context"], ["Fees", "Context/Cost"],
        ["Time/place", ""], ["Rota", "Time\\/place"],  # a name as it is; a parent path escapes its "/"
    ])
    with project.transaction("import") as session:
        assert import_codebook_csv(session, source).created == 7
    assert set(snapshot(project)) == {"Barriers", "Barriers/Cost", "Context", "Context/Cost",
                                      "Context/Cost/Fees", "Time\\/place", "Time\\/place/Rota"}


def test_csv_with_name_and_parent_columns_in_any_order(project, tmp_path):
    """The shape people type by hand: headings in any case, a child before its parent, semicolons."""
    source = write_csv(tmp_path / "by-name.csv", [
        ["NAME", "Parent", "Color", "Use when", "Don't use when"],
        ["Fees", "Cost", "", "Charges are named.", ""],
        ["Cost", "Barriers", "#AbC", "", "It is about time."],
        ["Barriers", "", "#D55E00", "", ""],
    ], delimiter=";")
    with project.transaction("import") as session:
        assert import_codebook_csv(session, source) == ImportSummary(3, 0, 0)
    themes = snapshot(project)
    assert themes["Barriers/Cost/Fees"][2] == "Charges are named."
    assert themes["Barriers/Cost"][0] == "#AABBCC" and themes["Barriers/Cost"][3] == "It is about time."
    assert themes["Barriers"][0] == "#D55E00"


@pytest.mark.parametrize("rows, expected", [
    ([["theme id", "colour"], ["1", "#FFFFFF"]], ["bad.csv", '"path" or "name" column']),
    ([["path", "colour"], ["Barriers", "#FFFFFF"], ["Barriers/Cost", "red"]], ["bad.csv row 3", "'red'", "#RRGGBB"]),
    ([["name", "parent"], ["A", "B"], ["B", "C"], ["C", "A"]], ["bad.csv row 2", "'A'", "inside itself"]),
    ([["name", "parent"], ["Loop", "Loop"]], ["bad.csv row 2", "inside itself"]),
    ([["name", "parent"], ["Cost", "Barriers"], ["Cost", "Context"], ["Fees", "cost"]],
     ["bad.csv row 4", "2 rows are called 'cost'", "full path"]),
    ([["path"], ["Barriers/Cost"], ["barriers/cost"]], ["bad.csv row 3", "already on row 2"]),
    ([["path", "name"], ["Barriers/Cost", "Price"]], ["bad.csv row 2", "'Price'"]),
    ([["path", "colour"], ["Barriers//Cost", ""]], ["bad.csv row 2", "needs a name"]),
    ([], ["bad.csv is empty"]),
    ([[" ", ""], ["", ""]], ["bad.csv is empty"]),
])
def test_bad_csv_is_refused_with_one_sentence_and_changes_nothing(project, tmp_path, rows, expected):
    source = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(CharterError) as raised, project.transaction("import") as session:
        import_codebook_csv(session, source)
    assert_one_sentence(str(raised.value), *expected)
    assert theme_count(project) == 0


def test_csv_that_is_not_utf8_gets_advice(project, tmp_path):
    source = write_csv(tmp_path / "latin.csv", [["name"], ["Équipe"]], encoding="cp1252")
    with pytest.raises(CharterError, match="latin.csv is not UTF-8.*CSV UTF-8"), project.transaction("i") as session:
        import_codebook_csv(session, source)


def test_csv_name_too_long_for_the_database_is_refused_first(project, tmp_path):
    """PostgreSQL would refuse a name over 200 characters with a database error; say it plainly."""
    source = write_csv(tmp_path / "long.csv", [["path"], ["Barriers/" + "x" * 201]])
    with pytest.raises(CharterError) as raised, project.transaction("import") as session:
        import_codebook_csv(session, source)
    assert_one_sentence(str(raised.value), "long.csv row 2", "longer than 200 characters")


# ------------------------------------------------------------------ REFI-QDA codebook


def test_qdc_round_trip_keeps_paths_definitions_and_guids(project, fresh_project, tmp_path):
    with project.transaction("build") as session:
        build_codebook(session)
    exported = tmp_path / "codebook.qdc"
    with project.transaction("export") as session:
        assert export_codebook_qdc(session, exported) == 8

    with fresh_project.transaction("import") as session:
        assert import_codebook_qdc(session, exported) == ImportSummary(8, 0, 0)

    assert snapshot(fresh_project) == snapshot(project)
    assert guids(fresh_project) == guids(project)
    with project.transaction("back home") as session:
        assert import_codebook_qdc(session, exported) == ImportSummary(0, 0, 8)


def test_qdc_export_is_valid_refi_qda(project, tmp_path):
    with project.transaction("build") as session:
        build_codebook(session)
        add_theme(session, "Pasted from Word", description="Line one\x0bline two\x07 & <done>")
        export_codebook_qdc(session, tmp_path / "codebook.qdc")
    data = (tmp_path / "codebook.qdc").read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')

    document = etree.fromstring(data)
    assert document.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert document.get("origin").startswith("Charter ")
    namespace = {"c": "urn:QDA-XML:codebook:1.0"}
    barriers = document.find("c:Codes/c:Code[@name='Barriers']", namespace)
    assert barriers.get("color") == "#D55E00" and barriers.get("isCodable") == "true"
    assert barriers.findtext("c:Description", namespaces=namespace) == (
        "Things that get in the way.\nOf any kind.\n\n"
        "Use when: A participant names an obstacle.\n"
        "Do not use when: It was overcome; use Facilitators.\n"
        "Example: “We never had the budget, ever.”"
    )
    assert [code.get("name") for code in barriers.findall("c:Code", namespace)] == [
        'Cost, money & "budget"', "Time/scheduling"]
    assert document.find(".//c:Code[@name='Other']/c:Description", namespace) is None
    pasted = document.find(".//c:Code[@name='Pasted from Word']", namespace)
    assert pasted.findtext("c:Description", namespaces=namespace) == "Line one\nline two & <done>"
    if not XSD.exists():
        pytest.skip(f"the REFI-QDA schema {XSD} is not on this machine")
    etree.XMLSchema(file=str(XSD)).assertValid(document)


def test_qdc_export_of_an_empty_project_is_refused(project, tmp_path):
    with pytest.raises(CharterError, match="no themes"), project.transaction("export") as session:
        export_codebook_qdc(session, tmp_path / "empty.qdc")
    assert not (tmp_path / "empty.qdc").exists()


def test_description_text_splits_back_into_charter_fields():
    text = definition_to_description("Obstacles.", "Named.\nOr implied.", "Overcome.", "“No money.”")
    assert description_to_definition(text) == {
        "description": "Obstacles.", "use_when": "Named.\nOr implied.", "dont_use_when": "Overcome.",
        "example": "“No money.”"}
    assert description_to_definition("  What other tools write.\r\nTwo lines. ")["description"] == (
        "What other tools write.\nTwo lines.")
    assert description_to_definition("don't use when: x\nEXAMPLE:y")["dont_use_when"] == "x"
    assert definition_to_description("", "", "", "") == ""


def test_qdc_matches_by_guid_and_follows_renames_and_moves(project, tmp_path):
    """Someone renamed and moved a code in another tool: the same theme follows, codings stay."""
    with project.transaction("build") as session:
        barriers = add_theme(session, "Barriers")
        cost = add_theme(session, "Cost", parent_id=barriers, description="Money.")
        session.get(Theme, barriers).guid = GUID_A
        session.get(Theme, cost).guid = GUID_B
    source = tmp_path / "renamed.qdc"
    source.write_text(qdc(
        code("Barriers", GUID_A.upper())
        + code("Context", "{" + GUID_C + "}", code("Price", GUID_B, color="#0072B2"))
    ), encoding="utf-8")
    with project.transaction("import") as session:
        summary = import_codebook_qdc(session, source)
        moved = session.get(Theme, cost)
        assert (theme_paths(session)[cost], moved.colour, moved.description) == ("Context/Price", "#0072B2", "Money.")
        assert find_theme(session, "Context").guid == GUID_C
    assert summary == ImportSummary(created=1, updated=1, unchanged=1)


def test_qdc_rename_onto_a_taken_name_names_the_code(project, tmp_path):
    """A clash only the project can reveal still comes back as one sentence naming the code."""
    with project.transaction("build") as session:
        session.get(Theme, add_theme(session, "Cost")).guid = GUID_A
        add_theme(session, "Price")
    source = tmp_path / "clash.qdc"
    source.write_text(qdc(code("Price", GUID_A)), encoding="utf-8")
    with pytest.raises(CharterError) as raised, project.transaction("import") as session:
        import_codebook_qdc(session, source)
    assert_one_sentence(str(raised.value), "clash.qdc code 'Price'", "already a theme called 'Price'")
    assert set(snapshot(project)) == {"Cost", "Price"}


def test_qdc_codes_that_are_not_codable_and_short_colours_still_become_themes(project, tmp_path):
    source = tmp_path / "folders.qdc"
    source.write_text(qdc(
        f'<Code guid="{GUID_A}" name="Folder" isCodable="false" color="#abc">'
        f'<Description>Only a heading.</Description>{code("Leaf", GUID_B)}</Code>'
    ), encoding="utf-8")
    with project.transaction("import") as session:
        assert import_codebook_qdc(session, source) == ImportSummary(2, 0, 0)
    themes = snapshot(project)
    assert themes["Folder"][:2] == ("#AABBCC", "Only a heading.")
    assert themes["Folder/Leaf"][0] == "#AABBCC"  # no colour of its own: its parent's


def test_qdc_matched_by_path_keeps_the_project_guid(project, tmp_path):
    with project.transaction("build") as session:
        theme_id = add_theme(session, "Barriers", description="Ours.")
        guid = session.get(Theme, theme_id).guid
    source = tmp_path / "theirs.qdc"
    source.write_text(qdc(code("barriers", GUID_A, "<Description>Theirs.</Description>")), encoding="utf-8")
    with project.transaction("import") as session:
        assert import_codebook_qdc(session, source) == ImportSummary(0, 1, 0)
        theme = session.get(Theme, theme_id)
        assert (theme.name, theme.guid, theme.description) == ("Barriers", guid, "Theirs.")


def _real_codebook(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        name = next(name for name in archive.namelist() if name.lower() == "project.qde")
        return etree.fromstring(archive.read(name)).find("{urn:QDA-XML:project:1.0}CodeBook")


def _real_paths(codebook: etree._Element) -> set[str]:
    paths = set()
    for element in codebook.iter("{*}Code"):
        names = [" ".join(a.get("name").split()).replace("/", "\\/")
                 for a in reversed([element, *element.iterancestors("{*}Code")])]
        paths.add("/".join(names))
    return paths


@pytest.fixture(params=sorted(REAL_FILES))
def real_qdpx(request) -> Path:
    path = QDPX / request.param
    if not path.exists():
        pytest.skip(f"the REFI-QDA sample {path} is not on this machine")
    return path


def test_real_qdpx_projects_import_every_code(project, real_qdpx):
    codebook = _real_codebook(real_qdpx)
    expected = len(list(codebook.iter("{urn:QDA-XML:project:1.0}Code")))
    with project.transaction("import") as session:
        summary = import_codebook_qdc(session, real_qdpx)
    assert summary == ImportSummary(expected, 0, 0)
    assert theme_count(project) == expected
    assert set(snapshot(project)) == _real_paths(codebook)

    path, colour, description = REAL_FILES[real_qdpx.name]
    with project.transaction("check") as session:
        theme = find_theme(session, path)
        assert theme.description == description
        if colour:
            assert theme.colour == colour
        first = codebook.find("{*}Codes/{*}Code")
        assert find_theme(session, first.get("name")).guid == first.get("guid").lower()
        assert import_codebook_qdc(session, real_qdpx) == ImportSummary(0, 0, expected)


def test_real_codebook_extracted_as_qdc_and_qde_imports_the_same(project, real_qdpx, tmp_path):
    """The same codes as a standalone .qdc (codebook namespace) and as a bare project.qde."""
    codebook = _real_codebook(real_qdpx)
    for element in codebook.iter():
        element.tag = "{urn:QDA-XML:codebook:1.0}" + etree.QName(element).localname
    etree.cleanup_namespaces(codebook)
    standalone = tmp_path / "extracted.qdc"
    standalone.write_bytes(etree.tostring(codebook, xml_declaration=True, encoding="UTF-8"))
    etree.XMLSchema(file=str(XSD)).assertValid(etree.parse(str(standalone)))  # the sample is valid REFI
    bare = tmp_path / "project.qde"
    with zipfile.ZipFile(real_qdpx) as archive:
        bare.write_bytes(archive.read(next(n for n in archive.namelist() if n.lower() == "project.qde")))

    with project.transaction("import") as session:
        created = import_codebook_qdc(session, standalone).created
        assert import_codebook_qdc(session, bare) == ImportSummary(0, 0, created)
    assert created == len(_real_paths(codebook))


@pytest.mark.parametrize("make, expected", [
    (lambda secret: qdc(code("Broken", GUID_A)).replace("</Codes>", ""), ["bad.qdc is not well-formed XML"]),
    (lambda secret: "just some text", ["bad.qdc is not well-formed XML"]),
    (lambda secret: (
        f'<?xml version="1.0"?>\n<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        + qdc(code("&xxe;", GUID_A), prolog="")), ["bad.qdc", "DOCTYPE"]),
    (lambda secret: (
        '<?xml version="1.0"?>\n<!DOCTYPE CodeBook [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + "]>\n" + qdc(code("&i;", GUID_A), prolog="")), ["bad.qdc", "DOCTYPE"]),
    (lambda secret: qdc(code("Twin", GUID_A) + code("twin", GUID_B)), ["bad.qdc", "top level", "'twin'"]),
    (lambda secret: qdc(code("Up", GUID_A, code("Twin", GUID_B) + code("Twin ", GUID_C))), ["bad.qdc", "under 'Up'"]),
    (lambda secret: qdc(code("Odd", GUID_A, color="teal")), ["bad.qdc code 'Odd'", "'teal'"]),
    (lambda secret: qdc(code("Odd", "not-a-guid")), ["bad.qdc code 'Odd'", "not a GUID"]),
    (lambda secret: qdc(code("One", GUID_A) + code("Two", GUID_A.upper())), ["bad.qdc code 'Two'", "another code"]),
    (lambda secret: '<?xml version="1.0"?><Book><Codes/></Book>', ["bad.qdc is not a REFI-QDA codebook", "<Book>"]),
    (lambda secret: '<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>', ["bad.qdc", "without a codebook"]),
])
def test_bad_qdc_is_refused_with_one_sentence_and_changes_nothing(project, tmp_path, make, expected):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    source = tmp_path / "bad.qdc"
    source.write_text(make(secret), encoding="utf-8")
    with pytest.raises(CharterError) as raised, project.transaction("import") as session:
        import_codebook_qdc(session, source)
    message = str(raised.value)
    assert_one_sentence(message, *expected)
    assert "TOP-SECRET" not in message
    assert theme_count(project) == 0


def test_qdpx_without_a_project_qde_is_refused(project, tmp_path):
    source = tmp_path / "hollow.qdpx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("sources/a.txt", "text")
    with pytest.raises(CharterError) as raised, project.transaction("import") as session:
        import_codebook_qdc(session, source)
    assert_one_sentence(str(raised.value), "hollow.qdpx has no project.qde")


def test_missing_file_is_one_sentence(project, tmp_path):
    with pytest.raises(CharterError) as raised, project.transaction("import") as session:
        import_codebook_qdc(session, tmp_path / "nowhere.qdc")
    assert_one_sentence(str(raised.value), "Could not read nowhere.qdc")
