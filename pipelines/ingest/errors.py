"""The one exception the readers raise for bad content."""


class FileProblem(Exception):
    """The file as a whole cannot be loaded; the message tells a clerk what to do."""
