"""Sphinx configuration of autodiff's documentation site (``make docs``).

The build runs offline: no intersphinx inventories, nothing fetched. Code cells of the
concept pages and the tutorials are executed at build time by MyST-NB; their outputs are
cached in ``docs/_build/.jupyter_cache/<key>``, where the key hashes the sources of autodiff
and parity_tests (and the torch version), so a change to either executes everything again.
"""

import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path[:0] = [str(DOCS / "_ext"), str(REPO)]

from parity_matrix import source_key  # noqa: E402

import autodiff  # noqa: E402

project = "autodiff"
author = "the autodiff authors"
copyright = "autodiff authors, BSD-3-Clause"
release = version = autodiff.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "public_api",
    "parity_matrix",
    "included_pages",
]

exclude_patterns = ["_build", "_generated", "_ext", "**.ipynb_checkpoints", ".gitignore"]

# -- MyST and MyST-NB -----------------------------------------------------------------
myst_enable_extensions = ["dollarmath"]
nb_execution_mode = "cache"
nb_execution_timeout = 120                 # seconds per cell
nb_execution_raise_on_error = True         # a failing cell fails the build
nb_execution_show_tb = True
_cache_root = DOCS / "_build" / ".jupyter_cache"
nb_execution_cache_path = str(_cache_root / source_key(REPO))
for _old in _cache_root.glob("*") if _cache_root.is_dir() else ():
    if str(_old) != nb_execution_cache_path:
        shutil.rmtree(_old, ignore_errors=True)      # executed against an older autodiff

# -- autodoc ---------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"

# -- HTML ------------------------------------------------------------------------------
html_theme = "furo"
html_title = "autodiff"
