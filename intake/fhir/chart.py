"""The chart's "Patient's own record" section: the downloads of the whole record (clinical staff only)."""


def record_downloads(patient) -> dict:
    """Nothing to load: the section only links to the downloads."""
    return {}
