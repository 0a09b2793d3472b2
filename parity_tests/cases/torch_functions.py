"""torch's top-level functions beyond the derivative table's rows: creation helpers,
window functions, the ``*_copy`` forms of views, and other conveniences real scripts call
as ``torch.name(...)``."""
