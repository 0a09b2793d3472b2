"""What real torch programs use around the maths (issue 19), where the parity cases
(``parity_tests/cases/compat.py``) cannot show it: a checkpoint read by a second process,
files on disk, error types against torch's."""

import importlib
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest
import torch

import autodiff
from autodiff import _not_provided
from parity_tests.cases.compat import flat_outputs

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("T", [torch, autodiff], ids=["torch", "autodiff"])
def test_a_checkpoint_written_by_one_process_loads_in_another(T, tmp_path):
    """Save a model's and an optimizer's state in a subprocess; load them here."""
    path = tmp_path / "checkpoint.pt"
    writer = textwrap.dedent(f"""
        import {T.__name__} as T
        T.manual_seed(0)
        model = T.nn.Linear(3, 2)
        optimizer = T.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        model(T.ones(1, 3)).sum().backward()
        optimizer.step()
        T.save({{"model": model.state_dict(), "optim": optimizer.state_dict(), "epoch": 4}},
               {str(path)!r})
        print(model.weight.tolist(), model.bias.tolist())
    """)
    written = subprocess.run([sys.executable, "-c", writer], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout.strip()
    checkpoint = T.load(path)
    model = T.nn.Linear(3, 2)
    model.load_state_dict(checkpoint["model"])
    optimizer = T.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    optimizer.load_state_dict(checkpoint["optim"])
    assert checkpoint["epoch"] == 4
    assert f"{model.weight.tolist()} {model.bias.tolist()}" == written
    buffers = optimizer.state_dict()["state"][0]["momentum_buffer"]
    assert buffers.tolist() == checkpoint["optim"]["state"][0]["momentum_buffer"].tolist()


@pytest.mark.parametrize("T", [torch, autodiff], ids=["torch", "autodiff"])
def test_save_takes_a_path_or_a_pathlike(T, tmp_path):
    T.save(T.arange(4), str(tmp_path / "a.pt"))
    T.save(T.arange(4), tmp_path / "b.pt")
    assert T.load(tmp_path / "a.pt").tolist() == T.load(str(tmp_path / "b.pt")).tolist()


def test_load_of_a_missing_file_raises_torchs_error(tmp_path):
    missing = tmp_path / "missing.pt"
    with pytest.raises(FileNotFoundError) as expected:
        torch.load(missing)
    with pytest.raises(FileNotFoundError) as got:
        autodiff.load(missing)
    assert str(got.value) == str(expected.value)


def test_a_checkpoint_is_a_zip_archive_like_torchs(tmp_path):
    """The same layout (``archive/data.pkl`` + one record per tensor), not the same
    pickle: torch cannot read autodiff's file (docs/unsupported.md)."""
    import zipfile
    autodiff.save({"a": autodiff.ones(2), "b": autodiff.zeros(3)}, tmp_path / "c.pt")
    names = set(zipfile.ZipFile(tmp_path / "c.pt").namelist())
    assert {"archive/data.pkl", "archive/data/0", "archive/data/1"} <= names


# -- recurrent layers: torch's own initial weights, copied into autodiff's module ------------

RECURRENT = [("RNN", dict(num_layers=2, nonlinearity="relu")),
             ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True)),
             ("LSTM", dict(proj_size=2)),
             ("GRU", dict(bidirectional=True, bias=False)),
             ("RNNCell", {}), ("LSTMCell", {}), ("GRUCell", dict(bias=False))]


def _run_recurrent(T, module, x):
    """The outputs (flattened) and the gradients of x and of every parameter."""
    flat = flat_outputs(module(x))
    sum(((v * (k + 1)) ** 2).sum() for k, v in enumerate(flat)).backward()
    grads = [x.grad] + [p.grad for _, p in module.named_parameters()]
    return [t.detach().numpy() for t in flat + grads]


