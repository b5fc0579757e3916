"""Framework test fixtures: ``study`` is the small study of ``tests.framework.study``
(a template's framework, transcripts from several sites, two coders) in a fresh
project on each back end."""

from __future__ import annotations

import pytest

from tests.framework.study import Study, build_study


@pytest.fixture
def study(project, tmp_path) -> Study:
    return build_study(project, tmp_path)
