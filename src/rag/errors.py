"""Errors the user can act on. Each message names the bad value and the fix."""


class RagError(Exception):
    """Base class: the CLI prints the message on one line and exits 1."""


class InputError(RagError):
    """A query, filter or option value that cannot be used."""


class CorpusError(RagError):
    """The corpus directory or a file in it cannot be read."""


class IndexProblem(RagError):
    """The index is missing, damaged or was built with other settings."""


class ModelUnavailable(RagError):
    """The embedding model cannot be loaded (not cached locally and the hub is unreachable)."""