@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-10), ("float32", 2e-5)])
@pytest.mark.parametrize("kind, options", RECURRENT, ids=[f"{k}-{o}" for k, o in RECURRENT])
def test_recurrent_layers_match_torch_from_torchs_initial_weights(kind, options, dtype,
                                                                  tolerance):
    import numpy as np
    torch.manual_seed(0)
    reference = getattr(torch.nn, kind)(3, 5, **options).to(getattr(torch, dtype))
    ours = getattr(autodiff.nn, kind)(3, 5, **options).to(getattr(autodiff, dtype))
    state = reference.state_dict()
    assert list(ours.state_dict()) == list(state)
    ours.load_state_dict({k: autodiff.tensor(v.numpy()) for k, v in state.items()})
    shape = (3,) if "Cell" in kind else (2, 4, 3)
    x = np.random.default_rng(0).uniform(-2, 2, (2, *shape) if "Cell" in kind else shape)
    expected = _run_recurrent(torch, reference, torch.tensor(x, dtype=getattr(torch, dtype),
                                                            requires_grad=True))
    got = _run_recurrent(autodiff, ours, autodiff.tensor(x, dtype=getattr(autodiff, dtype),
                                                         requires_grad=True))
    assert len(got) == len(expected)
    for e, g in zip(expected, got):
        assert g.shape == e.shape and g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU", "LSTMCell"])
def test_recurrent_initial_weights_are_uniform_like_torchs(kind):
    """torch's init: every parameter uniform on +-1/sqrt(hidden_size). Large layers, so
    the spread of the draws shows the distribution (bounds, mean, variance)."""
    import numpy as np
    hidden = 64
    values = {name: np.concatenate([p.detach().numpy().ravel() for p in T.nn.__dict__[kind](
        32, hidden).parameters()]) for name, T in (("torch", torch), ("autodiff", autodiff))}
    bound = 1 / hidden ** 0.5
    for drawn in values.values():
        assert drawn.min() >= -bound and drawn.max() <= bound
        assert abs(drawn.mean()) < 0.05 * bound
        assert abs(drawn.std() - bound / 3 ** 0.5) < 0.05 * bound


# -- the profiler's trace file -------------------------------------------------------------------

@pytest.mark.parametrize("T", [torch, autodiff], ids=["torch", "autodiff"])
def test_a_profile_exports_a_chrome_trace(T, tmp_path):
    import json
    x = T.ones(3, requires_grad=True)
    with T.autograd.profiler.profile() as prof:
        with T.autograd.profiler.record_function("my_block"):
            (x * 2).sum().backward()
    prof.export_chrome_trace(str(tmp_path / "trace.json"))
    events = json.loads((tmp_path / "trace.json").read_text())["traceEvents"]
    blocks = [e for e in events if e.get("name") == "my_block"]
    assert len(blocks) == 1 and blocks[0]["ph"] == "X" and blocks[0]["dur"] >= 0
    assert "Self CPU time total" in str(prof)


def test_a_part_of_torch_left_out_on_purpose_says_so():
    assert not hasattr(autodiff, "jit") and not hasattr(autodiff, "no_such_function")
    with pytest.raises(AttributeError, match=r"no attribute 'jit': autodiff does not "
                                             r"provide torch\.jit \(TorchScript"):
        autodiff.jit.script
    with pytest.raises(AttributeError, match=r"^module 'autodiff' has no attribute "
                                             r"'no_such_function'$"):
        autodiff.no_such_function
    with pytest.raises(AttributeError, match=r"no attribute 'os': autodiff does not provide "
                                             r"torch\.os \(a module torch imports for itself"):
        autodiff.os
    with pytest.raises(AttributeError, match=r"no attribute 'make_tensor': autodiff does not "
                                             r"provide torch\.testing\.make_tensor"):
        autodiff.testing.make_tensor


SUBMODULES = ["nn", "nn.functional", "nn.init", "nn.utils", "linalg", "optim",
              "optim.lr_scheduler", "autograd", "autograd.functional", "autograd.graph",
              "autograd.forward_ad", "utils.data", "cuda", "backends", "profiler"]


