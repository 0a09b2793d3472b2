"""What autodiff's public API is, and the ``public-api`` directive that documents all of it.

One definition serves the API reference and its tests (``tests/test_docs.py``): a module's public
names are its ``__all__`` when it has one; otherwise every name not starting with ``_``,
less the modules it imports (a subpackage gets its own page) and anything defined outside
autodiff (``np``, ``math.prod``...). The directive lists them all in a summary table, then
documents each one from its docstring::

    .. public-api:: autodiff.nn
"""

from __future__ import annotations

import importlib
import inspect
import sys
import types
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

# The modules of the API reference, one page each: (page, module). A module that does not
# exist yet gets a page saying so.
API_MODULES = [
    ("autodiff", "autodiff"),
    ("autograd", "autodiff.autograd"),
    ("autograd.functional", "autodiff.autograd.functional"),
    ("autograd.forward_ad", "autodiff.autograd.forward_ad"),
    ("autograd.graph", "autodiff.autograd.graph"),
    ("autograd.profiler", "autodiff.autograd.profiler"),
    ("linalg", "autodiff.linalg"),
    ("nn", "autodiff.nn"),
    ("nn.functional", "autodiff.nn.functional"),
    ("nn.init", "autodiff.nn.init"),
    ("nn.utils", "autodiff.nn.utils"),
    ("optim", "autodiff.optim"),
    ("optim.lr_scheduler", "autodiff.optim.lr_scheduler"),
    ("utils.data", "autodiff.utils.data"),
    ("utils.hooks", "autodiff.utils.hooks"),
    ("serialization", "autodiff.serialization"),
    ("random", "autodiff.random"),
    ("testing", "autodiff.testing"),
    ("profiler", "autodiff.profiler"),
    ("devices", "autodiff.cuda"),
    ("devices", "autodiff.accelerator"),
    ("devices", "autodiff.backends"),
    ("devices", "autodiff.backends.cpu"),
    ("devices", "autodiff.backends.cuda"),
    ("devices", "autodiff.backends.cudnn"),
    ("devices", "autodiff.backends.mps"),
    ("compile", "autodiff.compile"),
    ("viz", "autodiff.viz"),
]


def available_modules():
    """The API modules that can be imported now, as (page, module object)."""
    found = []
    for page, name in API_MODULES:
        try:
            found.append((page, importlib.import_module(name)))
        except ModuleNotFoundError as error:
            if error.name != name:          # the module exists but one of its imports fails
                raise
    return found


def _is_autodiff(obj) -> bool:
    return (getattr(obj, "__module__", None) or "").split(".")[0] == "autodiff"


