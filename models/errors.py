"""The one exception type for things a user can get wrong or run into.

``str(error)`` is always one sentence that names the thing (file, theme, source, cell…),
fit for a message box or the command line. The command line and the GUI catch only
this type: anything else escaping the core is a bug and should be seen as one.

It lives in ``models`` (which stands alone) so that every layer — models, importers,
framework, app — can raise it; ``framework.errors`` re-exports it.
"""


class CharterError(Exception):
    pass