def _public_names(module):
    """torch's public names of ``module``: its ``__all__``, else what it defines for its
    users (not what it imports: modules, typing's names, NumPy)."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return sorted(set(names))
    return sorted(name for name, obj in vars(module).items()
                  if not name.startswith("_") and name != "TYPE_CHECKING"
                  and not isinstance(obj, types.ModuleType)
                  and str(getattr(obj, "__module__", "torch")).startswith("torch"))


@pytest.mark.parametrize("submodule", SUBMODULES)
def test_every_public_name_of_a_torch_submodule_is_provided_or_left_out(submodule):
    torch_module = importlib.import_module(f"torch.{submodule}")
    module = importlib.import_module(f"autodiff.{submodule}")
    left_out = _not_provided.by_name(_not_provided.SUBMODULE_NOT_PROVIDED.get(submodule, {}))
    assert all(hasattr(torch_module, name) for name in left_out)
    assert [name for name in left_out if name in vars(module)] == []
    missing = [name for name in _public_names(torch_module)
               if not hasattr(module, name) and name not in left_out]
    assert missing == []
    if left_out:
        name, why = next(iter(left_out.items()))
        with pytest.raises(AttributeError, match=re.escape(
                f"module 'autodiff.{submodule}' has no attribute '{name}': autodiff does not "
                f"provide torch.{submodule}.{name} ({why})")):
            getattr(module, name)


def test_every_public_name_of_torch_is_provided_or_left_out_on_purpose():
    """A name of torch's namespace is either autodiff's too or in its table of names left
    out (with why), never both; and the table lists only torch's names."""
    left_out = autodiff._NOT_PROVIDED
    assert all(hasattr(torch, name) for name in left_out)
    assert [name for name in left_out if name in vars(autodiff)] == []
    missing = [name for name in dir(torch)
               if not name.startswith("_") and not hasattr(autodiff, name)
               and name not in left_out]
    assert missing == []


def test_a_tensor_attribute_left_out_on_purpose_says_so():
    """torch's Tensor attributes autodiff does not provide raise an AttributeError that
    says so (hasattr is False, as for a name neither has); every public name of torch's
    Tensor is either provided or one of them."""
    x = autodiff.ones(2)
    names = [n for names in autodiff._TENSOR_NOT_PROVIDED.values() for n in names]
    assert all(hasattr(torch.Tensor, name) for name in names)       # torch's names
    assert not any(hasattr(x, name) or hasattr(autodiff.Tensor, name) for name in names)
    with pytest.raises(AttributeError, match=r"^'Tensor' object has no attribute 'to_sparse': "
                                             r"autodiff does not provide Tensor\.to_sparse "
                                             r"\(sparse tensors\)"):
        x.to_sparse()
    with pytest.raises(AttributeError, match=r"no attribute 'no_such_method'$"):
        x.no_such_method
    missing = [name for name in dir(torch.Tensor)
               if not name.startswith("_") and not hasattr(autodiff.Tensor, name)
               and name not in names]
    assert missing == []
    x.storage = "mine"                   # an instance attribute of that name is the user's
    assert x.storage == "mine"


def test_tensor_attributes_left_out_cost_nothing_to_the_others():
    """They are class attributes (descriptors), not a ``__getattr__``: Tensor's own
    attribute access is the hot path, which a ``__getattr__`` would slow."""
    assert "__getattr__" not in vars(autodiff.Tensor)
    assert all(type(vars(autodiff.Tensor)[name]).__name__ == "NotProvided"
               for names in autodiff._TENSOR_NOT_PROVIDED.values() for name in names)


_OPERATORS = sorted(name for name in dir(torch.Tensor)
                    if name in {f"__{op}__" for op in (
                        "add radd iadd sub rsub isub mul rmul imul truediv rtruediv itruediv "
                        "floordiv rfloordiv ifloordiv mod rmod imod pow rpow ipow matmul "
                        "rmatmul and rand iand or ror ior xor rxor ixor lshift rlshift "
                        "ilshift rshift rrshift irshift eq ne lt le gt ge").split()})


