"""The core's user-facing error type (defined in ``models.errors``, which every layer
may import). ``str(error)`` is always one sentence that names the thing (theme, source,
cell…), fit for a message box or the command line. Anything else escaping the core is a
bug."""

from models.errors import CharterError

__all__ = ["CharterError"]
