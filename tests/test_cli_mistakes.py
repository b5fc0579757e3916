"""What a user can get wrong on the command line gets one sentence and exit status 1 (or
argparse's usage message and 2), never a traceback; and theme paths mean the same in
every command.

Each case here once ended in a traceback or did the wrong thing (issue #9).
"""

from __future__ import annotations

import json

import pytest

from tests.framework.study import PARTNER_A
from tests.test_cli_analysis import offsets, project, run  # noqa: F401  (project is a fixture)

NESTED = "(" * 200 + "funding" + ")" * 200
UNDECODABLE = "x\udcffy"  # how Python hands over the bytes of $'x\xffy' from a terminal


def one_sentence(err: str) -> str:
    """The single line a failing command printed, without its "charter: " prefix."""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("charter: ") and "Traceback" not in err
    return err.removeprefix("charter: ").strip()


def theme_paths(capsys, project) -> list[str]:  # noqa: F811
    def walk(nodes):
        for node in nodes:
            yield node["path"]
            yield from walk(node["children"])

    return list(walk(json.loads(run(capsys, "themes", project, "--json")[1])))


def test_coding_an_unknown_source_id_names_it(project, capsys):  # noqa: F811
    code, _, err = run(capsys, "code", project, "--source", "99999", "--theme", "Barriers",
                       "--start", "0", "--end", "5")
    assert code == 1 and one_sentence(err) == "There is no source '99999' in this project."


@pytest.mark.parametrize("command", [["search", "{project}", NESTED],
                                     ["autocode", "{project}", "--theme", "Barriers", "--query", NESTED]])
def test_deeply_nested_parentheses_are_one_sentence(project, capsys, command):  # noqa: F811
    argv = [str(project) if part == "{project}" else part for part in command]
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert one_sentence(err) == ("Parentheses nest more than 32 deep at character 33 of the query; "
                                 "take some of them out.")


def test_parentheses_nested_as_deep_as_allowed_still_search(project, capsys):  # noqa: F811
    code, out, _ = run(capsys, "search", project, "(" * 32 + '"funding cuts"' + ")" * 32, "--json")
    assert code == 0 and {hit["source"] for hit in json.loads(out)} == {"partner-a", "residents-a"}


def test_a_long_chain_of_nots_searches_like_the_short_one(project, capsys):  # noqa: F811
    """Each NOT once nested the query a level deeper, until Python's recursion gave out."""
    excluded = " ".join(f"NOT unusedword{i}" for i in range(1500))
    code, out, _ = run(capsys, "search", project, f"funding {excluded} NOT youth", "--json")
    assert code == 0
    assert [(hit["source"], hit["speaker"]) for hit in json.loads(out)] == [("partner-a", "Sam")]


def test_a_theme_name_with_bytes_that_are_not_utf8_is_refused_and_nothing_is_added(project, capsys):  # noqa: F811
    before = theme_paths(capsys, project)
    code, _, err = run(capsys, "themes", "add", project, UNDECODABLE)
    assert code == 1
    assert one_sentence(err).startswith("The name 'x\\xffy' holds bytes that are not UTF-8 text")
    assert theme_paths(capsys, project) == before


def test_any_text_argument_with_bytes_that_are_not_utf8_is_refused(project, capsys):  # noqa: F811
    code, _, err = run(capsys, "search", project, UNDECODABLE)
    assert code == 1 and one_sentence(err).startswith("The query 'x\\xffy' holds bytes")
    start, end = offsets(PARTNER_A, "Funding cuts")
    code, _, err = run(capsys, "code", project, "--source", "partner-a", "--theme", "Barriers",
                       "--start", start, "--end", end, "--memo", UNDECODABLE)
    assert code == 1 and one_sentence(err).startswith("The memo 'x\\xffy' holds bytes")
    assert json.loads(run(capsys, "info", project, "--json")[1])["codings"] == 0


def test_themes_help_lists_the_listing_and_every_action(capsys):
    with pytest.raises(SystemExit) as exited:
        run(capsys, "themes", "--help")
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert "usage: charter themes [-h] [--json] project" in out
    for action in ("add", "rename", "recolour", "define", "move", "merge", "delete"):
        assert f"usage: charter themes {action} " in out


def test_themes_add_reads_a_path_as_every_other_command_does(project, capsys):  # noqa: F811
    code, out, _ = run(capsys, "themes", "add", project, "Facilitators/Co-location")
    assert code == 0 and out.strip().startswith("Added theme 'Facilitators/Co-location'")
    paths = theme_paths(capsys, project)
    assert "Facilitators/Co-location" in paths and "Co-location" not in paths
    start, end = offsets(PARTNER_A, "Funding cuts")
    code, _, _ = run(capsys, "code", project, "--source", "partner-a", "--theme", "Facilitators/Co-location",
                     "--start", start, "--end", end)
    assert code == 0
    # A slash inside a name is written \/, and then it is one name.
    assert run(capsys, "themes", "add", project, "Ward\\/beat", "--parent", "Barriers")[0] == 0
    assert "Barriers/Ward\\/beat" in theme_paths(capsys, project)


def test_themes_add_under_a_parent_that_does_not_exist_is_refused(project, capsys):  # noqa: F811
    before = theme_paths(capsys, project)
    code, _, err = run(capsys, "themes", "add", project, "Nowhere/Co-location")
    assert code == 1 and one_sentence(err) == "There is no theme 'Nowhere' to add 'Co-location' under."
    assert theme_paths(capsys, project) == before


def test_renaming_to_a_path_is_refused_rather_than_making_an_unreachable_name(project, capsys):  # noqa: F811
    code, _, err = run(capsys, "themes", "rename", project, "Barriers", "Obstacles/Barriers")
    assert code == 1 and "cannot hold a path" in one_sentence(err)
    assert "Barriers" in theme_paths(capsys, project)


def test_site_rows_filtered_to_one_site_show_only_that_site(project, capsys):  # noqa: F811
    code, out, _ = run(capsys, "matrix", project, "--rows", "site", "--filter", "site=Site B", "--format", "json")
    assert code == 0 and [row["label"] for row in json.loads(out)["rows"]] == ["Site B"]
