"""Where a numbered page sits among its neighbours: what the pager macro (``_macros.html``) asks of any page."""


class NumberedPage:
    """Previous and next page numbers for a page object that has ``page`` (1 is the first)."""

    page: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