def public_names(module) -> list[str]:
    """The names ``module`` offers its users, sorted (see the module docstring)."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return sorted(names)
    found = []
    for name, obj in vars(module).items():
        if name.startswith("_") or isinstance(obj, types.ModuleType):
            continue
        if (inspect.isclass(obj) or callable(obj)) and not _is_autodiff(obj):
            continue                        # imported from elsewhere: not ours to document
        if not (inspect.isclass(obj) or callable(obj)) and not _is_autodiff(type(obj)):
            continue                        # plain data of other types (dicts, __future__...)
        found.append(name)
    return sorted(found)


def kind(obj) -> str:
    """How a public name is documented: 'module', 'class', 'function' or 'data'."""
    if isinstance(obj, types.ModuleType):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "data"


def has_docstring(obj) -> bool:
    """Whether ``obj`` carries its own docstring (a class does not inherit one here).

    Data (``autodiff.float32``, a generator) cannot carry one: its type's counts.
    """
    if kind(obj) == "data":
        return bool(type(obj).__doc__)
    doc = vars(obj).get("__doc__") if inspect.isclass(obj) else obj.__doc__
    return bool(doc and doc.strip())


def missing_docstrings() -> list[str]:
    """Every public name of every API module without a docstring, fully qualified."""
    missing = []
    for _, module in available_modules():
        for name in public_names(module):
            if not has_docstring(getattr(module, name)):
                missing.append(f"{module.__name__}.{name}")
    return missing


def _rst(module) -> list[str]:
    """reStructuredText documenting ``module`` and every one of its public names."""
    objects = {name: getattr(module, name) for name in public_names(module)}
    lines = [f".. automodule:: {module.__name__}", *_shadowed(module), "",
             f".. currentmodule:: {module.__name__}", ""]
    groups = [("Modules", "module"), ("Classes", "class"), ("Functions", "function"),
              ("Data", "data")]
    summary = [name for _, k in groups for name, obj in objects.items()
               if kind(obj) == k != "module"]
    if summary:
        lines += [".. autosummary::", "   :nosignatures:", ""]
        lines += [f"   {name}" for name in summary] + [""]
    for title, k in groups:
        names = [name for name, obj in objects.items() if kind(obj) == k]
        if names:
            lines += [f".. rubric:: {title}", ""]
            for name in names:
                lines += _entry(module, name, objects[name], k)
    return lines


def _shadowed(module) -> list[str]:
    """Options for a module whose name its package gives to something else: ``autodiff.compile``
    is the function ``compile`` of the module ``autodiff.compile``, as in torch. The name
    is the function's; the module's page does not claim it."""
    package, _, name = module.__name__.rpartition(".")
    if package and getattr(sys.modules[package], name, module) is not module:
        return ["   :no-index:"]
    return []


_PAGES = {module: page for page, module in API_MODULES}


def home_of(cls) -> str:
    """Where a class is documented: the first API module that offers it (``autodiff.Tensor``
    for ``Tensor``, also offered by ``autodiff.nn.functional``)."""
    for _, module in available_modules():
        for name in public_names(module):
            if getattr(module, name) is cls:
                return f"{module.__name__}.{name}"
    raise LookupError(cls)


def _entry(module, name, obj, k):
    if k == "module":            # a submodule: its own page documents it
        page = _PAGES.get(obj.__name__)
        return [f"* :doc:`{page}`" if page else f"* ``{obj.__name__}``", ""]
    if k == "class":
        home = home_of(obj)
        if home != f"{module.__name__}.{name}":     # offered again: a link, not a second target
            return [f"* ``{name}``: the class :class:`{home}`.", ""]
        options = ["   :members:", "   :undoc-members:", "   :show-inheritance:"]
        return [f".. autoclass:: {name}", *(options if obj.__name__ == name else ()), ""]
    if k == "function":
        return [f".. autofunction:: {name}", ""]
    shown = f"``{obj!r}``"
    if " object at 0x" in shown:             # no useful repr: say what it is
        shown = f"An instance of ``{type(obj).__name__}``."
    return [f".. py:data:: {name}", f"   :type: {type(obj).__name__}", "", f"   {shown}", ""]


class PublicAPI(SphinxDirective):
    """``.. public-api:: MODULE``: its docstring, a summary table, then every public name."""

    required_arguments = 1
    has_content = False

    def run(self):
        name = self.arguments[0]
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            lines = [".. note::", "", f"   ``{name}`` is not written yet."]
        else:
            root = Path(inspect.getsourcefile(importlib.import_module("autodiff"))).parent
            for source in root.rglob("*.py"):      # a name may be defined anywhere in autodiff
                self.env.note_dependency(str(source))
            lines = _rst(module)
        holder = nodes.container()
        self.state.nested_parse(StringList(lines, source=f"<public-api {name}>"),
                                self.content_offset, holder)
        return holder.children


def _skip_not_provided(app, what, name, obj, skip, options):
    """Tensor's attributes that autodiff leaves out on purpose
    (``autodiff._not_provided.NotProvided``, which raise when read) are not members to
    document."""
    return True if type(obj).__name__ == "NotProvided" else None


def setup(app):
    app.add_directive("public-api", PublicAPI)
    app.connect("autodoc-skip-member", _skip_not_provided)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
