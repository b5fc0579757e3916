"""Caption files (WebVTT, SubRip) become speaker turns with exact offsets.

Every test runs the reader and then ``assemble``, and checks the turns as the researcher
will see them: speaker, the words of the turn (sliced from the canonical text by its
offsets) and the time of its first cue.
"""

from __future__ import annotations

import pytest

from importers.assemble import assemble
from importers.captions_reader import read_srt, read_vtt
from importers.document import ImportFailure


def parse(reader, tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    result = reader(path, data)
    document = assemble(result)
    turns = [(t.speaker, document.text[t.start:t.end], t.timestamp) for t in document.turns]
    return result, document, turns


TEAMS_VTT = """WEBVTT

NOTE
Teams writes a note here.

STYLE
::cue { color: yellow }

3f9a1c2e-1/10-0
00:00:01.000 --> 00:00:04.000
<v Interviewer>Thanks for joining.</v>

3f9a1c2e-1/11-0
00:00:04.500 --> 00:00:07.000
<v Interviewer>Can you tell me about
the patrols?</v>

00:01:02.500 --> 00:01:05.000 align:start position:10%
<v.loud Jane Doe>We <i>really</i> valued them &amp; the <c.yellow>PCSOs</c>.</v>

00:01:05.000 --> 00:01:07.000
<v Jane Doe><00:01:05.500>It felt&nbsp;safer &lt;most&gt; nights.</v>

00:01:07.000 --> 00:01:09.000
<v Jane Doe>Action: call the council.</v>

01:00:00.000 --> 01:00:02.000
<v Interviewer>Thank you.</v>
"""


def test_teams_voice_tags_merge_consecutive_cues(tmp_path):
    result, document, turns = parse(read_vtt, tmp_path, "teams.vtt", TEAMS_VTT)
    assert turns == [
        ("Interviewer", "Thanks for joining. Can you tell me about the patrols?", 1.0),
        ("Jane Doe", "We really valued them & the PCSOs. It felt safer <most> nights. "
                     "Action: call the council.", 62.5),
        ("Interviewer", "Thank you.", 3600.0),
    ]
    assert [t.is_interviewer for t in document.turns] == [True, False, True]
    assert document.convention == "captions"
    assert result.encoding == "utf-8"
    assert document.speakers == ["Interviewer", "Jane Doe"]


ZOOM_VTT = """WEBVTT

1
00:00.000 --> 00:03.000
Recording in progress.

2
00:03.000 --> 00:06.000
Moderator: Welcome, everyone.

3
00:06.000 --> 00:09.000
Let's start with introductions.

4
00:00:09.000 --> 00:00:12.000
Speaker 2: I'm a resident.

5
00:00:12.000 --> 00:00:15.000
Note: this is not a speaker.

6
00:00:15.000 --> 00:00:16.000
anyway: that's all.

7
00:00:16.000 --> 00:00:18.000
moderator: Thank you.

8
00:00:18.000 --> 00:00:20.000
Mary O'Neill-Smith: Me next.
"""


def test_zoom_name_prefixes(tmp_path):
    _, document, turns = parse(read_vtt, tmp_path, "zoom.vtt", ZOOM_VTT)
    assert turns == [
        (None, "Recording in progress.", None),
        ("Moderator", "Welcome, everyone. Let's start with introductions.", 3.0),
        ("Speaker 2", "I'm a resident. Note: this is not a speaker. anyway: that's all.", 9.0),
        ("Moderator", "Thank you.", 16.0),  # a lower-case label is still a label
        ("Mary O'Neill-Smith", "Me next.", 18.0),
    ]
    assert [t.is_interviewer for t in document.turns] == [False, True, False, True, False]
    assert document.convention == "captions"


def test_each_line_of_a_cue_has_its_own_name_prefix(tmp_path):
    vtt = (
        "WEBVTT\n\n"
        "1\n00:00:01.000 --> 00:00:04.000\nJane Doe: Hello everyone.\n\n"
        "2\n00:00:04.500 --> 00:00:06.000\nand welcome.\n\n"
        "3\n00:00:06.500 --> 00:00:08.000\nJohn Smith: Hi.\nJane Doe: Shall we start?\n\n"
        "4\n00:00:08.000 --> 00:00:09.000\n<i>John Smith:</i> Yes, I\nthink so.\n"
    )
    _, _, turns = parse(read_vtt, tmp_path, "zoom.vtt", vtt)
    assert turns == [
        ("Jane Doe", "Hello everyone. and welcome.", 1.0),
        ("John Smith", "Hi.", 6.5),
        ("Jane Doe", "Shall we start?", 6.5),
        ("John Smith", "Yes, I think so.", 8.0),
    ]


def test_srt_dialogue_dashes(tmp_path):
    srt = (
        "1\n00:00:01,000 --> 00:00:03,000\n- Interviewer: How long?\n- Resident: Ten years.\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\nMaybe more.\n\n"
        "3\n00:00:05,000 --> 00:00:07,000\n\u2013 Interviewer: Really?\n- Yes.\n"
    )
    _, _, turns = parse(read_srt, tmp_path, "dialogue.srt", srt)
    assert turns == [
        ("Interviewer", "How long?", 1.0),
        ("Resident", "Ten years. Maybe more.", 1.0),
        # a dash with no name: someone else speaks, but who is unknown, so the dash stays
        ("Interviewer", "Really? - Yes.", 5.0),
    ]


def test_srt_with_names_and_markup(tmp_path):
    srt = (
        "1\r\n00:00:01,000 --> 00:00:03,500\r\nINTERVIEWER: How long have you\r\nlived here?\r\n\r\n"
        "2\r\n00:00:03,600 --> 00:00:06,000\r\n{\\an8}Resident: About <b>ten</b> years.\r\n\r\n"
        "3\r\n00:00:06,100 --> 00:00:08,000\r\n<font color=\"#ffffff\">Maybe a bit more.</font>\r\n\r\n"
        "4\r\n00:00:08,000 --> 00:00:09,000\r\nInterviewer: And before that?\r\n"
    )
    result, document, turns = parse(read_srt, tmp_path, "zoom.srt", srt)
    assert turns == [
        ("INTERVIEWER", "How long have you lived here?", 1.0),
        ("Resident", "About ten years. Maybe a bit more.", 3.6),
        ("INTERVIEWER", "And before that?", 8.0),
    ]
    assert [t.is_interviewer for t in document.turns] == [True, False, True]
    assert document.convention == "captions"


def test_unicode_voices_emoji_accents_rtl_and_cjk(tmp_path):
    vtt = (
        "\ufeffWEBVTT\n\n"
        "00:00:01.000 --> 00:00:02.000\n<v Resident>The patrols 👮🏽\u200d♀️ made us feel safe 🎉</v>\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Partner>Cafe\u0301 owners and the re\u0301sidents met.</v>\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v مشارك>الشرطة تعمل مع الشركاء في الحي.</v>\n\n"
        "00:00:04.000 --> 00:00:05.000\n<v משתתף>המשטרה עובדת עם השותפים.</v>\n\n"
        "00:00:05.000 --> 00:00:06.000\n<v 参与者>警察与合作伙伴一起工作。</v>\n"
    )
    result, document, turns = parse(read_vtt, tmp_path, "unicode.vtt", vtt)
    assert turns == [
        ("Resident", "The patrols 👮🏽\u200d♀️ made us feel safe 🎉", 1.0),
        ("Partner", "Café owners and the résidents met.", 2.0),
        ("مشارك", "الشرطة تعمل مع الشركاء في الحي.", 3.0),
        ("משתתף", "המשטרה עובדת עם השותפים.", 4.0),
        ("参与者", "警察与合作伙伴一起工作。", 5.0),
    ]
    assert result.encoding == "utf-8 (with BOM)"


def test_name_prefixes_in_scripts_without_capitals_and_with_combining_accents(tmp_path):
    vtt = (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:02.000\nJose\u0301: Cafe\u0301 con leche.\n\n"
        "00:00:02.000 --> 00:00:03.000\nمشارك: الشرطة تعمل مع الشركاء.\n\n"
        "00:00:03.000 --> 00:00:04.000\nמשתתף: המשטרה עובדת.\n\n"
        "00:00:04.000 --> 00:00:05.000\n参与者: 警察与合作伙伴一起工作。\n\n"
        "00:00:05.000 --> 00:00:06.000\n他们说：很好。\n"
    )
    _, _, turns = parse(read_vtt, tmp_path, "prefixes.vtt", vtt)
    assert turns == [
        ("José", "Café con leche.", 1.0),
        ("مشارك", "الشرطة تعمل مع الشركاء.", 2.0),
        ("משתתף", "המשטרה עובדת.", 3.0),
        ("参与者", "警察与合作伙伴一起工作。 他们说：很好。", 4.0),
    ]


def test_several_voices_in_one_cue_and_speakerless_cues_continue(tmp_path):
    vtt = (
        "WEBVTT - Otter export\nKind: captions\nLanguage: en\n\n"
        "00:00:00.000 --> 00:00:01.000\nTesting, testing.\n\n"
        "00:00:01.000 --> 00:00:03.000\n<v Bob>Hi.</v> <v Alice>Hello, Bob.</v>\n\n"
        "00:00:03.000 --> 00:00:04.000\nHow are you?\n\n"
        "00:00:04.000 --> 00:00:05.000\n<v BOB>Fine.\n<v Facilitator>Good.\n"
    )
    _, document, turns = parse(read_vtt, tmp_path, "otter.vtt", vtt)
    assert turns == [
        (None, "Testing, testing.", None),
        ("Bob", "Hi.", 1.0),
        ("Alice", "Hello, Bob. How are you?", 1.0),
        ("Bob", "Fine.", 4.0),
        ("Facilitator", "Good.", 4.0),
    ]
    assert [t.is_interviewer for t in document.turns] == [False, False, False, False, True]


def test_captions_without_speakers_are_one_unlabelled_turn(tmp_path):
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nfirst line\n\n00:02.000 --> 00:03.000\nsecond line\n"
    result, document, turns = parse(read_vtt, tmp_path, "plain.vtt", vtt)
    assert turns == [(None, "first line second line", None)]
    assert "convention" not in result.metadata
    assert document.convention == "none"


def test_windows_1252_fallback(tmp_path):
    data = "1\n00:00:01,000 --> 00:00:02,000\nCaf\u00e9 owner: We met \u201cweekly\u201d.\n".encode("cp1252")
    result, _, turns = parse(read_srt, tmp_path, "old.srt", data)
    assert result.encoding == "windows-1252"
    assert turns == [("Café owner", "We met \u201cweekly\u201d.", 1.0)]


def test_utf16_with_byte_order_mark(tmp_path):
    data = "\ufeffWEBVTT\n\n00:01.000 --> 00:02.000\n<v Sam>Bonjour \u00e0 tous.</v>\n".encode("utf-16-le")
    result, _, turns = parse(read_vtt, tmp_path, "teams.vtt", data)
    assert result.encoding == "utf-16-le"
    assert turns == [("Sam", "Bonjour à tous.", 1.0)]


def test_text_split_from_its_cue_by_a_blank_line_is_kept(tmp_path):
    srt = "1\n00:00:01,000 --> 00:00:02,000\nSam: One\n\ntwo.\n\n2\n00:00:02,000 --> 00:00:03,000\nthree.\n"
    result, _, turns = parse(read_srt, tmp_path, "gap.srt", srt)
    assert turns == [("Sam", "One two. three.", 1.0)]
    assert len(result.notes) == 1


@pytest.mark.parametrize(
    ("reader", "name", "content", "message"),
    [
        (read_vtt, "notes.vtt", "1\n00:00:01.000 --> 00:00:02.000\nHello\n",
         "notes.vtt is not a WebVTT file (it does not start with WEBVTT)."),
        (read_vtt, "bad.vtt",
         "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nHello\n\n2\n00:00:0x.000 --> 00:00:03.000\nBye\n",
         "bad.vtt line 8: cannot read the cue time '00:00:0x.000 --> 00:00:03.000'."),
        (read_vtt, "arrow.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n\n00:00:03.000 - 00:00:04.000\nBye\n",
         "arrow.vtt line 6: cannot read the cue time '00:00:03.000 - 00:00:04.000'."),
        (read_srt, "bad.srt", "1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:02,000 --> soon\nBye\n",
         "bad.srt line 6: cannot read the cue time '00:00:02,000 --> soon'."),
        (read_srt, "prose.srt", "Just some text.\nNo cues here.\n",
         "prose.srt line 1: expected a cue time such as '00:00:01.000 --> 00:00:04.000' but found 'Just some text.'."),
        (read_vtt, "empty.vtt", "WEBVTT\n\nNOTE nothing was said\n", "empty.vtt contains no captions."),
        (read_vtt, "tags.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Sam></v>\n", "tags.vtt contains no captions."),
        (read_srt, "empty.srt", "", "empty.srt contains no captions."),
    ],
)
def test_failures_name_the_file(tmp_path, reader, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailure) as raised:
        reader(path, path.read_bytes())
    assert str(raised.value) == message
