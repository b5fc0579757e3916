"""Shared fixtures: fresh projects on SQLite and on a real PostgreSQL server.

Model tests take ``location`` and run once per back end. The PostgreSQL run is never
skipped silently: if the server cannot start, those tests fail, unless the developer
sets CHARTER_SKIP_POSTGRES=1 on purpose.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from models.project import Project, create_project  # noqa: E402
from tests.postgres_cluster import PostgresUnavailable, ThrowawayCluster  # noqa: E402

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[ThrowawayCluster]:
    if os.environ.get("CHARTER_SKIP_POSTGRES") == "1":
        pytest.skip("CHARTER_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
    try:
        cluster = ThrowawayCluster()
        cluster.start()
    except PostgresUnavailable as error:
        pytest.fail(f"PostgreSQL tests cannot run: {error}", pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture(params=BACKENDS)
def location(request, tmp_path: Path) -> str:
    """Where a new project can be created: a file path, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "study.charter")
    return request.getfixturevalue("postgres_cluster").create_database()


@pytest.fixture
def project(location: str) -> Iterator[Project]:
    created = create_project(location, name="Test study")
    yield created
    created.close()
