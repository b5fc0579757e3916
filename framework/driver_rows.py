"""Large integer result sets fetched as the database driver's plain tuples.

SQLAlchemy's row objects cost about three times the query itself for a quarter of a
million rows; the counts behind the matrix and the sources pane only need the tuples.
"""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import Session


def driver_rows(session: Session, query: Select) -> list[tuple]:
    """All rows of ``query`` as the driver returns them, in the session's transaction.

    Only for queries holding integers from the database: their parameters are rendered
    inline (the driver's cursor is used directly), which is safe for those alone."""
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()