@pytest.mark.parametrize("name", _OPERATORS)
@pytest.mark.parametrize("operand", [np.ones(2), object(), None], ids=["ndarray", "object", "None"])
def test_every_binary_operator_declines_what_its_op_refuses(name, operand):
    """torch's operators answer NotImplemented for an operand they do not take, so that
    Python asks the other operand (NumPy's ufunc, for an array) before its TypeError:
    each of autodiff's operators does the same, as the very method torch has."""
    def answer(T):
        bare = name.strip("_")                 # (the bitwise ones take integers)
        integer = {bare, bare[1:]} & {"and", "or", "xor", "lshift", "rshift"}
        t = T.tensor([1, 2]) if integer else T.tensor([1.0, 2.0])
        return getattr(t, name)(operand)
    expected, got = answer(torch), answer(autodiff)
    if expected is NotImplemented:
        assert got is NotImplemented
    else:          # (== takes an array as a tensor; __rtruediv__ is reciprocal() * other)
        assert str(got.dtype) == str(expected.dtype).replace("torch", "autodiff")
        np.testing.assert_array_equal(got.numpy(), expected.numpy())


def _raised(call):
    """What ``call()`` raises, as ``type: message`` (torch written autodiff), or "ok"."""
    try:
        call()
    except Exception as e:
        return f"{type(e).__name__}: {e}".replace("torch", "autodiff")
    return "ok"


# the functions of two or more operands that torch's argument parser checks: several
# signatures (eq, pow, where...: "received an invalid combination of arguments") or one
_OPERAND_FUNCTIONS = (
    "eq ne lt le gt ge greater less greater_equal less_equal not_equal fmod copysign "
    "bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift remainder pow "
    "float_power xlogy divide true_divide floor_divide multiply subtract rsub lerp where add "
    "sub mul div atan2 hypot maximum minimum take heaviside gcd lcm nextafter matmul "
    "result_type").split()


_OPERAND_FORMS = [(name, form) for name in _OPERAND_FUNCTIONS for form, exists in (
    ("function", hasattr(torch, name)), ("method", hasattr(torch.Tensor, name)),
    ("in place", hasattr(torch.Tensor, name + "_"))) if exists]


@pytest.mark.parametrize("name, form", _OPERAND_FORMS)
def test_an_operand_of_the_wrong_type_gets_torchs_type_error(name, form):
    """``mul(t, a)`` and ``t.mul(a)`` of a NumPy array (a list, a string): torch's
    TypeError, worded as the function's or as the method's (whose arguments count after
    ``self``, whose signatures have no ``input`` nor ``out``), of the alias under its own
    name (``t.multiply(a)``), of the in-place method under its (``t.eq_(a)``)."""
    attribute = {"method": name, "in place": name + "_"}.get(form)

    def call(T, operand):
        t = T.ones(3, dtype=T.int32 if name.startswith("bitwise") else T.float32)
        args = (t > 0, operand) if name == "where" else (operand, 0.5) if name == "lerp" \
            else (operand,)
        if form == "function":
            return lambda: getattr(T, name)(*((args[0], t, operand) if name == "where"
                                             else (t, *args)))
        return lambda: getattr(t, attribute)(*args)
    checked = 0
    for operand in (np.ones(3), [1.0], "a"):
        expected = _raised(call(torch, operand))
        if expected.startswith("TypeError"):
            assert _raised(call(autodiff, operand)) == expected
            checked += 1
    assert checked


@pytest.mark.parametrize("name", "add sub mul div divide multiply subtract true_divide "
                                  "floor_divide".split())
def test_the_arithmetic_functions_take_two_numbers_as_torchs_do(name):
    """``torch.add(1, 2)`` is ``tensor(3)``: for these functions torch's parser takes a
    number where a tensor goes (a 0-d tensor of the number's kind), so two numbers make a
    tensor, of int64, float32 or bool as the numbers are (or torch's error: ``sub`` of
    bools)."""
    for a, b in ((7, 2), (7.0, 2), (True, False), (np.float32(2), 3), (3, True)):
        expected = _raised(lambda: getattr(torch, name)(a, b))
        assert _raised(lambda: getattr(autodiff, name)(a, b)) == expected
        if expected == "ok":
            got, want = getattr(autodiff, name)(a, b), getattr(torch, name)(a, b)
            assert str(got.dtype) == str(want.dtype).replace("torch", "autodiff")
            assert got.item() == want.item() and not got.requires_grad


