"""``check_project`` names coded text that no row of the matrix counts, on both back ends."""

from __future__ import annotations

from sqlalchemy import delete

from framework.coding import apply_coding
from models import Coder, Coding, Participant, Site, Source, Theme, Turn
from models.integrity import check_project

TEXT = "Site A, March 2013\nInterviewer: Why meet?\nJo: Because we share data."


def test_coded_text_in_nobodys_turn_is_reported_by_source(project):
    with project.transaction("study") as session:
        site, coder = Site(name="Site A"), Coder(name="Alex", initials="A")
        themes = [Theme(name="Barriers", colour="#000000"), Theme(name="Benefits", colour="#ffffff")]
        interviewer = Participant(name="Interviewer", is_interviewer=True)
        jo = Participant(name="Jo", site=site)
        interview = Source(name="Interview 3", site=site, text=TEXT)
        notes = Source(name="Field notes", site=site, text="Quiet night on the estate.")
        session.add_all([site, coder, *themes, interviewer, jo, interview, notes])
        session.flush()
        session.add_all([  # a preamble (nobody's), then a question and its answer
            Turn(source_id=interview.id, participant_id=None, start=0, end=18),
            Turn(source_id=interview.id, participant_id=interviewer.id, start=32, end=41, speaker_label="Interviewer"),
            Turn(source_id=interview.id, participant_id=jo.id, start=46, end=68, speaker_label="Jo"),
        ])
        session.flush()
        barriers, benefits = (theme.id for theme in themes)
        assert (TEXT[0:6], TEXT[36:53], TEXT[8:35]) == ("Site A", "meet?\nJo: Because", "March 2013\nInterviewer: Why")
        in_preamble = apply_coding(session, interview.id, barriers, 0, 6, coder.id).result_id  # 6 characters
        # Across the label into Jo's answer: the label is nobody's words by design, not a loss.
        apply_coding(session, interview.id, barriers, 36, 53, coder.id)
        half_in_preamble = apply_coding(session, interview.id, benefits, 8, 35, coder.id).result_id  # 10 + 3
        in_no_turn = apply_coding(session, notes.id, benefits, 0, 11, coder.id).result_id  # 11, no turns at all
        ids = (interview.id, notes.id)
    report = check_project(project)
    assert report.problems == [
        f"source {ids[0]} “Interview 3” has coded text that no matrix row counts: 16 characters of 2 "
        "coding(s) lie in no participant's or interviewer's turn",
        f"source {ids[1]} “Field notes” has coded text that no matrix row counts: 11 characters of 1 "
        "coding(s) lie in no participant's or interviewer's turn",
    ]
    with project.transaction("uncode") as session:
        session.execute(delete(Coding).where(Coding.id.in_([in_preamble, half_in_preamble, in_no_turn])))
    assert check_project(project).ok
