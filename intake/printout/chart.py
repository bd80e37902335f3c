"""The chart page's "Print chart (PDF)" action (clinical staff only)."""


def print_action(patient) -> dict:
    """Nothing to fetch: the action links to the printout's choice page."""
    return {}
