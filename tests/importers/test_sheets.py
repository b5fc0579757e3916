"""Attributes sheets, speaker maps and sites sheets, from CSV and Excel files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path, PureWindowsPath

import openpyxl
import pytest

from importers.sheets import (
    SheetError,
    SheetWarning,
    SiteRow,
    SourceRow,
    SpeakerMapping,
    TypedValue,
    parse_date,
    read_attributes_sheet,
    read_sites_sheet,
    read_speaker_map,
)


def text(value: str) -> TypedValue:
    return TypedValue("text", text=value)


def number(value: float) -> TypedValue:
    return TypedValue("number", number=value)


def day(year: int, month: int, dom: int) -> TypedValue:
    return TypedValue("date", date=date(year, month, dom))


def write_csv(tmp_path, name: str, content: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return path


def write_xlsx(tmp_path, name: str, rows: list[list]):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Ignored").append(["file"])  # only the first worksheet is read
    path = tmp_path / name
    workbook.save(path)
    return path


ATTRIBUTES_CSV = (
    "File,Site,Method,Date,Interviewer,Participant_type,Age,Tenure (years),Joined,Notes\n"
    "SiteA_partner1,Site A,Interview,2013-03-12,Jane Smith,Partner,45,\"1,200\",12/03/2013,Keen\n"
    "C:\\data\\SiteA_resident2.docx,Site A,Focus group,12/03/2013,,Resident,3.5,2,12 March 2013,\n"
    "\n"
    ",Site A,,,,,,,,stray note\n"
    "SiteB_officer1.txt,Site B,telephone interview,5 April 2013,Sam Jones,Officer,,7,2013-04-05,Retired 2012\n"
)


def test_attributes_sheet_values_and_types(tmp_path):
    sheet = read_attributes_sheet(write_csv(tmp_path, "meta.csv", "\ufeff" + ATTRIBUTES_CSV))
    assert sheet.rows == [
        SourceRow("SiteA_partner1", 2, "Site A", "interview", date(2013, 3, 12), "Jane Smith", "Partner",
                  {"Age": number(45.0), "Tenure (years)": number(1200.0), "Joined": day(2013, 3, 12),
                   "Notes": text("Keen")}),
        SourceRow("C:\\data\\SiteA_resident2.docx", 3, "Site A", "focus-group", date(2013, 3, 12), None,
                  "Resident", {"Age": number(3.5), "Tenure (years)": number(2.0), "Joined": day(2013, 3, 12)}),
        SourceRow("SiteB_officer1.txt", 6, "Site B", "telephone-interview", date(2013, 4, 5), "Sam Jones",
                  "Officer", {"Tenure (years)": number(7.0), "Joined": day(2013, 4, 5),
                              "Notes": text("Retired 2012")}),
    ]


def test_attributes_sheet_matches_files_by_base_name(tmp_path):
    sheet = read_attributes_sheet(write_csv(tmp_path, "meta.csv", ATTRIBUTES_CSV))
    assert sheet.row_for("SiteA_partner1.docx").row == 2
    assert sheet.row_for("/home/me/transcripts/sitea_PARTNER1.rtf").row == 2
    assert sheet.row_for("SiteA_resident2.docx").row == 3
    assert sheet.row_for("SITEA_RESIDENT2.DOCX").row == 3
    assert sheet.row_for("SiteA_resident2.txt") is None  # the sheet names the .docx
    assert sheet.row_for("SiteB_officer1.txt").row == 6
    assert sheet.row_for("SiteB_officer1") is None
    assert sheet.row_for("SiteC_partner1.docx") is None
    assert sheet.unmatched(["SiteA_partner1.docx", "other.vtt"]) == [
        "C:\\data\\SiteA_resident2.docx", "SiteB_officer1.txt"]
    assert sheet.unmatched(["SiteA_partner1.vtt", "SiteA_resident2.docx", "siteb_officer1.TXT"]) == []


def test_same_file_name_in_different_site_folders(tmp_path):
    sheet = read_attributes_sheet(write_csv(tmp_path, "attrs.csv", (
        "file,site,age\n"
        "SiteA/interview1.txt,Site A,34\n"
        "SiteB\\interview1.txt,Site B,51\n"
        "interview2,,60\n"
        "Study/SiteA/interview2.txt,Site A,61\n"
        "D:\\old laptop\\SiteC\\interview3.docx,Site C,70\n"
    )))
    assert [row.site for row in sheet.rows] == ["Site A", "Site B", None, "Site A", "Site C"]

    def row(path):
        found = sheet.row_for(path)
        return None if found is None else found.row

    assert row("SiteA/interview1.txt") == 2
    assert row(Path("/data/study/sitea/INTERVIEW1.TXT")) == 2
    assert row(tmp_path / "SiteB" / "interview1.txt") == 3
    assert row(PureWindowsPath(r"C:\Users\me\SiteB\interview1.txt")) == 3
    assert row("/data/SiteC/interview1.txt") is None  # two rows have the name; neither folder fits
    assert row("interview1.txt") is None              # a bare name cannot choose between them
    # the longest path that fits wins; a shorter one still covers other folders
    assert row("/data/Study/SiteA/interview2.txt") == 5
    assert row("/data/Other/SiteA/interview2.txt") == 4
    assert row("interview2.txt") == 4
    # a path from another computer: the base name is used, as only one row has it
    assert row("/home/me/SiteC/interview3.docx") == 6
    assert row("interview3.docx") == 6
    assert row("interview3.txt") is None
    assert sheet.unmatched([Path("/x/SiteA/interview1.txt"), "/x/SiteB/interview1.txt",
                            "/x/Study/SiteA/interview2.txt"]) == ["interview2", r"D:\old laptop\SiteC\interview3.docx"]
    assert sheet.unmatched(["interview1.txt", "interview2.docx", "interview3.docx"]) == [
        "SiteA/interview1.txt", "SiteB\\interview1.txt", "Study/SiteA/interview2.txt"]


def test_attributes_sheet_from_xlsx_with_real_dates_and_numbers(tmp_path):
    path = write_xlsx(tmp_path, "meta.xlsx", [
        ["file", "site", "method", "date", "Participant Type", "Household size", "Visited", "Ward code"],
        ["SiteA_partner1.docx", "Site A", "observation", datetime(2013, 3, 12), "Partner", 3, date(2014, 1, 2), 12],
        ["SiteA_partner2.docx", "Site A", "Documents", "2013-03-14", None, 4.5, "2 February 2014", "n/a"],
        [None, None, None, None, None, None, None, None],
    ])
    sheet = read_attributes_sheet(path)
    assert sheet.rows == [
        SourceRow("SiteA_partner1.docx", 2, "Site A", "observation", date(2013, 3, 12), None, "Partner",
                  {"Household size": number(3.0), "Visited": day(2014, 1, 2), "Ward code": text("12")}),
        SourceRow("SiteA_partner2.docx", 3, "Site A", "document", date(2013, 3, 14), None, None,
                  {"Household size": number(4.5), "Visited": day(2014, 2, 2), "Ward code": text("n/a")}),
    ]
    assert sheet.warnings == []


def test_semicolon_csv_in_windows_1252_and_type_column(tmp_path):
    path = write_csv(tmp_path, "meta.csv", "file;type;Caf\u00e9 visits\nA.docx;Resident;2\n", encoding="cp1252")
    sheet = read_attributes_sheet(path)
    assert sheet.rows == [SourceRow("A.docx", 2, participant_type="Resident", extra={"Café visits": number(2.0)})]


def test_tab_separated_with_bom(tmp_path):
    path = write_csv(tmp_path, "meta.tsv", "\ufeffFILE\tSITE\tgroup size\nA\tSite A\t1,5\nB\tSite B\t2\n")
    sheet = read_attributes_sheet(path)
    assert [(r.file, r.site, r.extra) for r in sheet.rows] == [
        ("A", "Site A", {"group size": text("1,5")}),  # "1,5" is ambiguous, so the column is text
        ("B", "Site B", {"group size": text("2")}),
    ]


def test_row_without_file_name_is_a_warning(tmp_path):
    sheet = read_attributes_sheet(write_csv(tmp_path, "meta.csv", ATTRIBUTES_CSV))
    assert sheet.warnings == [
        SheetWarning("meta.csv", "attributes sheet meta.csv: row 5 has no file name and was skipped.")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Name,Site\nA,Site A\n", "attributes sheet meta.csv has no 'file' column; its columns are: Name, Site."),
        ("file,method\nA.docx,interview\nB.docx,survey\n",
         "attributes sheet meta.csv row 3: unknown method 'survey'; use one of: interview, focus group, "
         "observation, telephone interview, document."),
        ("file,date\nA.docx,03/25/2013\n",
         "attributes sheet meta.csv row 2: cannot read the date '03/25/2013' "
         "(use YYYY-MM-DD, DD/MM/YYYY or 12 March 2013)."),
        ("file,site\nSiteA/a.docx,Site A\n./sitea\\A.DOCX,Site B\n",
         "attributes sheet meta.csv rows 2 and 3 both describe './sitea\\A.DOCX'; keep one of them."),
        ("\n\n,,\n", "attributes sheet meta.csv is empty."),
        ("file,site\n", "attributes sheet meta.csv has a header row but no rows under it."),
    ],
)
def test_attributes_sheet_errors(tmp_path, content, message):
    with pytest.raises(SheetError) as raised:
        read_attributes_sheet(write_csv(tmp_path, "meta.csv", content))
    assert str(raised.value) == message


def test_unreadable_sheets(tmp_path):
    with pytest.raises(SheetError, match=r"^attributes sheet .*nowhere\.csv does not exist\.$"):
        read_attributes_sheet(tmp_path / "nowhere.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(SheetError, match=r"^old\.xls is .*save it as \.xlsx or \.csv"):
        read_attributes_sheet(tmp_path / "old.xls")
    (tmp_path / "sites.ods").write_bytes(b"PK\x03\x04whatever")
    with pytest.raises(SheetError, match=r"save it as \.xlsx or \.csv"):
        read_sites_sheet(tmp_path / "sites.ods")
    (tmp_path / "broken.xlsx").write_bytes(b"this is not a workbook")
    with pytest.raises(SheetError) as raised:
        read_attributes_sheet(tmp_path / "broken.xlsx")
    assert str(raised.value) == "broken.xlsx is not a CSV or Excel (.xlsx) file."
    (tmp_path / "zip.xlsx").write_bytes(b"PK\x03\x04 truncated zip")
    with pytest.raises(SheetError, match=r"^zip\.xlsx is not a CSV or Excel \(\.xlsx\) file\.$"):
        read_attributes_sheet(tmp_path / "zip.xlsx")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(SheetError, match=r"^notes\.pdf is not a CSV or Excel \(\.xlsx\) file\.$"):
        read_speaker_map(tmp_path / "notes.pdf")


SPEAKER_MAP_CSV = (
    "File,Label,Name,Type,Interviewer\n"
    "SiteA_partner1.docx,R,Pat Brown,Partner,\n"
    "SiteA_partner1,INT:,Jane Smith,,yes\n"
    "*,Interviewer,Jane Smith,,\n"
    ",Moderator,Sam Jones,Interviewer,\n"
    "SiteB_officer1,Speaker 2,,Officer,no\n"
    "SiteB_officer1,interviewer,Alex Green,,\n"
    "SiteB_officer1,Q,Alex Green,,n\n"
    "missing_file.docx,R,Someone,,\n"
    "missing_file.docx,I,Someone Else,,\n"
)


def test_speaker_map_lookup(tmp_path):
    speakers = read_speaker_map(write_csv(tmp_path, "speakers.csv", SPEAKER_MAP_CSV))
    assert speakers.lookup("SiteA_partner1.docx", "r") == SpeakerMapping("Pat Brown", "Partner", False)
    assert speakers.lookup("SiteA_partner1.docx", "Int") == SpeakerMapping("Jane Smith", None, True)
    assert speakers.lookup("anything.vtt", "INTERVIEWER") == SpeakerMapping("Jane Smith", None, True)
    assert speakers.lookup("anything.vtt", "moderator") == SpeakerMapping("Sam Jones", "Interviewer", True)
    assert speakers.lookup("SiteB_officer1.srt", "speaker 2") == SpeakerMapping("Speaker 2", "Officer", False)
    # a row for this file wins over a row for every file
    assert speakers.lookup("SiteB_officer1.srt", "Interviewer") == SpeakerMapping("Alex Green", None, True)
    # an explicit "no" wins over an interviewer-like label
    assert speakers.lookup("SiteB_officer1.srt", "Q") == SpeakerMapping("Alex Green", None, False)
    assert speakers.lookup("SiteB_officer1.srt", "R") is None
    assert speakers.lookup("SiteC.docx", "R") is None
    assert speakers.unmatched(["SiteA_partner1.docx", "SiteB_officer1.srt"]) == ["missing_file.docx"]
    assert speakers.warnings == []


def test_speaker_map_same_file_name_in_different_site_folders(tmp_path):
    speakers = read_speaker_map(write_csv(tmp_path, "speakers.csv", (
        "file,speaker,participant\n"
        "SiteA/interview1.txt,R,Pat Brown\n"
        "SiteB/interview1.txt,R,Alex Green\n"
        "interview1.txt,I,Jane Smith\n"
        "*,I,Sam Jones\n"
        "SiteC/other.txt,R,Nobody\n"
    )))
    assert speakers.lookup(Path("/data/SiteA/interview1.txt"), "R").participant == "Pat Brown"
    assert speakers.lookup("/data/siteb/interview1.txt", "r").participant == "Alex Green"
    # no row for this label in the best path: the next best path, then every file
    assert speakers.lookup("/data/SiteA/interview1.txt", "I").participant == "Jane Smith"
    assert speakers.lookup("/data/SiteA/interview2.txt", "I").participant == "Sam Jones"
    assert speakers.lookup("/data/SiteD/interview1.txt", "R") is None
    assert speakers.lookup("interview1.txt", "R") is None  # a bare name: SiteA or SiteB?
    assert speakers.lookup("interview1.txt", "I").participant == "Jane Smith"
    assert speakers.unmatched(["/data/SiteA/interview1.txt"]) == ["SiteB/interview1.txt", "SiteC/other.txt"]
    assert speakers.unmatched(["/data/SiteB/interview1.txt", "/home/other.txt"]) == ["SiteA/interview1.txt"]
    with pytest.raises(SheetError) as raised:
        read_speaker_map(write_csv(tmp_path, "speakers.csv", "file,speaker\nSiteA/a.txt,R\nSITEA\\A.TXT,R\n"))
    assert str(raised.value) == "speaker map speakers.csv rows 2 and 3 both describe 'R in SITEA\\A.TXT'; keep one of them."


def test_speaker_map_from_xlsx_without_a_file_column(tmp_path):
    path = write_xlsx(tmp_path, "speakers.xlsx", [
        ["Speaker", "Participant", "Participant type", "interviewer"],
        ["Officer", "PC Lee", "Police", False],
        ["Chair", "Cllr Shah", None, True],
        [None, "Nobody", None, None],
    ])
    speakers = read_speaker_map(path)
    assert speakers.lookup("any.docx", "officer") == SpeakerMapping("PC Lee", "Police", False)
    assert speakers.lookup("other.vtt", "Chair") == SpeakerMapping("Cllr Shah", None, True)
    assert speakers.unmatched(["any.docx"]) == []
    assert [str(w) for w in speakers.warnings] == [
        "speaker map speakers.xlsx: row 4 has no speaker label and was skipped."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("file,participant\nA.docx,Pat\n",
         "speaker map speakers.csv has no 'speaker' column; its columns are: file, participant."),
        ("file,speaker,interviewer\nA.docx,R,maybe\n",
         "speaker map speakers.csv row 2: interviewer should be yes or no, not 'maybe'."),
        ("file,speaker\nA.docx,R\na.DOCX,r:\n",
         "speaker map speakers.csv rows 2 and 3 both describe 'r in a.DOCX'; keep one of them."),
    ],
)
def test_speaker_map_errors(tmp_path, content, message):
    with pytest.raises(SheetError) as raised:
        read_speaker_map(write_csv(tmp_path, "speakers.csv", content))
    assert str(raised.value) == message


def test_sites_sheet_typed_attributes(tmp_path):
    path = write_xlsx(tmp_path, "sites.xlsx", [
        ["Site", "Unit of geography", "Funding model", "Neighbourhood Manager role", "Co-location",
         "Population", "Established"],
        ["Site A", "Ward", "Mainstream", "Yes", "Full", "12,000", datetime(2008, 4, 1)],
        ["Site B", "Neighbourhood", "Pilot", "No", "Partial", 8500, "1 April 2009"],
        [None, None, None, None, None, None, None],
        ["Site C", "Ward", None, "Yes", "None", 7000.5, None],
        [None, "Source: Table 1", None, None, None, None, None],
    ])
    assert read_sites_sheet(path) == [
        SiteRow("Site A", {"Unit of geography": text("Ward"), "Funding model": text("Mainstream"),
                           "Neighbourhood Manager role": text("Yes"), "Co-location": text("Full"),
                           "Population": number(12000.0), "Established": day(2008, 4, 1)}),
        SiteRow("Site B", {"Unit of geography": text("Neighbourhood"), "Funding model": text("Pilot"),
                           "Neighbourhood Manager role": text("No"), "Co-location": text("Partial"),
                           "Population": number(8500.0), "Established": day(2009, 4, 1)}),
        SiteRow("Site C", {"Unit of geography": text("Ward"), "Neighbourhood Manager role": text("Yes"),
                           "Co-location": text("None"), "Population": number(7000.5)}),
    ]


def test_sites_sheet_errors(tmp_path):
    with pytest.raises(SheetError) as raised:
        read_sites_sheet(write_csv(tmp_path, "sites.csv", "Area,Funding\nA,Pilot\n"))
    assert str(raised.value) == "sites sheet sites.csv has no 'site' column; its columns are: Area, Funding."
    with pytest.raises(SheetError) as raised:
        read_sites_sheet(write_csv(tmp_path, "sites.csv", "site\nSite A\nsite a\n"))
    assert str(raised.value) == "sites sheet sites.csv rows 2 and 3 both describe 'site a'; keep one of them."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2013-03-12", date(2013, 3, 12)),
        ("2013-03-12 00:00:00", date(2013, 3, 12)),
        ("12/03/2013", date(2013, 3, 12)),
        ("1/4/2013", date(2013, 4, 1)),
        ("12 March 2013", date(2013, 3, 12)),
        ("12th Mar 2013", date(2013, 3, 12)),
        ("Tuesday 12 March 2013", date(2013, 3, 12)),
        ("1 Sept 2013", date(2013, 9, 1)),
        ("31/02/2013", None),
        ("March 2013", None),
        ("12 Marchember 2013", None),
        ("", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected
