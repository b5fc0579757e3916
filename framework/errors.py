"""The one exception type the core raises for things a user can get wrong.

``str(error)`` is always one sentence that names the thing (theme, source, cell…), fit
for a message box or the command line. Anything else escaping the core is a bug.
"""


class CharterError(ValueError):
    pass