@pytest.mark.parametrize("name", "pow float_power remainder fmod eq ne lt ge copysign "
                                  "bitwise_and bitwise_left_shift xlogy true_divide lerp isin "
                                  "where result_type".split())
def test_two_numbers_where_torch_has_several_signatures(name):
    """``pow(2, 3)``: torch lists the signatures of a function that none of them lets take
    two numbers (``result_type(1, 2)`` one does); so does autodiff."""
    args = {"lerp": (1, 2, 0.5), "where": (True, 1, 2)}.get(name, (2, 3))
    assert _raised(lambda: getattr(autodiff, name)(*args)) == \
        _raised(lambda: getattr(torch, name)(*args))


@pytest.mark.parametrize("call", [
    lambda T: T.floor_divide(T.tensor([True]), T.tensor([True])),
    lambda T: T.tensor([True]) // True, lambda T: T.tensor([True]) % True,
    lambda T: T.div(T.tensor([True]), True, rounding_mode="trunc"),
    lambda T: T.div(T.tensor([True]), True, rounding_mode=None),
    lambda T: T.fmod(T.tensor([True]), True), lambda T: T.remainder(True, T.tensor([True])),
    lambda T: T.remainder(2, T.tensor([True])), lambda T: T.floor_divide(T.tensor([3]), True)])
def test_rounding_divisions_of_booleans_as_torchs(call):
    """torch has no kernel for a rounding division computed in bool (its
    NotImplementedError); one computed in int64 or float (``remainder(2, bools)``) works."""
    expected = _raised(lambda: call(torch))
    assert _raised(lambda: call(autodiff)) == expected
    if expected == "ok":
        np.testing.assert_array_equal(call(autodiff).numpy(), call(torch).numpy())


def test_randint_takes_its_bounds_as_torchs_does():
    """``randint(high=5, size=...)`` (low defaults to 0, as torch's documentation writes
    it), ``randint(5, size)``, and torch's error for an empty range."""
    for call in (lambda T: T.randint(high=5, size=(3,)), lambda T: T.randint(5, size=(2, 2)),
                 lambda T: T.randint(low=2, high=5, size=(3,)), lambda T: T.randint(0, 0, (3,)),
                 lambda T: T.randint(3, 1, (3,)), lambda T: T.randint(-3, -1, (2,))):
        assert _raised(lambda: call(autodiff)) == _raised(lambda: call(torch))
        if _raised(lambda: call(torch)) == "ok":
            assert call(autodiff).shape == tuple(call(torch).shape)


# where torch takes a size, or another list of ints: as ints one by one ("*size", the
# varargs forms) or as one tuple, list, or torch.Size (the others); or an int
_VARARGS_FORMS = {
    **{name: lambda T, t, args, name=name: getattr(T, name)(*args)
       for name in ("zeros", "ones", "empty", "rand", "randn")},
    **{name: lambda T, t, args, name=name: getattr(t, name)(*args)
       for name in ("view", "reshape", "expand", "repeat", "permute", "tile", "flip",
                    "sum_to_size", "new_zeros", "new_ones", "new_empty")},
    "resize_": lambda T, t, args: t.detach().clone().resize_(*args),
}
_ONE_ARGUMENT_FORMS = {
    "full": lambda T, t, args: T.full(*args, 1.0),
    "new_full": lambda T, t, args: t.new_full(*args, 1.0),
    "reshape function": lambda T, t, args: T.reshape(t, *args),
    "permute function": lambda T, t, args: T.permute(t, *args),
    "tile function": lambda T, t, args: T.tile(t, *args),
    "broadcast_to": lambda T, t, args: T.broadcast_to(t, *args),
    "unflatten": lambda T, t, args: t.unflatten(0, *args),
    "randint(high, size)": lambda T, t, args: T.randint(5, *args),
    "randint(high)": lambda T, t, args: T.randint(*args, (2,)),
    "randperm": lambda T, t, args: T.randperm(*args),
    "eye": lambda T, t, args: T.eye(*args),
    "eye(n, m)": lambda T, t, args: T.eye(2, *args),
    **{f"{name}(size=)": lambda T, t, args, name=name: getattr(T, name)(size=args[0])
       for name in ("zeros", "ones", "empty", "rand", "randn")},
    **{f"{name}({param}=)": lambda T, t, args, name=name, param=param: getattr(t, name)(
        **{param: args[0]}) for name, param in (
            ("new_zeros", "size"), ("new_ones", "size"), ("new_empty", "size"), ("view", "size"),
            ("reshape", "shape"), ("expand", "size"), ("repeat", "repeats"), ("permute", "dims"),
            ("tile", "dims"), ("flip", "dims"))},
    "flip function": lambda T, t, args: T.flip(t, *args),
}
# the arguments, as given: a float or a bool for an int (n / 2: 2.0), a list holding one,
# an array, a negative size...
_NOT_SIZES = [((2, 2),), (2.5,), (2.0,), (True,), (None,), ("3",), (np.ones(2),),
              (np.float64(2),), ((2, 2.0),), ((2.0,),), ([2.0, 1],), ((2, None),), (4,),
              ((-1,),), ((-1, -3),), ((2, -1, -1),)]
_NOT_VARARGS = [(2, 2.0), (2.0, 2), (), (-1,), (2, -1), (2, -2)]


@pytest.mark.parametrize("form", [*_VARARGS_FORMS, *_ONE_ARGUMENT_FORMS])
def test_a_size_of_the_wrong_type_gets_torchs_error(form):
    """``zeros(n / 2)``, ``x.view(2, n / 2)``, ``randint(5, (2.0,))``: torch's argument
    parser refuses a float (a bool, a list of them...) where it takes a size or an int,
    and says how, in words that depend on where it is (the first element of a list or
    another, one of several arguments); autodiff says the same, where it would have
    made a tensor of another shape. A negative size: torch's RuntimeError, each op's. The
    size given as a keyword (``zeros(size=(2, 3))``) or not at all, as torch."""
    make = {**_VARARGS_FORMS, **_ONE_ARGUMENT_FORMS}[form]
    given = _NOT_SIZES + _NOT_VARARGS * (form in _VARARGS_FORMS)
    if form == "eye(n, m)":             # (autodiff's m defaults to None, as torch's docs
        given = [args for args in given if args[0] is not None]   # say; its parser refuses it)
    if form == "view(size=)":           # (a list refused as a whole: torch lists view's
        given = [args for args in given          # signatures, marking the keyword)
                 if isinstance(args[0], tuple) and args[0] and type(args[0][0]) is int]
    if form == "unflatten":             # (torch's words for a negative size carry its
        given = given[:-3]              # C++ traceback)
    refused = 0
    for args in given:
        expected = _raised(lambda: make(torch, torch.arange(4.0), args))
        assert _raised(lambda: make(autodiff, autodiff.arange(4.0), args)) == expected, args
        refused += expected != "ok"
    assert refused


def test_no_function_takes_a_numpy_array_where_torch_wants_a_tensor():
    """``torch.exp(np.ones(2))`` is torch's TypeError ("argument 'input' (position 1) must
    be Tensor, not numpy.ndarray"): autodiff's functions refuse what torch refuses there,
    rather than compute with it."""
    taken = []
    for name in dir(torch):
        fn = getattr(autodiff, name, None)
        if name.startswith("_") or not name[0].islower() or not callable(fn) \
                or name in ("layout", "memory_format"):
            continue      # (torch's type constructors)
        expected = _raised(lambda: getattr(torch, name)(np.ones(3)))
        if expected.startswith("TypeError") and _raised(lambda: fn(np.ones(3))) == "ok":
            taken.append(name)
    assert taken == []
